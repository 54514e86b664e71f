#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;

namespace NanoBroker.Tests.Engine.Protocol
{
    /// <summary>AUTH (5.0 section 3.15): decoder and encoder.</summary>
    [TestClass]
    public class AuthPacketTests
    {
        private static int Decode(AuthPacket p, byte[] body)
        {
            return p.Decode(ProtocolVersion.Mqtt5, 0, body, 0, body.Length);
        }

        [TestMethod]
        public void ContinueWithMethodAndData()
        {
            AuthPacket p = new AuthPacket(new Properties());
            Assert.AreEqual((int)ReasonCode.Success, Decode(p, Raw.Bytes(0x18, 9, 0x15, 0, 2, 'S', 'C', 0x16, 0, 1, 0xFF)));
            Assert.AreEqual((int)ReasonCode.ContinueAuthentication, (int)p.ReasonCode);
            Assert.AreEqual(5, p.Properties.AuthenticationMethodStart);
            Assert.AreEqual(2, p.Properties.AuthenticationMethodLength);
            Assert.AreEqual(10, p.Properties.AuthenticationDataStart);
        }

        [TestMethod]
        public void EmptyBodyIsSuccess()
        {
            AuthPacket p = new AuthPacket(new Properties());
            Assert.AreEqual((int)ReasonCode.Success, Decode(p, new byte[0]));
            Assert.AreEqual((int)ReasonCode.Success, (int)p.ReasonCode);
        }

        [TestMethod]
        public void Failures()
        {
            AuthPacket p = new AuthPacket(new Properties());
            Assert.AreEqual((int)ReasonCode.ProtocolError, Decode(p, Raw.Bytes(0x87, 4, 0x15, 0, 1, 'm')), "not an AUTH code [MQTT-3.15.2-1]");
            Assert.AreEqual((int)ReasonCode.ProtocolError, Decode(p, Raw.Bytes(0x19, 0)), "no Authentication Method (5.0 section 3.15.2.2.2)");
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Decode(p, Raw.Bytes(0x18, 2, 0x01, 0)), "a PUBLISH property");
            byte[] none = new byte[0];
            Assert.AreEqual((int)ReasonCode.MalformedPacket, (int)p.Decode(ProtocolVersion.Mqtt5, 2, none, 0, 0), "flags [MQTT-3.15.1-1]");
            Assert.AreEqual((int)ReasonCode.ProtocolError, (int)p.Decode(ProtocolVersion.Mqtt311, 0, none, 0, 0), "no AUTH before 5.0");
        }

        [TestMethod]
        public void EncoderWritesMethodAndData()
        {
            byte[] o = new byte[16];
            byte[] src = Raw.Bytes('S', 'C', 7);
            int at = AuthPacket.Write(o, 0, ReasonCode.ContinueAuthentication, src, 0, 2, 2, 1);
            Assert.AreEqual(AuthPacket.SizeOf(2, 1), at);
            Raw.Equal(Raw.Bytes(0xF0, 11, 0x18, 9, 0x15, 0, 2, 'S', 'C', 0x16, 0, 1, 7), o, 0, at);
            at = AuthPacket.Write(o, 0, ReasonCode.Success, src, 0, 2, 0, -1);
            Assert.AreEqual(AuthPacket.SizeOf(2, -1), at);
            Raw.Equal(Raw.Bytes(0xF0, 7, 0x00, 5, 0x15, 0, 2, 'S', 'C'), o, 0, at);
        }
    }
}
