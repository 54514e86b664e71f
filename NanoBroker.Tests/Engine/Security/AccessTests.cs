#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;
using NanoBroker.Security;
using NanoBroker.Tests.Engine.Harness;

namespace NanoBroker.Tests.Engine.Security
{
    /// <summary>Authentication (CONNACK 4 and 5), access rules (SUBACK 0x80, dropped PUBLISH) and their files.</summary>
    [TestClass]
    public class AccessTests
    {
        private const string Rules =
            "# anonymous clients\n" +
            "topic read public/#\n" +
            "user alice\n" +
            "topic readwrite home/#\n" +
            "topic read sensors/+/temperature\n" +
            "user bob\n" +
            "topic write home/bob\n" +
            "pattern write clients/%c/status\n" +
            "pattern read users/%u/#\n";

        [TestMethod]
        public void RuleFilterCoversNarrowerFilters()
        {
            Assert.IsTrue(Covers("home/#", "home/#"));
            Assert.IsTrue(Covers("home/#", "home/kitchen/+"));
            Assert.IsTrue(Covers("home/#", "home"));
            Assert.IsTrue(Covers("home/+", "home/kitchen"));
            Assert.IsTrue(Covers("home/+", "home/+"));
            Assert.IsTrue(Covers("#", "a/b/#"));
            Assert.IsFalse(Covers("home/+", "home/#"));
            Assert.IsFalse(Covers("home/+", "home/a/b"));
            Assert.IsFalse(Covers("home/kitchen", "home/+"));
            Assert.IsFalse(Covers("home/#", "#"));
            Assert.IsFalse(Covers("home/#", "garden/x"));
            Assert.IsFalse(Covers("a/b", "a"));
            Assert.IsFalse(Covers("a", "a/b"));
            // [MQTT-4.7.2-1] a leading wildcard does not reach $ topics.
            Assert.IsFalse(Covers("#", "$SYS/#"));
        }

        [TestMethod]
        public void PatternsSubstituteClientIdAndUserNameButNeverAWildcardOrLevel()
        {
            byte[] output = new byte[64];
            byte[] pattern = Utf8.GetBytes("clients/%c/by/%u");
            byte[] id = Utf8.GetBytes("xxsensor-1");
            byte[] user = Utf8.GetBytes("bob");
            int n = TopicPattern.Expand(pattern, 0, pattern.Length, id, 2, 8, user, user.Length, output);
            Assert.AreEqual("clients/sensor-1/by/bob", Utf8.GetString(output, 0, n));
            byte[] sneaky = Utf8.GetBytes("a/#");
            Assert.AreEqual(-1, TopicPattern.Expand(pattern, 0, pattern.Length, sneaky, 0, sneaky.Length, user, user.Length, output));
            Assert.AreEqual(-1, TopicPattern.Expand(pattern, 0, pattern.Length, id, 0, id.Length, null, 0, output));
        }

        [TestMethod]
        public void AKnownUserWithTheRightPasswordIsAccepted()
        {
            TestBroker b = Start(false);
            b.ConnectExpecting(Packets.Connect("c1", true, 0, null, null, 0, false, "alice", Utf8.GetBytes("secret")), ConnectReturnCode.Accepted);
        }

        [TestMethod]
        public void AWrongPasswordOrUnknownUserGetsConnAck4_MQTT_3_2_2_3()
        {
            TestBroker b = Start(false);
            b.ConnectExpecting(Packets.Connect("c1", true, 0, null, null, 0, false, "alice", Utf8.GetBytes("guess")), ConnectReturnCode.BadUserNameOrPassword);
            b.ConnectExpecting(Packets.Connect("c2", true, 0, null, null, 0, false, "mallory", Utf8.GetBytes("secret")), ConnectReturnCode.BadUserNameOrPassword);
            b.ConnectExpecting(Packets.Connect("c3", true, 0, null, null, 0, false, "alice", null), ConnectReturnCode.BadUserNameOrPassword);
        }

        [TestMethod]
        public void AnAnonymousClientGetsConnAck5WhenAnonymousAccessIsOff()
        {
            TestBroker b = Start(false);
            b.ConnectExpecting(Packets.Connect("c1", true, 0), ConnectReturnCode.NotAuthorized);
        }

        [TestMethod]
        public void AWillOnATopicTheClientMayNotWriteGetsConnAck5()
        {
            TestBroker b = Start(false);
            b.ConnectExpecting(Packets.Connect("c1", true, 0, "home/alice", "gone", 0, false, "bob", Utf8.GetBytes("hunter2")), ConnectReturnCode.NotAuthorized);
        }

        [TestMethod]
        public void ASubscriptionBeyondTheRulesGets0x80_AndTheOthersInThePacketAreGranted()
        {
            TestBroker b = Start(true);
            TestClient alice = Login(b, "c1", "alice", "secret");
            alice.Send(Packets.Subscribe(3, new string[] { "home/#", "#", "sensors/+/temperature", "sensors/#", "users/alice/inbox", "users/bob/inbox" }, new int[] { 1, 1, 0, 0, 1, 1 }));
            Packet suback = alice.Read();
            Expect.Type(PacketType.SubAck, suback);
            Assert.AreEqual(6, suback.ReturnCodes.Length);
            Assert.AreEqual(1, (int)suback.ReturnCodes[0]);
            Assert.AreEqual(0x80, (int)suback.ReturnCodes[1]);
            Assert.AreEqual(0, (int)suback.ReturnCodes[2]);
            Assert.AreEqual(0x80, (int)suback.ReturnCodes[3]);
            Assert.AreEqual(1, (int)suback.ReturnCodes[4]);
            Assert.AreEqual(0x80, (int)suback.ReturnCodes[5]);
        }

        [TestMethod]
        public void ADeniedPublishIsAcknowledgedCountedAndNotDelivered()
        {
            TestBroker b = Start(true);
            TestClient alice = Login(b, "c1", "alice", "secret");
            b.Subscribe(alice, "home/#", 1);
            TestClient bob = Login(b, "c2", "bob", "hunter2");
            bob.Publish("home/alice", "intruder", 1, false, 4);
            Expect.Ack(bob.Read(), PacketType.PubAck, 4);
            Assert.AreEqual(1, (int)b.Stats.PublishesDenied);
            bob.Publish("home/bob", "allowed", 1, false, 5);
            Expect.Ack(bob.Read(), PacketType.PubAck, 5);
            Expect.Publish(alice.Read(), "home/bob", "allowed", 1, false);
            Assert.IsNull(alice.Read());
        }

        [TestMethod]
        public void PatternRulesFollowEachClientsOwnId()
        {
            TestBroker b = Start(true);
            TestClient alice = Login(b, "c1", "alice", "secret");
            b.Subscribe(alice, "home/#", 0);
            TestClient bob = Login(b, "c2", "bob", "hunter2");
            bob.Publish("clients/c2/status", "online", 0, false, 0);
            bob.Publish("clients/c1/status", "spoofed", 0, false, 0);
            Assert.AreEqual(1, (int)b.Stats.PublishesDenied);
        }

        [TestMethod]
        public void AnonymousClientsGetOnlyTheRulesBeforeTheFirstUserLine()
        {
            TestBroker b = Start(true);
            TestClient anonymous = b.Connect("anon");
            anonymous.Send(Packets.Subscribe(1, new string[] { "public/news", "home/#" }, new int[] { 0, 0 }));
            Packet suback = anonymous.Read();
            Assert.AreEqual(0, (int)suback.ReturnCodes[0]);
            Assert.AreEqual(0x80, (int)suback.ReturnCodes[1]);
            anonymous.Publish("public/news", "x", 0, false, 0);
            Assert.AreEqual(1, (int)b.Stats.PublishesDenied);
        }

        [TestMethod]
        public void BadFileLinesAreReportedWithTheirNumber()
        {
            AccessControl access = new AccessControl(true, 256);
            Assert.IsNotNull(AccessFiles.LoadPasswords(Utf8.GetBytes("alice:plaintext\n"), access));
            Assert.AreEqual("line 2: unknown keyword 'topics'", AccessFiles.LoadRules(Utf8.GetBytes("user alice\ntopics read a\n"), access));
            Assert.AreEqual("line 1: access must be read, write, readwrite or deny, not 'reed'", AccessFiles.LoadRules(Utf8.GetBytes("topic reed a/b\n"), access));
            Assert.IsNotNull(AccessFiles.LoadRules(Utf8.GetBytes("topic read a/#/b\n"), access));
        }

        private static TestBroker Start(bool allowAnonymous)
        {
            TestBroker b = new TestBroker();
            AccessControl access = TestAccess.Make(Rules, allowAnonymous);
            Assert.AreEqual(2, access.UserCount);
            b.Broker.Access = access;
            return b;
        }

        private static TestClient Login(TestBroker b, string clientId, string user, string password)
        {
            return b.Connect(Packets.Connect(clientId, true, 0, null, null, 0, false, user, Utf8.GetBytes(password)));
        }

        private static bool Covers(string rule, string filter)
        {
            byte[] r = Utf8.GetBytes(rule);
            byte[] f = Utf8.GetBytes(filter);
            return TopicPattern.Covers(r, 0, r.Length, f, 0, f.Length);
        }
    }
}
