#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;
using NanoBroker.Tests.Engine.Harness;

namespace NanoBroker.Tests.Engine.Mqtt5
{
    /// <summary>MQTT 5.0 Subscription Options (section 3.8.3.1): No Local, Retain As Published, Retain Handling, kept across a restart.</summary>
    [TestClass]
    public class SubscribeOptionsTests
    {
        // Subscribes with an options byte and checks SUBACK grants `qos`.
        private static void Subscribe(TestClient c, string filter, int options, int qos)
        {
            c.Send(V5Packets.Subscribe(3, filter, options, 0));
            V5Packet ack = c.Read5();
            Assert.AreEqual(PacketType.SubAck, ack.Type);
            Assert.AreEqual(qos, (int)ack.ReasonCodes[0], "granted QoS");
        }

        [TestMethod]
        public void NoLocalSkipsThePublishersOwnSession_MQTT_3_8_3_3()
        {
            TestBroker b = V5Clients.Broker();
            TestClient c = V5Clients.Connect(b, "dev");
            TestClient other = V5Clients.Connect(b, "other");
            Subscribe(c, "a/b", V5Packets.SubscriptionOptions(0, true, false, 0), 0);
            Subscribe(other, "a/b", V5Packets.SubscriptionOptions(0, true, false, 0), 0);
            c.Send(V5Packets.Publish("a/b", "mine", 0, false, false, 0, null));
            Assert.IsNull(c.Read5(), "not to its own publisher");
            Assert.AreEqual("mine", other.Read5().PayloadText, "to the others");
        }

        [TestMethod]
        public void NoLocalOnOneSubscriptionLeavesTheOtherMatching_MQTT_3_8_3_3()
        {
            TestBroker b = V5Clients.Broker();
            TestClient c = V5Clients.Connect(b, "dev");
            Subscribe(c, "a/b", V5Packets.SubscriptionOptions(0, true, false, 0), 0);
            Subscribe(c, "a/+", V5Packets.SubscriptionOptions(0, false, false, 0), 0);
            c.Send(V5Packets.Publish("a/b", "mine", 0, false, false, 0, null));
            Assert.AreEqual("mine", c.Read5().PayloadText, "through a/+, which is not No Local");
            Assert.IsNull(c.Read5(), "once");
        }

        [TestMethod]
        public void RetainAsPublishedKeepsTheRetainFlag_MQTT_3_3_1_13()
        {
            TestBroker b = V5Clients.Broker();
            TestClient keeps = V5Clients.Connect(b, "keeps");
            TestClient clears = V5Clients.Connect(b, "clears");
            Subscribe(keeps, "a/b", V5Packets.SubscriptionOptions(0, false, true, 0), 0);
            Subscribe(clears, "a/b", V5Packets.SubscriptionOptions(0, false, false, 0), 0);
            TestClient pub = V5Clients.Connect(b, "pub");
            pub.Send(V5Packets.Publish("a/b", "r", 0, true, false, 0, null));
            Assert.IsTrue(keeps.Read5().Retain, "Retain As Published: RETAIN as published [MQTT-3.3.1-13]");
            Assert.IsFalse(clears.Read5().Retain, "otherwise 0 on a live delivery [MQTT-3.3.1-12]");
            pub.Send(V5Packets.Publish("a/b", "live", 1, false, false, 4, null));
            Assert.IsFalse(keeps.Read5().Retain, "a message published without RETAIN keeps 0");
        }

        [TestMethod]
        public void RetainHandling0SendsRetainedAtEverySubscribe_MQTT_3_3_1_9()
        {
            TestBroker b = V5Clients.Broker();
            V5Clients.Connect(b, "pub").Send(V5Packets.Publish("a/b", "r", 0, true, false, 0, null));
            TestClient c = V5Clients.Connect(b, "dev");
            Subscribe(c, "a/b", V5Packets.SubscriptionOptions(0, false, false, 0), 0);
            V5Packet got = c.Read5();
            Assert.AreEqual("r", got.PayloadText);
            Assert.IsTrue(got.Retain, "RETAIN set on a retained message sent at subscribe [MQTT-3.3.1-8]");
            Subscribe(c, "a/b", V5Packets.SubscriptionOptions(0, false, false, 0), 0);
            Assert.AreEqual("r", c.Read5().PayloadText, "again for the same subscription");
        }

        [TestMethod]
        public void RetainHandling1SendsRetainedOnlyForANewSubscription_MQTT_3_3_1_10()
        {
            TestBroker b = V5Clients.Broker();
            V5Clients.Connect(b, "pub").Send(V5Packets.Publish("a/b", "r", 0, true, false, 0, null));
            TestClient c = V5Clients.Connect(b, "dev");
            Subscribe(c, "a/b", V5Packets.SubscriptionOptions(0, false, false, 1), 0);
            Assert.AreEqual("r", c.Read5().PayloadText, "the subscription is new");
            Subscribe(c, "a/b", V5Packets.SubscriptionOptions(1, false, false, 1), 1);
            Assert.IsNull(c.Read5(), "it existed");
        }

        [TestMethod]
        public void RetainHandling2SendsNoRetained_MQTT_3_3_1_11()
        {
            TestBroker b = V5Clients.Broker();
            V5Clients.Connect(b, "pub").Send(V5Packets.Publish("a/b", "r", 0, true, false, 0, null));
            TestClient c = V5Clients.Connect(b, "dev");
            Subscribe(c, "a/#", V5Packets.SubscriptionOptions(0, false, false, 2), 0);
            Assert.IsNull(c.Read5());
        }

        [TestMethod]
        public void NoLocalOnASharedSubscriptionIsAProtocolError_MQTT_3_8_3_4()
        {
            TestBroker b = V5Clients.Broker();
            TestClient c = V5Clients.Connect(b, "dev");
            c.Send(V5Packets.Subscribe(3, "$share/g/a/b", V5Packets.SubscriptionOptions(0, true, false, 0), 0));
            V5Clients.ExpectDisconnect(c, ReasonCode.ProtocolError);
        }

        [TestMethod]
        public void OptionsAreKeptAcrossARestart_RecordFormat_SubscriptionSet()
        {
            RamStorage ram = new RamStorage();
            BrokerOptions o = TestBroker.StorageOptions();
            TestBroker b = TestBroker.Restored(ram, o);
            TestClient c = V5Clients.ConnectWithExpiry(b, "dev", 600, false);
            Subscribe(c, "a/b", V5Packets.SubscriptionOptions(1, true, true, 0), 1);
            c.Drop();
            b.CommitStorage();

            TestBroker again = TestBroker.Restored(ram, o);
            TestClient back = V5Clients.ConnectWithExpiry(again, "dev", 600, true);
            back.Send(V5Packets.Publish("a/b", "own", 1, true, false, 7, null));
            Assert.AreEqual(PacketType.PubAck, back.Read5().Type);
            Assert.IsNull(back.Read5(), "No Local restored");
            TestClient pub = V5Clients.Connect(again, "pub");
            pub.Send(V5Packets.Publish("a/b", "r", 0, true, false, 0, null));
            V5Packet got = back.Read5();
            Assert.AreEqual("r", got.PayloadText);
            Assert.IsTrue(got.Retain, "Retain As Published restored");
        }
    }
}
