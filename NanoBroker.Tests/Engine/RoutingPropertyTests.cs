#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;
using NanoBroker.Tests.Engine.Harness;

namespace NanoBroker.Tests.Engine
{
    /// <summary>
    /// Routing checked against a reference matcher of this file (MQTT 3.1.1 section 4.7), end to end through
    /// SUBSCRIBE, UNSUBSCRIBE and PUBLISH packets only, so that it holds whatever the engine keeps its
    /// subscriptions in. Filters and names come from Harness.TopicDraw.
    /// </summary>
    [TestClass]
    public class RoutingPropertyTests
    {
        private const int Clients = 6;
        private const int MaxFiltersPerClient = 12;

        // ---- The reference matcher: independent of NanoBroker.Routing.Topic ----

        /// <summary>The levels of a topic name or filter: "/a" is { "", "a" }, "a/" is { "a", "" }, "a//b" is { "a", "", "b" } [MQTT-4.7.1-1].</summary>
        private static string[] Levels(string s)
        {
            return MatchCases.Split(s, '/');
        }

        /// <summary>The parts of <paramref name="s"/> between separators, empty ones included (hand-written, the same on nanoFramework).</summary>
        // nanoFramework's Assert has no Fail: the message is the assertion.
        private static void Fail(string message)
        {
            Assert.IsNull(message, message);
        }

        /// <summary>
        /// MQTT 3.1.1 section 4.7, level by level: '+' is exactly one level, the empty one included [MQTT-4.7.1-3];
        /// '#' is the parent level and any number of levels below it, so "a/#" matches "a" [MQTT-4.7.1-2]; a name
        /// starting with '$' is not matched by a filter starting with '+' or '#' [MQTT-4.7.2-1]; everything else
        /// compares exactly, case and all [MQTT-4.7.3-4].
        /// </summary>
        private static bool ReferenceMatches(string filter, string topic)
        {
            string[] f = Levels(filter);
            string[] t = Levels(topic);
            if (topic.Length > 0 && topic[0] == '$' && (f[0] == "+" || f[0] == "#"))
            {
                return false;
            }
            for (int i = 0; i < f.Length; i++)
            {
                if (f[i] == "#")
                {
                    return true;
                }
                if (i >= t.Length)
                {
                    return false;
                }
                if (f[i] != "+" && f[i] != t[i])
                {
                    return false;
                }
            }
            return f.Length == t.Length;
        }

        // ---- The model of one client's subscriptions ----

        private static int IndexOf(string[] filters, int count, string filter)
        {
            for (int i = 0; i < count; i++)
            {
                if (filters[i] == filter)
                {
                    return i;
                }
            }
            return -1;
        }

        /// <summary>The highest QoS of the client's filters matching the name, -1 when none does [MQTT-3.3.5-1].</summary>
        private static int HighestMatchingQos(string[] filters, int[] qos, int count, string topic)
        {
            int best = -1;
            for (int i = 0; i < count; i++)
            {
                if (qos[i] > best && ReferenceMatches(filters[i], topic))
                {
                    best = qos[i];
                }
            }
            return best;
        }

        private static string Describe(string[] filters, int[] qos, int count)
        {
            string s = "";
            for (int i = 0; i < count; i++)
            {
                s += (i == 0 ? "" : ", ") + "'" + filters[i] + "'@" + qos[i];
            }
            return "{" + s + "}";
        }

        // Subscribes to the filters in one SUBSCRIBE packet, checks SUBACK grants each QoS asked for, and records them:
        // the same filter again replaces the subscription [MQTT-3.8.4-3].
        private static void Subscribe(TestClient c, int packetId, string[] add, int[] addQos, string[] filters, int[] qos, int[] count, int client)
        {
            c.Send(Packets.Subscribe(packetId, add, addQos));
            Packet suback = c.Read();
            Expect.Type(PacketType.SubAck, suback);
            Assert.AreEqual(packetId, suback.PacketId, "SUBACK packet id");
            Assert.AreEqual(add.Length, suback.ReturnCodes.Length, "one SUBACK code per filter [MQTT-3.8.4-5]");
            for (int i = 0; i < add.Length; i++)
            {
                Assert.AreEqual(addQos[i], (int)suback.ReturnCodes[i], "granted QoS of '" + add[i] + "'");
                int at = IndexOf(filters, count[client], add[i]);
                if (at < 0)
                {
                    at = count[client]++;
                    filters[at] = add[i];
                }
                qos[at] = addQos[i];
            }
        }

        private static void Unsubscribe(TestClient c, int packetId, string[] remove, string[] filters, int[] qos, int[] count, int client)
        {
            c.Send(Packets.Unsubscribe(packetId, remove));
            Expect.Ack(c.Read(), PacketType.UnsubAck, packetId);
            for (int i = 0; i < remove.Length; i++)
            {
                int at = IndexOf(filters, count[client], remove[i]);
                if (at >= 0)
                {
                    int last = --count[client];
                    filters[at] = filters[last];
                    qos[at] = qos[last];
                }
            }
        }

        // Draws 1 to 3 distinct filters for one SUBSCRIBE: half from the shared pool, half fresh.
        private static void SubscribeRandom(uint[] r, TestClient c, int packetId, string[] pool, string[][] filters, int[][] qos, int[] count, int client)
        {
            int n = 1 + TopicDraw.Next(r, 3);
            if (count[client] + n > MaxFiltersPerClient)
            {
                n = MaxFiltersPerClient - count[client];
            }
            if (n <= 0)
            {
                return;
            }
            string[] add = new string[n];
            int[] addQos = new int[n];
            int k = 0;
            while (k < n)
            {
                string f = TopicDraw.Next(r, 2) == 0 ? pool[TopicDraw.Next(r, pool.Length)] : TopicDraw.Filter(r);
                if (IndexOf(add, k, f) < 0)
                {
                    add[k] = f;
                    addQos[k] = TopicDraw.Next(r, 3);
                    k++;
                }
            }
            Subscribe(c, packetId, add, addQos, filters[client], qos[client], count, client);
        }

        // One PUBLISH of the publisher; then every subscriber must hold exactly what the reference says: one copy
        // at min(publish QoS, highest matching granted QoS) [MQTT-3.3.5-1], or nothing. Returns how many received it.
        private static int PublishAndCheck(uint[] r, TestClient pub, TestClient[] subs, string[][] filters, int[][] qos, int[] count, int index, int[] overlapped)
        {
            string topic = TopicDraw.Name(r, true);
            int pubQos = TopicDraw.Next(r, 2);
            string payload = "m" + index;
            int packetId = index + 1;
            pub.Publish(topic, payload, pubQos, false, packetId);
            if (pubQos == 1)
            {
                Expect.Ack(pub.Read(), PacketType.PubAck, packetId);
            }
            Assert.IsNull(pub.Read(), "the publisher is subscribed to nothing");
            // Clients may not publish to $SYS: the broker acknowledges and drops such a PUBLISH (its own policy).
            bool sys = topic == "$SYS" || (topic.Length > 4 && topic.Substring(0, 5) == "$SYS/");
            int receivers = 0;
            for (int c = 0; c < subs.Length; c++)
            {
                int best = sys ? -1 : HighestMatchingQos(filters[c], qos[c], count[c], topic);
                Packet p = subs[c].Read();
                string context = "publish #" + index + " of '" + topic + "' at QoS " + pubQos + " to client " + c + " subscribed to ";
                if (best < 0)
                {
                    if (p != null)
                    {
                        Fail(context + Describe(filters[c], qos[c], count[c]) + ": the reference matches none, yet it got " + (p.Type == PacketType.Publish ? "'" + p.TopicText + "'" : "packet type " + p.Type));
                    }
                    continue;
                }
                int expectedQos = pubQos < best ? pubQos : best;
                if (p == null || p.Type != PacketType.Publish || p.TopicText != topic || p.PayloadText != payload || p.Qos != expectedQos || p.Retain)
                {
                    Fail(context + Describe(filters[c], qos[c], count[c]) + ": expected it once at QoS " + expectedQos + ", got "
                        + (p == null ? "nothing" : p.Type != PacketType.Publish ? "packet type " + p.Type : "'" + p.TopicText + "' '" + p.PayloadText + "' QoS " + p.Qos + (p.Retain ? " RETAIN" : "")));
                }
                if (p.Qos == 1)
                {
                    subs[c].PubAck(p.PacketId);
                }
                p = subs[c].Read();
                if (p != null)
                {
                    Fail(context + Describe(filters[c], qos[c], count[c]) + ": a second copy, overlapping subscriptions deliver once [MQTT-3.3.5-1]");
                }
                receivers++;
                int matching = 0;
                for (int i = 0; i < count[c]; i++)
                {
                    if (ReferenceMatches(filters[c][i], topic))
                    {
                        matching++;
                    }
                }
                if (matching > 1)
                {
                    overlapped[0]++;
                }
            }
            return receivers;
        }

        private static void RandomRouting(uint seed, int publishes)
        {
            uint[] r = new uint[] { seed };
            TestBroker b = new TestBroker();
            TestClient pub = b.Connect("pub");
            string[] pool = new string[8];
            for (int i = 0; i < pool.Length; i++)
            {
                pool[i] = TopicDraw.Filter(r);
            }
            TestClient[] subs = new TestClient[Clients];
            string[][] filters = new string[Clients][];
            int[][] qos = new int[Clients][];
            int[] count = new int[Clients];
            for (int c = 0; c < Clients; c++)
            {
                subs[c] = b.Connect("sub" + c);
                filters[c] = new string[MaxFiltersPerClient];
                qos[c] = new int[MaxFiltersPerClient];
                // Three SUBSCRIBE packets: a filter may come again at another QoS and replace the first [MQTT-3.8.4-3].
                for (int k = 0; k < 3; k++)
                {
                    SubscribeRandom(r, subs[c], 10 + k, pool, filters, qos, count, c);
                }
            }

            int[] overlapped = new int[1];
            int delivered = 0;
            int none = 0;
            int several = 0;
            for (int i = 0; i < publishes; i++)
            {
                if (i == publishes / 2)
                {
                    // Midway, each client drops some of its filters (and one it never had [MQTT-3.10.4-5]), then adds one.
                    for (int c = 0; c < Clients; c++)
                    {
                        int drop = 1 + TopicDraw.Next(r, 2);
                        if (drop > count[c])
                        {
                            drop = count[c];
                        }
                        string[] remove = new string[drop + 1];
                        for (int k = 0; k < drop; k++)
                        {
                            remove[k] = filters[c][TopicDraw.Next(r, count[c])];
                        }
                        remove[drop] = "never/subscribed";
                        Unsubscribe(subs[c], 20, remove, filters[c], qos[c], count, c);
                        SubscribeRandom(r, subs[c], 21, pool, filters, qos, count, c);
                    }
                }
                int n = PublishAndCheck(r, pub, subs, filters, qos, count, i, overlapped);
                delivered += n;
                if (n == 0)
                {
                    none++;
                }
                else if (n > 1)
                {
                    several++;
                }
            }
            // The draw is meant to exercise fan-out, misses and overlaps; a seed that does not is a poor one.
            Assert.IsTrue(none > 0, "some publishes reach nobody");
            Assert.IsTrue(several > 0, "some publishes reach several clients");
            Assert.IsTrue(overlapped[0] > 0, "some deliveries match several filters of one client");
            Assert.IsTrue(delivered > publishes / 2, "deliveries are frequent: " + delivered);
        }

        [TestMethod]
        public void RandomFiltersRouteAsTheReferenceMatcherSays_MQTT_4_7_1_2_And_4_7_1_3_And_4_7_2_1_And_3_3_5_1()
        {
            RandomRouting(0x2545F491u, 300);
            RandomRouting(0x9E3779B9u, 300);
            RandomRouting(12345u, 300);
        }

        // ---- Retained messages for a new subscription ----

        [TestMethod]
        public void RandomRetainedMessagesReachANewSubscriptionAsTheReferenceMatcherSays_MQTT_3_3_1_6_And_3_3_1_8()
        {
            RandomRetained(0x1234567u);
            RandomRetained(0xCAFEF00Du);
        }

        private static void RandomRetained(uint seed)
        {
            uint[] r = new uint[] { seed };
            TestBroker b = new TestBroker();
            int max = b.Broker.Options.MaxRetainedMessages - 4;
            string[] topics = new string[max];
            string[] payloads = new string[max];
            int[] topicQos = new int[max];
            int retained = 0;
            TestClient pub = b.Connect("pub");
            for (int i = 0; i < 40; i++)
            {
                string topic = TopicDraw.Name(r, false);
                int at = IndexOf(topics, retained, topic);
                if (at < 0 && retained == max)
                {
                    continue;
                }
                int q = TopicDraw.Next(r, 2);
                // Now and then an empty payload, which clears the topic's retained message [MQTT-3.3.1-10].
                string payload = TopicDraw.Next(r, 8) == 0 ? "" : "r" + i;
                pub.Publish(topic, payload, q, true, i + 1);
                if (q == 1)
                {
                    Expect.Ack(pub.Read(), PacketType.PubAck, i + 1);
                }
                if (payload.Length == 0)
                {
                    if (at >= 0)
                    {
                        retained--;
                        topics[at] = topics[retained];
                        payloads[at] = payloads[retained];
                        topicQos[at] = topicQos[retained];
                    }
                    continue;
                }
                if (at < 0)
                {
                    at = retained++;
                    topics[at] = topic;
                }
                payloads[at] = payload;
                topicQos[at] = q;
            }
            Assert.IsTrue(retained > 10, "enough retained topics: " + retained);

            TestClient sub = b.Connect("sub");
            bool[] seen = new bool[max];
            int nonEmpty = 0;
            for (int k = 0; k < 40; k++)
            {
                string filter = TopicDraw.Filter(r);
                int subQos = TopicDraw.Next(r, 3);
                sub.Subscribe(30, filter, subQos);
                Packet suback = sub.Read();
                Expect.Type(PacketType.SubAck, suback);
                Assert.AreEqual(subQos, (int)suback.ReturnCodes[0], "granted QoS of '" + filter + "'");
                for (int i = 0; i < retained; i++)
                {
                    seen[i] = false;
                }
                int got = 0;
                Packet p;
                while ((p = sub.Read()) != null)
                {
                    string context = "retained for '" + filter + "'@" + subQos + ": ";
                    Expect.Type(PacketType.Publish, p);
                    string topic = p.TopicText;
                    int at = IndexOf(topics, retained, topic);
                    if (at < 0 || !ReferenceMatches(filter, topic))
                    {
                        Fail(context + "'" + topic + "' is not a retained topic the filter matches");
                    }
                    Assert.IsFalse(seen[at], context + "'" + topic + "' twice");
                    seen[at] = true;
                    got++;
                    Assert.IsTrue(p.Retain, context + "RETAIN 1 on '" + topic + "' [MQTT-3.3.1-8]");
                    Assert.IsTrue(p.PayloadText == payloads[at], context + "'" + topic + "' carries its newest payload [MQTT-3.3.1-5]");
                    Assert.AreEqual(topicQos[at] < subQos ? topicQos[at] : subQos, p.Qos, context + "QoS of '" + topic + "'");
                    if (p.Qos == 1)
                    {
                        sub.PubAck(p.PacketId);
                    }
                }
                int expected = 0;
                for (int i = 0; i < retained; i++)
                {
                    if (ReferenceMatches(filter, topics[i]))
                    {
                        expected++;
                        if (!seen[i])
                        {
                            Fail("retained for '" + filter + "'@" + subQos + ": '" + topics[i] + "' is missing");
                        }
                    }
                }
                Assert.AreEqual(expected, got, "retained messages for '" + filter + "'");
                if (got > 0)
                {
                    nonEmpty++;
                }
                b.Unsubscribe(sub, filter);
            }
            Assert.IsTrue(nonEmpty > 5, "enough filters match something: " + nonEmpty);
        }

        // ---- Fixed tables, end to end ----

        // As mosquitto's pattern_test: subscribe at QoS 0, another client publishes a retained message, it arrives
        // (RETAIN 0 as a live delivery [MQTT-3.3.1-9]); unsubscribe, subscribe again, and the retained message arrives
        // with RETAIN 1 [MQTT-3.3.1-6, MQTT-3.3.1-8]. A non-matching pair delivers nothing, both times.
        private static void EndToEnd(string filter, string topic, bool match)
        {
            string pair = "'" + filter + "' vs '" + topic + "'";
            Assert.IsTrue(ReferenceMatches(filter, topic) == match, "the reference matcher on " + pair);
            TestBroker b = new TestBroker();
            TestClient sub = b.Subscriber("pattern-sub-test", filter, 0);
            TestClient helper = b.Connect("test-helper");
            helper.Publish(topic, "message", 0, true, 0);
            Packet p = sub.Read();
            if (match)
            {
                Assert.IsNotNull(p, pair + ": live delivery");
                Expect.Publish(p, topic, "message", 0, false);
            }
            else if (p != null)
            {
                Fail(pair + ": delivered, yet they do not match");
            }
            Assert.IsNull(sub.Read(), pair + ": one copy");
            b.Unsubscribe(sub, filter);
            b.Subscribe(sub, filter, 0);
            p = sub.Read();
            if (match)
            {
                Assert.IsNotNull(p, pair + ": retained delivery");
                Expect.Publish(p, topic, "message", 0, true);
            }
            else if (p != null)
            {
                Fail(pair + ": retained message delivered, yet they do not match");
            }
            Assert.IsNull(sub.Read(), pair + ": one retained copy");
        }

        [TestMethod]
        public void MosquittoPatternMatchingPairsDeliverEndToEnd_MQTT_4_7_1_2_And_4_7_1_3()
        {
            string[][] rows = MatchCases.Rows(MatchCases.Mosquitto);
            for (int i = 0; i < rows.Length; i++)
            {
                EndToEnd(rows[i][0], rows[i][1], MatchCases.Matches(rows[i]));
            }
        }

        [TestMethod]
        public void SpecificationPairsDeliverExactlyWhenTheyMatch_MQTT_4_7_1_1_To_4_7_1_3_And_4_7_2_1_And_4_7_3_4()
        {
            string[][] rows = MatchCases.Rows(MatchCases.Specification);
            for (int i = 0; i < rows.Length; i++)
            {
                EndToEnd(rows[i][0], rows[i][1], MatchCases.Matches(rows[i]));
            }
        }

        // The broker's own $SYS topics: a "$SYS/#" subscriber sees them all; every other filter gets exactly the ones
        // the reference matches, once each, and filters starting with a wildcard none [MQTT-4.7.2-1].
        [TestMethod]
        public void BrokerSysTopicsReachExactlyTheMatchingFilters_MQTT_4_7_2_1()
        {
            string[] probes = new string[]
            {
                "#", "+/#", "+/broker/version", "+/+/+",
                "$SYS/broker/+", "$SYS/+/clients/+", "$SYS/broker/clients/#", "$SYS/broker/version", "$SYS/+/#",
            };
            BrokerOptions o = TestBroker.SmallOptions();
            o.SysIntervalMs = 1000;
            TestBroker b = new TestBroker(o);
            TestClient all = b.Subscriber("all", "$SYS/#", 0);
            // Three probes to a client, each in a SUBSCRIBE of its own; overlaps deliver once [MQTT-3.3.5-1].
            TestClient[] clients = new TestClient[3];
            for (int c = 0; c < clients.Length; c++)
            {
                clients[c] = b.Connect("probe" + c);
                for (int k = c; k < probes.Length; k += clients.Length)
                {
                    b.Subscribe(clients[c], probes[k], 0);
                }
            }
            b.Tick(1);
            Packet[] universe = all.ReadAll();
            Assert.IsTrue(universe.Length >= 5, "$SYS topics published: " + universe.Length);
            string[] sysTopics = new string[universe.Length];
            bool version = false;
            for (int i = 0; i < universe.Length; i++)
            {
                Expect.Type(PacketType.Publish, universe[i]);
                sysTopics[i] = universe[i].TopicText;
                Assert.IsTrue(IndexOf(sysTopics, i, sysTopics[i]) < 0, "'" + sysTopics[i] + "' once");
                Assert.IsTrue(ReferenceMatches("$SYS/#", sysTopics[i]), "'" + sysTopics[i] + "' is under $SYS/");
                version |= sysTopics[i] == "$SYS/broker/version";
            }
            Assert.IsTrue(version, "$SYS/broker/version published");
            for (int c = 0; c < clients.Length; c++)
            {
                Packet[] got = clients[c].ReadAll();
                bool[] seen = new bool[sysTopics.Length];
                int expected = 0;
                for (int i = 0; i < got.Length; i++)
                {
                    Expect.Type(PacketType.Publish, got[i]);
                    int at = IndexOf(sysTopics, sysTopics.Length, got[i].TopicText);
                    Assert.IsTrue(at >= 0, "'" + got[i].TopicText + "' is one of the $SYS topics");
                    Assert.IsFalse(seen[at], "'" + got[i].TopicText + "' once to probe" + c + " [MQTT-3.3.5-1]");
                    seen[at] = true;
                }
                for (int i = 0; i < sysTopics.Length; i++)
                {
                    bool match = false;
                    for (int k = c; k < probes.Length; k += clients.Length)
                    {
                        match |= ReferenceMatches(probes[k], sysTopics[i]);
                    }
                    if (match)
                    {
                        expected++;
                    }
                    Assert.IsTrue(match == seen[i], "'" + sysTopics[i] + "' to probe" + c + ": the reference says " + (match ? "delivered" : "not delivered"));
                }
                Assert.AreEqual(expected, got.Length, "$SYS messages to probe" + c);
            }
        }
    }
}
