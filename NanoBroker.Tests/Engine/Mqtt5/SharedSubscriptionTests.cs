#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;
using NanoBroker.Tests.Engine.Harness;

namespace NanoBroker.Tests.Engine.Mqtt5
{
    /// <summary>MQTT 5.0 shared subscriptions "$share/{ShareName}/{filter}" (section 4.8.2).</summary>
    [TestClass]
    public class SharedSubscriptionTests
    {
        private static void Subscribe(TestClient c, string filter, int qos, int identifier)
        {
            c.Send(V5Packets.Subscribe(3, filter, qos, identifier));
            V5Packet ack = c.Read5();
            Assert.AreEqual(PacketType.SubAck, ack.Type);
            Assert.AreEqual(qos, (int)ack.ReasonCodes[0], "granted QoS");
        }

        private static void Publish(TestBroker b, string payload)
        {
            TestClient pub = V5Clients.Connect(b, "pub");
            pub.Send(V5Packets.Publish("a/b", payload, 0, false, false, 0, null));
            pub.Send(V5Packets.Disconnect(0, null));
        }

        [TestMethod]
        public void EachMessageGoesToOneMemberInTurn_MQTT_4_8_2()
        {
            TestBroker b = V5Clients.Broker();
            TestClient m1 = V5Clients.Connect(b, "m1");
            TestClient m2 = V5Clients.Connect(b, "m2");
            Subscribe(m1, "$share/g/a/+", 0, 0);
            Subscribe(m2, "$share/g/a/+", 0, 0);
            int one = 0, two = 0;
            for (int i = 0; i < 4; i++)
            {
                Publish(b, "x");
                V5Packet a = m1.Read5();
                V5Packet c = m2.Read5();
                Assert.IsTrue((a == null) != (c == null), "one member gets each message");
                one += a != null ? 1 : 0;
                two += c != null ? 1 : 0;
            }
            Assert.AreEqual(2, one, "round robin");
            Assert.AreEqual(2, two, "round robin");
        }

        [TestMethod]
        public void GroupsAndNormalSubscriptionsEachGetACopy_MQTT_4_8_2()
        {
            TestBroker b = V5Clients.Broker();
            TestClient m = V5Clients.Connect(b, "m");
            TestClient n = V5Clients.Connect(b, "n");
            Subscribe(m, "$share/g/a/b", 0, 1);
            Subscribe(m, "a/#", 0, 2);
            Subscribe(n, "$share/h/a/+", 0, 3);
            Subscribe(n, "a/b", 0, 0);
            Publish(b, "x");
            int[] seen = new int[4];
            for (int i = 0; i < 2; i++)
            {
                V5Packet got = m.Read5();
                Assert.IsNotNull(got, "a copy for the group and one for the normal subscription");
                Assert.AreEqual(1, got.Properties.CountOf(V5Property.SubscriptionIdentifier), "each copy its own subscription's identifier [MQTT-3.3.4-5]");
                seen[(int)got.Properties.Number(V5Property.SubscriptionIdentifier)]++;
            }
            Assert.IsNull(m.Read5());
            Assert.AreEqual(1, seen[1]);
            Assert.AreEqual(1, seen[2]);
            V5Packet fromGroup = n.Read5();
            V5Packet fromOwn = n.Read5();
            Assert.IsNotNull(fromOwn, "every group gets one");
            Assert.AreEqual(1, fromGroup.Properties.CountOf(V5Property.SubscriptionIdentifier) + fromOwn.Properties.CountOf(V5Property.SubscriptionIdentifier));
            Assert.IsNull(n.Read5());
        }

        [TestMethod]
        public void SessionChosenInTwoGroupsGetsOneCopyWithBothIdentifiers_MQTT_3_3_4_4()
        {
            // Two copies would each have to carry only their own group's identifier [MQTT-3.3.4-5]; one copy carries
            // every matching one [MQTT-3.3.4-4], at the higher QoS, and serves both groups (one member each).
            TestBroker b = V5Clients.Broker();
            TestClient m = V5Clients.Connect(b, "m");
            Subscribe(m, "$share/g/a/b", 0, 1);
            Subscribe(m, "$share/h/a/+", 1, 2);
            TestClient pub = V5Clients.Connect(b, "pub");
            pub.Send(V5Packets.Publish("a/b", "x", 1, false, false, 1, null));
            V5Packet got = m.Read5();
            Assert.IsNotNull(got);
            Assert.AreEqual(1, got.Qos, "the higher of the two groups' QoS");
            Assert.AreEqual(2, got.Properties.CountOf(V5Property.SubscriptionIdentifier), "both groups' identifiers");
            m.Send(V5Packets.PubAck(got.PacketId, 0, null));
            Assert.IsNull(m.Read5(), "one copy");
        }

        [TestMethod]
        public void MemberGetsItsOwnGrantedQos_MQTT_4_8_2_3()
        {
            TestBroker b = V5Clients.Broker();
            TestClient m = V5Clients.Connect(b, "m");
            Subscribe(m, "$share/g/a/b", 1, 0);
            TestClient pub = V5Clients.Connect(b, "pub");
            pub.Send(V5Packets.Publish("a/b", "x", 2, false, false, 1, null));
            V5Packet got = m.Read5();
            Assert.AreEqual(1, got.Qos);
        }

        [TestMethod]
        public void OnlineMemberIsPreferredToAnOfflineOne_MQTT_4_8_2()
        {
            TestBroker b = V5Clients.Broker();
            TestClient away = V5Clients.ConnectWithExpiry(b, "away", 600, false);
            Subscribe(away, "$share/g/a/b", 1, 0);
            away.Drop();
            TestClient here = V5Clients.Connect(b, "here");
            Subscribe(here, "$share/g/a/b", 1, 0);
            for (int i = 0; i < 3; i++)
            {
                Publish(b, "x" + i);
                V5Packet got = here.Read5();
                Assert.AreEqual("x" + i, got.PayloadText);
            }
        }

        [TestMethod]
        public void OfflineMemberQueuesWhenNoneIsOnline_MQTT_4_8_2()
        {
            TestBroker b = V5Clients.Broker();
            TestClient away = V5Clients.ConnectWithExpiry(b, "away", 600, false);
            Subscribe(away, "$share/g/a/b", 1, 0);
            away.Drop();
            TestClient pub = V5Clients.Connect(b, "pub");
            pub.Send(V5Packets.Publish("a/b", "kept", 1, false, false, 1, null));
            TestClient back = V5Clients.ConnectWithExpiry(b, "away", 600, true);
            Assert.AreEqual("kept", back.Read5().PayloadText);
        }

        [TestMethod]
        public void EndingMemberHandsItsUnacknowledgedMessagesToAnother_MQTT_4_8_2()
        {
            BrokerOptions o = V5Clients.Options();
            o.InflightWindow = 1;
            TestBroker b = new TestBroker(o);
            TestClient leaving = V5Clients.Connect(b, "leaving");
            Subscribe(leaving, "$share/g/a/b", 1, 0);
            TestClient pub = V5Clients.Connect(b, "pub");
            pub.Send(V5Packets.Publish("a/b", "sent", 1, false, false, 1, null));
            pub.Send(V5Packets.Publish("a/b", "queued", 1, false, false, 2, null));
            Assert.AreEqual("sent", leaving.Read5().PayloadText, "sent, not acknowledged; the next waits for the window");
            TestClient staying = V5Clients.ConnectWithExpiry(b, "staying", 600, false);
            Subscribe(staying, "$share/g/a/b", 2, 0);
            leaving.Drop();
            V5Packet first = staying.Read5();
            Assert.AreEqual("sent", first.PayloadText, "the unacknowledged one");
            Assert.AreEqual(1, first.Qos, "at the message's QoS, no more than the member's");
            staying.Send(V5Packets.PubAck(first.PacketId, 0, null));
            Assert.AreEqual("queued", staying.Read5().PayloadText, "the queued one");
        }

        [TestMethod]
        public void EndingSessionWithoutAnotherMemberTakesItsMessagesAlong_MQTT_4_8_2()
        {
            TestBroker b = V5Clients.Broker();
            TestClient only = V5Clients.Connect(b, "only");
            Subscribe(only, "$share/g/a/b", 1, 0);
            V5Clients.Connect(b, "pub").Send(V5Packets.Publish("a/b", "x", 1, false, false, 1, null));
            only.Drop();
            Assert.AreEqual(0, b.Broker.Subscriptions.Groups.Count, "the group went with its last member");
            Assert.AreEqual(0, b.Broker.Subscriptions.Count);
        }

        [TestMethod]
        public void NoRetainedMessagesOnASharedSubscribe_MQTT_4_8_2()
        {
            TestBroker b = V5Clients.Broker();
            V5Clients.Connect(b, "pub").Send(V5Packets.Publish("a/b", "r", 0, true, false, 0, null));
            TestClient m = V5Clients.Connect(b, "m");
            Subscribe(m, "$share/g/a/b", 0, 0);
            Assert.IsNull(m.Read5());
        }

        [TestMethod]
        public void UnsubscribeLeavesTheGroup_MQTT_3_10_4()
        {
            TestBroker b = V5Clients.Broker();
            TestClient m1 = V5Clients.Connect(b, "m1");
            TestClient m2 = V5Clients.Connect(b, "m2");
            Subscribe(m1, "$share/g/a/b", 0, 0);
            Subscribe(m2, "$share/g/a/b", 0, 0);
            m1.Send(V5Packets.Unsubscribe(5, "$share/g/a/b"));
            V5Packet ack = m1.Read5();
            Assert.AreEqual(PacketType.UnsubAck, ack.Type);
            Assert.AreEqual(ReasonCode.Success, (int)ack.ReasonCodes[0]);
            for (int i = 0; i < 2; i++)
            {
                Publish(b, "x");
                Assert.IsNull(m1.Read5());
                Assert.IsNotNull(m2.Read5(), "the one member left gets each message");
            }
        }

        [TestMethod]
        public void GroupsBeyondMaxShareGroupsGetSubAck0x97_Section_3_9_3()
        {
            BrokerOptions o = V5Clients.Options();
            o.MaxShareGroups = 1;
            TestBroker b = new TestBroker(o);
            TestClient m = V5Clients.Connect(b, "m");
            Subscribe(m, "$share/g/a/b", 0, 0);
            Subscribe(V5Clients.Connect(b, "n"), "$share/g/a/b", 0, 0);
            m.Send(V5Packets.Subscribe(4, "$share/h/a/b", 0, 0));
            Assert.AreEqual(ReasonCode.QuotaExceeded, (int)m.Read5().ReasonCodes[0]);
            Assert.AreEqual(1, b.Broker.Subscriptions.Groups.Count);
        }

        [TestMethod]
        public void Mqtt311ShareFilterIsAnOrdinaryFilter()
        {
            TestBroker b = V5Clients.Broker();
            TestClient v3 = b.Subscriber("v3", "$share/g/a", 0);
            V5Clients.Connect(b, "pub").Send(V5Packets.Publish("a", "x", 0, false, false, 0, null));
            Assert.IsNull(v3.Read());
            V5Clients.Connect(b, "pub2").Send(V5Packets.Publish("$share/g/a", "y", 0, false, false, 0, null));
            Expect.Publish(v3.Read(), "$share/g/a", "y", 0, false);
        }

        [TestMethod]
        public void AccessRulesCheckTheFilterOfASharedSubscriptionAlsoAfterARestart_MQTT_4_8_2()
        {
            RamStorage ram = new RamStorage();
            BrokerOptions o = TestBroker.StorageOptions();
            string rules = "user alice\ntopic readwrite a/#\n";
            TestBroker b = TestBroker.Restored(ram, o, TestAccess.Make(rules, false));
            TestClient m = b.Open();
            m.Send(V5Packets.Connect("m", false, 0, new V5PropertyWriter().SessionExpiryInterval(600), null, null, 0, false, null, "alice", Utf8.GetBytes("secret")));
            V5Clients.ExpectConnAck(m.Read5(), ReasonCode.Success);
            Subscribe(m, "$share/g/a/b", 0, 0);
            m.Send(V5Packets.Subscribe(4, "$share/g/b/c", 0, 0));
            Assert.AreEqual(ReasonCode.NotAuthorized, (int)m.Read5().ReasonCodes[0], "b/c is not granted");
            m.Drop();
            b.CommitStorage();

            TestBroker again = TestBroker.Restored(ram, o, TestAccess.Make(rules, false));
            TestClient back = again.Open();
            back.Send(V5Packets.Connect("m", false, 0, new V5PropertyWriter().SessionExpiryInterval(600), null, null, 0, false, null, "alice", Utf8.GetBytes("secret")));
            V5Clients.ExpectConnAck(back.Read5(), ReasonCode.Success);
            back.Send(V5Packets.Publish("a/b", "x", 0, false, false, 0, null));
            Assert.AreEqual("x", back.Read5().PayloadText, "the restored shared subscription is granted by a/#");
        }

        [TestMethod]
        public void GroupIsKeptAcrossARestart_RecordFormat_SubscriptionSet()
        {
            RamStorage ram = new RamStorage();
            BrokerOptions o = TestBroker.StorageOptions();
            TestBroker b = TestBroker.Restored(ram, o);
            TestClient m1 = V5Clients.ConnectWithExpiry(b, "m1", 600, false);
            TestClient m2 = V5Clients.ConnectWithExpiry(b, "m2", 600, false);
            Subscribe(m1, "$share/g/a/b", 1, 11);
            Subscribe(m2, "$share/g/a/b", 1, 12);
            m1.Drop();
            m2.Drop();
            b.CommitStorage();

            TestBroker again = TestBroker.Restored(ram, o);
            Assert.AreEqual(1, again.Broker.Subscriptions.Groups.Count, "one group of two members");
            TestClient back1 = V5Clients.ConnectWithExpiry(again, "m1", 600, true);
            TestClient back2 = V5Clients.ConnectWithExpiry(again, "m2", 600, true);
            Publish(again, "x");
            Publish(again, "y");
            V5Packet got1 = back1.Read5();
            V5Packet got2 = back2.Read5();
            Assert.IsNotNull(got1, "round robin over the restored members");
            Assert.IsNotNull(got2, "round robin over the restored members");
            Assert.AreEqual(11, (int)got1.Properties.Number(V5Property.SubscriptionIdentifier));
            Assert.AreEqual(12, (int)got2.Properties.Number(V5Property.SubscriptionIdentifier));
            back1.Send(V5Packets.Unsubscribe(5, "$share/g/a/b"));
            Assert.AreEqual(ReasonCode.Success, (int)back1.Read5().ReasonCodes[0], "the restored shared entry is found by its full filter");
        }
    }
}
