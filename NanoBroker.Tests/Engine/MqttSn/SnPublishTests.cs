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
    /// <summary>A client's REGISTER and PUBLISH at QoS -1, 0, 1 and 2 reaching MQTT subscribers (MQTT-SN v1.2 sections 6.5-6.8).</summary>
    [TestClass]
    public class SnPublishTests
    {
        [TestMethod]
        public void RegisterReturnsATopicIdThatPublishUses_Section_6_5()
        {
            SnRig rig = new SnRig();
            TestClient sub = rig.Broker.Subscriber("sub", "sensors/#", 0);
            SnTestClient c = rig.Connected("dev", 10);
            int id = c.Register("sensors/temp", 1);
            Assert.IsTrue(id > 0, "a topic id");
            Assert.AreEqual(id, c.Register("sensors/temp", 2), "the same name, the same id");
            Assert.IsTrue(id != c.Register("sensors/hum", 3), "another name, another id");
            c.Send(SnMessages.Publish(0, false, false, SnMessages.Normal, id, 0, "21.5"));
            c.ExpectNothing();
            Expect.Publish(sub.Read(), "sensors/temp", "21.5", 0, false);
        }

        [TestMethod]
        public void RegisterOfAWildcardNameIsRefused_Section_5_4_10()
        {
            SnRig rig = new SnRig();
            SnTestClient c = rig.Connected("dev", 10);
            c.Send(SnMessages.Register(4, "sensors/#"));
            SnReceived ack = c.Expect(SnMessageType.RegAck);
            Assert.AreEqual(0, ack.UInt16(0), "no topic id");
            Assert.AreEqual(4, ack.UInt16(2));
            Assert.AreEqual(SnFlags.RejectedNotSupported, ack.Byte(4));
        }

        [TestMethod]
        public void RegisterBeyondTheTopicIdTableIsRefusedCongestion_Section_5_3_10()
        {
            MqttSnOptions o = SnRig.SmallOptions();
            o.TopicIdsPerClient = 2;
            SnRig rig = new SnRig(o);
            SnTestClient c = rig.Connected("dev", 10);
            c.Register("a/1", 1);
            c.Register("a/2", 2);
            c.Send(SnMessages.Register(3, "a/3"));
            Assert.AreEqual(SnFlags.RejectedCongestion, c.Expect(SnMessageType.RegAck).Byte(4));
        }

        [TestMethod]
        public void PublishQos1IsAcknowledgedWithItsTopicIdAfterTheEngineTookIt_Section_6_6()
        {
            SnRig rig = new SnRig();
            TestClient sub = rig.Broker.Subscriber("sub", "sensors/#", 1);
            SnTestClient c = rig.Connected("dev", 10);
            int id = c.Register("sensors/temp", 1);
            c.Send(SnMessages.Publish(1, true, false, SnMessages.Normal, id, 77, "22"));
            SnReceived ack = c.Expect(SnMessageType.PubAck);
            Assert.AreEqual(id, ack.UInt16(0), "PUBACK TopicId (section 5.4.13)");
            Assert.AreEqual(77, ack.UInt16(2), "PUBACK MsgId");
            Assert.AreEqual(SnFlags.Accepted, ack.Byte(4));
            Expect.Publish(sub.Read(), "sensors/temp", "22", 1, false);
            // RETAIN kept: a later subscriber gets it.
            TestClient late = rig.Broker.Connect("late");
            late.Subscribe(5, "sensors/temp", 0);
            Expect.Type(PacketType.SubAck, late.Read());
            Expect.Publish(late.Read(), "sensors/temp", "22", 0, true);
        }

        [TestMethod]
        public void PubAckComesBeforeTheClientsOwnMessageRoutedBackToIt_Section_6_6()
        {
            SnRig rig = new SnRig();
            SnTestClient c = rig.Connected("dev", 10);
            int id = c.Subscribe("echo/t", 1, 1);
            c.Send(SnMessages.Publish(1, false, false, SnMessages.Normal, id, 8, "me"));
            SnReceived ack = c.Expect(SnMessageType.PubAck);
            Assert.AreEqual(8, ack.UInt16(2));
            Assert.AreEqual(id, ack.UInt16(0));
            SnReceived echo = c.Expect(SnMessageType.Publish);
            Assert.AreEqual("me", echo.Data(5));
            c.Send(SnMessages.PubAck(id, echo.MsgId, 0));
            c.ExpectNothing();
        }

        [TestMethod]
        public void PublishQos2RunsPubRecPubRelPubComp_Section_6_6()
        {
            SnRig rig = new SnRig();
            TestClient sub = rig.Broker.Subscriber("sub", "sensors/#", 2);
            SnTestClient c = rig.Connected("dev", 10);
            int id = c.Register("sensors/temp", 1);
            c.Send(SnMessages.Publish(2, false, false, SnMessages.Normal, id, 300, "x"));
            Assert.AreEqual(300, c.Expect(SnMessageType.PubRec).UInt16(0));
            // The duplicate (PUBREC lost) is not delivered twice.
            c.Send(SnMessages.Publish(2, false, true, SnMessages.Normal, id, 300, "x"));
            Assert.AreEqual(300, c.Expect(SnMessageType.PubRec).UInt16(0));
            c.Send(SnMessages.PubRel(300));
            Assert.AreEqual(300, c.Expect(SnMessageType.PubComp).UInt16(0));
            Packet p = Expect.Publish(sub.Read(), "sensors/temp", "x", 2, false);
            sub.PubRec(p.PacketId);
            Expect.Ack(sub.Read(), PacketType.PubRel, p.PacketId);
            sub.PubComp(p.PacketId);
            Assert.IsNull(sub.Read(), "delivered once");
        }

        [TestMethod]
        public void PublishWithAnUnknownTopicIdIsRefusedInvalidTopicId_Section_6_6()
        {
            SnRig rig = new SnRig();
            TestClient sub = rig.Broker.Subscriber("sub", "#", 0);
            SnTestClient c = rig.Connected("dev", 10);
            c.Send(SnMessages.Publish(1, false, false, SnMessages.Normal, 42, 9, "x"));
            SnReceived ack = c.Expect(SnMessageType.PubAck);
            Assert.AreEqual(42, ack.UInt16(0));
            Assert.AreEqual(9, ack.UInt16(2));
            Assert.AreEqual(SnFlags.RejectedInvalidTopicId, ack.Byte(4));
            c.Send(SnMessages.Publish(0, false, false, SnMessages.Predefined, 99, 0, "x"));
            Assert.AreEqual(SnFlags.RejectedInvalidTopicId, c.Expect(SnMessageType.PubAck).Byte(4), "QoS 0 too");
            Expect.NothingSent(sub);
        }

        [TestMethod]
        public void PublishToAShortTopicName_Section_6_7()
        {
            SnRig rig = new SnRig();
            TestClient sub = rig.Broker.Subscriber("sub", "t1", 0);
            SnTestClient c = rig.Connected("dev", 10);
            c.Send(SnMessages.Publish(0, false, false, SnMessages.Short, SnMessages.ShortId("t1"), 0, "short"));
            Expect.Publish(sub.Read(), "t1", "short", 0, false);
        }

        [TestMethod]
        public void PublishToAPredefinedTopicId_Section_6_7()
        {
            SnRig rig = new SnRig();
            TestClient sub = rig.Broker.Subscriber("sub", "sensors/#", 1);
            SnTestClient c = rig.Connected("dev", 10);
            c.Send(SnMessages.Publish(1, false, false, SnMessages.Predefined, 1, 3, "p"));
            Assert.AreEqual(SnFlags.Accepted, c.Expect(SnMessageType.PubAck).Byte(4));
            Expect.Publish(sub.Read(), "sensors/predefined", "p", 1, false);
        }

        [TestMethod]
        public void PublishQosMinusOneNeedsNoConnection_Section_6_8()
        {
            SnRig rig = new SnRig();
            TestClient sub = rig.Broker.Subscriber("sub", "#", 1);
            SnTestClient c = rig.Client(10, 5000);
            c.Send(SnMessages.Publish(-1, false, false, SnMessages.Predefined, 1, 0, "fire"));
            Expect.Publish(sub.Read(), "sensors/predefined", "fire", 0, false);
            c.Send(SnMessages.Publish(-1, false, false, SnMessages.Short, SnMessages.ShortId("ab"), 0, "forget"));
            Expect.Publish(sub.Read(), "ab", "forget", 0, false);
            c.ExpectNothing();
            Assert.AreEqual(SnClientState.Free, rig.Gateway.StateOf(c.Address), "no client entry");
        }

        [TestMethod]
        public void PublishQosMinusOneToANormalTopicIdIsDropped_Section_6_8()
        {
            SnRig rig = new SnRig();
            TestClient sub = rig.Broker.Subscriber("sub", "#", 0);
            SnTestClient c = rig.Client(10, 5000);
            c.Send(SnMessages.Publish(-1, false, false, SnMessages.Normal, 1, 0, "x"));
            c.Send(SnMessages.Publish(-1, false, false, SnMessages.Predefined, 55, 0, "x"));
            c.ExpectNothing();
            Expect.NothingSent(sub);
            Assert.AreEqual(2, (int)rig.Gateway.Stats.Dropped);
        }

        [TestMethod]
        public void PublishDeniedByTheAccessRulesDoesNotReachSubscribers()
        {
            MqttSnOptions o = SnRig.SmallOptions();
            o.User = "alice";
            o.Password = "secret";
            SnRig rig = new SnRig(o);
            // The gateway's clients are alice: her rules apply to them (mosquitto's acl_file format).
            rig.Broker.Broker.Access = TestAccess.Make("topic read #\nuser alice\ntopic readwrite sensors/#\n", true);
            TestClient sub = rig.Broker.Subscriber("sub", "#", 0);
            SnTestClient c = rig.Connected("dev", 10);
            int allowed = c.Register("sensors/t", 1);
            int denied = c.Register("other/t", 2);
            c.Send(SnMessages.Publish(0, false, false, SnMessages.Normal, denied, 0, "no"));
            c.Send(SnMessages.Publish(0, false, false, SnMessages.Normal, allowed, 0, "yes"));
            Expect.Publish(sub.Read(), "sensors/t", "yes", 0, false);
            Expect.NothingSent(sub);
        }
    }
}
