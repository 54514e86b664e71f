#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;
using NanoBroker.Tests.Engine.Harness;

namespace NanoBroker.Tests.Engine
{
    /// <summary>Will messages (MQTT 3.1.1 section 3.1.2.5).</summary>
    [TestClass]
    public class WillTests
    {
        private static TestClient WithWill(TestBroker b, string id, int qos, bool retain, int keepAlive)
        {
            return b.Connect(Packets.Connect(id, true, keepAlive, "status/" + id, "offline", qos, retain));
        }

        [TestMethod]
        public void WillIsPublishedWhenTheNetworkDrops_MQTT_3_1_2_8()
        {
            TestBroker b = new TestBroker();
            TestClient watcher = b.Subscriber("watcher", "status/#", 0);
            TestClient dev = WithWill(b, "dev", 0, false, 0);
            Expect.NothingSent(watcher);
            dev.Drop();
            Expect.Publish(watcher.Read(), "status/dev", "offline", 0, false);
        }

        [TestMethod]
        public void WillIsDiscardedOnDisconnect_MQTT_3_1_2_10_And_3_14_4_3()
        {
            TestBroker b = new TestBroker();
            int free = b.Broker.Messages.FreeMessages;
            TestClient watcher = b.Subscriber("watcher", "status/#", 0);
            TestClient dev = WithWill(b, "dev", 1, true, 0);
            Assert.AreEqual(free - 1, b.Broker.Messages.FreeMessages, "the will is stored");
            dev.Disconnect();
            Assert.IsTrue(dev.IsClosing, "DISCONNECT closes [MQTT-3.14.4-1]");
            dev.Drop();
            Expect.NothingSent(watcher);
            Assert.AreEqual(0, b.Broker.Retained.Count);
            Assert.AreEqual(free, b.Broker.Messages.FreeMessages, "the will is freed");
        }

        [TestMethod]
        public void WillIsPublishedOnProtocolViolation_MQTT_3_1_2_8()
        {
            TestBroker b = new TestBroker();
            TestClient watcher = b.Subscriber("watcher", "status/#", 0);
            TestClient dev = WithWill(b, "dev", 0, false, 0);
            dev.Send(new byte[] { 0xC1, 0x00 });
            Assert.IsTrue(dev.IsClosing);
            Expect.Publish(watcher.Read(), "status/dev", "offline", 0, false);
        }

        [TestMethod]
        public void WillIsPublishedOnKeepAliveTimeout_MQTT_3_1_2_8()
        {
            TestBroker b = new TestBroker();
            TestClient watcher = b.Subscriber("watcher", "status/#", 0);
            TestClient dev = WithWill(b, "dev", 0, false, 10);
            b.Tick(15001);
            Assert.IsTrue(dev.IsClosing);
            Expect.Publish(watcher.Read(), "status/dev", "offline", 0, false);
        }

        [TestMethod]
        public void WillWithRetain0IsNotRetained_MQTT_3_1_2_16()
        {
            TestBroker b = new TestBroker();
            WithWill(b, "dev", 0, false, 0).Drop();
            Assert.AreEqual(0, b.Broker.Retained.Count);
        }

        [TestMethod]
        public void WillWithRetain1IsRetained_MQTT_3_1_2_17()
        {
            TestBroker b = new TestBroker();
            TestClient watcher = b.Subscriber("watcher", "status/#", 1);
            WithWill(b, "dev", 1, true, 0).Drop();
            Packet live = Expect.Publish(watcher.Read(), "status/dev", "offline", 1, false);
            watcher.PubAck(live.PacketId);
            Assert.AreEqual(1, b.Broker.Retained.Count);
            TestClient late = b.Subscriber("late", "status/dev", 1);
            Expect.Publish(late.Read(), "status/dev", "offline", 1, true);
        }

        [TestMethod]
        public void WillIsPublishedAtItsQos_MQTT_3_1_2_8()
        {
            TestBroker b = new TestBroker();
            TestClient watcher = b.Subscriber("watcher", "status/dev", 2);
            WithWill(b, "dev", 2, false, 0).Drop();
            Packet p = Expect.Publish(watcher.Read(), "status/dev", "offline", 2, false);
            watcher.PubRec(p.PacketId);
            Expect.Ack(watcher.Read(), PacketType.PubRel, p.PacketId);
        }

        [TestMethod]
        public void WillIsQueuedForAnOfflinePersistentSubscriber_MQTT_3_1_2_5()
        {
            TestBroker b = new TestBroker();
            TestClient watcher = b.Connect("watcher", false);
            b.Subscribe(watcher, "status/#", 1);
            watcher.Disconnect();
            watcher.Drop();
            WithWill(b, "dev", 1, false, 0).Drop();
            TestClient back = b.Connect("watcher", false);
            Expect.Publish(back.Read(), "status/dev", "offline", 1, false);
        }

        [TestMethod]
        public void WillWithEmptyMessageIsPublishedEmpty()
        {
            TestBroker b = new TestBroker();
            TestClient watcher = b.Subscriber("watcher", "w", 0);
            TestClient dev = b.Connect(Packets.Connect("dev", true, 0, "w", "", 0, false));
            dev.Drop();
            Expect.Publish(watcher.Read(), "w", "", 0, false);
        }

        [TestMethod]
        public void WillTopicWithWildcardCloses_MQTT_3_1_3_10()
        {
            TestBroker b = new TestBroker();
            TestClient c = b.Open();
            c.Send(Packets.Connect("dev", true, 0, "status/#", "x", 0, false));
            Expect.ClosedSilently(c);
        }

        [TestMethod]
        public void RefusedConnectDoesNotKeepOrPublishItsWill()
        {
            BrokerOptions o = TestBroker.SmallOptions();
            o.MaxClients = 1;
            TestBroker b = new TestBroker(o);
            TestClient watcher = b.Subscriber("watcher", "status/#", 0);
            int free = b.Broker.Messages.FreeMessages;
            TestClient c = b.Open();
            c.Send(Packets.Connect("dev", true, 0, "status/dev", "x", 0, false));
            b.ExpectConnAck(c, ConnectReturnCode.ServerUnavailable);
            c.Drop();
            Expect.NothingSent(watcher);
            Assert.AreEqual(free, b.Broker.Messages.FreeMessages);
        }

        // A device that comes back under its client id and resumes its persistent session (clean session 0) while
        // the broker still holds its old connection takes that connection over without its will: the session
        // goes on, as MQTT 5.0 rules ([MQTT-3.1.2-8] there; MQTT 3.1.1 is silent). mosquitto does the same.
        [TestMethod]
        public void ATakeoverThatResumesThePersistentSessionDoesNotPublishTheWill()
        {
            TestBroker b = new TestBroker();
            TestClient watcher = b.Subscriber("watcher", "status/#", 0);
            TestClient old = b.Connect(Packets.Connect("dev", false, 0, "status/dev", "offline", 0, false));
            TestClient back = b.Open();
            back.Send(Packets.Connect("dev", false, 0, "status/dev", "offline", 0, false));
            Assert.IsTrue(b.ExpectConnAck(back, ConnectReturnCode.Accepted).SessionPresent);
            Assert.IsTrue(old.IsClosing, "the old connection is closed [MQTT-3.1.4-2]");
            old.Drop();
            Expect.NothingSent(watcher);
            back.Drop();
            Expect.Publish(watcher.Read(), "status/dev", "offline", 0, false);
        }

        // When the takeover ends the old session (either side has clean session 1), the old will is published.
        [TestMethod]
        public void ATakeoverThatEndsTheSessionPublishesTheWill_MQTT_3_1_2_8()
        {
            TestBroker b = new TestBroker();
            TestClient watcher = b.Subscriber("watcher", "status/#", 0);
            b.Connect(Packets.Connect("dev", false, 0, "status/dev", "offline", 0, false));
            b.Connect(Packets.Connect("dev", true, 0, null, null, 0, false));
            Expect.Publish(watcher.Read(), "status/dev", "offline", 0, false);

            b.Connect(Packets.Connect("dev2", true, 0, "status/dev2", "offline", 0, false));
            b.Connect(Packets.Connect("dev2", false, 0, null, null, 0, false));
            Expect.Publish(watcher.Read(), "status/dev2", "offline", 0, false);
        }
    }
}
