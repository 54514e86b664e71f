using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MQTTnet.Protocol;

namespace NanoBroker.Tests.Integration
{
    /// <summary>The documented limits (README, "Settings and their limits") reached while the broker is busy.</summary>
    [TestClass]
    public class LimitsUnderLoadTests : BrokerTest
    {
        // MaxClients: CONNACK 3 (server unavailable) [MQTT-3.2.2-4, MQTT-3.2.2-5]; with every connection slot
        // taken the socket is closed at once. The admitted clients are served as usual.
        [TestMethod]
        [Timeout(20000)]
        public async Task MaxClientsUnderConcurrentConnects_AdmitsExactlyTheLimit_AndServesThem()
        {
            const int limit = 10;
            const int attempts = 40;
            StartBroker(o => o.MaxClients = limit);
            RawMqttClient[] clients = new RawMqttClient[attempts];
            Task<RawMqttClient.Packet>[] connAcks = new Task<RawMqttClient.Packet>[attempts];
            await Parallel.ForEachAsync(System.Linq.Enumerable.Range(0, attempts), Timeout, async (i, cancel) =>
            {
                clients[i] = await RawMqttClient.OpenAsync(Broker, cancel);
                try
                {
                    await clients[i].SendAsync(RawMqttClient.Connect("many-" + i), cancel);
                }
                catch (System.Net.Sockets.SocketException)
                {
                    // Closed by the broker before the CONNECT went out: every slot was taken.
                }
            });
            int accepted = 0, refused = 0, closed = 0;
            List<RawMqttClient> admitted = new List<RawMqttClient>();
            try
            {
                for (int i = 0; i < attempts; i++)
                {
                    RawMqttClient.Packet p = await clients[i].ReadPacketAsync(TimeSpan.FromSeconds(5));
                    if (p == null)
                    {
                        closed++;
                        continue;
                    }
                    Assert.AreEqual(0x20, p.Header, "CONNACK");
                    if (p.Body[1] == 0)
                    {
                        accepted++;
                        admitted.Add(clients[i]);
                    }
                    else
                    {
                        Assert.AreEqual(3, p.Body[1], "a client over the limit gets CONNACK 3 (server unavailable)");
                        Assert.IsNull(await clients[i].ReadPacketAsync(TimeSpan.FromSeconds(5)), "the broker closes after a refusing CONNACK [MQTT-3.2.2-5]");
                        refused++;
                    }
                }
                Console.WriteLine("max clients " + limit + ", " + attempts + " concurrent connects: " + accepted + " accepted, " + refused + " CONNACK 3, " + closed + " closed without CONNACK");
                Assert.AreEqual(limit, accepted, "exactly MaxClients admitted");
                Assert.AreEqual(attempts - limit, refused + closed, "every other one refused or closed");
                Assert.IsTrue(refused > 0, "at least one got CONNACK 3");

                // Every admitted client subscribes; one of them publishes; all get it.
                for (int i = 0; i < admitted.Count; i++)
                {
                    await admitted[i].SendAsync(RawMqttClient.Subscribe(1, "all/#", 1), Timeout);
                    await admitted[i].ExpectPacketAsync(0x90, "SUBACK");
                }
                await admitted[0].SendAsync(RawMqttClient.Publish("all/x", new byte[] { 42 }, 1, packetId: 5), Timeout);
                for (int i = 0; i < admitted.Count; i++)
                {
                    bool delivered = false;
                    while (!delivered)
                    {
                        RawMqttClient.Packet p = await admitted[i].ReadPacketAsync(TimeSpan.FromSeconds(5));
                        Assert.IsNotNull(p, "admitted client " + i + " was closed");
                        if ((p.Header & 0xF0) == 0x30)
                        {
                            Assert.AreEqual("all/x", p.ParsePublish().Topic);
                            delivered = true;
                        }
                        else
                        {
                            Assert.AreEqual(0x40, p.Header, "only the publisher's PUBACK besides the message");
                        }
                    }
                }
                // A slot frees when a client leaves: a new one is admitted.
                await admitted[0].SendAsync(new byte[] { 0xE0, 0x00 }, Timeout);
                RawMqttClient.Packet rest;
                while ((rest = await admitted[0].ReadPacketAsync(TimeSpan.FromSeconds(5))) != null)
                {
                    Assert.AreEqual(0x40, rest.Header, "at most the PUBACK still to read before the close");
                }
                using RawMqttClient late = await RawMqttClient.ConnectAsync(Broker, RawMqttClient.Connect("late"), Timeout);
            }
            finally
            {
                foreach (RawMqttClient c in clients)
                {
                    c?.Dispose();
                }
            }
        }

        // MaxPacketSize: "the connection is closed as soon as the fixed header shows the size". Mid-load,
        // only the sender of the oversized packet goes; the pairs exchanging messages lose none.
        [TestMethod]
        [Timeout(20000)]
        public async Task OversizedPacketMidLoad_ClosesOnlyThatClient()
        {
            StartBroker(o =>
            {
                o.MaxPacketSize = 4096;
                o.OutboxBytes = 65536;
            });
            const int pairs = 3;
            const int messages = 300;
            MqttNetPeer[] subs = new MqttNetPeer[pairs];
            MqttNetPeer[] pubs = new MqttNetPeer[pairs];
            for (int i = 0; i < pairs; i++)
            {
                subs[i] = await MqttNetPeer.ConnectAsync(Broker, "load-sub" + i, cancel: Timeout);
                await subs[i].SubscribeAsync("load/" + i, MqttQualityOfServiceLevel.AtLeastOnce, Timeout);
                pubs[i] = await MqttNetPeer.ConnectAsync(Broker, "load-pub" + i, cancel: Timeout);
            }
            using RawMqttClient offender = await RawMqttClient.ConnectAsync(Broker, RawMqttClient.Connect("offender"), Timeout);
            try
            {
                Task[] load = new Task[pairs];
                for (int i = 0; i < pairs; i++)
                {
                    int pair = i;
                    load[i] = Task.Run(async () =>
                    {
                        for (int n = 0; n < messages; n++)
                        {
                            await pubs[pair].PublishAsync("load/" + pair, new byte[1000 + n], MqttQualityOfServiceLevel.AtLeastOnce, cancel: Timeout);
                        }
                    });
                }
                await Task.Delay(100, Timeout);
                // 4097 bytes: one over the limit.
                byte[] oversized = RawMqttClient.Publish("load/0", new byte[4097 - 1 - 2 - 2 - 6], 0);
                Assert.AreEqual(4097, oversized.Length);
                await offender.SendAsync(oversized, Timeout);
                await offender.ExpectClosedAsync(TimeSpan.FromSeconds(5), "packet over MaxPacketSize");
                await Task.WhenAll(load);

                for (int i = 0; i < pairs; i++)
                {
                    for (int n = 0; n < messages; n++)
                    {
                        ReceivedMessage m = await subs[i].NextAsync(Wait, "message " + n + " of pair " + i);
                        Assert.AreEqual(1000 + n, m.Payload.Length, "pair " + i + ": message " + n + " intact and in order [MQTT-4.6.0-6]");
                    }
                    Assert.IsTrue(subs[i].Client.IsConnected && pubs[i].Client.IsConnected, "pair " + i + " still connected");
                }
                Assert.IsTrue(Broker.Logged("exceeds the maximum packet size 4096"), Broker.LogText);
            }
            finally
            {
                for (int i = 0; i < pairs; i++)
                {
                    await subs[i].DisposeAsync();
                    await pubs[i].DisposeAsync();
                }
            }
        }

        // QueueFull backpressure: publishers feeding a full queue are not read until it has room, so a
        // PUBACK means the message is queued: every acknowledged message reaches the slow subscriber, in
        // order per publisher [MQTT-4.6.0-6], and none is dropped.
        [TestMethod]
        [Timeout(30000)]
        public async Task FullQueueWithBackpressure_KeepsEveryAcknowledgedMessage()
        {
            StartBroker(o =>
            {
                o.QueueDepth = 5;
                o.InflightWindow = 2;
                o.SysIntervalMs = 0;
            });
            const int publishers = 4;
            const int messages = 60;
            using RawMqttClient slow = await RawMqttClient.ConnectAsync(Broker, RawMqttClient.Connect("slow-sub"), Timeout);
            await slow.SendAsync(RawMqttClient.Subscribe(1, "bp/#", 1), Timeout);
            await slow.ExpectPacketAsync(0x90, "SUBACK");

            MqttNetPeer[] pubs = new MqttNetPeer[publishers];
            int[] acknowledged = new int[publishers];
            for (int p = 0; p < publishers; p++)
            {
                pubs[p] = await MqttNetPeer.ConnectAsync(Broker, "bp-pub" + p, cancel: Timeout);
            }
            using CancellationTokenSource cancel = new CancellationTokenSource(TimeSpan.FromSeconds(25));
            try
            {
                Task[] publishing = new Task[publishers];
                for (int p = 0; p < publishers; p++)
                {
                    int publisher = p;
                    publishing[p] = Task.Run(async () =>
                    {
                        for (int n = 0; n < messages; n++)
                        {
                            await pubs[publisher].PublishAsync("bp/" + publisher, publisher + ":" + n, MqttQualityOfServiceLevel.AtLeastOnce, cancel: cancel.Token);
                            Interlocked.Increment(ref acknowledged[publisher]);
                        }
                    });
                }
                // The subscriber takes 5 ms over each message.
                int[] next = new int[publishers];
                int received = 0;
                int maxAhead = 0;
                while (received < publishers * messages)
                {
                    RawMqttClient.Packet packet = await slow.ReadPacketAsync(TimeSpan.FromSeconds(10));
                    Assert.IsNotNull(packet, "the slow subscriber was disconnected after " + received + " messages");
                    (string topic, int packetId, byte[] payload) = packet.ParsePublish();
                    string[] parts = System.Text.Encoding.UTF8.GetString(payload).Split(':');
                    int from = int.Parse(parts[0]);
                    Assert.AreEqual(next[from], int.Parse(parts[1]), "publisher " + from + ": messages in order, none lost");
                    next[from]++;
                    received++;
                    int acked = 0;
                    for (int p = 0; p < publishers; p++)
                    {
                        acked += Volatile.Read(ref acknowledged[p]);
                    }
                    maxAhead = Math.Max(maxAhead, acked - received);
                    await Task.Delay(5, cancel.Token);
                    await slow.SendAsync(RawMqttClient.Ack(0x40, packetId), cancel.Token);
                }
                await Task.WhenAll(publishing);
                Console.WriteLine("backpressure: " + received + " messages from " + publishers + " publishers through a queue of 5 (+2 inflight); acknowledged at most " + maxAhead + " ahead of the subscriber");
                // Acknowledged but not yet delivered: what the queue, the inflight window and the publishers' own waiting allow, no more.
                Assert.IsTrue(maxAhead <= 5 + 2 + publishers, "publishers were acknowledged " + maxAhead + " messages ahead of the subscriber: they were not held back");
            }
            finally
            {
                for (int p = 0; p < publishers; p++)
                {
                    await pubs[p].DisposeAsync();
                }
            }
            Broker.Stop();
            Assert.AreEqual(0L, Broker.Server.Broker.Stats.MessagesDropped, "no message dropped");
        }
    }
}
