#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;

namespace NanoBroker.Tests.Engine.Harness
{
    /// <summary>Assertions on packets, built on the Assert subset nanoFramework.TestFramework shares.</summary>
    public static class Expect
    {
        public static void AreEqual(int expected, int actual, string what)
        {
            Assert.AreEqual(expected, actual, what);
        }

        public static void Type(int type, Packet p)
        {
            Assert.IsNotNull(p, "expected a packet of type " + type + ", got none");
            Assert.AreEqual(type, p.Type, "packet type");
        }

        public static void Bytes(byte[] expected, byte[] actual, string what)
        {
            Assert.IsNotNull(actual, what);
            Assert.AreEqual(expected.Length, actual.Length, what + ": length");
            for (int i = 0; i < expected.Length; i++)
            {
                // The message is made only for a byte that differs: payloads of a megabyte are compared here.
                if (expected[i] != actual[i])
                {
                    Assert.AreEqual((int)expected[i], (int)actual[i], what + ": byte " + i);
                }
            }
        }

        /// <summary>A PUBLISH with this topic, payload, QoS and RETAIN flag.</summary>
        public static Packet Publish(Packet p, string topic, string payload, int qos, bool retain)
        {
            Type(PacketType.Publish, p);
            Bytes(Utf8.GetBytes(topic), p.Topic, "topic");
            Bytes(Utf8.GetBytes(payload), p.Payload, "payload of " + topic);
            Assert.AreEqual(qos, p.Qos, "QoS of " + topic);
            Assert.AreEqual(retain, p.Retain, "RETAIN of " + topic);
            if (qos > 0)
            {
                Assert.IsTrue(p.PacketId > 0, "a QoS 1/2 PUBLISH carries a non-zero packet id [MQTT-2.3.1-1]");
            }
            return p;
        }

        /// <summary>An acknowledgement of the given type and packet id, exactly 4 bytes with the right flags.</summary>
        public static void Ack(Packet p, int type, int packetId)
        {
            Type(type, p);
            Assert.AreEqual(4, p.Raw.Length, "acknowledgement size");
            Assert.AreEqual(type == PacketType.PubRel ? 0x02 : 0x00, p.Flags, "acknowledgement flags");
            Assert.AreEqual(packetId, p.PacketId, "acknowledged packet id");
        }

        public static void NothingSent(TestClient c)
        {
            Assert.AreEqual(0, c.Unread, "no bytes expected in the outbox");
        }

        /// <summary>The engine closed the connection without writing anything (no CONNACK for a violation).</summary>
        public static void ClosedSilently(TestClient c)
        {
            Assert.IsTrue(c.IsClosing, "connection should be closing");
            Assert.AreEqual(0, c.Unread, "nothing should be written before closing");
        }
    }
}
