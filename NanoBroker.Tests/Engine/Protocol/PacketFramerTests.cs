#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;

namespace NanoBroker.Tests.Engine.Protocol
{
    /// <summary>The fixed header (section 2.1) framed once by <see cref="PacketFramer"/>; PINGREQ and PINGRESP.</summary>
    [TestClass]
    public class PacketFramerTests
    {
        [TestMethod]
        public void CompletePacketAtAnOffset()
        {
            PacketFramer f = new PacketFramer();
            byte[] b = Raw.Bytes(9, 9, 0x82, 3, 0, 1, 'a', 7);
            Assert.AreEqual(PacketFramer.Complete, f.Decode(b, 2, 6));
            Assert.AreEqual(PacketType.Subscribe, f.Type);
            Assert.AreEqual(2, f.Flags);
            Assert.AreEqual(4, f.Body);
            Assert.AreEqual(7, f.End);
            Assert.AreEqual(5, f.Size);
            Assert.IsTrue(f.FlagsValid);
        }

        [TestMethod]
        public void TruncatedIncompleteAndMalformed_MQTT_1_5_5_1()
        {
            PacketFramer f = new PacketFramer();
            Assert.AreEqual(PacketFramer.Truncated, f.Decode(Raw.Bytes(0x30, 0x80, 0x01, 0), 0, 4));
            Assert.AreEqual(131, f.Size, "known before the body is in: the engine lends a buffer by it");
            Assert.AreEqual(PacketFramer.Incomplete, f.Decode(Raw.Bytes(0x30, 0x80), 0, 2));
            Assert.AreEqual(PacketFramer.Incomplete, f.Decode(Raw.Bytes(0x30), 0, 1));
            Assert.AreEqual(PacketFramer.Malformed, f.Decode(Raw.Bytes(0x30, 0x80, 0x80, 0x80, 0x80, 0x01), 0, 6));
        }

        [TestMethod]
        public void FlagsPerType_MQTT_2_2_2_2()
        {
            PacketFramer f = new PacketFramer();
            f.Decode(Raw.Bytes(0x60, 2, 0, 1), 0, 4);
            Assert.IsFalse(f.FlagsValid, "PUBREL needs 0010");
            f.Decode(Raw.Bytes(0x3F, 0), 0, 2);
            Assert.IsTrue(f.FlagsValid, "PUBLISH flags are its decoder's");
            f.Decode(Raw.Bytes(0xF1, 0), 0, 2);
            Assert.IsFalse(f.FlagsValid, "AUTH needs 0000");
        }

        [TestMethod]
        public void PingRequestAndResponse()
        {
            Assert.AreEqual((int)ReasonCode.Success, (int)PingPacket.DecodeRequest(0, 2, 2));
            Assert.AreEqual((int)ReasonCode.MalformedPacket, (int)PingPacket.DecodeRequest(0, 2, 3), "a body");
            Assert.AreEqual((int)ReasonCode.MalformedPacket, (int)PingPacket.DecodeRequest(1, 2, 2), "flags");
            byte[] o = new byte[4];
            int at = PingPacket.WriteResponse(o, 1);
            Raw.Equal(Raw.Bytes(0xD0, 0), o, 1, at);
            Assert.AreEqual(PingPacket.Size, at - 1);
        }
    }
}
