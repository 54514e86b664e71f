#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;
using NanoBroker.Tests.Engine.Harness;

namespace NanoBroker.Tests.Engine.Storage
{
    /// <summary>
    /// The journal of queued messages (PersistQueuedMessages) under random walks: a persistent subscriber
    /// goes offline and online, acknowledges some deliveries fully, some halfway (QoS 2 PUBREC) and some
    /// not at all, while a publisher sends QoS 1 and QoS 2 messages; now and then the power is cut right
    /// after a commit. After each cut the subscriber must get every message that was journaled for it and
    /// not acknowledged (none lost), and none it had acknowledged (PUBACK, PUBCOMP) before the cut.
    /// </summary>
    [TestClass]
    public class QueuedJournalTests
    {
        private const int Steps = 300;
        private const int MaxOwed = 12;

        // What the subscriber has done with each message, by its number (the payload).
        private const int Unsent = 0;
        private const int Owed = 1;
        private const int PubRecSent = 2;
        private const int Acked = 3;
        private const int Lost = 4;

        [TestMethod]
        public void RandomWalksWithPowerCuts_Seed1()
        {
            Walk(1);
        }

        [TestMethod]
        public void RandomWalksWithPowerCuts_Seed2()
        {
            Walk(2);
        }

        [TestMethod]
        public void RandomWalksWithPowerCuts_Seed3()
        {
            Walk(3);
        }

        private sealed class Model
        {
            public readonly int[] State = new int[Steps + 1];
            public readonly bool[] Journaled = new bool[Steps + 1];
            public readonly int[] PacketId = new int[Steps + 1];
            public int Published;
            public int Cuts;

            public int OwedCount
            {
                get
                {
                    int n = 0;
                    for (int i = 0; i < Published; i++)
                    {
                        if (State[i] == Owed || State[i] == PubRecSent)
                        {
                            n++;
                        }
                    }
                    return n;
                }
            }
        }

        private static void Walk(int seed)
        {
            System.Random random = new System.Random(seed);
            BrokerOptions options = TestBroker.SmallOptions();
            options.StorageCommitDelayMs = 0;
            options.PersistQueuedMessages = true;
            options.StorageCompactBytes = 8192;
            RamStorage ram = new RamStorage();
            TestBroker b = TestBroker.Restored(ram, options);
            TestClient sensor = b.Connect("sensor", false);
            b.Subscribe(sensor, "cmd/#", 2);
            TestClient publisher = b.Connect("pub");
            bool online = true;
            Model m = new Model();

            for (int step = 0; step < Steps; step++)
            {
                int action = random.Next(100);
                if (action < 40)
                {
                    if (m.OwedCount < MaxOwed)
                    {
                        Publish(b, publisher, m, online, 1 + random.Next(2));
                    }
                }
                else if (action < 70)
                {
                    if (online)
                    {
                        ReadSome(sensor, m, random, "seed " + seed + " step " + step);
                    }
                }
                else if (action < 82)
                {
                    if (online)
                    {
                        GoOffline(sensor, m, random.Next(2) == 0);
                        online = false;
                    }
                    else
                    {
                        sensor = b.Resume("sensor");
                        online = true;
                    }
                }
                else if (action < 90)
                {
                    b.CommitStorage();
                    ram = ram.AfterPowerCut(0);
                    b = TestBroker.Restored(ram, options);
                    sensor = b.Resume("sensor");
                    online = true;
                    publisher = b.Connect("pub");
                    CheckAfterCut(sensor, m, "seed " + seed + " step " + step);
                }
                b.CommitStorage();
            }
            Assert.IsTrue(m.Cuts > 0, "the walk cut the power at least once");
        }

        private static void Publish(TestBroker b, TestClient publisher, Model m, bool online, int qos)
        {
            int n = m.Published++;
            m.State[n] = Owed;
            // Only messages queued while the session is offline are journaled as they come.
            m.Journaled[n] = !online;
            publisher.Publish("cmd/x", n.ToString(), qos, false, 1 + n % 60000);
            b.CommitStorage();
            Packet p;
            while ((p = publisher.Read()) != null)
            {
                if (p.Type == PacketType.PubRec)
                {
                    publisher.PubRel(p.PacketId);
                }
            }
        }

        // Reads what the broker sent and acknowledges some of it: fully, halfway (QoS 2) or not at all.
        private static void ReadSome(TestClient sensor, Model m, System.Random random, string where)
        {
            Packet p;
            while ((p = sensor.Read()) != null)
            {
                if (p.Type == PacketType.Publish)
                {
                    int n = int.Parse(p.PayloadText);
                    Assert.IsTrue(m.State[n] == Owed, where + ": message " + n + " delivered again after its acknowledgement (state " + m.State[n] + ")");
                    m.PacketId[n] = p.PacketId;
                    if (random.Next(10) < 7)
                    {
                        if (p.Qos == 1)
                        {
                            sensor.PubAck(p.PacketId);
                            m.State[n] = Acked;
                        }
                        else
                        {
                            sensor.PubRec(p.PacketId);
                            m.State[n] = PubRecSent;
                        }
                    }
                }
                else if (p.Type == PacketType.PubRel)
                {
                    int n = Find(m, PubRecSent, p.PacketId);
                    Assert.IsTrue(n >= 0, where + ": PUBREL for an unknown packet id " + p.PacketId);
                    sensor.PubComp(p.PacketId);
                    m.State[n] = Acked;
                }
            }
        }

        // What the session has not acknowledged is journaled when it goes offline; a QoS 2 message whose
        // PUBREC was sent has no bytes left to journal (its PUBREL comes on reconnect, unless the power is cut).
        private static void GoOffline(TestClient sensor, Model m, bool clean)
        {
            if (clean)
            {
                sensor.Disconnect();
            }
            else
            {
                sensor.Drop();
            }
            for (int i = 0; i < m.Published; i++)
            {
                if (m.State[i] == Owed)
                {
                    m.Journaled[i] = true;
                }
                else if (m.State[i] == PubRecSent)
                {
                    m.Journaled[i] = false;
                }
            }
        }

        private static void CheckAfterCut(TestClient sensor, Model m, string where)
        {
            m.Cuts++;
            bool[] delivered = new bool[Steps + 1];
            bool any = true;
            while (any)
            {
                any = false;
                Packet p;
                while ((p = sensor.Read()) != null)
                {
                    any = true;
                    if (p.Type == PacketType.Publish)
                    {
                        int n = int.Parse(p.PayloadText);
                        Assert.IsFalse(m.State[n] == Acked, where + ": message " + n + ", acknowledged before the cut, came again");
                        delivered[n] = true;
                        if (p.Qos == 1)
                        {
                            sensor.PubAck(p.PacketId);
                        }
                        else
                        {
                            sensor.PubRec(p.PacketId);
                        }
                    }
                    else if (p.Type == PacketType.PubRel)
                    {
                        sensor.PubComp(p.PacketId);
                    }
                }
            }
            for (int i = 0; i < m.Published; i++)
            {
                if (m.State[i] == Owed && m.Journaled[i])
                {
                    Assert.IsTrue(delivered[i], where + ": message " + i + ", journaled and not acknowledged, was lost");
                }
                // Everything that came is acknowledged now; the rest was never journaled, as designed.
                m.State[i] = delivered[i] || m.State[i] == Acked ? Acked : (m.State[i] == Unsent ? Unsent : Lost);
                m.Journaled[i] = false;
            }
        }

        private static int Find(Model m, int state, int packetId)
        {
            for (int i = 0; i < m.Published; i++)
            {
                if (m.State[i] == state && m.PacketId[i] == packetId)
                {
                    return i;
                }
            }
            return -1;
        }
    }
}
