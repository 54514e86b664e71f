#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;
using NanoBroker.Tests.Engine.Harness;

namespace NanoBroker.Tests.Engine.Mqtt5
{
    /// <summary>What the fuzzer's MQTT 5.0 reading (FuzzValidator5) found the engine doing against the 5.0 text, each fixed.</summary>
    [TestClass]
    public class Mqtt5FuzzFindingsTests
    {
        // Found by the fuzzer (seed 3): a PUBLISH with a Topic Alias above the Topic Alias Maximum the CONNACK announced
        // (absent: 0) was routed. A client must not send one [MQTT-3.2.2-17, MQTT-3.3.2-9]; the receiver answers
        // DISCONNECT 0x94 Topic Alias invalid (section 3.3.2.3.4).
        [TestMethod]
        public void TopicAliasAboveTheAnnouncedMaximumGetsDisconnect0x94_MQTT_3_3_2_9()
        {
            TestBroker b = V5Clients.Broker();
            TestClient watcher = V5Clients.Connect(b, "watcher");
            V5Clients.Subscribe(watcher, "a", 0);
            TestClient c = b.Open();
            c.Send(V5Packets.Connect("dev", true, 0, null));
            V5Packet connAck = c.Read5();
            V5Clients.ExpectConnAck(connAck, ReasonCode.Success);
            int maximum = connAck.Properties.Has(V5Property.TopicAliasMaximum) ? (int)connAck.Properties.Number(V5Property.TopicAliasMaximum) : 0;
            c.Send(V5Packets.Publish("a", "x", 0, false, false, 0, new V5PropertyWriter().TopicAlias(maximum + 1)));
            V5Clients.ExpectDisconnect(c, ReasonCode.TopicAliasInvalid);
            Assert.IsNull(watcher.Read(), "the PUBLISH is not routed");
        }

        // Found by the fuzzer (seed 1): a client's PUBLISH with a Subscription Identifier was taken. It must not carry
        // one [MQTT-3.3.4-6]: a protocol error, DISCONNECT 0x82 (section 4.13.1).
        [TestMethod]
        public void SubscriptionIdentifierInAClientPublishGetsDisconnect0x82_MQTT_3_3_4_6()
        {
            TestBroker b = V5Clients.Broker();
            TestClient watcher = V5Clients.Connect(b, "watcher");
            V5Clients.Subscribe(watcher, "a", 0);
            TestClient c = V5Clients.Connect(b, "dev");
            c.Send(V5Packets.Publish("a", "x", 1, false, false, 7, new V5PropertyWriter().SubscriptionIdentifier(3)));
            V5Clients.ExpectDisconnect(c, ReasonCode.ProtocolError);
            Assert.IsNull(watcher.Read(), "the PUBLISH is not routed");
        }

        // Found by the fuzzer (seed 1): while a PUBLISH waited for room, the look for acknowledgements behind it skipped
        // a malformed PUBREL and then closed the connection for an oversized packet further on (DISCONNECT 0x95). The
        // packets of a connection are judged in order: the malformed PUBREL ends it, with 0x81 (sections 4.13.1, 2.2.2).
        [TestMethod]
        public void ABadPacketBehindAWaitingPublishIsJudgedInItsTurn_Section_4_13_1()
        {
            TestBroker b = V5Clients.Broker();
            BrokerOptions o = b.Broker.Options;
            TestClient slow = b.Subscriber("slow", "t", 1);
            TestClient publisher = V5Clients.Connect(b, "publisher");
            int held = o.InflightWindow + o.QueueDepth;
            for (int i = 1; i <= held + 1; i++)
            {
                publisher.Send(V5Packets.Publish("t", "m" + i, 1, false, false, i, null));
            }
            Assert.AreEqual(held, publisher.ReadAll().Length, "PUBACKs of the messages that fit the inflight window and the queue");
            // A PUBREL whose Property Length (0x40) runs past the packet, then the fixed header of a packet over MaxPacketSize.
            publisher.Send(new byte[] { 0x62, 0x05, 0x00, 0x01, 0x92, 0x40, 0x00 });
            publisher.Send(new byte[] { 0x30, 0xFF, 0xFF, 0x03 });
            Assert.IsFalse(publisher.IsClosing, "the waiting PUBLISH comes first");

            Packet first = slow.Read();
            slow.PubAck(first.PacketId);
            V5Packet puback = publisher.Read5();
            Assert.AreEqual(PacketType.PubAck, puback.Type, "the waiting PUBLISH was handled");
            V5Clients.ExpectDisconnect(publisher, ReasonCode.MalformedPacket);
        }
    }
}
