#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;

namespace NanoBroker.Tests.Engine.Protocol
{
    /// <summary>UNSUBSCRIBE (section 3.10) decoded, and UNSUBACK (section 3.11) encoded.</summary>
    [TestClass]
    public class UnsubscribePacketTests
    {
        private static int Decode(UnsubscribePacket p, int version, byte[] body)
        {
            return p.Decode(version, 0x02, body, 0, body.Length);
        }

        [TestMethod]
        public void Mqtt311TwoFilters()
        {
            UnsubscribePacket p = new UnsubscribePacket(new Properties());
            Assert.AreEqual((int)ReasonCode.Success, Decode(p, ProtocolVersion.Mqtt311, Raw.Bytes(0, 5, 0, 1, 'a', 0, 3, 'b', '/', '#')));
            Assert.AreEqual(5, p.PacketId);
            Assert.AreEqual(2, p.Count);
            p.First();
            Assert.AreEqual(4, p.FilterStart);
            Assert.IsTrue(p.Next());
            Assert.AreEqual(7, p.FilterStart);
            Assert.AreEqual(3, p.FilterLength);
            Assert.IsFalse(p.Next());
        }

        [TestMethod]
        public void Mqtt5WithUserProperty()
        {
            UnsubscribePacket p = new UnsubscribePacket(new Properties());
            Assert.AreEqual((int)ReasonCode.Success, Decode(p, ProtocolVersion.Mqtt5, Raw.Bytes(0, 5, 5, 0x26, 0, 0, 0, 0, 0, 1, 'a')));
            Assert.AreEqual(1, p.Properties.UserPropertyCount);
            p.First();
            Assert.AreEqual(10, p.FilterStart);
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Decode(p, ProtocolVersion.Mqtt5, Raw.Bytes(0, 5, 2, 0x0B, 1, 0, 1, 'a')), "Subscription Identifier is not allowed");
        }

        [TestMethod]
        public void Failures()
        {
            UnsubscribePacket p = new UnsubscribePacket(new Properties());
            Assert.AreEqual((int)ReasonCode.ProtocolError, Decode(p, ProtocolVersion.Mqtt311, Raw.Bytes(0, 5)), "no filter [MQTT-3.10.3-2]");
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Decode(p, ProtocolVersion.Mqtt311, Raw.Bytes(0, 5, 0, 2, '#', 'a')), "invalid filter [MQTT-4.7.1-1]");
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Decode(p, ProtocolVersion.Mqtt311, Raw.Bytes(0, 5, 0, 0)), "empty filter [MQTT-4.7.3-1]");
            Assert.AreEqual((int)ReasonCode.ProtocolError, Decode(p, ProtocolVersion.Mqtt311, Raw.Bytes(0, 0, 0, 1, 'a')), "identifier 0 [MQTT-2.3.1-1]");
            byte[] b = Raw.Bytes(0, 5, 0, 1, 'a');
            Assert.AreEqual((int)ReasonCode.MalformedPacket, (int)p.Decode(ProtocolVersion.Mqtt311, 0x00, b, 0, b.Length), "flags 0010 [MQTT-3.10.1-1]");
        }

        [TestMethod]
        public void UnsubAckMqtt311IsTheIdentifierOnly()
        {
            byte[] o = new byte[8];
            int at = UnsubAckPacket.Write(ProtocolVersion.Mqtt311, o, 0, 0x0102, null, 2);
            Assert.AreEqual(UnsubAckPacket.SizeOf(ProtocolVersion.Mqtt311, 2), at);
            Raw.Equal(Raw.Bytes(0xB0, 2, 1, 2), o, 0, at);
        }

        [TestMethod]
        public void UnsubAckMqtt5HasACodePerFilter_MQTT_3_11_3_1()
        {
            byte[] o = new byte[8];
            int at = UnsubAckPacket.Write(ProtocolVersion.Mqtt5, o, 0, 7, Raw.Bytes(ReasonCode.Success, ReasonCode.NoSubscriptionExisted), 2);
            Assert.AreEqual(UnsubAckPacket.SizeOf(ProtocolVersion.Mqtt5, 2), at);
            Raw.Equal(Raw.Bytes(0xB0, 5, 0, 7, 0, 0x00, 0x11), o, 0, at);
        }
    }
}
