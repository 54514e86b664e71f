#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;
using NanoBroker.Tests.Engine.Harness;

namespace NanoBroker.Tests.Engine.Security
{
    /// <summary>
    /// A session belongs to the identity that made it (a user, or anonymous): a client of another identity with
    /// the same client id is refused with CONNACK 5 and leaves the session, its connection and its messages as
    /// they were. The owner is kept in the log, and a session whose user left the password file is dropped.
    /// </summary>
    [TestClass]
    public class SessionOwnershipTests
    {
        private const string Rules =
            "topic read public/#\n" +
            "user alice\n" +
            "topic readwrite secret/#\n" +
            "topic readwrite public/#\n" +
            "user bob\n" +
            "topic readwrite public/#\n";

        private static TestBroker Start()
        {
            TestBroker b = new TestBroker();
            b.Broker.Access = TestAccess.Make(Rules, true);
            return b;
        }

        private static TestClient Login(TestBroker b, string clientId, bool cleanSession, string user, string password)
        {
            return b.Connect(TestAccess.Connect(clientId, cleanSession, user, password));
        }

        // alice's persistent session, subscribed to secret/# at QoS 1, offline with one message queued.
        private static void AliceAwayWithAQueuedSecret(TestBroker b)
        {
            TestClient alice = Login(b, "dev1", false, "alice", "secret");
            b.Subscribe(alice, "secret/#", 1);
            alice.Disconnect();
            alice.Drop();
            Login(b, "publisher", true, "alice", "secret").Publish("secret/plan", "launch", 1, false, 1);
        }

        [TestMethod]
        public void AnotherUserCannotResumeAnOfflineSession()
        {
            TestBroker b = Start();
            AliceAwayWithAQueuedSecret(b);
            // Nothing of alice's session reaches bob: nothing follows the CONNACK.
            b.ConnectExpecting(TestAccess.Connect("dev1", false, "bob", "hunter2"), ConnectReturnCode.NotAuthorized);

            TestClient alice = b.Resume("dev1", TestAccess.Connect("dev1", false, "alice", "secret"));
            Expect.Publish(alice.Read(), "secret/plan", "launch", 1, false);
        }

        [TestMethod]
        public void AnotherUserCannotEndAnOfflineSessionWithCleanSession_MQTT_3_1_2_6()
        {
            TestBroker b = Start();
            AliceAwayWithAQueuedSecret(b);
            b.ConnectExpecting(TestAccess.Connect("dev1", true, "bob", "hunter2"), ConnectReturnCode.NotAuthorized);
            TestClient alice = b.Resume("dev1", TestAccess.Connect("dev1", false, "alice", "secret"));
            Expect.Publish(alice.Read(), "secret/plan", "launch", 1, false);
        }

        [TestMethod]
        public void AnotherUserCannotTakeOverAnOnlineClient_MQTT_3_1_4_2()
        {
            TestBroker b = Start();
            TestClient alice = Login(b, "dev1", true, "alice", "secret");
            b.Subscribe(alice, "secret/#", 0);
            b.ConnectExpecting(TestAccess.Connect("dev1", true, "bob", "hunter2"), ConnectReturnCode.NotAuthorized);
            Assert.IsFalse(alice.IsClosing, "alice stays connected");
            Login(b, "publisher", true, "alice", "secret").Publish("secret/x", "still here", 0, false, 0);
            Expect.Publish(alice.Read(), "secret/x", "still here", 0, false);
        }

        [TestMethod]
        public void AnAnonymousClientCannotTakeAUsersSessionNorAUserAnAnonymousOne()
        {
            TestBroker b = Start();
            AliceAwayWithAQueuedSecret(b);
            b.ConnectExpecting(Packets.Connect("dev1", false, 0), ConnectReturnCode.NotAuthorized);
            TestClient anonymous = b.Connect("dev2", false);
            anonymous.Disconnect();
            anonymous.Drop();
            b.ConnectExpecting(TestAccess.Connect("dev2", false, "alice", "secret"), ConnectReturnCode.NotAuthorized);
            b.Resume("dev2", Packets.Connect("dev2", false, 0));
        }

        [TestMethod]
        public void TheSameUserResumesItsSessionAndTakesItsConnectionOver_MQTT_3_1_4_2()
        {
            TestBroker b = Start();
            TestClient first = Login(b, "dev1", false, "alice", "secret");
            TestClient second = b.Resume("dev1", TestAccess.Connect("dev1", false, "alice", "secret"));
            Assert.IsTrue(first.IsClosing, "the older connection is closed");
            Assert.IsFalse(second.IsClosing);
        }

        [TestMethod]
        public void WithoutAccessControlAnyClientMayResumeASession()
        {
            TestBroker b = new TestBroker();
            TestClient first = b.Connect(TestAccess.Connect("dev1", false, "alice", "anything"));
            first.Disconnect();
            first.Drop();
            b.Resume("dev1", TestAccess.Connect("dev1", false, "bob", "anything else"));
        }

        [TestMethod]
        public void TheOwnerIsKeptAcrossARestart()
        {
            BrokerOptions options = TestBroker.StorageOptions();
            RamStorage ram = new RamStorage();
            TestBroker b = TestBroker.Restored(ram, options, TestAccess.Make(Rules, true));
            AliceAwayWithAQueuedSecret(b);
            b.CommitStorage();

            TestBroker after = TestBroker.Restored(ram.AfterPowerCut(0), options, TestAccess.Make(Rules, true));
            after.ConnectExpecting(TestAccess.Connect("dev1", false, "bob", "hunter2"), ConnectReturnCode.NotAuthorized);
            after.Resume("dev1", TestAccess.Connect("dev1", false, "alice", "secret"));
        }

        [TestMethod]
        public void TheSessionOfAUserRemovedFromThePasswordFileIsDroppedAtStart()
        {
            BrokerOptions options = TestBroker.StorageOptions();
            RamStorage ram = new RamStorage();
            TestBroker b = TestBroker.Restored(ram, options, TestAccess.Make(Rules, true));
            TestClient bob = Login(b, "dev1", false, "bob", "hunter2");
            b.Subscribe(bob, "public/#", 0);
            bob.Disconnect();
            bob.Drop();
            b.CommitStorage();

            RamStorage second = ram.AfterPowerCut(0);
            TestBroker after = TestBroker.Restored(second, options, TestAccess.WithoutBob(Rules, true));
            Assert.AreEqual(0, after.Broker.SessionCount);
            Assert.AreEqual(0, after.Broker.Subscriptions.Count);
            after.CommitStorage();
            // With bob back in the password file, his old session stays gone: the drop was written to the log.
            TestBroker again = TestBroker.Restored(second.AfterPowerCut(0), options, TestAccess.Make(Rules, true));
            Assert.AreEqual(0, again.Broker.SessionCount);
        }
    }
}
