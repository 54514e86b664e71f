using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Threading.Tasks;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoBroker.Host;

namespace NanoBroker.Tests.Integration
{
    /// <summary>
    /// ES256 (RFC 7518 section 3.4) seen from real clients (mosquitto_pub/sub, paho for Python): the broker's verifier
    /// is built by the host's TokenLoader from `--token-public-key` naming an EC P-256 key (PEM), as the command line
    /// builds it; tokens are made by Microsoft.IdentityModel.JsonWebTokens (ECDsaSecurityKey, EcdsaSha256) and by
    /// openssl (whose DER signature is turned into R || S).
    /// </summary>
    [TestClass]
    public class Es256TokenAuthTests : MosquittoTest
    {
        private const string Acl = "pattern readwrite devices/%u/#\n";

        private static readonly ECDsa Ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        private HostAccess access;
        private string folder;

        [TestInitialize]
        public void StartWithAnEcKey()
        {
            folder = Path.Combine(Path.GetTempPath(), "nanobroker-es256-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, "jwt.pem"), Ec.ExportSubjectPublicKeyInfoPem());
            File.WriteAllText(Path.Combine(folder, "jwt.key"), Ec.ExportPkcs8PrivateKeyPem());
            access = new HostAccess(Acl, false);
            CommandLine settings = CommandLine.Parse(new[]
            {
                "--token-public-key", Path.Combine(folder, "jwt.pem"), "--token-audience", "mqtt", "--token-skew", "0",
            });
            NanoBroker.Tokens.JwtVerifier verifier = TokenLoader.Load(settings);
            Assert.IsNotNull(verifier.Settings.EcKey, "the EC key sets ES256");
            Assert.IsNull(verifier.Settings.RsaKey);
            StartBroker(null, access.Control, verifier);
        }

        [TestCleanup]
        public void RemoveFiles()
        {
            access?.Dispose();
            if (folder != null)
            {
                Directory.Delete(folder, true);
            }
        }

        private static long Now { get { return DateTimeOffset.UtcNow.ToUnixTimeSeconds(); } }

        // An ES256 token made by Microsoft.IdentityModel under the test's key.
        private static string Token(string sub, long exp)
        {
            Dictionary<string, object> claims = new Dictionary<string, object> { ["sub"] = sub, ["aud"] = "mqtt", ["exp"] = exp };
            SigningCredentials credentials = new SigningCredentials(new ECDsaSecurityKey(Ec), SecurityAlgorithms.EcdsaSha256);
            return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor { Claims = claims, SigningCredentials = credentials });
        }

        // An ES256 token made by openssl: `openssl dgst -sha256 -sign` gives DER (SEQUENCE { INTEGER r, INTEGER s });
        // asn1parse prints r and s in hex, each padded to 32 bytes for R || S.
        private async Task<string> OpensslToken(string claims)
        {
            string script = "b64u() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }\n"
                + "input=\"$(printf '%s' '{\"alg\":\"ES256\",\"typ\":\"JWT\"}' | b64u).$(printf '%s' \"$1\" | b64u)\"\n"
                + "der=$(printf '%s' \"$input\" | openssl dgst -sha256 -sign \"$2\" -binary | openssl asn1parse -inform DER | awk -F: '/INTEGER/ {print $NF}')\n"
                + "sig=$(for v in $der; do printf '%064s' \"$v\" | tr ' ' 0; done | xxd -r -p | b64u)\n"
                + "printf '%s.%s' \"$input\" \"$sig\"\n";
            using ChildProcess openssl = await ChildProcess.RunAsync(ExitWait, "bash", "-c", script, "token", claims, Path.Combine(folder, "jwt.key"));
            Assert.AreEqual(0, openssl.ExitCode, openssl.Transcript());
            return openssl.Output.Trim();
        }

        [TestMethod]
        [Timeout(20000)]
        public async Task Mosquitto_LibraryAndOpensslEs256TokensConnect()
        {
            string opensslToken = await OpensslToken("{\"sub\":\"sensor-9\",\"aud\":\"mqtt\",\"exp\":" + (Now + 600) + "}");
            Assert.AreEqual(86, opensslToken.Length - opensslToken.LastIndexOf('.') - 1, "64 bytes of R || S in base64url: " + opensslToken);
            using ChildProcess sub = await StartSubAsync("-u", "jwt", "-P", Token("sensor-9", Now + 600), "-t", "devices/sensor-9/#", "-v");
            using ChildProcess pub = await PubAsync("-u", "jwt", "-P", opensslToken, "-t", "devices/sensor-9/t", "-m", "es256");
            Assert.AreEqual(0, pub.ExitCode, pub.Transcript());
            Assert.AreEqual("devices/sensor-9/t es256", await sub.WaitForLineAsync(IsMessageLine, Wait, "sensor-9's message"));
        }

        [TestMethod]
        [Timeout(20000)]
        public async Task Mosquitto_ExpiredTamperedAndOtherAlgorithmTokensGetConnAck5()
        {
            string good = Token("sensor-9", Now + 600);
            string tampered = good.Substring(0, good.IndexOf('.') + 1) + Base64UrlEncoder.Encode("{\"sub\":\"admin\",\"aud\":\"mqtt\",\"exp\":" + (Now + 600) + "}") + good.Substring(good.LastIndexOf('.'));
            // An HS256 token whose secret is the EC public key's PEM text (RFC 8725 section 2.1).
            byte[] pem = File.ReadAllBytes(Path.Combine(folder, "jwt.pem"));
            string confused = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
            {
                Claims = new Dictionary<string, object> { ["sub"] = "sensor-9", ["aud"] = "mqtt", ["exp"] = Now + 600 },
                SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(pem), SecurityAlgorithms.HmacSha256),
            });
            string[] bad = { Token("sensor-9", Now - 60), tampered, confused };
            string[] logged = { "expired (exp)", "bad signature", "algorithm not accepted" };
            for (int i = 0; i < bad.Length; i++)
            {
                using ChildProcess pub = await PubAsync("-u", "jwt", "-P", bad[i], "-t", "devices/sensor-9/t", "-m", "x");
                Assert.AreNotEqual(0, pub.ExitCode, logged[i] + pub.Transcript());
                StringAssert.Contains(pub.Error + pub.Output, "Connection Refused: not authorised", logged[i] + pub.Transcript());
                Assert.IsTrue(Broker.Logged("refused (CONNACK 5): token refused: " + logged[i]), Broker.LogText);
            }
        }

        [TestMethod]
        [Timeout(20000)]
        public async Task Paho_Es256TokenAcceptedWithRc0AndExpiredRefusedWithRc5()
        {
            using ChildProcess paho = await PahoTokenClient.RunAsync(Broker.PortText, "paho-es256", Token("sensor-9", Now + 600), Token("sensor-9", Now - 600));
            StringAssert.Contains(paho.Output, "CONNACK 0\nCONNACK 5", paho.Transcript());
        }
    }
}
