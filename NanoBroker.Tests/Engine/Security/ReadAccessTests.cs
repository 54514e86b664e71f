#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Tests.Engine.Harness;

namespace NanoBroker.Tests.Engine.Security
{
    /// <summary>
    /// Read access holds wherever a message leaves for a client, also for state kept in the log under rules
    /// that have changed since: a subscription the rules no longer grant delivers nothing (live, retained),
    /// and a queued message the owner may no longer read is dropped.
    /// </summary>
    [TestClass]
    public class ReadAccessTests
    {
        private const string Granted =
            "user alice\n" +
            "topic readwrite secret/#\n" +
            "topic readwrite public/#\n";

        // alice may still write secret/#, no longer read it.
        private const string Revoked =
            "user alice\n" +
            "topic write secret/#\n" +
            "topic readwrite public/#\n";

        private static BrokerOptions Options()
        {
            BrokerOptions o = TestBroker.StorageOptions();
            o.PersistQueuedMessages = true;
            return o;
        }

        // alice's persistent session subscribed to secret/# and public/# at QoS 1, offline, with a message queued
        // on each, written to the log; then the broker restarts with the rules given.
        private static TestBroker RestartedAfterAliceLeft(string rules)
        {
            RamStorage ram = new RamStorage();
            TestBroker b = TestBroker.Restored(ram, Options(), TestAccess.Make(Granted, false));
            TestClient alice = b.Connect(TestAccess.Connect("dev1", false, "alice", "secret"));
            b.Subscribe(alice, "secret/#", 1);
            b.Subscribe(alice, "public/#", 1);
            alice.Disconnect();
            alice.Drop();
            TestClient publisher = b.Connect(TestAccess.Connect("pub", true, "alice", "secret"));
            publisher.Publish("secret/plan", "launch", 1, false, 1);
            publisher.Publish("public/news", "hello", 1, false, 2);
            publisher.Publish("secret/door", "code 1234", 1, true, 3);
            b.CommitStorage();
            return TestBroker.Restored(ram.AfterPowerCut(0), Options(), TestAccess.Make(rules, false));
        }

        private static TestClient AliceBack(TestBroker b)
        {
            return b.Resume("dev1", TestAccess.Connect("dev1", false, "alice", "secret"));
        }

        [TestMethod]
        public void AQueuedMessageTheOwnerMayNoLongerReadIsDroppedAtRestart()
        {
            TestBroker b = RestartedAfterAliceLeft(Revoked);
            TestClient alice = AliceBack(b);
            Packet[] got = alice.ReadAll();
            Assert.AreEqual(1, got.Length, "only public/news");
            Expect.Publish(got[0], "public/news", "hello", 1, false);
        }

        [TestMethod]
        public void ARestoredSubscriptionTheRulesNoLongerGrantDeliversNothingLive()
        {
            TestBroker b = RestartedAfterAliceLeft(Revoked);
            TestClient alice = AliceBack(b);
            alice.ReadAll();
            TestClient publisher = b.Connect(TestAccess.Connect("pub", true, "alice", "secret"));
            publisher.Publish("secret/plan", "abort", 0, false, 0);
            publisher.Publish("public/news", "bye", 0, false, 0);
            Packet[] got = alice.ReadAll();
            Assert.AreEqual(1, got.Length);
            Expect.Publish(got[0], "public/news", "bye", 0, false);
        }

        [TestMethod]
        public void ARestoredSubscriptionTheRulesStillGrantDeliversAsBefore()
        {
            TestBroker b = RestartedAfterAliceLeft(Granted);
            TestClient alice = AliceBack(b);
            Assert.AreEqual(3, alice.ReadAll().Length, "every queued message");
            TestClient publisher = b.Connect(TestAccess.Connect("pub", true, "alice", "secret"));
            publisher.Publish("secret/plan", "abort", 0, false, 0);
            Expect.Publish(alice.Read(), "secret/plan", "abort", 0, false);
        }

        // The subscription is kept while the rules deny it: granted again at a later start, it delivers again,
        // without the client having to subscribe again.
        [TestMethod]
        public void ADeniedSubscriptionDeliversAgainOnceARuleGrantsItAgain()
        {
            RamStorage ram = new RamStorage();
            TestBroker b = TestBroker.Restored(ram, Options(), TestAccess.Make(Granted, false));
            TestClient alice = b.Connect(TestAccess.Connect("dev1", false, "alice", "secret"));
            b.Subscribe(alice, "secret/#", 0);
            alice.Disconnect();
            alice.Drop();
            b.CommitStorage();
            RamStorage second = ram.AfterPowerCut(0);
            TestBroker revoked = TestBroker.Restored(second, Options(), TestAccess.Make(Revoked, false));
            revoked.CommitStorage();
            TestBroker granted = TestBroker.Restored(second.AfterPowerCut(0), Options(), TestAccess.Make(Granted, false));
            TestClient back = AliceBack(granted);
            granted.Connect(TestAccess.Connect("pub", true, "alice", "secret")).Publish("secret/x", "again", 0, false, 0);
            Expect.Publish(back.Read(), "secret/x", "again", 0, false);
        }

        // The SUBSCRIBE check covers retained messages too: a filter refused gets none of them.
        [TestMethod]
        public void ARefusedSubscriptionGetsNoRetainedMessage_MQTT_3_9_3_2()
        {
            TestBroker b = RestartedAfterAliceLeft(Revoked);
            TestClient alice = b.Connect(TestAccess.Connect("dev2", true, "alice", "secret"));
            alice.Subscribe(5, "secret/#", 1);
            Packet suback = alice.Read();
            Assert.AreEqual(0x80, (int)suback.ReturnCodes[0]);
            Assert.IsNull(alice.Read(), "no retained secret/door");
        }
    }
}
