#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;
using NanoBroker.Tests.Engine.Harness;

namespace NanoBroker.Tests.Engine
{
    /// <summary>QoS 1, at least once (MQTT 3.1.1 sections 3.4 and 4.3.2).</summary>
    [TestClass]
    public class Qos1Tests
    {
        [TestMethod]
        public void PublisherGetsPubAckWithItsPacketId_MQTT_4_3_2_2()
        {
            TestBroker b = new TestBroker();
            TestClient pub = b.Connect("pub");
            pub.Publish("t", "x", 1, false, 0x1234);
            Packet ack = pub.Read();
            Expect.Bytes(new byte[] { 0x40, 0x02, 0x12, 0x34 }, ack.Raw, "PUBACK");
        }

        [TestMethod]
        public void SubscriberGetsQos1WithPacketIdAndDup0_MQTT_2_3_1_1()
        {
            TestBroker b = new TestBroker();
            TestClient sub = b.Subscriber("sub", "t", 1);
            TestClient pub = b.Connect("pub");
            pub.Publish("t", "x", 1, false, 500);
            Expect.Ack(pub.Read(), PacketType.PubAck, 500);
            Packet p = Expect.Publish(sub.Read(), "t", "x", 1, false);
            Assert.IsFalse(p.Dup);
            Assert.IsTrue(p.PacketId != 0);
            Assert.AreEqual(0x32, (int)p.Raw[0]);
        }

        [TestMethod]
        public void Qos1ToQos0SubscriptionIsDowngraded_MQTT_3_8_4_6()
        {
            TestBroker b = new TestBroker();
            TestClient sub = b.Subscriber("sub", "t", 0);
            TestClient pub = b.Connect("pub");
            pub.Publish("t", "x", 1, false, 1);
            Packet p = Expect.Publish(sub.Read(), "t", "x", 0, false);
            Assert.AreEqual(6, p.Raw.Length, "no packet id at QoS 0");
        }

        [TestMethod]
        public void Qos2ToQos1SubscriptionIsDowngraded_MQTT_3_8_4_6()
        {
            TestBroker b = new TestBroker();
            TestClient sub = b.Subscriber("sub", "t", 1);
            TestClient pub = b.Connect("pub");
            pub.Publish("t", "x", 2, false, 1);
            Expect.Ack(pub.Read(), PacketType.PubRec, 1);
            Expect.Publish(sub.Read(), "t", "x", 1, false);
        }

        [TestMethod]
        public void UnacknowledgedQos1IsResentWithDupOnReconnect_MQTT_4_4_0_1_And_3_3_1_1()
        {
            TestBroker b = new TestBroker();
            TestClient sub = b.Connect("sub", false);
            b.Subscribe(sub, "t", 1);
            TestClient pub = b.Connect("pub");
            pub.Publish("t", "again", 1, false, 3);
            Packet first = Expect.Publish(sub.Read(), "t", "again", 1, false);
            Assert.IsFalse(first.Dup);
            sub.Drop();

            TestClient back = b.Resume("sub");
            Packet resent = Expect.Publish(back.Read(), "t", "again", 1, false);
            Assert.IsTrue(resent.Dup, "DUP set on the re-delivery");
            Assert.AreEqual(first.PacketId, resent.PacketId, "same packet id");
            back.PubAck(resent.PacketId);
            Assert.IsNull(back.Read());

            // Acknowledged: not sent a third time.
            back.Drop();
            TestClient third = b.Connect("sub", false);
            Assert.IsNull(third.Read());
        }

        [TestMethod]
        public void PubAckFreesTheMessageFromTheStore()
        {
            TestBroker b = new TestBroker();
            int freeBefore = b.Broker.Messages.FreeMessages;
            TestClient sub = b.Subscriber("sub", "t", 1);
            b.Connect("pub").Publish("t", "x", 1, false, 1);
            Packet p = sub.Read();
            Assert.AreEqual(freeBefore - 1, b.Broker.Messages.FreeMessages, "held until acknowledged");
            sub.PubAck(p.PacketId);
            Assert.AreEqual(freeBefore, b.Broker.Messages.FreeMessages);
        }

        [TestMethod]
        public void DuplicatePublishFromClientIsAcknowledgedAndForwardedAgain_MQTT_4_3_2_2()
        {
            TestBroker b = new TestBroker();
            TestClient sub = b.Subscriber("sub", "t", 1);
            TestClient pub = b.Connect("pub");
            pub.Publish("t", "dup", 1, false, 8);
            pub.Send(Packets.Publish("t", "dup", 1, false, true, 8));
            Expect.Ack(pub.Read(), PacketType.PubAck, 8);
            Expect.Ack(pub.Read(), PacketType.PubAck, 8);
            Packet a = Expect.Publish(sub.Read(), "t", "dup", 1, false);
            Packet c = Expect.Publish(sub.Read(), "t", "dup", 1, false);
            Assert.IsTrue(a.PacketId != c.PacketId, "distinct ids while both are in flight [MQTT-4.3.2-1]");
            Assert.IsFalse(c.Dup, "the broker sets DUP on its own re-sends only [MQTT-3.3.1-3]");
        }

        [TestMethod]
        public void QueuedQos1ArriveInOrder_MQTT_4_6_0_6()
        {
            TestBroker b = new TestBroker();
            TestClient sub = b.Subscriber("sub", "t", 1);
            TestClient pub = b.Connect("pub");
            for (int i = 0; i < 12; i++)
            {
                pub.Publish("t", "m" + i, 1, false, i + 1);
                Expect.Ack(pub.Read(), PacketType.PubAck, i + 1);
            }
            for (int i = 0; i < 12; i++)
            {
                Packet p = sub.Read();
                Assert.IsNotNull(p, "message " + i);
                Expect.Publish(p, "t", "m" + i, 1, false);
                sub.PubAck(p.PacketId);
            }
            Assert.IsNull(sub.Read());
        }

        [TestMethod]
        public void PubAckForUnknownIdIsIgnored()
        {
            TestBroker b = new TestBroker();
            TestClient c = b.Connect("c");
            c.PubAck(999);
            Assert.IsFalse(c.IsClosing);
            Assert.IsNull(c.Read());
        }

        [TestMethod]
        public void PubAckWithWrongLengthCloses_MQTT_4_8_0_1()
        {
            TestBroker b = new TestBroker();
            TestClient c = b.Connect("c");
            c.Send(new byte[] { 0x40, 0x03, 0x00, 0x01, 0x00 });
            Expect.ClosedSilently(c);
        }

        [TestMethod]
        public void Qos1PublishWithPacketId0Closes_MQTT_2_3_1_1()
        {
            TestBroker b = new TestBroker();
            TestClient sub = b.Subscriber("sub", "t", 1);
            TestClient c = b.Connect("c");
            c.Publish("t", "x", 1, false, 0);
            Expect.ClosedSilently(c);
            Expect.NothingSent(sub);
        }

        [TestMethod]
        public void PacketIdsWrapFrom65535To1_MQTT_2_3_1_1()
        {
            BrokerOptions o = TestBroker.SmallOptions();
            o.InflightWindow = 1;
            TestBroker b = new TestBroker(o);
            TestClient sub = b.Subscriber("sub", "t", 1);
            TestClient pub = b.Connect("pub");
            int last = 0;
            for (int i = 0; i < 65537; i++)
            {
                pub.Publish("t", "", 1, false, 1);
                pub.Read();
                Packet p = sub.Read();
                Assert.IsTrue(p.PacketId >= 1 && p.PacketId <= 65535);
                if (i > 0 && last == 65535)
                {
                    Assert.AreEqual(1, p.PacketId);
                }
                last = p.PacketId;
                sub.PubAck(p.PacketId);
            }
        }
    }
}
