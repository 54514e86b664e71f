using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MQTTnet;
using MQTTnet.Protocol;

namespace NanoBroker.Tests.Integration
{
    /// <summary>
    /// The desktop broker killed with SIGKILL: while retained QoS 1 messages arrive, again and again (after
    /// every restart each acknowledged retained message is there with its exact payload, and nothing else
    /// appears but a later message that was sent on that topic); and while a persistent session has QoS 2
    /// messages queued, some completed and some not.
    /// </summary>
    [TestClass]
    public class CrashRestartTests
    {
        private const int Topics = 16;
        private const int Rounds = 8;

        [TestMethod]
        [Timeout(90000, CooperativeCancellation = true)]
        public async Task AcknowledgedRetainedMessagesSurviveSigkillAtRandomMoments()
        {
            string data = Path.Combine(Path.GetTempPath(), "nanobroker-crash-" + Guid.NewGuid().ToString("N"));
            Random random = new Random(20261125);
            // Per topic: the payload last acknowledged, and every payload ever sent (acknowledged or not).
            string[] acknowledged = new string[Topics];
            HashSet<string>[] sent = new HashSet<string>[Topics];
            for (int t = 0; t < Topics; t++)
            {
                sent[t] = new HashSet<string>();
            }
            int totalAcknowledged = 0;
            try
            {
                for (int round = 0; round < Rounds; round++)
                {
                    int port = FreePort.Next();
                    using Process broker = StartBroker(port, data);
                    try
                    {
                        IMqttClient client = await ConnectAsync(port, "crash-checker");
                        Dictionary<string, string> found = await ReadRetainedAsync(client, acknowledged);
                        for (int t = 0; t < Topics; t++)
                        {
                            string topic = "crash/" + t;
                            string payload;
                            bool present = found.TryGetValue(topic, out payload);
                            if (acknowledged[t] != null)
                            {
                                Assert.IsTrue(present, "round " + round + ": acknowledged retained message on " + topic + " lost");
                            }
                            if (present)
                            {
                                Assert.IsTrue(sent[t].Contains(payload), "round " + round + ": " + topic + " holds a payload never sent: " + payload);
                                if (payload != acknowledged[t])
                                {
                                    // Only a message sent after the last acknowledged one (its PUBACK lost in the kill) may replace it.
                                    Assert.IsTrue(Sequence(payload) > Sequence(acknowledged[t]), "round " + round + ": " + topic + " went back to " + payload);
                                    acknowledged[t] = payload;
                                }
                            }
                        }

                        // Publish until the kill at a random moment.
                        int killAfterMs = random.Next(50, 400);
                        Stopwatch clock = Stopwatch.StartNew();
                        int sequence = round * 100000;
                        while (clock.ElapsedMilliseconds < killAfterMs)
                        {
                            int t = random.Next(Topics);
                            string payload = "seq " + (++sequence) + " " + new string((char)('a' + random.Next(26)), random.Next(1, 200));
                            sent[t].Add(payload);
                            await PublishRetainedAsync(client, "crash/" + t, payload);
                            acknowledged[t] = payload;
                            totalAcknowledged++;
                        }
                        broker.Kill();
                        broker.WaitForExit(5000);
                        client.Dispose();
                    }
                    finally
                    {
                        if (!broker.HasExited)
                        {
                            broker.Kill();
                        }
                    }
                }
                Assert.IsTrue(totalAcknowledged > Rounds, "the broker acknowledged only " + totalAcknowledged + " messages");
                Console.WriteLine("acknowledged " + totalAcknowledged + " retained messages across " + Rounds + " kills");
            }
            finally
            {
                if (Directory.Exists(data))
                {
                    Directory.Delete(data, true);
                }
            }
        }

        // With --persist-queued (the desktop default): QoS 2 messages queued for an offline persistent session,
        // six of them completed (PUBREC, PUBREL, PUBCOMP) and four not when the broker is SIGKILLed. After the
        // restart the four come again and the six do not [MQTT-4.3.3: exactly once for what was completed].
        [TestMethod]
        [Timeout(60000, CooperativeCancellation = true)]
        public async Task CompletedQueuedQos2MessagesDoNotComeBackAfterSigkill()
        {
            string data = Path.Combine(Path.GetTempPath(), "nanobroker-crash-" + Guid.NewGuid().ToString("N"));
            using CancellationTokenSource cancel = new CancellationTokenSource(TimeSpan.FromSeconds(50));
            byte[] connect = RawMqttClient.Connect("queue-checker", cleanSession: false);
            try
            {
                int port = FreePort.Next();
                using (Process broker = StartBroker(port, data))
                {
                    IMqttClient publisher = await ConnectAsync(port, "queue-publisher");
                    using (RawMqttClient subscriber = await RawMqttClient.ConnectAsync(port, connect, cancel.Token))
                    {
                        await subscriber.SendAsync(RawMqttClient.Subscribe(1, "queue/#", 2), cancel.Token);
                        await subscriber.ExpectPacketAsync(0x90, "SUBACK");
                        await subscriber.SendAsync(new byte[] { 0xE0, 0x00 }, cancel.Token);
                    }
                    for (int n = 0; n < 10; n++)
                    {
                        MqttClientPublishResult result = await publisher.PublishAsync(new MqttApplicationMessageBuilder()
                            .WithTopic("queue/x").WithPayload(n.ToString()).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.ExactlyOnce).Build());
                        Assert.IsTrue(result.IsSuccess, "PUBCOMP for message " + n);
                    }
                    using (RawMqttClient subscriber = await RawMqttClient.ConnectAsync(port, connect, cancel.Token, sessionPresent: true))
                    {
                        int[] packetIds = new int[10];
                        for (int n = 0; n < 10; n++)
                        {
                            // QoS 2; DUP when the first messages reached the session before the broker saw the DISCONNECT.
                            RawMqttClient.Packet publish = await subscriber.ReadPacketAsync(TimeSpan.FromSeconds(5));
                            Assert.IsNotNull(publish, "the broker closed the connection; expected PUBLISH " + n);
                            Assert.AreEqual(0x34, publish.Header & 0xF7, "fixed header of PUBLISH " + n);
                            var (_, packetId, payload) = publish.ParsePublish();
                            Assert.AreEqual(n.ToString(), Encoding.UTF8.GetString(payload), "queued messages come in order");
                            packetIds[n] = packetId;
                        }
                        for (int n = 0; n < 6; n++)
                        {
                            await subscriber.SendAsync(RawMqttClient.Ack(0x50, packetIds[n]), cancel.Token);
                            Assert.AreEqual(packetIds[n], (await subscriber.ExpectPacketAsync(0x62, "PUBREL " + n)).AckId);
                            await subscriber.SendAsync(RawMqttClient.Ack(0x70, packetIds[n]), cancel.Token);
                        }
                        // Well past --storage-commit-delay-ms (5): the completions are on disk.
                        await Task.Delay(300);
                        broker.Kill();
                        broker.WaitForExit(5000);
                    }
                    publisher.Dispose();
                }

                port = FreePort.Next();
                using (Process broker = StartBroker(port, data))
                {
                    try
                    {
                        using IMqttClient probe = await ConnectAsync(port, "probe");
                        using RawMqttClient subscriber = await RawMqttClient.ConnectAsync(port, connect, cancel.Token, sessionPresent: true);
                        // The broker sends the whole queue at once (inflight window 32); nothing more may follow.
                        List<string> again = new List<string>();
                        List<int> ids = new List<int>();
                        for (int n = 0; n < 4; n++)
                        {
                            var (_, packetId, payload) = (await subscriber.ExpectPacketAsync(0x34, "PUBLISH " + n + " after the restart")).ParsePublish();
                            again.Add(Encoding.UTF8.GetString(payload));
                            ids.Add(packetId);
                        }
                        CollectionAssert.AreEqual(new[] { "6", "7", "8", "9" }, again, "after the restart: the four not completed, and only those");
                        await subscriber.ExpectSilenceAsync(TimeSpan.FromMilliseconds(500));
                        foreach (int packetId in ids)
                        {
                            await subscriber.SendAsync(RawMqttClient.Ack(0x50, packetId), cancel.Token);
                            Assert.AreEqual(packetId, (await subscriber.ExpectPacketAsync(0x62, "PUBREL")).AckId);
                            await subscriber.SendAsync(RawMqttClient.Ack(0x70, packetId), cancel.Token);
                        }
                    }
                    finally
                    {
                        broker.Kill();
                    }
                }
            }
            finally
            {
                if (Directory.Exists(data))
                {
                    Directory.Delete(data, true);
                }
            }
        }

        private static int Sequence(string payload)
        {
            return payload == null ? -1 : int.Parse(payload.Split(' ')[1]);
        }

        private static Process StartBroker(int port, string data)
        {
            ProcessStartInfo info = new ProcessStartInfo("dotnet")
            {
                UseShellExecute = false,
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            };
            info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "NanoBroker.Host.dll"));
            info.ArgumentList.Add("--port");
            info.ArgumentList.Add(port.ToString());
            info.ArgumentList.Add("--data");
            info.ArgumentList.Add(data);
            Process process = Process.Start(info);
            process.OutputDataReceived += (s, e) => { };
            process.ErrorDataReceived += (s, e) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return process;
        }

        private static async Task<IMqttClient> ConnectAsync(int port, string clientId)
        {
            Stopwatch waited = Stopwatch.StartNew();
            while (true)
            {
                IMqttClient client = new MqttClientFactory().CreateMqttClient();
                try
                {
                    MqttClientOptions options = new MqttClientOptionsBuilder()
                        .WithTcpServer("127.0.0.1", port)
                        .WithClientId(clientId)
                        .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V311)
                        .WithTimeout(TimeSpan.FromSeconds(5))
                        .Build();
                    await client.ConnectAsync(options);
                    return client;
                }
                catch (Exception) when (waited.ElapsedMilliseconds < 15000)
                {
                    // The broker process is still starting.
                    client.Dispose();
                    await Task.Delay(100);
                }
            }
        }

        // Subscribes to every crash topic and collects the retained messages until those expected arrived or 1 s passed.
        private static async Task<Dictionary<string, string>> ReadRetainedAsync(IMqttClient client, string[] acknowledged)
        {
            Dictionary<string, string> found = new Dictionary<string, string>();
            client.ApplicationMessageReceivedAsync += e =>
            {
                if (e.ApplicationMessage.Retain)
                {
                    lock (found)
                    {
                        found[e.ApplicationMessage.Topic] = Encoding.UTF8.GetString(e.ApplicationMessage.Payload);
                    }
                }
                return Task.CompletedTask;
            };
            await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
                .WithTopicFilter(f => f.WithTopic("crash/#").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
                .Build());
            int expected = 0;
            foreach (string payload in acknowledged)
            {
                if (payload != null)
                {
                    expected++;
                }
            }
            Stopwatch waited = Stopwatch.StartNew();
            while (waited.ElapsedMilliseconds < 1000)
            {
                lock (found)
                {
                    if (found.Count >= expected && waited.ElapsedMilliseconds > 200)
                    {
                        break;
                    }
                }
                await Task.Delay(20);
            }
            lock (found)
            {
                return new Dictionary<string, string>(found);
            }
        }

        private static async Task PublishRetainedAsync(IMqttClient client, string topic, string payload)
        {
            MqttClientPublishResult result = await client.PublishAsync(new MqttApplicationMessageBuilder()
                .WithTopic(topic)
                .WithPayload(payload)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .WithRetainFlag(true)
                .Build());
            Assert.IsTrue(result.IsSuccess, "PUBACK for " + topic);
        }

    }
}
