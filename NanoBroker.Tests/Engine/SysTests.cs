#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;
using NanoBroker.Tests.Engine.Harness;

namespace NanoBroker.Tests.Engine
{
    /// <summary>The $SYS/broker/... statistics, retained and refreshed every SysIntervalMs.</summary>
    [TestClass]
    public class SysTests
    {
        private static TestBroker WithSys(int intervalMs)
        {
            BrokerOptions o = TestBroker.SmallOptions();
            o.SysIntervalMs = intervalMs;
            return new TestBroker(o);
        }

        private static Packet Find(Packet[] packets, string topic)
        {
            for (int i = 0; i < packets.Length; i++)
            {
                if (packets[i].TopicText == topic)
                {
                    return packets[i];
                }
            }
            return null;
        }

        private static long HeapProbe()
        {
            return 12345;
        }

        [TestMethod]
        public void SysTopicsAreRetainedAfterATickAndReachSysSubscribers()
        {
            TestBroker b = WithSys(5000);
            Assert.AreEqual(0, b.Broker.Retained.Count, "nothing before the first tick");
            b.Connect("c1");
            b.Tick(1);
            Assert.AreEqual(0, b.Broker.Retained.Count, "$SYS topics are not in the user's retained budget");
            int sysRetained = 0;
            for (int n = b.Broker.Retained.Next(-1); n >= 0; n = b.Broker.Retained.Next(n))
            {
                sysRetained++;
            }
            Assert.IsTrue(sysRetained >= 14);
            TestClient sub = b.Subscriber("sys", "$SYS/#", 0);
            Packet[] got = sub.ReadAll();
            Packet version = Find(got, "$SYS/broker/version");
            Assert.IsNotNull(version);
            Assert.IsTrue(version.Retain, "retained: sent with RETAIN 1 to a new subscription");
            Assert.AreEqual(0, version.Qos);
            Assert.AreEqual("NanoBroker " + BrokerVersion.Text, version.PayloadText);
            Assert.AreEqual("1", Find(got, "$SYS/broker/clients/connected").PayloadText);
            Assert.AreEqual(b.Broker.Options.MaxClients.ToString(), Find(got, "$SYS/broker/clients/maximum").PayloadText);
            Assert.AreEqual("0 seconds", Find(got, "$SYS/broker/uptime").PayloadText);
            Assert.IsNotNull(Find(got, "$SYS/broker/store/bytes/free"));
            Assert.IsNull(Find(got, "$SYS/broker/heap/current"), "no probe, no heap figure");
        }

        [TestMethod]
        public void HashDoesNotMatchSysTopics_MQTT_4_7_2_1()
        {
            TestBroker b = WithSys(5000);
            b.Tick(1);
            TestClient all = b.Subscriber("all", "#", 0);
            Assert.IsNull(all.Read());
            TestClient plus = b.Subscriber("plus", "+/broker/#", 0);
            Assert.IsNull(plus.Read());
            b.Tick(5000);
            Assert.IsNull(all.Read());
        }

        [TestMethod]
        public void SysTopicsRefreshEveryInterval()
        {
            TestBroker b = WithSys(5000);
            b.Tick(1);
            TestClient sub = b.Subscriber("sys", "$SYS/broker/clients/connected", 0);
            Assert.AreEqual("0", sub.Read().PayloadText);
            b.Tick(4999);
            Assert.IsNull(sub.Read(), "not before the interval");
            b.Connect("other");
            b.Tick(1);
            Packet p = Expect.Publish(sub.Read(), "$SYS/broker/clients/connected", "2", 0, false);
            Assert.IsFalse(p.Retain, "an established subscription gets RETAIN 0 [MQTT-3.3.1-9]");
            Assert.IsNull(sub.Read());
        }

        [TestMethod]
        public void UptimeAndCountersFollowTheClockAndStats()
        {
            TestBroker b = WithSys(10000);
            TestClient sub = b.Connect("sys");
            b.Subscribe(sub, "$SYS/broker/uptime", 0);
            b.Subscribe(sub, "$SYS/broker/messages/received", 0);
            b.Connect("pub").Publish("x", "1", 0, false, 0);
            b.Tick(25000);
            Packet[] got = sub.ReadAll();
            Assert.AreEqual("25 seconds", Find(got, "$SYS/broker/uptime").PayloadText);
            Assert.AreEqual("1", Find(got, "$SYS/broker/messages/received").PayloadText);
        }

        [TestMethod]
        public void HeapProbeIsPublishedWhenSet()
        {
            TestBroker b = WithSys(1000);
            b.Broker.HeapBytesInUse = HeapProbe;
            b.Tick(1);
            TestClient sub = b.Subscriber("sys", "$SYS/broker/heap/current", 0);
            Expect.Publish(sub.Read(), "$SYS/broker/heap/current", "12345", 0, true);
        }

        [TestMethod]
        public void SysInterval0TurnsStatisticsOff()
        {
            TestBroker b = WithSys(0);
            b.Tick(1);
            b.Tick(1000000);
            Assert.AreEqual(0, b.Broker.Retained.Count);
        }

        private static TestBroker WithClientList(int maxPacketSize)
        {
            BrokerOptions o = TestBroker.SmallOptions();
            o.SysIntervalMs = 5000;
            o.SysClientList = true;
            o.MaxPacketSize = maxPacketSize;
            return new TestBroker(o);
        }

        [TestMethod]
        public void ClientListNamesEverySessionWithItsSubscriptionsAsJson()
        {
            TestBroker b = WithClientList(1024);
            TestClient sub = b.Subscriber("page", "$SYS/broker/clients/list", 0);
            b.Subscriber("say \"hi\"", "a/\"b\"/#", 1);
            TestClient gone = b.Connect("gone", false);
            b.Subscribe(gone, "cmd/+", 2);
            gone.Drop();
            b.Tick(1);
            Packet list = sub.Read();
            Expect.Publish(list, "$SYS/broker/clients/list",
                "{\"clients\":[{\"id\":\"page\",\"online\":true,\"subscriptions\":[{\"filter\":\"$SYS/broker/clients/list\",\"qos\":0}]},"
                + "{\"id\":\"say \\\"hi\\\"\",\"online\":true,\"subscriptions\":[{\"filter\":\"a/\\\"b\\\"/#\",\"qos\":1}]},"
                + "{\"id\":\"gone\",\"online\":false,\"subscriptions\":[{\"filter\":\"cmd/+\",\"qos\":2}]}],\"more\":0}", 0, false);
            Assert.IsNull(sub.Read(), "one list per interval");
            Assert.AreEqual(0, b.Broker.Retained.Count, "not retained");
        }

        [TestMethod]
        public void ClientListLeavesOutWhatExceedsTheLargestPacketAndCountsIt()
        {
            TestBroker b = WithClientList(210);
            TestClient sub = b.Subscriber("page", "$SYS/broker/clients/list", 0);
            b.Subscriber("sensor-with-a-long-name-1", "house/kitchen/temperature", 0);
            b.Connect("s2");
            b.Tick(1);
            Packet list = sub.Read();
            Assert.IsNotNull(list);
            Assert.IsTrue(list.Payload.Length + 8 + list.Topic.Length <= 210, "within MaxPacketSize");
            Assert.AreEqual("{\"clients\":[{\"id\":\"page\",\"online\":true,\"subscriptions\":[{\"filter\":\"$SYS/broker/clients/list\",\"qos\":0}]},"
                + "{\"id\":\"s2\",\"online\":true,\"subscriptions\":[]}],\"more\":1}", list.PayloadText);
        }

        [TestMethod]
        public void ClientListEscapesControlCharactersInClientIds()
        {
            // A client identifier may hold control characters other than U+0000 [MQTT-1.5.3-2]; JSON may not (RFC 8259 section 7).
            TestBroker b = WithClientList(1024);
            b.Connect("tab\there");
            TestClient sub = b.Subscriber("page", "$SYS/broker/clients/list", 0);
            b.Tick(1);
            string list = sub.Read().PayloadText;
            Assert.IsTrue(list.IndexOf("{\"id\":\"tab\\u0009here\",\"online\":true,\"subscriptions\":[]}") >= 0, list);
        }

        [TestMethod]
        public void ClientListIsOffUnlessSet()
        {
            TestBroker b = WithSys(5000);
            TestClient sub = b.Subscriber("page", "$SYS/broker/clients/list", 0);
            b.Tick(1);
            Assert.IsNull(sub.Read());
        }
    }
}
