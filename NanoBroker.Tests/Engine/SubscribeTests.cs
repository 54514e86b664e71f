#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;
using NanoBroker.Tests.Engine.Harness;

namespace NanoBroker.Tests.Engine
{
    /// <summary>SUBSCRIBE, SUBACK, UNSUBSCRIBE and UNSUBACK (MQTT 3.1.1 sections 3.8 to 3.11, 4.7).</summary>
    [TestClass]
    public class SubscribeTests
    {
        [TestMethod]
        public void SubAckCarriesThePacketIdAndOneCodePerFilterInOrder_MQTT_3_8_4_1_To_3_8_4_5()
        {
            TestBroker b = new TestBroker();
            TestClient c = b.Connect("c");
            c.Send(Packets.Subscribe(0xABCD, new string[] { "a", "b/+", "c/#" }, new int[] { 2, 0, 1 }));
            Packet p = c.Read();
            Expect.Bytes(new byte[] { 0x90, 0x05, 0xAB, 0xCD, 0x02, 0x00, 0x01 }, p.Raw, "SUBACK");
            Assert.AreEqual(3, b.Broker.Subscriptions.Count);
        }

        [TestMethod]
        public void PlusWildcardDeliversOneLevel_MQTT_4_7_1_3()
        {
            TestBroker b = new TestBroker();
            TestClient sub = b.Subscriber("sub", "home/+/temp", 0);
            TestClient pub = b.Connect("pub");
            pub.Publish("home/kitchen/temp", "1", 0, false, 0);
            pub.Publish("home/kitchen/sink/temp", "2", 0, false, 0);
            pub.Publish("home/temp", "3", 0, false, 0);
            Expect.Publish(sub.Read(), "home/kitchen/temp", "1", 0, false);
            Assert.IsNull(sub.Read());
        }

        [TestMethod]
        public void HashWildcardDeliversParentAndAllChildren_MQTT_4_7_1_2()
        {
            TestBroker b = new TestBroker();
            TestClient sub = b.Subscriber("sub", "home/#", 0);
            TestClient pub = b.Connect("pub");
            pub.Publish("home", "0", 0, false, 0);
            pub.Publish("home/a", "1", 0, false, 0);
            pub.Publish("home/a/b/c", "2", 0, false, 0);
            pub.Publish("homes/a", "x", 0, false, 0);
            Expect.Publish(sub.Read(), "home", "0", 0, false);
            Expect.Publish(sub.Read(), "home/a", "1", 0, false);
            Expect.Publish(sub.Read(), "home/a/b/c", "2", 0, false);
            Assert.IsNull(sub.Read());
        }

        [TestMethod]
        public void LeadingWildcardsDoNotMatchDollarTopics_MQTT_4_7_2_1()
        {
            BrokerOptions o = TestBroker.SmallOptions();
            o.SysIntervalMs = 1000;
            TestBroker b = new TestBroker(o);
            TestClient all = b.Subscriber("all", "#", 0);
            TestClient plus = b.Subscriber("plus", "+/broker/version", 0);
            TestClient sys = b.Subscriber("sys", "$SYS/broker/version", 0);
            b.Tick(1);
            Expect.NothingSent(all);
            Expect.NothingSent(plus);
            Expect.Publish(sys.Read(), "$SYS/broker/version", "NanoBroker " + BrokerVersion.Text, 0, false);
        }

        [TestMethod]
        public void OverlappingSubscriptionsDeliverOnceAtTheHighestQos_MQTT_3_3_5_1()
        {
            TestBroker b = new TestBroker();
            TestClient sub = b.Connect("sub");
            sub.Send(Packets.Subscribe(1, new string[] { "a/+", "a/#", "a/b" }, new int[] { 0, 2, 1 }));
            Expect.Type(PacketType.SubAck, sub.Read());
            TestClient pub = b.Connect("pub");
            pub.Publish("a/b", "x", 2, false, 1);
            Expect.Publish(sub.Read(), "a/b", "x", 2, false);
            Assert.IsNull(sub.Read(), "one copy only");
            pub.Publish("a/b", "y", 1, false, 2);
            Packet p = Expect.Publish(sub.Read(), "a/b", "y", 1, false);
            Assert.IsNull(sub.Read());
            pub.Publish("a/c", "z", 2, false, 3);
            Expect.Publish(sub.Read(), "a/c", "z", 2, false);
            Assert.IsNull(sub.Read());
            Assert.IsTrue(p.PacketId > 0);
        }

        [TestMethod]
        public void SameFilterAgainReplacesTheSubscription_MQTT_3_8_4_3()
        {
            TestBroker b = new TestBroker();
            TestClient sub = b.Subscriber("sub", "t", 0);
            b.Subscribe(sub, "t", 2);
            Assert.AreEqual(1, b.Broker.Subscriptions.Count);
            b.Connect("pub").Publish("t", "x", 2, false, 1);
            Expect.Publish(sub.Read(), "t", "x", 2, false);
            Assert.IsNull(sub.Read());
            b.Subscribe(sub, "t", 1);
            b.Connect("pub2").Publish("t", "y", 2, false, 1);
            Expect.Publish(sub.Read(), "t", "y", 1, false);
        }

        [TestMethod]
        public void UnsubscribeStopsDeliveryAndUnsubAckEchoesId_MQTT_3_10_4_2_And_3_10_4_4()
        {
            TestBroker b = new TestBroker();
            TestClient sub = b.Subscriber("sub", "t", 0);
            sub.Send(Packets.Unsubscribe(0x0203, "t"));
            Expect.Bytes(new byte[] { 0xB0, 0x02, 0x02, 0x03 }, sub.Read().Raw, "UNSUBACK");
            Assert.AreEqual(0, b.Broker.Subscriptions.Count);
            b.Connect("pub").Publish("t", "x", 0, false, 0);
            Assert.IsNull(sub.Read());
        }

        [TestMethod]
        public void UnsubscribeOfUnknownFilterStillGetsUnsubAck_MQTT_3_10_4_5()
        {
            TestBroker b = new TestBroker();
            TestClient c = b.Connect("c");
            c.Send(Packets.Unsubscribe(9, new string[] { "never", "subscribed" }));
            Expect.Ack(c.Read(), PacketType.UnsubAck, 9);
            Assert.IsFalse(c.IsClosing);
        }

        [TestMethod]
        public void UnsubscribeComparesFiltersExactly_MQTT_3_10_4_1()
        {
            TestBroker b = new TestBroker();
            TestClient c = b.Subscriber("c", "a/+", 0);
            c.Send(Packets.Unsubscribe(2, "a/b"));
            Expect.Type(PacketType.UnsubAck, c.Read());
            Assert.AreEqual(1, b.Broker.Subscriptions.Count, "a/b does not remove a/+");
        }

        [TestMethod]
        public void UnsubscribeRemovesOnlyThisClientsSubscription()
        {
            TestBroker b = new TestBroker();
            TestClient one = b.Subscriber("one", "t", 0);
            TestClient two = b.Subscriber("two", "t", 0);
            one.Send(Packets.Unsubscribe(3, "t"));
            one.Read();
            b.Connect("pub").Publish("t", "x", 0, false, 0);
            Assert.IsNull(one.Read());
            Expect.Publish(two.Read(), "t", "x", 0, false);
        }

        [TestMethod]
        public void UnsubscribeKeepsInflightDelivery_MQTT_3_10_4_3()
        {
            TestBroker b = new TestBroker();
            TestClient sub = b.Subscriber("sub", "t", 1);
            b.Connect("pub").Publish("t", "x", 1, false, 1);
            Packet p = sub.Read();
            sub.Send(Packets.Unsubscribe(4, "t"));
            Expect.Ack(sub.Read(), PacketType.UnsubAck, 4);
            sub.PubAck(p.PacketId);
            Assert.IsFalse(sub.IsClosing);
        }

        [TestMethod]
        public void RequestedQos3Closes_MQTT_3_8_3_4()
        {
            TestBroker b = new TestBroker();
            TestClient c = b.Connect("c");
            c.Send(Packets.Subscribe(1, "t", 3));
            Expect.ClosedSilently(c);
            Assert.AreEqual(0, b.Broker.Subscriptions.Count);
        }

        [TestMethod]
        public void ReservedBitsInRequestedQosClose_MQTT_3_8_3_4()
        {
            TestBroker b = new TestBroker();
            TestClient c = b.Connect("c");
            c.Send(Packets.Subscribe(1, "t", 0x04 | 1));
            Expect.ClosedSilently(c);
        }

        [TestMethod]
        public void SubscribeWithoutFiltersCloses_MQTT_3_8_3_3()
        {
            TestBroker b = new TestBroker();
            TestClient c = b.Connect("c");
            c.Send(new byte[] { 0x82, 0x02, 0x00, 0x01 });
            Expect.ClosedSilently(c);
        }

        [TestMethod]
        public void UnsubscribeWithoutFiltersCloses_MQTT_3_10_3_2()
        {
            TestBroker b = new TestBroker();
            TestClient c = b.Connect("c");
            c.Send(new byte[] { 0xA2, 0x02, 0x00, 0x01 });
            Expect.ClosedSilently(c);
        }

        [TestMethod]
        public void SubscribeFilterWithoutQosByteCloses_MQTT_3_8_3_4()
        {
            ByteWriter w = new ByteWriter();
            w.UInt16(1).Field("t");
            TestBroker b = new TestBroker();
            TestClient c = b.Connect("c");
            c.Send(w.ToPacket(0x82));
            Expect.ClosedSilently(c);
        }

        [TestMethod]
        public void InvalidFiltersClose_MQTT_4_7_1_2_And_4_7_1_3()
        {
            string[] bad = new string[] { "a/#/b", "a#", "a+/b", "a/b+", "" };
            for (int i = 0; i < bad.Length; i++)
            {
                TestBroker b = new TestBroker();
                TestClient c = b.Connect("c");
                c.Send(Packets.Subscribe(1, new string[] { "ok/+", bad[i] }, new int[] { 0, 0 }));
                Expect.ClosedSilently(c);
                Assert.AreEqual(0, b.Broker.Subscriptions.Count, "nothing of the packet is applied: '" + bad[i] + "'");
            }
        }

        [TestMethod]
        public void InvalidUnsubscribeFilterCloses_MQTT_4_7_1_2()
        {
            TestBroker b = new TestBroker();
            TestClient c = b.Connect("c");
            c.Send(Packets.Unsubscribe(1, "a/#/b"));
            Expect.ClosedSilently(c);
        }

        [TestMethod]
        public void SubscribeAndUnsubscribeWithPacketId0Close_MQTT_2_3_1_1()
        {
            TestBroker b = new TestBroker();
            TestClient c = b.Connect("c");
            c.Send(Packets.Subscribe(0, "t", 0));
            Expect.ClosedSilently(c);
            TestClient d = b.Connect("d");
            d.Send(Packets.Unsubscribe(0, "t"));
            Expect.ClosedSilently(d);
        }

        [TestMethod]
        public void SubscriptionsOfDifferentClientsAreIndependent()
        {
            TestBroker b = new TestBroker();
            TestClient q0 = b.Subscriber("q0", "t", 0);
            TestClient q2 = b.Subscriber("q2", "t", 2);
            b.Connect("pub").Publish("t", "x", 2, false, 5);
            Expect.Publish(q0.Read(), "t", "x", 0, false);
            Expect.Publish(q2.Read(), "t", "x", 2, false);
        }

        // MQTT 3.1 defines no failure return code in SUBACK: a 3.1 client whose filter is refused is told the
        // QoS it asked for, is not subscribed, and stays connected (as mosquitto does); a 3.1.1 client gets 0x80.
        [TestMethod]
        public void AnMqtt31ClientsRefusedFilterGetsItsQosAndNoSubscription()
        {
            BrokerOptions o = TestBroker.SmallOptions();
            o.MaxSubscriptions = 1;
            TestBroker b = new TestBroker(o);
            b.Subscriber("first", "a", 0);
            TestClient legacy = b.Open();
            legacy.Send(Packets.ConnectRaw("MQIsdp", 3, 0x02, 0, Packets.Bytes("legacy")));
            b.ExpectConnAck(legacy, ConnectReturnCode.Accepted);
            legacy.Subscribe(9, "b", 1);
            Packet suback = legacy.Read();
            Expect.Type(PacketType.SubAck, suback);
            Assert.AreEqual(1, (int)suback.ReturnCodes[0]);
            Assert.AreEqual(1, b.Broker.Subscriptions.Count, "not subscribed");
            Assert.IsFalse(legacy.IsClosing);
            b.Connect("pub").Publish("b", "x", 0, false, 0);
            Assert.IsNull(legacy.Read());

            TestClient current = b.Connect("current");
            current.Subscribe(9, "b", 1);
            Assert.AreEqual(0x80, (int)current.Read().ReturnCodes[0]);
        }
    }
}
