#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;
using NanoBroker.Tests.Engine.Harness;

namespace NanoBroker.Tests.Engine
{
    /// <summary>The remaining length field (MQTT 3.1.1 section 2.2.3, table 2.4).</summary>
    [TestClass]
    public class RemainingLengthTests
    {
        private static void RoundTrip(int value, byte[] expected)
        {
            byte[] buffer = new byte[6];
            int written = RemainingLength.Encode(value, buffer, 1);
            Assert.AreEqual(expected.Length, written, "bytes written for " + value);
            Assert.AreEqual(expected.Length, RemainingLength.SizeOf(value), "SizeOf " + value);
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.AreEqual((int)expected[i], (int)buffer[1 + i], "byte " + i + " of " + value);
            }
            int count;
            Assert.AreEqual(value, RemainingLength.Decode(buffer, 1, 5, out count), "decoded " + value);
            Assert.AreEqual(expected.Length, count, "bytes read for " + value);
        }

        [TestMethod]
        public void BoundariesOfTable2_4EncodeAndDecode()
        {
            RoundTrip(0, new byte[] { 0x00 });
            RoundTrip(127, new byte[] { 0x7F });
            RoundTrip(128, new byte[] { 0x80, 0x01 });
            RoundTrip(321, new byte[] { 0xC1, 0x02 });
            RoundTrip(16383, new byte[] { 0xFF, 0x7F });
            RoundTrip(16384, new byte[] { 0x80, 0x80, 0x01 });
            RoundTrip(2097151, new byte[] { 0xFF, 0xFF, 0x7F });
            RoundTrip(2097152, new byte[] { 0x80, 0x80, 0x80, 0x01 });
            RoundTrip(268435455, new byte[] { 0xFF, 0xFF, 0xFF, 0x7F });
            Assert.AreEqual(268435455, RemainingLength.Max);
        }

        [TestMethod]
        public void FewerBytesThanTheFieldNeedsIsIncomplete()
        {
            int count;
            Assert.AreEqual(RemainingLength.Incomplete, RemainingLength.Decode(new byte[] { 0x80 }, 0, 1, out count));
            Assert.AreEqual(RemainingLength.Incomplete, RemainingLength.Decode(new byte[] { 0xFF, 0xFF, 0xFF }, 0, 3, out count));
            Assert.AreEqual(RemainingLength.Incomplete, RemainingLength.Decode(new byte[] { 0x05 }, 0, 0, out count));
        }

        [TestMethod]
        public void AFifthLengthByteIsMalformed_Section_2_2_3()
        {
            int count;
            Assert.AreEqual(RemainingLength.Malformed, RemainingLength.Decode(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x01 }, 0, 5, out count));
            Assert.AreEqual(RemainingLength.Malformed, RemainingLength.Decode(new byte[] { 0x80, 0x80, 0x80, 0x80 }, 0, 4, out count), "known as soon as the fourth byte has its continuation bit");
        }

        [TestMethod]
        public void PacketBuilderUsesTheSameEncoding()
        {
            byte[] payload = new byte[200];
            byte[] p = Packets.Publish(Packets.Bytes("t"), payload, 0, false, false, 0);
            Assert.AreEqual(0x30, (int)p[0]);
            Assert.AreEqual(0xCB, (int)p[1]);
            Assert.AreEqual(0x01, (int)p[2]);
            Assert.AreEqual(3 + 203, p.Length);
        }
    }
}
