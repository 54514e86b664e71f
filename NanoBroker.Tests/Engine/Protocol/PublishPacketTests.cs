#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;

namespace NanoBroker.Tests.Engine.Protocol
{
    /// <summary>PUBLISH (section 3.3): bodies decoded by <see cref="PublishPacket"/>, and the piecewise encoder.</summary>
    [TestClass]
    public class PublishPacketTests
    {
        private static int Decode(PublishPacket p, int version, int flags, byte[] body)
        {
            return p.Decode(version, flags, body, 0, body.Length);
        }

        [TestMethod]
        public void Mqtt311Qos1()
        {
            PublishPacket p = new PublishPacket(new Properties());
            Assert.AreEqual((int)ReasonCode.Success, Decode(p, ProtocolVersion.Mqtt311, 0x03, Raw.Bytes(0, 3, 'a', '/', 'b', 0x12, 0x34, 'h', 'i')));
            Assert.AreEqual(1, p.Qos);
            Assert.IsTrue(p.Retain);
            Assert.IsFalse(p.Dup);
            Assert.AreEqual(2, p.TopicStart);
            Assert.AreEqual(3, p.TopicLength);
            Assert.AreEqual(0x1234, p.PacketId);
            Assert.AreEqual(7, p.PayloadStart);
            Assert.AreEqual(2, p.PayloadLength);
            Assert.AreEqual(0, p.Properties.Length);
        }

        [TestMethod]
        public void Mqtt5Qos0WithPropertiesAndEmptyPayload()
        {
            PublishPacket p = new PublishPacket(new Properties());
            Assert.AreEqual((int)ReasonCode.Success, Decode(p, ProtocolVersion.Mqtt5, 0x00, Raw.Bytes(0, 1, 't', 2, 0x01, 1)));
            Assert.AreEqual(0, p.PacketId);
            Assert.AreEqual(1, p.Properties.PayloadFormatIndicator);
            Assert.AreEqual(4, p.Properties.Start);
            Assert.AreEqual(2, p.Properties.Length);
            Assert.AreEqual(6, p.PayloadStart);
            Assert.AreEqual(0, p.PayloadLength);
        }

        [TestMethod]
        public void Mqtt5EmptyTopicNeedsTopicAlias()
        {
            PublishPacket p = new PublishPacket(new Properties());
            Assert.AreEqual((int)ReasonCode.Success, Decode(p, ProtocolVersion.Mqtt5, 0x00, Raw.Bytes(0, 0, 3, 0x23, 0, 5, 'x')));
            Assert.AreEqual(0, p.TopicLength);
            Assert.AreEqual(5, p.Properties.TopicAlias);
            Assert.AreEqual((int)ReasonCode.ProtocolError, Decode(p, ProtocolVersion.Mqtt5, 0x00, Raw.Bytes(0, 0, 0, 'x')), "5.0 section 3.3.2.1");
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Decode(p, ProtocolVersion.Mqtt311, 0x00, Raw.Bytes(0, 0, 'x')), "[MQTT-4.7.3-1]");
        }

        [TestMethod]
        public void Qos3IsMalformed_MQTT_3_3_1_4()
        {
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Decode(new PublishPacket(new Properties()), ProtocolVersion.Mqtt311, 0x06, Raw.Bytes(0, 1, 't', 0, 1)));
        }

        [TestMethod]
        public void DupAtQos0IsMalformedIn5_MQTT_3_3_1_2()
        {
            PublishPacket p = new PublishPacket(new Properties());
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Decode(p, ProtocolVersion.Mqtt5, 0x08, Raw.Bytes(0, 1, 't', 0)));
            Assert.AreEqual((int)ReasonCode.Success, Decode(p, ProtocolVersion.Mqtt311, 0x08, Raw.Bytes(0, 1, 't')), "3.1.1 leaves it to the server: taken as before");
            Assert.IsTrue(p.Dup);
        }

        [TestMethod]
        public void PacketIdentifierFailures_MQTT_2_3_1_1()
        {
            PublishPacket p = new PublishPacket(new Properties());
            Assert.AreEqual((int)ReasonCode.ProtocolError, Decode(p, ProtocolVersion.Mqtt311, 0x02, Raw.Bytes(0, 1, 't', 0, 0)), "identifier 0");
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Decode(p, ProtocolVersion.Mqtt311, 0x04, Raw.Bytes(0, 1, 't', 1)), "identifier cut");
        }

        [TestMethod]
        public void TopicFailuresAreMalformed_MQTT_3_3_2_2()
        {
            PublishPacket p = new PublishPacket(new Properties());
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Decode(p, ProtocolVersion.Mqtt311, 0x00, Raw.Bytes(0, 3, 'a', '/', '+')), "wildcard");
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Decode(p, ProtocolVersion.Mqtt5, 0x00, Raw.Bytes(0, 1, 0xFF, 0)), "not UTF-8");
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Decode(p, ProtocolVersion.Mqtt311, 0x00, Raw.Bytes(0, 5, 'a')), "topic past the end");
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Decode(p, ProtocolVersion.Mqtt5, 0x00, Raw.Bytes(0, 1, 't', 2, 0x11, 0)), "a CONNECT property");
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Decode(p, ProtocolVersion.Mqtt5, 0x00, Raw.Bytes(0, 1, 't')), "5.0 without its property length");
        }

        [TestMethod]
        public void EncoderWritesMqtt311InPieces()
        {
            byte[] o = new byte[16];
            int size = PublishPacket.SizeOf(ProtocolVersion.Mqtt311, 3, true, 0, 2);
            int at = PublishPacket.WriteHeader(ProtocolVersion.Mqtt311, o, 1, 0x0B, 3, true, 0, 2);
            Assert.AreEqual(5, at, "topic after 0x3B, the length and the topic's length prefix");
            o[at++] = (byte)'a'; o[at++] = (byte)'/'; o[at++] = (byte)'b';
            at = PublishPacket.WriteAfterTopic(ProtocolVersion.Mqtt311, o, at, true, 7, 0);
            o[at++] = (byte)'h'; o[at++] = (byte)'i';
            Assert.AreEqual(1 + size, at);
            Raw.Equal(Raw.Bytes(0x3B, 9, 0, 3, 'a', '/', 'b', 0, 7, 'h', 'i'), o, 1, at);
        }

        [TestMethod]
        public void EncoderWritesMqtt5PropertiesLength()
        {
            byte[] o = new byte[16];
            int size = PublishPacket.SizeOf(ProtocolVersion.Mqtt5, 1, false, 2, 1);
            int at = PublishPacket.WriteHeader(ProtocolVersion.Mqtt5, o, 0, 0x00, 1, false, 2, 1);
            o[at++] = (byte)'t';
            at = PublishPacket.WriteAfterTopic(ProtocolVersion.Mqtt5, o, at, false, 0, 2);
            o[at++] = 0x01; o[at++] = 1;
            o[at++] = (byte)'p';
            Assert.AreEqual(size, at);
            Raw.Equal(Raw.Bytes(0x30, 7, 0, 1, 't', 2, 0x01, 1, 'p'), o, 0, at);
        }

        [TestMethod]
        public void EncoderUsesATwoByteRemainingLength()
        {
            Assert.AreEqual(1 + 2 + 128, PublishPacket.SizeOf(ProtocolVersion.Mqtt311, 1, false, 0, 125));
            byte[] o = new byte[8];
            PublishPacket.WriteHeader(ProtocolVersion.Mqtt311, o, 0, 0, 1, false, 0, 125);
            Raw.Equal(Raw.Bytes(0x30, 0x80, 0x01, 0, 1), o, 0, 5);
        }
    }
}
