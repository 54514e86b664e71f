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
    /// PUBLISH properties forwarded from a 5.0 publisher to 5.0 subscribers unchanged and in order [MQTT-3.3.2-17,
    /// MQTT-3.3.2-18] at every QoS, retained, queued and after a restart; none to a 3.1.1 subscriber.
    /// </summary>
    [TestClass]
    public class PublishPropertiesTests
    {
        // Every property a broker forwards, User Properties twice and apart, in an order that is not the ids'.
        private static V5PropertyWriter Forwarded()
        {
            return new V5PropertyWriter()
                .UserProperty("first", "1")
                .ContentType("text/plain")
                .PayloadFormatIndicator(1)
                .ResponseTopic("re/ply")
                .CorrelationData(new byte[] { 0, 1, 2, 0xFF })
                .UserProperty("first", "2");
        }

        private static void ExpectForwarded(V5Packet got, string what)
        {
            Expect.Bytes(V5PropertyWriter.BlockOf(Forwarded()), V5Clients.PropertyBlock(got), what + ": the properties byte for byte [MQTT-3.3.2-17, MQTT-3.3.2-18]");
        }

        private static void PublishAndExpect(int qos)
        {
            TestBroker b = V5Clients.Broker();
            TestClient sub = V5Clients.Connect(b, "sub");
            V5Clients.Subscribe(sub, "a/b", 2);
            TestClient pub = V5Clients.Connect(b, "pub");
            pub.Send(V5Packets.Publish("a/b", "hello", qos, false, false, qos > 0 ? 3 : 0, Forwarded()));
            ExpectForwarded(V5Clients.ExpectPublish(sub, "a/b", "hello", qos), "QoS " + qos);
        }

        [TestMethod]
        public void PropertiesReachASubscriberUnchangedAtQos0_MQTT_3_3_2_17()
        {
            PublishAndExpect(0);
        }

        [TestMethod]
        public void PropertiesReachASubscriberUnchangedAtQos1_MQTT_3_3_2_17()
        {
            PublishAndExpect(1);
        }

        [TestMethod]
        public void PropertiesReachASubscriberUnchangedAtQos2_MQTT_3_3_2_17()
        {
            PublishAndExpect(2);
        }

        [TestMethod]
        public void TopicAliasAndMessageExpiryAreNotForwardedVerbatim_MQTT_3_3_2_6()
        {
            TestBroker b = V5Clients.Broker();
            TestClient sub = V5Clients.Connect(b, "sub");
            V5Clients.Subscribe(sub, "a/b", 1);
            TestClient pub = V5Clients.Connect(b, "pub");
            pub.Send(V5Packets.Publish("a/b", "x", 1, false, false, 3, new V5PropertyWriter()
                .UserProperty("u", "1").TopicAlias(1).ContentType("c").MessageExpiryInterval(100).UserProperty("u", "2")));
            V5Packet got = V5Clients.ExpectPublish(sub, "a/b", "x", 1);
            // The broker's own first (Message Expiry with the time left), then the forwarded ones in order.
            V5PropertyWriter expected = new V5PropertyWriter().MessageExpiryInterval(100).UserProperty("u", "1").ContentType("c").UserProperty("u", "2");
            Expect.Bytes(V5PropertyWriter.BlockOf(expected), V5Clients.PropertyBlock(got), "properties");
        }

        [TestMethod]
        public void RetainedMessageKeepsItsProperties_MQTT_3_3_2_17()
        {
            TestBroker b = V5Clients.Broker();
            TestClient pub = V5Clients.Connect(b, "pub");
            pub.Send(V5Packets.Publish("a/b", "kept", 1, true, false, 3, Forwarded()));
            Assert.AreEqual(PacketType.PubAck, pub.Read5().Type);
            TestClient sub = V5Clients.Connect(b, "sub");
            V5Clients.Subscribe(sub, "a/b", 1);
            V5Packet got = V5Clients.ExpectPublish(sub, "a/b", "kept", 1);
            Assert.IsTrue(got.Retain, "RETAIN");
            ExpectForwarded(got, "retained");
        }

        [TestMethod]
        public void QueuedMessageKeepsItsProperties_MQTT_3_3_2_17()
        {
            TestBroker b = V5Clients.Broker();
            TestClient sub = V5Clients.ConnectWithExpiry(b, "sub", 600, false);
            V5Clients.Subscribe(sub, "a/b", 2);
            sub.Drop();
            TestClient pub = V5Clients.Connect(b, "pub");
            pub.Send(V5Packets.Publish("a/b", "later", 2, false, false, 3, Forwarded()));
            TestClient back = V5Clients.ConnectWithExpiry(b, "sub", 600, true);
            ExpectForwarded(V5Clients.ExpectPublish(back, "a/b", "later", 2), "queued");
        }

        [TestMethod]
        public void PropertiesOfRetainedAndQueuedMessagesSurviveARestart_RecordFormat_D()
        {
            RamStorage ram = new RamStorage();
            BrokerOptions o = TestBroker.StorageOptions();
            o.PersistQueuedMessages = true;
            TestBroker b = TestBroker.Restored(ram, o);
            TestClient sub = V5Clients.ConnectWithExpiry(b, "sub", 600, false);
            V5Clients.Subscribe(sub, "q/#", 1);
            sub.Drop();
            TestClient pub = V5Clients.Connect(b, "pub");
            pub.Send(V5Packets.Publish("r/1", "kept", 1, true, false, 3, Forwarded()));
            pub.Send(V5Packets.Publish("q/1", "queued", 1, false, false, 4, Forwarded()));
            b.CommitStorage();

            TestBroker again = TestBroker.Restored(ram, o);
            TestClient back = again.Open();
            back.Send(V5Packets.Connect("sub", false, 0, new V5PropertyWriter().SessionExpiryInterval(600)));
            Assert.IsTrue(back.Read5().SessionPresent, "session present after the restart");
            ExpectForwarded(V5Clients.ExpectPublish(back, "q/1", "queued", 1), "queued, restored");
            V5Clients.Subscribe(back, "r/1", 1);
            V5Packet retained = V5Clients.ExpectPublish(back, "r/1", "kept", 1);
            ExpectForwarded(retained, "retained, restored");
        }

        [TestMethod]
        public void Mqtt311SubscriberGetsNoProperties()
        {
            TestBroker b = V5Clients.Broker();
            TestClient v3 = b.Subscriber("v3", "a/b", 1);
            TestClient pub = V5Clients.Connect(b, "pub");
            pub.Send(V5Packets.Publish("a/b", "hello", 0, false, false, 0, Forwarded().MessageExpiryInterval(60)));
            pub.Send(V5Packets.Publish("a/b", "again", 1, false, false, 5, Forwarded()));
            // 3.1.1 layout: topic, (packet id), payload; Expect.Publish reads the payload right after them.
            Expect.Publish(v3.Read(), "a/b", "hello", 0, false);
            Expect.Publish(v3.Read(), "a/b", "again", 1, false);
        }

        [TestMethod]
        public void PayloadFormatIndicatorIsForwardedWithoutCheckingThePayload_Section_3_3_2_3_2()
        {
            // The broker MAY refuse a payload that is not UTF-8 (PUBACK 0x99); NanoBroker does not scan payloads.
            TestBroker b = V5Clients.Broker();
            TestClient sub = V5Clients.Connect(b, "sub");
            V5Clients.Subscribe(sub, "a/b", 1);
            TestClient pub = V5Clients.Connect(b, "pub");
            pub.Send(V5Packets.Publish(Packets.Bytes("a/b"), new byte[] { 0xC0, 0xFF }, 1, false, false, 3, new V5PropertyWriter().PayloadFormatIndicator(1)));
            Assert.AreEqual(ReasonCode.Success, pub.Read5().ReasonCode, "PUBACK success");
            V5Packet got = sub.Read5();
            Assert.AreEqual(PacketType.Publish, got.Type);
            Assert.AreEqual(1, (int)got.Properties.Number(V5Property.PayloadFormatIndicator));
            Assert.AreEqual(2, got.Payload.Length);
        }

        [TestMethod]
        public void MaximumPacketSizeCountsTheProperties_MQTT_3_1_2_25()
        {
            TestBroker b = V5Clients.Broker();
            // Room for this PUBLISH without properties (2 + 3 topic + 2 id + 1 empty block + 5 payload, and the fixed header), not with them.
            TestClient sub = V5Clients.Connect(b, "sub", true, new V5PropertyWriter().MaximumPacketSize(15));
            V5Clients.Subscribe(sub, "a/b", 1);
            TestClient pub = V5Clients.Connect(b, "pub");
            long dropped = b.Stats.MessagesDropped;
            pub.Send(V5Packets.Publish("a/b", "small", 1, false, false, 3, null));
            V5Clients.ExpectPublish(sub, "a/b", "small", 1);
            pub.Send(V5Packets.Publish("a/b", "small", 1, false, false, 4, new V5PropertyWriter().ContentType("c")));
            Assert.AreEqual(0, sub.Unread, "larger than the client's Maximum Packet Size with its properties: not sent");
            Assert.AreEqual(dropped + 1, b.Stats.MessagesDropped, "dropped and counted");
        }
    }
}
