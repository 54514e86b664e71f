#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;
using NanoBroker.Tests.Engine.Harness;

namespace NanoBroker.Tests.Engine.Mqtt5
{
    /// <summary>
    /// Message Expiry Interval (5.0 section 3.3.2.3.3): forwarded with the time left [MQTT-3.3.2-6]; a queued or
    /// retained message whose interval passed is not sent [MQTT-3.3.2-5]; retained messages leave when they expire.
    /// </summary>
    [TestClass]
    public class MessageExpiryTests
    {
        private static V5PropertyWriter Expiry(long seconds)
        {
            return new V5PropertyWriter().MessageExpiryInterval(seconds);
        }

        private static TestClient OfflineSubscriber(TestBroker b, string filter)
        {
            TestClient sub = V5Clients.ConnectWithExpiry(b, "sub", 600, false);
            V5Clients.Subscribe(sub, filter, 1);
            sub.Drop();
            return sub;
        }

        [TestMethod]
        public void LiveSubscriberGetsTheWholeInterval_MQTT_3_3_2_6()
        {
            TestBroker b = V5Clients.Broker();
            TestClient sub = V5Clients.Connect(b, "sub");
            V5Clients.Subscribe(sub, "a/b", 1);
            TestClient pub = V5Clients.Connect(b, "pub");
            pub.Send(V5Packets.Publish("a/b", "x", 0, false, false, 0, Expiry(30)));
            pub.Send(V5Packets.Publish("a/b", "y", 1, false, false, 2, Expiry(40)));
            Assert.AreEqual(30, (int)V5Clients.ExpectPublish(sub, "a/b", "x", 0).Properties.Number(V5Property.MessageExpiryInterval));
            Assert.AreEqual(40, (int)V5Clients.ExpectPublish(sub, "a/b", "y", 1).Properties.Number(V5Property.MessageExpiryInterval));
        }

        [TestMethod]
        public void QueuedMessageGetsTheTimeLeft_MQTT_3_3_2_6()
        {
            TestBroker b = V5Clients.Broker();
            OfflineSubscriber(b, "a/b");
            TestClient pub = V5Clients.Connect(b, "pub");
            pub.Send(V5Packets.Publish("a/b", "x", 1, false, false, 2, Expiry(10)));
            b.Tick(4000);
            TestClient back = V5Clients.ConnectWithExpiry(b, "sub", 600, true);
            V5Packet got = V5Clients.ExpectPublish(back, "a/b", "x", 1);
            Assert.AreEqual(6, (int)got.Properties.Number(V5Property.MessageExpiryInterval), "10 s less the 4 s it waited");
        }

        [TestMethod]
        public void ExpiredQueuedMessageIsNotSent_MQTT_3_3_2_5()
        {
            TestBroker b = V5Clients.Broker();
            OfflineSubscriber(b, "a/b");
            TestClient pub = V5Clients.Connect(b, "pub");
            pub.Send(V5Packets.Publish("a/b", "gone", 1, false, false, 2, Expiry(10)));
            pub.Send(V5Packets.Publish("a/b", "stays", 1, false, false, 3, null));
            b.Tick(10000);
            TestClient back = V5Clients.ConnectWithExpiry(b, "sub", 600, true);
            V5Packet got = V5Clients.ExpectPublish(back, "a/b", "stays", 1);
            Assert.IsFalse(got.Properties.Has(V5Property.MessageExpiryInterval), "no expiry: none sent");
            Assert.AreEqual(0, back.Unread, "the expired message is not sent");
            Assert.AreEqual(1, (int)b.Stats.MessagesExpired, "counted");
        }

        [TestMethod]
        public void RetainedMessageGetsTheTimeLeft_MQTT_3_3_2_6()
        {
            TestBroker b = V5Clients.Broker();
            TestClient pub = V5Clients.Connect(b, "pub");
            pub.Send(V5Packets.Publish("a/b", "x", 0, true, false, 0, Expiry(100)));
            b.Tick(30000);
            TestClient sub = V5Clients.Connect(b, "sub");
            V5Clients.Subscribe(sub, "a/b", 1);
            Assert.AreEqual(70, (int)V5Clients.ExpectPublish(sub, "a/b", "x", 0).Properties.Number(V5Property.MessageExpiryInterval));
        }

        [TestMethod]
        public void ExpiredRetainedMessageIsRemovedByTheTick_MQTT_3_3_2_5()
        {
            TestBroker b = V5Clients.Broker();
            TestClient pub = V5Clients.Connect(b, "pub");
            pub.Send(V5Packets.Publish("a/b", "x", 0, true, false, 0, Expiry(5)));
            pub.Send(V5Packets.Publish("c/d", "y", 0, true, false, 0, null));
            Assert.AreEqual(2, b.Broker.Retained.Count);
            int bytes = b.Broker.Retained.Bytes;
            b.Tick(5000);
            Assert.AreEqual(1, b.Broker.Retained.Count, "the expired one left the retained store");
            Assert.IsTrue(b.Broker.Retained.Bytes < bytes, "and its bytes");
            TestClient sub = V5Clients.Connect(b, "sub");
            V5Clients.Subscribe(sub, "#", 1);
            V5Clients.ExpectPublish(sub, "c/d", "y", 0);
            Assert.AreEqual(0, sub.Unread);
        }

        [TestMethod]
        public void ExpiredRetainedMessageFoundAtDeliveryIsRemoved_MQTT_3_3_2_5()
        {
            TestBroker b = V5Clients.Broker();
            TestClient pub = V5Clients.Connect(b, "pub");
            pub.Send(V5Packets.Publish("a/b", "x", 1, true, false, 1, Expiry(5)));
            // The clock moves on without a tick: the subscription finds it expired.
            b.Clock.Advance(6000);
            TestClient sub = V5Clients.Connect(b, "sub");
            V5Clients.Subscribe(sub, "a/b", 1);
            Assert.AreEqual(0, sub.Unread, "not sent");
            Assert.AreEqual(0, b.Broker.Retained.Count, "removed");
            Assert.AreEqual(1, (int)b.Stats.MessagesExpired);
        }

        [TestMethod]
        public void ExpiredRetainedMessageStaysGoneAfterARestart_RecordFormat_RetainedClear()
        {
            RamStorage ram = new RamStorage();
            BrokerOptions o = TestBroker.StorageOptions();
            TestBroker b = TestBroker.Restored(ram, o);
            TestClient pub = V5Clients.Connect(b, "pub");
            pub.Send(V5Packets.Publish("a/b", "x", 1, true, false, 1, Expiry(5)));
            b.CommitStorage();
            b.Tick(6000);
            b.CommitStorage();
            TestBroker again = TestBroker.Restored(ram, o);
            Assert.AreEqual(0, again.Broker.Retained.Count, "its RetainedClear was journaled");
        }

        [TestMethod]
        public void RestartRestartsTheCountdownFromTheTimeLeftWhenWritten_RecordFormat_Value()
        {
            RamStorage ram = new RamStorage();
            BrokerOptions o = TestBroker.StorageOptions();
            o.PersistQueuedMessages = true;
            TestBroker b = TestBroker.Restored(ram, o);
            OfflineSubscriber(b, "q/b");
            TestClient pub = V5Clients.Connect(b, "pub");
            b.Tick(2000);
            pub.Send(V5Packets.Publish("r/b", "kept", 0, true, false, 0, Expiry(100)));
            pub.Send(V5Packets.Publish("q/b", "queued", 1, false, false, 2, Expiry(50)));
            b.CommitStorage();
            b.Tick(20000);

            TestBroker again = TestBroker.Restored(ram, o);
            again.Tick(5000);
            TestClient back = again.Open();
            back.Send(V5Packets.Connect("sub", false, 0, new V5PropertyWriter().SessionExpiryInterval(600)));
            Assert.IsTrue(back.Read5().SessionPresent);
            // Written with their whole intervals; after the restart 5 s went by (the 20 s before it are unknown to the board).
            Assert.AreEqual(45, (int)V5Clients.ExpectPublish(back, "q/b", "queued", 1).Properties.Number(V5Property.MessageExpiryInterval));
            V5Clients.Subscribe(back, "r/b", 1);
            Assert.AreEqual(95, (int)V5Clients.ExpectPublish(back, "r/b", "kept", 0).Properties.Number(V5Property.MessageExpiryInterval));
        }

        [TestMethod]
        public void Mqtt311SubscriberGetsTheMessageWithoutExpiry()
        {
            TestBroker b = V5Clients.Broker();
            TestClient v3 = b.Subscriber("v3", "a/b", 0);
            TestClient pub = V5Clients.Connect(b, "pub");
            pub.Send(V5Packets.Publish("a/b", "x", 0, false, false, 0, Expiry(10)));
            Expect.Publish(v3.Read(), "a/b", "x", 0, false);
        }
    }
}
