#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;
using NanoBroker.Tests.Engine.Harness;

namespace NanoBroker.Tests.Engine
{
    /// <summary>UTF-8 validation as MQTT 3.1.1 section 1.5.3 requires it, and the test/log conversions.</summary>
    [TestClass]
    public class Utf8Tests
    {
        private static bool Valid(byte[] b)
        {
            return Utf8.IsValid(b, 0, b.Length);
        }

        [TestMethod]
        public void AsciiAndMultiByteCharactersAreValid()
        {
            Assert.IsTrue(Valid(new byte[0]));
            Assert.IsTrue(Valid(Utf8.GetBytes("hello/world")));
            Assert.IsTrue(Valid(new byte[] { 0xC3, 0xA9 }), "U+00E9");
            Assert.IsTrue(Valid(new byte[] { 0xE6, 0xB8, 0xA9 }), "U+6E29");
            Assert.IsTrue(Valid(new byte[] { 0xF0, 0x9F, 0x98, 0x80 }), "U+1F600");
            Assert.IsTrue(Valid(new byte[] { 0xF4, 0x8F, 0xBF, 0xBF }), "U+10FFFF");
            Assert.IsTrue(Valid(new byte[] { 0xEF, 0xBB, 0xBF }), "a BOM is a valid character [MQTT-1.5.3-3]");
            Assert.IsTrue(Valid(new byte[] { 0x01, 0x1F, 0x7F }), "control characters are allowed (SHOULD NOT, not MUST NOT)");
        }

        [TestMethod]
        public void NullCharacterIsInvalid_MQTT_1_5_3_2()
        {
            Assert.IsFalse(Valid(new byte[] { 0x00 }));
            Assert.IsFalse(Valid(new byte[] { (byte)'a', 0x00 }));
            Assert.IsFalse(Valid(new byte[] { 0xC0, 0x80 }), "an overlong U+0000 is invalid too");
        }

        [TestMethod]
        public void SurrogateCodePointsAreInvalid_MQTT_1_5_3_1()
        {
            Assert.IsFalse(Valid(new byte[] { 0xED, 0xA0, 0x80 }), "U+D800");
            Assert.IsFalse(Valid(new byte[] { 0xED, 0xBF, 0xBF }), "U+DFFF");
            Assert.IsTrue(Valid(new byte[] { 0xED, 0x9F, 0xBF }), "U+D7FF");
            Assert.IsTrue(Valid(new byte[] { 0xEE, 0x80, 0x80 }), "U+E000");
        }

        [TestMethod]
        public void OverlongEncodingsAreInvalid_MQTT_1_5_3_1()
        {
            Assert.IsFalse(Valid(new byte[] { 0xC1, 0xBF }));
            Assert.IsFalse(Valid(new byte[] { 0xE0, 0x80, 0xAF }));
            Assert.IsFalse(Valid(new byte[] { 0xF0, 0x80, 0x80, 0xAF }));
        }

        [TestMethod]
        public void TruncatedAndStraySequencesAreInvalid_MQTT_1_5_3_1()
        {
            Assert.IsFalse(Valid(new byte[] { 0xC3 }));
            Assert.IsFalse(Valid(new byte[] { 0xE6, 0xB8 }));
            Assert.IsFalse(Valid(new byte[] { 0xF0, 0x9F, 0x98 }));
            Assert.IsFalse(Valid(new byte[] { 0x80 }), "a lone continuation byte");
            Assert.IsFalse(Valid(new byte[] { 0xC3, 0x41 }), "a lead byte followed by ASCII");
            Assert.IsFalse(Valid(new byte[] { 0xFE }));
            Assert.IsFalse(Valid(new byte[] { 0xFF }));
            Assert.IsFalse(Valid(new byte[] { 0xF8, 0x88, 0x80, 0x80, 0x80 }), "five-byte form");
        }

        [TestMethod]
        public void CodePointsAbove10FFFFAreInvalid_MQTT_1_5_3_1()
        {
            Assert.IsFalse(Valid(new byte[] { 0xF4, 0x90, 0x80, 0x80 }));
            Assert.IsFalse(Valid(new byte[] { 0xF5, 0x80, 0x80, 0x80 }));
        }

        [TestMethod]
        public void ValidationStaysInsideTheGivenRange()
        {
            byte[] b = new byte[] { 0x00, (byte)'a', 0xC3, 0xA9, 0x00 };
            Assert.IsTrue(Utf8.IsValid(b, 1, 3));
            Assert.IsFalse(Utf8.IsValid(b, 1, 2), "the range ends inside a sequence");
        }

        [TestMethod]
        public void GetBytesEncodesEveryLength()
        {
            Expect.Bytes(new byte[] { 0x41 }, Utf8.GetBytes("A"), "ASCII");
            Expect.Bytes(new byte[] { 0xC3, 0xA9 }, Utf8.GetBytes("\u00e9"), "two bytes");
            Expect.Bytes(new byte[] { 0xE2, 0x82, 0xAC }, Utf8.GetBytes("\u20ac"), "three bytes");
            Expect.Bytes(new byte[] { 0xF0, 0x9F, 0x98, 0x80 }, Utf8.GetBytes("\ud83d\ude00"), "a surrogate pair becomes four bytes");
            Assert.AreEqual(0, Utf8.GetBytes("").Length);
        }

        [TestMethod]
        public void GetStringRoundTripsAndMarksInvalidBytes()
        {
            string text = "a/\u00e9/\u20ac/\ud83d\ude00";
            byte[] b = Utf8.GetBytes(text);
            Assert.AreEqual(text, Utf8.GetString(b, 0, b.Length));
            Assert.AreEqual("a?", Utf8.GetString(new byte[] { (byte)'a', 0xFF }, 0, 2));
        }
    }
}
