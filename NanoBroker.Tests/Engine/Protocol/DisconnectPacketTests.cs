#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;

namespace NanoBroker.Tests.Engine.Protocol
{
    /// <summary>DISCONNECT (section 3.14): the client's decoded per version, the server's 5.0 one encoded.</summary>
    [TestClass]
    public class DisconnectPacketTests
    {
        private static int Decode(DisconnectPacket p, int version, byte[] body)
        {
            return p.Decode(version, 0, body, 0, body.Length);
        }

        [TestMethod]
        public void Mqtt311IsEmpty()
        {
            DisconnectPacket p = new DisconnectPacket(new Properties());
            Assert.AreEqual((int)ReasonCode.Success, Decode(p, ProtocolVersion.Mqtt311, new byte[0]));
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Decode(p, ProtocolVersion.Mqtt311, Raw.Bytes(0)), "a body");
            byte[] none = new byte[0];
            Assert.AreEqual((int)ReasonCode.MalformedPacket, (int)p.Decode(ProtocolVersion.Mqtt311, 1, none, 0, 0), "flags [MQTT-3.14.1-1]");
        }

        [TestMethod]
        public void Mqtt5ReasonCodeAndProperties()
        {
            DisconnectPacket p = new DisconnectPacket(new Properties());
            Assert.AreEqual((int)ReasonCode.Success, Decode(p, ProtocolVersion.Mqtt5, new byte[0]));
            Assert.AreEqual((int)ReasonCode.Success, (int)p.ReasonCode, "absent: normal disconnection");
            Assert.AreEqual((int)ReasonCode.Success, Decode(p, ProtocolVersion.Mqtt5, Raw.Bytes(0x04)));
            Assert.AreEqual((int)ReasonCode.DisconnectWithWill, (int)p.ReasonCode);
            Assert.AreEqual((int)ReasonCode.Success, Decode(p, ProtocolVersion.Mqtt5, Raw.Bytes(0x00, 5, 0x11, 0, 0, 0, 9)));
            Assert.IsTrue(9L == p.Properties.SessionExpiryInterval);
        }

        [TestMethod]
        public void Mqtt5Failures()
        {
            DisconnectPacket p = new DisconnectPacket(new Properties());
            Assert.AreEqual((int)ReasonCode.ProtocolError, Decode(p, ProtocolVersion.Mqtt5, Raw.Bytes(0x01)), "0x01 is not a DISCONNECT code");
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Decode(p, ProtocolVersion.Mqtt5, Raw.Bytes(0x00, 3, 0x21, 0, 1)), "Receive Maximum is not a DISCONNECT property");
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Decode(p, ProtocolVersion.Mqtt5, Raw.Bytes(0x00, 4, 0x11)), "property length past the end");
        }

        [TestMethod]
        public void EncoderWritesReasonCodeAndReasonString()
        {
            byte[] o = new byte[16];
            int at = DisconnectPacket.Write(o, 0, ReasonCode.SessionTakenOver, null, 0, 0);
            Assert.AreEqual(DisconnectPacket.SizeOf(0), at);
            Raw.Equal(Raw.Bytes(0xE0, 1, 0x8E), o, 0, at);
            byte[] why = Raw.Bytes('b', 'y', 'e');
            at = DisconnectPacket.Write(o, 0, ReasonCode.ServerShuttingDown, why, 0, 3);
            Assert.AreEqual(DisconnectPacket.SizeOf(3), at);
            Raw.Equal(Raw.Bytes(0xE0, 8, 0x8B, 6, 0x1F, 0, 3, 'b', 'y', 'e'), o, 0, at);
        }
    }
}
