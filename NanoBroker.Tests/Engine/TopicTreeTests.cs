#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Messages;
using NanoBroker.Protocol;
using NanoBroker.Routing;
using NanoBroker.Tests.Engine.Harness;

namespace NanoBroker.Tests.Engine
{
    /// <summary>
    /// The topic tree (TopicNodes), the subscriptions on it (SubscriptionTree) and the retained messages on it
    /// (RetainedTree), against Topic.Matches as the reference: the fixed cases of Harness.MatchCases, and filters
    /// and topics of Harness.TopicDraw.
    /// </summary>
    [TestClass]
    public class TopicTreeTests
    {
        private static int Add(SubscriptionTree t, int session, string filter, int qos)
        {
            byte[] f = Packets.Bytes(filter);
            return t.Add(session, f, 0, f.Length, qos);
        }

        private static int Find(SubscriptionTree t, int session, string filter)
        {
            byte[] f = Packets.Bytes(filter);
            return t.Find(session, f, 0, f.Length);
        }

        // The entries matching the topic, as flags by entry; fails on an entry given twice.
        private static bool[] Matched(SubscriptionTree t, string topic)
        {
            byte[] b = Packets.Bytes(topic);
            bool[] seen = new bool[t.Capacity];
            t.StartMatch(b, 0, b.Length);
            for (int e = t.NextMatch(); e >= 0; e = t.NextMatch())
            {
                Assert.IsFalse(seen[e], "entry " + e + " given twice for " + topic);
                seen[e] = true;
            }
            return seen;
        }

        private static bool Reference(string filter, string topic)
        {
            byte[] f = Packets.Bytes(filter);
            byte[] t = Packets.Bytes(topic);
            return Topic.Matches(f, 0, f.Length, t, 0, t.Length);
        }

        [TestMethod]
        public void MatchFollowsSection4_7AndMosquittosPatternList_MQTT_4_7_1_2_MQTT_4_7_2_1()
        {
            MatchesAsTheTableSays(MatchCases.Rows(MatchCases.Mosquitto));
            MatchesAsTheTableSays(MatchCases.Rows(MatchCases.Specification));
        }

        private static void MatchesAsTheTableSays(string[][] rows)
        {
            for (int i = 0; i < rows.Length; i++)
            {
                string filter = rows[i][0];
                string topic = rows[i][1];
                SubscriptionTree t = new SubscriptionTree(new TopicNodes(64, 1024), 4, 2);
                int e = Add(t, 0, filter, 1);
                bool expected = MatchCases.Matches(rows[i]);
                Assert.AreEqual(expected, Matched(t, topic)[e], filter + " against " + topic);
                Assert.AreEqual(expected, Reference(filter, topic), "reference: " + filter + " against " + topic);
            }
        }

        [TestMethod]
        public void LevelsAreSharedAndFreedWithTheirLastUse()
        {
            SubscriptionTree t = new SubscriptionTree(new TopicNodes(16, 256), 8, 4);
            int abc = Add(t, 0, "a/b/c", 0);
            int abd = Add(t, 1, "a/b/d", 2);
            int plus = Add(t, 1, "a/+/c", 1);
            Assert.AreEqual(6, t.Nodes.Count, "a, b, c, d, +, c");
            Assert.AreEqual(4 * 5 + 5, t.Nodes.BytesUsed, "five literal levels of one byte with their headers");
            Assert.AreEqual(abd, Find(t, 1, "a/b/d"));
            Assert.AreEqual(-1, Find(t, 0, "a/b/d"), "another session's filter");
            Assert.AreEqual(-1, Find(t, 0, "a/b"), "a level of a filter is not a filter");

            byte[] copy = new byte[16];
            Assert.AreEqual(5, t.CopyFilter(plus, copy, 3));
            Assert.AreEqual("a/+/c", Utf8.GetString(copy, 3, 5));

            t.Remove(abc);
            Assert.AreEqual(5, t.Nodes.Count, "c under b goes, b stays for d");
            Assert.AreEqual(2, t.RemoveSession(1));
            Assert.AreEqual(0, t.Count);
            Assert.AreEqual(0, t.Nodes.Count, "every node freed");
            Assert.AreEqual(0, t.Nodes.BytesUsed);
            Assert.AreEqual(-1, t.FirstOf(1));
        }

        [TestMethod]
        public void EmptyLevelsAreNodesOfTheirOwn()
        {
            SubscriptionTree t = new SubscriptionTree(new TopicNodes(16, 256), 8, 2);
            int e = Add(t, 0, "/a//", 0);
            Assert.AreEqual(4, t.Nodes.Count, "'', 'a', '', ''");
            byte[] copy = new byte[8];
            Assert.AreEqual(4, t.CopyFilter(e, copy, 0));
            Assert.AreEqual("/a//", Utf8.GetString(copy, 0, 4));
            Assert.IsTrue(Matched(t, "/a//")[e]);
            Assert.IsFalse(Matched(t, "/a/")[e]);
        }

        [TestMethod]
        public void AFullTreeRefusesAndChangesNothing()
        {
            SubscriptionTree t = new SubscriptionTree(new TopicNodes(3, 1024), 8, 2);
            Assert.IsTrue(Add(t, 0, "a/b", 0) >= 0);
            Assert.AreEqual(-1, Add(t, 0, "x/y", 0), "x fits, y does not: x goes again");
            Assert.AreEqual(2, t.Nodes.Count);
            Assert.IsTrue(Add(t, 0, "c", 0) >= 0);

            SubscriptionTree bytes = new SubscriptionTree(new TopicNodes(16, 4 + 3 + 4 + 2), 8, 2);
            Assert.IsTrue(Add(bytes, 0, "abc/de", 0) >= 0);
            Assert.AreEqual(-1, Add(bytes, 0, "abc/f", 0), "no byte left for f");
            Assert.AreEqual(2, bytes.Nodes.Count);

            SubscriptionTree entries = new SubscriptionTree(new TopicNodes(16, 256), 1, 2);
            Assert.IsTrue(Add(entries, 0, "a", 0) >= 0);
            Assert.AreEqual(-1, Add(entries, 1, "a", 0));
        }

        [TestMethod]
        public void FreedLevelBytesAreReclaimedWhenTheArenaRunsOut()
        {
            // Room for three 6-byte levels with their headers: 30 bytes.
            SubscriptionTree t = new SubscriptionTree(new TopicNodes(8, 30), 8, 2);
            int one = Add(t, 0, "aaaaaa", 0);
            int two = Add(t, 0, "bbbbbb", 0);
            Add(t, 0, "cccccc", 0);
            Assert.AreEqual(-1, Add(t, 0, "dddddd", 0));
            t.Remove(one);
            t.Remove(two);
            Assert.IsTrue(Add(t, 0, "dddddd", 0) >= 0, "the gap left by aaaaaa and bbbbbb is reclaimed");
            Assert.IsTrue(Add(t, 0, "eeeeee", 0) >= 0);
            Assert.IsTrue(Find(t, 0, "cccccc") >= 0);
            Assert.IsTrue(Matched(t, "cccccc")[Find(t, 0, "cccccc")], "a moved level still matches");
            Assert.IsTrue(Find(t, 0, "dddddd") >= 0);
            Assert.IsTrue(Find(t, 0, "eeeeee") >= 0);
            Assert.AreEqual(30, t.Nodes.BytesUsed);
        }

        [TestMethod]
        public void ManyChildrenOfOneLevelStayReachableAsOthersGo()
        {
            SubscriptionTree t = new SubscriptionTree(new TopicNodes(400, 4096), 400, 1);
            for (int i = 0; i < 300; i++)
            {
                Add(t, 0, "p/" + i, 0);
            }
            for (int i = 0; i < 300; i += 2)
            {
                t.Remove(Find(t, 0, "p/" + i));
            }
            for (int i = 0; i < 300; i++)
            {
                Assert.AreEqual(i % 2 == 1, Find(t, 0, "p/" + i) >= 0, "p/" + i);
            }
            Assert.AreEqual(1 + 150, t.Nodes.Count);
        }

        [TestMethod]
        public void TreeAgreesWithTopicMatchesOnDrawnFiltersAndTopics()
        {
            uint[] r = new uint[] { 0x2545F491 };
            const int Sessions = 6;
            const int FilterCount = 80;
            SubscriptionTree t = new SubscriptionTree(new TopicNodes(512, 8192), FilterCount, Sessions);
            // By entry; a flag says which are live, as nanoCLR's fresh string[] elements do not compare equal to null.
            string[] filterOf = new string[FilterCount];
            bool[] live = new bool[FilterCount];
            for (int i = 0; i < FilterCount; i++)
            {
                string filter = TopicDraw.Filter(r);
                int session = TopicDraw.Next(r, Sessions);
                if (Find(t, session, filter) < 0)
                {
                    int e = Add(t, session, filter, 0);
                    filterOf[e] = filter;
                    live[e] = true;
                }
            }
            for (int round = 0; round < 2; round++)
            {
                for (int i = 0; i < 300; i++)
                {
                    string topic = TopicDraw.Name(r, false);
                    bool[] got = Matched(t, topic);
                    for (int e = 0; e < FilterCount; e++)
                    {
                        bool expected = live[e] && Reference(filterOf[e], topic);
                        Assert.AreEqual(expected, got[e], filterOf[e] + " against " + topic);
                    }
                }
                // Then half of the filters go, and the rest must still match as before.
                for (int e = 0; e < FilterCount; e += 2)
                {
                    if (live[e])
                    {
                        t.Remove(e);
                        live[e] = false;
                    }
                }
            }
            for (int s = 0; s < Sessions; s++)
            {
                t.RemoveSession(s);
            }
            Assert.AreEqual(0, t.Nodes.Count, "no node outlives its filters");
        }

        [TestMethod]
        public void RetainedWalkFindsWhatTopicMatchesFindsEachOnce_MQTT_3_3_1_6()
        {
            uint[] r = new uint[] { 0x9E3779B9 };
            TopicNodes nodes = new TopicNodes(1024, 16384);
            MessagePool pool = new MessagePool(200, 400, 32);
            SubscriptionTree subscriptions = new SubscriptionTree(nodes, 60, 1);
            RetainedTree retained = new RetainedTree(nodes, pool, 200, 100000, 0, 0);
            string[] topics = new string[150];
            for (int i = 0; i < topics.Length; i++)
            {
                topics[i] = TopicDraw.Name(r, false);
                SetRetained(retained, pool, topics[i]);
            }
            for (int i = 0; i < 60; i++)
            {
                string filter = TopicDraw.Filter(r);
                int e = Find(subscriptions, 0, filter);
                if (e < 0)
                {
                    e = Add(subscriptions, 0, filter, 0);
                }
                bool[] seen = new bool[nodes.Slots];
                for (int n = retained.NextMatch(subscriptions.NodeOf(e), -1, retained.Stamp); n >= 0; n = retained.NextMatch(subscriptions.NodeOf(e), n, retained.Stamp))
                {
                    Assert.IsFalse(seen[n], "a node given twice for " + filter);
                    seen[n] = true;
                }
                for (int k = 0; k < topics.Length; k++)
                {
                    byte[] b = Packets.Bytes(topics[k]);
                    int node = retained.Find(b, 0, b.Length);
                    Assert.AreEqual(Reference(filter, topics[k]), seen[node], filter + " against retained " + topics[k]);
                }
            }
        }

        [TestMethod]
        public void RetainedWalkResumesFromAHeldNodeAndLeavesOutWhatCameLater()
        {
            TopicNodes nodes = new TopicNodes(64, 1024);
            MessagePool pool = new MessagePool(32, 64, 32);
            SubscriptionTree subscriptions = new SubscriptionTree(nodes, 4, 1);
            RetainedTree retained = new RetainedTree(nodes, pool, 32, 10000, 0, 0);
            SetRetained(retained, pool, "s/1/x");
            SetRetained(retained, pool, "s/2/x");
            SetRetained(retained, pool, "s/3/x");
            SetRetained(retained, pool, "s/4/y");
            int e = Add(subscriptions, 0, "s/+/x", 0);
            long until = retained.Stamp;

            int first = retained.NextMatch(subscriptions.NodeOf(e), -1, until);
            Assert.AreEqual("s/1/x", TopicOf(pool, retained, first));
            subscriptions.MoveRetainedCursor(e, first);
            // Meanwhile: the held node's message and its next one go, a new topic and a newer value come.
            Clear(retained, "s/1/x");
            Clear(retained, "s/2/x");
            SetRetained(retained, pool, "s/0/x");
            SetRetained(retained, pool, "s/3/x");
            SetRetained(retained, pool, "s/5/x");
            Assert.AreEqual(-1, retained.NextMatch(subscriptions.NodeOf(e), first, until), "s/2 cleared; s/0, s/3 and s/5 set later");
            Assert.AreEqual("s/3/x", TopicOf(pool, retained, retained.NextMatch(subscriptions.NodeOf(e), first, retained.Stamp)));

            subscriptions.Remove(e);
            Clear(retained, "s/0/x");
            Clear(retained, "s/3/x");
            Clear(retained, "s/4/y");
            Clear(retained, "s/5/x");
            Assert.AreEqual(0, nodes.Count, "the cursor's hold went with its subscription");
        }

        private static void SetRetained(RetainedTree retained, MessagePool pool, string topic)
        {
            byte[] b = Packets.Bytes(topic);
            int m = pool.Store(b, 0, b.Length, b, 0, b.Length, 0);
            bool removedEarlier;
            Assert.IsTrue(retained.Set(m, b, 0, b.Length, out removedEarlier), topic);
            pool.Release(m);
        }

        private static void Clear(RetainedTree retained, string topic)
        {
            byte[] b = Packets.Bytes(topic);
            Assert.IsTrue(retained.Clear(b, 0, b.Length), topic);
        }

        private static string TopicOf(MessagePool pool, RetainedTree retained, int node)
        {
            int m = retained.MessageAt(node);
            byte[] b = new byte[pool.TopicLength(m)];
            pool.CopyOut(m, 0, b, 0, b.Length);
            return Utf8.GetString(b, 0, b.Length);
        }
    }
}
