#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;
using NanoBroker.Tests.Engine.Harness;

namespace NanoBroker.Tests.Engine
{
    /// <summary>Retained messages (MQTT 3.1.1 section 3.3.1.3).</summary>
    [TestClass]
    public class RetainedTests
    {
        [TestMethod]
        public void RetainedMessageGoesToLaterSubscriberWithRetain1_MQTT_3_3_1_6_And_3_3_1_8()
        {
            TestBroker b = new TestBroker();
            b.Connect("pub").Publish("home/temp", "21.5", 0, true, 0);
            Assert.AreEqual(1, b.Broker.Retained.Count);
            TestClient sub = b.Connect("sub");
            b.Subscribe(sub, "home/temp", 0);
            Packet p = Expect.Publish(sub.Read(), "home/temp", "21.5", 0, true);
            Assert.AreEqual(0x31, (int)p.Raw[0]);
            Assert.IsNull(sub.Read());
        }

        [TestMethod]
        public void EstablishedSubscriberGetsRetain0_MQTT_3_3_1_9()
        {
            TestBroker b = new TestBroker();
            TestClient sub = b.Subscriber("sub", "home/#", 1);
            b.Connect("pub").Publish("home/temp", "20", 1, true, 1);
            Expect.Publish(sub.Read(), "home/temp", "20", 1, false);
        }

        [TestMethod]
        public void NewRetainedMessageReplacesTheOld_MQTT_3_3_1_5()
        {
            TestBroker b = new TestBroker();
            TestClient pub = b.Connect("pub");
            pub.Publish("t", "old", 1, true, 1);
            pub.Publish("t", "new", 1, true, 2);
            Assert.AreEqual(1, b.Broker.Retained.Count);
            TestClient sub = b.Subscriber("sub", "t", 1);
            Expect.Publish(sub.Read(), "t", "new", 1, true);
            Assert.IsNull(sub.Read());
        }

        [TestMethod]
        public void Qos0RetainedReplacesTheOld_MQTT_3_3_1_7()
        {
            TestBroker b = new TestBroker();
            TestClient pub = b.Connect("pub");
            pub.Publish("t", "q2", 2, true, 1);
            pub.Publish("t", "q0", 0, true, 0);
            TestClient sub = b.Subscriber("sub", "t", 2);
            Expect.Publish(sub.Read(), "t", "q0", 0, true);
            Assert.IsNull(sub.Read());
        }

        [TestMethod]
        public void EmptyRetainedMessageClearsTheTopicAndIsNotStored_MQTT_3_3_1_10_And_3_3_1_11()
        {
            TestBroker b = new TestBroker();
            TestClient live = b.Subscriber("live", "t", 0);
            TestClient pub = b.Connect("pub");
            pub.Publish("t", "value", 0, true, 0);
            pub.Publish("t", "", 0, true, 0);
            Assert.AreEqual(0, b.Broker.Retained.Count);
            Assert.AreEqual(0, b.Broker.Retained.Bytes);
            Expect.Publish(live.Read(), "t", "value", 0, false);
            Expect.Publish(live.Read(), "t", "", 0, false);
            TestClient late = b.Subscriber("late", "t", 0);
            Assert.IsNull(late.Read());
        }

        [TestMethod]
        public void PublishWithRetain0LeavesTheRetainedMessage_MQTT_3_3_1_12()
        {
            TestBroker b = new TestBroker();
            TestClient pub = b.Connect("pub");
            pub.Publish("t", "kept", 0, true, 0);
            pub.Publish("t", "passing", 0, false, 0);
            TestClient sub = b.Subscriber("sub", "t", 0);
            Expect.Publish(sub.Read(), "t", "kept", 0, true);
        }

        [TestMethod]
        public void RetainedQosIsTheLowerOfMessageAndSubscription_MQTT_3_8_4_6()
        {
            TestBroker b = new TestBroker();
            TestClient pub = b.Connect("pub");
            pub.Publish("q1", "one", 1, true, 1);
            pub.Publish("q0", "zero", 0, true, 0);
            TestClient s0 = b.Subscriber("s0", "q1", 0);
            Expect.Publish(s0.Read(), "q1", "one", 0, true);
            TestClient s2 = b.Subscriber("s2", "q1", 2);
            Packet p = Expect.Publish(s2.Read(), "q1", "one", 1, true);
            s2.PubAck(p.PacketId);
            TestClient s2b = b.Subscriber("s2b", "q0", 2);
            Expect.Publish(s2b.Read(), "q0", "zero", 0, true);
        }

        [TestMethod]
        public void WildcardSubscriptionGetsEveryMatchingRetainedMessage_MQTT_3_3_1_6()
        {
            TestBroker b = new TestBroker();
            TestClient pub = b.Connect("pub");
            pub.Publish("room/1/temp", "a", 0, true, 0);
            pub.Publish("room/2/temp", "b", 0, true, 0);
            pub.Publish("room/2/hum", "c", 0, true, 0);
            pub.Publish("hall/temp", "d", 0, true, 0);
            TestClient sub = b.Subscriber("sub", "room/+/temp", 0);
            Packet[] got = sub.ReadAll();
            Assert.AreEqual(2, got.Length);
            bool one = false, two = false;
            for (int i = 0; i < got.Length; i++)
            {
                Assert.IsTrue(got[i].Retain);
                if (got[i].TopicText == "room/1/temp" && got[i].PayloadText == "a") one = true;
                if (got[i].TopicText == "room/2/temp" && got[i].PayloadText == "b") two = true;
            }
            Assert.IsTrue(one && two);
        }

        [TestMethod]
        public void ResubscribeResendsRetainedMessages_MQTT_3_8_4_3()
        {
            TestBroker b = new TestBroker();
            b.Connect("pub").Publish("t", "r", 0, true, 0);
            TestClient sub = b.Subscriber("sub", "t", 0);
            Expect.Publish(sub.Read(), "t", "r", 0, true);
            b.Subscribe(sub, "t", 1);
            Expect.Publish(sub.Read(), "t", "r", 0, true);
        }

        [TestMethod]
        public void RetainedMessageLargerThanABlockIsIntact()
        {
            TestBroker b = new TestBroker();
            byte[] payload = new byte[700];
            for (int i = 0; i < payload.Length; i++)
            {
                payload[i] = (byte)(255 - i);
            }
            b.Connect("pub").Send(Packets.Publish(Packets.Bytes("blob/topic"), payload, 1, true, false, 1));
            TestClient sub = b.Subscriber("sub", "blob/#", 1);
            Packet p = sub.Read();
            Expect.Type(PacketType.Publish, p);
            Assert.IsTrue(p.Retain);
            Expect.Bytes(payload, p.Payload, "payload");
            Assert.AreEqual(710, b.Broker.Retained.Bytes);
        }

        [TestMethod]
        public void RetainedMessageSurvivesItsPublisherAndIsSharedByReference()
        {
            TestBroker b = new TestBroker();
            int free = b.Broker.Messages.FreeMessages;
            TestClient pub = b.Connect("pub");
            pub.Publish("t", "shared", 1, true, 1);
            pub.Disconnect();
            pub.Drop();
            Assert.AreEqual(free - 1, b.Broker.Messages.FreeMessages);
            TestClient s1 = b.Subscriber("s1", "t", 1);
            TestClient s2 = b.Subscriber("s2", "t", 1);
            Assert.AreEqual(free - 1, b.Broker.Messages.FreeMessages, "one copy for the store and both subscribers");
            s1.PubAck(Expect.Publish(s1.Read(), "t", "shared", 1, true).PacketId);
            s2.PubAck(Expect.Publish(s2.Read(), "t", "shared", 1, true).PacketId);
            Assert.AreEqual(free - 1, b.Broker.Messages.FreeMessages);
            b.Connect("clear").Publish("t", "", 0, true, 0);
            Assert.AreEqual(free, b.Broker.Messages.FreeMessages);
        }
    }
}
