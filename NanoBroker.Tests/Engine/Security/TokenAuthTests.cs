#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;
using NanoBroker.Tests.Engine.Harness;
using NanoBroker.Tests.Engine.Mqtt5;
using NanoBroker.Tokens;

namespace NanoBroker.Tests.Engine.Security
{
    /// <summary>
    /// Token authentication in the broker: a JWT in CONNECT's password field for a user name the password file does
    /// not have; its identity as the user for %u rules and session ownership, its rules claim with the rule file (both
    /// must allow), CONNACK 5 / 0x87 for any bad token, and the connection's end at exp (5.0: DISCONNECT 0xA0).
    /// </summary>
    [TestClass]
    public class TokenAuthTests
    {
        private const string Rules = "pattern readwrite devices/%u/#\npattern read broadcast/#\n";

        private static TestBroker Start(TokenSettings settings)
        {
            return Start(settings, Rules);
        }

        private static TestBroker Start(TokenSettings settings, string rules)
        {
            TestBroker b = new TestBroker();
            b.Broker.Access = TestAccess.Make(rules, false);
            b.Broker.Tokens = new JwtVerifier(settings);
            b.Broker.SetUnixTime(TestTokens.Now * 1000, b.Clock.Now);
            return b;
        }

        private static byte[] Connect(string clientId, string user, string token)
        {
            return TestAccess.Connect(clientId, true, user, token);
        }

        private static string Token(string sub, long exp)
        {
            return TestTokens.Hs256("{\"sub\":\"" + sub + "\",\"exp\":" + exp + "}");
        }

        [TestMethod]
        public void AValidTokenConnectsAndItsIdentityIsTheUserOfPatterns()
        {
            TestBroker b = Start(TestTokens.HmacSettings());
            b.ConnectExpecting(Connect("c1", "jwt", Token("sensor-1", TestTokens.Now + 3600)), ConnectReturnCode.Accepted);
            TestClient c = b.Connect(Connect("c2", "jwt", Token("sensor-1", TestTokens.Now + 3600)));
            b.Subscribe(c, "devices/sensor-1/#", 0);
            c.Subscribe(78, "devices/sensor-2/#", 0);
            Packet suback = c.Read();
            Assert.AreEqual(0x80, (int)suback.ReturnCodes[0]);
        }

        [TestMethod]
        public void BadTokensAreRefusedWithConnAck5WhateverTheCheck_MQTT_3_2_2_3()
        {
            TestBroker b = Start(TestTokens.HmacSettings());
            b.ConnectExpecting(Connect("c1", "jwt", Token("x", TestTokens.Now - 3600)), ConnectReturnCode.NotAuthorized);
            b.ConnectExpecting(Connect("c1", "jwt", TestTokens.Hs256("{\"alg\":\"HS256\"}", "{\"sub\":\"x\",\"exp\":1800000000}", "another-secret-of-at-least-32-bytes")), ConnectReturnCode.NotAuthorized);
            b.ConnectExpecting(Connect("c1", "jwt", "not a token"), ConnectReturnCode.NotAuthorized);
            Assert.AreEqual(3, (int)b.Stats.ConnectionsRefused);
        }

        [TestMethod]
        public void APasswordFileUserIsCheckedByItsPasswordNotAsAToken()
        {
            TestBroker b = Start(TestTokens.HmacSettings());
            b.ConnectExpecting(TestAccess.Connect("c1", true, "alice", "secret"), ConnectReturnCode.Accepted);
            b.ConnectExpecting(Connect("c2", "alice", Token("alice", TestTokens.Now + 3600)), ConnectReturnCode.BadUserNameOrPassword);
        }

        [TestMethod]
        public void UserNameMustBeTheIdentityWhenConfigured()
        {
            TokenSettings settings = TestTokens.HmacSettings();
            settings.UserNameIsIdentity = true;
            TestBroker b = Start(settings);
            b.ConnectExpecting(Connect("c1", "sensor-2", Token("sensor-1", TestTokens.Now + 3600)), ConnectReturnCode.NotAuthorized);
            b.ConnectExpecting(Connect("c1", "sensor-1", Token("sensor-1", TestTokens.Now + 3600)), ConnectReturnCode.Accepted);
        }

        [TestMethod]
        public void RulesClaimAndRuleFileMustBothAllow()
        {
            TestBroker b = Start(TestTokens.HmacSettings());
            string token = TestTokens.Hs256("{\"sub\":\"s1\",\"exp\":" + (TestTokens.Now + 3600) + ",\"acl\":{\"sub\":[\"devices/%u/down/#\",\"elsewhere/#\"]}}");
            TestClient c = b.Connect(Connect("c1", "jwt", token));
            b.Subscribe(c, "devices/s1/down/#", 0);
            // The file grants devices/s1/up, the claim does not; the claim grants elsewhere/#, the file does not.
            int[] refused = { 0, 0 };
            c.Subscribe(79, "devices/s1/up", 0);
            refused[0] = c.Read().ReturnCodes[0];
            c.Subscribe(80, "elsewhere/#", 0);
            refused[1] = c.Read().ReturnCodes[0];
            Assert.AreEqual(0x80, refused[0]);
            Assert.AreEqual(0x80, refused[1]);
        }

        [TestMethod]
        public void ASessionBelongsToTheTokenIdentity()
        {
            TestBroker b = Start(TestTokens.HmacSettings());
            b.Connect(Connect("dev1", "jwt", Token("s1", TestTokens.Now + 3600)));
            b.ConnectExpecting(Connect("dev1", "jwt", Token("s2", TestTokens.Now + 3600)), ConnectReturnCode.NotAuthorized);
            b.ConnectExpecting(Connect("dev1", "jwt", Token("s1", TestTokens.Now + 3600)), ConnectReturnCode.Accepted);
        }

        [TestMethod]
        public void IdentitiesNoSessionHoldsAnyMoreMakeRoomForNewOnes()
        {
            // A fleet: more identities over time than the table's MaxSessions + MaxClients (16 + 10), a few at once.
            TestBroker b = Start(TestTokens.HmacSettings());
            TestClient kept = b.Connect(TestAccess.Connect("kept", false, "jwt", Token("dev-kept", TestTokens.Now + 3600)));
            for (int i = 0; i < 60; i++)
            {
                TestClient c = b.Connect(Connect("c" + i, "jwt", Token("dev-" + i, TestTokens.Now + 3600)));
                b.Subscribe(c, "devices/dev-" + i + "/#", 0);
                c.Disconnect();
                c.Drop();
            }
            kept.Drop();
            // The persistent session's identity was held throughout: it is still its owner's.
            b.ConnectExpecting(TestAccess.Connect("kept", false, "jwt", Token("dev-0", TestTokens.Now + 3600)), ConnectReturnCode.NotAuthorized);
            b.Connect(TestAccess.Connect("kept", false, "jwt", Token("dev-kept", TestTokens.Now + 3600)));
        }

        [TestMethod]
        public void ATokenWhoseIdentityIsAPasswordFileUserIsRefused()
        {
            // One name, one identity: alice's sessions are alice's whichever way she is recorded.
            TestBroker b = Start(TestTokens.HmacSettings());
            b.ConnectExpecting(Connect("c1", "jwt", Token("alice", TestTokens.Now + 3600)), ConnectReturnCode.NotAuthorized);
        }

        [TestMethod]
        public void ANewTokensNarrowerRulesApplyToSubscriptionsMadeUnderAnEarlierOne()
        {
            // The rule file lets everyone read and write devices/#: the claims alone narrow it.
            TestBroker b = Start(TestTokens.HmacSettings(), "pattern readwrite devices/#\n");
            TestClient publisher = b.Connect(Connect("pub", "jwt", Token("p1", TestTokens.Now + 3600)));
            string wide = TestTokens.Hs256("{\"sub\":\"s1\",\"exp\":" + (TestTokens.Now + 3600) + ",\"acl\":{\"sub\":[\"devices/%u/#\"]}}");
            TestClient c = b.Connect(TestAccess.Connect("dev1", false, "jwt", wide));
            b.Subscribe(c, "devices/s1/cmd", 0);
            c.Drop();
            string narrow = TestTokens.Hs256("{\"sub\":\"s1\",\"exp\":" + (TestTokens.Now + 3600) + ",\"acl\":{\"sub\":[\"devices/%u/status\"]}}");
            c = b.Connect(TestAccess.Connect("dev1", false, "jwt", narrow));
            publisher.Publish("devices/s1/cmd", "reboot", 0, false, 0);
            Assert.IsNull(c.Read(), "the latest token does not grant devices/s1/cmd");
            c.Drop();
            c = b.Connect(TestAccess.Connect("dev1", false, "jwt", wide));
            publisher.Publish("devices/s1/cmd", "reboot", 0, false, 0);
            Expect.Publish(c.Read(), "devices/s1/cmd", "reboot", 0, false);
        }

        [TestMethod]
        public void Mqtt311_TheConnectionClosesAtExp()
        {
            TokenSettings settings = TestTokens.HmacSettings();
            settings.SkewSeconds = 0;
            TestBroker b = Start(settings);
            TestClient c = b.Connect(Connect("c1", "jwt", Token("s1", TestTokens.Now + 10)));
            b.Tick(9000);
            Assert.IsFalse(c.IsClosing);
            b.Tick(1000);
            Assert.IsTrue(c.IsClosing);
            Assert.IsNull(c.Read(), "3.1.1 has no DISCONNECT from the server");
        }

        [TestMethod]
        public void Mqtt5_DisconnectWithMaximumConnectTimeAtExp()
        {
            TokenSettings settings = TestTokens.HmacSettings();
            settings.SkewSeconds = 0;
            TestBroker b = Start(settings);
            TestClient c = b.Open();
            c.Send(V5Packets.Connect("c1", true, 0, null, null, null, 0, false, null, "jwt", Utf8.GetBytes(Token("s1", TestTokens.Now + 10))));
            V5Clients.ExpectConnAck(c.Read5(), ReasonCode.Success);
            b.Tick(10000);
            V5Clients.ExpectDisconnect(c, ReasonCode.MaximumConnectTime);
        }

        [TestMethod]
        public void Mqtt5_ABadTokenIsRefusedWith0x87()
        {
            TestBroker b = Start(TestTokens.HmacSettings());
            TestClient c = b.Open();
            c.Send(V5Packets.Connect("c1", true, 0, null, null, null, 0, false, null, "jwt", Utf8.GetBytes(Token("s1", TestTokens.Now - 100))));
            V5Clients.ExpectConnAck(c.Read5(), ReasonCode.NotAuthorized);
        }

        [TestMethod]
        public void BeforeTheClockIsSetTokensAreRefusedUnlessTrusted()
        {
            TestBroker b = new TestBroker();
            b.Broker.Access = TestAccess.Make(Rules, false);
            b.Broker.Tokens = new JwtVerifier(TestTokens.HmacSettings());
            b.ConnectExpecting(Connect("c1", "jwt", Token("s1", TestTokens.Now + 3600)), ConnectReturnCode.NotAuthorized);

            TokenSettings trusting = TestTokens.HmacSettings();
            trusting.TrustBeforeClockSet = true;
            trusting.SkewSeconds = 0;
            TestBroker t = new TestBroker();
            t.Broker.Access = TestAccess.Make(Rules, false);
            t.Broker.Tokens = new JwtVerifier(trusting);
            TestClient c = t.Connect(Connect("c1", "jwt", Token("s1", TestTokens.Now + 10)));
            // The clock is set later (SNTP): the token turns out expired and the connection ends.
            t.Broker.SetUnixTime((TestTokens.Now + 11) * 1000, t.Clock.Now);
            t.Tick(1);
            Assert.IsTrue(c.IsClosing);
        }
    }
}
