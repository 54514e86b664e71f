#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;
using NanoBroker.Tests.Engine.Harness;

namespace NanoBroker.Tests.Engine.Embedding
{
    /// <summary>
    /// The API for an app that embeds the broker: message handlers by topic filter, client connected and disconnected,
    /// an authenticator in code, and the app publishing into its own broker.
    /// </summary>
    [TestClass]
    public class EmbeddingTests
    {
        private static CallbackRecorder Recorder(TestBroker b)
        {
            CallbackRecorder r = new CallbackRecorder();
            r.Broker = b.Broker;
            return r;
        }

        [TestMethod]
        public void MessageHandlerGetsMessagesOnMatchingTopicsOnly()
        {
            TestBroker b = new TestBroker();
            CallbackRecorder r = Recorder(b);
            b.Broker.AddMessageHandler("home/+/set", r.Message);
            TestClient publisher = b.Connect("p");
            publisher.Publish("home/lamp/set", "on", 1, false, 5);
            Expect.Ack(publisher.Read(), PacketType.PubAck, 5);
            publisher.Publish("home/lamp/state", "off", 0, false, 0);
            publisher.Publish("home/lamp/set", "off", 0, true, 0);
            Assert.AreEqual("home/lamp/set=on 1; home/lamp/set=off 0 retained", r.Calls);
        }

        [TestMethod]
        public void EachMatchingHandlerIsCalledOnceAndSubscribersStillGetTheMessage()
        {
            TestBroker b = new TestBroker();
            CallbackRecorder r = Recorder(b);
            b.Broker.AddMessageHandler("sensors/#", r.Message);
            b.Broker.AddMessageHandler("sensors/+/temperature", r.Message);
            TestClient sub = b.Subscriber("s", "sensors/#", 0);
            TestClient publisher = b.Connect("p");
            publisher.Publish("sensors/kitchen/temperature", "21.5", 0, false, 0);
            Assert.AreEqual("sensors/kitchen/temperature=21.5 0; sensors/kitchen/temperature=21.5 0", r.Calls);
            Expect.Publish(sub.Read(), "sensors/kitchen/temperature", "21.5", 0, false);
        }

        [TestMethod]
        public void WildcardHandlerDoesNotSeeSysTopics_MQTT_4_7_2_1()
        {
            BrokerOptions o = TestBroker.SmallOptions();
            o.SysIntervalMs = 1000;
            TestBroker b = new TestBroker(o);
            CallbackRecorder r = Recorder(b);
            b.Broker.AddMessageHandler("#", r.Message);
            b.Tick(1);
            Assert.AreEqual(0, r.Count, "$SYS values are not matched by a leading wildcard");
        }

        [TestMethod]
        public void AddMessageHandlerRefusesAnInvalidOrSharedFilter()
        {
            TestBroker b = new TestBroker();
            CallbackRecorder r = Recorder(b);
            bool invalid = false;
            try
            {
                b.Broker.AddMessageHandler("home/#/lamp", r.Message);
            }
            catch (System.ArgumentException)
            {
                invalid = true;
            }
            bool shared = false;
            try
            {
                b.Broker.AddMessageHandler("$share/g/home/#", r.Message);
            }
            catch (System.ArgumentException)
            {
                shared = true;
            }
            Assert.IsTrue(invalid, "'#' not last");
            Assert.IsTrue(shared, "a shared subscription's filter");
        }

        [TestMethod]
        public void ClientConnectedAndDisconnectedAreCalledWithTheClientId()
        {
            TestBroker b = new TestBroker();
            CallbackRecorder r = Recorder(b);
            b.Broker.ClientConnected = r.Connected;
            b.Broker.ClientDisconnected = r.Disconnected;
            TestClient first = b.Connect("lamp");
            TestClient second = b.Connect("switch");
            first.Disconnect();
            b.Broker.Closed(second.Connection, b.Clock.Now);
            Assert.AreEqual("+lamp; +switch; -lamp; -switch", r.Calls);
        }

        [TestMethod]
        public void ARefusedConnectionIsNeitherConnectedNorDisconnected()
        {
            TestBroker b = new TestBroker();
            CallbackRecorder r = Recorder(b);
            b.Broker.ClientConnected = r.Connected;
            b.Broker.ClientDisconnected = r.Disconnected;
            b.Broker.Authenticator = r.Throw;
            b.ConnectExpecting(Packets.Connect("lamp", true, 0), ConnectReturnCode.BadUserNameOrPassword);
            Assert.AreEqual(0, r.Count, "an authenticator that throws refuses the client, which never connected");
        }

        [TestMethod]
        public void AuthenticatorDecidesWhoConnects()
        {
            TestBroker b = new TestBroker();
            CallbackRecorder r = Recorder(b);
            b.Broker.Authenticator = r.Authenticate;
            b.Connect(Packets.Connect("c1", true, 0, null, null, 0, false, "app", Utf8.GetBytes("secret")));
            b.ConnectExpecting(Packets.Connect("c2", true, 0, null, null, 0, false, "app", Utf8.GetBytes("wrong")), ConnectReturnCode.BadUserNameOrPassword);
            b.ConnectExpecting(Packets.Connect("c3", true, 0), ConnectReturnCode.BadUserNameOrPassword);
            Assert.AreEqual("?c1 app; ?c2 app; ?c3 (none)", r.Calls);
        }

        [TestMethod]
        public void AppPublishReachesSubscribersHandlersAndTheRetainedStore()
        {
            TestBroker b = new TestBroker();
            CallbackRecorder r = Recorder(b);
            b.Broker.AddMessageHandler("app/#", r.Message);
            TestClient sub = b.Subscriber("s", "app/temperature", 1);
            Assert.IsTrue(b.Broker.Publish(Utf8.GetBytes("app/temperature"), Utf8.GetBytes("21.5"), 1, true, b.Clock.Now));
            Packet p = Expect.Publish(sub.Read(), "app/temperature", "21.5", 1, false);
            sub.PubAck(p.PacketId);
            Assert.AreEqual("app/temperature=21.5 1 retained", r.Calls);
            TestClient late = b.Subscriber("late", "app/+", 0);
            Expect.Publish(late.Read(), "app/temperature", "21.5", 0, true);
        }

        [TestMethod]
        public void AppPublishTakesAPartOfABuffer()
        {
            TestBroker b = new TestBroker();
            TestClient sub = b.Subscriber("s", "a/b", 0);
            byte[] topic = Utf8.GetBytes("xxa/bxx");
            byte[] payload = Utf8.GetBytes("--42--");
            Assert.IsTrue(b.Broker.Publish(topic, 2, 3, payload, 2, 2, 0, false, b.Clock.Now));
            Expect.Publish(sub.Read(), "a/b", "42", 0, false);
        }

        [TestMethod]
        public void AppPublishRefusesWhatNoClientCouldPublish()
        {
            TestBroker b = new TestBroker();
            byte[] payload = Utf8.GetBytes("x");
            Assert.IsFalse(b.Broker.Publish(Utf8.GetBytes("a/+"), payload, 0, false, 0), "a wildcard in a topic name");
            Assert.IsFalse(b.Broker.Publish(Utf8.GetBytes("$SYS/broker/version"), payload, 0, false, 0), "$SYS is the broker's");
            Assert.IsFalse(b.Broker.Publish(Utf8.GetBytes("a"), payload, 3, false, 0), "QoS 3");
            Assert.IsFalse(b.Broker.Publish(Utf8.GetBytes("a"), new byte[b.Broker.Options.MaxPacketSize], 0, false, 0), "larger than MaxPacketSize");
        }

        [TestMethod]
        public void PublishFromWithinACallbackIsRefused()
        {
            TestBroker b = new TestBroker();
            CallbackRecorder r = Recorder(b);
            b.Broker.AddMessageHandler("in", r.PublishBack);
            TestClient sub = b.Subscriber("s", "echo", 0);
            b.Connect("p").Publish("in", "x", 0, false, 0);
            Assert.IsTrue(r.PublishThrew, "the engine is mid-change in a callback");
            Assert.IsNull(sub.Read(), "nothing was published");
        }

#if !NANOFRAMEWORK_1_0
        // Bytes the engine allocates routing QoS 0 and QoS 1 messages (the publisher's PUBACK included) to a QoS 0 subscriber,
        // after a warm-up (GC.GetAllocatedBytesForCurrentThread: .NET only, as bench/EngineBench measures).
        private static long RoutingAllocates(TestBroker b)
        {
            TestClient sub = b.Connect("s");
            sub.Subscribe(1, "sensors/#", 0);
            sub.Read();
            TestClient publisher = b.Connect("p");
            byte[] qos0 = Packets.Publish("sensors/kitchen/temperature", "21.5", 0, false, false, 0);
            byte[] qos1 = Packets.Publish("sensors/kitchen/temperature", "21.5", 1, false, false, 9);
            long before = 0;
            for (int round = 0; round < 200; round++)
            {
                if (round == 100)
                {
                    before = System.GC.GetAllocatedBytesForCurrentThread();
                }
                publisher.Send(qos0);
                publisher.Send(qos1);
                b.Broker.Sent(publisher.Connection, publisher.Unread, b.Clock.Now);
                b.Broker.Sent(sub.Connection, sub.Unread, b.Clock.Now);
            }
            return System.GC.GetAllocatedBytesForCurrentThread() - before;
        }

        [TestMethod]
        public void RoutingAllocatesNothingWithoutCallbacks()
        {
            Assert.AreEqual(0L, RoutingAllocates(new TestBroker()));
        }

        [TestMethod]
        public void RoutingAllocatesNothingWithCallbacksThatAllocateNothing()
        {
            TestBroker b = new TestBroker();
            CallbackRecorder r = Recorder(b);
            b.Broker.AddMessageHandler("sensors/+/temperature", r.Ignore);
            b.Broker.ClientDisconnected = r.Disconnected;
            Assert.AreEqual(0L, RoutingAllocates(b));
            Assert.AreEqual(200 * 2, r.Count, "the handler was called for each message");
        }

        [TestMethod]
        public void AppPublishAllocatesNothing()
        {
            TestBroker b = new TestBroker();
            TestClient sub = b.Connect("s");
            sub.Subscribe(1, "app/#", 0);
            sub.Read();
            byte[] topic = Utf8.GetBytes("app/temperature");
            byte[] payload = Utf8.GetBytes("21.5");
            long before = 0;
            for (int round = 0; round < 200; round++)
            {
                if (round == 100)
                {
                    before = System.GC.GetAllocatedBytesForCurrentThread();
                }
                b.Broker.Publish(topic, payload, 0, false, b.Clock.Now);
                // A retained message replaces the last one in the message store.
                b.Broker.Publish(topic, payload, 1, true, b.Clock.Now);
                b.Broker.Sent(sub.Connection, sub.Unread, b.Clock.Now);
            }
            Assert.AreEqual(0L, System.GC.GetAllocatedBytesForCurrentThread() - before);
        }
#endif
    }
}
