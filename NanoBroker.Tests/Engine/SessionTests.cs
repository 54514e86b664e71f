#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;
using NanoBroker.Tests.Engine.Harness;

namespace NanoBroker.Tests.Engine
{
    /// <summary>Sessions: clean and persistent, the offline queue, and takeover (MQTT 3.1.1 sections 3.1.2.4, 3.1.4, 4.1).</summary>
    [TestClass]
    public class SessionTests
    {
        private static TestClient Reconnect(TestBroker b, string id, bool clean, bool expectPresent)
        {
            TestClient c = b.Open();
            c.Send(Packets.Connect(id, clean, 0));
            Packet ack = b.ExpectConnAck(c, 0);
            Assert.AreEqual(expectPresent, ack.SessionPresent, "session present");
            return c;
        }

        [TestMethod]
        public void PersistentSessionKeepsSubscriptionsAndQueuesQos1And2WhileOffline_MQTT_3_1_2_4_And_3_1_2_5()
        {
            TestBroker b = new TestBroker();
            TestClient sub = b.Connect("sub", false);
            sub.Send(Packets.Subscribe(1, new string[] { "q1", "q2" }, new int[] { 1, 2 }));
            Expect.Type(PacketType.SubAck, sub.Read());
            sub.Disconnect();
            sub.Drop();
            Assert.AreEqual(1, b.Broker.SessionCount);
            Assert.AreEqual(2, b.Broker.Subscriptions.Count);

            TestClient pub = b.Connect("pub");
            pub.Publish("q1", "one", 1, false, 1);
            pub.Publish("q2", "two", 2, false, 2);
            Expect.Ack(pub.Read(), PacketType.PubAck, 1);
            Expect.Ack(pub.Read(), PacketType.PubRec, 2);

            TestClient back = Reconnect(b, "sub", false, true);
            Packet p1 = Expect.Publish(back.Read(), "q1", "one", 1, false);
            Packet p2 = Expect.Publish(back.Read(), "q2", "two", 2, false);
            Assert.IsFalse(p1.Dup, "never sent before");
            Assert.IsFalse(p2.Dup);
            // Subscriptions still work online.
            pub.Publish("q1", "three", 0, false, 0);
            Expect.Publish(back.Read(), "q1", "three", 0, false);
        }

        [TestMethod]
        public void CleanSessionDiscardsTheStoredSession_MQTT_3_1_2_6()
        {
            TestBroker b = new TestBroker();
            TestClient sub = b.Connect("sub", false);
            b.Subscribe(sub, "t", 1);
            sub.Drop();
            b.Connect("pub").Publish("t", "queued", 1, false, 1);

            TestClient clean = Reconnect(b, "sub", true, false);
            Assert.IsNull(clean.Read(), "queued messages went with the old session");
            Assert.AreEqual(0, b.Broker.Subscriptions.Count);
            clean.Disconnect();
            clean.Drop();
            Assert.AreEqual(1, b.Broker.SessionCount, "a clean session ends with its connection: only pub's is left");
            Reconnect(b, "sub", false, false);
        }

        [TestMethod]
        public void CleanSessionEndsWithTheConnection_MQTT_3_1_2_6()
        {
            TestBroker b = new TestBroker();
            TestClient c = b.Subscriber("c", "t", 1);
            Assert.AreEqual(1, b.Broker.Subscriptions.Count);
            c.Drop();
            Assert.AreEqual(0, b.Broker.SessionCount);
            Assert.AreEqual(0, b.Broker.Subscriptions.Count);
        }

        [TestMethod]
        public void OfflineQueueKeepsPublishOrder_MQTT_4_6_0_6()
        {
            TestBroker b = new TestBroker();
            TestClient sub = b.Connect("sub", false);
            b.Subscribe(sub, "t", 1);
            sub.Drop();
            TestClient pub = b.Connect("pub");
            for (int i = 0; i < 10; i++)
            {
                pub.Publish("t", "m" + i, 1, false, i + 1);
            }
            TestClient back = Reconnect(b, "sub", false, true);
            for (int i = 0; i < 10; i++)
            {
                Packet p = back.Read();
                if (p == null)
                {
                    Assert.IsTrue(i >= b.Broker.Options.InflightWindow);
                    break;
                }
                Expect.Publish(p, "t", "m" + i, 1, false);
                back.PubAck(p.PacketId);
            }
        }

        [TestMethod]
        public void InflightAreResentBeforeQueuedInOriginalOrder_MQTT_4_6_0_1()
        {
            BrokerOptions o = TestBroker.SmallOptions();
            o.InflightWindow = 2;
            TestBroker b = new TestBroker(o);
            TestClient sub = b.Connect("sub", false);
            b.Subscribe(sub, "t", 1);
            TestClient pub = b.Connect("pub");
            for (int i = 0; i < 4; i++)
            {
                pub.Publish("t", "m" + i, 1, false, i + 1);
            }
            Packet m0 = Expect.Publish(sub.Read(), "t", "m0", 1, false);
            Packet m1 = Expect.Publish(sub.Read(), "t", "m1", 1, false);
            Assert.IsNull(sub.Read(), "window of 2");
            sub.Drop();

            TestClient back = Reconnect(b, "sub", false, true);
            Packet r0 = Expect.Publish(back.Read(), "t", "m0", 1, false);
            Packet r1 = Expect.Publish(back.Read(), "t", "m1", 1, false);
            Assert.IsTrue(r0.Dup && r1.Dup);
            Assert.AreEqual(m0.PacketId, r0.PacketId);
            Assert.AreEqual(m1.PacketId, r1.PacketId);
            Assert.IsNull(back.Read());
            back.PubAck(r0.PacketId);
            Packet m2 = Expect.Publish(back.Read(), "t", "m2", 1, false);
            Assert.IsFalse(m2.Dup);
            back.PubAck(r1.PacketId);
            Expect.Publish(back.Read(), "t", "m3", 1, false);
        }

        [TestMethod]
        public void SameClientIdTakesOverTheOpenConnection_MQTT_3_1_4_2()
        {
            TestBroker b = new TestBroker();
            TestClient first = b.Connect("dup-id", false);
            b.Subscribe(first, "t", 1);
            TestClient second = Reconnect(b, "dup-id", false, true);
            Assert.IsTrue(first.IsClosing, "the existing client is disconnected");
            Assert.IsFalse(second.IsClosing);
            Assert.AreEqual(1, b.Broker.ConnectedClients);
            Assert.AreEqual(1, b.Broker.SessionCount);
            first.Drop();
            Assert.IsFalse(second.IsClosing, "the old socket closing later does not hurt the new one");
            Assert.AreEqual(1, b.Broker.ConnectedClients);

            b.Connect("pub").Publish("t", "to the new one", 1, false, 1);
            Expect.Publish(second.Read(), "t", "to the new one", 1, false);
        }

        [TestMethod]
        public void TakeoverResendsUnacknowledgedToTheNewConnection_MQTT_4_4_0_1()
        {
            TestBroker b = new TestBroker();
            TestClient first = b.Connect("dev", false);
            b.Subscribe(first, "t", 1);
            b.Connect("pub").Publish("t", "x", 1, false, 1);
            Packet p = first.Read();
            TestClient second = Reconnect(b, "dev", false, true);
            Packet again = Expect.Publish(second.Read(), "t", "x", 1, false);
            Assert.IsTrue(again.Dup);
            Assert.AreEqual(p.PacketId, again.PacketId);
        }

        [TestMethod]
        public void TakeoverOfACleanSessionStartsFresh_MQTT_3_1_4_2()
        {
            TestBroker b = new TestBroker();
            TestClient first = b.Subscriber("dev", "t", 0);
            TestClient second = Reconnect(b, "dev", false, false);
            Assert.IsTrue(first.IsClosing);
            Assert.AreEqual(0, b.Broker.Subscriptions.Count);
            Assert.IsFalse(second.IsClosing);
        }

        [TestMethod]
        public void TakeoverPublishesTheOldConnectionsWill()
        {
            TestBroker b = new TestBroker();
            TestClient watcher = b.Subscriber("watcher", "w", 0);
            TestClient first = b.Connect(Packets.Connect("dev", true, 0, "w", "old gone", 0, false));
            TestClient second = Reconnect(b, "dev", true, false);
            Assert.IsTrue(first.IsClosing);
            Expect.Publish(watcher.Read(), "w", "old gone", 0, false);
            second.Disconnect();
            Assert.IsNull(watcher.Read());
        }

        [TestMethod]
        public void TakeoverWorksWhenTheClientLimitIsReached()
        {
            BrokerOptions o = TestBroker.SmallOptions();
            o.MaxClients = 2;
            o.MaxSessions = 2;
            TestBroker b = new TestBroker(o);
            b.Connect("a");
            TestClient first = b.Connect("b", false);
            Reconnect(b, "b", false, true);
            Assert.IsTrue(first.IsClosing);
            Assert.AreEqual(2, b.Broker.ConnectedClients);
        }

        [TestMethod]
        public void RepeatedConnectDisconnectLeaksNoSlotsSessionsOrMessages()
        {
            TestBroker b = new TestBroker();
            int freeMessages = b.Broker.Messages.FreeMessages;
            int freeBlocks = b.Broker.Messages.FreeBlocks;
            int freeConnections = b.Broker.FreeConnections;
            TestClient watcher = b.Subscriber("watcher", "#", 1);
            for (int i = 0; i < 300; i++)
            {
                TestClient c = b.Connect(Packets.Connect("churn" + (i % 5), i % 2 == 0, 5, "w/" + i, "bye", 1, false));
                b.Subscribe(c, "t/" + i, 1);
                c.Publish("t/x", "m", 1, false, 1);
                c.Read();
                if (i % 3 == 0) c.Disconnect();
                c.Drop();
                Packet[] got = watcher.ReadAll();
                for (int k = 0; k < got.Length; k++)
                {
                    watcher.PubAck(got[k].PacketId);
                }
            }
            // Drop every persistent session that remains.
            for (int i = 0; i < 5; i++)
            {
                TestClient c = b.Connect(Packets.Connect("churn" + i, true, 0));
                c.Disconnect();
                c.Drop();
            }
            watcher.Drop();
            Assert.AreEqual(0, b.Broker.SessionCount);
            Assert.AreEqual(0, b.Broker.Subscriptions.Count);
            Assert.AreEqual(freeMessages, b.Broker.Messages.FreeMessages);
            Assert.AreEqual(freeBlocks, b.Broker.Messages.FreeBlocks);
            Assert.AreEqual(freeConnections, b.Broker.FreeConnections);
        }
    }
}
