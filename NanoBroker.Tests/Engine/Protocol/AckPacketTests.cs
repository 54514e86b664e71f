#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;

namespace NanoBroker.Tests.Engine.Protocol
{
    /// <summary>PUBACK, PUBREC, PUBREL, PUBCOMP (sections 3.4 to 3.7): decoder and encoder per version.</summary>
    [TestClass]
    public class AckPacketTests
    {
        private static int Decode(AckPacket p, int version, int type, byte[] body)
        {
            return p.Decode(version, type, PacketType.RequiredFlags(type), body, 0, body.Length);
        }

        [TestMethod]
        public void Mqtt311IsExactlyAnIdentifier()
        {
            AckPacket p = new AckPacket(new Properties());
            Assert.AreEqual((int)ReasonCode.Success, Decode(p, ProtocolVersion.Mqtt311, PacketType.PubAck, Raw.Bytes(0x12, 0x34)));
            Assert.AreEqual(0x1234, p.PacketId);
            Assert.AreEqual((int)ReasonCode.Success, Decode(p, ProtocolVersion.Mqtt311, PacketType.PubAck, Raw.Bytes(0, 0)), "3.1.1: identifier 0 goes on as before");
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Decode(p, ProtocolVersion.Mqtt311, PacketType.PubRec, Raw.Bytes(0, 1, 0)), "3 bytes");
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Decode(p, ProtocolVersion.Mqtt31, PacketType.PubComp, Raw.Bytes(0)), "1 byte");
        }

        [TestMethod]
        public void PubRelNeedsFlags0010_MQTT_3_6_1_1()
        {
            AckPacket p = new AckPacket(new Properties());
            byte[] b = Raw.Bytes(0, 1);
            Assert.AreEqual((int)ReasonCode.MalformedPacket, (int)p.Decode(ProtocolVersion.Mqtt311, PacketType.PubRel, 0, b, 0, 2));
            Assert.AreEqual((int)ReasonCode.Success, (int)p.Decode(ProtocolVersion.Mqtt311, PacketType.PubRel, 2, b, 0, 2));
        }

        [TestMethod]
        public void Mqtt5ReasonCodeAndPropertiesAreOptional()
        {
            AckPacket p = new AckPacket(new Properties());
            Assert.AreEqual((int)ReasonCode.Success, Decode(p, ProtocolVersion.Mqtt5, PacketType.PubAck, Raw.Bytes(0, 1)));
            Assert.AreEqual((int)ReasonCode.Success, (int)p.ReasonCode, "remaining length 2: Success");
            Assert.AreEqual((int)ReasonCode.Success, Decode(p, ProtocolVersion.Mqtt5, PacketType.PubAck, Raw.Bytes(0, 1, 0x10)));
            Assert.AreEqual((int)ReasonCode.NoMatchingSubscribers, (int)p.ReasonCode);
            Assert.AreEqual((int)ReasonCode.Success, Decode(p, ProtocolVersion.Mqtt5, PacketType.PubRec, Raw.Bytes(0, 1, 0x80, 5, 0x1F, 0, 2, 'n', 'o')));
            Assert.AreEqual(2, p.Properties.ReasonStringLength);
            Assert.AreEqual((int)ReasonCode.Success, Decode(p, ProtocolVersion.Mqtt5, PacketType.PubComp, Raw.Bytes(0, 1, 0x92, 0)));
        }

        [TestMethod]
        public void Mqtt5Failures()
        {
            AckPacket p = new AckPacket(new Properties());
            Assert.AreEqual((int)ReasonCode.ProtocolError, Decode(p, ProtocolVersion.Mqtt5, PacketType.PubRel, Raw.Bytes(0, 1, 0x10)), "0x10 is not a PUBREL code");
            Assert.AreEqual((int)ReasonCode.ProtocolError, Decode(p, ProtocolVersion.Mqtt5, PacketType.PubAck, Raw.Bytes(0, 1, 0x92)), "0x92 is not a PUBACK code");
            Assert.AreEqual((int)ReasonCode.ProtocolError, Decode(p, ProtocolVersion.Mqtt5, PacketType.PubAck, Raw.Bytes(0, 0)), "identifier 0");
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Decode(p, ProtocolVersion.Mqtt5, PacketType.PubAck, Raw.Bytes(0, 1, 0, 2, 0x01, 0)), "a PUBLISH property");
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Decode(p, ProtocolVersion.Mqtt5, PacketType.PubAck, Raw.Bytes(0, 1, 0, 0, 9)), "bytes after the properties");
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Decode(p, ProtocolVersion.Mqtt5, PacketType.PubAck, Raw.Bytes(0)), "identifier cut");
        }

        [TestMethod]
        public void EncoderMqtt311AndMqtt5Success()
        {
            byte[] o = new byte[8];
            int at = AckPacket.Write(ProtocolVersion.Mqtt311, PacketType.PubRel, o, 0, 0x0A0B, ReasonCode.Success);
            Raw.Equal(Raw.Bytes(0x62, 2, 0x0A, 0x0B), o, 0, at);
            at = AckPacket.Write(ProtocolVersion.Mqtt5, PacketType.PubAck, o, 0, 1, ReasonCode.Success);
            Assert.AreEqual(AckPacket.SizeOf(ProtocolVersion.Mqtt5, ReasonCode.Success), at);
            Raw.Equal(Raw.Bytes(0x40, 2, 0, 1), o, 0, at);
            at = AckPacket.Write(ProtocolVersion.Mqtt311, PacketType.PubAck, o, 0, 1, ReasonCode.NotAuthorized);
            Raw.Equal(Raw.Bytes(0x40, 2, 0, 1), o, 0, at);
        }

        [TestMethod]
        public void EncoderMqtt5ReasonCodeWithoutProperties()
        {
            byte[] o = new byte[8];
            int at = AckPacket.Write(ProtocolVersion.Mqtt5, PacketType.PubComp, o, 0, 3, ReasonCode.PacketIdentifierNotFound);
            Assert.AreEqual(AckPacket.SizeOf(ProtocolVersion.Mqtt5, ReasonCode.PacketIdentifierNotFound), at);
            Raw.Equal(Raw.Bytes(0x70, 3, 0, 3, 0x92), o, 0, at);
        }
    }
}
