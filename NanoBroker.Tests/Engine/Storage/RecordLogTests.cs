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
            Append(log, RecordKind.RetainedSet, 0, 0, 60, "", "home/lamp", Properties, "dim");
            Append(log, RecordKind.SubscriptionSet, 1, 0, "sensor-1", "home/lamp", "");
            Append(log, RecordKind.RetainedClear, 0, 0, "", "home/lamp2", "");
            Append(log, RecordKind.RetainedSet, 0, 0, 60, "", "home/lamp", Properties, "off");
            log.CoalesceRetained();
            Append(log, RecordKind.RetainedClear, 0, 0, "", "home/lamp2", "");
            log.CoalesceRetained();
            log.Commit();

            string[] replayed = Replay(ram);
            Assert.AreEqual(4, replayed.Length, "the committed value, the subscription, the newest set and the newest clear");
            Assert.AreEqual(Line(RecordKind.RetainedSet, 0, 0, "", "home/lamp", "on"), replayed[0]);
            Assert.AreEqual(Line(RecordKind.SubscriptionSet, 1, 0, "sensor-1", "home/lamp", ""), replayed[1]);
            Assert.AreEqual(Line(RecordKind.RetainedSet, 0, 0, 60, "", "home/lamp", Properties, "off"), replayed[2]);
            Assert.AreEqual(Line(RecordKind.RetainedClear, 0, 0, "", "home/lamp2", ""), replayed[3]);
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
            // The sample's last record is SessionClear of "sensor-1".
            AssertTruncationLosesOnlyTheLastRecord(ram.Get(RecordLog.FileName), written, Record.SizeOf(8, 0, 0));
        }

        [TestMethod]
        public void TruncationAtEveryOffsetOfTheLastRecordOfAVersion1LogLosesOnlyThatRecord()
        {
            AssertTruncationLosesOnlyTheLastRecord(Version1Sample().ToArray(), Version1SampleLines(), Version1Log.RecordOverhead + 8);
        }

        private static void AssertTruncationLosesOnlyTheLastRecord(byte[] whole, string[] written, int lastSize)
        {
            int lastStart = whole.Length - lastSize;
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
            AssertFlippedBitsStopReplayAtTheirRecord(ram.Get(RecordLog.FileName), written, RecordLog.FormatVersion);
        }

        [TestMethod]
        public void AFlippedBitAnywhereInAVersion1LogStopsReplayAtThatRecord()
        {
            AssertFlippedBitsStopReplayAtTheirRecord(Version1Sample().ToArray(), Version1SampleLines(), RecordLog.Version1);
        }

        private static void AssertFlippedBitsStopReplayAtTheirRecord(byte[] whole, string[] written, int version)
        {
            int[] recordEnds = RecordEnds(whole, version);
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
            int[] unknown = { 0, 3, 0x0102 };
            for (int i = 0; i < unknown.Length; i++)
            {
                bytes[4] = (byte)(unknown[i] >> 8);
                bytes[5] = (byte)unknown[i];
                ram.Put(RecordLog.FileName, bytes, bytes.Length);
                string problem = new RecordLog(ram, BatchBytes).Open();
                Assert.IsNotNull(problem);
                Assert.IsTrue(problem.IndexOf("version " + unknown[i]) >= 0, problem);
                Assert.IsTrue(problem.IndexOf("version 2") >= 0, problem);
                Assert.AreEqual(bytes.Length, (int)ram.Length(RecordLog.FileName), "nothing written");
            }
        }

        [TestMethod]
        public void AVersion1LogIsReadWithTheValuesItsRecordsMeant()
        {
            RamStorage ram = Version1Sample().ToStorage(RecordLog.FileName);
            RecordLog log = new RecordLog(ram, BatchBytes);
            Assert.IsNull(log.Open());
            Assert.IsTrue(log.NeedsUpgrade);
            CollectingSink sink = new CollectingSink();
            Assert.AreEqual(0, (int)log.Replay(sink, new byte[BatchBytes], new RecordView()));
            AssertPrefix(Version1SampleLines(), sink, Version1SampleLines().Length);
            Assert.IsTrue(log.NeedsUpgrade);
        }

        [TestMethod]
        public void NothingIsAppendedToAVersion1LogAndACompactionRewritesItAsVersion2()
        {
            byte[] original = Version1Sample().ToArray();
            RamStorage ram = Version1Sample().ToStorage(RecordLog.FileName);
            RecordLog log = new RecordLog(ram, BatchBytes);
            Assert.IsNull(log.Open());
            log.Replay(new CollectingSink(), new byte[BatchBytes], new RecordView());
            Append(log, RecordKind.RetainedClear, 0, 0, "", "home/lamp", "");
            bool refused = false;
            try
            {
                log.Commit();
            }
            catch (System.InvalidOperationException)
            {
                refused = true;
            }
            Assert.IsTrue(refused);
            Expect.Bytes(original, ram.Get(RecordLog.FileName), "the version 1 log");

            Compact(log);
            Assert.IsFalse(log.NeedsUpgrade);
            Assert.AreEqual(RecordLog.FormatVersion, (int)ram.Get(RecordLog.FileName)[5]);
            Assert.IsTrue(SameLines(CompactedLines(), Replay(ram)));
            Append(log, RecordKind.SessionClear, 0, 0, "sensor-2", "", "");
            log.Commit();
            Assert.AreEqual(CompactedLines().Length + 1, Replay(ram).Length);
        }

        [TestMethod]
        public void ACompleteVersion1CompactionFileAnOlderBuildLeftIsSwappedInAndRead()
        {
            Version1Log compacted = new Version1Log()
                .Add(RecordKind.RetainedSet, 1, 0, "", "home/lamp", "on")
                .Add(RecordKind.CompactionEnd, 0, 0, "", "", "");
            RamStorage ram = compacted.ToStorage(RecordLog.CompactionFileName);
            byte[] old = new Version1Log().Add(RecordKind.RetainedSet, 0, 0, "", "home/lamp", "off").ToArray();
            ram.Put(RecordLog.FileName, old, old.Length);
            RecordLog log = new RecordLog(ram, BatchBytes);
            Assert.IsNull(log.Open());
            Assert.IsTrue(log.NeedsUpgrade);
            Assert.AreEqual(-1, (int)ram.Length(RecordLog.CompactionFileName));
            CollectingSink sink = new CollectingSink();
            log.Replay(sink, new byte[BatchBytes], new RecordView());
            string[] got = sink.ToArray();
            Assert.AreEqual(2, got.Length);
            Assert.AreEqual(Line(RecordKind.RetainedSet, 1, 0, "", "home/lamp", "on"), got[0]);
        }

        // [MQTT-3.3.2-3] (properties forwarded unaltered): the D field and the Value come back as written, Value's
        // top bit included, and C lies after D.
        [TestMethod]
        public void TheDFieldAndTheValueRoundTripThroughTheCodec()
        {
            byte[] buffer = new byte[128];
            byte[] topic = Utf8.GetBytes("home/lamp");
            byte[] payload = Utf8.GetBytes("on");
            uint[] values = { 0, 1, 3600, 0x7FFFFFFF, 0x80000000, Record.NoExpiry };
            for (int i = 0; i < values.Length; i++)
            {
                int size = Record.Encode(buffer, 3, RecordKind.RetainedSet, 1, 0, values[i], null, 0, 0, topic, 0, topic.Length,
                    Properties, 0, Properties.Length, payload, 0, payload.Length);
                Assert.AreEqual(Record.SizeOf(0, topic.Length, Properties.Length, payload.Length), size);
                Assert.AreEqual(22 + 9 + Properties.Length + 2, size);
                RecordView view = new RecordView();
                Assert.AreEqual(size, Record.Decode(buffer, 3, size, size, view));
                Assert.AreEqual((long)values[i], (long)view.Value);
                Assert.AreEqual(Hex(Properties, 0, Properties.Length), Hex(view.Buffer, view.DStart, view.DLength));
                Assert.AreEqual("home/lamp", Utf8.GetString(view.Buffer, view.BStart, view.BLength));
                Assert.AreEqual("on", Utf8.GetString(view.Buffer, view.CStart, view.CLength));
                Assert.AreEqual(view.DStart + view.DLength, view.CStart);
                Assert.AreEqual(Record.Incomplete, Record.Decode(buffer, 3, size - 1, size, view));
            }
        }

        [TestMethod]
        public void ACutOrFlippedVersion2HeaderIsIncompleteOrCorrupt()
        {
            byte[] buffer = new byte[64];
            byte[] topic = Utf8.GetBytes("a/b");
            int size = Record.Encode(buffer, 0, RecordKind.WillSet, 1, 2, 30, null, 0, 0, topic, 0, topic.Length, Properties, 0, Properties.Length, null, 0, 0);
            RecordView view = new RecordView();
            for (int cut = 0; cut < size; cut++)
            {
                Assert.AreEqual(Record.Incomplete, Record.Decode(buffer, 0, cut, 64, view));
            }
            // Each byte of the header, the new fields (length D at 12, Value at 14) among them.
            for (int at = 0; at < Record.HeaderBytes; at++)
            {
                byte[] damaged = (byte[])buffer.Clone();
                damaged[at] ^= 0x01;
                int decoded = Record.Decode(damaged, 0, size, 64, view);
                Assert.IsTrue(decoded == Record.Corrupt || decoded == Record.Incomplete, "byte " + at);
            }
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
            Append(log, RecordKind.SessionSet, 0, 0, 86400, "sensor-1", "", null, "");
            Append(log, RecordKind.SubscriptionSet, 2, 0, "sensor-1", "cmd/#", "");
            Append(log, RecordKind.SubscriptionSet, 1 | 4 | 8, 0, 7, "sensor-1", "$share/g/jobs/+", null, "");
            Append(log, RecordKind.RetainedSet, 1, 0, 3600, "", "home/lamp", Properties, "on");
            Append(log, RecordKind.RetainedClear, 0, 0, "", "home/fan", "");
            Append(log, RecordKind.SubscriptionClear, 0, 0, "sensor-1", "old/+", "");
            Append(log, RecordKind.WillSet, 1 | 4, 3, 30, "sensor-1", "status/sensor-1", Properties, "offline");
            Append(log, RecordKind.QueuedMessage, 2 << 1, 0, "sensor-1", "cmd/a", "one");
            Append(log, RecordKind.QueueDone, 0, 0, "sensor-1", "", "");
            Append(log, RecordKind.QueueClear, 0, 0, "sensor-1", "", "");
            log.Commit();
            Append(log, RecordKind.WillClear, 0, 3, "", "", "");
            Append(log, RecordKind.SessionClear, 0, 0, "sensor-1", "", "");
            log.Commit();
            return new string[]
            {
                Line(RecordKind.SessionSet, 0, 0, 86400, "sensor-1", "", null, ""),
                Line(RecordKind.SubscriptionSet, 2, 0, "sensor-1", "cmd/#", ""),
                Line(RecordKind.SubscriptionSet, 13, 0, 7, "sensor-1", "$share/g/jobs/+", null, ""),
                Line(RecordKind.RetainedSet, 1, 0, 3600, "", "home/lamp", Properties, "on"),
                Line(RecordKind.RetainedClear, 0, 0, "", "home/fan", ""),
                Line(RecordKind.SubscriptionClear, 0, 0, "sensor-1", "old/+", ""),
                Line(RecordKind.WillSet, 5, 3, 30, "sensor-1", "status/sensor-1", Properties, "offline"),
                Line(RecordKind.QueuedMessage, 4, 0, "sensor-1", "cmd/a", "one"),
                Line(RecordKind.QueueDone, 0, 0, "sensor-1", "", ""),
                Line(RecordKind.QueueClear, 0, 0, "sensor-1", "", ""),
                Line(RecordKind.WillClear, 0, 3, "", "", ""),
                Line(RecordKind.SessionClear, 0, 0, "sensor-1", "", ""),
            };
        }

        // The sample as a build before version 2 wrote it (no sharing, no properties), and what it reads as.
        private static Version1Log Version1Sample()
        {
            return new Version1Log()
                .Add(RecordKind.SessionSet, 0, 0, "sensor-1", "", "")
                .Add(RecordKind.SubscriptionSet, 2, 0, "sensor-1", "cmd/#", "")
                .Add(RecordKind.RetainedSet, 1, 0, "", "home/lamp", "on")
                .Add(RecordKind.RetainedClear, 0, 0, "", "home/fan", "")
                .Add(RecordKind.WillSet, 1 | 4, 3, "sensor-1", "status/sensor-1", "offline")
                .Add(RecordKind.QueuedMessage, 2 << 1, 0, "sensor-1", "cmd/a", "one")
                .Add(RecordKind.QueueDone, 0, 0, "sensor-1", "", "")
                .Add(RecordKind.WillClear, 0, 3, "", "", "")
                .Add(RecordKind.SessionClear, 0, 0, "sensor-1", "", "");
        }

        private static string[] Version1SampleLines()
        {
            return new string[]
            {
                Line(RecordKind.SessionSet, 0, 0, Record.NoExpiry, "sensor-1", "", null, ""),
                Line(RecordKind.SubscriptionSet, 2, 0, 0, "sensor-1", "cmd/#", null, ""),
                Line(RecordKind.RetainedSet, 1, 0, Record.NoExpiry, "", "home/lamp", null, "on"),
                Line(RecordKind.RetainedClear, 0, 0, 0, "", "home/fan", null, ""),
                Line(RecordKind.WillSet, 5, 3, 0, "sensor-1", "status/sensor-1", null, "offline"),
                Line(RecordKind.QueuedMessage, 4, 0, Record.NoExpiry, "sensor-1", "cmd/a", null, "one"),
                Line(RecordKind.QueueDone, 0, 0, 0, "sensor-1", "", null, ""),
                Line(RecordKind.WillClear, 0, 3, 0, "", "", null, ""),
                Line(RecordKind.SessionClear, 0, 0, 0, "sensor-1", "", null, ""),
            };
        }

        // MQTT 5.0 properties as a PUBLISH carries them: Payload Format Indicator 1, Content Type "text".
        private static readonly byte[] Properties = { 0x01, 0x01, 0x03, 0x00, 0x04, (byte)'t', (byte)'e', (byte)'x', (byte)'t' };

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

        private static void Append(RecordLog log, int kind, int flags, int key, uint value, string a, string b, byte[] d, string c)
        {
            byte[] ab = Utf8.GetBytes(a);
            byte[] bb = Utf8.GetBytes(b);
            byte[] cb = Utf8.GetBytes(c);
            log.Append(kind, flags, key, value, ab, 0, ab.Length, bb, 0, bb.Length, d, 0, d == null ? 0 : d.Length, cb, 0, cb.Length);
        }

        // A record without properties, with the value of its kind when none is given.
        private static string Line(int kind, int flags, int key, string a, string b, string c)
        {
            return Line(kind, flags, key, Record.DefaultValue(kind), a, b, null, c);
        }

        private static string Line(int kind, int flags, int key, uint value, string a, string b, byte[] d, string c)
        {
            return kind + "|" + flags + "|" + key + "|" + value + "|" + a + "|" + b + "|" + (d == null ? "" : Hex(d, 0, d.Length)) + "|" + c;
        }

        private static string Hex(byte[] bytes, int start, int length)
        {
            string hex = "";
            for (int i = start; i < start + length; i++)
            {
                hex += bytes[i].ToString("x2");
            }
            return hex;
        }

        // Where each record of a log file ends.
        private static int[] RecordEnds(byte[] file, int version)
        {
            ArrayList ends = new ArrayList();
            RecordView view = new RecordView();
            int at = RecordLog.FileHeaderBytes;
            while (at < file.Length)
            {
                at += Record.Decode(file, at, file.Length - at, file.Length, version, view);
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
                byte[] d = new byte[r.DLength];
                System.Array.Copy(r.Buffer, r.DStart, d, 0, r.DLength);
                lines.Add(Line(r.Kind, r.Flags, r.Key, r.Value,
                    Utf8.GetString(r.Buffer, r.AStart, r.ALength),
                    Utf8.GetString(r.Buffer, r.BStart, r.BLength),
                    r.DLength == 0 ? null : d,
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
