#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;
using NanoBroker.Tests.Engine.Harness;

namespace NanoBroker.Tests.Engine.Mqtt5
{
    /// <summary>MQTT 5.0 session lifetime: Clean Start, Session Expiry Interval, DISCONNECT (sections 3.1.2.4, 3.1.2.11.2, 3.14, 4.1).</summary>
    [TestClass]
    public class Mqtt5SessionTests
    {
        [TestMethod]
        public void ExpiryZeroEndsTheSessionWithItsConnection_MQTT_3_1_2_11_2()
        {
            TestBroker b = V5Clients.Broker();
            TestClient c = V5Clients.ConnectWithExpiry(b, "dev", 0, false);
            c.Drop();
            V5Clients.ConnectWithExpiry(b, "dev", 0, false);
        }

        [TestMethod]
        public void ExpiryAboveZeroOutlivesTheConnectionUntilItRunsOut_MQTT_3_1_2_11_2()
        {
            TestBroker b = V5Clients.Broker();
            TestClient c = V5Clients.ConnectWithExpiry(b, "dev", 10, false);
            c.Drop();
            b.Tick(9000);
            Assert.AreEqual(1, b.Broker.SessionCount, "still kept before 10 s");
            V5Clients.ConnectWithExpiry(b, "dev", 10, true).Drop();
            b.Tick(10000);
            Assert.AreEqual(0, b.Broker.SessionCount, "discarded once 10 s ran out");
            Assert.AreEqual(1, (int)b.Stats.SessionsExpired);
            V5Clients.ConnectWithExpiry(b, "dev", 10, false);
        }

        [TestMethod]
        public void CleanStartDiscardsAnExistingSession_MQTT_3_1_2_4()
        {
            TestBroker b = V5Clients.Broker();
            V5Clients.ConnectWithExpiry(b, "dev", 60, false).Drop();
            TestClient c = b.Open();
            c.Send(V5Packets.Connect("dev", true, 0, new V5PropertyWriter().SessionExpiryInterval(60)));
            V5Packet ack = c.Read5();
            V5Clients.ExpectConnAck(ack, ReasonCode.Success);
            Assert.IsFalse(ack.SessionPresent, "[MQTT-3.2.2-2] Clean Start 1: session present 0");
        }

        [TestMethod]
        public void ExpiryIsKeptAcrossARestartAndCountsFromIt_RecordFormat_SessionSet()
        {
            RamStorage ram = new RamStorage();
            BrokerOptions o = TestBroker.StorageOptions();
            TestBroker b = TestBroker.Restored(ram, o);
            TestClient c = V5Clients.ConnectWithExpiry(b, "dev", 10, false);
            V5Clients.Subscribe(c, "a/b", 1);
            c.Drop();
            b.Tick(8000);
            b.CommitStorage();

            TestBroker again = TestBroker.Restored(ram, o);
            again.Tick(9000);
            Assert.AreEqual(1, again.Broker.SessionCount, "the countdown starts anew at the restart");
            again.Tick(1000);
            Assert.AreEqual(0, again.Broker.SessionCount, "expired 10 s after the restart");
            again.CommitStorage();
            TestBroker third = TestBroker.Restored(ram, o);
            Assert.AreEqual(0, third.Broker.SessionCount, "its SessionClear was journaled");
        }

        [TestMethod]
        public void ResumedWithExpiryZeroIsNotBroughtBackByARestart_MQTT_3_1_2_11_2()
        {
            RamStorage ram = new RamStorage();
            BrokerOptions o = TestBroker.StorageOptions();
            TestBroker b = TestBroker.Restored(ram, o);
            V5Clients.ConnectWithExpiry(b, "dev", 60, false).Drop();
            V5Clients.ConnectWithExpiry(b, "dev", 0, true);
            b.CommitStorage();
            TestBroker again = TestBroker.Restored(ram, o);
            Assert.AreEqual(0, again.Broker.SessionCount, "the session ends with its connection, which the restart ended");
        }

        [TestMethod]
        public void Mqtt311CleanSession0NeverExpires()
        {
            TestBroker b = V5Clients.Broker();
            b.Connect("old", false).Drop();
            b.Tick(100000000);
            b.Resume("old");
        }

        [TestMethod]
        public void DisconnectSetsExpiryToZeroAndTheSessionEnds_MQTT_3_14_2_2()
        {
            TestBroker b = V5Clients.Broker();
            TestClient c = V5Clients.ConnectWithExpiry(b, "dev", 60, false);
            c.Send(V5Packets.Disconnect(0, 0));
            Assert.IsTrue(c.IsClosing);
            Assert.AreEqual(0, b.Broker.SessionCount);
        }

        [TestMethod]
        public void DisconnectChangesTheExpiry()
        {
            TestBroker b = V5Clients.Broker();
            TestClient c = V5Clients.ConnectWithExpiry(b, "dev", 60, false);
            c.Send(V5Packets.Disconnect(0, 5));
            b.Tick(5000);
            Assert.AreEqual(0, b.Broker.SessionCount, "the new 5 s expiry ran out");
        }

        [TestMethod]
        public void DisconnectSettingExpiryFromZeroIsAProtocolError_MQTT_3_14_2_2()
        {
            TestBroker b = V5Clients.Broker();
            TestClient c = V5Clients.ConnectWithExpiry(b, "dev", 0, false);
            c.Send(V5Packets.Disconnect(0, 30));
            V5Clients.ExpectDisconnect(c, ReasonCode.ProtocolError);
            Assert.AreEqual(0, b.Broker.SessionCount);
        }

        [TestMethod]
        public void DisconnectWithWillPublishesTheWill_0x04_MQTT_3_14_4_3()
        {
            TestBroker b = V5Clients.Broker();
            TestClient watcher = b.Subscriber("watcher", "status/#", 0);
            TestClient dev = b.Open();
            dev.Send(V5Packets.Connect("dev", true, 0, null, "status/dev", Utf8.GetBytes("gone"), 0, false, null, null, null));
            V5Clients.ExpectConnAck(dev.Read5(), ReasonCode.Success);
            dev.Send(V5Packets.Disconnect(ReasonCode.DisconnectWithWill, null));
            Expect.Publish(watcher.Read(), "status/dev", "gone", 0, false);
        }

        [TestMethod]
        public void NormalDisconnectDiscardsTheWill_MQTT_3_14_4_3()
        {
            TestBroker b = V5Clients.Broker();
            TestClient watcher = b.Subscriber("watcher", "status/#", 0);
            TestClient dev = b.Open();
            dev.Send(V5Packets.Connect("dev", true, 0, null, "status/dev", Utf8.GetBytes("gone"), 0, false, null, null, null));
            V5Clients.ExpectConnAck(dev.Read5(), ReasonCode.Success);
            dev.Send(V5Packets.Disconnect(ReasonCode.Success, null));
            Expect.NothingSent(watcher);
        }
    }
}
