#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Bridge;
using NanoBroker.Protocol;
using NanoBroker.Tests.Engine.Harness;

namespace NanoBroker.Tests.Engine.Bridge
{
    /// <summary>The bridge between a broker on a fake clock and an upstream played byte by byte (MQTT 3.1.1 as the client side).</summary>
    [TestClass]
    public class BridgeFlowTests
    {
        [TestMethod]
        public void ConnectIsMqtt311WithMosquittosBridgeFlagPersistentSessionAndKeepAlive_MQTT_3_1_2()
        {
            TestBroker tb = new TestBroker();
            NanoBroker.Bridge.Bridge b = BridgeHarness.Make(tb, new[] { "a/# out 1" });
            Packet connect = BridgeHarness.Connect(tb, b);
            Assert.AreEqual(PacketType.Connect, connect.Type);
            // Variable header: protocol name "MQTT", level 4 | 0x80 (try_private), flags without clean session, keep-alive 60.
            Assert.AreEqual(0x84, (int)connect.Raw[8]);
            Assert.AreEqual(0, connect.Raw[9] & 0x02);
            Assert.AreEqual(60, connect.Raw[10] << 8 | connect.Raw[11]);
            Assert.AreEqual((int)BridgeState.AwaitingConnAck, (int)b.State);
        }

        [TestMethod]
        public void OutRuleSendsUpWithRemotePrefixAndTheEnginesPacketId_AckedLocallyOnlyWhenUpstreamAcks()
        {
            TestBroker tb = new TestBroker();
            NanoBroker.Bridge.Bridge b = BridgeHarness.Make(tb, new[] { "# out 1 site/ cloud/" });
            BridgeHarness.Up(tb, b);
            TestClient pub = tb.Connect("pub");
            pub.Publish("site/t", "v", 1, false, 5);
            Packet up = BridgeHarness.Next(tb, b);
            Assert.AreEqual(PacketType.Publish, up.Type);
            Assert.AreEqual("cloud/t", BridgeHarness.Text(up.Topic));
            Assert.AreEqual("v", BridgeHarness.Text(up.Payload));
            Assert.AreEqual(1, (up.Flags >> 1) & 3);
            Assert.AreEqual(1, b.Queued, "unacknowledged until the upstream acknowledges");
            BridgeHarness.Feed(tb, b, Packets.PubAck(up.PacketId));
            tb.Broker.CommitStorageIfDue(tb.Clock.Now);
            Assert.AreEqual(0, b.Queued);
            Assert.AreEqual(1, (int)b.MessagesSent);
        }

        [TestMethod]
        public void InRuleDeliversLocallyWithLocalPrefix_AndAcksUpstreamWithItsId_MQTT_4_3_2()
        {
            TestBroker tb = new TestBroker();
            NanoBroker.Bridge.Bridge b = BridgeHarness.Make(tb, new[] { "# in 1 site/ cloud/" });
            BridgeHarness.Up(tb, b);
            TestClient sub = tb.Subscriber("sub", "site/#", 1);
            BridgeHarness.Feed(tb, b, Packets.Publish("cloud/x", "down", 1, false, false, 77));
            Packet ack = BridgeHarness.Next(tb, b);
            Assert.IsNotNull(ack, "PUBACK upstream once the engine acknowledged");
            Assert.AreEqual(PacketType.PubAck, ack.Type);
            Assert.AreEqual(77, ack.PacketId);
            Packet got = sub.Read();
            Assert.AreEqual("site/x", BridgeHarness.Text(got.Topic));
            Assert.AreEqual("down", BridgeHarness.Text(got.Payload));
            Assert.AreEqual(1, (int)b.MessagesReceived);
        }

        [TestMethod]
        public void Qos2CrossesWithTheSameIdentifierBothHops_MQTT_4_3_3()
        {
            TestBroker tb = new TestBroker();
            NanoBroker.Bridge.Bridge b = BridgeHarness.Make(tb, new[] { "q/# out 2" });
            BridgeHarness.Up(tb, b);
            TestClient pub = tb.Connect("pub");
            pub.Publish("q/1", "x", 2, false, 9);
            Packet up = BridgeHarness.Next(tb, b);
            Assert.AreEqual(2, (up.Flags >> 1) & 3);
            BridgeHarness.Feed(tb, b, Packets.PubRec(up.PacketId));
            Packet rel = BridgeHarness.Next(tb, b);
            Assert.AreEqual(PacketType.PubRel, rel.Type, "the engine's PUBREL goes up");
            Assert.AreEqual(up.PacketId, rel.PacketId);
            BridgeHarness.Feed(tb, b, Packets.PubComp(up.PacketId));
            tb.Broker.CommitStorageIfDue(tb.Clock.Now);
            Assert.AreEqual(0, b.Queued);
        }

        [TestMethod]
        public void WhileTheUpstreamIsAway_Qos1QueuesInOrder_Qos0IsDroppedAndCounted()
        {
            TestBroker tb = new TestBroker();
            NanoBroker.Bridge.Bridge b = BridgeHarness.Make(tb, new[] { "m/# out 1" });
            BridgeHarness.Up(tb, b);
            b.Disconnected(tb.Clock.Now, "test: link lost");
            Assert.AreEqual((int)BridgeState.Waiting, (int)b.State);
            TestClient pub = tb.Connect("pub");
            pub.Publish("m/1", "one", 1, false, 1);
            pub.Publish("m/2", "two", 1, false, 2);
            pub.Publish("m/0", "zero", 0, false, 0);
            pub.Publish("m/3", "three", 1, false, 3);
            Assert.AreEqual(3, b.Queued);
            Assert.AreEqual(1, (int)b.Dropped);
            // Back after the back-off (at most 100 ms the first time).
            tb.Clock.Advance(150);
            BridgeHarness.Up(tb, b);
            Assert.AreEqual("one", BridgeHarness.Text(BridgeHarness.Next(tb, b).Payload));
            Assert.AreEqual("two", BridgeHarness.Text(BridgeHarness.Next(tb, b).Payload));
            Assert.AreEqual("three", BridgeHarness.Text(BridgeHarness.Next(tb, b).Payload));
        }

        [TestMethod]
        public void UnacknowledgedMessageIsSentAgainWithDupAfterTheLinkReturns_MQTT_4_4_0_1()
        {
            TestBroker tb = new TestBroker();
            NanoBroker.Bridge.Bridge b = BridgeHarness.Make(tb, new[] { "m/# out 1" });
            BridgeHarness.Up(tb, b);
            tb.Connect("pub").Publish("m/1", "one", 1, false, 1);
            Packet first = BridgeHarness.Next(tb, b);
            b.Disconnected(tb.Clock.Now, "test: link lost before PUBACK");
            tb.Clock.Advance(150);
            BridgeHarness.Up(tb, b);
            Packet again = BridgeHarness.Next(tb, b);
            Assert.AreEqual(first.PacketId, again.PacketId);
            Assert.AreEqual(0x08, again.Flags & 0x08, "DUP");
            Assert.AreEqual("one", BridgeHarness.Text(again.Payload));
        }

        [TestMethod]
        public void UpstreamRefusingTheBridgeFlagIsConnectedAgainAtOnceWithoutIt_AndItsEchoesAreDropped()
        {
            TestBroker tb = new TestBroker();
            NanoBroker.Bridge.Bridge b = BridgeHarness.Make(tb, new[] { "t/# both 1" });
            BridgeHarness.Connect(tb, b);
            // CONNACK 1: unacceptable protocol level (0x84), as NATS answers.
            BridgeHarness.Feed(tb, b, new byte[] { 0x20, 2, 0, 1 });
            Assert.AreEqual((int)BridgeState.Closing, (int)b.State);
            b.Disconnected(tb.Clock.Now, null);
            Packet connect = BridgeHarness.Connect(tb, b);
            Assert.AreEqual(4, (int)connect.Raw[8]);
            Assert.IsFalse(b.UsesBridgeFlag);
            BridgeHarness.Feed(tb, b, new byte[] { 0x20, 2, 0, 0 });
            Packet subscribe = BridgeHarness.Next(tb, b);
            BridgeHarness.Feed(tb, b, new byte[] { 0x90, 3, subscribe.Raw[2], subscribe.Raw[3], 1 });
            TestClient sub = tb.Subscriber("sub", "t/#", 1);
            tb.Connect("pub").Publish("t/a", "mine", 1, false, 1);
            Assert.AreEqual("mine", BridgeHarness.Text(sub.Read().Payload));
            Packet up = BridgeHarness.Next(tb, b);
            // The upstream sends it back to the bridge's own subscription: acknowledged, not delivered again.
            BridgeHarness.Feed(tb, b, Packets.Publish("t/a", "mine", 1, false, false, 300));
            Packet ack = BridgeHarness.Next(tb, b);
            Assert.AreEqual(PacketType.PubAck, ack.Type);
            Assert.AreEqual(300, ack.PacketId);
            Assert.IsNull(sub.Read());
            Assert.AreEqual(1, (int)b.EchoesDropped);
            // A second copy from elsewhere is a genuine message.
            BridgeHarness.Feed(tb, b, Packets.Publish("t/a", "mine", 1, false, false, 301));
            BridgeHarness.Next(tb, b);
            Assert.AreEqual("mine", BridgeHarness.Text(sub.Read().Payload));
            Assert.IsNotNull(up);
        }

        [TestMethod]
        public void Mqtt5UpstreamDeliversAMessageLikeOneSentUp_NoLocalKeepsEchoesAway_MQTT_3_8_3_1()
        {
            // Over 5.0 the bridge's upstream subscriptions have No Local, so nothing it sends comes back: a message from
            // another upstream client with the same topic and payload is genuine and must not be taken for an echo.
            TestBroker tb = new TestBroker();
            NanoBroker.Bridge.Bridge b = BridgeHarness.MakeWith(tb, new[] { "bridge.up.topic=t/# both 1", "bridge.up.protocol_version=mqttv50" });
            BridgeHarness.Connect(tb, b);
            BridgeHarness.Feed(tb, b, new byte[] { 0x20, 3, 0, 0, 0 });
            Packet subscribe = BridgeHarness.Next(tb, b);
            Assert.AreEqual(PacketType.Subscribe, subscribe.Type);
            BridgeHarness.Feed(tb, b, new byte[] { 0x90, 4, subscribe.Raw[2], subscribe.Raw[3], 0, 1 });
            Assert.AreEqual((int)BridgeState.Ready, (int)b.State);
            TestClient sub = tb.Subscriber("sub", "t/#", 1);
            tb.Connect("pub").Publish("t/a", "same", 1, false, 1);
            Assert.AreEqual("same", BridgeHarness.Text(sub.Read().Payload));
            Assert.AreEqual(PacketType.Publish, BridgeHarness.Next(tb, b).Type);
            BridgeHarness.Feed(tb, b, Packets.Publish(Packets.V5, "t/a", "same", 1, false, false, 300));
            Assert.AreEqual(PacketType.PubAck, BridgeHarness.Next(tb, b).Type);
            Assert.AreEqual("same", BridgeHarness.Text(sub.Read().Payload), "delivered, not dropped as an echo");
            Assert.AreEqual(0, (int)b.EchoesDropped);
        }

        [TestMethod]
        public void AConnectLargerThanTheOutputBufferClosesTheLinkInsteadOfWritingOutsideIt()
        {
            TestBroker tb = new TestBroker();
            string password = "p";
            while (password.Length < 2 * tb.Broker.Options.MaxPacketSize)
            {
                password += password;
            }
            NanoBroker.Bridge.Bridge b = BridgeHarness.MakeWith(tb, new[] { "bridge.up.topic=t/# out 1", "bridge.up.username=u", "bridge.up.password=" + password });
            b.Step(tb.Clock.Now);
            b.Connected(tb.Clock.Now);
            Assert.AreEqual((int)BridgeState.Closing, (int)b.State);
            Assert.AreEqual(0, b.OutputCount);
        }

        [TestMethod]
        public void Mqtt5UpstreamGetsNoMoreUnacknowledgedThanItsReceiveMaximum_MQTT_4_9_0_2()
        {
            TestBroker tb = new TestBroker();
            NanoBroker.Bridge.Bridge b = BridgeHarness.MakeWith(tb, new[] { "bridge.up.topic=m/# out 1", "bridge.up.protocol_version=mqttv50" });
            Packet connect = BridgeHarness.Connect(tb, b);
            Assert.AreEqual(5, (int)connect.Raw[8], "protocol level 5, no bridge flag");
            // Properties: Session Expiry Interval (0x11) never, Receive Maximum (0x21) = the engine's window (4) [MQTT-3.1.2-11].
            Assert.AreEqual(8, (int)connect.Raw[12]);
            Assert.AreEqual(0x11, (int)connect.Raw[13]);
            Assert.AreEqual(0x21, (int)connect.Raw[18]);
            Assert.AreEqual(tb.Broker.Options.InflightWindow, connect.Raw[19] << 8 | connect.Raw[20]);
            // CONNACK 5.0: flags, reason 0, properties: Receive Maximum (0x21) = 1.
            BridgeHarness.Feed(tb, b, new byte[] { 0x20, 6, 0, 0, 3, 0x21, 0, 1 });
            Assert.AreEqual((int)BridgeState.Ready, (int)b.State);
            TestClient pub = tb.Connect("pub");
            pub.Publish("m/1", "one", 1, false, 1);
            pub.Publish("m/2", "two", 1, false, 2);
            Packet first = BridgeHarness.Next(tb, b);
            Assert.AreEqual(PacketType.Publish, first.Type);
            Assert.IsNull(BridgeHarness.Next(tb, b), "the second waits for the first's PUBACK");
            BridgeHarness.Feed(tb, b, Packets.PubAck(first.PacketId));
            Packet second = BridgeHarness.Next(tb, b);
            Assert.AreEqual(PacketType.Publish, second.Type);
            Assert.IsTrue(first.PacketId != second.PacketId);
        }

        [TestMethod]
        public void PingReqAfterTheKeepAlive_AndNoPingRespClosesTheLink_MQTT_3_1_2_23()
        {
            TestBroker tb = new TestBroker();
            NanoBroker.Bridge.Bridge b = BridgeHarness.Make(tb, new[] { "a/# out 0" });
            BridgeHarness.Up(tb, b);
            tb.Clock.Advance(60000);
            Packet ping = BridgeHarness.Next(tb, b);
            Assert.AreEqual(PacketType.PingReq, ping.Type);
            tb.Clock.Advance(60001);
            b.Step(tb.Clock.Now);
            Assert.AreEqual((int)BridgeState.Closing, (int)b.State);
        }

        [TestMethod]
        public void MalformedRemainingLengthFromUpstreamClosesTheLink_MQTT_1_5_5()
        {
            TestBroker tb = new TestBroker();
            NanoBroker.Bridge.Bridge b = BridgeHarness.Make(tb, new[] { "a/# in 0" });
            BridgeHarness.Up(tb, b);
            BridgeHarness.Feed(tb, b, new byte[] { 0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 });
            Assert.AreEqual((int)BridgeState.Closing, (int)b.State);
        }

        [TestMethod]
        public void NoConnAckWithinTheTimeoutClosesTheLink()
        {
            TestBroker tb = new TestBroker();
            NanoBroker.Bridge.Bridge b = BridgeHarness.Make(tb, new[] { "a/# out 0" });
            BridgeHarness.Connect(tb, b);
            tb.Clock.Advance(10001);
            b.Step(tb.Clock.Now);
            Assert.AreEqual((int)BridgeState.Closing, (int)b.State);
        }
    }
}
