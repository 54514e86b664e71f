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
    /// The broker's caps on what CONNECT asks (BrokerOptions.MaxKeepAliveSeconds, MaxSessionExpirySeconds): Server Keep
    /// Alive and the Session Expiry Interval in CONNACK (MQTT 5.0 section 3.2.2.3); a 3.x client asking a longer
    /// keep-alive is refused with CONNACK 2, as mosquitto's max_keepalive.
    /// </summary>
    [TestClass]
    public class ServerKeepAliveTests
    {
        private static TestBroker CappedBroker(int keepAlive, int sessionExpiry)
        {
            BrokerOptions o = V5Clients.Options();
            o.MaxKeepAliveSeconds = keepAlive;
            o.MaxSessionExpirySeconds = sessionExpiry;
            return new TestBroker(o);
        }

        private static V5Packet ConnAckFor(TestBroker b, TestClient c, int keepAliveSeconds, V5PropertyWriter properties)
        {
            c.Send(V5Packets.Connect("dev", true, keepAliveSeconds, properties));
            V5Packet ack = c.Read5();
            V5Clients.ExpectConnAck(ack, ReasonCode.Success);
            return ack;
        }

        [TestMethod]
        public void KeepAliveAboveTheCapGetsServerKeepAliveAndTimesOutByIt_MQTT_3_2_2_21_MQTT_3_2_2_22()
        {
            TestBroker b = CappedBroker(10, int.MaxValue);
            TestClient c = b.Open();
            V5Packet ack = ConnAckFor(b, c, 300, null);
            Assert.AreEqual(10L, ack.Properties.Number(V5Property.ServerKeepAlive), "Server Keep Alive = the cap");
            b.Tick(15000);
            Assert.IsFalse(c.IsClosing, "1.5 x 10 s is still allowed");
            b.Tick(1);
            V5Clients.ExpectDisconnect(c, ReasonCode.KeepAliveTimeout);
        }

        [TestMethod]
        public void KeepAliveZeroGetsTheCap_MQTT_3_2_2_21()
        {
            TestBroker b = CappedBroker(10, int.MaxValue);
            TestClient c = b.Open();
            V5Packet ack = ConnAckFor(b, c, 0, null);
            Assert.AreEqual(10L, ack.Properties.Number(V5Property.ServerKeepAlive), "0 (no keep-alive) is over any cap");
            b.Tick(15001);
            Assert.IsTrue(c.IsClosing, "the server's keep-alive is used [MQTT-3.2.2-22]");
        }

        [TestMethod]
        public void KeepAliveWithinTheCapOrNoCapSendsNoServerKeepAlive_MQTT_3_2_2_21()
        {
            TestBroker b = CappedBroker(10, int.MaxValue);
            Assert.IsFalse(ConnAckFor(b, b.Open(), 10, null).Properties.Has(V5Property.ServerKeepAlive), "within the cap");
            TestBroker free = CappedBroker(0, int.MaxValue);
            Assert.IsFalse(ConnAckFor(free, free.Open(), 0, null).Properties.Has(V5Property.ServerKeepAlive), "no cap");
        }

        [TestMethod]
        public void Mqtt311KeepAliveAboveTheCapIsRefusedWithConnAck2()
        {
            TestBroker b = CappedBroker(10, int.MaxValue);
            b.ConnectExpecting(Packets.Connect("old", true, 11), ConnectReturnCode.IdentifierRejected);
            b.ConnectExpecting(Packets.Connect("old", true, 0), ConnectReturnCode.IdentifierRejected);
            b.ConnectExpecting(Packets.Connect("old", true, 10), ConnectReturnCode.Accepted);
        }

        [TestMethod]
        public void SessionExpiryAboveTheCapIsCutAndAnnounced_MQTT_3_2_2_Section_3_2_2_3_2()
        {
            TestBroker b = CappedBroker(0, 60);
            TestClient c = b.Open();
            c.Send(V5Packets.Connect("dev", false, 0, new V5PropertyWriter().SessionExpiryInterval(0xFFFFFFFF)));
            V5Packet ack = c.Read5();
            V5Clients.ExpectConnAck(ack, ReasonCode.Success);
            Assert.AreEqual(60L, ack.Properties.Number(V5Property.SessionExpiryInterval), "CONNACK carries the interval used");
            c.Drop();
            b.Tick(59000);
            Assert.AreEqual(1, b.Broker.SessionCount, "kept for the 60 s used");
            b.Tick(1000);
            Assert.AreEqual(0, b.Broker.SessionCount, "gone after 60 s, not never");
        }

        [TestMethod]
        public void SessionExpiryWithinTheCapIsNotAnnounced()
        {
            TestBroker b = CappedBroker(0, 60);
            TestClient c = b.Open();
            V5Packet ack = ConnAckFor(b, c, 0, new V5PropertyWriter().SessionExpiryInterval(60));
            Assert.IsFalse(ack.Properties.Has(V5Property.SessionExpiryInterval), "the client's own interval is used");
        }

        [TestMethod]
        public void DisconnectCannotSetAnExpiryAboveTheCap_MQTT_3_14_2_2()
        {
            TestBroker b = CappedBroker(0, 60);
            TestClient c = V5Clients.ConnectWithExpiry(b, "dev", 30, false);
            c.Send(V5Packets.Disconnect(ReasonCode.Success, 3600));
            b.Tick(60000);
            Assert.AreEqual(0, b.Broker.SessionCount, "the DISCONNECT's 3600 s was cut to 60 s");
        }
    }
}
