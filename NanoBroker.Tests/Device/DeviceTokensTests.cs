using System;
using System.IO;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoBroker.Esp32;
using NanoBroker.Tests.Engine.Security;
using NanoBroker.Tokens;

namespace NanoBroker.Tests.Device
{
    /// <summary>How the board sets up token authentication from the token_* keys of I:\nanobroker.ini (hardware/esp32/DeviceTokens.cs).</summary>
    [TestClass]
    public class DeviceTokensTests
    {
        private string folder;

        [TestInitialize]
        public void MakeFolder()
        {
            folder = Path.Combine(Path.GetTempPath(), "nanobroker-tokens-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
        }

        [TestCleanup]
        public void RemoveFolder()
        {
            Directory.Delete(folder, true);
        }

        private DeviceSettings Settings(string ini)
        {
            string path = Path.Combine(folder, "nanobroker.ini");
            File.WriteAllText(path, ini);
            return DeviceSettings.Load(path);
        }

        [TestMethod]
        public void WithoutAKeyFileTokensAreOff()
        {
            Assert.IsNull(DeviceTokens.Load(Settings("token_audience=mqtt\n"), null));
        }

        [TestMethod]
        public void TheKeysSetTheVerifier()
        {
            string secret = Path.Combine(folder, "jwt.secret");
            File.WriteAllText(secret, TestTokens.Secret + "\r\n");
            string pem = Path.Combine(folder, "jwt.pem");
            File.WriteAllText(pem, TestTokens.OpensslPem);
            DeviceSettings settings = Settings("token_secret_file=" + secret + "\ntoken_public_key=" + pem + "\ntoken_audience=mqtt\ntoken_skew=5\n"
                + "token_before_clock=trust\ntoken_username=identity\ntoken_algorithms=HS256,RS256\n");
            Assert.IsNull(settings.Problems, settings.Problems);
            JwtVerifier verifier = DeviceTokens.Load(settings, null);
            Assert.IsNotNull(verifier);
            Assert.AreEqual("mqtt", verifier.Settings.Audience);
            Assert.AreEqual(5, verifier.Settings.SkewSeconds);
            Assert.IsTrue(verifier.Settings.TrustBeforeClockSet);
            Assert.IsTrue(verifier.Settings.UserNameIsIdentity);
            Assert.AreEqual(64, verifier.Settings.MaxClaimRuleBytes);
            byte[] token = System.Text.Encoding.UTF8.GetBytes(TestTokens.OpensslHs256Token);
            Assert.AreEqual(TokenCheck.Valid, verifier.Verify(token, 0, token.Length, TestTokens.Now), "the secret's line break is not part of it");
            token = System.Text.Encoding.UTF8.GetBytes(TestTokens.OpensslRs256Token);
            Assert.AreEqual(TokenCheck.Valid, verifier.Verify(token, 0, token.Length, TestTokens.Now));
        }

        [TestMethod]
        public void AnEcKeyFileSetsEs256()
        {
            // token_public_key takes an EC P-256 key the same way: the key decides the algorithm.
            string pem = Path.Combine(folder, "jwt-ec.pem");
            File.WriteAllText(pem, TestTokens.OpensslEcPem);
            DeviceSettings settings = Settings("token_public_key=" + pem + "\ntoken_audience=mqtt\ntoken_algorithms=ES256\n");
            Assert.IsNull(settings.Problems, settings.Problems);
            JwtVerifier verifier = DeviceTokens.Load(settings, null);
            Assert.IsNotNull(verifier);
            Assert.IsNotNull(verifier.Settings.EcKey);
            Assert.IsNull(verifier.Settings.RsaKey);
            Assert.AreEqual(TokenAlgorithms.Es256, verifier.Settings.Accepted);
            byte[] token = System.Text.Encoding.UTF8.GetBytes(TestTokens.OpensslEs256Token);
            Assert.AreEqual(TokenCheck.Valid, verifier.Verify(token, 0, token.Length, TestTokens.Now));
            Assert.AreEqual(TokenCheck.Expired, verifier.Verify(token, 0, token.Length, 1700003600 + 3600));
            // An RS256 token under the EC key: refused (RFC 8725 section 2.1).
            token = System.Text.Encoding.UTF8.GetBytes(TestTokens.OpensslRs256Token);
            Assert.AreEqual(TokenCheck.AlgorithmRefused, verifier.Verify(token, 0, token.Length, TestTokens.Now));
        }

        [TestMethod]
        public void AnEcKeyWithOnlyRs256AllowedStopsTheBoard()
        {
            string pem = Path.Combine(folder, "jwt-ec.pem");
            File.WriteAllText(pem, TestTokens.OpensslEcPem);
            Exception refused = Assert.ThrowsExactly<Exception>(() => DeviceTokens.Load(Settings("token_public_key=" + pem + "\ntoken_algorithms=RS256\n"), null));
            StringAssert.Contains(refused.Message, "no allowed token algorithm has its key");
        }

        [TestMethod]
        public void AShortSecretOrABadKeyStopsTheBoard()
        {
            string secret = Path.Combine(folder, "jwt.secret");
            File.WriteAllText(secret, "short");
            Assert.ThrowsExactly<Exception>(() => DeviceTokens.Load(Settings("token_secret_file=" + secret + "\n"), null));
            string pem = Path.Combine(folder, "jwt.pem");
            File.WriteAllText(pem, "not a key");
            Assert.ThrowsExactly<Exception>(() => DeviceTokens.Load(Settings("token_public_key=" + pem + "\n"), null));
        }

        [TestMethod]
        public void BadValuesAreReportedAndTheSafeDefaultsKept()
        {
            DeviceSettings settings = Settings("token_before_clock=maybe\ntoken_algorithms=none\n");
            Assert.IsNotNull(settings.Problems);
            Assert.IsFalse(settings.Tokens.TrustBeforeClockSet);
            Assert.AreEqual(TokenAlgorithms.Hs256 | TokenAlgorithms.Rs256 | TokenAlgorithms.Es256, settings.Tokens.Algorithms);
        }
    }
}
