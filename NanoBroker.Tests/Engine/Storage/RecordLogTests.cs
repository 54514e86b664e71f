#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using System.Collections;
using NanoBroker.Protocol;
using NanoBroker.Storage;
using NanoBroker.Tests.Engine.Harness;

namespace NanoBroker.Tests.Engine.Storage
{
    /// <summary>The record codec and the append-only log: round trips, torn tails, bit flips, interrupted compaction.</summary>
    [TestClass]
    public class RecordLogTests
    {
        private const int BatchBytes = 2048;

        [TestMethod]
        public void EveryKindRoundTripsInOrder()
        {
            RamStorage ram = new RamStorage();
            string[] written = WriteSample(ram);
            string[] replayed = Replay(ram);
            Assert.AreEqual(written.Length, replayed.Length);
            for (int i = 0; i < written.Length; i++)
            {
                Assert.AreEqual(written[i], replayed[i]);
            }
        }

        [TestMethod]
        public void RecordSizeIsTwentyTwoBytesPlusFields()
        {
            RamStorage ram = new RamStorage();
            RecordLog log = OpenLog(ram);
            long before = log.BytesWritten;
            Append(log, RecordKind.RetainedSet, 1, 0, "", "home/lamp", "on");
            log.Commit();
            Assert.AreEqual(22 + 9 + 2, (int)(log.BytesWritten - before));
            Assert.AreEqual(RecordLog.FileHeaderBytes + 22 + 9 + 2, (int)log.Length);
        }

        [TestMethod]
        public void CoalesceRetainedTakesOutOnlyAnEarlierRetainedRecordOfTheSameTopic()
        {
            RamStorage ram = new RamStorage();
            RecordLog log = OpenLog(ram);
            Append(log, RecordKind.RetainedSet, 0, 0, "", "home/lamp", "on");
            log.Commit();
            Append(log, RecordKind.RetainedSet, 0, 0, "", "home/lamp", "dim");
            Append(log, RecordKind.SubscriptionSet, 1, 0, "sensor-1", "home/lamp", "");
            Append(log, RecordKind.RetainedClear, 0, 0, "", "home/lamp2", "");
            Append(log, RecordKind.RetainedSet, 0, 0, "", "home/lamp", "off");
            log.CoalesceRetained();
            Append(log, RecordKind.RetainedClear, 0, 0, "", "home/lamp2", "");
            log.CoalesceRetained();
            log.Commit();

            string[] replayed = Replay(ram);
            Assert.AreEqual(4, replayed.Length, "the committed value, the subscription, the newest set and the newest clear");
            Assert.AreEqual(RecordKind.RetainedSet + "|0|0||home/lamp|on", replayed[0]);
            Assert.AreEqual(RecordKind.SubscriptionSet + "|1|0|sensor-1|home/lamp|", replayed[1]);
            Assert.AreEqual(RecordKind.RetainedSet + "|0|0||home/lamp|off", replayed[2]);
            Assert.AreEqual(RecordKind.RetainedClear + "|0|0||home/lamp2|", replayed[3]);
        }

        [TestMethod]
        public void NothingReachesTheBackendBeforeCommit()
        {
            RamStorage ram = new RamStorage();
            RecordLog log = OpenLog(ram);
            Append(log, RecordKind.SessionSet, 0, 0, "sensor-1", "", "");
            Assert.IsTrue(log.HasPending);
            Assert.AreEqual(RecordLog.FileHeaderBytes, (int)ram.Length(RecordLog.FileName));
            log.Commit();
            Assert.IsFalse(log.HasPending);
            Assert.AreEqual(RecordLog.FileHeaderBytes + 22 + 8, (int)ram.Length(RecordLog.FileName));
        }

        [TestMethod]
        public void TruncationAtEveryOffsetOfTheLastRecordLosesOnlyThatRecord()
        {
            RamStorage ram = new RamStorage();
            string[] written = WriteSample(ram);
            byte[] whole = ram.Get(RecordLog.FileName);
            int lastStart = whole.Length - LastRecordSize(written);
            for (int cut = lastStart; cut < whole.Length; cut++)
            {
                RamStorage torn = new RamStorage();
                torn.Put(RecordLog.FileName, whole, cut);
                RecordLog log = new RecordLog(torn, BatchBytes);
                Assert.IsNull(log.Open());
                CollectingSink sink = new CollectingSink();
                long dropped = log.Replay(sink, new byte[BatchBytes], new RecordView());
                Assert.AreEqual(cut - lastStart, (int)dropped);
                AssertPrefix(written, sink, written.Length - 1);
                Assert.AreEqual(lastStart, (int)torn.Length(RecordLog.FileName));
            }
        }

        [TestMethod]
        public void TruncationInsideTheFileHeaderStartsAnEmptyLog()
        {
            RamStorage ram = new RamStorage();
            WriteSample(ram);
            byte[] whole = ram.Get(RecordLog.FileName);
            for (int cut = 0; cut < RecordLog.FileHeaderBytes; cut++)
            {
                RamStorage torn = new RamStorage();
                torn.Put(RecordLog.FileName, whole, cut);
                Assert.AreEqual(0, Replay(torn).Length);
            }
        }

        [TestMethod]
        public void AFlippedBitAnywhereStopsReplayAtThatRecordAndNeverDeliversGarbage()
        {
            RamStorage ram = new RamStorage();
            string[] written = WriteSample(ram);
            byte[] whole = ram.Get(RecordLog.FileName);
            int[] recordEnds = RecordEnds(whole);
            for (int position = RecordLog.FileHeaderBytes; position < whole.Length; position++)
            {
                for (int bit = 0; bit < 8; bit++)
                {
                    byte[] damaged = (byte[])whole.Clone();
                    damaged[position] ^= (byte)(1 << bit);
                    RamStorage flipped = new RamStorage();
                    flipped.Put(RecordLog.FileName, damaged, damaged.Length);
                    RecordLog log = new RecordLog(flipped, BatchBytes);
                    Assert.IsNull(log.Open());
                    CollectingSink sink = new CollectingSink();
                    long dropped = log.Replay(sink, new byte[BatchBytes], new RecordView());
                    int damagedRecord = 0;
                    while (recordEnds[damagedRecord] <= position)
                    {
                        damagedRecord++;
                    }
                    AssertPrefix(written, sink, damagedRecord);
                    Assert.IsTrue(dropped > 0);
                }
            }
        }

        [TestMethod]
        public void AFlippedBitInTheFileHeaderIsRefusedWithAMessage()
        {
            RamStorage ram = new RamStorage();
            WriteSample(ram);
            byte[] whole = ram.Get(RecordLog.FileName);
            for (int position = 0; position < 6; position++)
            {
                byte[] damaged = (byte[])whole.Clone();
                damaged[position] ^= 0x01;
                RamStorage flipped = new RamStorage();
                flipped.Put(RecordLog.FileName, damaged, damaged.Length);
                Assert.IsNotNull(new RecordLog(flipped, BatchBytes).Open());
            }
        }

        [TestMethod]
        public void ALogOfAnotherFormatVersionIsRefusedNamingBothVersions()
        {
            RamStorage ram = new RamStorage();
            WriteSample(ram);
            byte[] bytes = ram.Get(RecordLog.FileName);
            bytes[5] = 2;
            ram.Put(RecordLog.FileName, bytes, bytes.Length);
            string problem = new RecordLog(ram, BatchBytes).Open();
            Assert.IsNotNull(problem);
            Assert.IsTrue(problem.IndexOf("version 2") >= 0);
            Assert.IsTrue(problem.IndexOf("version 1") >= 0);
        }

        [TestMethod]
        public void ACutAtEveryStepOfCompactionLeavesEitherTheOldOrTheNewLogWhole()
        {
            string[] after = CompactedLines();
            for (int cutAt = 0; ; cutAt++)
            {
                RamStorage ram = new RamStorage();
                string[] before = WriteSample(ram);
                ram.OperationsBeforeCut = cutAt;
                bool finished = true;
                try
                {
                    Compact(OpenLog(ram));
                }
                catch (PowerCutException)
                {
                    finished = false;
                }
                for (int torn = 0; torn <= 20; torn += 5)
                {
                    string[] survived = Replay(ram.AfterPowerCut(torn));
                    Assert.IsTrue(SameLines(before, survived) || SameLines(after, survived), "cut at " + cutAt + " torn " + torn);
                }
                if (finished)
                {
                    Assert.IsTrue(cutAt > 3);
                    Assert.IsTrue(SameLines(after, Replay(ram.AfterPowerCut(0))));
                    return;
                }
            }
        }

        // Writes one record of every kind but CompactionEnd, commits, and returns them as lines.
        private static string[] WriteSample(RamStorage ram)
        {
            RecordLog log = OpenLog(ram);
            Append(log, RecordKind.SessionSet, 0, 0, "sensor-1", "", "");
            Append(log, RecordKind.SubscriptionSet, 2, 0, "sensor-1", "cmd/#", "");
            Append(log, RecordKind.RetainedSet, 1, 0, "", "home/lamp", "on");
            Append(log, RecordKind.RetainedClear, 0, 0, "", "home/fan", "");
            Append(log, RecordKind.SubscriptionClear, 0, 0, "sensor-1", "old/+", "");
            Append(log, RecordKind.WillSet, 1 | 4, 3, "sensor-1", "status/sensor-1", "offline");
            Append(log, RecordKind.QueuedMessage, 2 << 1, 0, "sensor-1", "cmd/a", "one");
            Append(log, RecordKind.QueueDone, 0, 0, "sensor-1", "", "");
            Append(log, RecordKind.QueueClear, 0, 0, "sensor-1", "", "");
            log.Commit();
            Append(log, RecordKind.WillClear, 0, 3, "", "", "");
            Append(log, RecordKind.SessionClear, 0, 0, "sensor-1", "", "");
            log.Commit();
            return new string[]
            {
                Line(RecordKind.SessionSet, 0, 0, "sensor-1", "", ""),
                Line(RecordKind.SubscriptionSet, 2, 0, "sensor-1", "cmd/#", ""),
                Line(RecordKind.RetainedSet, 1, 0, "", "home/lamp", "on"),
                Line(RecordKind.RetainedClear, 0, 0, "", "home/fan", ""),
                Line(RecordKind.SubscriptionClear, 0, 0, "sensor-1", "old/+", ""),
                Line(RecordKind.WillSet, 5, 3, "sensor-1", "status/sensor-1", "offline"),
                Line(RecordKind.QueuedMessage, 4, 0, "sensor-1", "cmd/a", "one"),
                Line(RecordKind.QueueDone, 0, 0, "sensor-1", "", ""),
                Line(RecordKind.QueueClear, 0, 0, "sensor-1", "", ""),
                Line(RecordKind.WillClear, 0, 3, "", "", ""),
                Line(RecordKind.SessionClear, 0, 0, "sensor-1", "", ""),
            };
        }

        // A compaction writing a smaller live set.
        private static void Compact(RecordLog log)
        {
            log.BeginCompaction();
            Append(log, RecordKind.RetainedSet, 1, 0, "", "home/lamp", "on");
            Append(log, RecordKind.SessionSet, 0, 0, "sensor-2", "", "");
            log.EndCompaction();
        }

        // The lines of the log that Compact writes.
        private static string[] CompactedLines()
        {
            return new string[]
            {
                Line(RecordKind.RetainedSet, 1, 0, "", "home/lamp", "on"),
                Line(RecordKind.SessionSet, 0, 0, "sensor-2", "", ""),
                Line(RecordKind.CompactionEnd, 0, 0, "", "", ""),
            };
        }

        private static RecordLog OpenLog(RamStorage ram)
        {
            RecordLog log = new RecordLog(ram, BatchBytes);
            Assert.IsNull(log.Open());
            return log;
        }

        private static string[] Replay(RamStorage ram)
        {
            RecordLog log = new RecordLog(ram, BatchBytes);
            Assert.IsNull(log.Open());
            CollectingSink sink = new CollectingSink();
            log.Replay(sink, new byte[BatchBytes], new RecordView());
            return sink.ToArray();
        }

        private static void Append(RecordLog log, int kind, int flags, int key, string a, string b, string c)
        {
            byte[] ab = Utf8.GetBytes(a);
            byte[] bb = Utf8.GetBytes(b);
            byte[] cb = Utf8.GetBytes(c);
            log.Append(kind, flags, key, ab, 0, ab.Length, bb, 0, bb.Length, cb, 0, cb.Length);
        }

        private static string Line(int kind, int flags, int key, string a, string b, string c)
        {
            return kind + "|" + flags + "|" + key + "|" + a + "|" + b + "|" + c;
        }

        private static int LastRecordSize(string[] lines)
        {
            // The sample's last record is SessionClear of "sensor-1".
            return Record.SizeOf(8, 0, 0);
        }

        // Where each record of a log file ends.
        private static int[] RecordEnds(byte[] file)
        {
            ArrayList ends = new ArrayList();
            RecordView view = new RecordView();
            int at = RecordLog.FileHeaderBytes;
            while (at < file.Length)
            {
                at += Record.Decode(file, at, file.Length - at, file.Length, view);
                ends.Add(at);
            }
            int[] result = new int[ends.Count];
            for (int i = 0; i < result.Length; i++)
            {
                result[i] = (int)ends[i];
            }
            return result;
        }

        private static void AssertPrefix(string[] written, CollectingSink sink, int count)
        {
            string[] got = sink.ToArray();
            Assert.AreEqual(count, got.Length);
            for (int i = 0; i < count; i++)
            {
                Assert.AreEqual(written[i], got[i]);
            }
        }

        private static bool SameLines(string[] a, string[] b)
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

        private sealed class CollectingSink : IRecordSink
        {
            private readonly ArrayList lines = new ArrayList();

            public void Apply(RecordView r)
            {
                lines.Add(Line(r.Kind, r.Flags, r.Key,
                    Utf8.GetString(r.Buffer, r.AStart, r.ALength),
                    Utf8.GetString(r.Buffer, r.BStart, r.BLength),
                    Utf8.GetString(r.Buffer, r.CStart, r.CLength)));
            }

            public string[] ToArray()
            {
                string[] result = new string[lines.Count];
                for (int i = 0; i < result.Length; i++)
                {
                    result[i] = (string)lines[i];
                }
                return result;
            }
        }
    }
}
