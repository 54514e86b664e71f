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
    /// Topic Alias (5.0 section 3.3.2.3.4): the aliases a client sets toward the broker (inbound, up to the CONNACK's
    /// Topic Alias Maximum), and those the broker uses toward a client that accepts them (outbound).
    /// </summary>
    [TestClass]
    public class TopicAliasTests
    {
        private static V5PropertyWriter Alias(int alias)
        {
            return new V5PropertyWriter().TopicAlias(alias);
        }

        private static string Topic(char c, int length)
        {
            char[] chars = new char[length];
            for (int i = 0; i < length; i++)
            {
                chars[i] = c;
            }
            return new string(chars);
        }

        [TestMethod]
        public void AliasIsSetThenUsedAndTheResolvedTopicIsRouted_Section_3_3_2_3_4()
        {
            TestBroker b = V5Clients.Broker();
            TestClient sub = V5Clients.Connect(b, "sub");
            V5Clients.Subscribe(sub, "a/#", 1);
            TestClient v3 = b.Subscriber("v3", "a/b", 1);
            TestClient pub = V5Clients.Connect(b, "pub");
            pub.Send(V5Packets.Publish("a/b", "1", 0, false, false, 0, Alias(1)));
            pub.Send(V5Packets.Publish("", "2", 1, false, false, 2, Alias(1)));
            V5Packet first = V5Clients.ExpectPublish(sub, "a/b", "1", 0);
            Assert.IsFalse(first.Properties.Has(V5Property.TopicAlias), "the client accepts no aliases: none sent, none forwarded");
            V5Clients.ExpectPublish(sub, "a/b", "2", 1);
            Expect.Publish(v3.Read(), "a/b", "1", 0, false);
            Expect.Publish(v3.Read(), "a/b", "2", 1, false);
        }

        [TestMethod]
        public void AliasCanBeMappedToAnotherTopic_Section_3_3_2_3_4()
        {
            TestBroker b = V5Clients.Broker();
            TestClient sub = V5Clients.Connect(b, "sub");
            V5Clients.Subscribe(sub, "#", 0);
            TestClient pub = V5Clients.Connect(b, "pub");
            pub.Send(V5Packets.Publish("a/b", "1", 0, false, false, 0, Alias(1)));
            pub.Send(V5Packets.Publish("c/d", "2", 0, false, false, 0, Alias(1)));
            pub.Send(V5Packets.Publish("", "3", 0, false, false, 0, Alias(1)));
            V5Clients.ExpectPublish(sub, "a/b", "1", 0);
            V5Clients.ExpectPublish(sub, "c/d", "2", 0);
            V5Clients.ExpectPublish(sub, "c/d", "3", 0);
        }

        [TestMethod]
        public void RetainedMessageSentWithAnAliasIsKeptUnderItsTopic()
        {
            TestBroker b = V5Clients.Broker();
            TestClient pub = V5Clients.Connect(b, "pub");
            pub.Send(V5Packets.Publish("a/b", "1", 0, false, false, 0, Alias(2)));
            pub.Send(V5Packets.Publish("", "kept", 0, true, false, 0, Alias(2)));
            TestClient sub = V5Clients.Connect(b, "sub");
            V5Clients.Subscribe(sub, "a/b", 0);
            Assert.IsTrue(V5Clients.ExpectPublish(sub, "a/b", "kept", 0).Retain);
        }

        [TestMethod]
        public void AliasZeroGetsDisconnect0x94_MQTT_3_3_2_8()
        {
            TestBroker b = V5Clients.Broker();
            TestClient c = V5Clients.Connect(b, "dev");
            c.Send(V5Packets.Publish("a/b", "x", 0, false, false, 0, Alias(0)));
            V5Clients.ExpectDisconnect(c, ReasonCode.TopicAliasInvalid);
        }

        [TestMethod]
        public void UnknownAliasGetsDisconnect0x82_Section_3_3_2_3_4()
        {
            TestBroker b = V5Clients.Broker();
            TestClient c = V5Clients.Connect(b, "dev");
            c.Send(V5Packets.Publish("", "x", 0, false, false, 0, Alias(1)));
            V5Clients.ExpectDisconnect(c, ReasonCode.ProtocolError);
        }

        [TestMethod]
        public void AliasesDoNotOutliveTheirConnection_MQTT_3_3_2_7()
        {
            TestBroker b = V5Clients.Broker();
            TestClient c = V5Clients.ConnectWithExpiry(b, "dev", 600, false);
            c.Send(V5Packets.Publish("a/b", "x", 0, false, false, 0, Alias(1)));
            c.Drop();
            TestClient again = V5Clients.ConnectWithExpiry(b, "dev", 600, true);
            again.Send(V5Packets.Publish("", "x", 0, false, false, 0, Alias(1)));
            V5Clients.ExpectDisconnect(again, ReasonCode.ProtocolError);
        }

        [TestMethod]
        public void TopicsBeyondTheAliasBytesGetDisconnect0x97_BrokerOptions_TopicAliasBytes()
        {
            BrokerOptions o = V5Clients.Options();
            o.TopicAliasBytes = 64;
            TestBroker b = new TestBroker(o);
            TestClient sub = V5Clients.Connect(b, "sub");
            V5Clients.Subscribe(sub, "#", 0);
            TestClient c = V5Clients.Connect(b, "dev");
            string first = Topic('a', 40);
            // Mapping the same alias again frees its bytes: the arena is compacted, and 40 + 40 bytes fit 64 then.
            c.Send(V5Packets.Publish(first, "1", 0, false, false, 0, Alias(1)));
            c.Send(V5Packets.Publish(Topic('b', 40), "2", 0, false, false, 0, Alias(1)));
            c.Send(V5Packets.Publish(Topic('c', 20), "3", 0, false, false, 0, Alias(2)));
            c.Send(V5Packets.Publish("", "4", 0, false, false, 0, Alias(1)));
            c.Send(V5Packets.Publish("", "5", 0, false, false, 0, Alias(2)));
            V5Clients.ExpectPublish(sub, first, "1", 0);
            V5Clients.ExpectPublish(sub, Topic('b', 40), "2", 0);
            V5Clients.ExpectPublish(sub, Topic('c', 20), "3", 0);
            V5Clients.ExpectPublish(sub, Topic('b', 40), "4", 0);
            V5Clients.ExpectPublish(sub, Topic('c', 20), "5", 0);
            c.Send(V5Packets.Publish(Topic('d', 10), "6", 0, false, false, 0, Alias(3)));
            V5Clients.ExpectDisconnect(c, ReasonCode.QuotaExceeded);
        }

        // A 5.0 client's CONNACK; its Topic Alias Maximum (0 when omitted).
        private static int AnnouncedAliases(TestClient c, string clientId)
        {
            c.Send(V5Packets.Connect(clientId, true, 0, null));
            V5Packet ack = c.Read5();
            V5Clients.ExpectConnAck(ack, ReasonCode.Success);
            return ack.Properties.Has(V5Property.TopicAliasMaximum) ? (int)ack.Properties.Number(V5Property.TopicAliasMaximum) : 0;
        }

        [TestMethod]
        public void ClientBeyondTheAliasTablesIsAnnouncedNoneAndItsAliasGetsDisconnect0x94_MQTT_3_3_2_9()
        {
            BrokerOptions o = V5Clients.Options();
            o.MaxTopicAliasClients = 1;
            TestBroker b = new TestBroker(o);
            Assert.AreEqual(o.MaxTopicAliases, AnnouncedAliases(b.Open(), "first"), "the first 5.0 client borrows the table");
            TestClient second = b.Open();
            Assert.AreEqual(0, AnnouncedAliases(second, "second"), "none left: no Topic Alias Maximum, so 0");
            second.Send(V5Packets.Publish("a/b", "x", 0, false, false, 0, Alias(1)));
            V5Clients.ExpectDisconnect(second, ReasonCode.TopicAliasInvalid);
        }

        [TestMethod]
        public void AliasTableComesBackClearedWhenItsConnectionEnds_MQTT_3_3_2_7()
        {
            BrokerOptions o = V5Clients.Options();
            o.MaxTopicAliasClients = 1;
            TestBroker b = new TestBroker(o);
            b.Connect("v3");
            TestClient first = b.Open();
            Assert.AreEqual(o.MaxTopicAliases, AnnouncedAliases(first, "first"), "a 3.1.1 client takes no table");
            first.Send(V5Packets.Publish("a/b", "x", 0, false, false, 0, Alias(1)));
            first.Drop();
            TestClient next = b.Open();
            Assert.AreEqual(o.MaxTopicAliases, AnnouncedAliases(next, "next"), "the ended connection's table is free again");
            next.Send(V5Packets.Publish("", "x", 0, false, false, 0, Alias(1)));
            V5Clients.ExpectDisconnect(next, ReasonCode.ProtocolError);
        }

        private static TestBroker OutboundBroker(int maxOutbound)
        {
            BrokerOptions o = V5Clients.Options();
            o.MaxOutboundTopicAliases = maxOutbound;
            return new TestBroker(o);
        }

        [TestMethod]
        public void BrokerSetsThenUsesAnAliasTowardAClientThatAcceptsThem_Section_3_3_2_3_4()
        {
            TestBroker b = OutboundBroker(4);
            TestClient sub = V5Clients.Connect(b, "sub", true, new V5PropertyWriter().TopicAliasMaximum(2));
            V5Clients.Subscribe(sub, "t/#", 2);
            TestClient pub = V5Clients.Connect(b, "pub");
            for (int qos = 0; qos < 3; qos++)
            {
                pub.Send(V5Packets.Publish("t/1", "m", qos, false, false, qos + 1, null));
            }
            V5Packet first = V5Clients.ExpectPublish(sub, "t/1", "m", 0);
            int alias = (int)first.Properties.Number(V5Property.TopicAlias);
            Assert.IsTrue(alias >= 1 && alias <= 2, "an alias within the client's Topic Alias Maximum [MQTT-3.3.2-11]");
            Assert.AreEqual(alias, (int)V5Clients.ExpectPublish(sub, "", "m", 1).Properties.Number(V5Property.TopicAlias), "then used alone");
            Assert.AreEqual(alias, (int)V5Clients.ExpectPublish(sub, "", "m", 2).Properties.Number(V5Property.TopicAlias));
        }

        [TestMethod]
        public void LeastRecentlyUsedAliasIsRemapped_MQTT_3_3_2_11()
        {
            TestBroker b = OutboundBroker(4);
            TestClient sub = V5Clients.Connect(b, "sub", true, new V5PropertyWriter().TopicAliasMaximum(2));
            V5Clients.Subscribe(sub, "t/#", 0);
            TestClient pub = V5Clients.Connect(b, "pub");
            pub.Send(V5Packets.Publish("t/1", "1", 0, false, false, 0, null));
            pub.Send(V5Packets.Publish("t/2", "2", 0, false, false, 0, null));
            pub.Send(V5Packets.Publish("t/1", "3", 0, false, false, 0, null));
            pub.Send(V5Packets.Publish("t/3", "4", 0, false, false, 0, null));
            pub.Send(V5Packets.Publish("t/1", "5", 0, false, false, 0, null));
            int a1 = (int)V5Clients.ExpectPublish(sub, "t/1", "1", 0).Properties.Number(V5Property.TopicAlias);
            int a2 = (int)V5Clients.ExpectPublish(sub, "t/2", "2", 0).Properties.Number(V5Property.TopicAlias);
            Assert.IsTrue(a1 != a2, "two topics, two aliases");
            Assert.AreEqual(a1, (int)V5Clients.ExpectPublish(sub, "", "3", 0).Properties.Number(V5Property.TopicAlias));
            Assert.AreEqual(a2, (int)V5Clients.ExpectPublish(sub, "t/3", "4", 0).Properties.Number(V5Property.TopicAlias), "t/2's alias, the least recently used, now stands for t/3");
            Assert.AreEqual(a1, (int)V5Clients.ExpectPublish(sub, "", "5", 0).Properties.Number(V5Property.TopicAlias));
        }

        [TestMethod]
        public void NoAliasesTowardAClientThatAcceptsNone_MQTT_3_3_2_11()
        {
            TestBroker b = OutboundBroker(4);
            TestClient sub = V5Clients.Connect(b, "sub");
            V5Clients.Subscribe(sub, "t/#", 0);
            TestClient pub = V5Clients.Connect(b, "pub");
            pub.Send(V5Packets.Publish("t/1", "1", 0, false, false, 0, null));
            pub.Send(V5Packets.Publish("t/1", "2", 0, false, false, 0, null));
            Assert.IsFalse(V5Clients.ExpectPublish(sub, "t/1", "1", 0).Properties.Has(V5Property.TopicAlias));
            Assert.IsFalse(V5Clients.ExpectPublish(sub, "t/1", "2", 0).Properties.Has(V5Property.TopicAlias));
        }

        [TestMethod]
        public void TopicBeyondTheOutboundArenaIsSentWithoutAlias()
        {
            BrokerOptions o = V5Clients.Options();
            o.MaxOutboundTopicAliases = 2;
            o.TopicAliasBytes = 16;
            TestBroker b = new TestBroker(o);
            TestClient sub = V5Clients.Connect(b, "sub", true, new V5PropertyWriter().TopicAliasMaximum(2));
            V5Clients.Subscribe(sub, "#", 0);
            TestClient pub = V5Clients.Connect(b, "pub");
            string longTopic = Topic('x', 20);
            pub.Send(V5Packets.Publish(longTopic, "1", 0, false, false, 0, null));
            pub.Send(V5Packets.Publish(longTopic, "2", 0, false, false, 0, null));
            Assert.IsFalse(V5Clients.ExpectPublish(sub, longTopic, "1", 0).Properties.Has(V5Property.TopicAlias));
            Assert.IsFalse(V5Clients.ExpectPublish(sub, longTopic, "2", 0).Properties.Has(V5Property.TopicAlias));
        }

        [TestMethod]
        public void ResentPublishAfterReconnectSetsItsAliasAnew_MQTT_3_3_2_7()
        {
            TestBroker b = OutboundBroker(4);
            TestClient sub = V5Clients.Connect(b, "sub", false, new V5PropertyWriter().SessionExpiryInterval(600).TopicAliasMaximum(2));
            V5Clients.Subscribe(sub, "t/#", 1);
            TestClient pub = V5Clients.Connect(b, "pub");
            pub.Send(V5Packets.Publish("t/1", "1", 1, false, false, 1, null));
            V5Clients.ExpectPublish(sub, "t/1", "1", 1);
            sub.Drop();
            TestClient back = V5Clients.Connect(b, "sub", false, new V5PropertyWriter().SessionExpiryInterval(600).TopicAliasMaximum(2));
            V5Packet resent = V5Clients.ExpectPublish(back, "t/1", "1", 1);
            Assert.IsTrue(resent.Dup, "DUP");
            Assert.IsTrue(resent.Properties.Has(V5Property.TopicAlias), "the new connection's mapping is set with the topic");
        }
    }
}
