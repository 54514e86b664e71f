#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.MqttSn;
using NanoBroker.Protocol;
using NanoBroker.Tests.Engine.Harness;

namespace NanoBroker.Tests.Engine
{
    /// <summary>
    /// The fuzzer's MQTT-SN side: fuzz addresses send the gateway mutated valid MQTT-SN v1.2 datagrams (bit flips,
    /// truncations, a wrong Length field, random type and flag octets, spliced random bytes) and pure random bytes, with
    /// the clock moving on, while a well-behaved MQTT-SN client publishes numbered QoS 1 messages to an MQTT subscriber and
    /// receives numbered QoS 1 messages from an MQTT publisher. Checked: no exception escapes the gateway or the engine;
    /// every datagram the gateway sends has a Length field equal to its size and a message type a gateway sends
    /// (section 5.2); the good clients get every message once and in order; at the end, every fuzz client gone, the
    /// engine's connection slots are back where they started.
    /// </summary>
    [TestClass]
    public class FuzzMqttSnTests
    {
        [TestMethod]
        public void MutatedAndRandomDatagrams_Seed1()
        {
            Run(1, 3000);
        }

        [TestMethod]
        public void MutatedAndRandomDatagrams_Seed2()
        {
            Run(2, 3000);
        }

        private static void Run(int seed, int datagrams)
        {
            System.Random random = new System.Random(seed);
            TestBroker b = new TestBroker();
            CheckingSink sink = new CheckingSink();
            MqttSnOptions o = MqttSnOptions.ForEsp32();
            o.MaxClients = 6;
            o.AdvertiseSeconds = 0;
            o.PredefinedTopics = "1=fuzz/predefined";
            MqttSnGateway g = new MqttSnGateway(b.Broker, o, sink, null, b.Clock.Now);
            int freeAtStart = b.Broker.FreeConnections;

            TestClient mqttSub = b.Subscriber("mqtt-sub", "up/#", 1);
            TestClient mqttPub = b.Connect("mqtt-pub");
            long good = SnAddress.Make(new byte[] { 10, 0, 0, 1 }, 1000);
            Send(g, b, good, Datagram(0x04, new byte[] { 0x04, 0x01, 0, 60 }, "good"));
            Assert.AreEqual(0, (int)sink.Take(good)[2], "good client CONNACK accepted");
            Send(g, b, good, Datagram(0x0A, new byte[] { 0, 0, 0, 1 }, "up/good"));
            byte[] regack = sink.Take(good);
            int upId = (regack[2] << 8) | regack[3];
            Send(g, b, good, Datagram(0x12, new byte[] { 0x20, 0, 2 }, "down/good"));
            Assert.AreEqual(0x13, (int)sink.Take(good)[1], "SUBACK");

            byte[][] templates =
            {
                Datagram(0x01, new byte[] { 1 }, ""),
                Datagram(0x04, new byte[] { 0x04, 0x01, 0, 30 }, "fz"),
                Datagram(0x04, new byte[] { 0x0C, 0x01, 0, 5 }, "fw"),
                Datagram(0x07, new byte[] { 0x20 }, "will/t"),
                Datagram(0x09, new byte[0], "bye"),
                Datagram(0x0A, new byte[] { 0, 0, 0, 5 }, "fuzz/a"),
                Datagram(0x0C, new byte[] { 0x20, 0, 1, 0, 7 }, "payload"),
                Datagram(0x0C, new byte[] { 0x61, 0, 1, 0, 0 }, "qos-1"),
                Datagram(0x0C, new byte[] { 0x42, (byte)'f', (byte)'z', 0, 8 }, "qos2"),
                Datagram(0x10, new byte[] { 0, 8 }, ""),
                Datagram(0x0D, new byte[] { 0, 1, 0, 1, 0 }, ""),
                Datagram(0x0F, new byte[] { 0, 1 }, ""),
                Datagram(0x0E, new byte[] { 0, 1 }, ""),
                Datagram(0x0B, new byte[] { 0, 1, 0, 1, 0 }, ""),
                Datagram(0x12, new byte[] { 0x20, 0, 3 }, "fuzz/#"),
                Datagram(0x12, new byte[] { 0x21, 0, 4, 0, 1 }, ""),
                Datagram(0x14, new byte[] { 0, 0, 5 }, "fuzz/#"),
                Datagram(0x16, new byte[0], ""),
                Datagram(0x16, new byte[0], "good"),
                Datagram(0x18, new byte[] { 0, 20 }, ""),
                Datagram(0x18, new byte[0], ""),
                Datagram(0x1A, new byte[] { 0 }, "x"),
                Datagram(0x1C, new byte[0], "x"),
            };

            int sentUp = 0;
            int sentDown = 0;
            int receivedDown = 0;
            int receivedUp = 0;
            for (int i = 0; i < datagrams; i++)
            {
                long from = SnAddress.Make(new byte[] { 10, 0, 1, (byte)random.Next(8) }, 2000 + random.Next(3));
                byte[] d = Mutate(random, templates[random.Next(templates.Length)]);
                Send(g, b, from, d);
                if (random.Next(20) == 0)
                {
                    b.Clock.Advance(random.Next(3000));
                    b.Broker.Tick(b.Clock.Now);
                    g.Poll(b.Clock.Now);
                    // The good client keeps itself alive.
                    Send(g, b, good, Datagram(0x16, new byte[0], ""));
                }
                if (i % 50 == 0)
                {
                    sentUp++;
                    Send(g, b, good, Datagram(0x0C, new byte[] { 0x20, (byte)(upId >> 8), (byte)upId, (byte)(sentUp >> 8), (byte)sentUp }, "u" + sentUp));
                    sentDown++;
                    mqttPub.Publish("down/good", "d" + sentDown, 1, false, sentDown);
                    g.Poll(b.Clock.Now);
                }
                // The MQTT clients read as they go (the engine disconnects a reader that stops), the subscriber in order.
                mqttPub.ReadAll();
                Packet up;
                while ((up = mqttSub.Read()) != null)
                {
                    receivedUp++;
                    Expect.Publish(up, "up/good", "u" + receivedUp, 1, false);
                    mqttSub.PubAck(up.PacketId);
                }
                // The good client answers whatever the gateway sends it.
                byte[] m;
                while ((m = sink.Take(good)) != null)
                {
                    if (m[1] == 0x0C)
                    {
                        receivedDown++;
                        Assert.AreEqual("d" + receivedDown, Utf8.GetString(m, 7, m.Length - 7), "downstream message in order, once");
                        Send(g, b, good, Datagram(0x0D, new byte[] { m[3], m[4], m[5], m[6], 0 }, ""));
                    }
                    else if (m[1] == 0x0A)
                    {
                        Send(g, b, good, Datagram(0x0B, new byte[] { m[2], m[3], m[4], m[5], 0 }, ""));
                    }
                }
            }
            Assert.AreEqual(sentDown, receivedDown, "every downstream message arrived");
            Assert.AreEqual(sentUp, receivedUp, "every upstream message arrived");
            Assert.IsTrue(g.Stats.Malformed > 0, "the fuzz reached the malformed path");
            // Every fuzz client gone: lost by its timers, or its slot taken over.
            for (int i = 0; i < 200; i++)
            {
                b.Clock.Advance(1000);
                b.Broker.Tick(b.Clock.Now);
                g.Poll(b.Clock.Now);
                Send(g, b, good, Datagram(0x16, new byte[0], ""));
                while (sink.Take(good) != null)
                {
                }
                mqttPub.ReadAll();
                mqttSub.ReadAll();
            }
            Send(g, b, good, Datagram(0x18, new byte[0], ""));
            Assert.AreEqual(0, g.ClientCount, "no MQTT-SN client left");
            Assert.AreEqual(freeAtStart - 2 - 1, b.Broker.FreeConnections, "only the two MQTT clients and the QoS -1 connection hold engine slots");
        }

        private static void Send(MqttSnGateway g, TestBroker b, long from, byte[] d)
        {
            g.Received(from, d, 0, d.Length, b.Clock.Now);
        }

        private static byte[] Datagram(int type, byte[] head, string tail)
        {
            byte[] t = Utf8.GetBytes(tail);
            byte[] d = new byte[2 + head.Length + t.Length];
            d[0] = (byte)d.Length;
            d[1] = (byte)type;
            System.Array.Copy(head, 0, d, 2, head.Length);
            System.Array.Copy(t, 0, d, 2 + head.Length, t.Length);
            return d;
        }

        private static byte[] Mutate(System.Random random, byte[] valid)
        {
            byte[] d = new byte[valid.Length];
            System.Array.Copy(valid, d, valid.Length);
            switch (random.Next(7))
            {
                case 0:
                    return d;
                case 1:
                    d[random.Next(d.Length)] ^= (byte)(1 << random.Next(8));
                    return d;
                case 2:
                    int cut = random.Next(d.Length);
                    byte[] shorter = new byte[cut];
                    System.Array.Copy(d, shorter, cut);
                    return shorter;
                case 3:
                    d[0] = (byte)random.Next(256);
                    return d;
                case 4:
                    d[1] = (byte)random.Next(256);
                    if (d.Length > 2)
                    {
                        d[2] = (byte)random.Next(256);
                    }
                    return d;
                case 5:
                    byte[] longer = new byte[d.Length + 1 + random.Next(40)];
                    System.Array.Copy(d, longer, d.Length);
                    for (int i = d.Length; i < longer.Length; i++)
                    {
                        longer[i] = (byte)random.Next(256);
                    }
                    longer[0] = (byte)(random.Next(2) == 0 ? longer.Length : d.Length);
                    return longer;
                default:
                    byte[] noise = new byte[random.Next(300)];
                    random.NextBytes(noise);
                    return noise;
            }
        }

        /// <summary>Checks each datagram the gateway sends and keeps those to the good client.</summary>
        private sealed class CheckingSink : IDatagramSink
        {
            private readonly System.Collections.ArrayList forGood = new System.Collections.ArrayList();
            private readonly long good = SnAddress.Make(new byte[] { 10, 0, 0, 1 }, 1000);

            public void Send(long address, byte[] buffer, int offset, int count)
            {
                int length = buffer[offset] == 1 ? (buffer[offset + 1] << 8) | buffer[offset + 2] : buffer[offset];
                Assert.AreEqual(count, length, "Length field of a datagram the gateway sent (section 5.2.1)");
                int type = buffer[offset + (buffer[offset] == 1 ? 3 : 1)];
                Assert.IsTrue(type == 0x02 || type == 0x05 || type == 0x06 || type == 0x08 || type == 0x0A || type == 0x0B || type == 0x0C
                    || type == 0x0D || type == 0x0E || type == 0x0F || type == 0x10 || type == 0x13 || type == 0x15 || type == 0x17
                    || type == 0x18 || type == 0x1B || type == 0x1D, "a message type a gateway sends: " + type);
                if (address == good)
                {
                    byte[] copy = new byte[count];
                    System.Array.Copy(buffer, offset, copy, 0, count);
                    forGood.Add(copy);
                }
            }

            public void Broadcast(byte[] buffer, int offset, int count)
            {
            }

            public byte[] Take(long address)
            {
                if (forGood.Count == 0)
                {
                    return null;
                }
                byte[] d = (byte[])forGood[0];
                forGood.RemoveAt(0);
                return d;
            }
        }
    }
}
