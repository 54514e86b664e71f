#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.MqttSn;
using NanoBroker.Protocol;
using NanoBroker.Tests.Engine.Harness;

namespace NanoBroker.Tests.Engine.MqttSn
{
    /// <summary>SUBSCRIBE, UNSUBSCRIBE and the gateway's publish procedure with its retransmissions (MQTT-SN v1.2 sections 6.9, 6.10, 6.13).</summary>
    [TestClass]
    public class SnSubscribeTests
    {
        [TestMethod]
        public void SubscribeByNameReturnsTheTopicIdPublishesUse_Section_6_9()
        {
            SnRig rig = new SnRig();
            SnTestClient c = rig.Connected("dev", 10);
            int id = c.Subscribe("cmd/dev", 0, 1);
            Assert.IsTrue(id > 0, "SUBACK carries the id of a name without wildcards");
            TestClient pub = rig.Broker.Connect("pub");
            pub.Publish("cmd/dev", "on", 0, false, 0);
            rig.Poll();
            SnReceived p = c.Expect(SnMessageType.Publish);
            Assert.AreEqual(id, p.TopicId);
            Assert.AreEqual(SnMessages.Normal, p.TopicIdType);
            Assert.AreEqual(0, p.Qos);
            Assert.AreEqual("on", p.Data(5));
        }

        [TestMethod]
        public void WildcardSubscriptionGetsARegisterBeforeTheFirstPublishOnATopic_Section_6_10()
        {
            SnRig rig = new SnRig();
            SnTestClient c = rig.Connected("dev", 10);
            Assert.AreEqual(0, c.Subscribe("cmd/+", 1, 1), "SUBACK TopicId 0x0000 for a wildcard (section 5.4.16)");
            TestClient pub = rig.Broker.Connect("pub");
            pub.Publish("cmd/a", "1", 1, false, 1);
            pub.Publish("cmd/a", "2", 1, false, 2);
            rig.Poll();
            SnReceived reg = c.Expect(SnMessageType.Register);
            int id = reg.UInt16(0);
            Assert.IsTrue(id > 0);
            Assert.AreEqual("cmd/a", reg.Data(4), "REGISTER TopicName");
            c.ExpectNothing();
            c.Send(SnMessages.RegAck(id, reg.UInt16(2), 0));
            SnReceived p1 = c.Expect(SnMessageType.Publish);
            Assert.AreEqual(id, p1.TopicId);
            Assert.AreEqual("1", p1.Data(5));
            c.ExpectNothing();
            c.Send(SnMessages.PubAck(id, p1.MsgId, 0));
            SnReceived p2 = c.Expect(SnMessageType.Publish);
            Assert.AreEqual(id, p2.TopicId, "no second REGISTER for the same topic");
            Assert.AreEqual("2", p2.Data(5));
        }

        [TestMethod]
        public void RefusedRegAckDropsThatMessageAndTheNextOneGoesOn_Section_6_10()
        {
            SnRig rig = new SnRig();
            SnTestClient c = rig.Connected("dev", 10);
            c.Subscribe("cmd/#", 1, 1);
            TestClient pub = rig.Broker.Connect("pub");
            pub.Publish("cmd/a", "1", 1, false, 1);
            pub.Publish("cmd/b", "2", 1, false, 2);
            rig.Poll();
            SnReceived reg = c.Expect(SnMessageType.Register);
            c.Send(SnMessages.RegAck(0, reg.UInt16(2), SnFlags.RejectedNotSupported));
            SnReceived reg2 = c.Expect(SnMessageType.Register);
            Assert.AreEqual("cmd/b", reg2.Data(4));
            Assert.AreEqual(1, (int)rig.Gateway.Stats.Dropped);
        }

        [TestMethod]
        public void ShortAndPredefinedTopicsGoWithoutRegister_Section_6_7()
        {
            SnRig rig = new SnRig();
            SnTestClient c = rig.Connected("dev", 10);
            c.Send(SnMessages.SubscribeId(0, SnMessages.Predefined, 1, 2));
            SnReceived ack = c.Expect(SnMessageType.SubAck);
            Assert.AreEqual(2, ack.UInt16(1));
            Assert.AreEqual(SnFlags.Accepted, ack.Byte(5));
            c.Send(SnMessages.SubscribeId(0, SnMessages.Short, 2, SnMessages.ShortId("zz")));
            Assert.AreEqual(SnFlags.Accepted, c.Expect(SnMessageType.SubAck).Byte(5));
            TestClient pub = rig.Broker.Connect("pub");
            pub.Publish("actuators/predefined", "p", 0, false, 0);
            pub.Publish("zz", "s", 0, false, 0);
            rig.Poll();
            SnReceived p = c.Expect(SnMessageType.Publish);
            Assert.AreEqual(SnMessages.Predefined, p.TopicIdType);
            Assert.AreEqual(2, p.TopicId);
            SnReceived s = c.Expect(SnMessageType.Publish);
            Assert.AreEqual(SnMessages.Short, s.TopicIdType);
            Assert.AreEqual(SnMessages.ShortId("zz"), s.TopicId);
        }

        [TestMethod]
        public void SubscribeToAnUnknownPredefinedIdIsRefusedInvalidTopicId_Section_6_9()
        {
            SnRig rig = new SnRig();
            SnTestClient c = rig.Connected("dev", 10);
            c.Send(SnMessages.SubscribeId(1, SnMessages.Predefined, 4, 999));
            SnReceived ack = c.Expect(SnMessageType.SubAck);
            Assert.AreEqual(4, ack.UInt16(3));
            Assert.AreEqual(SnFlags.RejectedInvalidTopicId, ack.Byte(5));
        }

        [TestMethod]
        public void UnsubscribeStopsDelivery_Section_6_9()
        {
            SnRig rig = new SnRig();
            SnTestClient c = rig.Connected("dev", 10);
            c.Subscribe("cmd/dev", 0, 1);
            c.Send(SnMessages.Unsubscribe(2, "cmd/dev"));
            Assert.AreEqual(2, c.Expect(SnMessageType.UnsubAck).UInt16(0));
            TestClient pub = rig.Broker.Connect("pub");
            pub.Publish("cmd/dev", "on", 0, false, 0);
            rig.Poll();
            c.ExpectNothing();
        }

        [TestMethod]
        public void RetainedMessageFollowsSuback()
        {
            SnRig rig = new SnRig();
            TestClient pub = rig.Broker.Connect("pub");
            pub.Publish("cfg/dev", "v1", 0, true, 0);
            SnTestClient c = rig.Connected("dev", 10);
            int id = c.Subscribe("cfg/dev", 0, 1);
            SnReceived p = c.Expect(SnMessageType.Publish);
            Assert.AreEqual(id, p.TopicId);
            Assert.IsTrue((p.Flags & SnFlags.Retain) != 0, "RETAIN");
            Assert.AreEqual("v1", p.Data(5));
        }

        [TestMethod]
        public void Qos1ToTheClientIsResentWithDupThenTheClientIsLost_Section_6_13()
        {
            SnRig rig = new SnRig();
            SnTestClient c = rig.Connected("dev", 10);
            int id = c.Subscribe("cmd/dev", 1, 1);
            TestClient pub = rig.Broker.Connect("pub");
            pub.Publish("cmd/dev", "on", 1, false, 3);
            rig.Poll();
            SnReceived first = c.Expect(SnMessageType.Publish);
            Assert.AreEqual(0, first.Flags & SnFlags.Dup);
            Assert.AreEqual(id, first.TopicId);
            for (int i = 0; i < rig.Gateway.Options.Retries; i++)
            {
                rig.Tick(rig.Gateway.Options.RetryMs - 1);
                c.ExpectNothing();
                c.Send(SnMessages.PingReq());
                c.Expect(SnMessageType.PingResp);
                rig.Tick(1);
                SnReceived again = c.Expect(SnMessageType.Publish);
                Assert.AreEqual(SnFlags.Dup, again.Flags & SnFlags.Dup, "resent with DUP");
                Assert.AreEqual(first.MsgId, again.MsgId, "same MsgId");
            }
            rig.Tick(rig.Gateway.Options.RetryMs);
            Assert.AreEqual(SnClientState.Free, rig.Gateway.StateOf(c.Address), "after Nretry the client is lost");
            Assert.AreEqual(rig.Gateway.Options.Retries, (int)rig.Gateway.Stats.Retransmissions);
        }

        [TestMethod]
        public void Qos2ToTheClientRunsPubRecPubRelPubComp_Section_6_10()
        {
            SnRig rig = new SnRig();
            SnTestClient c = rig.Connected("dev", 10);
            int id = c.Subscribe("cmd/dev", 2, 1);
            TestClient pub = rig.Broker.Connect("pub");
            pub.Publish("cmd/dev", "a", 2, false, 3);
            pub.Publish("cmd/dev", "b", 2, false, 4);
            rig.Poll();
            SnReceived p = c.Expect(SnMessageType.Publish);
            Assert.AreEqual(2, p.Qos);
            Assert.AreEqual("a", p.Data(5));
            c.ExpectNothing();
            c.Send(SnMessages.PubRec(p.MsgId));
            Assert.AreEqual(p.MsgId, c.Expect(SnMessageType.PubRel).UInt16(0));
            rig.Tick(rig.Gateway.Options.RetryMs);
            Assert.AreEqual(p.MsgId, c.Expect(SnMessageType.PubRel).UInt16(0), "PUBREL resent until PUBCOMP");
            c.Send(SnMessages.PubComp(p.MsgId));
            SnReceived q = c.Expect(SnMessageType.Publish);
            Assert.AreEqual("b", q.Data(5));
            Assert.AreEqual(id, q.TopicId);
        }

        [TestMethod]
        public void MessageTooLargeForADatagramIsDroppedAndTheNextGoesOn()
        {
            SnRig rig = new SnRig();
            SnTestClient c = rig.Connected("dev", 10);
            c.Subscribe("cmd/dev", 1, 1);
            TestClient pub = rig.Broker.Connect("pub");
            pub.Send(Packets.Publish(Utf8.GetBytes("cmd/dev"), Packets.Payload(rig.Gateway.Options.DatagramBytes, 1), 1, false, false, 3));
            pub.Publish("cmd/dev", "small", 1, false, 4);
            rig.Poll();
            SnReceived p = c.Expect(SnMessageType.Publish);
            Assert.AreEqual("small", p.Data(5));
            Assert.AreEqual(1, (int)rig.Gateway.Stats.Dropped);
        }

        [TestMethod]
        public void LongMessagesUseTheThreeOctetLength_Section_5_2_1()
        {
            MqttSnOptions o = SnRig.SmallOptions();
            o.DatagramBytes = 600;
            SnRig rig = new SnRig(o);
            TestClient sub = rig.Broker.Subscriber("sub", "big/#", 0);
            SnTestClient c = rig.Connected("dev", 10);
            int id = c.Subscribe("big/one", 0, 1);
            string text = "";
            for (int i = 0; i < 40; i++)
            {
                text += "0123456789";
            }
            c.Send(SnMessages.Publish(0, false, false, SnMessages.Normal, id, 0, text));
            Packet got = sub.Read();
            Expect.Publish(got, "big/one", text, 0, false);
            SnReceived p = c.Expect(SnMessageType.Publish);
            Assert.AreEqual(0x01, (int)p.Raw[0], "Length 0x01 then two octets");
            Assert.AreEqual(text, p.Data(5));
        }
    }
}
