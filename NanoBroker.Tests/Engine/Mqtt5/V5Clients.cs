#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;
using NanoBroker.Tests.Engine.Harness;

namespace NanoBroker.Tests.Engine.Mqtt5
{
    /// <summary>Brokers for MQTT 5.0 tests and 5.0 clients connected through them.</summary>
    public static class V5Clients
    {
        /// <summary>The options of a 5.0 test broker: TestBroker.SmallOptions.</summary>
        public static BrokerOptions Options()
        {
            BrokerOptions o = TestBroker.SmallOptions();
            return o;
        }

        /// <summary>A broker for 5.0 clients.</summary>
        public static TestBroker Broker()
        {
            return new TestBroker(Options());
        }

        /// <summary>Sends a 5.0 CONNECT and reads its CONNACK, which must accept it; returns the client.</summary>
        public static TestClient Connect(TestBroker b, string clientId, bool cleanStart, V5PropertyWriter properties)
        {
            TestClient c = b.Open();
            c.Send(V5Packets.Connect(clientId, cleanStart, 0, properties));
            V5Packet ack = c.Read5();
            ExpectConnAck(ack, ReasonCode.Success);
            return c;
        }

        /// <summary>A clean 5.0 client (session expiry 0).</summary>
        public static TestClient Connect(TestBroker b, string clientId)
        {
            return Connect(b, clientId, true, null);
        }

        /// <summary>A 5.0 client whose session outlives its connection by <paramref name="expirySeconds"/>; CONNACK session present must be <paramref name="present"/>.</summary>
        public static TestClient ConnectWithExpiry(TestBroker b, string clientId, long expirySeconds, bool present)
        {
            TestClient c = b.Open();
            c.Send(V5Packets.Connect(clientId, false, 0, new V5PropertyWriter().SessionExpiryInterval(expirySeconds)));
            V5Packet ack = c.Read5();
            ExpectConnAck(ack, ReasonCode.Success);
            Assert.IsTrue(present == ack.SessionPresent, "CONNACK session present");
            return c;
        }

        public static void ExpectConnAck(V5Packet ack, int reasonCode)
        {
            Assert.IsNotNull(ack, "CONNACK");
            Assert.IsNull(ack.Problem, ack.Problem);
            Assert.AreEqual(PacketType.ConnAck, ack.Type, "CONNACK type");
            Assert.AreEqual(reasonCode, ack.ReasonCode, "CONNACK reason code");
        }

        /// <summary>Subscribes a 5.0 client to one filter and checks SUBACK grants <paramref name="qos"/>.</summary>
        public static void Subscribe(TestClient c, string filter, int qos)
        {
            c.Send(V5Packets.Subscribe(9, new string[] { filter }, new int[] { qos }, null));
            V5Packet suback = c.Read5();
            Assert.AreEqual(PacketType.SubAck, suback.Type, "SUBACK");
            Assert.AreEqual(1, suback.ReasonCodes.Length, "SUBACK codes");
            Assert.AreEqual(qos, (int)suback.ReasonCodes[0], "granted QoS");
        }

        /// <summary>A PUBLISH's property block as received, its length prefix included (compare with V5PropertyWriter.BlockOf).</summary>
        public static byte[] PropertyBlock(V5Packet publish)
        {
            byte[] raw = publish.Raw;
            int at = 1;
            while ((raw[at] & 0x80) != 0)
            {
                at++;
            }
            at++;
            at += 2 + ((raw[at] << 8) | raw[at + 1]);
            if (publish.Qos > 0)
            {
                at += 2;
            }
            int length = 0;
            int shift = 0;
            int start = at;
            while (true)
            {
                length |= (raw[at] & 0x7F) << shift;
                shift += 7;
                if ((raw[at++] & 0x80) == 0)
                {
                    break;
                }
            }
            byte[] block = new byte[at - start + length];
            System.Array.Copy(raw, start, block, 0, block.Length);
            return block;
        }

        /// <summary>The next packet is a PUBLISH with this topic (empty: sent with a Topic Alias only), payload and QoS.</summary>
        public static V5Packet ExpectPublish(TestClient c, string topic, string payload, int qos)
        {
            V5Packet p = c.Read5();
            Assert.IsNotNull(p, "PUBLISH on " + topic);
            Assert.IsNull(p.Problem, p.Problem);
            Assert.AreEqual(PacketType.Publish, p.Type, "PUBLISH type");
            Assert.AreEqual(topic, p.TopicText, "topic");
            Assert.AreEqual(payload, p.PayloadText, "payload");
            Assert.AreEqual(qos, p.Qos, "QoS");
            return p;
        }

        /// <summary>The next packet is a DISCONNECT with <paramref name="reasonCode"/>, and the connection closes.</summary>
        public static void ExpectDisconnect(TestClient c, int reasonCode)
        {
            V5Packet d = c.Read5();
            Assert.IsNotNull(d, "DISCONNECT");
            Assert.AreEqual(PacketType.Disconnect, d.Type, "DISCONNECT type");
            Assert.AreEqual(reasonCode, d.ReasonCode, "DISCONNECT reason code");
            Assert.IsTrue(c.IsClosing, "connection closes after DISCONNECT");
        }
    }
}
