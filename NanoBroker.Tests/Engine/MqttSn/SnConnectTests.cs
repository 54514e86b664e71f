#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.MqttSn;
using NanoBroker.Tests.Engine.Harness;

namespace NanoBroker.Tests.Engine.MqttSn
{
    /// <summary>Discovery, connection setup with the will handshake, keep-alive and disconnect (MQTT-SN v1.2 sections 6.1-6.4, 6.11, 6.12).</summary>
    [TestClass]
    public class SnConnectTests
    {
        [TestMethod]
        public void SearchGwIsAnsweredWithGwInfo_Section_6_1()
        {
            SnRig rig = new SnRig();
            SnTestClient c = rig.Client(10, 5000);
            c.Send(SnMessages.SearchGw());
            SnReceived info = c.Expect(SnMessageType.GwInfo);
            Assert.AreEqual(1, info.BodyLength, "GWINFO from a gateway: GwId only (section 5.4.3)");
            Assert.AreEqual(rig.Gateway.Options.GatewayId, info.Byte(0), "GwId");
        }

        [TestMethod]
        public void AdvertiseIsBroadcastEveryInterval_Section_6_1()
        {
            MqttSnOptions o = SnRig.SmallOptions();
            o.AdvertiseSeconds = 60;
            o.GatewayId = 7;
            SnRig rig = new SnRig(o);
            rig.Tick(10);
            Assert.AreEqual(1, rig.Sink.Broadcasts, "ADVERTISE at start");
            SnReceived adv = new SnReceived(rig.Sink.LastBroadcast);
            Assert.AreEqual(SnMessageType.Advertise, adv.Type);
            Assert.AreEqual(7, adv.Byte(0), "GwId");
            Assert.AreEqual(60, adv.UInt16(1), "Duration: seconds to the next ADVERTISE (section 5.4.1)");
            rig.Tick(59000);
            Assert.AreEqual(1, rig.Sink.Broadcasts, "not before the interval");
            rig.Tick(1000);
            Assert.AreEqual(2, rig.Sink.Broadcasts, "again after the interval");
        }

        [TestMethod]
        public void ConnectIsAcceptedAndTheClientHasASessionInTheEngine_Section_6_2()
        {
            SnRig rig = new SnRig();
            int before = rig.Broker.Broker.ConnectedClients;
            SnTestClient c = rig.Connected("sensor1", 10);
            Assert.AreEqual(SnClientState.Active, rig.Gateway.StateOf(c.Address));
            Assert.AreEqual(before + 1, rig.Broker.Broker.ConnectedClients, "one engine connection per MQTT-SN client");
        }

        [TestMethod]
        public void ConnectWithWillRunsTheHandshakeAndTheWillIsPublishedWhenTheClientIsLost_Section_6_2()
        {
            SnRig rig = new SnRig();
            TestClient watcher = rig.Broker.Subscriber("watcher", "status/#", 1);
            SnTestClient c = rig.Client(10, 5000);
            c.ConnectWithWill("dev", 10, "status/dev", "gone", 1);
            Expect.NothingSent(watcher);
            // Section 6.11: silent past its keep-alive (10 s, with MQTT's half again), the client is lost.
            rig.Tick(14000);
            Assert.AreEqual(SnClientState.Active, rig.Gateway.StateOf(c.Address), "not lost within one and a half keep-alives");
            Expect.NothingSent(watcher);
            rig.Tick(2000);
            Assert.AreEqual(SnClientState.Free, rig.Gateway.StateOf(c.Address), "lost");
            Expect.Publish(watcher.Read(), "status/dev", "gone", 1, false);
            Assert.AreEqual(1, (int)rig.Gateway.Stats.Lost);
        }

        [TestMethod]
        public void EmptyWillTopicMeansNoWill_Section_5_4_7()
        {
            SnRig rig = new SnRig();
            TestClient watcher = rig.Broker.Subscriber("watcher", "#", 0);
            SnTestClient c = rig.Client(10, 5000);
            c.Send(SnMessages.Connect("dev", true, true, 10));
            c.Expect(SnMessageType.WillTopicReq);
            c.Send(SnMessages.EmptyWillTopic());
            c.ExpectConnAck(SnFlags.Accepted);
            rig.Tick(20000);
            Assert.AreEqual(SnClientState.Free, rig.Gateway.StateOf(c.Address), "lost");
            Expect.NothingSent(watcher);
        }

        [TestMethod]
        public void WillHandshakeRequestIsRepeatedThenGivenUp_Section_6_2()
        {
            SnRig rig = new SnRig();
            SnTestClient c = rig.Client(10, 5000);
            c.Send(SnMessages.Connect("dev", true, true, 10));
            c.Expect(SnMessageType.WillTopicReq);
            rig.Tick(rig.Gateway.Options.RetryMs);
            c.Expect(SnMessageType.WillTopicReq);
            for (int i = 1; i < rig.Gateway.Options.Retries; i++)
            {
                rig.Tick(rig.Gateway.Options.RetryMs);
                c.Expect(SnMessageType.WillTopicReq);
            }
            rig.Tick(rig.Gateway.Options.RetryMs);
            c.ExpectNothing();
            Assert.AreEqual(SnClientState.Free, rig.Gateway.StateOf(c.Address), "the slot is free again");
        }

        [TestMethod]
        public void ClientIdsBeyondTheSpecs23CharactersAreAcceptedUpTo64_Section_5_3_1()
        {
            SnRig rig = new SnRig();
            rig.Connected("d:quickstart:udptest:9002f7f1ad23", 10);
            SnTestClient tooLong = rig.Client(11, 5000);
            tooLong.Send(SnMessages.Connect("0123456789012345678901234567890123456789012345678901234567890123456789", true, false, 60));
            tooLong.ExpectConnAck(SnFlags.RejectedNotSupported);
        }

        [TestMethod]
        public void FullClientTableIsAnsweredCongestion_Section_5_3_10()
        {
            MqttSnOptions o = SnRig.SmallOptions();
            o.MaxClients = 2;
            SnRig rig = new SnRig(o);
            rig.Connected("a", 10);
            rig.Connected("b", 11);
            SnTestClient third = rig.Client(12, 5000);
            third.Send(SnMessages.Connect("c", true, false, 60));
            third.ExpectConnAck(SnFlags.RejectedCongestion);
            Assert.AreEqual(SnClientState.Free, rig.Gateway.StateOf(third.Address));
        }

        [TestMethod]
        public void FullEngineIsAnsweredCongestion_Section_5_3_10()
        {
            BrokerOptions bo = TestBroker.SmallOptions();
            bo.MaxClients = 1;
            SnRig rig = new SnRig(SnRig.SmallOptions(), bo);
            rig.Connected("a", 10);
            SnTestClient second = rig.Client(11, 5000);
            second.Send(SnMessages.Connect("b", true, false, 60));
            second.ExpectConnAck(SnFlags.RejectedCongestion);
        }

        [TestMethod]
        public void ConnectForAClientIdConnectedFromAnotherAddressIsRefused()
        {
            SnRig rig = new SnRig();
            SnTestClient owner = rig.Connected("sensor1", 10);
            SnTestClient other = rig.Client(99, 40010);
            other.Send(SnMessages.Connect("sensor1", true, false, 60));
            other.ExpectConnAck(SnFlags.RejectedCongestion);
            Assert.AreEqual(SnClientState.Active, rig.Gateway.StateOf(owner.Address), "the session stays with its address");
            owner.ExpectNothing();
            Assert.AreEqual(1, (int)rig.Gateway.Stats.Unknown, "counted");
        }

        [TestMethod]
        public void ConnectFromTheSameHostOnAnotherPortReplacesTheOldEntryWithoutItsWill()
        {
            SnRig rig = new SnRig();
            TestClient watcher = rig.Broker.Subscriber("watcher", "status/#", 0);
            SnTestClient old = rig.Client(10, 5000);
            old.ConnectWithWill("dev", 60, "status/dev", "gone", 0);
            SnTestClient restarted = rig.Client(10, 5001);
            restarted.Send(SnMessages.Connect("dev", true, false, 60));
            restarted.ExpectConnAck(SnFlags.Accepted);
            old.Expect(SnMessageType.Disconnect);
            Assert.AreEqual(SnClientState.Free, rig.Gateway.StateOf(old.Address));
            Expect.NothingSent(watcher);
        }

        [TestMethod]
        public void ConnectSentAgainFromTheSameSocketIsAnsweredWithConnAckOnly_Section_6_13()
        {
            SnRig rig = new SnRig();
            SnTestClient c = rig.Connected("dev", 10);
            int connected = rig.Broker.Broker.ConnectedClients;
            c.Send(SnMessages.Connect("dev", true, false, 60));
            c.ExpectConnAck(SnFlags.Accepted);
            c.ExpectNothing();
            Assert.AreEqual(connected, rig.Broker.Broker.ConnectedClients, "one engine connection, the new one");
            Assert.AreEqual(SnClientState.Active, rig.Gateway.StateOf(c.Address));
        }

        [TestMethod]
        public void AllowListsRefuseOtherClientIdsAndIgnoreOtherNetworks()
        {
            MqttSnOptions o = SnRig.SmallOptions();
            o.ClientIds = "sensor*,gauge";
            o.Networks = "192.168.1.0/25";
            SnRig rig = new SnRig(o);
            rig.Connected("sensor7", 10);
            rig.Connected("gauge", 11);
            SnTestClient stranger = rig.Client(12, 5000);
            stranger.Send(SnMessages.Connect("gauge2", true, false, 60));
            stranger.ExpectConnAck(SnFlags.RejectedNotSupported);
            SnTestClient outside = rig.Client(200, 5000);
            outside.Send(SnMessages.Connect("sensor8", true, false, 60));
            outside.Send(SnMessages.SearchGw());
            outside.ExpectNothing();
            Assert.AreEqual(3, (int)rig.Gateway.Stats.Refused);
        }

        [TestMethod]
        public void DisconnectEndsTheSessionWithoutTheWill_Section_6_12()
        {
            SnRig rig = new SnRig();
            TestClient watcher = rig.Broker.Subscriber("watcher", "status/#", 0);
            SnTestClient c = rig.Client(10, 5000);
            c.ConnectWithWill("dev", 10, "status/dev", "gone", 0);
            int connected = rig.Broker.Broker.ConnectedClients;
            c.Send(SnMessages.Disconnect());
            c.Expect(SnMessageType.Disconnect);
            Assert.AreEqual(SnClientState.Free, rig.Gateway.StateOf(c.Address));
            Assert.AreEqual(connected - 1, rig.Broker.Broker.ConnectedClients, "the engine connection ended");
            rig.Tick(60000);
            Expect.NothingSent(watcher);
        }

        [TestMethod]
        public void PingReqIsAnsweredWithPingRespAndKeepsTheClientAlive_Section_6_11()
        {
            SnRig rig = new SnRig();
            SnTestClient c = rig.Client(10, 5000);
            c.Send(SnMessages.Connect("dev", true, false, 10));
            c.ExpectConnAck(SnFlags.Accepted);
            for (int i = 0; i < 5; i++)
            {
                rig.Tick(9000);
                c.Send(SnMessages.PingReq());
                c.Expect(SnMessageType.PingResp);
            }
            Assert.AreEqual(SnClientState.Active, rig.Gateway.StateOf(c.Address));
        }

        [TestMethod]
        public void DatagramFromAnAddressWithoutAClientIsAnsweredDisconnect()
        {
            SnRig rig = new SnRig();
            SnTestClient c = rig.Client(10, 5000);
            c.Send(SnMessages.Publish(1, false, false, SnMessages.Normal, 1, 5, "x"));
            c.Expect(SnMessageType.Disconnect);
            c.Send(SnMessages.PingReq());
            c.Expect(SnMessageType.Disconnect);
            Assert.AreEqual(2, (int)rig.Gateway.Stats.Unknown);
        }

        private static SnTestClient WithWill(SnRig rig)
        {
            SnTestClient c = rig.Client(10, 5000);
            c.ConnectWithWill("dev", 10, "status/dev", "gone", 1);
            return c;
        }

        [TestMethod]
        public void WillTopicUpdateChangesTheWillPublishedWhenTheClientIsLost_Section_6_4()
        {
            SnRig rig = new SnRig();
            TestClient watcher = rig.Broker.Subscriber("watcher", "status/#", 1);
            SnTestClient c = WithWill(rig);
            c.Send(SnMessages.WillTopicUpd(0, true, "status/dev/new"));
            Assert.AreEqual(SnFlags.Accepted, c.Expect(SnMessageType.WillTopicResp).Byte(0));
            rig.Tick(16000);
            Assert.AreEqual(SnClientState.Free, rig.Gateway.StateOf(c.Address), "lost");
            Expect.Publish(watcher.Read(), "status/dev/new", "gone", 0, false);
            Expect.NothingSent(watcher);
            TestClient late = rig.Broker.Subscriber("late", "status/dev/new", 0);
            Expect.Publish(late.Read(), "status/dev/new", "gone", 0, true);
        }

        [TestMethod]
        public void WillMessageUpdateChangesTheWillPublishedWhenTheClientIsLost_Section_6_4()
        {
            SnRig rig = new SnRig();
            TestClient watcher = rig.Broker.Subscriber("watcher", "status/#", 1);
            SnTestClient c = WithWill(rig);
            c.Send(SnMessages.WillMsgUpd("battery low"));
            Assert.AreEqual(SnFlags.Accepted, c.Expect(SnMessageType.WillMsgResp).Byte(0));
            // A shorter topic then a longer one: the message moves with it.
            c.Send(SnMessages.WillTopicUpd(1, false, "s/d"));
            c.Expect(SnMessageType.WillTopicResp);
            c.Send(SnMessages.WillTopicUpd(1, false, "status/dev/battery"));
            c.Expect(SnMessageType.WillTopicResp);
            rig.Tick(16000);
            Expect.Publish(watcher.Read(), "status/dev/battery", "battery low", 1, false);
            Expect.NothingSent(watcher);
        }

        [TestMethod]
        public void EmptyWillTopicUpdateDeletesTheWill_Section_5_4_22()
        {
            SnRig rig = new SnRig();
            TestClient watcher = rig.Broker.Subscriber("watcher", "status/#", 1);
            SnTestClient c = WithWill(rig);
            c.Send(SnMessages.EmptyWillTopicUpd());
            Assert.AreEqual(SnFlags.Accepted, c.Expect(SnMessageType.WillTopicResp).Byte(0));
            rig.Tick(16000);
            Assert.AreEqual(SnClientState.Free, rig.Gateway.StateOf(c.Address), "lost");
            Expect.NothingSent(watcher);
        }

        [TestMethod]
        public void WillTopicUpdateWithAWildcardIsRefusedAndTheWillStays_Section_5_4_24()
        {
            SnRig rig = new SnRig();
            TestClient watcher = rig.Broker.Subscriber("watcher", "status/#", 1);
            SnTestClient c = WithWill(rig);
            c.Send(SnMessages.WillTopicUpd(0, false, "status/+"));
            Assert.AreEqual(SnFlags.RejectedNotSupported, c.Expect(SnMessageType.WillTopicResp).Byte(0));
            rig.Tick(16000);
            Expect.Publish(watcher.Read(), "status/dev", "gone", 1, false);
        }

        [TestMethod]
        public void UpdatedWillIsDiscardedByDisconnect_Section_6_12()
        {
            SnRig rig = new SnRig();
            TestClient watcher = rig.Broker.Subscriber("watcher", "status/#", 1);
            SnTestClient c = WithWill(rig);
            c.Send(SnMessages.WillMsgUpd("bye"));
            c.Expect(SnMessageType.WillMsgResp);
            c.Send(SnMessages.Disconnect());
            c.Expect(SnMessageType.Disconnect);
            rig.Tick(16000);
            Expect.NothingSent(watcher);
        }

        // "keeper" with a persistent session, subscribed to cmd/keeper at QoS 1, then disconnected.
        private static SnTestClient SubscribedThenDisconnected(SnRig rig)
        {
            SnTestClient c = rig.Client(10, 5000);
            c.Send(SnMessages.Connect("keeper", false, false, 60));
            c.ExpectConnAck(SnFlags.Accepted);
            c.Subscribe("cmd/keeper", 1, 1);
            c.Send(SnMessages.Disconnect());
            c.Expect(SnMessageType.Disconnect);
            return c;
        }

        [TestMethod]
        public void PersistentSessionKeepsSubscriptionsAndQueuedMessagesAcrossReconnect_Section_6_3()
        {
            SnRig rig = new SnRig();
            SnTestClient c = SubscribedThenDisconnected(rig);
            TestClient pub = rig.Broker.Connect("pub");
            pub.Publish("cmd/keeper", "on", 1, false, 9);
            Expect.Ack(pub.Read(), NanoBroker.Protocol.PacketType.PubAck, 9);
            c.Send(SnMessages.Connect("keeper", false, false, 60));
            c.ExpectConnAck(SnFlags.Accepted);
            // The ids of the earlier connection are gone (section 6.5): the topic is registered again first.
            SnReceived register = c.Expect(SnMessageType.Register);
            c.Send(SnMessages.RegAck(register.UInt16(0), register.UInt16(2), 0));
            SnReceived p = c.Expect(SnMessageType.Publish);
            Assert.AreEqual(register.UInt16(0), p.TopicId);
            Assert.AreEqual("on", p.Data(5));
            Assert.AreEqual(1, p.Qos);
        }

        [TestMethod]
        public void CleanSessionConnectDropsTheEarlierSession_Section_6_3()
        {
            SnRig rig = new SnRig();
            SnTestClient c = SubscribedThenDisconnected(rig);
            c.Send(SnMessages.Connect("keeper", true, false, 60));
            c.ExpectConnAck(SnFlags.Accepted);
            TestClient pub = rig.Broker.Connect("pub");
            pub.Publish("cmd/keeper", "on", 0, false, 0);
            rig.Poll();
            c.ExpectNothing();
        }
    }
}
