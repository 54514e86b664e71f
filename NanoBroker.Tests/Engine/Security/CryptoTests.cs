#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;
using NanoBroker.Security;

namespace NanoBroker.Tests.Engine.Security
{
    /// <summary>SHA-256, HMAC-SHA-256, PBKDF2-HMAC-SHA-256 and base64 against published test vectors.</summary>
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

        [TestMethod]
        public void HmacSha256_Rfc4231Case1()
        {
            Assert.AreEqual("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
                HmacHex(FromHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"), Utf8.GetBytes("Hi There")));
        }

        [TestMethod]
        public void HmacSha256_Rfc4231Case2_KeyShorterThanTheMac()
        {
            Assert.AreEqual("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
                HmacHex(Utf8.GetBytes("Jefe"), Utf8.GetBytes("what do ya want for nothing?")));
        }

        [TestMethod]
        public void HmacSha256_Rfc4231Case3_KeyAndDataPastABlock()
        {
            Assert.AreEqual("773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
                HmacHex(Repeat(0xaa, 20), Repeat(0xdd, 50)));
        }

        [TestMethod]
        public void HmacSha256_Rfc4231Case4()
        {
            Assert.AreEqual("82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
                HmacHex(FromHex("0102030405060708090a0b0c0d0e0f10111213141516171819"),
                    Repeat(0xcd, 50)));
        }

        [TestMethod]
        public void HmacSha256_Rfc4231Case5_TruncatedTo128Bits()
        {
            string mac = HmacHex(FromHex("0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c"), Utf8.GetBytes("Test With Truncation"));
            Assert.AreEqual("a3b6167473100ee06e0c796c2955552b", mac.Substring(0, 32));
        }

        [TestMethod]
        public void HmacSha256_Rfc4231Case6_KeyLongerThanABlockIsHashedFirst()
        {
            Assert.AreEqual("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
                HmacHex(Repeat(0xaa, 131), Utf8.GetBytes("Test Using Larger Than Block-Size Key - Hash Key First")));
        }

        [TestMethod]
        public void HmacSha256_Rfc4231Case7_LongKeyAndLongData()
        {
            Assert.AreEqual("9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
                HmacHex(Repeat(0xaa, 131), Utf8.GetBytes("This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.")));
        }

        [TestMethod]
        public void HmacSha256_OneInstanceServesManyMessagesAndKeys()
        {
            // Final starts the next MAC under the same key; SetKey starts afresh whatever came before.
            HmacSha256 hmac = new HmacSha256();
            byte[] jefe = Utf8.GetBytes("Jefe");
            byte[] data = Utf8.GetBytes("what do ya want for nothing?");
            byte[] mac = new byte[HmacSha256.MacBytes];
            hmac.SetKey(jefe, 0, jefe.Length);
            hmac.Update(data, 0, 9);
            hmac.Final(mac, 0);
            hmac.Update(data, 0, 4);
            hmac.Update(data, 4, data.Length - 4);
            hmac.Final(mac, 0);
            Assert.AreEqual("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", Hex(mac));
            hmac.Update(data, 0, 3);
            byte[] longKey = Repeat(0xaa, 131);
            hmac.SetKey(longKey, 0, longKey.Length);
            byte[] text = Utf8.GetBytes("Test Using Larger Than Block-Size Key - Hash Key First");
            hmac.Update(text, 0, text.Length);
            hmac.Final(mac, 0);
            Assert.AreEqual("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54", Hex(mac));
        }

        [TestMethod]
        public void Base64_Rfc4648Vectors()
        {
            string[] plain = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
            string[] coded = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };
            for (int i = 0; i < plain.Length; i++)
            {
                byte[] bytes = Utf8.GetBytes(plain[i]);
                byte[] text = new byte[Base64.EncodedLength(bytes.Length)];
                Assert.AreEqual(text.Length, Base64.Encode(bytes, 0, bytes.Length, text, 0));
                Assert.AreEqual(coded[i], Utf8.GetString(text, 0, text.Length));
                byte[] back = new byte[8];
                int n = Base64.Decode(text, 0, text.Length, back, 0, back.Length);
                Assert.AreEqual(plain[i], Utf8.GetString(back, 0, n));
            }
        }

        [TestMethod]
        public void Base64_DecodingIsStrict()
        {
            Assert.AreEqual(-1, Decode64("Zg="));       // length not a multiple of 4
            Assert.AreEqual(-1, Decode64("Zh=="));      // unused bits set: not the one encoding of "f"
            Assert.AreEqual(-1, Decode64("Zm9="));
            Assert.AreEqual(-1, Decode64("Zg==Zg=="));  // padding before the end
            Assert.AreEqual(-1, Decode64("Z==="));
            Assert.AreEqual(-1, Decode64("===="));
            Assert.AreEqual(-1, Decode64("Zm 9"));
            Assert.AreEqual(-1, Decode64("Zm-_"));      // the URL alphabet is another encoding
            Assert.AreEqual(-1, Decode64("Zm9vYmFy")); // 6 bytes into room for 4
            Assert.AreEqual(4, Decode64("+/+/Zg=="));
        }

        private static int Decode64(string text)
        {
            byte[] bytes = Utf8.GetBytes(text);
            return Base64.Decode(bytes, 0, bytes.Length, new byte[4], 0, 4);
        }

        private static string HmacHex(byte[] key, byte[] data)
        {
            HmacSha256 hmac = new HmacSha256();
            hmac.SetKey(key, 0, key.Length);
            hmac.Update(data, 0, data.Length);
            byte[] mac = new byte[HmacSha256.MacBytes];
            hmac.Final(mac, 0);
            return Hex(mac);
        }

        private static byte[] Repeat(int value, int count)
        {
            byte[] bytes = new byte[count];
            for (int i = 0; i < count; i++)
            {
                bytes[i] = (byte)value;
            }
            return bytes;
        }

        internal static byte[] FromHex(string hex)
        {
            const string digits = "0123456789abcdef";
            byte[] bytes = new byte[hex.Length / 2];
            for (int i = 0; i < bytes.Length; i++)
            {
                bytes[i] = (byte)(digits.IndexOf(hex[i * 2]) * 16 + digits.IndexOf(hex[i * 2 + 1]));
            }
            return bytes;
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

        internal static string Hex(byte[] bytes)
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
