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
    /// MQTT 5.0 Will Delay Interval (section 3.1.3.2.2) and the will's lifetime with its session (3.1.2.5, 3.14.4): the
    /// will waits min(delay, session expiry) after an end without a normal DISCONNECT, a resuming connection cancels
    /// it, a session that ends publishes it; after a restart, a will still set is published at once.
    /// </summary>
    [TestClass]
    public class WillDelayTests
    {
        // A 5.0 client "dev" with a QoS 1 will on status/dev, the given delay and session expiry.
        private static TestClient ConnectWithWill(TestBroker b, bool cleanStart, long delaySeconds, long sessionExpirySeconds)
        {
            TestClient c = b.Open();
            c.Send(V5Packets.Connect("dev", cleanStart, 0, new V5PropertyWriter().SessionExpiryInterval(sessionExpirySeconds),
                "status/dev", Utf8.GetBytes("gone"), 1, false, new V5PropertyWriter().WillDelayInterval(delaySeconds), null, null));
            V5Clients.ExpectConnAck(c.Read5(), ReasonCode.Success);
            return c;
        }

        private static TestClient Reader(TestBroker b)
        {
            TestClient r = V5Clients.Connect(b, "reader");
            V5Clients.Subscribe(r, "status/#", 1);
            return r;
        }

        private static void ExpectWill(TestClient reader)
        {
            V5Packet p = reader.Read5();
            Assert.IsNotNull(p, "the will");
            Assert.AreEqual(PacketType.Publish, p.Type, "PUBLISH");
            Assert.AreEqual("status/dev", p.TopicText);
            Assert.AreEqual("gone", p.PayloadText);
        }

        [TestMethod]
        public void TheWillWaitsItsDelayAfterAnUngracefulEnd_MQTT_3_1_3_9()
        {
            TestBroker b = V5Clients.Broker();
            TestClient reader = Reader(b);
            ConnectWithWill(b, true, 10, 60).Drop();
            b.Tick(9999);
            Assert.IsNull(reader.Read5(), "not before 10 s");
            b.Tick(1);
            ExpectWill(reader);
            b.Tick(60000);
            Assert.IsNull(reader.Read5(), "published once");
        }

        [TestMethod]
        public void AConnectionResumingTheSessionBeforeTheDelayCancelsTheWill_MQTT_3_1_3_9()
        {
            TestBroker b = V5Clients.Broker();
            TestClient reader = Reader(b);
            ConnectWithWill(b, true, 10, 60).Drop();
            b.Tick(5000);
            TestClient back = V5Clients.ConnectWithExpiry(b, "dev", 60, true);
            b.Tick(60000);
            Assert.IsNull(reader.Read5(), "not published: the client came back");
            back.Drop();
            b.Tick(60000);
            Assert.IsNull(reader.Read5(), "the new connection had no will");
        }

        [TestMethod]
        public void ASessionExpiringBeforeTheDelayPublishesTheWillThen_MQTT_3_1_2_8()
        {
            TestBroker b = V5Clients.Broker();
            TestClient reader = Reader(b);
            ConnectWithWill(b, true, 60, 5).Drop();
            b.Tick(4999);
            Assert.IsNull(reader.Read5(), "not before the session ends");
            b.Tick(1);
            ExpectWill(reader);
            Assert.AreEqual(1, b.Broker.SessionCount, "only the reader's session is left");
        }

        [TestMethod]
        public void SessionExpiry0PublishesTheWillAtOnce_MQTT_3_1_2_8()
        {
            TestBroker b = V5Clients.Broker();
            TestClient reader = Reader(b);
            ConnectWithWill(b, true, 60, 0).Drop();
            ExpectWill(reader);
        }

        [TestMethod]
        public void CleanStartEndsTheSessionAndPublishesAWaitingWill_MQTT_3_1_2_8()
        {
            TestBroker b = V5Clients.Broker();
            TestClient reader = Reader(b);
            ConnectWithWill(b, true, 60, 600).Drop();
            b.Tick(1000);
            Assert.IsNull(reader.Read5());
            V5Clients.Connect(b, "dev", true, new V5PropertyWriter().SessionExpiryInterval(600));
            ExpectWill(reader);
        }

        [TestMethod]
        public void DisconnectWithWillWaitsTheDelayAndANormalDisconnectDiscardsIt_MQTT_3_14_4_3()
        {
            TestBroker b = V5Clients.Broker();
            TestClient reader = Reader(b);
            ConnectWithWill(b, true, 10, 60).Send(V5Packets.Disconnect(ReasonCode.DisconnectWithWill, null));
            Assert.IsNull(reader.Read5(), "0x04: the will waits its delay as after any other end");
            b.Tick(10000);
            ExpectWill(reader);

            ConnectWithWill(b, true, 10, 60).Send(V5Packets.Disconnect(ReasonCode.Success, null));
            b.Tick(70000);
            Assert.IsNull(reader.Read5(), "0x00: discarded");
        }

        [TestMethod]
        public void AWillWithoutDelayIsPublishedAtOnce_MQTT_3_1_3_9()
        {
            TestBroker b = V5Clients.Broker();
            TestClient reader = Reader(b);
            ConnectWithWill(b, true, 0, 60).Drop();
            ExpectWill(reader);
        }

        [TestMethod]
        public void ANewWillReplacesTheOneWaiting_MQTT_3_1_3_9()
        {
            TestBroker b = V5Clients.Broker();
            TestClient reader = Reader(b);
            ConnectWithWill(b, true, 10, 60).Drop();
            ConnectWithWill(b, false, 10, 60).Drop();
            b.Tick(10000);
            ExpectWill(reader);
            Assert.IsNull(reader.Read5(), "one will per session");
        }

        [TestMethod]
        public void AWillWaitingAtAStopIsPublishedAtTheRestart_RecordFormat_WillSet()
        {
            RamStorage ram = new RamStorage();
            BrokerOptions o = TestBroker.StorageOptions();
            TestBroker b = TestBroker.Restored(ram, o);
            ConnectWithWill(b, false, 600, 3600).Drop();
            b.CommitStorage();

            RamStorage second = ram.AfterPowerCut(0);
            TestBroker after = TestBroker.Restored(second, o);
            TestClient reader = V5Clients.Connect(after, "reader");
            reader.Send(V5Packets.Subscribe(1, new string[] { "status/#" }, new int[] { 1 }, null));
            Assert.AreEqual(PacketType.SubAck, reader.Read5().Type);
            Assert.IsNull(reader.Read5(), "published before the reader subscribed, not retained");
            Assert.IsTrue(after.RestoreSummary.IndexOf("published 1 wills") >= 0, after.RestoreSummary);

            // Published once: a second restart finds no will.
            TestBroker third = TestBroker.Restored(second.AfterPowerCut(0), o);
            Assert.IsTrue(third.RestoreSummary.IndexOf("published 0 wills") >= 0, third.RestoreSummary);
        }

        [TestMethod]
        public void ARetainedWillWaitingAtAStopIsThereAfterTheRestart()
        {
            RamStorage ram = new RamStorage();
            BrokerOptions o = TestBroker.StorageOptions();
            TestBroker b = TestBroker.Restored(ram, o);
            TestClient c = b.Open();
            c.Send(V5Packets.Connect("dev", false, 0, new V5PropertyWriter().SessionExpiryInterval(3600),
                "status/dev", Utf8.GetBytes("gone"), 1, true, new V5PropertyWriter().WillDelayInterval(600).ContentType("text/plain"), null, null));
            V5Clients.ExpectConnAck(c.Read5(), ReasonCode.Success);
            c.Drop();
            b.CommitStorage();

            TestBroker after = TestBroker.Restored(ram.AfterPowerCut(0), o);
            TestClient reader = V5Clients.Connect(after, "reader");
            reader.Send(V5Packets.Subscribe(1, new string[] { "status/#" }, new int[] { 1 }, null));
            Assert.AreEqual(PacketType.SubAck, reader.Read5().Type);
            ExpectWill(reader);
        }
    }
}
