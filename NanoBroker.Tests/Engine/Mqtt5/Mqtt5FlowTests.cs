#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;
using NanoBroker.Tests.Engine.Harness;

namespace NanoBroker.Tests.Engine.Mqtt5
{
    /// <summary>MQTT 5.0 PUBLISH flows, acknowledgements with reason codes, limits and server DISCONNECTs (sections 3.3 to 3.11, 4.9, 4.13).</summary>
    [TestClass]
    public class Mqtt5FlowTests
    {
        [TestMethod]
        public void Mqtt311And50ClientsExchangeMessages()
        {
            TestBroker b = V5Clients.Broker();
            TestClient v3 = b.Subscriber("v3", "to/v3", 1);
            TestClient v5 = V5Clients.Connect(b, "v5");
            V5Clients.Subscribe(v5, "to/v5", 1);

            v5.Send(V5Packets.Publish("to/v3", "hello 3", 1, false, false, 1, null));
            V5Packet puback = v5.Read5();
            Assert.AreEqual(PacketType.PubAck, puback.Type);
            Assert.AreEqual(0, puback.ReasonCode, "PUBACK success");
            Assert.AreEqual(4, puback.Raw.Length, "success without a reason code byte (5.0 section 3.4.2.1)");
            Packet got3 = Expect.Publish(v3.Read(), "to/v3", "hello 3", 1, false);
            v3.PubAck(got3.PacketId);

            v3.Publish("to/v5", "hello 5", 1, false, 2);
            Expect.Ack(v3.Read(), PacketType.PubAck, 2);
            V5Packet got5 = v5.Read5();
            Assert.IsNull(got5.Problem, got5.Problem);
            Assert.AreEqual(PacketType.Publish, got5.Type);
            Assert.AreEqual("to/v5", got5.TopicText);
            Assert.AreEqual("hello 5", got5.PayloadText);
            Assert.AreEqual(0, got5.Properties.Count, "a 3.1.1 publisher's message has no properties");
        }

        [TestMethod]
        public void DeniedPublishGetsPubAck0x87_Section_3_4_2_1()
        {
            TestBroker b = V5Clients.Broker();
            TestClient c = V5Clients.Connect(b, "dev");
            c.Send(V5Packets.Publish("$SYS/fake", "x", 1, false, false, 5, null));
            V5Packet ack = c.Read5();
            Assert.AreEqual(PacketType.PubAck, ack.Type);
            Assert.AreEqual(5, ack.PacketId);
            Assert.AreEqual(ReasonCode.NotAuthorized, ack.ReasonCode);
            c.Send(V5Packets.Publish("$SYS/fake", "x", 2, false, false, 6, null));
            V5Packet rec = c.Read5();
            Assert.AreEqual(PacketType.PubRec, rec.Type);
            Assert.AreEqual(ReasonCode.NotAuthorized, rec.ReasonCode);
            // The refused QoS 2 exchange ended with the PUBREC: a PUBREL of it is unknown [MQTT-4.3.3-...].
            c.Send(V5Packets.PubRel(6, 0, null));
            Assert.AreEqual(ReasonCode.PacketIdentifierNotFound, c.Read5().ReasonCode);
        }

        [TestMethod]
        public void PubRelOfAnUnknownIdGetsPubComp0x92_Section_3_7_2_1()
        {
            TestBroker b = V5Clients.Broker();
            TestClient c = V5Clients.Connect(b, "dev");
            c.Send(V5Packets.PubRel(42, 0, null));
            V5Packet comp = c.Read5();
            Assert.AreEqual(PacketType.PubComp, comp.Type);
            Assert.AreEqual(42, comp.PacketId);
            Assert.AreEqual(ReasonCode.PacketIdentifierNotFound, comp.ReasonCode);
        }

        [TestMethod]
        public void UnsubAckHasACodePerFilter_0x11_Section_3_11_3()
        {
            TestBroker b = V5Clients.Broker();
            TestClient c = V5Clients.Connect(b, "dev");
            V5Clients.Subscribe(c, "a/b", 0);
            c.Send(V5Packets.Unsubscribe(3, new string[] { "a/b", "x/y" }, null));
            V5Packet ack = c.Read5();
            Assert.AreEqual(PacketType.UnsubAck, ack.Type);
            Assert.AreEqual(2, ack.ReasonCodes.Length);
            Assert.AreEqual(0x00, (int)ack.ReasonCodes[0]);
            Assert.AreEqual(0x11, (int)ack.ReasonCodes[1], "No subscription existed");
        }

        [TestMethod]
        public void SharedSubscriptionWithoutShareGroupsGetsSubAck0x9E_Section_3_9_3()
        {
            BrokerOptions o = V5Clients.Options();
            o.MaxShareGroups = 0;
            TestBroker b = new TestBroker(o);
            TestClient c = V5Clients.Connect(b, "dev");
            c.Send(V5Packets.Subscribe(4, new string[] { "$share/g/a", "a/b" }, new int[] { 1, 1 }, null));
            V5Packet ack = c.Read5();
            Assert.AreEqual(2, ack.ReasonCodes.Length);
            Assert.AreEqual(ReasonCode.SharedSubscriptionsNotSupported, (int)ack.ReasonCodes[0]);
            Assert.AreEqual(1, (int)ack.ReasonCodes[1]);
        }

        [TestMethod]
        public void TopicAliasBeyondTheMaximumGetsDisconnect0x94_MQTT_3_3_2_9()
        {
            TestBroker b = V5Clients.Broker();
            TestClient c = V5Clients.Connect(b, "dev");
            c.Send(V5Packets.Publish("a/b", "x", 0, false, false, 0, new V5PropertyWriter().TopicAlias(b.Broker.Options.MaxTopicAliases + 1)));
            V5Clients.ExpectDisconnect(c, ReasonCode.TopicAliasInvalid);
        }

        [TestMethod]
        public void MalformedPacketGetsDisconnect0x81_MQTT_4_13_1_1()
        {
            TestBroker b = V5Clients.Broker();
            TestClient c = V5Clients.Connect(b, "dev");
            byte[] p = V5Packets.Publish("a/b", "x", 1, false, false, 1, null);
            p[0] |= 0x06;
            c.Send(p);
            V5Clients.ExpectDisconnect(c, ReasonCode.MalformedPacket);
            Assert.AreEqual(1, (int)b.Stats.ProtocolViolations);
        }

        [TestMethod]
        public void Mqtt311MalformedPacketStillClosesSilently_MQTT_4_8_0_1()
        {
            TestBroker b = V5Clients.Broker();
            TestClient c = b.Connect("dev");
            byte[] p = Packets.Publish("a/b", "x", 1, false, false, 1);
            p[0] |= 0x06;
            c.Send(p);
            Expect.ClosedSilently(c);
        }

        [TestMethod]
        public void PacketLargerThanMaximumGetsDisconnect0x95_Section_3_2_2_3_6()
        {
            TestBroker b = V5Clients.Broker();
            TestClient c = V5Clients.Connect(b, "dev");
            c.Send(new byte[] { 0x30, 0xFF, 0xFF, 0x03 });
            V5Clients.ExpectDisconnect(c, ReasonCode.PacketTooLarge);
        }

        [TestMethod]
        public void MoreQos2ThanReceiveMaximumGetsDisconnect0x93_MQTT_3_3_4_7()
        {
            BrokerOptions o = V5Clients.Options();
            o.InflightWindow = 2;
            TestBroker b = new TestBroker(o);
            TestClient c = V5Clients.Connect(b, "dev");
            c.Send(V5Packets.Publish("a/b", "1", 2, false, false, 1, null));
            c.Send(V5Packets.Publish("a/b", "2", 2, false, false, 2, null));
            Assert.AreEqual(PacketType.PubRec, c.Read5().Type);
            Assert.AreEqual(PacketType.PubRec, c.Read5().Type);
            c.Send(V5Packets.Publish("a/b", "3", 2, false, false, 3, null));
            V5Clients.ExpectDisconnect(c, ReasonCode.ReceiveMaximumExceeded);
        }

        [TestMethod]
        public void ClientMaximumPacketSizeDropsLargerPublishesForThatClientOnly_MQTT_3_1_2_25()
        {
            TestBroker b = V5Clients.Broker();
            TestClient small = V5Clients.Connect(b, "small", true, new V5PropertyWriter().MaximumPacketSize(30));
            V5Clients.Subscribe(small, "t", 1);
            TestClient other = b.Subscriber("other", "t", 1);
            TestClient pub = b.Connect("pub");
            string big = new string('p', 40);
            pub.Publish("t", big, 0, false, 0);
            pub.Publish("t", big, 1, false, 1);
            pub.Publish("t", "small", 1, false, 2);
            Expect.Publish(other.Read(), "t", big, 0, false);
            Expect.Publish(other.Read(), "t", big, 1, false);
            V5Packet got = small.Read5();
            Assert.AreEqual("small", got.PayloadText, "only the message that fits");
            Assert.IsTrue(got.Raw.Length <= 30, "never a packet over its Maximum Packet Size");
            Assert.AreEqual(2, (int)b.Stats.MessagesDropped, "the two larger ones dropped and counted");
        }

        [TestMethod]
        public void ClientReceiveMaximumCapsInflight_MQTT_3_3_4_9()
        {
            TestBroker b = V5Clients.Broker();
            TestClient sub = V5Clients.Connect(b, "sub", true, new V5PropertyWriter().ReceiveMaximum(1));
            V5Clients.Subscribe(sub, "t", 1);
            TestClient pub = b.Connect("pub");
            pub.Publish("t", "1", 1, false, 1);
            pub.Publish("t", "2", 1, false, 2);
            V5Packet first = sub.Read5();
            Assert.AreEqual("1", first.PayloadText);
            Assert.IsNull(sub.Read(), "the second waits for the first's PUBACK");
            sub.Send(V5Packets.PubAck(first.PacketId, 0, null));
            Assert.AreEqual("2", sub.Read5().PayloadText);
        }
    }
}
