#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;
using NanoBroker.Tests.Engine.Harness;

namespace NanoBroker.Tests.Engine.Mqtt5
{
    /// <summary>MQTT 5.0 CONNECT and CONNACK (sections 3.1, 3.2) and an unknown protocol level.</summary>
    [TestClass]
    public class Mqtt5ConnectTests
    {
        [TestMethod]
        public void UnknownProtocolLevelIsRefusedWith311ConnAck1_MQTT_3_1_2_2()
        {
            TestBroker b = new TestBroker();
            TestClient c = b.Open();
            byte[] connect = V5Packets.Connect("dev", true, 0, null);
            connect[8] = 6; // the protocol level after the fixed header and the name "MQTT"
            c.Send(connect);
            Packet p = c.Read();
            Expect.Type(PacketType.ConnAck, p);
            Assert.AreEqual(4, p.Raw.Length, "a 3.1.1 CONNACK");
            Assert.AreEqual(1, (int)p.Raw[3], "CONNACK 1 unacceptable protocol version");
            Assert.IsTrue(c.IsClosing);
        }

        [TestMethod]
        public void ConnAckAnnouncesTheBrokersLimits_MQTT_3_2_2_Properties()
        {
            TestBroker b = V5Clients.Broker();
            TestClient c = b.Open();
            c.Send(V5Packets.Connect("dev", true, 0, null));
            V5Packet ack = c.Read5();
            V5Clients.ExpectConnAck(ack, ReasonCode.Success);
            Assert.IsFalse(ack.SessionPresent);
            Assert.AreEqual(b.Broker.Options.InflightWindow, (int)ack.Properties.Number(V5Property.ReceiveMaximum), "Receive Maximum");
            Assert.AreEqual(b.Broker.Options.MaxPacketSize, (int)ack.Properties.Number(V5Property.MaximumPacketSize), "Maximum Packet Size");
            Assert.IsFalse(ack.Properties.Has(V5Property.SharedSubscriptionAvailable), "Shared Subscription Available omitted (1)");
            Assert.IsFalse(ack.Properties.Has(V5Property.SubscriptionIdentifierAvailable), "Subscription Identifiers Available omitted (1)");
            Assert.AreEqual(b.Broker.Options.MaxTopicAliases, (int)ack.Properties.Number(V5Property.TopicAliasMaximum), "Topic Alias Maximum");
            Assert.IsFalse(ack.Properties.Has(V5Property.AssignedClientIdentifier), "no assigned id for a given one");
            Assert.IsFalse(ack.Properties.Has(V5Property.SessionExpiryInterval), "the client's expiry is kept");
            Assert.IsFalse(ack.Properties.Has(V5Property.MaximumQoS));
            Assert.IsFalse(ack.Properties.Has(V5Property.RetainAvailable));
            Assert.IsFalse(ack.Properties.Has(V5Property.WildcardSubscriptionAvailable));
        }

        [TestMethod]
        public void EmptyClientIdGetsAnAssignedClientIdentifier_MQTT_3_2_2_16()
        {
            TestBroker b = V5Clients.Broker();
            TestClient c = b.Open();
            c.Send(V5Packets.Connect("", false, 0, new V5PropertyWriter().SessionExpiryInterval(60)));
            V5Packet ack = c.Read5();
            V5Clients.ExpectConnAck(ack, ReasonCode.Success);
            string id = ack.Properties.Text(V5Property.AssignedClientIdentifier);
            Assert.IsNotNull(id, "Assigned Client Identifier");
            Assert.IsTrue(id.Length > 0, "a non-empty identifier");
        }

        [TestMethod]
        public void ClientIdTooLongIsRefusedWith0x85_MQTT_3_1_3_5()
        {
            TestBroker b = V5Clients.Broker();
            TestClient c = b.Open();
            c.Send(V5Packets.Connect(new string('x', b.Broker.Options.MaxClientIdBytes + 1), true, 0, null));
            V5Packet ack = c.Read5();
            V5Clients.ExpectConnAck(ack, ReasonCode.ClientIdentifierNotValid);
            Assert.IsTrue(c.IsClosing);
        }

        [TestMethod]
        public void AuthenticationMethodIsRefusedWith0x8C_Section_4_12()
        {
            TestBroker b = V5Clients.Broker();
            TestClient c = b.Open();
            c.Send(V5Packets.Connect("dev", true, 0, new V5PropertyWriter().AuthenticationMethod("SCRAM-SHA-1")));
            V5Clients.ExpectConnAck(c.Read5(), ReasonCode.BadAuthenticationMethod);
            Assert.IsTrue(c.IsClosing);
        }

        [TestMethod]
        public void BadPasswordIsRefusedWith0x86_And311StillGets4_MQTT_3_2_2_5()
        {
            TestBroker b = V5Clients.Broker();
            b.Broker.Access = TestAccess.Make("", false);
            TestClient c = b.Open();
            c.Send(V5Packets.Connect("dev", true, 0, null, null, null, 0, false, null, "alice", new byte[] { 1, 2, 3 }));
            V5Clients.ExpectConnAck(c.Read5(), ReasonCode.BadUserNameOrPassword);
            b.ConnectExpecting(TestAccess.Connect("dev", true, "alice", "wrong"), ConnectReturnCode.BadUserNameOrPassword);
        }

        [TestMethod]
        public void AnonymousNotAllowedIsRefusedWith0x87()
        {
            TestBroker b = V5Clients.Broker();
            b.Broker.Access = TestAccess.Make("", false);
            TestClient c = b.Open();
            c.Send(V5Packets.Connect("dev", true, 0, null));
            V5Clients.ExpectConnAck(c.Read5(), ReasonCode.NotAuthorized);
        }

        [TestMethod]
        public void ClientLimitIsRefusedWith0x88_And311StillGets3()
        {
            BrokerOptions o = V5Clients.Options();
            o.MaxClients = 1;
            TestBroker b = new TestBroker(o);
            V5Clients.Connect(b, "first");
            TestClient c = b.Open();
            c.Send(V5Packets.Connect("second", true, 0, null));
            V5Clients.ExpectConnAck(c.Read5(), ReasonCode.ServerUnavailable);
            b.ConnectExpecting(Packets.Connect("third", true, 0), ConnectReturnCode.ServerUnavailable);
        }

        [TestMethod]
        public void TakeoverSendsDisconnect0x8EToTheOldConnection_MQTT_3_1_4_3()
        {
            TestBroker b = V5Clients.Broker();
            TestClient old = V5Clients.Connect(b, "dev");
            V5Clients.Connect(b, "dev");
            V5Clients.ExpectDisconnect(old, ReasonCode.SessionTakenOver);
        }

        [TestMethod]
        public void KeepAliveTimeoutSendsDisconnect0x8D_MQTT_3_1_2_22()
        {
            TestBroker b = V5Clients.Broker();
            TestClient c = b.Open();
            c.Send(V5Packets.Connect("dev", true, 2, null));
            V5Clients.ExpectConnAck(c.Read5(), ReasonCode.Success);
            b.Tick(3100);
            V5Clients.ExpectDisconnect(c, ReasonCode.KeepAliveTimeout);
        }

        [TestMethod]
        public void AuthWithoutEnhancedAuthenticationIsAProtocolError_Section_4_12()
        {
            TestBroker b = V5Clients.Broker();
            TestClient c = V5Clients.Connect(b, "dev");
            c.Send(V5Packets.Auth(0x18, null));
            V5Clients.ExpectDisconnect(c, ReasonCode.ProtocolError);
        }
    }
}
