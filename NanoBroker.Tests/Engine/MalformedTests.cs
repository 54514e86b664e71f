#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;
using NanoBroker.Tests.Engine.Harness;

namespace NanoBroker.Tests.Engine
{
    /// <summary>
    /// Malformed packets: each closes the connection without a reply [MQTT-4.8.0-1], counts a protocol
    /// violation, routes nothing, and (being no DISCONNECT) publishes the will.
    /// </summary>
    [TestClass]
    public class MalformedTests
    {
        // A broker with a subscriber to everything (and to the wills), and a connected client with a will. Each test
        // makes its own: nanoFramework's launcher calls test methods without constructing the class, so a test
        // class keeps no instance state.
        private sealed class Scene
        {
            public readonly TestBroker Broker = new TestBroker();
            public readonly TestClient Watcher;
            public readonly TestClient Victim;

            public Scene()
            {
                Watcher = Broker.Subscriber("watcher", "#", 0);
                Victim = Broker.Connect(Packets.Connect("victim", true, 0, "will", "died", 0, false));
            }

            public void ExpectViolation(string what)
            {
                Assert.IsTrue(Victim.IsClosing, what + ": connection should close");
                Assert.AreEqual(0, Victim.Unread, what + ": no reply");
                Assert.AreEqual(1L, Broker.Stats.ProtocolViolations, what + ": counted");
                Packet p = Watcher.Read();
                Assert.IsNotNull(p, what + ": the will is published");
                Assert.AreEqual("will", p.TopicText, what + ": only the will is routed");
                Assert.IsNull(Watcher.Read(), what + ": nothing else is routed");
            }
        }

        private static void SendExpectingViolation(byte[] packet, string what)
        {
            Scene s = new Scene();
            s.Victim.Send(packet);
            s.ExpectViolation(what);
        }

        [TestMethod]
        public void IncompletePacketWaitsAndIsDiscardedWhenTheSocketDrops()
        {
            Scene s = new Scene();
            TestClient c = s.Victim;
            byte[] publish = Packets.Publish("t", "partial");
            c.Send(publish, 0, 1);
            c.Send(publish, 1, 1);
            c.Send(publish, 2, publish.Length - 3);
            Assert.IsFalse(c.IsClosing, "a packet that is still arriving is not an error");
            Assert.IsNull(s.Watcher.Read());
            c.Drop();
            Packet p = s.Watcher.Read();
            Assert.AreEqual("will", p.TopicText);
            Assert.IsNull(s.Watcher.Read(), "the partial PUBLISH is never routed");
        }

        [TestMethod]
        public void TruncatedRemainingLengthWaitsForMoreBytes()
        {
            Scene s = new Scene();
            TestClient c = s.Victim;
            c.Send(new byte[] { 0x30, 0x80 });
            Assert.IsFalse(c.IsClosing);
            c.Send(new byte[] { 0x01 });
            Assert.IsFalse(c.IsClosing, "128 bytes announced, none yet");
        }

        [TestMethod]
        public void FiveByteRemainingLengthCloses_Section_2_2_3()
        {
            SendExpectingViolation(new byte[] { 0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 }, "5-byte length");
        }

        [TestMethod]
        public void FourContinuationBytesCloseWithoutWaitingForAFifth_Section_2_2_3()
        {
            SendExpectingViolation(new byte[] { 0x30, 0x80, 0x80, 0x80, 0x80 }, "4 continuation bytes");
        }

        [TestMethod]
        public void PacketLargerThanMaxPacketSizeClosesOnItsHeader()
        {
            Scene s = new Scene();
            TestClient c = s.Victim;
            Assert.AreEqual(1024, s.Broker.Broker.Options.MaxPacketSize);
            // A PUBLISH announcing 2000 bytes: only its fixed header is sent.
            c.Send(new byte[] { 0x30, 0xD0, 0x0F });
            s.ExpectViolation("oversized");
        }

        [TestMethod]
        public void PacketOfExactlyMaxPacketSizeIsAcceptedAndOneMoreIsNot()
        {
            // 1024 = 1 + 2 (length) + 2 + 3 (topic) + 1016 (payload)
            Scene s = new Scene();
            TestClient c = s.Victim;
            byte[] fits = Packets.Publish(Packets.Bytes("big"), new byte[1016], 0, false, false, 0);
            Assert.AreEqual(1024, fits.Length);
            c.Send(fits);
            Assert.IsFalse(c.IsClosing);
            Packet p = s.Watcher.Read();
            Assert.AreEqual(1016, p.Payload.Length);

            byte[] tooBig = Packets.Publish(Packets.Bytes("big"), new byte[1017], 0, false, false, 0);
            c.Send(tooBig);
            s.ExpectViolation("1025 bytes");
        }

        [TestMethod]
        public void RemainingLengthShorterThanTheConnectFieldsCloses_MQTT_3_1_4_1()
        {
            byte[] connect = Packets.Connect("client", true, 0);
            connect[1] = (byte)(connect[1] - 3);
            TestBroker b = new TestBroker();
            TestClient c = b.Open();
            c.Send(connect);
            Expect.ClosedSilently(c);
        }

        [TestMethod]
        public void TopicLengthBeyondThePacketCloses()
        {
            SendExpectingViolation(new byte[] { 0x30, 0x04, 0x00, 0x09, (byte)'a', (byte)'b' }, "topic runs past the packet");
        }

        [TestMethod]
        public void PublishTooShortForItsTopicLengthCloses()
        {
            SendExpectingViolation(new byte[] { 0x30, 0x01, 0x00 }, "one byte of a length field");
        }

        [TestMethod]
        public void Qos1PublishWithoutRoomForAPacketIdCloses_MQTT_2_3_1_1()
        {
            SendExpectingViolation(new byte[] { 0x32, 0x03, 0x00, 0x01, (byte)'t' }, "no packet id");
        }

        [TestMethod]
        public void EmptyTopicNameCloses_MQTT_4_7_3_1()
        {
            SendExpectingViolation(Packets.Publish(new byte[0], Packets.Bytes("x"), 0, false, false, 0), "empty topic");
        }

        [TestMethod]
        public void WildcardInTopicNameCloses_MQTT_3_3_2_2()
        {
            SendExpectingViolation(Packets.Publish("a/+", "x"), "'+' in a name");
            SendExpectingViolation(Packets.Publish("a/#", "x"), "'#' in a name");
        }

        [TestMethod]
        public void NullCharacterInTopicCloses_MQTT_1_5_3_2()
        {
            SendExpectingViolation(Packets.Publish(new byte[] { (byte)'a', 0x00 }, Packets.Bytes("x"), 0, false, false, 0), "U+0000");
        }

        [TestMethod]
        public void SurrogateInTopicCloses_MQTT_1_5_3_1()
        {
            SendExpectingViolation(Packets.Publish(new byte[] { (byte)'a', 0xED, 0xB0, 0x80 }, Packets.Bytes("x"), 1, false, false, 1), "U+DC00");
        }

        [TestMethod]
        public void OverlongUtf8InTopicCloses_MQTT_1_5_3_1()
        {
            SendExpectingViolation(Packets.Publish(new byte[] { (byte)'a', 0xC0, 0xAF }, Packets.Bytes("x"), 0, false, false, 0), "overlong");
        }

        [TestMethod]
        public void InvalidUtf8InClientIdClosesWithoutConnAck_MQTT_1_5_3_1()
        {
            TestBroker b = new TestBroker();
            TestClient c = b.Open();
            c.Send(Packets.ConnectRaw("MQTT", 4, 0x02, 0, new byte[] { (byte)'a', 0x00 }));
            Expect.ClosedSilently(c);
            TestClient d = b.Open();
            d.Send(Packets.ConnectRaw("MQTT", 4, 0x02, 0, new byte[] { (byte)'a', 0xED, 0xA0, 0x80 }));
            Expect.ClosedSilently(d);
            Assert.AreEqual(0, b.Broker.ConnectedClients);
        }

        [TestMethod]
        public void InvalidUtf8InUserNameCloses_MQTT_3_1_3_11()
        {
            ByteWriter w = new ByteWriter();
            w.Field("MQTT").Byte(4).Byte(0x82).UInt16(0).Field("id").Field(new byte[] { 0xFF });
            TestBroker b = new TestBroker();
            TestClient c = b.Open();
            c.Send(w.ToPacket(0x10));
            Expect.ClosedSilently(c);
        }

        [TestMethod]
        public void NullCharacterInSubscribeFilterCloses_MQTT_1_5_3_2()
        {
            ByteWriter w = new ByteWriter();
            w.UInt16(1).Field(new byte[] { (byte)'a', 0x00 }).Byte(0);
            SendExpectingViolation(w.ToPacket(0x82), "U+0000 in a filter");
        }

        [TestMethod]
        public void ConnectWithBadFixedHeaderFlagsCloses_MQTT_2_2_2_2()
        {
            byte[] connect = Packets.Connect("c", true, 0);
            connect[0] = 0x11;
            TestBroker b = new TestBroker();
            TestClient c = b.Open();
            c.Send(connect);
            Expect.ClosedSilently(c);
        }

        [TestMethod]
        public void PublishWithQos3Closes_MQTT_3_3_1_4()
        {
            byte[] p = Packets.Publish("t", "x", 1, false, false, 1);
            p[0] = 0x36;
            SendExpectingViolation(p, "QoS 3");
        }

        [TestMethod]
        public void PubAckWithBadFlagsCloses_MQTT_2_2_2_2()
        {
            SendExpectingViolation(Packets.Ack(0x41, 1), "PUBACK 0x41");
        }

        [TestMethod]
        public void PubRecWithBadFlagsCloses_MQTT_2_2_2_2()
        {
            SendExpectingViolation(Packets.Ack(0x52, 1), "PUBREC 0x52");
        }

        [TestMethod]
        public void PubRelWithBadFlagsCloses_MQTT_3_6_1_1()
        {
            SendExpectingViolation(Packets.Ack(0x60, 1), "PUBREL 0x60");
            SendExpectingViolation(Packets.Ack(0x63, 1), "PUBREL 0x63");
        }

        [TestMethod]
        public void PubCompWithBadFlagsCloses_MQTT_2_2_2_2()
        {
            SendExpectingViolation(Packets.Ack(0x78, 1), "PUBCOMP 0x78");
        }

        [TestMethod]
        public void SubscribeWithBadFlagsCloses_MQTT_3_8_1_1()
        {
            byte[] p = Packets.Subscribe(1, "t", 0);
            p[0] = 0x80;
            SendExpectingViolation(p, "SUBSCRIBE 0x80");
        }

        [TestMethod]
        public void UnsubscribeWithBadFlagsCloses_MQTT_3_10_1_1()
        {
            byte[] p = Packets.Unsubscribe(1, "t");
            p[0] = 0xA3;
            SendExpectingViolation(p, "UNSUBSCRIBE 0xA3");
        }

        [TestMethod]
        public void PingReqWithBadFlagsCloses_MQTT_2_2_2_2()
        {
            SendExpectingViolation(new byte[] { 0xC4, 0x00 }, "PINGREQ 0xC4");
        }

        [TestMethod]
        public void DisconnectWithBadFlagsClosesAndPublishesTheWill_MQTT_3_14_1_1()
        {
            SendExpectingViolation(new byte[] { 0xE1, 0x00 }, "DISCONNECT 0xE1");
        }

        [TestMethod]
        public void DisconnectWithABodyClosesAndPublishesTheWill()
        {
            SendExpectingViolation(new byte[] { 0xE0, 0x01, 0x00 }, "DISCONNECT with a body");
        }

        [TestMethod]
        public void ServerToClientPacketTypesFromAClientClose()
        {
            SendExpectingViolation(new byte[] { 0x20, 0x02, 0x00, 0x00 }, "CONNACK");
            SendExpectingViolation(new byte[] { 0x90, 0x03, 0x00, 0x01, 0x00 }, "SUBACK");
            SendExpectingViolation(new byte[] { 0xB0, 0x02, 0x00, 0x01 }, "UNSUBACK");
            SendExpectingViolation(new byte[] { 0xD0, 0x00 }, "PINGRESP");
        }

        [TestMethod]
        public void ReservedPacketTypesClose_MQTT_2_2_2_2()
        {
            SendExpectingViolation(new byte[] { 0x00, 0x00 }, "type 0");
            SendExpectingViolation(new byte[] { 0xF0, 0x00 }, "type 15");
        }

        [TestMethod]
        public void PacketsAfterAMalformedOneInTheSameReadAreIgnored_MQTT_4_8_0_1()
        {
            Scene s = new Scene();
            TestClient c = s.Victim;
            c.Send(Packets.Concat(Packets.Publish("a/+", "bad"), Packets.Publish("ok", "never")));
            s.ExpectViolation("malformed then valid");
        }

        [TestMethod]
        public void BytesAfterClosingAreIgnored()
        {
            Scene s = new Scene();
            TestClient c = s.Victim;
            c.Send(new byte[] { 0x00, 0x00 });
            s.ExpectViolation("type 0");
            Assert.AreEqual(0, c.Connection.ReceiveSpace, "the edge reads nothing more");
            s.Broker.Broker.Received(c.Connection, 0, s.Broker.Clock.Now);
            Assert.IsNull(s.Watcher.Read());
        }
    }
}
