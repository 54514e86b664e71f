using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MQTTnet.Protocol;
using NanoBroker.Tests.Engine.Harness;

namespace NanoBroker.Tests.Integration
{
    /// <summary>
    /// Thousands of short connections against the desktop broker: clean ends, abrupt ends, takeovers,
    /// persistent sessions left behind and resumed. Afterwards every pool of the engine is exactly where
    /// it started: a leak of one connection slot, subscription, session or message block fails the test.
    /// </summary>
    [TestClass]
    public class ChurnSoakTests : BrokerTest
    {
        private const int Workers = 8;
        private const int CyclesPerWorker = 375;
        private const int PersistentPerWorker = 5;
        private static readonly TimeSpan Budget = TimeSpan.FromSeconds(20);

        private static readonly byte[] Disconnect = { 0xE0, 0x00 };

        [TestMethod]
        [Timeout(60000)]
        public async Task ThousandsOfConnectCycles_LeaveEveryPoolAsItWas()
        {
            StartBroker(o => o.SysIntervalMs = 0);
            BrokerOptions options = Broker.Options;
            Broker fresh = new Broker(options, 0, null);
            int[] start = BrokerCounts.Of(fresh);

            Stopwatch watch = Stopwatch.StartNew();
            using CancellationTokenSource cancel = new CancellationTokenSource(Budget + TimeSpan.FromSeconds(20));
            int[] cycles = new int[Workers];
            int[] takeovers = new int[Workers];
            bool[][] persistent = new bool[Workers][];
            Task[] workers = new Task[Workers];
            for (int w = 0; w < Workers; w++)
            {
                int worker = w;
                persistent[w] = new bool[PersistentPerWorker];
                workers[w] = Task.Run(async () =>
                {
                    for (int i = 0; i < CyclesPerWorker && watch.Elapsed < Budget; i++)
                    {
                        await CycleAsync(worker, i, persistent[worker], takeovers, cancel.Token);
                        cycles[worker]++;
                    }
                });
            }
            await Task.WhenAll(workers);
            int total = 0, takeoverTotal = 0;
            for (int w = 0; w < Workers; w++)
            {
                total += cycles[w];
                takeoverTotal += takeovers[w];
            }
            TimeSpan churn = watch.Elapsed;

            // The persistent sessions made above end with clean session 1 [MQTT-3.1.2-6].
            for (int w = 0; w < Workers; w++)
            {
                for (int k = 0; k < PersistentPerWorker; k++)
                {
                    using RawMqttClient c = await RawMqttClient.ConnectAsync(Broker, RawMqttClient.Connect(PersistentId(w, k), cleanSession: true), cancel.Token);
                    await c.SendAsync(Disconnect, cancel.Token);
                    await c.ExpectClosedAsync(TimeSpan.FromSeconds(5), "DISCONNECT");
                }
            }

            // A fresh client still connects and exchanges a message.
            await using (MqttNetPeer after = await MqttNetPeer.ConnectAsync(Broker, "after-soak", cancel: cancel.Token))
            {
                await after.SubscribeAsync("after/#", MqttQualityOfServiceLevel.AtLeastOnce, cancel.Token);
                await after.PublishAsync("after/x", "still here", MqttQualityOfServiceLevel.AtLeastOnce, cancel: cancel.Token);
                Assert.AreEqual("still here", (await after.NextAsync(Wait, "after/x")).Text);
                await after.DisconnectAsync();
            }

            Broker.Stop();
            Broker engine = Broker.Server.Broker;
            int[] end = BrokerCounts.Of(engine);
            string[] names = BrokerCounts.Names;
            string report = "churn: " + total + " cycles (" + takeoverTotal + " takeovers) in " + (int)churn.TotalMilliseconds + " ms by " + Workers + " workers; "
                + engine.Stats.ConnectionsRefused + " refused, " + engine.Stats.ProtocolViolations + " protocol violations, " + engine.Stats.MessagesDropped + " dropped";
            Console.WriteLine(report);
            for (int i = 0; i < names.Length; i++)
            {
                Console.WriteLine("  " + names[i] + ": start " + start[i] + ", after " + end[i]);
            }
            Assert.IsTrue(total >= 2000, "only " + total + " cycles ran within " + Budget.TotalSeconds + " s");
            Assert.AreEqual(0L, engine.Stats.ProtocolViolations, "protocol violations from well-behaved clients");
            Assert.AreEqual(0L, engine.Stats.ConnectionsRefused, "refused connections");
            for (int i = 0; i < names.Length; i++)
            {
                Assert.AreEqual(start[i], end[i], names[i] + " after the soak, as at the start\n" + report);
            }
        }

        private static string PersistentId(int worker, int k)
        {
            return "soak-w" + worker + "-p" + k;
        }

        // One connect/subscribe/publish/disconnect cycle; which kind depends on the cycle number.
        private async Task CycleAsync(int w, int i, bool[] persistent, int[] takeovers, CancellationToken cancel)
        {
            string topic = "soak/w" + w + "/c";
            switch (i % 6)
            {
                case 0:
                {
                    // Clean session, subscribe, get its own QoS 1 message back, DISCONNECT.
                    using RawMqttClient c = await RawMqttClient.ConnectAsync(Broker, RawMqttClient.Connect("soak-w" + w + "-c" + i), cancel);
                    await c.SendAsync(RawMqttClient.Subscribe(1, topic, 1), cancel);
                    await c.ExpectPacketAsync(0x90, "SUBACK");
                    await c.SendAsync(RawMqttClient.Publish(topic, new byte[] { (byte)i }, 1, packetId: 2), cancel);
                    bool acked = false, delivered = false;
                    while (!acked || !delivered)
                    {
                        RawMqttClient.Packet p = await c.ReadPacketAsync(TimeSpan.FromSeconds(5));
                        Assert.IsNotNull(p, "closed before PUBACK and delivery");
                        if (p.Header == 0x40)
                        {
                            Assert.AreEqual(2, p.AckId, "PUBACK packet id");
                            acked = true;
                        }
                        else
                        {
                            Assert.AreEqual(0x32, p.Header & 0xF7, "its own message back at QoS 1");
                            await c.SendAsync(RawMqttClient.Ack(0x40, p.ParsePublish().PacketId), cancel);
                            delivered = true;
                        }
                    }
                    await c.SendAsync(Disconnect, cancel);
                    await c.ExpectClosedAsync(TimeSpan.FromSeconds(5), "DISCONNECT");
                    break;
                }
                case 1:
                {
                    // Clean session, subscribe, publish, then the socket is reset mid-flow.
                    using RawMqttClient c = await RawMqttClient.ConnectAsync(Broker, RawMqttClient.Connect("soak-w" + w + "-a" + i), cancel);
                    await c.SendAsync(RawMqttClient.Subscribe(1, topic, 1), cancel);
                    await c.SendAsync(RawMqttClient.Publish(topic, new byte[100], 1, packetId: 2), cancel);
                    c.Abort();
                    break;
                }
                case 2:
                {
                    // [MQTT-3.1.4-2] a second connection with the same client id takes over the first.
                    string id = "soak-w" + w + "-t";
                    using RawMqttClient first = await RawMqttClient.ConnectAsync(Broker, RawMqttClient.Connect(id), cancel);
                    await first.SendAsync(RawMqttClient.Subscribe(1, topic, 0), cancel);
                    await first.ExpectPacketAsync(0x90, "SUBACK");
                    using RawMqttClient second = await RawMqttClient.ConnectAsync(Broker, RawMqttClient.Connect(id), cancel);
                    await first.ExpectClosedAsync(TimeSpan.FromSeconds(5), "taken over");
                    takeovers[w]++;
                    if (i % 12 == 2)
                    {
                        await second.SendAsync(Disconnect, cancel);
                        await second.ExpectClosedAsync(TimeSpan.FromSeconds(5), "DISCONNECT");
                    }
                    else
                    {
                        second.CloseWithoutDisconnect();
                    }
                    break;
                }
                case 3:
                case 5:
                {
                    // A persistent session: made or resumed [MQTT-3.2.2-2], subscribed, left without DISCONNECT or with it.
                    int k = (i / 6) % PersistentPerWorker;
                    using RawMqttClient c = await RawMqttClient.ConnectAsync(Broker, RawMqttClient.Connect(PersistentId(w, k), cleanSession: false), cancel, sessionPresent: persistent[k]);
                    persistent[k] = true;
                    await c.SendAsync(RawMqttClient.Subscribe(1, "soak/w" + w + "/p", 1), cancel);
                    // A resumed session first gets the messages queued for it [MQTT-4.4.0-1]: acknowledged as they come.
                    while (true)
                    {
                        RawMqttClient.Packet p = await c.ReadPacketAsync(TimeSpan.FromSeconds(5));
                        Assert.IsNotNull(p, "closed before SUBACK");
                        if (p.Header == 0x90)
                        {
                            break;
                        }
                        Assert.AreEqual(0x30, p.Header & 0xF0, "a queued PUBLISH or the SUBACK");
                        await c.SendAsync(RawMqttClient.Ack(0x40, p.ParsePublish().PacketId), cancel);
                    }
                    if (i % 6 == 3)
                    {
                        c.CloseWithoutDisconnect();
                    }
                    else
                    {
                        await c.SendAsync(Disconnect, cancel);
                        await c.ExpectClosedAsync(TimeSpan.FromSeconds(5), "DISCONNECT");
                    }
                    break;
                }
                default:
                {
                    // Messages for the offline persistent sessions, queued for them.
                    using RawMqttClient c = await RawMqttClient.ConnectAsync(Broker, RawMqttClient.Connect("soak-w" + w + "-q" + i), cancel);
                    await c.SendAsync(RawMqttClient.Publish("soak/w" + w + "/p", new byte[] { 1, 2, 3 }, 1, packetId: 7), cancel);
                    await c.ExpectPacketAsync(0x40, "PUBACK");
                    await c.SendAsync(Disconnect, cancel);
                    await c.ExpectClosedAsync(TimeSpan.FromSeconds(5), "DISCONNECT");
                    break;
                }
            }
        }
    }
}
