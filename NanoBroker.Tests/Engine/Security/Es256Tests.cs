#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;
using NanoBroker.Security;
using NanoBroker.Tokens;

namespace NanoBroker.Tests.Engine.Security
{
    /// <summary>
    /// ES256 (ECDSA on P-256 with SHA-256, RFC 7518 section 3.4): RFC 7515 appendix A.3 and RFC 6979 appendix A.2.5
    /// as vectors, a token made by openssl, the range checks of r and s, keys refused at load, the point at infinity,
    /// and algorithm confusion between the three kinds of key (RFC 8725 section 2.1).
    /// </summary>
    [TestClass]
    public class Es256Tests
    {
        // Between RFC 7515's example token's making and its exp (1300819380).
        private const long BeforeRfcExpiry = 1300819000;

        // RFC 6979 appendix A.2.5's P-256 key (Ux, Uy) as SubjectPublicKeyInfo PEM.
        private const string Rfc6979Pem =
            "-----BEGIN PUBLIC KEY-----\n" +
            "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEYP7UuiVanTHJYet0xjVtaMBJuJI7\n" +
            "Yfps5mliLmDyn7Z5A/4QCLi8maQa6elWKLxk8vGyDC1+n1F3o8KU1EYimQ==\n" +
            "-----END PUBLIC KEY-----\n";

        // RFC 6979 appendix A.2.5, SHA-256, messages "sample" and "test": r || s in hex.
        private const string Rfc6979Sample =
            "EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716" +
            "F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8";

        private const string Rfc6979Test =
            "F1ABB023518351CD71D881567B1EA663ED3EFCF6C5132B354F28D3B0B7D38367" +
            "019F4113742A2B14BD25926B49C649155F267E60D3814B4C0CC84250E46F0083";

        // The order n of P-256 (FIPS 186-4 appendix D.1.2.3), big-endian hex.
        private const string Order = "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551";

        // RFC 7515 A.3's key with the last bit of y flipped: not on the curve.
        private const string OffCurvePem =
            "-----BEGIN PUBLIC KEY-----\n" +
            "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEf83OJ3D2xF1Bg8vub9tLe1gHMzV7\n" +
            "6e8Tus9uPHvRVEXH8UTNG72bfocs3+257rn0s2ldbqkLJK2KRiMohYjlrA==\n" +
            "-----END PUBLIC KEY-----\n";

        // -G (x of G, p - y of G): the key of private value n - 1.
        private const string MinusGeneratorPem =
            "-----BEGIN PUBLIC KEY-----\n" +
            "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEaxfR8uEsQkf4vOblY6RA8ncDfYEt\n" +
            "6zOg9KE5RdiYwpawHL0cAeWAZXEYFLWD8GHp1DHMqZTOoTE0Sb+XyECuCg==\n" +
            "-----END PUBLIC KEY-----\n";

        // G itself (private key 1), made by Python's cryptography: u1 G + u2 Q adds multiples of G twice.
        private const string GeneratorPem =
            "-----BEGIN PUBLIC KEY-----\n" +
            "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEaxfR8uEsQkf4vOblY6RA8ncDfYEt\n" +
            "6zOg9KE5RdiYwpZP40Li/hp/m47n60p8D54WK84zV2sxXs7LtkBoN79R9Q==\n" +
            "-----END PUBLIC KEY-----\n";

        // A.3's header and claims signed by Python's cryptography under private key 1 (GeneratorPem).
        private const string GeneratorToken =
            "eyJhbGciOiJFUzI1NiJ9" +
            ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ" +
            ".u26seMOXXnbGYDGDpP8nIFWETAJIm7doZiq3aopK9H-qKhQx_2crv6b9-JCd0Cv7gK-XYVIgoUYkLJCMBPb0wA";

        // A.3's header and claims signed by Python's cryptography under private key n - 1 (MinusGeneratorPem).
        private const string MinusGeneratorToken =
            "eyJhbGciOiJFUzI1NiJ9" +
            ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ" +
            ".Ak-dvX3GNnFlKxrNtwVqiUCiY4toJs6kMsLiPNBff719Tt_HrlE9zKIplFV_luz64QCsPHAAhFj9C_jE4xWdOA";

        // A.3's header and claims with s = 1 and r = -e / d mod n (d, A.3's private key): u1 G + u2 Q = (e + r d) G
        // is the point at infinity, which has no x to compare (SEC 1 section 4.1.4 step 5).
        private const string InfinityToken =
            "eyJhbGciOiJFUzI1NiJ9" +
            ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ" +
            ".VgqpwKTB_-O3TK7_3n-JRgXgEDONt7eXtGSUK3pGxgcAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQ";

        // A P-384 key (secp384r1), made by Python's cryptography.
        private const string P384Pem =
            "-----BEGIN PUBLIC KEY-----\n" +
            "MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAEd8/OjgglNWeC2BTv3g1BhS9tRfzUjYlw\n" +
            "IkQrDnyXzRZXNVBFrxyqCKx+KJyioYa4/urTKXz3M86XFQnWwapfcs7cogMAWmvr\n" +
            "amLky4xu7ilUVBeCosnJizfc+9rcq+Bs\n" +
            "-----END PUBLIC KEY-----\n";

        private static TokenSettings Rfc7515A3Settings()
        {
            TokenSettings settings = TestTokens.EcSettings(TestTokens.Rfc7515A3Pem);
            // The example has no "sub": its issuer stands for the identity.
            settings.IdentityClaim = "iss";
            return settings;
        }

        private static byte[] Hex(string hex)
        {
            byte[] bytes = new byte[hex.Length / 2];
            for (int i = 0; i < bytes.Length; i++)
            {
                bytes[i] = (byte)((Nibble(hex[2 * i]) << 4) | Nibble(hex[2 * i + 1]));
            }
            return bytes;
        }

        private static int Nibble(char c)
        {
            return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
        }

        private static byte[] Sha256Of(string text)
        {
            byte[] bytes = Utf8.GetBytes(text);
            Sha256 sha = new Sha256();
            sha.Update(bytes, 0, bytes.Length);
            byte[] hash = new byte[Sha256.HashBytes];
            sha.Final(hash, 0);
            return hash;
        }

        // A.3's token with its signature replaced by the 64 bytes given.
        private static string WithSignature(byte[] signature)
        {
            string token = TestTokens.Rfc7515A3Token;
            return token.Substring(0, token.LastIndexOf('.') + 1) + TestTokens.Encode(signature);
        }

        private static byte[] Rfc7515A3Signature()
        {
            string token = TestTokens.Rfc7515A3Token;
            byte[] text = Utf8.GetBytes(token);
            int dot = token.LastIndexOf('.') + 1;
            byte[] signature = new byte[EcdsaSignature.SignatureBytes];
            Assert.AreEqual(EcdsaSignature.SignatureBytes, Base64Url.Decode(text, dot, text.Length - dot, signature, 0, signature.Length));
            return signature;
        }

        [TestMethod]
        public void Es256_Rfc7515A3_Verifies()
        {
            TokenSettings settings = Rfc7515A3Settings();
            Assert.IsNotNull(settings.EcKey);
            Assert.IsNull(settings.Check());
            Assert.AreEqual(TokenAlgorithms.Es256, settings.Accepted);
            Assert.AreEqual(TokenCheck.Valid, TestTokens.Verify(settings, TestTokens.Rfc7515A3Token, BeforeRfcExpiry));
        }

        [TestMethod]
        public void Es256_Rfc7515A3_AFlippedBitIsRefused()
        {
            byte[] signature = Rfc7515A3Signature();
            // One bit of r, then one of s.
            signature[5] ^= 0x10;
            Assert.AreEqual(TokenCheck.BadSignature, TestTokens.Verify(Rfc7515A3Settings(), WithSignature(signature), BeforeRfcExpiry));
            signature[5] ^= 0x10;
            Assert.AreEqual(TokenCheck.Valid, TestTokens.Verify(Rfc7515A3Settings(), WithSignature(signature), BeforeRfcExpiry));
            signature[40] ^= 0x01;
            Assert.AreEqual(TokenCheck.BadSignature, TestTokens.Verify(Rfc7515A3Settings(), WithSignature(signature), BeforeRfcExpiry));
            // One bit of the claims (RFC 7515 section 5.2: the signature covers the encoded header and payload): "joe" becomes "jof".
            string token = TestTokens.Rfc7515A3Token;
            int first = token.IndexOf('.');
            int second = token.IndexOf('.', first + 1);
            string payload = TestTokens.Encode(Utf8.GetBytes("{\"iss\":\"jof\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}"));
            Assert.AreEqual(TokenCheck.BadSignature, TestTokens.Verify(Rfc7515A3Settings(), token.Substring(0, first + 1) + payload + token.Substring(second), BeforeRfcExpiry));
        }

        [TestMethod]
        public void Es256_Rfc7515A3_UnderAnotherKeyIsRefused()
        {
            TokenSettings settings = TestTokens.EcSettings(TestTokens.OpensslEcPem);
            settings.IdentityClaim = "iss";
            Assert.AreEqual(TokenCheck.BadSignature, TestTokens.Verify(settings, TestTokens.Rfc7515A3Token, BeforeRfcExpiry));
        }

        [TestMethod]
        public void Es256_Rfc7515A3_ASignatureOfAnotherLengthIsRefused()
        {
            // RFC 7518 section 3.4: R || S, 64 bytes; 63 are not a signature (and DER would not be either).
            byte[] signature = Rfc7515A3Signature();
            byte[] shorter = new byte[63];
            for (int i = 0; i < shorter.Length; i++)
            {
                shorter[i] = signature[i];
            }
            Assert.AreEqual(TokenCheck.BadSignature, TestTokens.Verify(Rfc7515A3Settings(), WithSignature(shorter), BeforeRfcExpiry));
        }

        [TestMethod]
        public void Es256_Rfc6979A25_SampleAndTestVerify()
        {
            P256PublicKey key = TestTokens.EcKey(Rfc6979Pem).Point;
            Assert.IsNotNull(key);
            EcdsaSignature ecdsa = new EcdsaSignature();
            byte[] sample = Hex(Rfc6979Sample);
            byte[] test = Hex(Rfc6979Test);
            Assert.IsTrue(ecdsa.Verify(key, Sha256Of("sample"), sample, 0, sample.Length));
            Assert.IsTrue(ecdsa.Verify(key, Sha256Of("test"), test, 0, test.Length));
            // Each signature of the other message is refused.
            Assert.IsFalse(ecdsa.Verify(key, Sha256Of("test"), sample, 0, sample.Length));
            Assert.IsFalse(ecdsa.Verify(key, Sha256Of("sample"), test, 0, test.Length));
        }

        [TestMethod]
        public void Es256_RAndSOutsideOneToNMinusOneAreRefused()
        {
            // SEC 1 section 4.1.4 step 1 (RFC 7518 section 3.4 refers to it): r and s in [1, n - 1].
            P256PublicKey key = TestTokens.EcKey(Rfc6979Pem).Point;
            EcdsaSignature ecdsa = new EcdsaSignature();
            byte[] hash = Sha256Of("sample");
            byte[] good = Hex(Rfc6979Sample);
            byte[] order = Hex(Order);
            for (int half = 0; half < 2; half++)
            {
                byte[] signature = Hex(Rfc6979Sample);
                // 0
                for (int i = 0; i < 32; i++)
                {
                    signature[32 * half + i] = 0;
                }
                Assert.IsFalse(ecdsa.Verify(key, hash, signature, 0, signature.Length));
                // n
                for (int i = 0; i < 32; i++)
                {
                    signature[32 * half + i] = order[i];
                }
                Assert.IsFalse(ecdsa.Verify(key, hash, signature, 0, signature.Length));
                // 2^256 - 1
                for (int i = 0; i < 32; i++)
                {
                    signature[32 * half + i] = 0xFF;
                }
                Assert.IsFalse(ecdsa.Verify(key, hash, signature, 0, signature.Length));
                // The signature's own value plus n, the same residue: still refused, as out of range.
                int carry = 0;
                for (int i = 31; i >= 0; i--)
                {
                    int sum = good[32 * half + i] + order[i] + carry;
                    signature[32 * half + i] = (byte)sum;
                    carry = sum >> 8;
                }
                if (carry == 0)
                {
                    Assert.IsFalse(ecdsa.Verify(key, hash, signature, 0, signature.Length));
                }
            }
            Assert.IsTrue(ecdsa.Verify(key, hash, good, 0, good.Length));
            // The same through a token: r = 0 and s = 0.
            Assert.AreEqual(TokenCheck.BadSignature, TestTokens.Verify(Rfc7515A3Settings(), WithSignature(new byte[64]), BeforeRfcExpiry));
        }

        [TestMethod]
        public void Es256_AResultAtInfinityIsRefused()
        {
            Assert.AreEqual(TokenCheck.BadSignature, TestTokens.Verify(Rfc7515A3Settings(), InfinityToken, BeforeRfcExpiry));
        }

        [TestMethod]
        public void Es256_KeysOfPrivateValueOneAndNMinusOne_GAndMinusG()
        {
            // Both tables hold multiples of G: additions may meet equal or opposite points (P256.AddPoint's two cases).
            TokenSettings settings = TestTokens.EcSettings(GeneratorPem);
            Assert.IsNotNull(settings.EcKey);
            settings.IdentityClaim = "iss";
            Assert.AreEqual(TokenCheck.Valid, TestTokens.Verify(settings, GeneratorToken, BeforeRfcExpiry));
            Assert.AreEqual(TokenCheck.BadSignature, TestTokens.Verify(settings, MinusGeneratorToken, BeforeRfcExpiry));
            settings = TestTokens.EcSettings(MinusGeneratorPem);
            Assert.IsNotNull(settings.EcKey);
            settings.IdentityClaim = "iss";
            Assert.AreEqual(TokenCheck.Valid, TestTokens.Verify(settings, MinusGeneratorToken, BeforeRfcExpiry));
            Assert.AreEqual(TokenCheck.BadSignature, TestTokens.Verify(settings, GeneratorToken, BeforeRfcExpiry));
        }

        [TestMethod]
        public void Es256_KeysRefusedAtLoad()
        {
            // SEC 1 section 3.2.2.1: the point must satisfy the curve's equation.
            string problem;
            Assert.IsNull(EcPublicKey.FromPem(Utf8.GetBytes(OffCurvePem), out problem));
            Assert.AreEqual("the point is not on the P-256 curve", problem);
            Assert.IsNull(EcPublicKey.FromPem(Utf8.GetBytes(P384Pem), out problem));
            Assert.IsNotNull(problem);
            Assert.IsNull(EcPublicKey.FromPem(Utf8.GetBytes(TestTokens.OpensslPem), out problem));
            Assert.AreEqual(EcPublicKey.NotEc, problem);
            Assert.IsNull(EcPublicKey.FromPem(Utf8.GetBytes("not a key"), out problem));
            Assert.AreEqual(EcPublicKey.NotPem, problem);
            TokenSettings settings = new TokenSettings();
            Assert.IsNotNull(settings.LoadPublicKey(Utf8.GetBytes(OffCurvePem)));
            Assert.IsNull(settings.EcKey);
            Assert.IsNull(settings.RsaKey);
        }

        [TestMethod]
        public void Es256_TheKeyDecidesTheAlgorithm()
        {
            TokenSettings ec = new TokenSettings();
            Assert.IsNull(ec.LoadPublicKey(Utf8.GetBytes(TestTokens.OpensslEcPem)));
            Assert.IsNotNull(ec.EcKey);
            Assert.IsNull(ec.RsaKey);
            Assert.AreEqual(TokenAlgorithms.Es256, ec.Accepted);
            TokenSettings rsa = new TokenSettings();
            Assert.IsNull(rsa.LoadPublicKey(Utf8.GetBytes(TestTokens.OpensslPem)));
            Assert.IsNotNull(rsa.RsaKey);
            Assert.IsNull(rsa.EcKey);
            Assert.AreEqual(TokenAlgorithms.Rs256, rsa.Accepted);
            TokenSettings pkcs1 = new TokenSettings();
            Assert.IsNull(pkcs1.LoadPublicKey(Utf8.GetBytes(TestTokens.Rfc7515A2Pkcs1Pem)));
            Assert.IsNotNull(pkcs1.RsaKey);
            Assert.IsNotNull(new TokenSettings().LoadPublicKey(Utf8.GetBytes(P384Pem)));
        }

        [TestMethod]
        public void Es256_OpensslToken_VerifiesWithItsClaims()
        {
            TokenSettings settings = TestTokens.EcSettings(TestTokens.OpensslEcPem);
            settings.Issuer = "https://issuer.example";
            settings.Audience = "mqtt";
            JwtVerifier verifier = new JwtVerifier(settings);
            byte[] token = Utf8.GetBytes(TestTokens.OpensslEs256Token);
            Assert.AreEqual(TokenCheck.Valid, verifier.Verify(token, 0, token.Length, TestTokens.Now));
            Assert.AreEqual("device-7", Utf8.GetString(verifier.Payload, verifier.IdentityStart, verifier.IdentityLength));
            Assert.AreEqual(2, verifier.RuleCount);
            Assert.AreEqual("devices/%u/down/#", Utf8.GetString(verifier.Payload, verifier.RuleStart[1], verifier.RuleLength[1]));
            // After exp (RFC 7519 section 4.1.4) and the skew: refused.
            Assert.AreEqual(TokenCheck.Expired, verifier.Verify(token, 0, token.Length, 1700003600 + settings.SkewSeconds));
        }

        [TestMethod]
        public void AlgorithmConfusion_EachKeyServesItsOwnAlgorithmOnly()
        {
            // RFC 8725 section 2.1. An ES256 token with only an RSA key, an RS256 token with only an EC key: refused
            // before any arithmetic.
            Assert.AreEqual(TokenCheck.AlgorithmRefused, TestTokens.Verify(TestTokens.RsaSettings(TestTokens.OpensslPem), TestTokens.OpensslEs256Token, TestTokens.Now));
            Assert.AreEqual(TokenCheck.AlgorithmRefused, TestTokens.Verify(TestTokens.EcSettings(TestTokens.OpensslEcPem), TestTokens.OpensslRs256Token, TestTokens.Now));
            // An ES256 token whose header says RS256 (its signature is R || S) under an RSA key: the RSA check refuses it.
            string token = TestTokens.OpensslEs256Token;
            string relabelled = TestTokens.Encode(Utf8.GetBytes("{\"alg\":\"RS256\",\"typ\":\"JWT\"}")) + token.Substring(token.IndexOf('.'));
            Assert.AreEqual(TokenCheck.BadSignature, TestTokens.Verify(TestTokens.RsaSettings(TestTokens.OpensslPem), relabelled, TestTokens.Now));
            // HS256 under the EC key's PEM text: never checked against the key; with a secret, only against the secret.
            TokenSettings settings = TestTokens.EcSettings(TestTokens.OpensslEcPem);
            Assert.AreEqual(TokenCheck.AlgorithmRefused, TestTokens.Verify(settings, TestTokens.EcKeyAsSecretToken, TestTokens.Now));
            settings.Secret = Utf8.GetBytes(TestTokens.Secret);
            Assert.AreEqual(TokenCheck.BadSignature, TestTokens.Verify(settings, TestTokens.EcKeyAsSecretToken, TestTokens.Now));
            // ES256 not allowed though its key is set.
            settings.Algorithms = TokenAlgorithms.Hs256;
            Assert.AreEqual(TokenCheck.AlgorithmRefused, TestTokens.Verify(settings, TestTokens.OpensslEs256Token, TestTokens.Now));
        }

        [TestMethod]
        public void Es256_IsAnAlgorithmName()
        {
            Assert.AreEqual(TokenAlgorithms.Es256, TokenAlgorithms.Parse("ES256"));
            Assert.AreEqual(TokenAlgorithms.Hs256 | TokenAlgorithms.Es256, TokenAlgorithms.Parse("HS256, ES256"));
            Assert.AreEqual(-1, TokenAlgorithms.Parse("es256"));
            Assert.AreEqual(-1, TokenAlgorithms.Parse("ES384"));
        }
    }
}
