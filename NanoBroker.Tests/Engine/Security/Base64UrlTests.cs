#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;
using NanoBroker.Tokens;

namespace NanoBroker.Tests.Engine.Security
{
    /// <summary>Base64url without padding, strictly (RFC 4648 sections 5 and 3.5; RFC 7515 section 2).</summary>
    [TestClass]
    public class Base64UrlTests
    {
        private static string Decode(string text)
        {
            byte[] bytes = Utf8.GetBytes(text);
            byte[] into = new byte[64];
            int n = Base64Url.Decode(bytes, 0, bytes.Length, into, 0, into.Length);
            return n < 0 ? null : CryptoTests.Hex(Slice(into, n));
        }

        private static byte[] Slice(byte[] bytes, int n)
        {
            byte[] slice = new byte[n];
            System.Array.Copy(bytes, slice, n);
            return slice;
        }

        [TestMethod]
        public void Rfc4648Section10_VectorsWithoutPadding()
        {
            Assert.AreEqual("", Decode(""));
            Assert.AreEqual("66", Decode("Zg"));
            Assert.AreEqual("666f", Decode("Zm8"));
            Assert.AreEqual("666f6f", Decode("Zm9v"));
            Assert.AreEqual("666f6f626172", Decode("Zm9vYmFy"));
        }

        [TestMethod]
        public void UrlLettersStandForPlusAndSlash()
        {
            Assert.AreEqual("fbff", Decode("-_8"));
        }

        [TestMethod]
        public void PaddingOtherLettersImpossibleLengthsAndLeftoverBitsAreRefused()
        {
            Assert.IsNull(Decode("Zg=="));
            Assert.IsNull(Decode("+/8"));
            Assert.IsNull(Decode("Zm9vY"));
            // "Zh": the 4 bits past the byte are 0001.
            Assert.IsNull(Decode("Zh"));
        }

        [TestMethod]
        public void OutputLongerThanTheRoomIsRefused()
        {
            byte[] text = Utf8.GetBytes("Zm9vYmFy");
            Assert.AreEqual(-1, Base64Url.Decode(text, 0, text.Length, new byte[8], 0, 5));
        }
    }
}
