#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;
using NanoBroker.Tests.Engine.Harness;

namespace NanoBroker.Tests.Engine
{
    /// <summary>
    /// Retained messages for a new subscription [MQTT-3.3.1-6] all arrive, whatever the outbox, the inflight
    /// window and the queue hold: they are sent as room frees up, taking turns with live messages, and a
    /// retained value is never stale: one that cannot be stored clears the one before it [MQTT-3.3.1-5].
    /// </summary>
    [TestClass]
    public class RetainedDeliveryTests
    {
        // The board's defaults: 1536-byte outbox, inflight window 4, queue depth 16, 32 retained messages in
        // 4096 bytes: 32 of 120 bytes are 2.5 outboxes.
        private static TestBroker WithRetained(int topics, int payloadBytes)
        {
            TestBroker b = new TestBroker();
            TestClient pub = b.Connect("pub");
            string payload = new string('v', payloadBytes);
            for (int i = 0; i < topics; i++)
            {
                pub.Publish("r/" + i, payload, 2, true, i + 1);
                Expect.Ack(pub.Read(), PacketType.PubRec, i + 1);
                pub.PubRel(i + 1);
                Expect.Ack(pub.Read(), PacketType.PubComp, i + 1);
            }
            Assert.AreEqual(topics, b.Broker.Retained.Count);
            return b;
        }

        // Reads everything as a client would, acknowledging QoS 1 and 2; returns how many retained PUBLISH came, each once.
        private static int ReadRetained(TestClient sub, int topics)
        {
            bool[] seen = new bool[topics];
            int count = 0;
            Packet p;
            while ((p = sub.Read()) != null)
            {
                if (p.Type == PacketType.PubRel)
                {
                    sub.PubComp(p.PacketId);
                    continue;
                }
                Expect.Type(PacketType.Publish, p);
                Assert.IsTrue(p.Retain, "RETAIN 1 on " + p.TopicText + " [MQTT-3.3.1-8]");
                int n = int.Parse(p.TopicText.Substring(2));
                Assert.IsFalse(seen[n], p.TopicText + " twice");
                seen[n] = true;
                count++;
                if (p.Qos == 1)
                {
                    sub.PubAck(p.PacketId);
                }
                else if (p.Qos == 2)
                {
                    sub.PubRec(p.PacketId);
                }
            }
            return count;
        }

        private static void EveryRetainedMessageArrives(int qos, int payloadBytes)
        {
            TestBroker b = WithRetained(32, payloadBytes);
            TestClient sub = b.Connect("sub");
            b.Subscribe(sub, "r/#", qos);
            Assert.AreEqual(32, ReadRetained(sub, 32));
            Assert.AreEqual(0L, b.Stats.MessagesDropped);
        }

        [TestMethod]
        public void ThirtyTwoRetainedMessagesAllArriveAtQos0_MQTT_3_3_1_6()
        {
            EveryRetainedMessageArrives(0, 120);
        }

        [TestMethod]
        public void ThirtyTwoRetainedMessagesAllArriveAtQos1_MQTT_3_3_1_6()
        {
            EveryRetainedMessageArrives(1, 120);
        }

        [TestMethod]
        public void ThirtyTwoRetainedMessagesAllArriveAtQos2_MQTT_3_3_1_6()
        {
            EveryRetainedMessageArrives(2, 20);
        }

        // The rest of a retained delivery waits for the client, not for a later packet of its own.
        [TestMethod]
        public void TheRestOfARetainedDeliveryGoesAsTheClientReadsAndAcknowledges()
        {
            TestBroker b = WithRetained(32, 20);
            TestClient sub = b.Connect("sub");
            b.Subscribe(sub, "r/#", 1);
            Packet[] first = sub.ReadAll();
            Assert.AreEqual(b.Broker.Options.InflightWindow, first.Length, "a window's worth, then it waits for PUBACK");
            sub.PubAck(first[0].PacketId);
            Assert.AreEqual(1, sub.ReadAll().Length, "one PUBACK, one more");
        }

        // Live messages keep flowing during a long retained delivery: the two take turns.
        [TestMethod]
        public void LiveMessagesTakeTurnsWithARetainedDelivery()
        {
            TestBroker b = WithRetained(32, 20);
            TestClient sub = b.Connect("sub");
            sub.Send(Packets.Subscribe(1, new string[] { "r/#", "live" }, new int[] { 1, 1 }));
            Expect.Type(PacketType.SubAck, sub.Read());
            TestClient pub = b.Connect("pub2");
            for (int i = 0; i < 8; i++)
            {
                pub.Publish("live", "m" + i, 1, false, i + 1);
            }
            int retainedBeforeLastLive = 0;
            int live = 0;
            int retained = 0;
            Packet p;
            while ((p = sub.Read()) != null)
            {
                if (p.Retain)
                {
                    retained++;
                }
                else
                {
                    live++;
                    retainedBeforeLastLive = retained;
                }
                sub.PubAck(p.PacketId);
            }
            Assert.AreEqual(32, retained);
            Assert.AreEqual(8, live);
            Assert.IsTrue(retainedBeforeLastLive < 32, "live messages did not wait for the whole retained delivery");
        }

        // A retained value set after the subscription reaches it live (RETAIN 0) and is not sent again as retained.
        [TestMethod]
        public void ARetainedValueSetDuringTheDeliveryComesOnceAndNew()
        {
            TestBroker b = WithRetained(32, 20);
            TestClient sub = b.Connect("sub");
            b.Subscribe(sub, "r/#", 1);
            b.Connect("pub2").Publish("r/31", "newer", 0, true, 0);
            int r31 = 0;
            Packet p;
            while ((p = sub.Read()) != null)
            {
                if (p.TopicText == "r/31")
                {
                    r31++;
                    Assert.AreEqual("newer", p.PayloadText);
                }
                if (p.Qos > 0)
                {
                    sub.PubAck(p.PacketId);
                }
            }
            Assert.AreEqual(1, r31);
        }

        // A client that goes away in the middle of a retained delivery leaves nothing behind.
        [TestMethod]
        public void ADisconnectDuringARetainedDeliveryFreesEverything()
        {
            TestBroker b = WithRetained(32, 20);
            int freeMessages = b.Broker.Messages.FreeMessages;
            TestClient sub = b.Connect("sub");
            sub.Subscribe(1, "r/#", 1);
            sub.Read();
            sub.Drop();
            Assert.AreEqual(freeMessages, b.Broker.Messages.FreeMessages);
            TestClient again = b.Connect("sub");
            b.Subscribe(again, "r/#", 0);
            Assert.AreEqual(32, ReadRetained(again, 32));
        }

        // A persistent session that goes away in the middle of a retained delivery gets the rest when it comes back:
        // the messages in flight again [MQTT-4.4.0-1], then those not yet sent.
        [TestMethod]
        public void ARetainedDeliveryCutByADisconnectGoesOnWhenThePersistentSessionResumes()
        {
            TestBroker b = WithRetained(32, 20);
            TestClient sub = b.Connect("sub", false);
            b.Subscribe(sub, "r/#", 1);
            Assert.AreEqual(b.Broker.Options.InflightWindow, sub.ReadAll().Length, "a window's worth, unacknowledged");
            sub.Drop();
            b.Connect("pub").Publish("other", "x", 0, false, 0);
            TestClient back = b.Connect("sub", false);
            Assert.AreEqual(32, ReadRetained(back, 32));
        }

        // $SYS statistics are retained in a budget of their own: the user's 32 retained topics all fit beside them.
        [TestMethod]
        public void SysTopicsDoNotTakeTheUsersRetainedBudget()
        {
            BrokerOptions o = TestBroker.SmallOptions();
            o.SysIntervalMs = 1000;
            TestBroker b = new TestBroker(o);
            b.Tick(1);
            TestClient pub = b.Connect("pub");
            for (int i = 0; i < o.MaxRetainedMessages; i++)
            {
                pub.Publish("r/" + i, "v", 0, true, 0);
            }
            b.Tick(1000);
            Assert.AreEqual(o.MaxRetainedMessages, b.Broker.Retained.Count);
            Assert.AreEqual(0L, b.Stats.RetainedRefused);
            TestClient sub = b.Connect("sub");
            b.Subscribe(sub, "r/#", 0);
            Assert.AreEqual(o.MaxRetainedMessages, ReadRetained(sub, o.MaxRetainedMessages));
        }

        private static void ExpectNoRetained(TestBroker b, string topic)
        {
            TestClient late = b.Connect("late");
            late.Subscribe(1, topic, 0);
            Expect.Type(PacketType.SubAck, late.Read());
            Assert.IsNull(late.Read(), "no stale retained value on " + topic);
        }

        // [MQTT-3.3.1-5] a retained update that does not fit the budget clears the old value: a later subscriber
        // is not told "open" after "closed" was published.
        [TestMethod]
        public void ARetainedUpdateBeyondTheByteBudgetClearsTheOldValue_MQTT_3_3_1_5()
        {
            BrokerOptions o = TestBroker.SmallOptions();
            o.MaxRetainedBytes = 16;
            TestBroker b = new TestBroker(o);
            TestClient pub = b.Connect("pub");
            pub.Publish("door", "open", 0, true, 0);
            pub.Publish("door", "closed, and locked since noon", 0, true, 0);
            Assert.AreEqual(0, b.Broker.Retained.Count);
            Assert.AreEqual(1L, b.Stats.RetainedRefused);
            ExpectNoRetained(b, "door");
        }

        [TestMethod]
        public void ARetainedUpdateWhenTheMessageStoreIsFullClearsTheOldValue_MQTT_3_3_1_5()
        {
            BrokerOptions o = TestBroker.SmallOptions();
            o.QueueFull = QueueFullPolicy.DropOldest;
            o.MaxStoredMessages = 2;
            TestBroker b = new TestBroker(o);
            TestClient pub = b.Connect("pub");
            pub.Publish("door", "open", 0, true, 0);
            TestClient sleeper = b.Connect("sleeper", false);
            b.Subscribe(sleeper, "q", 1);
            sleeper.Disconnect();
            sleeper.Drop();
            pub.Publish("q", "fills the store", 1, false, 1);
            pub.Publish("door", "closed", 0, true, 0);
            Assert.AreEqual(1L, b.Stats.RetainedRefused);
            ExpectNoRetained(b, "door");
        }

        // The clear is written to the log too: a restart does not bring the old value back.
        [TestMethod]
        public void AClearedStaleValueStaysClearedAfterARestart_MQTT_3_3_1_5()
        {
            BrokerOptions o = TestBroker.StorageOptions();
            o.MaxRetainedBytes = 16;
            RamStorage ram = new RamStorage();
            TestBroker b = TestBroker.Restored(ram, o);
            TestClient pub = b.Connect("pub");
            pub.Publish("door", "open", 0, true, 0);
            pub.Publish("door", "closed, and locked since noon", 0, true, 0);
            b.CommitStorage();
            TestBroker after = TestBroker.Restored(ram.AfterPowerCut(0), o);
            Assert.AreEqual(0, after.Broker.Retained.Count);
        }
    }
}
