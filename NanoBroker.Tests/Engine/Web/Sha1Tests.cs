#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Tests.Engine.Harness;
using NanoBroker.Web;

namespace NanoBroker.Tests.Engine.Web
{
    /// <summary>SHA-1 against RFC 3174 section 7.3's test vectors, and the accept value of RFC 6455 section 1.3.</summary>
    [TestClass]
    public class Sha1Tests
    {
        private static string Digest(byte[] data)
        {
            byte[] hash = new byte[Sha1.HashBytes];
            new Sha1().Hash(data, 0, data.Length, hash, 0);
            string hex = "";
            for (int i = 0; i < hash.Length; i++)
            {
                hex += hash[i].ToString("X2");
            }
            return hex;
        }

        [TestMethod]
        public void Rfc3174Test1Abc()
        {
            Assert.AreEqual("A9993E364706816ABA3E25717850C26C9CD0D89D", Digest(Packets.Bytes("abc")));
        }

        [TestMethod]
        public void Rfc3174Test2TwoBlocksOfPadding()
        {
            // 56 bytes: the length no longer fits the first block.
            Assert.AreEqual("84983E441C3BD26EBAAE4AA1F95129E5E54670F1", Digest(Packets.Bytes("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")));
        }

        [TestMethod]
        public void Rfc3174Test4ManyBlocks()
        {
            string text = "";
            for (int i = 0; i < 80; i++)
            {
                text += "01234567";
            }
            Assert.AreEqual("DEA356A2CDDD90C7A7ECEDC5EBB563934F460452", Digest(Packets.Bytes(text)));
        }

        [TestMethod]
        public void TheEmptyMessage()
        {
            Assert.AreEqual("DA39A3EE5E6B4B0D3255BFEF95601890AFD80709", Digest(new byte[0]));
        }

        [TestMethod]
        public void Rfc6455Section1_3AcceptOfTheSampleKey()
        {
            byte[] key = Packets.Bytes(WsClient.SampleKey);
            byte[] scratch = new byte[HttpWriter.AcceptInputBytes + Sha1.HashBytes];
            byte[] into = new byte[HttpWriter.AcceptChars];
            Assert.AreEqual(HttpWriter.AcceptChars, HttpWriter.AcceptValue(key, new Sha1(), scratch, into, 0));
            Assert.AreEqual(WsClient.SampleAccept, WsClient.Text(into, 0, into.Length));
        }
    }
}
