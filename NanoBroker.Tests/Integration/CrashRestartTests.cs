using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MQTTnet;
using MQTTnet.Protocol;

namespace NanoBroker.Tests.Integration
{
    /// <summary>
    /// The desktop broker killed with SIGKILL while retained QoS 1 messages arrive, again and again:
    /// after every restart each acknowledged retained message is there with its exact payload, and
    /// nothing else appears but a later message that was sent on that topic.
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
                    int port = FreePort();
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

        private static int FreePort()
        {
            using Socket probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            return ((IPEndPoint)probe.LocalEndPoint).Port;
        }
    }
}
