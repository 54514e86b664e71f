#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;
using NanoBroker.Security;

namespace NanoBroker.Tests.Engine.Security
{
    /// <summary>SHA-256 and PBKDF2-HMAC-SHA-256 against published test vectors.</summary>
    [TestClass]
    public class CryptoTests
    {
        [TestMethod]
        public void Sha256OfTheEmptyString()
        {
            Assert.AreEqual("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Sha256Hex(""));
        }

        [TestMethod]
        public void Sha256OfAbc_Fips180_2()
        {
            Assert.AreEqual("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Sha256Hex("abc"));
        }

        [TestMethod]
        public void Sha256OfTwoBlocks_Fips180_2()
        {
            Assert.AreEqual("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
                Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"));
        }

        [TestMethod]
        public void Sha256OfExactlyFiftyFiveAndFiftySixBytes()
        {
            // The padding edge: 55 bytes fit one block with the length, 56 need a second.
            Assert.AreEqual("9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318", Sha256Hex(new string('a', 55)));
            Assert.AreEqual("b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a", Sha256Hex(new string('a', 56)));
        }

        [TestMethod]
        public void Pbkdf2Sha256_Rfc7914Vector1()
        {
            Assert.AreEqual("55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc", Pbkdf2Hex("passwd", "salt", 1));
        }

        [TestMethod]
        public void Pbkdf2Sha256_ManyIterations()
        {
            // Python: hashlib.pbkdf2_hmac('sha256', b'password', b'salt', 4096).hex()
            Assert.AreEqual("c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a", Pbkdf2Hex("password", "salt", 4096));
        }

        [TestMethod]
        public void Pbkdf2Sha256_KeyLongerThanABlockIsHashedFirst()
        {
            // Python: hashlib.pbkdf2_hmac('sha256', b'k'*100, b'salt', 2).hex()
            Assert.AreEqual("2c1357648009149f57e4d5544c3435bbca87a6b231300fa3abb2a89b50f56ec3", Pbkdf2Hex(new string('k', 100), "salt", 2));
        }

        private static string Sha256Hex(string text)
        {
            byte[] bytes = Utf8.GetBytes(text);
            Sha256 sha = new Sha256();
            sha.Update(bytes, 0, bytes.Length);
            byte[] hash = new byte[Sha256.HashBytes];
            sha.Final(hash, 0);
            return Hex(hash);
        }

        private static string Pbkdf2Hex(string password, string salt, int iterations)
        {
            byte[] secret = Utf8.GetBytes(password);
            byte[] output = new byte[32];
            new Pbkdf2().Derive(secret, 0, secret.Length, Utf8.GetBytes(salt), iterations, output);
            return Hex(output);
        }

        private static string Hex(byte[] bytes)
        {
            const string digits = "0123456789abcdef";
            char[] chars = new char[bytes.Length * 2];
            for (int i = 0; i < bytes.Length; i++)
            {
                chars[i * 2] = digits[bytes[i] >> 4];
                chars[i * 2 + 1] = digits[bytes[i] & 0xF];
            }
            return new string(chars);
        }
    }
}
