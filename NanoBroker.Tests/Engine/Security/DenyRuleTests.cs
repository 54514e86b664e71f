#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;
using NanoBroker.Security;
using NanoBroker.Tests.Engine.Harness;
using NanoBroker.Tests.Engine.Mqtt5;

namespace NanoBroker.Tests.Engine.Security
{
    /// <summary>
    /// "topic deny FILTER" and "pattern deny FILTER" (mosquitto's acl_file form): a deny is applied before any grant,
    /// for anonymous clients, per user and in patterns, so a broad grant can carve out exceptions. A subscription a
    /// deny covers whole is refused (SUBACK 0x80, [MQTT-3.9.3-1]; 0x87 Not authorized in 5.0); one a deny covers in
    /// part is granted, and what the deny takes out of it never reaches the client, live or retained.
    /// </summary>
    [TestClass]
    public class DenyRuleTests
    {
        private const string Rules =
            "topic readwrite #\n" +
            "topic deny test/nosubscribe\n" +
            "user alice\n" +
            "topic readwrite #\n" +
            "topic deny secret/#\n" +
            "pattern deny private/%u/#\n";

        [TestMethod]
        public void DenyTakesTopicsOutOfABroadGrantForPublish()
        {
            TestBroker b = Start();
            TestClient reader = Login(b, "reader", "alice");
            b.Subscribe(reader, "home/#", 0);
            TestClient alice = Login(b, "c1", "alice");
            alice.Publish("secret/plans", "x", 1, false, 4);
            Expect.Ack(alice.Read(), PacketType.PubAck, 4);
            Assert.AreEqual(1, (int)b.Stats.PublishesDenied, "the denied topic, whatever '#' grants");
            alice.Publish("home/door", "open", 0, false, 0);
            Expect.Publish(reader.Read(), "home/door", "open", 0, false);
        }

        [TestMethod]
        public void ASubscriptionADenyCoversWholeGets0x80_MQTT_3_9_3_1()
        {
            // Eclipse Paho's 3.1.1 test_subscribe_failure: "test/nosubscribe" with rules allowing its other topics.
            TestBroker b = Start();
            TestClient anonymous = b.Connect("anon");
            anonymous.Send(Packets.Subscribe(1, new string[] { "test/nosubscribe", "test/other", "#" }, new int[] { 0, 1, 1 }));
            Packet suback = anonymous.Read();
            Expect.Type(PacketType.SubAck, suback);
            Assert.AreEqual(0x80, (int)suback.ReturnCodes[0]);
            Assert.AreEqual(1, (int)suback.ReturnCodes[1]);
            Assert.AreEqual(1, (int)suback.ReturnCodes[2], "'#' overlaps the deny: granted, the denied topic filtered out");
        }

        [TestMethod]
        public void WhatADenyTakesOutOfASubscriptionIsNeverDelivered()
        {
            TestBroker b = Start();
            TestClient alice = Login(b, "c1", "alice");
            b.Subscribe(alice, "#", 0);
            TestClient anonymous = b.Connect("anon");
            anonymous.Publish("secret/plans", "hidden", 0, false, 0);
            anonymous.Publish("garden/rain", "yes", 0, false, 0);
            Expect.Publish(alice.Read(), "garden/rain", "yes", 0, false);
            Assert.IsNull(alice.Read(), "secret/plans is denied to alice");
            Assert.AreEqual(0, (int)b.Stats.PublishesDenied, "anonymous clients may write secret/plans");
        }

        [TestMethod]
        public void RetainedMessagesADenyTakesOutAreNotSentAtSubscribe_MQTT_3_3_1_9()
        {
            TestBroker b = Start();
            TestClient anonymous = b.Connect("anon");
            anonymous.Publish("secret/plans", "hidden", 0, true, 0);
            anonymous.Publish("garden/rain", "yes", 0, true, 0);
            TestClient alice = Login(b, "c1", "alice");
            b.Subscribe(alice, "#", 0);
            Expect.Publish(alice.Read(), "garden/rain", "yes", 0, true);
            Assert.IsNull(alice.Read(), "the retained secret/plans is denied to alice");
        }

        [TestMethod]
        public void ARestoredSubscriptionKeepsWhatADenyTakesOutOfIt()
        {
            RamStorage ram = new RamStorage();
            BrokerOptions o = TestBroker.StorageOptions();
            TestBroker b = TestBroker.Restored(ram, o, TestAccess.Make(Rules, true));
            TestClient alice = b.Connect(Packets.Connect("c1", false, 0, null, null, 0, false, "alice", Utf8.GetBytes("secret")));
            b.Subscribe(alice, "#", 0);
            alice.Drop();
            b.CommitStorage();

            TestBroker again = TestBroker.Restored(ram, o, TestAccess.Make(Rules, true));
            TestClient back = again.Open();
            back.Send(Packets.Connect("c1", false, 0, null, null, 0, false, "alice", Utf8.GetBytes("secret")));
            again.ExpectConnAck(back, ConnectReturnCode.Accepted);
            TestClient anonymous = again.Connect("anon");
            anonymous.Publish("secret/plans", "hidden", 0, false, 0);
            anonymous.Publish("garden/rain", "yes", 0, false, 0);
            Expect.Publish(back.Read(), "garden/rain", "yes", 0, false);
            Assert.IsNull(back.Read(), "secret/plans is still denied to alice");
        }

        [TestMethod]
        public void PatternDenyFollowsEachUser()
        {
            TestBroker b = Start();
            TestClient alice = Login(b, "c1", "alice");
            alice.Send(Packets.Subscribe(2, new string[] { "private/alice/#", "private/bob/#" }, new int[] { 0, 0 }));
            Packet suback = alice.Read();
            Assert.AreEqual(0x80, (int)suback.ReturnCodes[0], "private/%u/# denied to alice");
            Assert.AreEqual(0, (int)suback.ReturnCodes[1]);
        }

        [TestMethod]
        public void ASharedSubscriptionADenyCoversInPartGets0x87_MQTT_3_9_3()
        {
            // A group's member is chosen per message before its session's rules are known: granted whole or not at all.
            TestBroker b = V5Clients.Broker();
            b.Broker.Access = TestAccess.Make(Rules, true);
            TestClient anonymous = V5Clients.Connect(b, "anon");
            anonymous.Send(V5Packets.Subscribe(3, "$share/g/test/+", 0, 0));
            V5Packet ack = anonymous.Read5();
            Assert.AreEqual(PacketType.SubAck, ack.Type);
            Assert.AreEqual((int)ReasonCode.NotAuthorized, (int)ack.ReasonCodes[0]);
            anonymous.Send(V5Packets.Subscribe(4, "$share/g/home/+", 0, 0));
            Assert.AreEqual(0, (int)anonymous.Read5().ReasonCodes[0]);
        }

        [TestMethod]
        public void HiddenRefusalReasonsAre0x80_MQTT_3_9_3_and_3_4_2_1()
        {
            // 0x80 Unspecified error: "the Server either does not wish to reveal the reason or none of the other Reason
            // Codes apply" (Eclipse Paho's 5.0 test_subscribe_failure expects it); 0x87 without the setting (above).
            TestBroker b = V5Clients.Broker();
            AccessControl access = TestAccess.Make(Rules, true);
            access.HidesRefusalReasons = true;
            b.Broker.Access = access;
            TestClient anonymous = V5Clients.Connect(b, "anon");
            anonymous.Send(V5Packets.Subscribe(5, "test/nosubscribe", 2, 0));
            Assert.AreEqual((int)ReasonCode.UnspecifiedError, (int)anonymous.Read5().ReasonCodes[0]);
            anonymous.Send(V5Packets.Subscribe(6, "$share/g/test/+", 0, 0));
            Assert.AreEqual((int)ReasonCode.UnspecifiedError, (int)anonymous.Read5().ReasonCodes[0]);
            anonymous.Send(V5Packets.Publish("test/nosubscribe", "x", 1, false, false, 7, null));
            V5Packet puback = anonymous.Read5();
            Assert.AreEqual(PacketType.PubAck, puback.Type);
            Assert.AreEqual((int)ReasonCode.UnspecifiedError, puback.ReasonCode);
            anonymous.Send(V5Packets.Subscribe(8, "test/other", 1, 0));
            Assert.AreEqual(1, (int)anonymous.Read5().ReasonCodes[0], "what the rules allow is granted as before");
        }

        [TestMethod]
        public void FiltersOverlapWhenSomeTopicMatchesBoth()
        {
            Assert.IsTrue(Overlaps("#", "secret/a"));
            Assert.IsTrue(Overlaps("secret/#", "+/a"));
            Assert.IsTrue(Overlaps("a/+/c", "a/b/+"));
            Assert.IsTrue(Overlaps("a/#", "a"));
            Assert.IsTrue(Overlaps("a", "a/#"));
            Assert.IsTrue(Overlaps("+/+", "a/b"));
            Assert.IsFalse(Overlaps("a/+", "a"));
            Assert.IsFalse(Overlaps("a/b", "a/c"));
            Assert.IsFalse(Overlaps("a/+/c", "a/b"));
            Assert.IsFalse(Overlaps("secret/#", "public/#"));
            // [MQTT-4.7.2-1] a leading wildcard does not reach $ topics.
            Assert.IsFalse(Overlaps("#", "$SYS/broker"));
            Assert.IsFalse(Overlaps("$SYS/#", "+/broker"));
            Assert.IsTrue(Overlaps("$SYS/#", "$SYS/+"));
        }

        private static TestBroker Start()
        {
            TestBroker b = new TestBroker();
            b.Broker.Access = TestAccess.Make(Rules, true);
            return b;
        }

        private static TestClient Login(TestBroker b, string clientId, string user)
        {
            return b.Connect(Packets.Connect(clientId, true, 0, null, null, 0, false, user, Utf8.GetBytes("secret")));
        }

        private static bool Overlaps(string a, string b)
        {
            byte[] x = Utf8.GetBytes(a);
            byte[] y = Utf8.GetBytes(b);
            return TopicPattern.Overlaps(x, 0, x.Length, y, 0, y.Length);
        }
    }
}
