#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;
using NanoBroker.Tests.Engine.Harness;

namespace NanoBroker.Tests.Engine
{
    /// <summary>QoS 2, exactly once (MQTT 3.1.1 sections 3.5 to 3.7 and 4.3.3).</summary>
    [TestClass]
    public class Qos2Tests
    {
        [TestMethod]
        public void InboundQos2_PubRecThenPubCompWithTheSameId_MQTT_4_3_3_2()
        {
            TestBroker b = new TestBroker();
            TestClient sub = b.Subscriber("sub", "t", 2);
            TestClient pub = b.Connect("pub");
            pub.Publish("t", "once", 2, false, 0x0102);
            Expect.Bytes(new byte[] { 0x50, 0x02, 0x01, 0x02 }, pub.Read().Raw, "PUBREC");
            Expect.Publish(sub.Read(), "t", "once", 2, false);
            pub.PubRel(0x0102);
            Expect.Bytes(new byte[] { 0x70, 0x02, 0x01, 0x02 }, pub.Read().Raw, "PUBCOMP");
        }

        [TestMethod]
        public void ResentQos2BeforePubRelIsAcknowledgedButNotForwardedAgain_MQTT_4_3_3_2()
        {
            TestBroker b = new TestBroker();
            TestClient sub = b.Subscriber("sub", "t", 2);
            TestClient pub = b.Connect("pub");
            pub.Publish("t", "once", 2, false, 7);
            Expect.Ack(pub.Read(), PacketType.PubRec, 7);
            pub.Send(Packets.Publish("t", "once", 2, false, true, 7));
            Expect.Ack(pub.Read(), PacketType.PubRec, 7);
            Expect.Publish(sub.Read(), "t", "once", 2, false);
            Assert.IsNull(sub.Read(), "forwarded exactly once");
            Assert.AreEqual(1L, b.Stats.MessagesReceived);

            pub.PubRel(7);
            Expect.Ack(pub.Read(), PacketType.PubComp, 7);
            // After PUBCOMP the identifier is free: the same id is a new message.
            pub.Publish("t", "second", 2, false, 7);
            Expect.Ack(pub.Read(), PacketType.PubRec, 7);
            Packet p = sub.Read();
            Assert.IsNotNull(p);
            Assert.AreEqual("second", p.PayloadText);
        }

        [TestMethod]
        public void PubRelForUnknownIdStillGetsPubComp_MQTT_4_3_3_2()
        {
            TestBroker b = new TestBroker();
            TestClient c = b.Connect("c");
            c.PubRel(42);
            Expect.Ack(c.Read(), PacketType.PubComp, 42);
            Assert.IsFalse(c.IsClosing);
        }

        [TestMethod]
        public void OutboundQos2_PubRecGetsPubRelWithFlags0010_MQTT_3_6_1_1()
        {
            TestBroker b = new TestBroker();
            TestClient sub = b.Subscriber("sub", "t", 2);
            TestClient pub = b.Connect("pub");
            pub.Publish("t", "x", 2, false, 1);
            Packet p = Expect.Publish(sub.Read(), "t", "x", 2, false);
            Assert.AreEqual(0x34, (int)p.Raw[0]);
            sub.PubRec(p.PacketId);
            Packet rel = sub.Read();
            Expect.Bytes(new byte[] { 0x62, 0x02, (byte)(p.PacketId >> 8), (byte)p.PacketId }, rel.Raw, "PUBREL");
            sub.PubComp(p.PacketId);
            Assert.IsNull(sub.Read());
            Assert.IsFalse(sub.IsClosing);
        }

        [TestMethod]
        public void PubRecReleasesTheMessageBytes_MQTT_4_3_3_1()
        {
            TestBroker b = new TestBroker();
            int free = b.Broker.Messages.FreeMessages;
            TestClient sub = b.Subscriber("sub", "t", 2);
            TestClient pub = b.Connect("pub");
            pub.Publish("t", "x", 2, false, 1);
            Packet p = sub.Read();
            Assert.AreEqual(free - 1, b.Broker.Messages.FreeMessages);
            sub.PubRec(p.PacketId);
            Assert.AreEqual(free, b.Broker.Messages.FreeMessages, "after PUBREC the PUBLISH is never sent again");
            sub.Read();
            sub.PubComp(p.PacketId);
            Assert.AreEqual(free, b.Broker.Messages.FreeMessages);
        }

        [TestMethod]
        public void ReconnectBeforePubRecResendsPublishWithDup_MQTT_4_4_0_1()
        {
            TestBroker b = new TestBroker();
            TestClient sub = b.Connect("sub", false);
            b.Subscribe(sub, "t", 2);
            b.Connect("pub").Publish("t", "x", 2, false, 1);
            Packet first = sub.Read();
            sub.Drop();
            TestClient back = b.Connect("sub", false);
            Packet again = Expect.Publish(back.Read(), "t", "x", 2, false);
            Assert.IsTrue(again.Dup);
            Assert.AreEqual(first.PacketId, again.PacketId);
        }

        [TestMethod]
        public void ReconnectAfterPubRecResendsPubRelNotPublish_MQTT_4_4_0_1()
        {
            TestBroker b = new TestBroker();
            TestClient sub = b.Connect("sub", false);
            b.Subscribe(sub, "t", 2);
            b.Connect("pub").Publish("t", "x", 2, false, 1);
            Packet p = sub.Read();
            sub.PubRec(p.PacketId);
            Expect.Ack(sub.Read(), PacketType.PubRel, p.PacketId);
            sub.Drop();

            TestClient back = b.Connect("sub", false);
            Expect.Ack(back.Read(), PacketType.PubRel, p.PacketId);
            Assert.IsNull(back.Read());
            back.PubComp(p.PacketId);
            Assert.IsNull(back.Read());

            back.Drop();
            TestClient third = b.Connect("sub", false);
            Assert.IsNull(third.Read(), "completed: nothing is re-sent");
        }

        [TestMethod]
        public void AwaitingReleaseSurvivesReconnectForPersistentSession_MQTT_4_3_3_2()
        {
            TestBroker b = new TestBroker();
            TestClient sub = b.Subscriber("sub", "t", 2);
            TestClient pub = b.Connect("pub", false);
            pub.Publish("t", "x", 2, false, 11);
            Expect.Ack(pub.Read(), PacketType.PubRec, 11);
            pub.Drop();
            TestClient back = b.Connect("pub", false);
            back.Send(Packets.Publish("t", "x", 2, false, true, 11));
            Expect.Ack(back.Read(), PacketType.PubRec, 11);
            back.PubRel(11);
            Expect.Ack(back.Read(), PacketType.PubComp, 11);
            Expect.Publish(sub.Read(), "t", "x", 2, false);
            Assert.IsNull(sub.Read(), "the re-sent PUBLISH was not forwarded a second time");
        }

        [TestMethod]
        public void PubRelWithFlags0000Closes_MQTT_3_6_1_1()
        {
            TestBroker b = new TestBroker();
            TestClient c = b.Connect("c");
            c.Send(Packets.Ack(PacketType.PubRel << 4, 1));
            Expect.ClosedSilently(c);
        }

        [TestMethod]
        public void PubCompForAMessageNotReleasedIsIgnored()
        {
            TestBroker b = new TestBroker();
            TestClient sub = b.Subscriber("sub", "t", 2);
            b.Connect("pub").Publish("t", "x", 2, false, 1);
            Packet p = sub.Read();
            sub.PubComp(p.PacketId);
            Assert.IsFalse(sub.IsClosing);
            sub.PubRec(p.PacketId);
            Expect.Ack(sub.Read(), PacketType.PubRel, p.PacketId);
        }
    }
}
