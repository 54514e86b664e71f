using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Tasks;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MQTTnet;
using MQTTnet.Protocol;
using NanoBroker.Tokens;

namespace NanoBroker.Tests.Integration
{
    /// <summary>
    /// JWT authentication seen from real clients (mosquitto_pub/sub, paho for Python, MQTTnet 3.1.1 and 5.0), with
    /// tokens made by a real JWT library (Microsoft.IdentityModel.JsonWebTokens) and by openssl: the broker accepts
    /// RS256 and HS256 tokens with audience "mqtt", with the host's access control (HostAccess's password file, a
    /// rule file granting devices/%u/#) and --allow-anonymous false.
    /// </summary>
    [TestClass]
    public class TokenAuthTests : MosquittoTest
    {
        private const string Secret = "integration-secret-of-at-least-32-bytes";
        private const string Acl = "pattern readwrite devices/%u/#\npattern read broadcast/#\n";

        private static readonly RSA Rsa = RSA.Create(2048);
        private HostAccess access;

        [TestInitialize]
        public void StartWithTokens()
        {
            access = new HostAccess(Acl, false);
            TokenSettings settings = new TokenSettings();
            settings.Secret = Encoding.UTF8.GetBytes(Secret);
            string problem;
            settings.RsaKey = RsaPublicKey.FromPem(Encoding.UTF8.GetBytes(Rsa.ExportSubjectPublicKeyInfoPem()), 2048, out problem);
            Assert.IsNull(problem);
            settings.Audience = "mqtt";
            settings.SkewSeconds = 0;
            Assert.IsNull(settings.Check());
            StartBroker(null, access.Control, new JwtVerifier(settings));
        }

        [TestCleanup]
        public void RemoveAccessFiles()
        {
            access?.Dispose();
        }

        private static long Now { get { return DateTimeOffset.UtcNow.ToUnixTimeSeconds(); } }

        // A token made by Microsoft.IdentityModel: RS256 under the test's key, or HS256 under the secret.
        private static string Token(string sub, long exp, bool rsa = true, string audience = "mqtt", long notBefore = 0, object acl = null)
        {
            Dictionary<string, object> claims = new Dictionary<string, object> { ["sub"] = sub, ["aud"] = audience, ["exp"] = exp };
            if (notBefore != 0) claims["nbf"] = notBefore;
            if (acl != null) claims["acl"] = acl;
            SigningCredentials credentials = rsa
                ? new SigningCredentials(new RsaSecurityKey(Rsa), SecurityAlgorithms.RsaSha256)
                : new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(Secret)), SecurityAlgorithms.HmacSha256);
            return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor { Claims = claims, SigningCredentials = credentials });
        }

        // An HS256 token made by openssl (its HMAC over the base64url header and claims).
        private static async Task<string> OpensslToken(string claims)
        {
            string script = "b64u() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }\n"
                + "input=\"$(printf '%s' '{\"alg\":\"HS256\",\"typ\":\"JWT\"}' | b64u).$(printf '%s' \"$1\" | b64u)\"\n"
                + "printf '%s.%s' \"$input\" \"$(printf '%s' \"$input\" | openssl dgst -sha256 -mac HMAC -macopt \"key:$2\" -binary | b64u)\"\n";
            using ChildProcess openssl = await ChildProcess.RunAsync(ExitWait, "bash", "-c", script, "token", claims, Secret);
            Assert.AreEqual(0, openssl.ExitCode, openssl.Transcript());
            return openssl.Output.Trim();
        }

        [TestMethod]
        [Timeout(20000)]
        public async Task Mosquitto_LibraryTokensConnectAndTheIdentityIsTheUserOfPatterns()
        {
            using ChildProcess sub = await StartSubAsync("-u", "jwt", "-P", Token("sensor-1", Now + 600), "-t", "devices/sensor-1/#", "-v");
            using ChildProcess pub = await PubAsync("-u", "jwt", "-P", Token("sensor-1", Now + 600, rsa: false), "-t", "devices/sensor-1/t", "-m", "21.5");
            Assert.AreEqual(0, pub.ExitCode, pub.Transcript());
            Assert.AreEqual("devices/sensor-1/t 21.5", await sub.WaitForLineAsync(IsMessageLine, Wait, "sensor-1's message"));
            // Another identity's topic: SUBACK 0x80.
            using ChildProcess other = ChildProcess.Start("stdbuf", SubArgs("-u", "jwt", "-P", Token("sensor-2", Now + 600), "-t", "devices/sensor-1/#", "-W", "3"));
            await other.WaitForExitAsync(ExitWait);
            StringAssert.Contains(other.Error + other.Output, "All subscription requests were denied.", other.Transcript());
        }

        [TestMethod]
        [Timeout(20000)]
        public async Task Mosquitto_ExpiredNotYetValidWrongAudienceAndTamperedTokensGetConnAck5()
        {
            string good = Token("sensor-1", Now + 600);
            string tampered = good.Substring(0, good.IndexOf('.') + 1) + Base64UrlEncoder.Encode("{\"sub\":\"admin\",\"aud\":\"mqtt\",\"exp\":" + (Now + 600) + "}") + good.Substring(good.LastIndexOf('.'));
            string[] bad = { Token("sensor-1", Now - 60), Token("sensor-1", Now + 600, notBefore: Now + 300), Token("sensor-1", Now + 600, audience: "web"), tampered };
            string[] logged = { "expired (exp)", "not yet valid (nbf)", "wrong audience (aud)", "bad signature" };
            for (int i = 0; i < bad.Length; i++)
            {
                using ChildProcess pub = await PubAsync("-u", "jwt", "-P", bad[i], "-t", "devices/sensor-1/t", "-m", "x");
                Assert.AreNotEqual(0, pub.ExitCode, logged[i] + pub.Transcript());
                StringAssert.Contains(pub.Error + pub.Output, "Connection Refused: not authorised", logged[i] + pub.Transcript());
                Assert.IsTrue(Broker.Logged("refused (CONNACK 5): token refused: " + logged[i]), Broker.LogText);
            }
        }

        [TestMethod]
        [Timeout(20000)]
        public async Task Mosquitto_OpensslTokenWithAClaimRuleThatNarrowsTheFile()
        {
            string claims = "{\"sub\":\"sensor-3\",\"aud\":\"mqtt\",\"exp\":" + (Now + 600) + ",\"acl\":{\"sub\":[\"devices/%u/down/#\"]}}";
            string token = await OpensslToken(claims);
            using ChildProcess sub = await StartSubAsync("-u", "jwt", "-P", token, "-t", "devices/sensor-3/down/#", "-v");
            using ChildProcess denied = ChildProcess.Start("stdbuf", SubArgs("-u", "jwt", "-P", token, "-t", "devices/sensor-3/up", "-W", "3"));
            await denied.WaitForExitAsync(ExitWait);
            StringAssert.Contains(denied.Error + denied.Output, "All subscription requests were denied.", denied.Transcript());
        }

        [TestMethod]
        [Timeout(20000)]
        public async Task MqttNet5_ABadTokenGets0x87AndAnExpiringTokenEndsTheConnectionWith0xA0()
        {
            IMqttClient refused = new MqttClientFactory().CreateMqttClient();
            try
            {
                MqttClientOptions options = new MqttClientOptionsBuilder().WithTcpServer(TestBroker.Host, Broker.Port).WithClientId("v5-bad")
                    .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).WithCredentials("jwt", Token("sensor-1", Now - 60)).Build();
                string outcome;
                try
                {
                    outcome = (await refused.ConnectAsync(options, Timeout)).ResultCode.ToString();
                }
                catch (MQTTnet.Adapter.MqttConnectingFailedException e)
                {
                    outcome = e.Message;
                }
                StringAssert.Contains(outcome, "NotAuthorized", "MQTTnet 5.0 with an expired token");
            }
            finally
            {
                refused.Dispose();
            }

            await using MqttNetPeer expiring = await MqttNetPeer.ConnectAsync(Broker, "v5-expiring", configure: b => b
                .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).WithCredentials("jwt", Token("sensor-1", Now + 2)), cancel: Timeout);
            Task finished = await Task.WhenAny(expiring.Disconnected, Task.Delay(TimeSpan.FromSeconds(8)));
            Assert.AreSame(expiring.Disconnected, finished, "the connection ends at exp");
            Assert.AreEqual(MqttClientDisconnectReason.MaximumConnectTime, expiring.Disconnected.Result.Reason);
            Assert.IsTrue(Broker.Logged("token expired"), Broker.LogText);
        }

        [TestMethod]
        [Timeout(20000)]
        public async Task Paho_TokenAcceptedWithRc0AndRefusedWithRc5()
        {
            using ChildProcess paho = await PahoTokenClient.RunAsync(Broker.PortText, "paho-jwt", Token("sensor-1", Now + 600), Token("sensor-1", Now - 600));
            StringAssert.Contains(paho.Output, "CONNACK 0\nCONNACK 5", paho.Transcript());
        }
    }
}
