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
    /// JwtVerifier, one check per test: RFC 7515 appendix A.1 (HS256) and A.2 (RS256) as vectors, tokens made by
    /// openssl, and HS256 tokens signed here for each claim (RFC 7519 section 4.1).
    /// </summary>
    [TestClass]
    public class JwtVerifierTests
    {
        // Between RFC 7515's example token's making and its exp (1300819380).
        private const long BeforeRfcExpiry = 1300819000;

        private static TokenSettings Rfc7515A1Settings()
        {
            byte[] key = Utf8.GetBytes(TestTokens.Rfc7515A1Key);
            byte[] secret = new byte[64];
            int n = Base64Url.Decode(key, 0, key.Length, secret, 0, secret.Length);
            Assert.AreEqual(64, n);
            TokenSettings settings = new TokenSettings();
            settings.Secret = secret;
            // The example has no "sub": its issuer stands for the identity.
            settings.IdentityClaim = "iss";
            return settings;
        }

        private static TokenSettings Rfc7515A2Settings()
        {
            TokenSettings settings = TestTokens.RsaSettings(TestTokens.Rfc7515A2Pem);
            settings.IdentityClaim = "iss";
            return settings;
        }

        [TestMethod]
        public void Hs256_Rfc7515A1_Verifies()
        {
            TokenSettings settings = Rfc7515A1Settings();
            Assert.IsNull(settings.Check());
            JwtVerifier verifier = new JwtVerifier(settings);
            byte[] token = Utf8.GetBytes(TestTokens.Rfc7515A1Token);
            Assert.AreEqual(TokenCheck.Valid, verifier.Verify(token, 0, token.Length, BeforeRfcExpiry));
            Assert.AreEqual("joe", Utf8.GetString(verifier.Payload, verifier.IdentityStart, verifier.IdentityLength));
            Assert.AreEqual(1300819380L, verifier.ExpiresAt);
            Assert.AreEqual(-1, verifier.RuleCount);
        }

        [TestMethod]
        public void Hs256_Rfc7515A1_OneSignatureBitChangedIsRefused()
        {
            // The last character of the MAC, 'k' (100100) to 'g' (100000): its first 4 bits are the MAC's last byte's.
            string token = TestTokens.Rfc7515A1Token.Substring(0, TestTokens.Rfc7515A1Token.Length - 1) + "g";
            Assert.AreEqual(TokenCheck.BadSignature, TestTokens.Verify(Rfc7515A1Settings(), token, BeforeRfcExpiry));
            // 'l' (100101) sets one of the 2 bits past the last byte: not canonical base64url, refused as malformed.
            token = TestTokens.Rfc7515A1Token.Substring(0, TestTokens.Rfc7515A1Token.Length - 1) + "l";
            Assert.AreEqual(TokenCheck.Malformed, TestTokens.Verify(Rfc7515A1Settings(), token, BeforeRfcExpiry));
        }

        [TestMethod]
        public void Hs256_Rfc7515A1_UnderAnotherSecretIsRefused()
        {
            Assert.AreEqual(TokenCheck.BadSignature, TestTokens.Verify(TestTokens.HmacSettings(), TestTokens.Rfc7515A1Token, BeforeRfcExpiry));
        }

        [TestMethod]
        public void Rs256_Rfc7515A2_Verifies()
        {
            TokenSettings settings = Rfc7515A2Settings();
            Assert.IsNull(settings.Check());
            Assert.AreEqual(2048, settings.RsaKey.Bits);
            Assert.AreEqual(TokenCheck.Valid, TestTokens.Verify(settings, TestTokens.Rfc7515A2Token, BeforeRfcExpiry));
        }

        [TestMethod]
        public void Rs256_Rfc7515A2_UnderThePkcs1FormOfTheKey()
        {
            TokenSettings settings = TestTokens.RsaSettings(TestTokens.Rfc7515A2Pkcs1Pem);
            settings.IdentityClaim = "iss";
            Assert.AreEqual(TokenCheck.Valid, TestTokens.Verify(settings, TestTokens.Rfc7515A2Token, BeforeRfcExpiry));
        }

        [TestMethod]
        public void Rs256_Rfc7515A2_OtherClaimsUnderItsSignatureAreRefused()
        {
            // RFC 7515 section 5.2: the signature covers the encoded header and payload; "joe" becomes "jon".
            string token = TestTokens.Rfc7515A2Token;
            int first = token.IndexOf('.');
            int second = token.IndexOf('.', first + 1);
            string payload = TestTokens.Encode(Utf8.GetBytes("{\"iss\":\"jon\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}"));
            string tampered = token.Substring(0, first + 1) + payload + token.Substring(second);
            Assert.AreEqual(TokenCheck.BadSignature, TestTokens.Verify(Rfc7515A2Settings(), tampered, BeforeRfcExpiry));
        }

        [TestMethod]
        public void Rs256_Rfc7515A2_UnderAnotherKeyIsRefused()
        {
            TokenSettings settings = TestTokens.RsaSettings(TestTokens.OpensslPem);
            settings.IdentityClaim = "iss";
            Assert.AreEqual(TokenCheck.BadSignature, TestTokens.Verify(settings, TestTokens.Rfc7515A2Token, BeforeRfcExpiry));
        }

        [TestMethod]
        public void Rs256_OpensslToken_VerifiesWithItsClaims()
        {
            TokenSettings settings = TestTokens.RsaSettings(TestTokens.OpensslPem);
            settings.Issuer = "https://issuer.example";
            settings.Audience = "mqtt";
            JwtVerifier verifier = new JwtVerifier(settings);
            byte[] token = Utf8.GetBytes(TestTokens.OpensslRs256Token);
            Assert.AreEqual(TokenCheck.Valid, verifier.Verify(token, 0, token.Length, TestTokens.Now));
            Assert.AreEqual("device-7", Utf8.GetString(verifier.Payload, verifier.IdentityStart, verifier.IdentityLength));
            Assert.AreEqual(1700003600L, verifier.ExpiresAt);
            Assert.AreEqual(2, verifier.RuleCount);
            Assert.AreEqual(AccessRight.Write, verifier.RuleRights[0]);
            Assert.AreEqual("devices/%u/up", Utf8.GetString(verifier.Payload, verifier.RuleStart[0], verifier.RuleLength[0]));
            Assert.AreEqual(AccessRight.Read, verifier.RuleRights[1]);
            Assert.AreEqual("devices/%u/down/#", Utf8.GetString(verifier.Payload, verifier.RuleStart[1], verifier.RuleLength[1]));
        }

        [TestMethod]
        public void Hs256_OpensslToken_Verifies()
        {
            TokenSettings settings = TestTokens.HmacSettings();
            settings.Audience = "mqtt";
            Assert.AreEqual(TokenCheck.Valid, TestTokens.Verify(settings, TestTokens.OpensslHs256Token, TestTokens.Now));
        }

        [TestMethod]
        public void AlgorithmConfusion_PublicKeyTextAsAnHs256SecretIsRefused()
        {
            // RFC 8725 section 2.1: with only the RSA key set, an HS256 token is never checked against it.
            TokenSettings settings = TestTokens.RsaSettings(TestTokens.OpensslPem);
            Assert.AreEqual(TokenCheck.AlgorithmRefused, TestTokens.Verify(settings, TestTokens.PublicKeyAsSecretToken, TestTokens.Now));
            // Both algorithms allowed, but the secret is another: still the HMAC under the configured secret only.
            settings.Secret = Utf8.GetBytes(TestTokens.Secret);
            Assert.AreEqual(TokenCheck.BadSignature, TestTokens.Verify(settings, TestTokens.PublicKeyAsSecretToken, TestTokens.Now));
        }

        [TestMethod]
        public void AlgorithmNotAllowedIsRefusedThoughItsKeyIsSet()
        {
            TokenSettings settings = TestTokens.HmacSettings();
            settings.RsaKey = TestTokens.Key(TestTokens.OpensslPem);
            settings.Algorithms = TokenAlgorithms.Rs256;
            Assert.AreEqual(TokenCheck.AlgorithmRefused, TestTokens.Verify(settings, TestTokens.OpensslHs256Token, TestTokens.Now));
        }

        [TestMethod]
        public void AlgNone_Rfc7518Section3_6_IsRefused()
        {
            string token = TestTokens.Encode(Utf8.GetBytes("{\"alg\":\"none\"}")) + "." + TestTokens.Encode(Utf8.GetBytes("{\"sub\":\"x\",\"exp\":1700003600}")) + ".";
            Assert.AreEqual(TokenCheck.AlgorithmRefused, TestTokens.Verify(TestTokens.HmacSettings(), token, TestTokens.Now));
            Assert.AreEqual(-1, TokenAlgorithms.Parse("HS256,none"));
        }

        [TestMethod]
        public void CriticalHeader_Rfc7515Section4_1_11_IsRefused()
        {
            string token = TestTokens.Hs256("{\"alg\":\"HS256\",\"crit\":[\"exp\"],\"exp\":1}", "{\"sub\":\"x\",\"exp\":1700003600}", TestTokens.Secret);
            Assert.AreEqual(TokenCheck.AlgorithmRefused, TestTokens.Verify(TestTokens.HmacSettings(), token, TestTokens.Now));
        }

        [TestMethod]
        public void Exp_Rfc7519Section4_1_4_ExpiredOnceTheSkewHasPassed()
        {
            TokenSettings settings = TestTokens.HmacSettings();
            settings.SkewSeconds = 30;
            string token = TestTokens.Hs256("{\"sub\":\"x\",\"exp\":1700000000}");
            Assert.AreEqual(TokenCheck.Valid, TestTokens.Verify(settings, token, 1700000029));
            Assert.AreEqual(TokenCheck.Expired, TestTokens.Verify(settings, token, 1700000030));
        }

        [TestMethod]
        public void Exp_Missing_IsRefused()
        {
            Assert.AreEqual(TokenCheck.NoExpiry, TestTokens.Verify(TestTokens.HmacSettings(), TestTokens.Hs256("{\"sub\":\"x\"}"), TestTokens.Now));
        }

        [TestMethod]
        public void Exp_WithAFraction_Rfc7519Section2_NumericDate()
        {
            TokenSettings settings = TestTokens.HmacSettings();
            settings.SkewSeconds = 0;
            string token = TestTokens.Hs256("{\"sub\":\"x\",\"exp\":1700000000.75}");
            Assert.AreEqual(TokenCheck.Valid, TestTokens.Verify(settings, token, 1699999999));
            Assert.AreEqual(TokenCheck.Expired, TestTokens.Verify(settings, token, 1700000000));
        }

        [TestMethod]
        public void Exp_GivenTwice_IsRefused()
        {
            string token = TestTokens.Hs256("{\"sub\":\"x\",\"exp\":1,\"exp\":1800000000}");
            Assert.AreEqual(TokenCheck.Malformed, TestTokens.Verify(TestTokens.HmacSettings(), token, TestTokens.Now));
        }

        [TestMethod]
        public void Nbf_Rfc7519Section4_1_5_NotYetValidBeyondTheSkew()
        {
            TokenSettings settings = TestTokens.HmacSettings();
            settings.SkewSeconds = 30;
            string token = TestTokens.Hs256("{\"sub\":\"x\",\"nbf\":1700000100,\"exp\":1700003600}");
            Assert.AreEqual(TokenCheck.NotYetValid, TestTokens.Verify(settings, token, 1700000069));
            Assert.AreEqual(TokenCheck.Valid, TestTokens.Verify(settings, token, 1700000070));
        }

        [TestMethod]
        public void Iss_Rfc7519Section4_1_1_MustBeTheConfiguredIssuer()
        {
            TokenSettings settings = TestTokens.HmacSettings();
            settings.Issuer = "https://issuer.example";
            // JSON may escape '/' (RFC 8259 section 7): the unescaped value is compared.
            Assert.AreEqual(TokenCheck.Valid, TestTokens.Verify(settings, TestTokens.Hs256("{\"sub\":\"x\",\"iss\":\"https:\\/\\/issuer.example\",\"exp\":1700003600}"), TestTokens.Now));
            Assert.AreEqual(TokenCheck.WrongIssuer, TestTokens.Verify(settings, TestTokens.Hs256("{\"sub\":\"x\",\"iss\":\"https://other.example\",\"exp\":1700003600}"), TestTokens.Now));
            Assert.AreEqual(TokenCheck.WrongIssuer, TestTokens.Verify(settings, TestTokens.Hs256("{\"sub\":\"x\",\"exp\":1700003600}"), TestTokens.Now));
        }

        [TestMethod]
        public void Aud_Rfc7519Section4_1_3_AStringOrAnArrayHoldingTheAudience()
        {
            TokenSettings settings = TestTokens.HmacSettings();
            settings.Audience = "mqtt";
            Assert.AreEqual(TokenCheck.Valid, TestTokens.Verify(settings, TestTokens.Hs256("{\"sub\":\"x\",\"aud\":\"mqtt\",\"exp\":1700003600}"), TestTokens.Now));
            Assert.AreEqual(TokenCheck.Valid, TestTokens.Verify(settings, TestTokens.Hs256("{\"sub\":\"x\",\"aud\":[\"web\",\"mqtt\"],\"exp\":1700003600}"), TestTokens.Now));
            Assert.AreEqual(TokenCheck.WrongAudience, TestTokens.Verify(settings, TestTokens.Hs256("{\"sub\":\"x\",\"aud\":[\"web\"],\"exp\":1700003600}"), TestTokens.Now));
            Assert.AreEqual(TokenCheck.WrongAudience, TestTokens.Verify(settings, TestTokens.Hs256("{\"sub\":\"x\",\"aud\":\"mqtt2\",\"exp\":1700003600}"), TestTokens.Now));
            Assert.AreEqual(TokenCheck.WrongAudience, TestTokens.Verify(settings, TestTokens.Hs256("{\"sub\":\"x\",\"exp\":1700003600}"), TestTokens.Now));
        }

        [TestMethod]
        public void Aud_NotCheckedWhenNoneIsConfigured()
        {
            Assert.AreEqual(TokenCheck.Valid, TestTokens.Verify(TestTokens.HmacSettings(), TestTokens.Hs256("{\"sub\":\"x\",\"aud\":\"anything\",\"exp\":1700003600}"), TestTokens.Now));
        }

        [TestMethod]
        public void Identity_TheConfiguredClaimMustBeANonEmptyString()
        {
            TokenSettings settings = TestTokens.HmacSettings();
            Assert.AreEqual(TokenCheck.NoIdentity, TestTokens.Verify(settings, TestTokens.Hs256("{\"exp\":1700003600}"), TestTokens.Now));
            Assert.AreEqual(TokenCheck.NoIdentity, TestTokens.Verify(settings, TestTokens.Hs256("{\"sub\":\"\",\"exp\":1700003600}"), TestTokens.Now));
            Assert.AreEqual(TokenCheck.NoIdentity, TestTokens.Verify(settings, TestTokens.Hs256("{\"sub\":7,\"exp\":1700003600}"), TestTokens.Now));
            settings.IdentityClaim = "client";
            JwtVerifier verifier = new JwtVerifier(settings);
            byte[] token = Utf8.GetBytes(TestTokens.Hs256("{\"sub\":\"x\",\"client\":\"caf\\u00e9\",\"exp\":1700003600}"));
            Assert.AreEqual(TokenCheck.Valid, verifier.Verify(token, 0, token.Length, TestTokens.Now));
            Assert.AreEqual("caf\u00e9", Utf8.GetString(verifier.Payload, verifier.IdentityStart, verifier.IdentityLength));
        }

        [TestMethod]
        public void ClockNotSet_RefusedByDefault_AcceptedWhenTrusted()
        {
            TokenSettings settings = TestTokens.HmacSettings();
            string token = TestTokens.Hs256("{\"sub\":\"x\",\"exp\":1000}");
            Assert.AreEqual(TokenCheck.ClockNotSet, TestTokens.Verify(settings, token, JwtVerifier.ClockNotSet));
            settings.TrustBeforeClockSet = true;
            Assert.AreEqual(TokenCheck.Valid, TestTokens.Verify(settings, token, JwtVerifier.ClockNotSet));
            // The signature is checked all the same.
            Assert.AreEqual(TokenCheck.BadSignature, TestTokens.Verify(settings, TestTokens.Hs256("{\"alg\":\"HS256\"}", "{\"sub\":\"x\",\"exp\":1000}", "another-secret-of-at-least-32-bytes"), JwtVerifier.ClockNotSet));
        }

        [TestMethod]
        public void Rules_TheAclClaimInEmqxObjectForm()
        {
            JwtVerifier verifier = new JwtVerifier(TestTokens.HmacSettings());
            byte[] token = Utf8.GetBytes(TestTokens.Hs256("{\"sub\":\"x\",\"exp\":1700003600,\"acl\":{\"all\":[\"a/#\"],\"pub\":[],\"sub\":[\"b/+\",\"c\"]}}"));
            Assert.AreEqual(TokenCheck.Valid, verifier.Verify(token, 0, token.Length, TestTokens.Now));
            Assert.AreEqual(3, verifier.RuleCount);
            Assert.AreEqual(AccessRight.ReadWrite, verifier.RuleRights[0]);
            Assert.AreEqual(AccessRight.Read, verifier.RuleRights[2]);
            Assert.AreEqual("c", Utf8.GetString(verifier.Payload, verifier.RuleStart[2], verifier.RuleLength[2]));
        }

        [TestMethod]
        public void Rules_InvalidFiltersUnknownListsOrTooManyAreRefused()
        {
            TokenSettings settings = TestTokens.HmacSettings();
            settings.MaxClaimRules = 2;
            Assert.AreEqual(TokenCheck.BadRules, TestTokens.Verify(settings, TestTokens.Hs256("{\"sub\":\"x\",\"exp\":1700003600,\"acl\":{\"pub\":[\"a/#/b\"]}}"), TestTokens.Now));
            Assert.AreEqual(TokenCheck.BadRules, TestTokens.Verify(settings, TestTokens.Hs256("{\"sub\":\"x\",\"exp\":1700003600,\"acl\":{\"deny\":[\"a\"]}}"), TestTokens.Now));
            Assert.AreEqual(TokenCheck.BadRules, TestTokens.Verify(settings, TestTokens.Hs256("{\"sub\":\"x\",\"exp\":1700003600,\"acl\":{\"pub\":[\"a\",\"b\",\"c\"]}}"), TestTokens.Now));
            Assert.AreEqual(TokenCheck.BadRules, TestTokens.Verify(settings, TestTokens.Hs256("{\"sub\":\"x\",\"exp\":1700003600,\"acl\":[\"a\"]}"), TestTokens.Now));
        }

        [TestMethod]
        public void Malformed_Rfc7515Section7_1_CompactSerialization()
        {
            TokenSettings settings = TestTokens.HmacSettings();
            string good = TestTokens.OpensslHs256Token;
            Assert.AreEqual(TokenCheck.Malformed, TestTokens.Verify(settings, good.Substring(0, good.LastIndexOf('.')), TestTokens.Now));
            Assert.AreEqual(TokenCheck.Malformed, TestTokens.Verify(settings, good + ".x", TestTokens.Now));
            // Padding, and base64's own letters, are not base64url (RFC 7515 section 2).
            Assert.AreEqual(TokenCheck.Malformed, TestTokens.Verify(settings, good + "=", TestTokens.Now));
            Assert.AreEqual(TokenCheck.Malformed, TestTokens.Verify(settings, "+" + good.Substring(1), TestTokens.Now));
            Assert.AreEqual(TokenCheck.Malformed, TestTokens.Verify(settings, "", TestTokens.Now));
            Assert.AreEqual(TokenCheck.Malformed, TestTokens.Verify(settings, TestTokens.Hs256("{\"sub\":\"x\",\"exp\":1700003600"), TestTokens.Now));
            Assert.AreEqual(TokenCheck.Malformed, TestTokens.Verify(settings, TestTokens.Hs256("{\"sub\":\"x\",\"exp\":1700003600} x"), TestTokens.Now));
        }

        [TestMethod]
        public void Settings_Rfc7518Section3_2_ShortSecretsAndKeylessAlgorithmsAreRejected()
        {
            TokenSettings settings = new TokenSettings();
            Assert.IsNotNull(settings.Check());
            settings.Secret = new byte[31];
            Assert.IsNotNull(settings.Check());
            settings.Secret = new byte[32];
            Assert.IsNull(settings.Check());
            settings.Algorithms = TokenAlgorithms.Rs256;
            Assert.IsNotNull(settings.Check());
        }
    }
}
