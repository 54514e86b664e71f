#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;
using NanoBroker.Tokens;

namespace NanoBroker.Tests.Engine.Security
{
    /// <summary>RSA public keys from PEM: SubjectPublicKeyInfo (RFC 5280) and PKCS#1 RSAPublicKey (RFC 8017 appendix A.1.1).</summary>
    [TestClass]
    public class RsaPublicKeyTests
    {
        // openssl genrsa 1024 | openssl rsa -pubout
        private const string Rsa1024Pem =
            "-----BEGIN PUBLIC KEY-----\n" +
            "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQCbYY4kf9NTflfJGHaA4UoSeA2V\n" +
            "/j567K02hqeSF80seEg7LPFMPwZtfJe1A2FjOaNezk5kZ8pBsOLRLXTq0K4hom4a\n" +
            "/4oWb+DGkYosIFsutkkAG0nBIkg0MHLdcDmP5bNMuYJV8ETzurwmiJrniIZok+/r\n" +
            "8BIp7UXZIINdOAxrYQIDAQAB\n" +
            "-----END PUBLIC KEY-----\n";

        // openssl ecparam -name prime256v1 -genkey | openssl ec -pubout
        private const string P256Pem =
            "-----BEGIN PUBLIC KEY-----\n" +
            "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE3IvvlNiFaU2GLrXAJtEa40c6U2YC\n" +
            "WjXYicfaHIMaFzZGnmgTECxiDSbAuJsIa3hZRxEgJuWzpRJa7vGcdTqS+A==\n" +
            "-----END PUBLIC KEY-----\n";

        private static string Problem(string pem, int maxBits)
        {
            string problem;
            RsaPublicKey key = RsaPublicKey.FromPem(Utf8.GetBytes(pem), maxBits, out problem);
            Assert.IsTrue((key == null) == (problem != null));
            return problem;
        }

        [TestMethod]
        public void BothFormsGiveTheSameKey()
        {
            RsaPublicKey spki = TestTokens.Key(TestTokens.Rfc7515A2Pem);
            RsaPublicKey pkcs1 = TestTokens.Key(TestTokens.Rfc7515A2Pkcs1Pem);
            Assert.IsNotNull(spki);
            Assert.IsNotNull(pkcs1);
            Assert.AreEqual(256, spki.Bytes);
            Assert.AreEqual(65537, (int)spki.Exponent);
            Assert.AreEqual(64, pkcs1.Limbs);
            for (int i = 0; i < spki.Limbs; i++)
            {
                Assert.AreEqual(spki.Modulus[i], pkcs1.Modulus[i]);
            }
            // RFC 7517 appendix A.1's "n" begins ofgWCu..., 0xa1f8160a.
            Assert.AreEqual(0xa1f8160au, spki.Modulus[63]);
        }

        [TestMethod]
        public void Rfc7518Section3_3_KeysUnder2048BitsAreRefused()
        {
            Assert.IsNotNull(Problem(Rsa1024Pem, 4096));
        }

        [TestMethod]
        public void KeysOverTheConfiguredLimitAreRefused()
        {
            Assert.IsNotNull(Problem(TestTokens.OpensslPem, 2047));
            Assert.IsNull(Problem(TestTokens.OpensslPem, 2048));
        }

        [TestMethod]
        public void OtherKeysAndTextsAreRefused()
        {
            Assert.IsNotNull(Problem(P256Pem, 4096));
            Assert.IsNotNull(Problem("not a key", 4096));
            Assert.IsNotNull(Problem("-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n", 4096));
        }
    }
}
