#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.MqttSn;
using NanoBroker.Tests.Engine.Harness;

namespace NanoBroker.Tests.Engine.MqttSn
{
    /// <summary>
    /// The sleeping client's states and each transition between them (MQTT-SN v1.2 section 6.14, figure 4): active,
    /// asleep, awake, lost, disconnected.
    /// </summary>
    [TestClass]
    public class SnSleepTests
    {
        private static SnTestClient Sleeper(SnRig rig, string id, int sleepSeconds)
        {
            SnTestClient c = rig.Client(10, 5000);
            c.ConnectWithWill(id, 30, "status/" + id, "lost", 1);
            c.Subscribe("cmd/" + id, 1, 1);
            c.Send(SnMessages.Disconnect(sleepSeconds));
            c.Expect(SnMessageType.Disconnect);
            Assert.AreEqual(SnClientState.Asleep, rig.Gateway.StateOf(c.Address));
            return c;
        }

        [TestMethod]
        public void ActiveToAsleep_DisconnectWithDurationIsAcknowledgedAndTheSessionStays_Section_6_14()
        {
            SnRig rig = new SnRig();
            int connected = rig.Broker.Broker.ConnectedClients;
            Sleeper(rig, "s", 60);
            Assert.AreEqual(connected + 1, rig.Broker.Broker.ConnectedClients, "the engine connection stays open while it sleeps");
        }

        [TestMethod]
        public void Asleep_MessagesAreHeldNotSent_Section_6_14()
        {
            SnRig rig = new SnRig();
            SnTestClient c = Sleeper(rig, "s", 60);
            TestClient pub = rig.Broker.Connect("pub");
            pub.Publish("cmd/s", "1", 1, false, 1);
            pub.Publish("cmd/s", "2", 0, false, 0);
            rig.Poll();
            rig.Tick(30000);
            c.ExpectNothing();
            Assert.AreEqual(SnClientState.Asleep, rig.Gateway.StateOf(c.Address), "asleep within its duration, past its keep-alive: not lost");
        }

        [TestMethod]
        public void AsleepToAwakeToAsleep_PingReqWithTheClientIdGetsWhatWaitedThenPingResp_Section_6_14()
        {
            SnRig rig = new SnRig();
            SnTestClient c = Sleeper(rig, "s", 60);
            TestClient pub = rig.Broker.Connect("pub");
            pub.Publish("cmd/s", "1", 1, false, 1);
            pub.Publish("cmd/s", "2", 1, false, 2);
            rig.Poll();
            rig.Tick(50000);
            c.Send(SnMessages.PingReq("s"));
            Assert.AreEqual(SnClientState.Awake, rig.Gateway.StateOf(c.Address));
            SnReceived m1 = c.Expect(SnMessageType.Publish);
            Assert.AreEqual("1", m1.Data(5));
            c.ExpectNothing();
            c.Send(SnMessages.PubAck(m1.TopicId, m1.MsgId, 0));
            SnReceived m2 = c.Expect(SnMessageType.Publish);
            Assert.AreEqual("2", m2.Data(5));
            c.Send(SnMessages.PubAck(m2.TopicId, m2.MsgId, 0));
            c.Expect(SnMessageType.PingResp);
            Assert.AreEqual(SnClientState.Asleep, rig.Gateway.StateOf(c.Address), "PINGRESP: back to sleep");
            // The sleep timer starts again from the wake-up.
            rig.Tick(80000);
            Assert.AreEqual(SnClientState.Asleep, rig.Gateway.StateOf(c.Address));
        }

        [TestMethod]
        public void AsleepToAwakeToAsleep_NothingWaitingIsAnsweredAtOnce_Section_6_14()
        {
            SnRig rig = new SnRig();
            SnTestClient c = Sleeper(rig, "s", 60);
            c.Send(SnMessages.PingReq("s"));
            c.Expect(SnMessageType.PingResp);
            Assert.AreEqual(SnClientState.Asleep, rig.Gateway.StateOf(c.Address));
        }

        [TestMethod]
        public void Awake_UnacknowledgedMessageIsResentAtTheNextWakeUp_Section_6_14()
        {
            SnRig rig = new SnRig();
            SnTestClient c = Sleeper(rig, "s", 60);
            TestClient pub = rig.Broker.Connect("pub");
            pub.Publish("cmd/s", "1", 1, false, 1);
            rig.Poll();
            c.Send(SnMessages.PingReq("s"));
            SnReceived m = c.Expect(SnMessageType.Publish);
            // The client falls asleep again without PUBACK; the gateway waits while awake ...
            rig.Tick(rig.Gateway.Options.RetryMs);
            SnReceived again = c.Expect(SnMessageType.Publish);
            Assert.AreEqual(m.MsgId, again.MsgId);
            c.Send(SnMessages.PubAck(m.TopicId, m.MsgId, 0));
            c.Expect(SnMessageType.PingResp);
        }

        [TestMethod]
        public void AsleepToLost_OverstayingTheDurationPublishesTheWill_Section_6_14()
        {
            SnRig rig = new SnRig();
            TestClient watcher = rig.Broker.Subscriber("watcher", "status/#", 1);
            SnTestClient c = Sleeper(rig, "s", 60);
            rig.Tick(89000);
            Expect.NothingSent(watcher);
            rig.Tick(2000);
            Assert.AreEqual(SnClientState.Free, rig.Gateway.StateOf(c.Address));
            Expect.Publish(watcher.Read(), "status/s", "lost", 1, false);
        }

        [TestMethod]
        public void AsleepToActive_ConnectResumesTheSessionAndDeliversWhatWaited_Section_6_14()
        {
            SnRig rig = new SnRig();
            TestClient watcher = rig.Broker.Subscriber("watcher", "status/#", 1);
            SnTestClient c = Sleeper(rig, "s", 60);
            TestClient pub = rig.Broker.Connect("pub");
            pub.Publish("cmd/s", "1", 1, false, 1);
            rig.Poll();
            c.Send(SnMessages.Connect("s", false, false, 30));
            c.ExpectConnAck(SnFlags.Accepted);
            Assert.AreEqual(SnClientState.Active, rig.Gateway.StateOf(c.Address));
            SnReceived m = c.Expect(SnMessageType.Publish);
            Assert.AreEqual("1", m.Data(5));
            c.Send(SnMessages.PubAck(m.TopicId, m.MsgId, 0));
            rig.Tick(46000);
            Assert.AreEqual(SnClientState.Free, rig.Gateway.StateOf(c.Address), "active again: its keep-alive (30 s, one and a half) applies");
            Expect.Publish(watcher.Read(), "status/s", "lost", 1, false);
        }

        [TestMethod]
        public void AsleepToDisconnected_DisconnectWithoutDurationEndsWithoutTheWill_Section_6_14()
        {
            SnRig rig = new SnRig();
            TestClient watcher = rig.Broker.Subscriber("watcher", "status/#", 1);
            SnTestClient c = Sleeper(rig, "s", 60);
            c.Send(SnMessages.Disconnect());
            c.Expect(SnMessageType.Disconnect);
            Assert.AreEqual(SnClientState.Free, rig.Gateway.StateOf(c.Address));
            rig.Tick(200000);
            Expect.NothingSent(watcher);
        }

        [TestMethod]
        public void Asleep_WakeUpFromAnotherAddressIsIgnored()
        {
            SnRig rig = new SnRig();
            SnTestClient c = Sleeper(rig, "s", 60);
            TestClient pub = rig.Broker.Connect("pub");
            pub.Publish("cmd/s", "1", 1, false, 1);
            rig.Poll();
            SnTestClient thief = rig.Client(66, 5000);
            thief.Send(SnMessages.PingReq("s"));
            thief.ExpectNothing();
            c.ExpectNothing();
            Assert.AreEqual(SnClientState.Asleep, rig.Gateway.StateOf(c.Address));
            Assert.AreEqual(1, (int)rig.Gateway.Stats.Unknown);
        }

        [TestMethod]
        public void Asleep_WakeUpFromANewSocketOfTheSameHostMovesTheClientThere()
        {
            SnRig rig = new SnRig();
            SnTestClient c = Sleeper(rig, "s", 60);
            TestClient pub = rig.Broker.Connect("pub");
            pub.Publish("cmd/s", "1", 0, false, 0);
            rig.Poll();
            SnTestClient rebooted = rig.Client(10, 5999);
            rebooted.Send(SnMessages.PingReq("s"));
            Assert.AreEqual("1", rebooted.Expect(SnMessageType.Publish).Data(5));
            rebooted.Expect(SnMessageType.PingResp);
            c.ExpectNothing();
            Assert.AreEqual(SnClientState.Asleep, rig.Gateway.StateOf(rebooted.Address));
        }

        [TestMethod]
        public void Asleep_Qos1BeyondTheQueueDropsTheOldest()
        {
            BrokerOptions bo = TestBroker.SmallOptions();
            bo.QueueDepth = 2;
            bo.QueueFull = QueueFullPolicy.DropOldest;
            SnRig rig = new SnRig(SnRig.SmallOptions(), bo);
            SnTestClient c = Sleeper(rig, "s", 60);
            TestClient pub = rig.Broker.Connect("pub");
            for (int i = 1; i <= 5; i++)
            {
                pub.Publish("cmd/s", i.ToString(), 1, false, i);
                rig.Poll();
            }
            c.Send(SnMessages.PingReq("s"));
            int received = 0;
            SnReceived m;
            string last = "";
            while ((m = c.Read()) != null && m.Type == SnMessageType.Publish)
            {
                received++;
                last = m.Data(5);
                c.Send(SnMessages.PubAck(m.TopicId, m.MsgId, 0));
            }
            Assert.IsNotNull(m, "PINGRESP at the end");
            Assert.AreEqual(SnMessageType.PingResp, m.Type);
            Assert.AreEqual("5", last, "the newest kept");
            Assert.IsTrue(received < 5, "bounded: the engine's queue_depth (and its one message in flight) held " + received);
        }
    }
}
