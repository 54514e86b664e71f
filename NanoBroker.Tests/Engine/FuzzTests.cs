#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using System.Collections;
using NanoBroker.Protocol;
using NanoBroker.Tests.Engine.Harness;

namespace NanoBroker.Tests.Engine
{
    /// <summary>
    /// A seeded fuzzer: many connections feed the engine mutated valid packet streams (bit flips,
    /// truncations, remaining-length changes, random flag and type nibbles, spliced random bytes) and
    /// pure random bytes, in random chunks, while two well-behaved pairs (QoS 1 and QoS 2) exchange
    /// numbered messages. Checked throughout: no exception escapes the engine [MQTT-4.8.0-1 asks for a
    /// closed connection, nothing else]; every connection the engine closes ended as
    /// <see cref="FuzzValidator"/> says it must (a violation, a refusing CONNACK, a DISCONNECT, a
    /// takeover [MQTT-3.1.4-2]), and every invalid packet the engine has read closed its connection;
    /// every packet the engine writes is a well-formed server packet; the good clients get every message
    /// once, intact and in order [MQTT-4.6.0-6, MQTT-4.3.3]. At the end every pool is back where it started.
    /// About half the fuzz connections speak MQTT 5.0 (properties, reason codes, 5.0-only violations inserted), beside
    /// 3.1.1 ones on the same broker, and one side of each good pair is a 5.0 client: <see cref="FuzzValidator5"/>
    /// judges those streams, names the DISCONNECT reason codes the broker may send before closing, and reads every
    /// packet the broker sends a 5.0 client (properties a server may send, Topic Alias and size within the client's limits).
    /// Each run is bounded by a number of fuzz connections and a wall-clock budget; set
    /// NANOBROKER_FUZZ_SECONDS (on .NET) for a long run over fresh seeds, NANOBROKER_FUZZ_SEED to replay one.
    /// </summary>
    [TestClass]
    public class FuzzTests
    {
        // The suite's share: about 2.5 s over the three seeds.
        private const int SuiteBudgetMs = 800;
        private const int SuiteConnections = 5000;

        [TestMethod]
        public void MutatedAndRandomStreams_Seed1()
        {
            RunSeeds(1, true);
        }

        [TestMethod]
        public void MutatedAndRandomStreams_Seed2()
        {
            RunSeeds(2, true);
        }

        [TestMethod]
        public void MutatedAndRandomStreams_Seed3()
        {
            RunSeeds(3, true);
        }

        // Streams of valid packets only (takeovers and refusals aside): not one may be closed as a violation.
        [TestMethod]
        public void UnmutatedValidStreamsAreNeverClosed()
        {
            FuzzRun run = new FuzzRun(11, false);
            run.Run(400, SuiteBudgetMs);
            Assert.AreEqual(0, run.ViolationCloses, "valid streams closed as protocol violations");
            Assert.IsTrue(run.Connections >= 20, "fuzz connections run: " + run.Connections);
            Report("valid streams", run);
        }

        // Found by the fuzzer (seed 1 of a long run): a publisher held back by a full queue sent DISCONNECT
        // and, behind it, a malformed acknowledgement. The engine handled acknowledgements behind the waiting
        // PUBLISH and went past the DISCONNECT, closing for the malformed one and publishing the will. Nothing behind a
        // DISCONNECT is read [MQTT-3.14.4-1], and its will is discarded [MQTT-3.14.4-3].
        [TestMethod]
        public void PacketsBehindADisconnectAreNotReadWhileThePublisherIsHeldBack()
        {
            TestBroker broker = new TestBroker();
            BrokerOptions o = broker.Broker.Options;
            TestClient watcher = broker.Subscriber("watcher", "will/#", 0);
            TestClient slow = broker.Subscriber("slow", "t", 1);
            TestClient publisher = broker.Connect(Packets.Connect("publisher", true, 0, "will/publisher", "gone", 0, false));
            int held = o.InflightWindow + o.QueueDepth;
            for (int i = 1; i <= held + 1; i++)
            {
                publisher.Publish("t", "m" + i, 1, false, i);
            }
            Assert.AreEqual(held, publisher.ReadAll().Length, "PUBACKs of the messages that fit the inflight window and the queue");
            publisher.Send(Packets.Disconnect());
            publisher.Send(new byte[] { 0x40, 0x03, 0x00, 0x01, 0x00 });
            Assert.IsFalse(publisher.IsClosing, "the publisher waits for room; nothing behind its DISCONNECT is read");
            Assert.IsNull(watcher.Read(), "no will while the publisher waits");

            Packet first = slow.Read();
            Harness.Expect.Type(PacketType.Publish, first);
            slow.PubAck(first.PacketId);
            Assert.IsTrue(publisher.IsClosing, "the held PUBLISH and then the DISCONNECT were handled");
            Assert.AreEqual("client sent DISCONNECT", publisher.Connection.CloseReason, "closed by the DISCONNECT, not by what followed it");
            Assert.IsNull(watcher.Read(), "the will is discarded after DISCONNECT [MQTT-3.14.4-3]");
            Assert.AreEqual(0L, broker.Stats.ProtocolViolations, "the bytes behind DISCONNECT were never read");
        }

        // Found by the fuzzer (seed 88 of a long run): a client sent a QoS 2 PUBLISH that had to wait for room
        // and the PUBREL of the same packet id behind it. The engine handled the PUBREL first (as an
        // acknowledgement that may free room), then the PUBLISH, whose id then awaited a PUBREL that had come
        // and gone; after InflightWindow of those the client was disconnected. Packets of a connection are
        // handled in the order sent: the PUBREL releases the message before it [MQTT-4.3.3-2].
        [TestMethod]
        public void PubRelBehindAHeldBackQos2PublishIsHandledAfterIt()
        {
            TestBroker broker = new TestBroker();
            BrokerOptions o = broker.Broker.Options;
            TestClient slow = broker.Subscriber("slow", "t", 1);
            TestClient publisher = broker.Connect("publisher");
            int held = o.InflightWindow + o.QueueDepth;
            for (int i = 1; i <= held; i++)
            {
                publisher.Publish("t", "m" + i, 1, false, i);
            }
            Assert.AreEqual(held, publisher.ReadAll().Length, "PUBACKs of the messages that fit the inflight window and the queue");
            // The next QoS 2 PUBLISH waits for room; its PUBREL follows at once.
            publisher.Publish("t", "q2", 2, false, 1000);
            publisher.PubRel(1000);
            Assert.IsNull(publisher.Read(), "the PUBLISH waits, and so does its PUBREL");

            Packet first = slow.Read();
            slow.PubAck(first.PacketId);
            Packet pubRec = publisher.Read();
            Harness.Expect.Ack(pubRec, PacketType.PubRec, 1000);
            Harness.Expect.Ack(publisher.Read(), PacketType.PubComp, 1000);
            // Id 1000 was released: InflightWindow QoS 2 messages may await PUBREL again, none is left over.
            for (int i = 0; i < o.InflightWindow; i++)
            {
                while (slow.Read() != null)
                {
                }
                publisher.Publish("u", "more", 2, false, 2000 + i);
                Harness.Expect.Ack(publisher.Read(), PacketType.PubRec, 2000 + i);
                Assert.IsFalse(publisher.IsClosing, "message " + i + ": " + publisher.Connection.CloseReason);
            }
            Assert.AreEqual(0L, broker.Stats.ProtocolViolations, "no protocol violation");
        }

        // The validator itself: hand-written packets it must judge as the specification says, so that
        // a validator that accepts everything cannot make the fuzz tests pass.
        [TestMethod]
        public void ValidatorJudgesKnownPackets()
        {
            byte[] connect = Packets.Connect("v", true, 0);
            Expect(connect, StreamVerdict.None, "valid CONNECT");
            Expect(Packets.Publish("t", "x"), StreamVerdict.Bad, "PUBLISH before CONNECT [MQTT-3.1.0-1]");
            Expect(Packets.Concat(connect, connect), StreamVerdict.Bad, "second CONNECT [MQTT-3.1.0-2]");
            Expect(Packets.Concat(connect, Packets.Publish("a/+", "x")), StreamVerdict.Bad, "wildcard in a topic name [MQTT-3.3.2-2]");
            Expect(Packets.Concat(connect, new byte[] { 0x36, 0x05, 0x00, 0x01, (byte)'a', 0x00, 0x01 }), StreamVerdict.Bad, "QoS 3 [MQTT-3.3.1-4]");
            Expect(Packets.Concat(connect, Packets.Publish("a", "x", 1, false, false, 0)), StreamVerdict.Bad, "packet id 0 [MQTT-2.3.1-1]");
            Expect(Packets.Concat(connect, new byte[] { 0x30, 0x04, 0x00, 0x02, 0xC0, 0x80 }), StreamVerdict.Bad, "overlong UTF-8 NUL [MQTT-1.5.3-1]");
            Expect(Packets.Concat(connect, new byte[] { 0x30, 0x05, 0x00, 0x03, 0xED, 0xA0, 0x80 }), StreamVerdict.Bad, "UTF-16 surrogate [MQTT-1.5.3-1]");
            Expect(Packets.Concat(connect, new byte[] { 0x30, 0x05, 0x00, 0x03, 0xEF, 0xBF, 0xBF }), StreamVerdict.None, "U+FFFF is allowed");
            Expect(Packets.Concat(connect, new byte[] { 0x80, 0x05, 0x00, 0x01, 0x00, 0x01, (byte)'a' }), StreamVerdict.Bad, "SUBSCRIBE flags 0000 [MQTT-3.8.1-1]");
            Expect(Packets.Concat(connect, new byte[] { 0x82, 0x06, 0x00, 0x01, 0x00, 0x01, (byte)'a', 0x03 }), StreamVerdict.Bad, "requested QoS 3 [MQTT-3-8.3-4]");
            Expect(Packets.Concat(connect, new byte[] { 0x82, 0x02, 0x00, 0x01 }), StreamVerdict.Bad, "SUBSCRIBE without filters [MQTT-3.8.3-3]");
            Expect(Packets.Concat(connect, Packets.Subscribe(1, "a/#/b", 0)), StreamVerdict.Bad, "'#' not last [MQTT-4.7.1-2]");
            Expect(Packets.Concat(connect, Packets.Subscribe(1, "a+/b", 0)), StreamVerdict.Bad, "'+' not alone [MQTT-4.7.1-3]");
            Expect(Packets.Concat(connect, Packets.Subscribe(1, "+/+/#", 2)), StreamVerdict.None, "valid wildcards");
            Expect(Packets.Concat(connect, new byte[] { 0x60, 0x02, 0x00, 0x01 }), StreamVerdict.Bad, "PUBREL flags 0000 [MQTT-3.6.1-1]");
            Expect(Packets.Concat(connect, new byte[] { 0x40, 0x03, 0x00, 0x01, 0x00 }), StreamVerdict.Bad, "PUBACK of 3 bytes");
            Expect(Packets.Concat(connect, new byte[] { 0xC0, 0x01, 0x00 }), StreamVerdict.Bad, "PINGREQ with a body");
            Expect(Packets.Concat(connect, new byte[] { 0x20, 0x02, 0x00, 0x00 }), StreamVerdict.Bad, "CONNACK from a client");
            Expect(Packets.Concat(connect, new byte[] { 0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 }), StreamVerdict.Bad, "five length bytes");
            Expect(Packets.Concat(connect, Packets.Disconnect()), StreamVerdict.Disconnect, "DISCONNECT");
            Expect(Packets.ConnectRaw("MQTT", 5, 0x02, 0, Packets.Bytes("v")), StreamVerdict.Refuse, "level 5 [MQTT-3.1.2-2]");
            Expect(Packets.ConnectRaw("MQTT", 4, 0x00, 0, new byte[0]), StreamVerdict.Refuse, "empty id without clean session [MQTT-3.1.3-8]");
            Expect(Packets.ConnectRaw("MQTT", 4, 0x03, 0, Packets.Bytes("v")), StreamVerdict.Bad, "reserved connect flag [MQTT-3.1.2-3]");
            Expect(Packets.ConnectRaw("MQTT", 4, 0x12, 0, Packets.Bytes("v")), StreamVerdict.Bad, "will QoS without will [MQTT-3.1.2-13]");
            Expect(Packets.ConnectRaw("MQTT", 4, 0x42, 0, Packets.Bytes("v")), StreamVerdict.Bad, "password without user name [MQTT-3.1.2-22]");
            Expect(Packets.ConnectRaw("MQTX", 4, 0x02, 0, Packets.Bytes("v")), StreamVerdict.Bad, "unknown protocol name [MQTT-3.1.2-1]");
            byte[] q2 = Packets.Concat(connect, Packets.Publish("a", "x", 2, false, false, 1));
            for (int id = 2; id <= 5; id++)
            {
                q2 = Packets.Concat(q2, Packets.Publish("a", "x", 2, false, false, id));
            }
            Expect(q2, StreamVerdict.None, "a fifth QoS 2 message awaiting PUBREL with InflightWindow 4: held back, not refused");
        }

        // The 5.0 reading: hand-written 5.0 packets judged as the 5.0 text says, with the DISCONNECT reason it names.
        [TestMethod]
        public void ValidatorJudgesKnown5Packets()
        {
            byte[] connect = V5Packets.Connect("v", true, 0, null);
            Expect5(connect, StreamVerdict.None, -1, "valid 5.0 CONNECT");
            Expect5(Packets.Concat(connect, V5Packets.Publish("a", "x", 1, false, false, 1, new V5PropertyWriter().UserProperty("k", "v").ContentType("t"))), StreamVerdict.None, -1, "PUBLISH with properties");
            Expect5(Packets.Concat(connect, V5Packets.Publish("a", "x", 0, false, false, 0, new V5PropertyWriter().TopicAlias(0))), StreamVerdict.Bad, 0x94, "Topic Alias 0 [MQTT-3.3.2-8]");
            Expect5(Packets.Concat(connect, V5Packets.Publish("a", "x", 0, false, false, 0, new V5PropertyWriter().TopicAlias(5))), StreamVerdict.Bad, 0x94, "Topic Alias above the maximum 4 [MQTT-3.3.2-9]");
            Expect5(Packets.Concat(connect, V5Packets.Publish("a", "x", 0, false, false, 0, new V5PropertyWriter().TopicAlias(2))), StreamVerdict.None, -1, "Topic Alias within the maximum 4");
            Expect5(Packets.Concat(connect, V5Packets.Publish("", "x", 0, false, false, 0, new V5PropertyWriter().TopicAlias(2))), StreamVerdict.Bad, 0x82, "empty topic with an alias never set (section 3.3.2.3.4)");
            Expect5(Packets.Concat(connect, V5Packets.Publish("", "x", 0, false, false, 0, null)), StreamVerdict.Bad, 0x82, "empty topic without an alias (section 3.3.2.1)");
            Expect5(Packets.Concat(connect, V5Packets.Publish("a", "x", 0, false, false, 0, new V5PropertyWriter().SubscriptionIdentifier(3))), StreamVerdict.Bad, 0x82, "Subscription Identifier from a client [MQTT-3.3.4-6]");
            Expect5(Packets.Concat(connect, V5Packets.Publish("a", "x", 0, false, false, 0, new V5PropertyWriter().ContentType("a").ContentType("b"))), StreamVerdict.Bad, 0x82, "a property twice (section 2.2.2.2)");
            Expect5(Packets.Concat(connect, V5Packets.Publish("a", "x", 0, false, false, 0, new V5PropertyWriter().OneByte(0x7E, 1))), StreamVerdict.Bad, 0x81, "an undefined property (section 2.2.2.2)");
            Expect5(Packets.Concat(connect, V5Packets.Subscribe(1, "a", V5Packets.SubscriptionOptions(0, false, false, 3), 0)), StreamVerdict.Bad, 0x82, "Retain Handling 3 (section 3.8.3.1)");
            Expect5(Packets.Concat(connect, V5Packets.Subscribe(1, "$share/g/a", V5Packets.SubscriptionOptions(0, true, false, 0), 0)), StreamVerdict.Bad, 0x82, "No Local on a shared subscription [MQTT-3.8.3-4]");
            Expect5(Packets.Concat(connect, V5Packets.Subscribe(1, "a", 0xC0, 0)), StreamVerdict.Bad, 0x81, "reserved option bits [MQTT-3.8.3-5]");
            Expect5(Packets.Concat(connect, V5Packets.Auth(0x18, null)), StreamVerdict.Bad, 0x82, "AUTH without an Authentication Method in CONNECT (section 4.12)");
            Expect5(Packets.Concat(connect, V5Packets.Disconnect(0, 60)), StreamVerdict.Bad, 0x82, "DISCONNECT expiry 0 -> 60 [MQTT-3.14.2-2]");
            Expect5(Packets.Concat(V5Packets.Connect("v", true, 0, new V5PropertyWriter().SessionExpiryInterval(10)), V5Packets.Disconnect(0, 60)), StreamVerdict.Disconnect, -1, "DISCONNECT expiry 10 -> 60");
            Expect5(Packets.Concat(connect, V5Packets.Disconnect(0x04, null)), StreamVerdict.Disconnect, -1, "DISCONNECT with Will Message");
            Expect5(Packets.Concat(connect, V5Packets.PubAck(1, 0x92, null)), StreamVerdict.Bad, 0x82, "PUBACK reason 0x92 is PUBREL/PUBCOMP's (section 3.4.2.1)");
            Expect5(Packets.Concat(connect, V5Packets.PubRel(1, 0x92, new V5PropertyWriter().ReasonString("r"))), StreamVerdict.None, -1, "PUBREL 0x92 with a Reason String");
            Expect5(V5Packets.Connect("v", true, 0, new V5PropertyWriter().ReceiveMaximum(0)), StreamVerdict.Bad, 0x82, "Receive Maximum 0 (section 3.1.2.11.3)");
            Expect5(V5Packets.Connect("v", true, 0, new V5PropertyWriter().AuthenticationMethod("X")), StreamVerdict.Refuse, -1, "unknown Authentication Method: CONNACK 0x8C [MQTT-4.12.0-1]");
            Expect5(V5Packets.Connect("", false, 0, null), StreamVerdict.None, -1, "5.0 empty client id with Clean Start 0 [MQTT-3.1.3-6]");
            Expect5(V5Packets.Connect("v", true, 0, null, null, null, 0, false, null, null, new byte[] { 1 }), StreamVerdict.None, -1, "5.0 password without user name (section 3.1.2.9)");
            byte[] q2 = connect;
            for (int id = 1; id <= 5; id++)
            {
                q2 = Packets.Concat(q2, V5Packets.Publish("a", "x", 2, false, false, id, null));
            }
            Expect5(q2, StreamVerdict.Bad, 0x93, "a fifth QoS 2 message awaiting PUBREL with Receive Maximum 4 [MQTT-3.3.4-7]");
            byte[] big = V5Packets.Publish("a", new string('x', 1100), 0, false, false, 0, null);
            Expect5(Packets.Concat(connect, big), StreamVerdict.Bad, 0x95, "over the Maximum Packet Size 1024 (section 3.2.2.3.6)");
        }

        private static void Expect5(byte[] stream, int kind, int reason, string what)
        {
            V5Limits limits = new V5Limits();
            limits.MaxPacketSize = 1024;
            limits.MaxClientIdBytes = 64;
            limits.ReceiveMaximum = 4;
            limits.TopicAliasMaximum = 4;
            StreamVerdict v = FuzzValidator.Judge(stream, stream.Length, 1024, 64, limits);
            Assert.AreEqual(kind, v.Kind, what + ": " + v.KindText + " (" + v.Why + ")");
            Assert.IsTrue(v.IsV5, what + ": read as 5.0");
            if (reason >= 0)
            {
                Assert.IsTrue(v.Allows(reason), what + ": DISCONNECT " + v.ReasonsText + " should allow 0x" + reason.ToString("X2"));
            }
        }

        private static void Expect(byte[] stream, int kind, string what)
        {
            BrokerOptions o = TestBroker.SmallOptions();
            StreamVerdict v = FuzzValidator.Judge(stream, stream.Length, o.MaxPacketSize, o.MaxClientIdBytes);
            Assert.AreEqual(kind, v.Kind, what + ": " + v.KindText + " (" + v.Why + ")");
        }

        private static void RunSeeds(int seed, bool mutate)
        {
            int longSeconds = FuzzSettings.LongRunSeconds();
            int replay = FuzzSettings.ReplaySeed();
            if (replay >= 0)
            {
                if (seed != 1)
                {
                    return;
                }
                FuzzRun one = new FuzzRun(replay, mutate);
                one.Run(int.MaxValue, longSeconds > 0 ? longSeconds * 1000 : 60000);
                Report("replay", one);
                return;
            }
            if (longSeconds <= 0)
            {
                FuzzRun run = new FuzzRun(seed, mutate);
                run.Run(SuiteConnections, SuiteBudgetMs);
                // The time budget bounds the run: .NET gets through thousands, nanoCLR through about a hundred.
                Assert.IsTrue(run.Connections >= 20, "fuzz connections run: " + run.Connections);
                Report("seed " + seed, run);
                return;
            }
            // A long run: this test method's share of the time, over seeds seed, seed + 3, seed + 6, ...
            long deadline = System.DateTime.UtcNow.Ticks + (long)longSeconds * 10000000L / 3;
            for (int s = seed; System.DateTime.UtcNow.Ticks < deadline; s += 3)
            {
                FuzzRun run = new FuzzRun(s, mutate);
                run.Run(20000, 10000);
                Report("seed " + s, run);
            }
        }

        private static void Report(string what, FuzzRun run)
        {
            FuzzSettings.Print("fuzz " + what + ": " + run.Summary());
        }
    }

    /// <summary>The .NET-only knobs of the fuzzer (environment variables, console output).</summary>
    public static class FuzzSettings
    {
        /// <summary>NANOBROKER_FUZZ_SECONDS: the length of a long fuzz run; 0 for the suite's short one.</summary>
        public static int LongRunSeconds()
        {
            return Number("NANOBROKER_FUZZ_SECONDS", 0);
        }

        /// <summary>NANOBROKER_FUZZ_SEED: replay one seed (printed by a failure); -1 when unset.</summary>
        public static int ReplaySeed()
        {
            return Number("NANOBROKER_FUZZ_SEED", -1);
        }

        private static int Number(string name, int otherwise)
        {
#if NANOFRAMEWORK_1_0
            return otherwise;
#else
            string text = System.Environment.GetEnvironmentVariable(name);
            int value;
            return text != null && int.TryParse(text, out value) ? value : otherwise;
#endif
        }

        public static void Print(string line)
        {
#if !NANOFRAMEWORK_1_0
            System.Console.WriteLine(line);
#endif
        }
    }

    /// <summary>One fuzz connection: its stream, what the validator says of it, and what the engine did.</summary>
    public sealed class FuzzPeer
    {
        public int Number;
        public TestClient Client;
        public byte[] Stream;
        public StreamVerdict Verdict;
        public bool Mutated;
        public string Mutations;
        public bool Reader;
        public int Sent;
        public long OpenedAtMs;
        public int ConnAck = -1;
        public bool Judged;
        public int PacketsRead;

        /// <summary>The last packet the broker sent this connection (5.0: the DISCONNECT before a close).</summary>
        public byte[] LastPacket;

        /// <summary>Bytes read from the broker since the last feed began (the outbox a close may have found full).</summary>
        public int ReadSinceFeed;

        /// <summary>5.0: the Topic Aliases the broker set towards this client (section 3.3.2.3.4).</summary>
        public byte[][] Aliases;
    }

    /// <summary>A publisher and a subscriber that exchange numbered messages at one QoS and check every one arrives once, in order.</summary>
    public sealed class GoodPair
    {
        private readonly FuzzRun run;
        public readonly int Qos;
        public readonly string Topic;
        public readonly TestClient Pub;
        public readonly TestClient Sub;
        public readonly int Target;

        // Which side speaks MQTT 5.0 (the other 3.1.1): the messages cross versions [MQTT-3.3.2-4 forwards the payload unchanged].
        private readonly bool pubV5;
        private readonly StreamVerdict subV5;
        private readonly byte[][] subAliases = new byte[1][];

        public int Published;
        public int Completed;
        public int Delivered;

        // Publisher: packet ids sent and not completed, oldest first; how many of them got PUBREC.
        private readonly int[] outstanding = new int[8];
        private int outstandingCount;
        private int recorded;
        private int nextId = 1;

        // Subscriber: QoS 2 ids received and not released.
        private readonly int[] unreleased = new int[64];
        private int unreleasedCount;

        public GoodPair(FuzzRun run, TestBroker broker, int qos, int target, bool pubV5, bool subV5)
        {
            this.run = run;
            Qos = qos;
            Topic = "good/q" + qos;
            Target = target;
            this.pubV5 = pubV5;
            if (subV5)
            {
                this.subV5 = new StreamVerdict();
                this.subV5.IsV5 = true;
                Sub = ConnectV5(broker, "good-sub" + qos);
                Sub.Send(V5Packets.Subscribe(1, new string[] { Topic }, new int[] { qos }, null));
                V5Packet subAck = Sub.Read5();
                run.Check(subAck != null && subAck.Type == PacketType.SubAck && subAck.ReasonCodes.Length == 1 && subAck.ReasonCodes[0] == qos, "good 5.0 subscriber's SUBACK");
            }
            else
            {
                Sub = broker.Subscriber("good-sub" + qos, Topic, qos);
            }
            Pub = pubV5 ? ConnectV5(broker, "good-pub" + qos) : broker.Connect("good-pub" + qos);
        }

        private TestClient ConnectV5(TestBroker broker, string id)
        {
            TestClient c = broker.Open();
            c.Send(V5Packets.Connect(id, true, 0, null));
            V5Packet ack = c.Read5();
            run.Check(ack != null && ack.Type == PacketType.ConnAck && ack.ReasonCode == 0, "good 5.0 client's CONNACK");
            return c;
        }

        public bool Done
        {
            get { return Completed == Target && Delivered == Target && unreleasedCount == 0; }
        }

        public static string Payload(int qos, int n)
        {
            string text = "q" + qos + "-" + n + "-";
            for (int i = 0; i < n % 9; i++)
            {
                text += "0123456789";
            }
            return text;
        }

        public void Step(System.Random random, bool publish)
        {
            Pub.Flush();
            Sub.Flush();
            if (publish && Published < Target && outstandingCount < 3)
            {
                int id = nextId;
                nextId = nextId == 65535 ? 1 : nextId + 1;
                outstanding[outstandingCount++] = id;
                if (pubV5)
                {
                    // Properties a 3.1.1 subscriber must not see, a 5.0 one gets unchanged [MQTT-3.3.2-17, MQTT-3.3.2-18].
                    V5PropertyWriter properties = new V5PropertyWriter().UserProperty("n", "" + Published).ContentType("text/plain");
                    Pub.Send(V5Packets.Publish(Topic, Payload(Qos, Published), Qos, false, false, id, properties));
                }
                else
                {
                    Pub.Publish(Topic, Payload(Qos, Published), Qos, false, id);
                }
                Published++;
            }
            Packet p;
            while ((p = Pub.Read()) != null)
            {
                run.CheckServerPacket(p, "good publisher " + Qos, false, null, null);
                if (pubV5 && p.Type != PacketType.PubComp)
                {
                    run.CheckEqual(0, V5Packet.Parse(p.Raw).ReasonCode, "the good 5.0 publisher's acknowledgement reason code");
                }
                if (Qos == 1)
                {
                    run.CheckEqual(PacketType.PubAck, p.Type, "QoS 1 publisher expects PUBACK");
                    run.Check(outstandingCount > 0, "PUBACK with nothing outstanding");
                    run.CheckEqual(outstanding[0], p.PacketId, "PUBACK of the oldest PUBLISH [MQTT-4.6.0-2]");
                    Shift();
                    Completed++;
                }
                else if (p.Type == PacketType.PubRec)
                {
                    run.Check(recorded < outstandingCount, "PUBREC with nothing awaiting it");
                    run.CheckEqual(outstanding[recorded], p.PacketId, "PUBREC in order [MQTT-4.6.0-3]");
                    recorded++;
                    Pub.PubRel(p.PacketId);
                }
                else
                {
                    run.CheckEqual(PacketType.PubComp, p.Type, "QoS 2 publisher expects PUBREC or PUBCOMP");
                    run.Check(recorded > 0, "PUBCOMP before PUBREC");
                    run.CheckEqual(outstanding[0], p.PacketId, "PUBCOMP of the oldest PUBREL [MQTT-4.6.0-4]");
                    Shift();
                    recorded--;
                    Completed++;
                }
            }
            while ((p = Sub.Read()) != null)
            {
                run.CheckServerPacket(p, "good subscriber " + Qos, false, subV5, subAliases);
                if (p.Type == PacketType.PubRel)
                {
                    int i = IndexOf(unreleased, unreleasedCount, p.PacketId);
                    run.Check(i >= 0, "PUBREL for a message not received");
                    unreleased[i] = unreleased[--unreleasedCount];
                    Sub.PubComp(p.PacketId);
                    continue;
                }
                run.CheckEqual(PacketType.Publish, p.Type, "subscriber expects PUBLISH or PUBREL");
                if (subV5 != null)
                {
                    V5Packet p5 = V5Packet.Parse(p.Raw);
                    p.Topic = p5.Topic;
                    p.Payload = p5.Payload;
                    if (pubV5)
                    {
                        run.CheckEqual("" + Delivered, p5.Properties.UserPropertyCount == 1 ? p5.Properties.UserPropertyValue(0) : null, "the User Property forwarded unchanged [MQTT-3.3.2-17]");
                        run.CheckEqual("text/plain", p5.Properties.Text(V5Property.ContentType), "the Content Type forwarded unchanged [MQTT-3.3.2-20]");
                    }
                }
                run.CheckEqual(Topic, p.TopicText, "good subscriber topic");
                run.CheckEqual(Qos, p.Qos, "granted QoS [MQTT-3.8.4-6]");
                run.CheckFalse(p.Dup, "no redelivery without a reconnect");
                run.Check(Delivered < Target, "more messages than were published: " + p.PayloadText);
                run.CheckEqual(Payload(Qos, Delivered), p.PayloadText, "message " + Delivered + " at QoS " + Qos + " intact and in order [MQTT-4.6.0-6]");
                Delivered++;
                if (Qos == 1)
                {
                    Sub.PubAck(p.PacketId);
                }
                else
                {
                    run.Check(IndexOf(unreleased, unreleasedCount, p.PacketId) < 0, "a packet id reused before PUBCOMP [MQTT-2.3.1-3]");
                    unreleased[unreleasedCount++] = p.PacketId;
                    Sub.PubRec(p.PacketId);
                }
            }
            run.CheckFalse(Pub.IsClosing, "the good QoS " + Qos + " publisher was disconnected: " + Pub.Connection.CloseReason);
            run.CheckFalse(Sub.IsClosing, "the good QoS " + Qos + " subscriber was disconnected: " + Sub.Connection.CloseReason);
        }

        private void Shift()
        {
            for (int i = 1; i < outstandingCount; i++)
            {
                outstanding[i - 1] = outstanding[i];
            }
            outstandingCount--;
        }

        private static int IndexOf(int[] values, int count, int value)
        {
            for (int i = 0; i < count; i++)
            {
                if (values[i] == value)
                {
                    return i;
                }
            }
            return -1;
        }
    }

    /// <summary>One seeded fuzz run against a fresh engine on a fake clock.</summary>
    public sealed class FuzzRun
    {
        private const int MaxLivePeers = 7;
        private const int MaxPeerAgeMs = 800;
        private const int CleanupEvery = 100;

        private readonly int seed;
        private readonly bool mutate;
        private readonly System.Random random;
        private readonly TestBroker broker;
        private readonly BrokerOptions options;

        // What the broker announces to a 5.0 client (read from a probe's CONNACK): the limits 5.0 streams are judged by.
        private readonly V5Limits v5Limits;
        private readonly FuzzPeer[] live = new FuzzPeer[MaxLivePeers];
        private int liveCount;
        private GoodPair qos1;
        private GoodPair qos2;

        // Client ids of persistent sessions fuzz clients may have left, and topics they may have retained.
        private readonly ArrayList persistentIds = new ArrayList();
        private readonly ArrayList retainedTopics = new ArrayList();

        private int step;
        private int peerNumber;
        private FuzzPeer current;

        public int Connections;
        public int Mutated;
        public int BytesFed;
        public int PacketsJudged;
        public int ViolationCloses;
        public int Refusals;
        public int Disconnects;
        public int Takeovers;
        public int SlotsFull;
        public int ServerPackets;
        public int V5Streams;
        public int V5Disconnects;

        public FuzzRun(int seed, bool mutate)
        {
            this.seed = seed;
            this.mutate = mutate;
            random = new System.Random(seed);
            options = TestBroker.SmallOptions();
            // Room for the offline queues of the persistent sessions fuzz clients leave behind, so the
            // good publishers never wait on a store only the end-of-run cleanup empties.
            options.MaxStoredMessages = 1024;
            options.MessageStoreBytes = 128 * 1024;
            // Topic Alias tables for every connection slot (with the broker's two spares), so each 5.0 connection is
            // announced the Topic Alias Maximum of the probe's CONNACK, which the validator judges every stream by.
            options.MaxTopicAliasClients = options.MaxClients + 2;
            // 5.0 and 3.1.1 clients share the broker.
            broker = new TestBroker(options);
            TestClient probe = broker.Open();
            probe.Send(V5Packets.Connect("fz-probe", true, 0, null));
            V5Packet connAck = probe.Read5();
            Assert.IsTrue(connAck != null && connAck.Problem == null && connAck.ReasonCode == 0, "the probe's 5.0 CONNACK");
            v5Limits = V5Limits.FromConnAck(connAck, options.MaxClientIdBytes);
            probe.Disconnect();
            probe.Drop();
        }

        /// <summary>Where a failure happened, to replay it with NANOBROKER_FUZZ_SEED.</summary>
        public string Where()
        {
            string text = "seed " + seed + ", step " + step + ": ";
            if (current != null)
            {
                text += "fuzz connection " + current.Number + (current.Mutated ? " (mutated: " + current.Mutations + ")" : " (unmutated)")
                    + ", validator: " + current.Verdict.KindText + " at " + current.Verdict.StartAt + "-" + current.Verdict.EndAt + " " + current.Verdict.Why
                    + ", fed " + current.Sent + " of " + current.Stream.Length + " bytes " + Hex(current.Stream, 96) + ": ";
            }
            return text;
        }

        public void Check(bool ok, string what)
        {
            if (!ok)
            {
                Assert.IsTrue(ok, Where() + what);
            }
        }

        public void CheckFalse(bool wrong, string what)
        {
            Check(!wrong, what);
        }

        public void CheckEqual(int expected, int actual, string what)
        {
            if (expected != actual)
            {
                Assert.AreEqual(expected, actual, Where() + what);
            }
        }

        public void CheckEqual(string expected, string actual, string what)
        {
            if (expected != actual)
            {
                Assert.AreEqual(expected, actual, Where() + what);
            }
        }

        public void CheckNull(object value, string what)
        {
            Check(value == null, what);
        }

        public void CheckNotNull(object value, string what)
        {
            Check(value != null, what);
        }

        public string Summary()
        {
            return Connections + " connections (" + Mutated + " mutated), " + PacketsJudged + " valid packets, " + BytesFed + " bytes, "
                + ViolationCloses + " violation closes, " + Refusals + " refusals, " + Disconnects + " DISCONNECTs, " + Takeovers + " takeovers, "
                + SlotsFull + " with no free slot, " + V5Streams + " MQTT 5.0 streams, " + V5Disconnects + " server DISCONNECTs checked, " + ServerPackets + " server packets checked; good: QoS 1 " + qos1.Delivered + ", QoS 2 " + qos2.Delivered + " messages";
        }

        public void Run(int maxConnections, int budgetMs)
        {
            Broker b = broker.Broker;
            int freeConnections = b.FreeConnections;
            int freeBlocks = b.Messages.FreeBlocks;
            int freeMessages = b.Messages.FreeMessages;
            string failure = null;
            try
            {
                qos1 = new GoodPair(this, broker, 1, 1000000, true, false);
                qos2 = new GoodPair(this, broker, 2, 1000000, false, true);
                int[] start = BrokerCounts.Of(broker.Broker);
                long deadline = System.DateTime.UtcNow.Ticks + (long)budgetMs * 10000L;
                bool draining = false;
                while (true)
                {
                    step++;
                    bool timeUp = Connections >= maxConnections || (step % 64 == 0 && System.DateTime.UtcNow.Ticks > deadline);
                    if (timeUp && liveCount == 0)
                    {
                        break;
                    }
                    if (!draining && Connections > 0 && Connections % CleanupEvery == 0 && liveCount > 0)
                    {
                        draining = true;
                    }
                    if (draining && liveCount == 0)
                    {
                        CleanUp();
                        draining = false;
                    }
                    broker.Clock.Advance(random.Next(3));
                    int action = random.Next(100);
                    if (action < 12)
                    {
                        if (!timeUp && !draining && liveCount < MaxLivePeers)
                        {
                            OpenPeer();
                        }
                    }
                    else if (action < 55)
                    {
                        if (liveCount > 0)
                        {
                            Feed(live[random.Next(liveCount)]);
                        }
                    }
                    else if (action < 62)
                    {
                        if (liveCount > 0)
                        {
                            ReadAll(live[random.Next(liveCount)]);
                        }
                    }
                    else if (action < 68)
                    {
                        if (liveCount > 0)
                        {
                            FuzzPeer peer = live[random.Next(liveCount)];
                            if (timeUp || draining || peer.Sent == peer.Stream.Length || random.Next(4) == 0)
                            {
                                Drop(peer);
                            }
                        }
                    }
                    else if (action < 72)
                    {
                        current = null;
                        broker.Tick(0);
                        CheckAll(null);
                    }
                    else
                    {
                        current = null;
                        qos1.Step(random, !timeUp);
                        qos2.Step(random, !timeUp);
                        CheckAll(null);
                    }
                    // The edge closes what the engine is done with, and old connections go away before
                    // any timer (keep-alive, connect, slow client) could end them.
                    for (int i = liveCount - 1; i >= 0; i--)
                    {
                        FuzzPeer peer = live[i];
                        if (peer.Client.IsClosing || broker.Clock.Now - peer.OpenedAtMs > MaxPeerAgeMs)
                        {
                            Drop(peer);
                        }
                    }
                }
                current = null;
                CleanUp();
                // The good clients finish: every message published so far is delivered and completed.
                int rounds = 0;
                while (!(qos1.Completed == qos1.Published && qos1.Delivered == qos1.Published && qos2.Completed == qos2.Published && qos2.Delivered == qos2.Published))
                {
                    Check(++rounds < 10000, "the good clients did not finish: QoS 1 " + qos1.Published + " published, " + qos1.Completed + " acknowledged, "
                        + qos1.Delivered + " delivered; QoS 2 " + qos2.Published + " published, " + qos2.Completed + " completed, " + qos2.Delivered + " delivered");
                    broker.Clock.Advance(1);
                    qos1.Step(random, false);
                    qos2.Step(random, false);
                }
                qos1.Step(random, false);
                qos2.Step(random, false);
                broker.Tick(1);
                CompareCounts(start, "with the good clients connected, after every fuzz connection is dropped");

                qos1.Pub.Disconnect();
                qos1.Sub.Disconnect();
                qos2.Pub.Disconnect();
                qos2.Sub.Disconnect();
                qos1.Pub.Drop();
                qos1.Sub.Drop();
                qos2.Pub.Drop();
                qos2.Sub.Drop();
                CheckEqual(freeConnections, b.FreeConnections, "FreeConnections as at the engine's start");
                CheckEqual(freeBlocks, b.Messages.FreeBlocks, "Messages.FreeBlocks as at the engine's start");
                CheckEqual(freeMessages, b.Messages.FreeMessages, "Messages.FreeMessages as at the engine's start");
                CheckEqual(0, b.Subscriptions.Count, "Subscriptions.Count as at the engine's start");
                CheckEqual(0, b.SessionCount, "SessionCount as at the engine's start");
                CheckEqual(0, b.ConnectedClients, "ConnectedClients as at the engine's start");
                CheckEqual(0, b.Retained.Count, "Retained.Count as at the engine's start");
                // The engine still works: a fresh client connects and gets a message.
                TestClient after = broker.Subscriber("after", "after/#", 1);
                TestClient publisher = broker.Connect("after-pub");
                publisher.Publish("after/x", "still here", 1, false, 9);
                Harness.Expect.Ack(publisher.Read(), PacketType.PubAck, 9);
                Harness.Expect.Publish(after.Read(), "after/x", "still here", 1, false);
            }
            catch (System.Exception e)
            {
                failure = e.Message.IndexOf("seed " + seed + ", step ") >= 0 ? e.Message : Where() + "exception " + e.ToString();
            }
            Assert.IsNull(failure, failure);
        }

        private void CompareCounts(int[] start, string when)
        {
            int[] now = BrokerCounts.Of(broker.Broker);
            for (int i = 0; i < start.Length; i++)
            {
                CheckEqual(start[i], now[i], BrokerCounts.Names[i] + " " + when);
            }
        }

        // Persistent sessions left by fuzz clients are ended by connecting with clean session 1
        // [MQTT-3.1.2-6]; their retained messages are cleared with empty retained messages [MQTT-3.3.1-10].
        private void CleanUp()
        {
            current = null;
            for (int i = 0; i < persistentIds.Count; i++)
            {
                byte[] id = (byte[])persistentIds[i];
                TestClient c = broker.Open();
                c.Send(Packets.ConnectRaw("MQTT", 4, 0x02, 0, id));
                Packet connAck = c.Read();
                CheckNotNull(connAck, "cleanup CONNACK");
                CheckEqual(0, connAck.ReturnCode, "cleanup CONNACK code");
                c.Disconnect();
                c.Drop();
            }
            persistentIds.Clear();
            if (retainedTopics.Count > 0)
            {
                TestClient cleaner = broker.Connect("fz-cleaner");
                for (int i = 0; i < retainedTopics.Count; i++)
                {
                    cleaner.Send(Packets.Publish((byte[])retainedTopics[i], new byte[0], 0, true, false, 0));
                }
                CheckFalse(cleaner.IsClosing, "cleanup publisher closed: " + cleaner.Connection.CloseReason);
                cleaner.Disconnect();
                cleaner.Drop();
                retainedTopics.Clear();
            }
        }

        private void OpenPeer()
        {
            if (broker.Broker.FreeConnections == 0 && random.Next(8) != 0)
            {
                return;
            }
            FuzzPeer peer = new FuzzPeer();
            peer.Number = ++peerNumber;
            Connections++;
            if (broker.Broker.FreeConnections == 0)
            {
                SlotsFull++;
                CheckNull(broker.Broker.Open(broker.Clock.Now), "Open with every slot taken returns null");
                return;
            }
            peer.Client = broker.Open();
            CheckNotNull(peer.Client.Connection, "a free slot was reported");
            peer.OpenedAtMs = broker.Clock.Now;
            peer.Reader = random.Next(10) < 7;
            byte[] valid = ValidStream(peer);
            peer.Stream = valid;
            peer.Mutations = "";
            if (mutate && random.Next(10) < 8)
            {
                for (int attempt = 0; attempt < 5; attempt++)
                {
                    string how;
                    byte[] mutated = Mutate(valid, out how);
                    if (!Contains(mutated, "good"))
                    {
                        peer.Stream = mutated;
                        peer.Mutations = how;
                        peer.Mutated = true;
                        Mutated++;
                        break;
                    }
                }
            }
            peer.Verdict = FuzzValidator.Judge(peer.Stream, peer.Stream.Length, options.MaxPacketSize, options.MaxClientIdBytes, v5Limits);
            current = peer;
            if (!peer.Mutated)
            {
                Check(peer.Verdict.Kind == StreamVerdict.None || peer.Verdict.Kind == StreamVerdict.Disconnect
                    || (peer.Verdict.Kind == StreamVerdict.Refuse && peer.Verdict.RefuseCode == 0x8C),
                    "the generator made an invalid unmutated stream");
            }
            if (peer.Verdict.IsV5)
            {
                V5Streams++;
                peer.Aliases = new byte[peer.Verdict.ClientTopicAliasMaximum + 1][];
            }
            if (peer.Verdict.ConnectAcceptable && (peer.Verdict.Persistent || peer.Verdict.SessionExpiry != 0))
            {
                AddOnce(persistentIds, peer.Verdict.ClientId);
            }
            for (int i = 0; i < peer.Verdict.RetainedTopics.Count; i++)
            {
                AddOnce(retainedTopics, (byte[])peer.Verdict.RetainedTopics[i]);
            }
            live[liveCount++] = peer;
        }

        private void Feed(FuzzPeer peer)
        {
            current = peer;
            peer.ReadSinceFeed = 0;
            int rest = peer.Stream.Length - peer.Sent;
            if (rest > 0 && !peer.Client.IsClosing)
            {
                int choice = random.Next(10);
                int n = choice < 5 ? 1 + random.Next(8) : choice < 9 ? 1 + random.Next(64) : rest;
                if (n > rest)
                {
                    n = rest;
                }
                peer.Client.Send(peer.Stream, peer.Sent, n);
                peer.Sent += n;
                BytesFed += n;
            }
            else
            {
                peer.Client.Flush();
            }
            if (peer.Reader)
            {
                ReadAll(peer);
            }
            else if (peer.ConnAck < 0)
            {
                Packet first = peer.Client.Peek();
                if (first != null)
                {
                    NoteConnAck(peer, first);
                }
            }
            CheckAll(peer);
        }

        private void ReadAll(FuzzPeer peer)
        {
            current = peer;
            Drain(peer);
            CheckAll(peer);
        }

        // Reads what the broker sent the peer; returns the bytes read.
        private int Drain(FuzzPeer peer)
        {
            Packet p;
            int bytes = 0;
            while ((p = peer.Client.Read()) != null)
            {
                CheckServerPacket(p, "fuzz connection " + peer.Number, peer.Verdict.IsMqtt31, peer.Verdict.IsV5 ? peer.Verdict : null, peer.Aliases);
                if (peer.PacketsRead++ == 0)
                {
                    NoteConnAck(peer, p);
                }
                else if (peer.Verdict.IsV5 && peer.LastPacket != null && (peer.LastPacket[0] >> 4) == PacketType.Disconnect)
                {
                    Check(false, "a packet after the broker's DISCONNECT [MQTT-3.14.4-1 (5.0: the sender closes after DISCONNECT)]");
                }
                peer.LastPacket = p.Raw;
                bytes += p.Raw.Length;
                peer.ReadSinceFeed += p.Raw.Length;
            }
            return bytes;
        }

        // [MQTT-3.2.0-1] the first packet from the server is CONNACK.
        private void NoteConnAck(FuzzPeer peer, Packet p)
        {
            CheckEqual(PacketType.ConnAck, p.Type, "the first packet a server sends is CONNACK [MQTT-3.2.0-1]");
            peer.ConnAck = p.ReturnCode;
            if (p.ReturnCode != 0)
            {
                CheckFalse(p.SessionPresent, "session present 0 with a refusal [MQTT-3.2.2-4]");
            }
            else if (peer.Verdict.CleanSession)
            {
                CheckFalse(p.SessionPresent, "session present 0 with clean session [MQTT-3.2.2-1]");
            }
        }

        private void Drop(FuzzPeer peer)
        {
            current = peer;
            if (!peer.Judged)
            {
                // The socket goes: whatever the engine saw must still have been judged right.
                CheckAll(peer);
            }
            peer.Client.Drop();
            for (int i = 0; i < liveCount; i++)
            {
                if (live[i] == peer)
                {
                    live[i] = live[--liveCount];
                    live[liveCount] = null;
                    break;
                }
            }
            CheckAll(null);
        }

        /// <summary>
        /// After the engine ran for <paramref name="actor"/> (null: a tick, a drop or the good clients):
        /// each connection it closed since must have deserved it, and each open one must not have
        /// swallowed an invalid packet.
        /// </summary>
        private void CheckAll(FuzzPeer actor)
        {
            for (int i = 0; i < liveCount; i++)
            {
                FuzzPeer peer = live[i];
                if (peer.Judged)
                {
                    continue;
                }
                FuzzPeer saved = current;
                current = peer;
                StreamVerdict v = peer.Verdict;
                int delivered = peer.Sent - peer.Client.PendingBytes;
                bool eventSeen = v.Kind != StreamVerdict.None && v.EndAt <= delivered;
                if (peer.Client.IsClosing)
                {
                    peer.Judged = true;
                    string reason = peer.Client.Connection.CloseReason;
                    // What the broker sent before closing: all of it is read now (a 5.0 close ends with its DISCONNECT).
                    int outboxSize = peer.Client.Connection.Outbox.Buffer.Length;
                    Drain(peer);
                    int pending = peer.ReadSinceFeed;
                    int[] optional;
                    if (reason != null && reason.IndexOf("taken over") >= 0)
                    {
                        Check(actor != null && actor != peer && actor.Verdict.ConnectAcceptable && actor.ConnAck == 0 && actor.Verdict.ClientId != null
                            && Same(actor.Verdict.ClientId, peer.Verdict.ClientId), "taken over, but not by a new connection with its client id [MQTT-3.1.4-2]: " + reason);
                        Takeovers++;
                    }
                    else
                    {
                        // A connection held back (backpressure) goes on when another one frees room, so its
                        // packets, the invalid one included, may be handled while another connection runs.
                        if (peer.ConnAck > 0)
                        {
                            Refusals++;
                            if (peer.ConnAck == (v.IsV5 ? 0x88 : ConnectReturnCode.ServerUnavailable))
                            {
                                Check(v.ConnectAcceptable && v.ConnectEnd <= delivered, "CONNACK " + peer.ConnAck + " (server unavailable) for a CONNECT that is not acceptable");
                            }
                            else if (v.IsV5 && peer.ConnAck == v.MayRefuseCode)
                            {
                                Check(v.ConnectAcceptable && v.ConnectEnd <= delivered, "CONNACK 0x" + peer.ConnAck.ToString("X2") + " for a CONNECT the validator did not see");
                            }
                            else if (v.IsV5 && v.Kind == StreamVerdict.Bad && v.BeforeConnAck)
                            {
                                // [MQTT-3.1.4-2] an invalid CONNECT may get a CONNACK 0x80 or above before the close.
                                Check(eventSeen && peer.ConnAck >= 0x80, "CONNACK 0x" + peer.ConnAck.ToString("X2") + " for an invalid CONNECT");
                            }
                            else if (v.IsV5 && v.Kind == StreamVerdict.Refuse && peer.ConnAck == v.RefuseCodeAlternative)
                            {
                                Check(eventSeen, "CONNACK 0x" + peer.ConnAck.ToString("X2") + " before the refused CONNECT was read");
                            }
                            else
                            {
                                Check(v.Kind == StreamVerdict.Refuse && eventSeen, "CONNACK " + peer.ConnAck + " [MQTT-3.2.2-5] but the validator expected " + v.KindText);
                                CheckEqual(v.RefuseCode, peer.ConnAck, "CONNACK return code");
                            }
                        }
                        else if (v.OptionalEndSeen(delivered, out optional) >= 0 && reason != null && reason.IndexOf("protocol violation") == 0
                            && (!eventSeen || v.Kind != StreamVerdict.Bad || v.OptionalEndSeen(delivered, out optional) <= v.StartAt))
                        {
                            // A packet the sender must not send, which the receiver may take or refuse: refused (or,
                            // when a packet behind it is invalid too, either of them ended the connection).
                            int more = eventSeen && v.Kind == StreamVerdict.Bad && v.Reasons != null ? v.Reasons.Length : 0;
                            int[] reasons = new int[optional.Length + more];
                            System.Array.Copy(optional, reasons, optional.Length);
                            if (more > 0)
                            {
                                System.Array.Copy(v.Reasons, 0, reasons, optional.Length, more);
                            }
                            if (v.IsV5)
                            {
                                CheckServerDisconnect(peer, reasons, pending, outboxSize);
                            }
                            ViolationCloses++;
                        }
                        else
                        {
                            Check(eventSeen, "the engine closed a connection whose " + delivered + " bytes were valid: " + reason);
                            Check(v.Kind != StreamVerdict.Refuse, "closed without the refusing CONNACK: " + reason);
                            if (v.Kind == StreamVerdict.Disconnect && v.DisconnectMayBeRefused && reason != null && reason.IndexOf("protocol violation") == 0)
                            {
                                // A DISCONNECT with what only a server sends: refused as a protocol error, which a server may do.
                                CheckServerDisconnect(peer, new int[] { 0x81, 0x82 }, pending, outboxSize);
                                ViolationCloses++;
                            }
                            else if (v.Kind == StreamVerdict.Disconnect)
                            {
                                Check(!v.IsV5 || peer.LastPacket == null || (peer.LastPacket[0] >> 4) != PacketType.Disconnect, "the broker answered the client's DISCONNECT with one");
                                Check(reason != null && reason.IndexOf("DISCONNECT") >= 0, "closed for another reason than DISCONNECT: " + reason);
                                Disconnects++;
                            }
                            else
                            {
                                // [MQTT-4.8.0-1, MQTT-3.1.4-1] closed, without CONNACK or any other reply.
                                Check(reason != null && reason.IndexOf("protocol violation") == 0, "expected a protocol violation: " + reason);
                                Check(peer.ConnAck < 0 || peer.Verdict.ConnectEnd >= 0, "a CONNACK was sent for an invalid CONNECT [MQTT-3.1.4-1]");
                                if (v.IsV5 && !v.BeforeConnAck)
                                {
                                    CheckServerDisconnect(peer, v.Reasons, pending, outboxSize);
                                }
                                ViolationCloses++;
                            }
                        }
                    }
                    PacketsJudged += v.Packets;
                }
                else if (eventSeen && peer.Client.PendingBytes == 0 && peer.Client.Connection.ReceiveOffset == 0)
                {
                    Check(!eventSeen, "the engine read the whole stream but did not close the connection (" + v.KindText + ")");
                }
                current = saved;
            }
        }

        // A 5.0 connection closed for a violation: the last packet the broker sent it is a DISCONNECT with one of the
        // reason codes the validator allows (section 4.13.1), unless the outbox had no room left for one.
        private void CheckServerDisconnect(FuzzPeer peer, int[] reasons, int pending, int outboxSize)
        {
            StreamVerdict allowed = new StreamVerdict();
            allowed.Reasons = reasons;
            byte[] last = peer.LastPacket;
            if (last == null || (last[0] >> 4) != PacketType.Disconnect)
            {
                NanoBroker.Sessions.Outbox o = peer.Client.Connection.Outbox;
                Check(pending + 3 > outboxSize, "closed without a DISCONNECT (expected " + allowed.ReasonsText + ") though the outbox had room ("
                    + pending + " bytes read since the last feed, outbox of " + outboxSize + ", " + o.Count + " bytes left, " + o.Sendable + " sendable): " + peer.Client.Connection.CloseReason);
                return;
            }
            V5Packet d = V5Packet.Parse(last);
            Check(allowed.Allows(d.ReasonCode), "DISCONNECT reason 0x" + d.ReasonCode.ToString("X2") + ", expected " + allowed.ReasonsText);
            V5Disconnects++;
        }

        /// <summary>
        /// Every packet the engine writes is one a server sends, with the flags MQTT requires (and MQTT 3.1 knows, for a
        /// 3.1 client); for a 5.0 client (<paramref name="v5"/>: its CONNECT's limits) it is read as 5.0 by the validator.
        /// </summary>
        public void CheckServerPacket(Packet p, string who, bool mqtt31, StreamVerdict v5, byte[][] aliases)
        {
            ServerPackets++;
            string what = who + " got a packet of type " + p.Type + " with flags " + p.Flags;
            if (v5 != null)
            {
                string problem = FuzzValidator5.CheckServerPacket(p.Raw, v5, aliases);
                Check(problem == null, what + " (MQTT 5.0): " + problem + ": " + Hex(p.Raw, 64));
                Check(p.Type != PacketType.PubRel || p.Flags == 2, what + " [MQTT-3.6.1-1]");
                Check(p.Type == PacketType.PubRel || p.Type == PacketType.Publish || p.Type == PacketType.SubAck || p.Type == PacketType.UnsubAck || p.Flags == 0, what + " [MQTT-2.1.3-1]");
                return;
            }
            switch (p.Type)
            {
                case PacketType.ConnAck:
                    CheckEqual(2, p.RemainingLength, what);
                    Check(p.ReturnCode >= 0 && p.ReturnCode <= 5, what + ": CONNACK code");
                    break;
                case PacketType.Publish:
                    Check(p.Qos != 3, what + " [MQTT-3.3.1-4]");
                    Check(FuzzValidator.IsTopicName(p.Topic, 0, p.Topic.Length), what + ": topic name [MQTT-3.3.2-2]");
                    if (p.Qos > 0)
                    {
                        Check(p.PacketId != 0, what + ": packet id [MQTT-2.3.1-1]");
                    }
                    else
                    {
                        CheckFalse(p.Dup, what + ": DUP 0 at QoS 0 [MQTT-3.3.1-2]");
                    }
                    break;
                case PacketType.PubAck:
                case PacketType.PubRec:
                case PacketType.PubRel:
                case PacketType.PubComp:
                case PacketType.UnsubAck:
                    CheckEqual(p.Type == PacketType.PubRel ? 2 : 0, p.Flags, what + " [MQTT-2.2.2-2, MQTT-3.6.1-1]");
                    CheckEqual(2, p.RemainingLength, what);
                    break;
                case PacketType.SubAck:
                    CheckEqual(0, p.Flags, what);
                    Check(p.ReturnCodes.Length > 0, what + ": one return code per filter [MQTT-3.8.4-5]");
                    for (int i = 0; i < p.ReturnCodes.Length; i++)
                    {
                        int code = p.ReturnCodes[i];
                        Check(code <= 2 || (code == 0x80 && !mqtt31), what + ": SUBACK return code " + code + (mqtt31 ? " (MQTT 3.1 has no failure code)" : " [MQTT-3.9.3-2]"));
                    }
                    break;
                case PacketType.PingResp:
                    CheckEqual(0, p.Flags, what);
                    CheckEqual(0, p.RemainingLength, what);
                    break;
                default:
                    Check(p.Type == -1, what + ": not a packet a server sends");
                    break;
            }
        }

        // A valid stream: CONNECT, then a random mix of what a client sends, sometimes ending with DISCONNECT.
        private byte[] ValidStream(FuzzPeer peer)
        {
            ByteWriter w = new ByteWriter();
            string id = "fz" + seed + "-" + peer.Number;
            int pick = random.Next(100);
            if (pick < 5 && liveCount > 0)
            {
                // A takeover of a live client id.
                FuzzPeer other = live[random.Next(liveCount)];
                if (other.Verdict != null && other.Verdict.ClientId != null && other.Verdict.ClientId.Length > 0 && other.Verdict.ClientId.Length <= 64)
                {
                    id = NanoBroker.Protocol.Utf8.GetString(other.Verdict.ClientId, 0, other.Verdict.ClientId.Length);
                }
            }
            else if (pick < 10 && persistentIds.Count > 0)
            {
                // A persistent session resumed.
                byte[] old = (byte[])persistentIds[random.Next(persistentIds.Count)];
                id = NanoBroker.Protocol.Utf8.GetString(old, 0, old.Length);
            }
            else if (pick < 13)
            {
                id = "";
            }
            if (random.Next(2) == 0)
            {
                return ValidStream5(id);
            }
            bool clean = id.Length == 0 || random.Next(3) != 0;
            bool will = random.Next(4) == 0;
            string user = random.Next(4) == 0 ? "user" + random.Next(5) : null;
            byte[] password = user != null && random.Next(2) == 0 ? RandomBytes(random.Next(12)) : null;
            int keepAlive = random.Next(3) == 0 ? 0 : 10 + random.Next(300);
            w.Bytes(Packets.Connect(id, clean, keepAlive, will ? "fz/will/" + random.Next(4) : null, will ? "gone" + random.Next(100) : null,
                random.Next(3), will && random.Next(3) == 0, user, password));
            int packets = random.Next(14);
            int[] awaiting = new int[8];
            int awaitingCount = 0;
            for (int i = 0; i < packets; i++)
            {
                int kind = random.Next(100);
                int pid = 1 + random.Next(65535);
                if (kind < 35)
                {
                    int qos = random.Next(3);
                    if (qos == 2 && awaitingCount >= options.InflightWindow - 1)
                    {
                        qos = 1;
                    }
                    if (qos == 2)
                    {
                        awaiting[awaitingCount++] = pid;
                    }
                    bool retain = random.Next(6) == 0;
                    w.Bytes(Packets.Publish(Packets.Bytes(PublishTopic()), RandomBytes(random.Next(40)), qos, retain, false, pid));
                }
                else if (kind < 50)
                {
                    int count = 1 + random.Next(3);
                    string[] filters = new string[count];
                    int[] qos = new int[count];
                    for (int k = 0; k < count; k++)
                    {
                        filters[k] = Filter();
                        qos[k] = random.Next(3);
                    }
                    w.Bytes(Packets.Subscribe(pid, filters, qos));
                }
                else if (kind < 58)
                {
                    w.Bytes(Packets.Unsubscribe(pid, Filter()));
                }
                else if (kind < 75)
                {
                    if (awaitingCount > 0)
                    {
                        int k = random.Next(awaitingCount);
                        w.Bytes(Packets.PubRel(awaiting[k]));
                        awaiting[k] = awaiting[--awaitingCount];
                    }
                    else
                    {
                        w.Bytes(Packets.PubRel(pid));
                    }
                }
                else if (kind < 82)
                {
                    w.Bytes(Packets.PubAck(pid));
                }
                else if (kind < 86)
                {
                    w.Bytes(Packets.PubRec(pid));
                }
                else if (kind < 90)
                {
                    w.Bytes(Packets.PubComp(pid));
                }
                else
                {
                    w.Bytes(Packets.PingReq());
                }
            }
            if (random.Next(4) == 0)
            {
                w.Bytes(Packets.Disconnect());
            }
            return w.ToArray();
        }

        // A valid MQTT 5.0 stream: CONNECT 5.0 with random properties (and will properties), then what a 5.0 client
        // sends, each packet with random valid properties and reason codes, within the limits the broker announced
        // (v5Limits); sometimes ending with a DISCONNECT with a reason code.
        private byte[] ValidStream5(string id)
        {
            ByteWriter w = new ByteWriter();
            bool cleanStart = random.Next(3) != 0;
            // A session of an assigned identifier could not be ended by CleanUp: none outlives its connection.
            long expiry = id.Length > 0 && random.Next(3) == 0 ? 1 + random.Next(3600) : 0;
            V5PropertyWriter cp = null;
            int pick = random.Next(100);
            if (pick < 75 || expiry > 0)
            {
                cp = new V5PropertyWriter();
                if (expiry > 0 || random.Next(4) == 0) cp.SessionExpiryInterval(expiry);
                if (random.Next(3) == 0) cp.ReceiveMaximum(1 + random.Next(65535));
                if (random.Next(3) == 0) cp.MaximumPacketSize(random.Next(2) == 0 ? 40 + random.Next(300) : 1024 + random.Next(100000));
                if (random.Next(3) == 0) cp.TopicAliasMaximum(random.Next(12));
                if (random.Next(5) == 0) cp.RequestProblemInformation(random.Next(2));
                if (random.Next(5) == 0) cp.RequestResponseInformation(random.Next(2));
                for (int k = random.Next(3); k > 0; k--) cp.UserProperty("k" + random.Next(4), "v\u00e9" + random.Next(100));
                if (pick < 3)
                {
                    // Enhanced authentication with a method the broker does not know: CONNACK 0x8C (section 4.12).
                    cp.AuthenticationMethod("FZ-UNKNOWN").AuthenticationData(RandomBytes(random.Next(8)));
                }
            }
            bool will = random.Next(4) == 0;
            V5PropertyWriter wp = null;
            byte[] willPayload = null;
            if (will)
            {
                bool text = random.Next(2) == 0;
                willPayload = text ? Packets.Bytes("gone" + random.Next(100)) : RandomBytes(random.Next(12));
                if (random.Next(2) == 0)
                {
                    wp = new V5PropertyWriter();
                    if (random.Next(3) == 0) wp.WillDelayInterval(random.Next(3));
                    if (text && random.Next(2) == 0) wp.PayloadFormatIndicator(1);
                    if (random.Next(3) == 0) wp.MessageExpiryInterval(1 + random.Next(100));
                    if (random.Next(3) == 0) wp.ContentType("text/x-fz");
                    if (random.Next(3) == 0) wp.ResponseTopic("fz/resp/" + random.Next(3));
                    if (random.Next(3) == 0) wp.CorrelationData(RandomBytes(random.Next(6)));
                    if (random.Next(3) == 0) wp.UserProperty("will", "yes");
                }
            }
            string user = random.Next(4) == 0 ? "user" + random.Next(5) : null;
            // 5.0 allows a password without a user name (section 3.1.2.9).
            byte[] password = random.Next(5) == 0 ? RandomBytes(random.Next(12)) : null;
            int keepAlive = random.Next(3) == 0 ? 0 : 10 + random.Next(300);
            w.Bytes(V5Packets.Connect(id, cleanStart, keepAlive, cp, will ? "fz/will/" + random.Next(4) : null, willPayload,
                random.Next(3), will && random.Next(3) == 0, wp, user, password));
            int packets = random.Next(14);
            int[] awaiting = new int[8];
            int awaitingCount = 0;
            int window = v5Limits.ReceiveMaximum < 8 ? v5Limits.ReceiveMaximum : 8;
            bool[] aliasSet = new bool[v5Limits.TopicAliasMaximum + 1];
            for (int i = 0; i < packets; i++)
            {
                int kind = random.Next(100);
                int pid = 1 + random.Next(65535);
                if (kind < 35)
                {
                    int qos = random.Next(v5Limits.MaximumQos + 1);
                    if (qos == 2 && (awaitingCount >= window - 1 || !cleanStart))
                    {
                        qos = qos > 1 ? 1 : qos;
                    }
                    if (qos == 2)
                    {
                        awaiting[awaitingCount++] = pid;
                    }
                    bool retain = v5Limits.RetainAvailable && random.Next(6) == 0;
                    bool text = random.Next(2) == 0;
                    byte[] payload = text ? Packets.Bytes("t\u00e9xt" + random.Next(1000)) : RandomBytes(random.Next(40));
                    V5PropertyWriter pp = null;
                    byte[] topic = Packets.Bytes(PublishTopic());
                    if (random.Next(3) != 0)
                    {
                        pp = new V5PropertyWriter();
                        if (text && random.Next(3) == 0) pp.PayloadFormatIndicator(1);
                        if (random.Next(4) == 0) pp.MessageExpiryInterval(random.Next(4) == 0 ? 0 : 1 + random.Next(100000));
                        if (random.Next(4) == 0) pp.ContentType("application/x-fz");
                        if (random.Next(4) == 0) pp.ResponseTopic("fz/resp/" + random.Next(3));
                        if (random.Next(4) == 0) pp.CorrelationData(RandomBytes(random.Next(16)));
                        for (int k = random.Next(4); k > 0; k--) pp.UserProperty("u" + random.Next(3), "\u4e2d" + random.Next(10));
                        if (v5Limits.TopicAliasMaximum > 0 && random.Next(2) == 0)
                        {
                            int alias = 1 + random.Next(v5Limits.TopicAliasMaximum);
                            pp.TopicAlias(alias);
                            if (aliasSet[alias] && random.Next(2) == 0)
                            {
                                // The alias stands for the topic set before it (section 3.3.2.3.4); the generator
                                // does not track which, so the message goes to whatever topic that was.
                                topic = new byte[0];
                            }
                            aliasSet[alias] = true;
                        }
                    }
                    w.Bytes(V5Packets.Publish(topic, payload, qos, retain, false, pid, pp));
                }
                else if (kind < 50)
                {
                    int count = 1 + random.Next(3);
                    string[] filters = new string[count];
                    int[] subOptions = new int[count];
                    for (int k = 0; k < count; k++)
                    {
                        bool shared = random.Next(6) == 0;
                        filters[k] = shared ? "$share/g" + random.Next(3) + "/" + Filter() : Filter();
                        subOptions[k] = V5Packets.SubscriptionOptions(random.Next(3), !shared && random.Next(3) == 0, random.Next(3) == 0, random.Next(3));
                    }
                    V5PropertyWriter sp = null;
                    if (random.Next(2) == 0)
                    {
                        sp = new V5PropertyWriter();
                        if (v5Limits.SubscriptionIdentifiersAvailable && random.Next(2) == 0) sp.SubscriptionIdentifier(1 + random.Next(random.Next(2) == 0 ? 100 : 268435455));
                        if (random.Next(2) == 0) sp.UserProperty("sub", "p");
                    }
                    w.Bytes(V5Packets.Subscribe(pid, filters, subOptions, sp));
                }
                else if (kind < 58)
                {
                    w.Bytes(V5Packets.Unsubscribe(pid, new string[] { Filter() }, random.Next(3) == 0 ? new V5PropertyWriter().UserProperty("un", "sub") : null));
                }
                else if (kind < 75)
                {
                    int released = pid;
                    if (awaitingCount > 0)
                    {
                        int k = random.Next(awaitingCount);
                        released = awaiting[k];
                        awaiting[k] = awaiting[--awaitingCount];
                    }
                    w.Bytes(V5Packets.PubRel(released, random.Next(4) == 0 ? 0x92 : 0, AckProperties()));
                }
                else if (kind < 90)
                {
                    int[] codes = new int[] { 0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99 };
                    int which = kind < 82 ? PacketType.PubAck : kind < 86 ? PacketType.PubRec : PacketType.PubComp;
                    int code = which == PacketType.PubComp ? (random.Next(4) == 0 ? 0x92 : 0) : codes[random.Next(codes.Length)];
                    if (random.Next(4) == 0)
                    {
                        // Reason Code 0 and no properties may be left out (section 3.4.2.1).
                        w.Bytes(which == PacketType.PubAck ? Packets.PubAck(pid) : which == PacketType.PubRec ? Packets.PubRec(pid) : Packets.PubComp(pid));
                    }
                    else
                    {
                        w.Bytes(V5Packets.Ack(which << 4, pid, code, AckProperties()));
                    }
                }
                else
                {
                    w.Bytes(Packets.PingReq());
                }
            }
            if (random.Next(4) == 0)
            {
                int[] reasons = new int[] { 0x00, 0x04, 0x80, 0x83, 0x00 };
                V5PropertyWriter dp = null;
                if (random.Next(2) == 0)
                {
                    dp = new V5PropertyWriter();
                    // [MQTT-3.14.2-2] a non-zero expiry only where the CONNECT's was non-zero.
                    if (random.Next(2) == 0) dp.SessionExpiryInterval(expiry > 0 ? random.Next(7200) : 0);
                    if (random.Next(2) == 0) dp.ReasonString("bye");
                    if (random.Next(2) == 0) dp.UserProperty("d", "x");
                }
                w.Bytes(V5Packets.Disconnect(reasons[random.Next(reasons.Length)], dp));
            }
            return w.ToArray();
        }

        private V5PropertyWriter AckProperties()
        {
            if (random.Next(3) != 0)
            {
                return null;
            }
            V5PropertyWriter p = new V5PropertyWriter();
            if (random.Next(2) == 0) p.ReasonString("r" + random.Next(10));
            if (random.Next(2) == 0) p.UserProperty("a", "b");
            return p;
        }

        // One packet a 5.0 client must not send, each an error the 5.0 text names (section and reason in FuzzValidator5).
        private byte[] V5Violation(out string what)
        {
            int pid = 1 + random.Next(65535);
            switch (random.Next(13))
            {
                case 0:
                    what = "AUTH without an Authentication Method in the CONNECT";
                    return V5Packets.Auth(random.Next(2) == 0 ? 0x18 : 0x19, new V5PropertyWriter().AuthenticationMethod("FZ"));
                case 1:
                    what = "PUBLISH with a Subscription Identifier";
                    return V5Packets.Publish("fz/a", "x", random.Next(2), false, false, pid, new V5PropertyWriter().SubscriptionIdentifier(1 + random.Next(50)));
                case 2:
                    what = "PUBLISH with Topic Alias 0";
                    return V5Packets.Publish("fz/a", "x", 0, false, false, 0, new V5PropertyWriter().TopicAlias(0));
                case 3:
                    what = "PUBLISH with a Topic Alias above the maximum";
                    return V5Packets.Publish("fz/a", "x", 1, false, false, pid, new V5PropertyWriter().TopicAlias(v5Limits.TopicAliasMaximum + 1 + random.Next(3)));
                case 4:
                    what = "PUBLISH with an empty topic and no alias";
                    return V5Packets.Publish("", "x", random.Next(3), false, false, pid, null);
                case 5:
                    what = "SUBSCRIBE with Retain Handling 3";
                    return V5Packets.Subscribe(pid, Filter(), V5Packets.SubscriptionOptions(random.Next(3), false, false, 3), 0);
                case 6:
                    what = "SUBSCRIBE with No Local on a shared subscription";
                    return V5Packets.Subscribe(pid, "$share/g/" + Filter(), V5Packets.SubscriptionOptions(random.Next(3), true, false, 0), 0);
                case 7:
                    what = "SUBSCRIBE with reserved option bits";
                    return V5Packets.Subscribe(pid, Filter(), (1 + random.Next(3)) << 6, 0);
                case 8:
                    what = "DISCONNECT setting a session expiry (from 0 when the CONNECT had none)";
                    return V5Packets.Disconnect(0, 1 + random.Next(1000));
                case 9:
                    what = "a property twice";
                    return V5Packets.Publish("fz/a", "x", 0, false, false, 0, new V5PropertyWriter().ContentType("a").ContentType("b"));
                case 10:
                    what = "a property not defined for the packet";
                    return V5Packets.Subscribe(pid, new string[] { "fz/a" }, new int[] { 0 }, new V5PropertyWriter().MessageExpiryInterval(5));
                case 11:
                    what = "Subscription Identifier 0";
                    return V5Packets.Subscribe(pid, new string[] { "fz/#" }, new int[] { 0 }, new V5PropertyWriter().SubscriptionIdentifier(0));
                default:
                    what = "PUBACK with a reason code not defined for it";
                    return V5Packets.PubAck(pid, 0x92, null);
            }
        }

        private string PublishTopic()
        {
            switch (random.Next(8))
            {
                case 0: return "fz/a";
                case 1: return "fz/b/x";
                case 2: return "fz/r/" + random.Next(20);
                case 3: return "$SYS/fz";
                case 4: return "$fz/x";
                case 5: return "fz/\u00e9t\u00e9/\u4e2d";
                case 6: return "/";
                default: return "fz/will/" + random.Next(4);
            }
        }

        private string Filter()
        {
            switch (random.Next(10))
            {
                case 0: return "#";
                case 1: return "+/q1";
                case 2: return "fz/#";
                case 3: return "fz/+/x";
                case 4: return "$SYS/#";
                case 5: return "fz/will/+";
                case 6: return "+";
                case 7: return "fz/r/#";
                case 8: return "$fz/+";
                default: return "fz/a";
            }
        }

        private byte[] RandomBytes(int count)
        {
            byte[] b = new byte[count];
            random.NextBytes(b);
            return b;
        }

        private byte[] Mutate(byte[] valid, out string how)
        {
            int choice = random.Next(100);
            if (choice < 8)
            {
                how = "random bytes";
                return RandomBytes(1 + random.Next(300));
            }
            if (choice < 14)
            {
                // A valid CONNECT, then garbage.
                int lengthBytes;
                int remaining = RemainingLength.Decode(valid, 1, valid.Length - 1, out lengthBytes);
                int connectSize = 1 + lengthBytes + remaining;
                how = "CONNECT then random bytes";
                byte[] garbage = RandomBytes(1 + random.Next(200));
                byte[] r = new byte[connectSize + garbage.Length];
                System.Array.Copy(valid, r, connectSize);
                System.Array.Copy(garbage, 0, r, connectSize, garbage.Length);
                return r;
            }
            if (choice < 26 && FuzzValidator5.IsV5Connect(valid, valid.Length))
            {
                // A 5.0 stream with one packet the 5.0 text forbids, at a packet boundary behind the CONNECT.
                string what;
                byte[] violation = V5Violation(out what);
                int at = PacketStart(valid);
                if (at == 0)
                {
                    at = PacketSize(valid, 0);
                }
                byte[] r = new byte[valid.Length + violation.Length];
                System.Array.Copy(valid, 0, r, 0, at);
                System.Array.Copy(violation, 0, r, at, violation.Length);
                System.Array.Copy(valid, at, r, at + violation.Length, valid.Length - at);
                how = what + " inserted at " + at;
                return r;
            }
            byte[] s = valid;
            how = "";
            int mutations = 1 + random.Next(3);
            for (int m = 0; m < mutations; m++)
            {
                int packetStart = PacketStart(s);
                int op = random.Next(7);
                if (s.Length == 0)
                {
                    op = 5;
                }
                switch (op)
                {
                    case 0:
                        {
                            int at = random.Next(s.Length);
                            int bit = random.Next(8);
                            s = Copy(s);
                            s[at] ^= (byte)(1 << bit);
                            how += "bit " + bit + " of byte " + at + "; ";
                            break;
                        }
                    case 1:
                        {
                            int size = PacketSize(s, packetStart);
                            int cut = 1 + random.Next(size > 1 ? size - 1 : 1);
                            if (cut > s.Length - packetStart)
                            {
                                cut = s.Length - packetStart;
                            }
                            s = Remove(s, packetStart + size - cut < packetStart ? packetStart : packetStart + size - cut, cut);
                            how += "truncated the packet at " + packetStart + " by " + cut + "; ";
                            break;
                        }
                    case 2:
                        {
                            if (packetStart + 1 >= s.Length)
                            {
                                break;
                            }
                            s = Copy(s);
                            int old = s[packetStart + 1];
                            int change = random.Next(3);
                            s[packetStart + 1] = (byte)(change == 0 ? random.Next(256) : change == 1 ? old + 1 + random.Next(3) : old - 1 - random.Next(3));
                            how += "length byte at " + (packetStart + 1) + " " + old + "->" + s[packetStart + 1] + "; ";
                            break;
                        }
                    case 3:
                        {
                            s = Copy(s);
                            int old = s[packetStart];
                            s[packetStart] = (byte)((old & 0xF0) | random.Next(16));
                            how += "flags at " + packetStart + " 0x" + old.ToString("X2") + "->0x" + s[packetStart].ToString("X2") + "; ";
                            break;
                        }
                    case 4:
                        {
                            s = Copy(s);
                            int old = s[packetStart];
                            s[packetStart] = (byte)((random.Next(16) << 4) | (old & 0x0F));
                            how += "type at " + packetStart + " 0x" + old.ToString("X2") + "->0x" + s[packetStart].ToString("X2") + "; ";
                            break;
                        }
                    case 5:
                        {
                            int at = random.Next(3) == 0 ? packetStart : random.Next(s.Length + 1);
                            byte[] splice = RandomBytes(1 + random.Next(16));
                            byte[] r = new byte[s.Length + splice.Length];
                            System.Array.Copy(s, 0, r, 0, at);
                            System.Array.Copy(splice, 0, r, at, splice.Length);
                            System.Array.Copy(s, at, r, at + splice.Length, s.Length - at);
                            s = r;
                            how += splice.Length + " random bytes spliced at " + at + "; ";
                            break;
                        }
                    default:
                        {
                            int at = random.Next(s.Length);
                            s = Copy(s);
                            s[at] = (byte)random.Next(256);
                            how += "byte " + at + " replaced; ";
                            break;
                        }
                }
            }
            return s;
        }

        // The start of a random packet of the stream, walking it as it was built (a packet of a mutated stream may not parse).
        private int PacketStart(byte[] s)
        {
            int count = 0;
            int p = 0;
            int[] starts = new int[32];
            while (p < s.Length && count < starts.Length)
            {
                starts[count++] = p;
                int size = PacketSize(s, p);
                if (size <= 0)
                {
                    break;
                }
                p += size;
            }
            return count == 0 ? 0 : starts[random.Next(count)];
        }

        private static int PacketSize(byte[] s, int p)
        {
            if (p + 1 >= s.Length)
            {
                return s.Length - p;
            }
            int lengthBytes;
            int remaining = RemainingLength.Decode(s, p + 1, s.Length - p - 1, out lengthBytes);
            if (remaining < 0)
            {
                return s.Length - p;
            }
            int size = 1 + lengthBytes + remaining;
            return size > s.Length - p ? s.Length - p : size;
        }

        private static byte[] Copy(byte[] s)
        {
            byte[] r = new byte[s.Length];
            System.Array.Copy(s, r, s.Length);
            return r;
        }

        private static byte[] Remove(byte[] s, int at, int count)
        {
            byte[] r = new byte[s.Length - count];
            System.Array.Copy(s, 0, r, 0, at);
            System.Array.Copy(s, at + count, r, at, s.Length - at - count);
            return r;
        }

        private static bool Contains(byte[] s, string ascii)
        {
            for (int i = 0; i + ascii.Length <= s.Length; i++)
            {
                int k = 0;
                while (k < ascii.Length && s[i + k] == (byte)ascii[k])
                {
                    k++;
                }
                if (k == ascii.Length)
                {
                    return true;
                }
            }
            return false;
        }

        private static void AddOnce(ArrayList list, byte[] item)
        {
            for (int i = 0; i < list.Count; i++)
            {
                if (Same((byte[])list[i], item))
                {
                    return;
                }
            }
            list.Add(item);
        }

        private static bool Same(byte[] a, byte[] b)
        {
            if (a == null || b == null || a.Length != b.Length)
            {
                return false;
            }
            for (int i = 0; i < a.Length; i++)
            {
                if (a[i] != b[i])
                {
                    return false;
                }
            }
            return true;
        }

        private static string Hex(byte[] s, int max)
        {
            string text = "";
            for (int i = 0; i < s.Length && i < max; i++)
            {
                text += s[i].ToString("X2");
            }
            return s.Length > max ? text + "..." : text;
        }
    }
}
