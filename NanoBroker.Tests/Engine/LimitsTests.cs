#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;
using NanoBroker.Tests.Engine.Harness;

namespace NanoBroker.Tests.Engine
{
    /// <summary>Every limit of BrokerOptions, reached: each has its defined behaviour.</summary>
    [TestClass]
    public class LimitsTests
    {
        private static BrokerOptions Options()
        {
            return TestBroker.SmallOptions();
        }

        [TestMethod]
        public void MaxClientsReachedGivesConnAck3()
        {
            BrokerOptions o = Options();
            o.MaxClients = 2;
            TestBroker b = new TestBroker(o);
            TestClient one = b.Connect("one");
            b.Connect("two");
            TestClient three = b.Open();
            three.Send(Packets.Connect("three", true, 0));
            Packet ack = b.ExpectConnAck(three, ConnectReturnCode.ServerUnavailable);
            Assert.IsFalse(ack.SessionPresent);
            Assert.IsTrue(three.IsClosing);
            Assert.AreEqual(1L, b.Stats.ConnectionsRefused);
            Assert.AreEqual(2, b.Broker.ConnectedClients);
            three.Drop();
            one.Disconnect();
            one.Drop();
            b.Connect("three");
        }

        [TestMethod]
        public void EveryConnectionSlotTakenOpenReturnsNull()
        {
            BrokerOptions o = Options();
            o.MaxClients = 1;
            TestBroker b = new TestBroker(o);
            // MaxClients plus two spare slots (one to refuse with CONNACK 3, one for a takeover).
            Assert.IsNotNull(b.Broker.Open(b.Clock.Now));
            Assert.IsNotNull(b.Broker.Open(b.Clock.Now));
            Assert.IsNotNull(b.Broker.Open(b.Clock.Now));
            Assert.IsNull(b.Broker.Open(b.Clock.Now));
            Assert.AreEqual(1L, b.Stats.ConnectionsRefused);
        }

        [TestMethod]
        public void MaxSessionsReachedEvictsTheLeastRecentlySeenOfflineSession()
        {
            BrokerOptions o = Options();
            o.MaxClients = 2;
            o.MaxSessions = 2;
            TestBroker b = new TestBroker(o);
            TestClient p1 = b.Connect("p1", false);
            p1.Drop();
            b.Clock.Advance(10);
            TestClient p2 = b.Connect("p2", false);
            p2.Drop();
            TestClient fresh = b.Connect("fresh");
            Assert.AreEqual(1L, b.Stats.SessionsEvicted);
            fresh.Disconnect();
            fresh.Drop();

            TestClient c2 = b.Open();
            c2.Send(Packets.Connect("p2", false, 0));
            Assert.IsTrue(b.ExpectConnAck(c2, 0).SessionPresent, "the newer session is kept");
            TestClient c1 = b.Open();
            c1.Send(Packets.Connect("p1", false, 0));
            Assert.IsFalse(b.ExpectConnAck(c1, 0).SessionPresent, "the older one was evicted");
        }

        [TestMethod]
        public void MaxSessionsReachedNeverEvictsAKeptSession()
        {
            // A bridge's session (Broker.KeepSession) holds what the bridge accepted to forward: the least recently
            // seen offline session that is not kept goes instead, and with none left the new client gets CONNACK 3.
            BrokerOptions o = Options();
            o.MaxClients = 2;
            o.MaxSessions = 2;
            TestBroker b = new TestBroker(o);
            b.Broker.KeepSession(Utf8.GetBytes("bridge-up"));
            TestClient kept = b.Connect("bridge-up", false);
            kept.Drop();
            b.Clock.Advance(10);
            TestClient other = b.Connect("other", false);
            other.Drop();
            TestClient fresh = b.Connect("fresh", false);
            Assert.AreEqual(1L, b.Stats.SessionsEvicted);

            // One session online, the other kept: no room.
            TestClient late = b.Open();
            late.Send(Packets.Connect("late", true, 0));
            b.ExpectConnAck(late, ConnectReturnCode.ServerUnavailable);
            late.Drop();
            fresh.Drop();
            TestClient back = b.Open();
            back.Send(Packets.Connect("bridge-up", false, 0));
            Assert.IsTrue(b.ExpectConnAck(back, 0).SessionPresent, "the kept session is still there");
        }

        [TestMethod]
        public void MaxSubscriptionsReachedGivesSubAck0x80_MQTT_3_9_3()
        {
            BrokerOptions o = Options();
            o.MaxSubscriptions = 2;
            TestBroker b = new TestBroker(o);
            TestClient c = b.Connect("c");
            c.Send(Packets.Subscribe(1, new string[] { "a", "b", "c" }, new int[] { 1, 2, 0 }));
            Expect.Bytes(new byte[] { 0x90, 0x05, 0x00, 0x01, 0x01, 0x02, 0x80 }, c.Read().Raw, "SUBACK");
            Assert.AreEqual(1L, b.Stats.SubscriptionsRefused);
            Assert.IsFalse(c.IsClosing);
            // Replacing an existing subscription needs no new entry.
            b.Subscribe(c, "a", 0);
            b.Connect("pub").Publish("c", "x", 0, false, 0);
            Assert.IsNull(c.Read(), "the refused filter delivers nothing");
        }

        [TestMethod]
        public void TopicLevelBytesReachedGivesSubAck0x80()
        {
            BrokerOptions o = Options();
            o.TopicLevelBytes = (4 + 6) + (4 + 4);
            TestBroker b = new TestBroker(o);
            TestClient c = b.Connect("c");
            c.Send(Packets.Subscribe(1, new string[] { "abcdef", "ghij", "k", "abcdef/+" }, new int[] { 0, 0, 0, 0 }));
            Packet p = c.Read();
            Expect.Bytes(new byte[] { 0x00, 0x00, 0x80, 0x00 }, p.ReturnCodes, "return codes: a level is stored once, a wildcard takes no bytes");
            Assert.AreEqual(18, b.Broker.Subscriptions.Nodes.BytesUsed);
        }

        [TestMethod]
        public void MaxTopicNodesReachedGivesSubAck0x80AndRetainedIsDeliveredNotStored()
        {
            BrokerOptions o = Options();
            o.MaxTopicNodes = 3;
            TestBroker b = new TestBroker(o);
            TestClient c = b.Connect("c");
            c.Send(Packets.Subscribe(1, new string[] { "a/b/c", "a/b/d", "a/b" }, new int[] { 0, 0, 0 }));
            Expect.Bytes(new byte[] { 0x00, 0x80, 0x00 }, c.Read().ReturnCodes, "a/b/d needs a fourth node; a/b has its node");
            Assert.AreEqual(3, b.Broker.Subscriptions.Nodes.Count);

            TestClient pub = b.Connect("pub");
            pub.Publish("a/b", "kept", 0, true, 0);
            pub.Publish("a/b/x", "not kept", 0, true, 0);
            Assert.AreEqual(1, b.Broker.Retained.Count, "a/b has its node; a/b/x has none");
            Assert.AreEqual(1L, b.Stats.RetainedRefused);
            Assert.AreEqual("kept", c.Read().PayloadText);

            // The nodes a/b/c freed take a/b/d.
            b.Unsubscribe(c, "a/b/c");
            b.Subscribe(c, "a/b/d", 0);
        }

        [TestMethod]
        public void ClientIdLongerThanMaxClientIdBytesGivesConnAck2_MQTT_3_1_3_9()
        {
            BrokerOptions o = Options();
            o.MaxClientIdBytes = 23;
            TestBroker b = new TestBroker(o);
            TestClient c = b.Open();
            c.Send(Packets.Connect("123456789012345678901234", true, 0));
            b.ExpectConnAck(c, ConnectReturnCode.IdentifierRejected);
            Assert.IsTrue(c.IsClosing);
            b.Connect("12345678901234567890123");
        }

        [TestMethod]
        public void InflightWindowHoldsFurtherMessagesInTheQueue()
        {
            BrokerOptions o = Options();
            o.InflightWindow = 2;
            TestBroker b = new TestBroker(o);
            TestClient sub = b.Subscriber("sub", "t", 1);
            TestClient pub = b.Connect("pub");
            for (int i = 0; i < 5; i++)
            {
                pub.Publish("t", "m" + i, 1, false, i + 1);
                Expect.Ack(pub.Read(), PacketType.PubAck, i + 1);
            }
            Packet m0 = Expect.Publish(sub.Read(), "t", "m0", 1, false);
            Packet m1 = Expect.Publish(sub.Read(), "t", "m1", 1, false);
            Assert.IsNull(sub.Read(), "two in flight");
            sub.PubAck(m1.PacketId);
            Packet m2 = Expect.Publish(sub.Read(), "t", "m2", 1, false);
            Assert.IsNull(sub.Read());
            sub.PubAck(m0.PacketId);
            sub.PubAck(m2.PacketId);
            Expect.Publish(sub.Read(), "t", "m3", 1, false);
            Expect.Publish(sub.Read(), "t", "m4", 1, false);
            Assert.IsNull(sub.Read());
            Assert.AreEqual(0L, b.Stats.MessagesDropped);
        }

        [TestMethod]
        public void OfflineQueueFullDropsTheOldestAndCounts()
        {
            BrokerOptions o = Options();
            o.QueueDepth = 3;
            TestBroker b = new TestBroker(o);
            TestClient sub = b.Connect("sub", false);
            b.Subscribe(sub, "t", 1);
            sub.Drop();
            TestClient pub = b.Connect("pub");
            for (int i = 0; i < 5; i++)
            {
                pub.Publish("t", "m" + i, 1, false, i + 1);
                Expect.Ack(pub.Read(), PacketType.PubAck, i + 1);
            }
            Assert.AreEqual(2L, b.Stats.MessagesDropped);
            TestClient back = b.Connect("sub", false);
            Expect.Publish(back.Read(), "t", "m2", 1, false);
            Expect.Publish(back.Read(), "t", "m3", 1, false);
            Expect.Publish(back.Read(), "t", "m4", 1, false);
            Assert.IsNull(back.Read());
        }

        [TestMethod]
        public void RetainedCountBudgetRefusesNewTopicsButStillDelivers()
        {
            BrokerOptions o = Options();
            o.MaxRetainedMessages = 2;
            TestBroker b = new TestBroker(o);
            TestClient live = b.Subscriber("live", "#", 0);
            TestClient pub = b.Connect("pub");
            pub.Publish("r1", "a", 0, true, 0);
            pub.Publish("r2", "b", 0, true, 0);
            pub.Publish("r3", "c", 0, true, 0);
            Assert.AreEqual(2, b.Broker.Retained.Count);
            Assert.AreEqual(1L, b.Stats.RetainedRefused);
            Assert.AreEqual(3, live.ReadAll().Length, "delivered though not stored");
            pub.Publish("r1", "replaced", 0, true, 0);
            Assert.AreEqual(1L, b.Stats.RetainedRefused, "replacing a stored topic is within the budget");
            TestClient late = b.Subscriber("late", "#", 0);
            Packet[] got = late.ReadAll();
            Assert.AreEqual(2, got.Length);
            for (int i = 0; i < got.Length; i++)
            {
                Assert.IsTrue(got[i].TopicText != "r3");
                if (got[i].TopicText == "r1") Assert.AreEqual("replaced", got[i].PayloadText);
            }
        }

        [TestMethod]
        public void RetainedBytesBudgetRefusesAndCounts()
        {
            BrokerOptions o = Options();
            o.MaxRetainedBytes = 10;
            TestBroker b = new TestBroker(o);
            TestClient pub = b.Connect("pub");
            pub.Publish("t1", "12345678", 0, true, 0);
            Assert.AreEqual(10, b.Broker.Retained.Bytes);
            pub.Publish("t2", "x", 0, true, 0);
            Assert.AreEqual(1, b.Broker.Retained.Count);
            Assert.AreEqual(1L, b.Stats.RetainedRefused);
            pub.Publish("t1", "", 0, true, 0);
            pub.Publish("t2", "x", 0, true, 0);
            Assert.AreEqual(1, b.Broker.Retained.Count);
            Assert.AreEqual(3, b.Broker.Retained.Bytes);
        }

        // Publisher m0..m4 at QoS 1 to a subscriber with inflight window 1 and queue depth 2 that reads but
        // does not acknowledge: m0 in flight, m1 and m2 queued, m3 held back with the rest of the publisher's input.
        private static TestBroker Backpressured(out TestClient sub, out TestClient pub, out Packet m0)
        {
            BrokerOptions o = Options();
            o.InflightWindow = 1;
            o.QueueDepth = 2;
            o.QueueFull = QueueFullPolicy.Backpressure;
            TestBroker b = new TestBroker(o);
            sub = b.Subscriber("sub", "t", 1);
            pub = b.Connect("pub");
            for (int i = 0; i < 5; i++)
            {
                pub.Publish("t", "m" + i, 1, false, i + 1);
            }
            m0 = Expect.Publish(sub.Read(), "t", "m0", 1, false);
            Assert.IsNull(sub.Read());
            Expect.Ack(pub.Read(), PacketType.PubAck, 1);
            Expect.Ack(pub.Read(), PacketType.PubAck, 2);
            Expect.Ack(pub.Read(), PacketType.PubAck, 3);
            Assert.IsNull(pub.Read(), "m3 is held back: not acknowledged");
            Assert.AreEqual(0L, b.Stats.MessagesDropped);
            return b;
        }

        [TestMethod]
        public void QueueFullBackpressureHoldsThePublisherUntilTheSubscriberAcks()
        {
            TestClient sub, pub;
            Packet m0;
            TestBroker b = Backpressured(out sub, out pub, out m0);
            Assert.IsFalse(pub.IsClosing);
            sub.PubAck(m0.PacketId);
            Packet m1 = Expect.Publish(sub.Read(), "t", "m1", 1, false);
            Expect.Ack(pub.Read(), PacketType.PubAck, 4);
            Assert.IsNull(pub.Read(), "m4 waits now");
            sub.PubAck(m1.PacketId);
            Packet m2 = Expect.Publish(sub.Read(), "t", "m2", 1, false);
            Expect.Ack(pub.Read(), PacketType.PubAck, 5);
            sub.PubAck(m2.PacketId);
            sub.PubAck(Expect.Publish(sub.Read(), "t", "m3", 1, false).PacketId);
            sub.PubAck(Expect.Publish(sub.Read(), "t", "m4", 1, false).PacketId);
            Assert.IsNull(sub.Read());
            Assert.AreEqual(0L, b.Stats.MessagesDropped, "nothing acknowledged was lost");
        }

        [TestMethod]
        public void HeldBackPublisherStillGetsPingResp()
        {
            TestClient sub, pub;
            Packet m0;
            TestBroker b = Backpressured(out sub, out pub, out m0);
            pub.Send(Packets.PingReq());
            Expect.Type(PacketType.PingResp, pub.Read());
            Assert.IsFalse(pub.IsClosing);
        }

        [TestMethod]
        public void SubscriberHoldingPublishersBackBeyondSlowClientTimeoutIsDisconnected()
        {
            TestClient sub, pub;
            Packet m0;
            TestBroker b = Backpressured(out sub, out pub, out m0);
            b.Tick(b.Broker.Options.SlowClientTimeoutMs - 1);
            Assert.IsFalse(sub.IsClosing);
            b.Tick(1);
            Assert.IsTrue(sub.IsClosing, "the stuck subscriber goes");
            Assert.IsFalse(pub.IsClosing, "the publisher goes on");
            Expect.Ack(pub.Read(), PacketType.PubAck, 4);
            Expect.Ack(pub.Read(), PacketType.PubAck, 5);
        }

        [TestMethod]
        public void DropOldestPolicyDropsInsteadOfHoldingThePublisher()
        {
            BrokerOptions o = Options();
            o.InflightWindow = 1;
            o.QueueDepth = 2;
            o.QueueFull = QueueFullPolicy.DropOldest;
            TestBroker b = new TestBroker(o);
            TestClient sub = b.Subscriber("sub", "t", 1);
            TestClient pub = b.Connect("pub");
            for (int i = 0; i < 5; i++)
            {
                pub.Publish("t", "m" + i, 1, false, i + 1);
                Expect.Ack(pub.Read(), PacketType.PubAck, i + 1);
            }
            Assert.AreEqual(2L, b.Stats.MessagesDropped);
            Packet m0 = Expect.Publish(sub.Read(), "t", "m0", 1, false);
            sub.PubAck(m0.PacketId);
            Packet m3 = Expect.Publish(sub.Read(), "t", "m3", 1, false);
            sub.PubAck(m3.PacketId);
            Expect.Publish(sub.Read(), "t", "m4", 1, false);
        }

        [TestMethod]
        public void Qos0ToANonReadingClientIsDroppedAndCounted()
        {
            BrokerOptions o = Options();
            o.MaxPacketSize = 128;
            o.OutboxBytes = 128;
            TestBroker b = new TestBroker(o);
            TestClient sub = b.Subscriber("sub", "t", 0);
            TestClient pub = b.Connect("pub");
            for (int i = 0; i < 20; i++)
            {
                // 20 bytes each: 0x30, 18, topic length, "t", 15 bytes of payload
                pub.Publish("t", "payload-" + (i < 10 ? "0" : "") + i + "-abcd", 0, false, 0);
            }
            Assert.AreEqual(120, sub.Unread, "six whole packets fit in 128 bytes");
            Assert.AreEqual(14L, b.Stats.MessagesDropped);
            Packet[] got = sub.ReadAll();
            Assert.AreEqual(6, got.Length);
            for (int i = 0; i < 6; i++)
            {
                Expect.Publish(got[i], "t", "payload-0" + i + "-abcd", 0, false);
            }
            Assert.IsFalse(pub.IsClosing);
            Assert.IsFalse(sub.IsClosing);
        }

        [TestMethod]
        public void ClientNotReadingForSlowClientTimeoutIsDisconnected()
        {
            TestBroker b = new TestBroker();
            TestClient sub = b.Subscriber("sub", "t", 0);
            b.Connect("pub").Publish("t", "x", 0, false, 0);
            Assert.IsTrue(sub.Unread > 0);
            b.Tick(b.Broker.Options.SlowClientTimeoutMs);
            Assert.IsFalse(sub.IsClosing);
            b.Tick(1);
            Assert.IsTrue(sub.IsClosing);
        }

        [TestMethod]
        public void ReadingClientIsNotASlowClient()
        {
            TestBroker b = new TestBroker();
            TestClient sub = b.Subscriber("sub", "t", 0);
            TestClient pub = b.Connect("pub");
            for (int i = 0; i < 10; i++)
            {
                pub.Publish("t", "x", 0, false, 0);
                b.Tick(b.Broker.Options.SlowClientTimeoutMs / 2);
                Assert.IsNotNull(sub.Read());
            }
            b.Tick(b.Broker.Options.SlowClientTimeoutMs * 2);
            Assert.IsFalse(sub.IsClosing);
        }

        // MQTT 3.1.1 gives a client no way to learn the broker's window: a QoS 2 PUBLISH beyond it waits (the
        // client is not read further) until a PUBREL frees a place, and is then handled; nothing is dropped.
        [TestMethod]
        public void MoreQos2AwaitingPubRelThanTheWindowWaitsForAPubRel()
        {
            BrokerOptions o = Options();
            o.InflightWindow = 2;
            TestBroker b = new TestBroker(o);
            TestClient sub = b.Subscriber("sub", "t", 0);
            TestClient pub = b.Connect("pub");
            pub.Publish("t", "1", 2, false, 1);
            pub.Publish("t", "2", 2, false, 2);
            Expect.Ack(pub.Read(), PacketType.PubRec, 1);
            Expect.Ack(pub.Read(), PacketType.PubRec, 2);
            pub.Publish("t", "3", 2, false, 3);
            Assert.IsFalse(pub.IsClosing);
            Assert.IsNull(pub.Read(), "no PUBREC for a message beyond the window");
            pub.PubRel(1);
            Expect.Ack(pub.Read(), PacketType.PubComp, 1);
            Expect.Ack(pub.Read(), PacketType.PubRec, 3);
            Assert.AreEqual(0, b.Stats.ProtocolViolations);
            Packet[] got = sub.ReadAll();
            Assert.AreEqual(3, got.Length);
            Assert.AreEqual("3", got[2].PayloadText);
        }

        // The PUBRELs a pipelining client sends after its PUBRECs sit behind its waiting PUBLISH packets in
        // the receive buffer: they are handled there, and the client never deadlocks.
        [TestMethod]
        public void APubRelBehindAWaitingQos2PublishFreesTheWindow()
        {
            BrokerOptions o = Options();
            o.InflightWindow = 1;
            TestBroker b = new TestBroker(o);
            TestClient pub = b.Connect("pub");
            pub.Send(Packets.Concat(Packets.Publish("t", "1", 2, false, false, 1), Packets.Publish("t", "2", 2, false, false, 2)));
            Expect.Ack(pub.Read(), PacketType.PubRec, 1);
            Assert.IsNull(pub.Read());
            pub.PubRel(1);
            Expect.Ack(pub.Read(), PacketType.PubComp, 1);
            Expect.Ack(pub.Read(), PacketType.PubRec, 2);
            pub.PubRel(2);
            Expect.Ack(pub.Read(), PacketType.PubComp, 2);
            Assert.IsFalse(pub.IsClosing);
        }

        // A client that fills the whole receive buffer with QoS 2 messages beyond the window before sending a
        // PUBREL would wait forever: the message at the head is then taken without keeping its identifier
        // (delivered, counted), and the client goes on.
        [TestMethod]
        public void AReceiveBufferFullOfQos2MessagesBeyondTheWindowIsTakenNotDeadlocked()
        {
            BrokerOptions o = Options();
            o.InflightWindow = 1;
            TestBroker b = new TestBroker(o);
            TestClient sub = b.Subscriber("sub", "t", 1);
            TestClient pub = b.Connect("pub");
            string payload = new string('x', 200);
            const int sent = 10; // 2 KB: more than the 1 KB receive buffer holds
            for (int id = 1; id <= sent; id++)
            {
                pub.Publish("t", payload, 2, false, id);
            }
            // As the socket loop does: read whenever the engine has room, and answer each PUBREC with PUBREL.
            int acknowledged = 0;
            int delivered = 0;
            for (int round = 0; round < 100 && (acknowledged < sent || delivered < sent); round++)
            {
                pub.Flush();
                Packet p;
                while ((p = pub.Read()) != null)
                {
                    if (p.Type == PacketType.PubComp)
                    {
                        continue;
                    }
                    Expect.Ack(p, PacketType.PubRec, acknowledged + 1);
                    acknowledged++;
                    pub.PubRel(p.PacketId);
                }
                Packet[] got = sub.ReadAll();
                for (int k = 0; k < got.Length; k++)
                {
                    sub.PubAck(got[k].PacketId);
                }
                delivered += got.Length;
            }
            Assert.AreEqual(sent, acknowledged, "a PUBREC for every message");
            Assert.AreEqual(sent, delivered, "every message delivered");
            Assert.IsFalse(pub.IsClosing);
            Assert.IsTrue(b.Stats.InboundWindowOverflows > 0);
        }

        [TestMethod]
        public void MessageStoreFullHoldsThePublisherThenDropsAndCounts()
        {
            BrokerOptions o = Options();
            o.MaxStoredMessages = 2;
            TestBroker b = new TestBroker(o);
            TestClient sub = b.Connect("sub", false);
            b.Subscribe(sub, "t", 1);
            sub.Drop();
            TestClient pub = b.Connect("pub");
            pub.Publish("t", "m0", 1, false, 1);
            pub.Publish("t", "m1", 1, false, 2);
            pub.Publish("t", "m2", 1, false, 3);
            Expect.Ack(pub.Read(), PacketType.PubAck, 1);
            Expect.Ack(pub.Read(), PacketType.PubAck, 2);
            Assert.IsNull(pub.Read(), "no room in the store: the publisher waits");
            b.Tick(b.Broker.Options.SlowClientTimeoutMs);
            Expect.Ack(pub.Read(), PacketType.PubAck, 3);
            Assert.AreEqual(1L, b.Stats.MessagesDropped);
        }

        [TestMethod]
        public void InconsistentOptionsAreRejected()
        {
            BrokerOptions o = Options();
            o.OutboxBytes = o.MaxPacketSize - 1;
            Assert.IsNotNull(o.Validate());
            bool threw = false;
            try
            {
                new Broker(o, 0, null);
            }
            catch (System.ArgumentException)
            {
                threw = true;
            }
            Assert.IsTrue(threw);
            Assert.IsNull(Options().Validate());
            Assert.IsNull(BrokerOptions.Desktop().Validate());
        }

        [TestMethod]
        public void QueueDepth0IsRejected()
        {
            // Every QoS 1/2 message passes through the queue on its way to the inflight window: with no
            // queue a publisher to a QoS 1 subscriber would wait forever (backpressure) or crash (offline).
            BrokerOptions o = Options();
            o.QueueDepth = 0;
            Assert.IsNotNull(o.Validate());
            o.QueueDepth = 1;
            Assert.IsNull(o.Validate());
        }

        [TestMethod]
        public void QueueDepth1Works()
        {
            BrokerOptions o = Options();
            o.QueueDepth = 1;
            o.InflightWindow = 1;
            TestBroker b = new TestBroker(o);
            TestClient sub = b.Connect("sub", false);
            b.Subscribe(sub, "t", 1);
            TestClient pub = b.Connect("pub");
            pub.Publish("t", "x", 1, false, 1);
            Expect.Ack(pub.Read(), PacketType.PubAck, 1);
            Packet p = Expect.Publish(sub.Read(), "t", "x", 1, false);
            sub.PubAck(p.PacketId);
            sub.Drop();
            pub.Publish("t", "y", 1, false, 2);
            pub.Publish("t", "z", 1, false, 3);
            Expect.Ack(pub.Read(), PacketType.PubAck, 2);
            Expect.Ack(pub.Read(), PacketType.PubAck, 3);
            Assert.AreEqual(1L, b.Stats.MessagesDropped);
            TestClient back = b.Connect("sub", false);
            Expect.Publish(back.Read(), "t", "z", 1, false);
        }
    }
}
