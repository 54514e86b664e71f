#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;
using NanoBroker.Tests.Engine.Harness;

namespace NanoBroker.Tests.Engine
{
    /// <summary>CONNECT and CONNACK (MQTT 3.1.1 sections 3.1 and 3.2), and MQTT 3.1 ("MQIsdp") clients.</summary>
    [TestClass]
    public class ConnectTests
    {
        [TestMethod]
        public void AcceptedConnectGetsConnAckFirst_Exact4Bytes_MQTT_3_2_0_1()
        {
            TestBroker b = new TestBroker();
            TestClient c = b.Open();
            c.Send(Packets.Connect("client-1", true, 30));
            Assert.AreEqual(4, c.Unread);
            Packet p = c.Read();
            Expect.Bytes(new byte[] { 0x20, 0x02, 0x00, 0x00 }, p.Raw, "CONNACK");
            Assert.AreEqual(1, b.Broker.ConnectedClients);
            Assert.IsFalse(c.IsClosing);
        }

        [TestMethod]
        public void CleanSession1HasSessionPresent0_MQTT_3_2_2_1()
        {
            TestBroker b = new TestBroker();
            TestClient first = b.Connect("c", false);
            first.Disconnect();
            first.Drop();
            Packet p = b.ConnectExpecting(Packets.Connect("c", true, 0), ConnectReturnCode.Accepted);
            Assert.IsFalse(p.SessionPresent, "a clean session never reports a stored one");
        }

        [TestMethod]
        public void FirstConnectWithCleanSession0HasSessionPresent0_MQTT_3_2_2_3()
        {
            TestBroker b = new TestBroker();
            Packet p = b.ConnectExpecting(Packets.Connect("keeper", false, 0), ConnectReturnCode.Accepted);
            Assert.IsFalse(p.SessionPresent, "no session stored yet [MQTT-3.2.2-3]");
            Assert.AreEqual(1, b.Broker.SessionCount);
        }

        [TestMethod]
        public void ReconnectWithCleanSession0HasSessionPresent1_MQTT_3_2_2_2()
        {
            TestBroker b = new TestBroker();
            TestClient c = b.Connect("keeper", false);
            c.Disconnect();
            Assert.IsTrue(c.IsClosing);
            c.Drop();
            Packet p = b.ConnectExpecting(Packets.Connect("keeper", false, 0), ConnectReturnCode.Accepted);
            Assert.IsTrue(p.SessionPresent);
            Assert.AreEqual(0x01, (int)p.Raw[2]);
        }

        [TestMethod]
        public void ProtocolLevel3WithNameMqttGetsConnAck1_MQTT_3_1_2_2()
        {
            TestBroker b = new TestBroker();
            b.ConnectExpecting(Packets.ConnectRaw("MQTT", 3, 0x02, 0, Packets.Bytes("old")), ConnectReturnCode.UnacceptableProtocolVersion);
            Assert.AreEqual(0, b.Broker.ConnectedClients);
            Assert.AreEqual(1L, b.Stats.ConnectionsRefused);
        }

        [TestMethod]
        public void ProtocolLevel6GetsConnAck1_MQTT_3_1_2_2()
        {
            TestBroker b = new TestBroker();
            b.ConnectExpecting(Packets.ConnectRaw("MQTT", 6, 0x02, 0, Packets.Bytes("future")), ConnectReturnCode.UnacceptableProtocolVersion);
        }

        [TestMethod]
        public void MqIsdpLevel3IsAccepted()
        {
            TestBroker b = new TestBroker();
            b.ConnectExpecting(Packets.ConnectRaw("MQIsdp", 3, 0x02, 10, Packets.Bytes("legacy")), ConnectReturnCode.Accepted);
            Assert.AreEqual(1, b.Broker.ConnectedClients);
        }

        [TestMethod]
        public void MqIsdpWithLevel4GetsConnAck1_MQTT_3_1_2_2()
        {
            TestBroker b = new TestBroker();
            b.ConnectExpecting(Packets.ConnectRaw("MQIsdp", 4, 0x02, 0, Packets.Bytes("mixed")), ConnectReturnCode.UnacceptableProtocolVersion);
        }

        [TestMethod]
        public void MqIsdpWithEmptyClientIdGetsConnAck2()
        {
            // MQTT 3.1 requires a client identifier of 1 to 23 characters, clean session or not.
            TestBroker b = new TestBroker();
            b.ConnectExpecting(Packets.ConnectRaw("MQIsdp", 3, 0x02, 0, new byte[0]), ConnectReturnCode.IdentifierRejected);
        }

        [TestMethod]
        public void MqIsdpWithClientIdOver23BytesGetsConnAck2()
        {
            TestBroker b = new TestBroker();
            b.ConnectExpecting(Packets.ConnectRaw("MQIsdp", 3, 0x02, 0, Packets.Bytes("abcdefghijklmnopqrstuvwx")), ConnectReturnCode.IdentifierRejected);
            b.ConnectExpecting(Packets.ConnectRaw("MQIsdp", 3, 0x02, 0, Packets.Bytes("abcdefghijklmnopqrstuvw")), ConnectReturnCode.Accepted);
        }

        [TestMethod]
        public void EmptyClientIdWithCleanSession0GetsConnAck2_MQTT_3_1_3_8()
        {
            TestBroker b = new TestBroker();
            b.ConnectExpecting(Packets.Connect("", false, 0), ConnectReturnCode.IdentifierRejected);
            Assert.AreEqual(0, b.Broker.SessionCount);
        }

        [TestMethod]
        public void EmptyClientIdWithCleanSession1GetsAUniqueId_MQTT_3_1_3_6()
        {
            TestBroker b = new TestBroker();
            TestClient one = b.Connect(Packets.Connect("", true, 0));
            TestClient two = b.Connect(Packets.Connect("", true, 0));
            Assert.AreEqual(2, b.Broker.ConnectedClients);
            Assert.IsFalse(one.IsClosing, "the second anonymous client must not take over the first");
            Assert.IsFalse(two.IsClosing);
            // Both get messages on their own.
            b.Subscribe(one, "x", 0);
            b.Subscribe(two, "x", 0);
            one.Publish("x", "hi", 0, false, 0);
            Expect.Publish(one.Read(), "x", "hi", 0, false);
            Expect.Publish(two.Read(), "x", "hi", 0, false);
        }

        [TestMethod]
        public void UnknownProtocolNameClosesWithoutConnAck_MQTT_3_1_2_1()
        {
            TestBroker b = new TestBroker();
            TestClient c = b.Open();
            c.Send(Packets.ConnectRaw("MQTX", 4, 0x02, 0, Packets.Bytes("x")));
            Expect.ClosedSilently(c);
            Assert.AreEqual(1L, b.Stats.ProtocolViolations);
        }

        [TestMethod]
        public void FirstPacketOtherThanConnectCloses_MQTT_3_1_0_1()
        {
            TestBroker b = new TestBroker();
            TestClient c = b.Open();
            c.Send(Packets.PingReq());
            Expect.ClosedSilently(c);

            TestClient d = b.Open();
            d.Send(Packets.Publish("a", "b"));
            Expect.ClosedSilently(d);
        }

        [TestMethod]
        public void SecondConnectIsAProtocolViolation_MQTT_3_1_0_2()
        {
            TestBroker b = new TestBroker();
            TestClient c = b.Connect("twice");
            c.Send(Packets.Connect("twice", true, 0));
            Expect.ClosedSilently(c);
            Assert.AreEqual(0, b.Broker.ConnectedClients);
        }

        [TestMethod]
        public void ReservedConnectFlagSetCloses_MQTT_3_1_2_3()
        {
            TestBroker b = new TestBroker();
            TestClient c = b.Open();
            c.Send(Packets.ConnectRaw("MQTT", 4, 0x03, 0, Packets.Bytes("r")));
            Expect.ClosedSilently(c);
        }

        [TestMethod]
        public void WillQosWithoutWillFlagCloses_MQTT_3_1_2_13()
        {
            TestBroker b = new TestBroker();
            TestClient c = b.Open();
            c.Send(Packets.ConnectRaw("MQTT", 4, 0x02 | 0x08, 0, Packets.Bytes("w")));
            Expect.ClosedSilently(c);
        }

        [TestMethod]
        public void WillRetainWithoutWillFlagCloses_MQTT_3_1_2_15()
        {
            TestBroker b = new TestBroker();
            TestClient c = b.Open();
            c.Send(Packets.ConnectRaw("MQTT", 4, 0x02 | 0x20, 0, Packets.Bytes("w")));
            Expect.ClosedSilently(c);
        }

        [TestMethod]
        public void WillQos3Closes_MQTT_3_1_2_14()
        {
            TestBroker b = new TestBroker();
            TestClient c = b.Open();
            c.Send(Packets.Connect("w", true, 0, "will/topic", "gone", 3, false));
            Expect.ClosedSilently(c);
        }

        [TestMethod]
        public void PasswordWithoutUserNameCloses_MQTT_3_1_2_22()
        {
            TestBroker b = new TestBroker();
            TestClient c = b.Open();
            c.Send(Packets.Connect("p", true, 0, null, null, 0, false, null, new byte[] { 1, 2 }));
            Expect.ClosedSilently(c);
        }

        [TestMethod]
        public void UserNameAndPasswordAreAccepted()
        {
            TestBroker b = new TestBroker();
            b.ConnectExpecting(Packets.Connect("u", true, 0, null, null, 0, false, "user", Packets.Bytes("secret")), ConnectReturnCode.Accepted);
        }

        [TestMethod]
        public void ConnectFlags0xAE_UserNameWillRetainQos1CleanSession_Parse()
        {
            // A combination real devices send: user name, will retain, will QoS 1, will, clean session.
            byte[] connect = Packets.Connect("device", true, 60, "dev/status", "offline", 1, true, "dev", null);
            Assert.AreEqual(0xAE, (int)connect[9]);
            TestBroker b = new TestBroker();
            b.ConnectExpecting(connect, ConnectReturnCode.Accepted);
        }

        [TestMethod]
        public void BytesAfterTheConnectPayloadClose_MQTT_3_1_4_1()
        {
            ByteWriter w = new ByteWriter();
            w.Field("MQTT").Byte(4).Byte(0x02).UInt16(0).Field("x").Byte(0x55);
            TestBroker b = new TestBroker();
            TestClient c = b.Open();
            c.Send(w.ToPacket(0x10));
            Expect.ClosedSilently(c);
        }

        [TestMethod]
        public void ConnectSentByteByByteIsAccepted()
        {
            TestBroker b = new TestBroker();
            TestClient c = b.Open();
            c.SendByteByByte(Packets.Connect("slowpoke", true, 0, "w/t", "bye", 0, false, "name", Packets.Bytes("pw")));
            b.ExpectConnAck(c, 0);
        }

        [TestMethod]
        public void PacketsBehindConnectInTheSameReadAreProcessedAfterConnAck_MQTT_3_1_4_4()
        {
            TestBroker b = new TestBroker();
            TestClient c = b.Open();
            c.Send(Packets.Concat(Packets.Connect("eager", true, 0), Packets.Concat(Packets.Subscribe(5, "t", 1), Packets.PingReq())));
            b.ExpectConnAck(c, 0);
            Packet suback = c.Read();
            Expect.Type(PacketType.SubAck, suback);
            Assert.AreEqual(5, suback.PacketId);
            Expect.Type(PacketType.PingResp, c.Read());
        }

        [TestMethod]
        public void PacketsBehindARefusedConnectAreNotProcessed_MQTT_3_1_4_5()
        {
            TestBroker b = new TestBroker();
            TestClient c = b.Open();
            c.Send(Packets.Concat(Packets.Connect("", false, 0), Packets.Subscribe(5, "t", 1)));
            b.ExpectConnAck(c, ConnectReturnCode.IdentifierRejected);
            Assert.IsNull(c.Read());
            Assert.AreEqual(0, b.Broker.Subscriptions.Count);
        }

        [TestMethod]
        public void NoConnectWithinConnectTimeoutCloses()
        {
            TestBroker b = new TestBroker();
            TestClient c = b.Open();
            c.Send(new byte[] { 0x10 });
            b.Tick(b.Broker.Options.ConnectTimeoutMs);
            Assert.IsFalse(c.IsClosing, "exactly the timeout is still allowed");
            b.Tick(1);
            Expect.ClosedSilently(c);
        }

        [TestMethod]
        public void ConnectedClientIsNotSubjectToTheConnectTimeout()
        {
            TestBroker b = new TestBroker();
            TestClient c = b.Connect("patient");
            b.Tick(b.Broker.Options.ConnectTimeoutMs * 3);
            Assert.IsFalse(c.IsClosing);
        }

        [TestMethod]
        public void ClosedSlotIsReusedAfterClosed()
        {
            BrokerOptions o = TestBroker.SmallOptions();
            o.MaxClients = 1;
            o.MaxSessions = 1;
            TestBroker b = new TestBroker(o);
            for (int i = 0; i < 50; i++)
            {
                TestClient c = b.Connect("cycler");
                c.Disconnect();
                Assert.IsTrue(c.IsClosing);
                c.Drop();
            }
            Assert.AreEqual(3, b.Broker.FreeConnections);
            Assert.AreEqual(0, b.Broker.SessionCount);
        }
    }
}
