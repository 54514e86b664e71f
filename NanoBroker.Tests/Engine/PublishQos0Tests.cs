#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;
using NanoBroker.Tests.Engine.Harness;

namespace NanoBroker.Tests.Engine
{
    /// <summary>PUBLISH at QoS 0 (MQTT 3.1.1 sections 3.3 and 4.3.1).</summary>
    [TestClass]
    public class PublishQos0Tests
    {
        [TestMethod]
        public void Qos0IsForwardedByteForByte_MQTT_3_3_2_3()
        {
            TestBroker b = new TestBroker();
            TestClient sub = b.Subscriber("sub", "a/b", 0);
            TestClient pub = b.Connect("pub");
            pub.Publish("a/b", "xyz", 0, false, 0);
            Packet p = sub.Read();
            Expect.Bytes(new byte[] { 0x30, 8, 0, 3, (byte)'a', (byte)'/', (byte)'b', (byte)'x', (byte)'y', (byte)'z' }, p.Raw, "forwarded PUBLISH");
            Assert.IsNull(sub.Read());
            Assert.IsNull(pub.Read(), "QoS 0 is not acknowledged [MQTT-4.3.1]");
            Assert.AreEqual(1L, b.Stats.MessagesReceived);
            Assert.AreEqual(1L, b.Stats.MessagesSent);
        }

        [TestMethod]
        public void NonMatchingSubscriberGetsNothing()
        {
            TestBroker b = new TestBroker();
            TestClient sub = b.Subscriber("sub", "a/c", 0);
            TestClient pub = b.Connect("pub");
            pub.Publish("a/b", "x", 0, false, 0);
            Expect.NothingSent(sub);
        }

        [TestMethod]
        public void EveryMatchingSubscriberGetsACopy_MQTT_4_5_0_1()
        {
            TestBroker b = new TestBroker();
            TestClient s1 = b.Subscriber("s1", "a/b", 0);
            TestClient s2 = b.Subscriber("s2", "a/+", 0);
            TestClient s3 = b.Subscriber("s3", "#", 0);
            TestClient pub = b.Connect("pub");
            pub.Publish("a/b", "all", 0, false, 0);
            Expect.Publish(s1.Read(), "a/b", "all", 0, false);
            Expect.Publish(s2.Read(), "a/b", "all", 0, false);
            Expect.Publish(s3.Read(), "a/b", "all", 0, false);
        }

        [TestMethod]
        public void Qos0ToQos2SubscriptionStaysQos0_MQTT_3_8_4_6()
        {
            TestBroker b = new TestBroker();
            TestClient sub = b.Subscriber("sub", "t", 2);
            b.Connect("pub").Publish("t", "low", 0, false, 0);
            Packet p = Expect.Publish(sub.Read(), "t", "low", 0, false);
            Assert.AreEqual(0, p.PacketId);
            Assert.IsFalse(p.Dup, "DUP is 0 for QoS 0 [MQTT-3.3.1-2]");
        }

        [TestMethod]
        public void PublisherSubscribedToItsOwnTopicGetsItsMessage()
        {
            TestBroker b = new TestBroker();
            TestClient c = b.Subscriber("echo", "me", 0);
            c.Publish("me", "hello", 0, false, 0);
            Expect.Publish(c.Read(), "me", "hello", 0, false);
        }

        [TestMethod]
        public void EmptyPayloadIsForwarded()
        {
            TestBroker b = new TestBroker();
            TestClient sub = b.Subscriber("sub", "t", 0);
            b.Connect("pub").Publish("t", "", 0, false, 0);
            Packet p = Expect.Publish(sub.Read(), "t", "", 0, false);
            Assert.AreEqual(3, p.RemainingLength);
        }

        [TestMethod]
        public void MessagesFromOnePublisherArriveInOrder_MQTT_4_6_0_6()
        {
            TestBroker b = new TestBroker();
            TestClient sub = b.Subscriber("sub", "seq", 0);
            TestClient pub = b.Connect("pub");
            for (int i = 0; i < 10; i++)
            {
                pub.Publish("seq", "m" + i, 0, false, 0);
            }
            for (int i = 0; i < 10; i++)
            {
                Expect.Publish(sub.Read(), "seq", "m" + i, 0, false);
            }
        }

        [TestMethod]
        public void LargePayloadWithTwoByteRemainingLengthIsForwardedIntact()
        {
            TestBroker b = new TestBroker();
            TestClient sub = b.Subscriber("sub", "big", 0);
            byte[] payload = new byte[900];
            for (int i = 0; i < payload.Length; i++)
            {
                payload[i] = (byte)(i * 31);
            }
            b.Connect("pub").Send(Packets.Publish(Packets.Bytes("big"), payload, 0, false, false, 0));
            Packet p = sub.Read();
            Expect.Type(PacketType.Publish, p);
            Expect.Bytes(payload, p.Payload, "payload");
            Assert.AreEqual(905, p.RemainingLength);
        }

        [TestMethod]
        public void PublishSplitAcrossManyReadsIsForwardedOnce()
        {
            TestBroker b = new TestBroker();
            TestClient sub = b.Subscriber("sub", "frag", 0);
            TestClient pub = b.Connect("pub");
            pub.SendByteByByte(Packets.Concat(Packets.Publish("frag", "one"), Packets.Publish("frag", "two")));
            Expect.Publish(sub.Read(), "frag", "one", 0, false);
            Expect.Publish(sub.Read(), "frag", "two", 0, false);
            Assert.IsNull(sub.Read());
        }

        [TestMethod]
        public void ClientPublishToSysTopicIsNotRouted_MQTT_3_3_5_2()
        {
            TestBroker b = new TestBroker();
            TestClient sub = b.Subscriber("sub", "$SYS/#", 1);
            TestClient pub = b.Connect("pub");
            pub.Publish("$SYS/broker/fake", "x", 1, true, 9);
            Expect.Ack(pub.Read(), PacketType.PubAck, 9);
            Assert.IsFalse(pub.IsClosing);
            Expect.NothingSent(sub);
            Assert.AreEqual(0, b.Broker.Retained.Count);
            Assert.AreEqual(1L, b.Stats.PublishesDenied);
        }

        [TestMethod]
        public void OtherDollarTopicsAreRoutedToExplicitSubscribers()
        {
            TestBroker b = new TestBroker();
            TestClient exact = b.Subscriber("exact", "$app/x", 0);
            TestClient wild = b.Subscriber("wild", "#", 0);
            b.Connect("pub").Publish("$app/x", "d", 0, false, 0);
            Expect.Publish(exact.Read(), "$app/x", "d", 0, false);
            Expect.NothingSent(wild);
        }

        [TestMethod]
        public void Qos0IsNotQueuedForAnOfflinePersistentSession()
        {
            TestBroker b = new TestBroker();
            TestClient sub = b.Connect("sub", false);
            b.Subscribe(sub, "t", 1);
            sub.Disconnect();
            sub.Drop();
            b.Connect("pub").Publish("t", "lost", 0, false, 0);
            TestClient again = b.Resume("sub");
            Assert.IsNull(again.Read());
        }
    }
}
