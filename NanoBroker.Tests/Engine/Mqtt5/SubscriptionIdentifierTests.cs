#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;
using NanoBroker.Tests.Engine.Harness;

namespace NanoBroker.Tests.Engine.Mqtt5
{
    /// <summary>MQTT 5.0 Subscription Identifiers (sections 3.8.2.1.2 and 3.3.2.3.8): kept per subscription, delivered with the messages it matches.</summary>
    [TestClass]
    public class SubscriptionIdentifierTests
    {
        private static void Subscribe(TestClient c, string filter, int qos, int identifier)
        {
            c.Send(V5Packets.Subscribe(3, filter, qos, identifier));
            V5Packet ack = c.Read5();
            Assert.AreEqual(PacketType.SubAck, ack.Type);
            Assert.AreEqual(qos, (int)ack.ReasonCodes[0], "granted QoS");
        }

        [TestMethod]
        public void PublishCarriesTheSubscriptionsIdentifier_MQTT_3_3_4_3()
        {
            TestBroker b = V5Clients.Broker();
            TestClient c = V5Clients.Connect(b, "dev");
            Subscribe(c, "a/b", 1, 456789);
            V5Clients.Connect(b, "pub").Send(V5Packets.Publish("a/b", "x", 1, false, false, 1, null));
            V5Packet got = c.Read5();
            Assert.IsNull(got.Problem, got.Problem);
            Assert.AreEqual(1, got.Properties.CountOf(V5Property.SubscriptionIdentifier));
            Assert.AreEqual(456789, (int)got.Properties.Number(V5Property.SubscriptionIdentifier));
        }

        [TestMethod]
        public void OneCopyCarriesTheIdentifiersOfAllMatchingSubscriptions_MQTT_3_3_4_4()
        {
            // As Eclipse Paho's interoperability test_subscribe_identifiers: ids 2 and 3 on one PUBLISH.
            TestBroker b = V5Clients.Broker();
            TestClient c = V5Clients.Connect(b, "dev");
            Subscribe(c, "a/b", 2, 2);
            Subscribe(c, "a/b/#", 2, 3);
            Subscribe(c, "a/+", 2, 0);
            V5Clients.Connect(b, "pub").Send(V5Packets.Publish("a/b", "x", 1, false, false, 1, null));
            V5Packet got = c.Read5();
            Assert.AreEqual(PacketType.Publish, got.Type);
            Assert.AreEqual(2, got.Properties.CountOf(V5Property.SubscriptionIdentifier), "the subscription without one adds none");
            int first = (int)got.Properties.NumberAt(V5Property.SubscriptionIdentifier, 0);
            int second = (int)got.Properties.NumberAt(V5Property.SubscriptionIdentifier, 1);
            Assert.AreEqual(5, first + second, "2 and 3, in any order");
            Assert.AreEqual(6, first * second);
            Assert.IsNull(c.Read5(), "one copy [MQTT-3.3.5-1]");
        }

        [TestMethod]
        public void QueuedMessageGetsTheIdentifierWhenSent_MQTT_3_3_4_3()
        {
            TestBroker b = V5Clients.Broker();
            TestClient c = V5Clients.ConnectWithExpiry(b, "dev", 600, false);
            Subscribe(c, "a/#", 1, 77);
            c.Drop();
            V5Clients.Connect(b, "pub").Send(V5Packets.Publish("a/b/c", "x", 1, false, false, 1, null));
            TestClient back = V5Clients.ConnectWithExpiry(b, "dev", 600, true);
            V5Packet got = back.Read5();
            Assert.AreEqual("x", got.PayloadText);
            Assert.AreEqual(77, (int)got.Properties.Number(V5Property.SubscriptionIdentifier));
        }

        [TestMethod]
        public void RetainedAtSubscribeCarriesThatSubscriptionsIdentifier_MQTT_3_3_4_3()
        {
            TestBroker b = V5Clients.Broker();
            V5Clients.Connect(b, "pub").Send(V5Packets.Publish("a/b", "r", 1, true, false, 1, null));
            TestClient c = V5Clients.Connect(b, "dev");
            Subscribe(c, "a/+", 1, 5);
            V5Packet first = c.Read5();
            Assert.AreEqual("r", first.PayloadText);
            Assert.AreEqual(5, (int)first.Properties.Number(V5Property.SubscriptionIdentifier));
            Subscribe(c, "a/b", 1, 6);
            V5Packet second = c.Read5();
            Assert.AreEqual("r", second.PayloadText);
            Assert.AreEqual(1, second.Properties.CountOf(V5Property.SubscriptionIdentifier), "only the new subscription's, though a/+ matches too");
            Assert.AreEqual(6, (int)second.Properties.Number(V5Property.SubscriptionIdentifier));
        }

        [TestMethod]
        public void IdentifiersCountTowardsTheClientsMaximumPacketSize_MQTT_3_1_2_25()
        {
            TestBroker b = V5Clients.Broker();
            // 18 bytes without properties, 20 with the identifier: over the client's maximum, dropped; the queue goes on.
            TestClient c = V5Clients.Connect(b, "dev", true, new V5PropertyWriter().MaximumPacketSize(19));
            Subscribe(c, "a/b", 1, 1);
            TestClient pub = V5Clients.Connect(b, "pub");
            pub.Send(V5Packets.Publish("a/b", "xxxxxxxx", 1, false, false, 1, null));
            pub.Send(V5Packets.Publish("a/b", "x", 1, false, false, 2, null));
            V5Packet got = c.Read5();
            Assert.AreEqual("x", got.PayloadText, "the larger one was dropped, not left blocking the queue");
            Assert.AreEqual(1, (int)got.Properties.Number(V5Property.SubscriptionIdentifier));
            Assert.AreEqual(1, (int)b.Stats.MessagesDropped);
        }

        [TestMethod]
        public void ReplacedSubscriptionWithoutIdentifierHasNone_MQTT_3_8_4_3()
        {
            TestBroker b = V5Clients.Broker();
            TestClient c = V5Clients.Connect(b, "dev");
            Subscribe(c, "a/b", 0, 9);
            Subscribe(c, "a/b", 0, 0);
            V5Clients.Connect(b, "pub").Send(V5Packets.Publish("a/b", "x", 0, false, false, 0, null));
            Assert.IsFalse(c.Read5().Properties.Has(V5Property.SubscriptionIdentifier));
        }

        [TestMethod]
        public void Mqtt311SubscriberGetsNoProperties()
        {
            TestBroker b = V5Clients.Broker();
            TestClient v3 = b.Subscriber("v3", "a/b", 1);
            TestClient v5 = V5Clients.Connect(b, "v5");
            Subscribe(v5, "a/b", 1, 4);
            v5.Send(V5Packets.Publish("a/b", "x", 1, false, false, 1, null));
            Expect.Publish(v3.Read(), "a/b", "x", 1, false);
        }

        [TestMethod]
        public void PublishFromAClientWithAnIdentifierGetsDisconnect0x82_MQTT_3_3_4_6()
        {
            TestBroker b = V5Clients.Broker();
            TestClient c = V5Clients.Connect(b, "dev");
            c.Send(V5Packets.Publish("a/b", "x", 0, false, false, 0, new V5PropertyWriter().SubscriptionIdentifier(3)));
            V5Clients.ExpectDisconnect(c, ReasonCode.ProtocolError);
        }

        [TestMethod]
        public void IdentifierIsKeptAcrossARestart_RecordFormat_SubscriptionSet()
        {
            RamStorage ram = new RamStorage();
            BrokerOptions o = TestBroker.StorageOptions();
            TestBroker b = TestBroker.Restored(ram, o);
            TestClient c = V5Clients.ConnectWithExpiry(b, "dev", 600, false);
            Subscribe(c, "a/b", 1, 268435455);
            c.Drop();
            b.CommitStorage();

            TestBroker again = TestBroker.Restored(ram, o);
            TestClient back = V5Clients.ConnectWithExpiry(again, "dev", 600, true);
            V5Clients.Connect(again, "pub").Send(V5Packets.Publish("a/b", "x", 0, false, false, 0, null));
            Assert.AreEqual(268435455, (int)back.Read5().Properties.Number(V5Property.SubscriptionIdentifier), "the largest identifier");
        }
    }
}
