#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Routing;
using NanoBroker.Tests.Engine.Harness;

namespace NanoBroker.Tests.Engine
{
    /// <summary>The fixed-size subscription table with its filter arena.</summary>
    [TestClass]
    public class SubscriptionTableTests
    {
        private static int Add(SubscriptionTable t, int session, string filter, int qos)
        {
            byte[] f = Packets.Bytes(filter);
            return t.Add(session, f, 0, f.Length, qos);
        }

        private static int Find(SubscriptionTable t, int session, string filter)
        {
            byte[] f = Packets.Bytes(filter);
            return t.Find(session, f, 0, f.Length);
        }

        private static bool Matches(SubscriptionTable t, int index, string topic)
        {
            byte[] b = Packets.Bytes(topic);
            return t.Matches(index, Topic.FirstLevelHash(b, 0, b.Length), b, 0, b.Length);
        }

        [TestMethod]
        public void AddFindAndCount()
        {
            SubscriptionTable t = new SubscriptionTable(4, 64);
            Assert.AreEqual(0, Add(t, 1, "a/b", 1));
            Assert.AreEqual(1, Add(t, 2, "a/b", 2));
            Assert.AreEqual(2, Add(t, 1, "c/#", 0));
            Assert.AreEqual(3, t.Count);
            Assert.AreEqual(4, t.Capacity);
            Assert.AreEqual(3 + 3 + 3, t.BytesUsed);
            Assert.AreEqual(0, Find(t, 1, "a/b"));
            Assert.AreEqual(1, Find(t, 2, "a/b"));
            Assert.AreEqual(-1, Find(t, 2, "c/#"));
            Assert.AreEqual(-1, Find(t, 1, "a/"));
            Assert.AreEqual(2, t.CountOf(1));
            Assert.AreEqual(1, t.CountOf(2));
        }

        [TestMethod]
        public void FullTableRefusesByEntriesAndByBytes()
        {
            SubscriptionTable t = new SubscriptionTable(2, 64);
            Assert.IsTrue(Add(t, 0, "a", 0) >= 0);
            Assert.IsTrue(Add(t, 0, "b", 0) >= 0);
            Assert.AreEqual(-1, Add(t, 0, "c", 0));

            SubscriptionTable small = new SubscriptionTable(10, 8);
            Assert.IsTrue(Add(small, 0, "abcde", 0) >= 0);
            Assert.AreEqual(-1, Add(small, 0, "wxyz", 0), "5 + 4 bytes > 8");
            Assert.IsTrue(Add(small, 0, "xyz", 0) >= 0, "5 + 3 bytes = 8 fits exactly");
            Assert.AreEqual(8, small.BytesUsed);
        }

        [TestMethod]
        public void RemoveAtClosesTheArenaGapAndKeepsOtherFilters()
        {
            SubscriptionTable t = new SubscriptionTable(4, 24);
            Add(t, 0, "first/1", 0);
            Add(t, 1, "second/2", 1);
            Add(t, 2, "third/3", 2);
            t.RemoveAt(Find(t, 0, "first/1"));
            Assert.AreEqual(2, t.Count);
            Assert.AreEqual(15, t.BytesUsed);
            Assert.IsTrue(Find(t, 1, "second/2") >= 0);
            Assert.IsTrue(Find(t, 2, "third/3") >= 0);
            Assert.IsTrue(Matches(t, Find(t, 1, "second/2"), "second/2"));
            Assert.IsTrue(Matches(t, Find(t, 2, "third/3"), "third/3"));
            Assert.IsTrue(Add(t, 3, "fourth/4", 0) >= 0, "freed bytes are usable again");
            Assert.IsTrue(Matches(t, Find(t, 3, "fourth/4"), "fourth/4"));
            Assert.IsTrue(Matches(t, Find(t, 2, "third/3"), "third/3"));
        }

        [TestMethod]
        public void RemoveSessionRemovesOnlyItsEntries()
        {
            SubscriptionTable t = new SubscriptionTable(8, 128);
            Add(t, 5, "a", 0);
            Add(t, 6, "b", 0);
            Add(t, 5, "c", 0);
            Add(t, 6, "d", 0);
            Add(t, 5, "e", 0);
            Assert.AreEqual(3, t.RemoveSession(5));
            Assert.AreEqual(2, t.Count);
            Assert.AreEqual(0, t.CountOf(5));
            Assert.IsTrue(Find(t, 6, "b") >= 0);
            Assert.IsTrue(Find(t, 6, "d") >= 0);
            Assert.AreEqual(2, t.BytesUsed);
            Assert.AreEqual(0, t.RemoveSession(5));
        }

        [TestMethod]
        public void MatchesUsesFirstLevelPreCheckAndWildcards()
        {
            SubscriptionTable t = new SubscriptionTable(4, 64);
            int literal = Add(t, 0, "home/+/temp", 0);
            int hash = Add(t, 0, "#", 0);
            int plus = Add(t, 0, "+/kitchen/#", 0);
            Assert.IsTrue(Matches(t, literal, "home/kitchen/temp"));
            Assert.IsFalse(Matches(t, literal, "office/kitchen/temp"));
            Assert.IsFalse(Matches(t, literal, "home/kitchen/humidity"));
            Assert.IsTrue(Matches(t, hash, "anything/at/all"));
            Assert.IsFalse(Matches(t, hash, "$SYS/broker/uptime"), "[MQTT-4.7.2-1]");
            Assert.IsTrue(Matches(t, plus, "office/kitchen"));
            Assert.IsTrue(Matches(t, plus, "home/kitchen/temp"));
        }
    }
}
