using System;
using System.Collections.Generic;
using System.IO;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoBroker.Esp32;
using NanoBroker.Storage;
using NanoBroker.Tests.Engine.Harness;

namespace NanoBroker.Tests.Device
{
    /// <summary>
    /// The board's storage backend (hardware/esp32/FlashStorage.cs, System.IO over I:\) on a real file system:
    /// the IStorageBackend contract RecordLog relies on, the broker's durable state across a restart, and the
    /// write pattern the flash budget rests on (hardware/README.md, "Flash budget"), seen through IFlashTrace.
    /// </summary>
    [TestClass]
    public class FlashStorageTests
    {
        private string folder;

        [TestInitialize]
        public void MakeFolder()
        {
            folder = Path.Combine(Path.GetTempPath(), "nanobroker-flash-" + Guid.NewGuid().ToString("N")) + Path.DirectorySeparatorChar;
            Directory.CreateDirectory(folder);
        }

        [TestCleanup]
        public void RemoveFolder()
        {
            Directory.Delete(folder, true);
        }

        [TestMethod]
        public void AppendReadTruncateRenameAndDeleteAsRecordLogExpects()
        {
            FlashStorage storage = new FlashStorage(folder);
            Assert.AreEqual(-1, storage.Length("a.log"), "a missing file");
            byte[] bytes = { 1, 2, 3, 4, 5, 6, 7, 8 };
            storage.Append("a.log", bytes, 0, 5);
            Assert.AreEqual(5, storage.Length("a.log"), "the length counts what is appended before the flush");
            storage.Append("a.log", bytes, 5, 3);
            storage.Flush("a.log");
            Assert.AreEqual(8, new FileInfo(folder + "a.log").Length, "flushed to the file");

            byte[] read = new byte[10];
            Assert.AreEqual(3, storage.Read("a.log", 5, read, 1, 9), "a read past the end returns what there is");
            CollectionAssert.AreEqual(new byte[] { 0, 6, 7, 8, 0, 0, 0, 0, 0, 0 }, read);

            storage.Truncate("a.log", 2);
            Assert.AreEqual(2, storage.Length("a.log"));

            storage.Append("b.log", bytes, 0, 1);
            storage.Flush("b.log");
            storage.Rename("b.log", "a.log");
            Assert.AreEqual(1, storage.Length("a.log"), "the rename replaced the existing file");
            Assert.AreEqual(-1, storage.Length("b.log"));

            storage.Delete("a.log");
            Assert.AreEqual(-1, storage.Length("a.log"));
        }

        [TestMethod]
        public void RetainedMessagesAndAPersistentSessionSurviveARestartOnFlashStorage()
        {
            BrokerOptions options = TestBroker.SmallOptions();
            options.StorageCommitDelayMs = 0;
            TestBroker before = TestBroker.Restored(new FlashStorage(folder), options);
            TestClient publisher = before.Connect("pub");
            publisher.Publish("home/lamp", "on", 1, true, 1);
            publisher.Publish("home/door", "open", 0, true, 0);
            TestClient sleeper = before.Connect("sleeper", false);
            sleeper.Subscribe(1, "alerts/#", 1);
            before.CommitStorage();

            // A new broker on the same folder, as after a reset of the board.
            TestBroker after = TestBroker.Restored(new FlashStorage(folder), options);
            StringAssert.Contains(after.RestoreSummary, "2 retained");
            TestClient reader = after.Connect("reader");
            reader.Subscribe(1, "home/#", 1);
            Packet[] got = reader.ReadAll();
            Assert.AreEqual(3, got.Length);
            Expect.Publish(got[1], "home/lamp", "on", 1, true);
            Expect.Publish(got[2], "home/door", "open", 0, true);
            TestClient resumed = after.Resume("sleeper");
            reader.Publish("alerts/smoke", "kitchen", 0, false, 0);
            Expect.Publish(resumed.Read(), "alerts/smoke", "kitchen", 0, false);
        }

        [TestMethod]
        public void ACommitIsOneOpenOneWriteAndOneCloseAndLeavesNothingOpen()
        {
            Calls calls = new Calls();
            RecordLog log = new RecordLog(new FlashStorage(folder, calls), 2048);
            Assert.IsNull(log.Open());
            for (int commit = 0; commit < 3; commit++)
            {
                calls.Clear();
                AppendRetained(log, "home/lamp", "on");
                AppendRetained(log, "home/fan", "off");
                Assert.AreEqual(0, calls.Count, "nothing reaches the file system before the commit");
                log.Commit();
                CollectionAssert.AreEqual(new[] { "open 0 broker.log Append Write", "write 0 " + (2 * 22 + 9 + 2 + 8 + 3), "flush 0", "close 0" }, calls.ToArray(),
                    "one open, one write of the whole batch, one close: the close is what makes it durable on the board");
                Assert.AreEqual(log.Length, new FileInfo(folder + RecordLog.FileName).Length, "on disk");
                // Nothing holds the file: it opens with no sharing at all.
                new FileStream(folder + RecordLog.FileName, FileMode.Open, FileAccess.ReadWrite, FileShare.None).Dispose();
            }
        }

        [TestMethod]
        public void WhatWasFlushedIsReadByAnotherInstanceWithoutTheFirstClosing()
        {
            FlashStorage first = new FlashStorage(folder);
            RecordLog log = new RecordLog(first, 2048);
            Assert.IsNull(log.Open());
            AppendRetained(log, "home/lamp", "on");
            log.Commit();
            AppendRetained(log, "home/lamp", "pending");

            // As after a power cut: a new storage over the same folder, the first one abandoned as it is.
            RecordLog after = new RecordLog(new FlashStorage(folder), 2048);
            Assert.IsNull(after.Open());
            Collector records = new Collector();
            Assert.AreEqual(0, (int)after.Replay(records, new byte[2048], new RecordView()));
            CollectionAssert.AreEqual(new[] { "home/lamp=on" }, records.Seen);
        }

        [TestMethod]
        public void ARestoreReadsTheLogThroughOneOpenAndClosesItBeforeTheNextAppend()
        {
            RecordLog log = new RecordLog(new FlashStorage(folder), 2048);
            Assert.IsNull(log.Open());
            for (int i = 0; i < 200; i++)
            {
                AppendRetained(log, "home/counter", "value " + i);
                if (i % 10 == 9)
                {
                    log.Commit();
                }
            }
            Assert.IsTrue(log.Length > 3 * 2048, "more than one read's worth");

            Calls calls = new Calls();
            RecordLog after = new RecordLog(new FlashStorage(folder, calls), 2048);
            Assert.IsNull(after.Open());
            Collector records = new Collector();
            after.Replay(records, new byte[2048], new RecordView());
            Assert.AreEqual(200, records.Seen.Count);
            Assert.AreEqual(1, calls.Occurrences("open 1 broker.log Open Read"), "one open for every read of the restore");
            AppendRetained(after, "home/counter", "next");
            after.Commit();
            string[] tail = calls.Last(5);
            CollectionAssert.AreEqual(new[] { "close 1", "open 0 broker.log Append Write", "write 0 " + (22 + 12 + 4), "flush 0", "close 0" }, tail,
                "the read stream is closed before the file is appended to");
        }

        [TestMethod]
        public void RetainedUpdatesAtQos0AreWrittenOncePerTopicAfterTheRetainedDelay()
        {
            BrokerOptions options = TestBroker.SmallOptions();
            options.StorageCommitDelayMs = 100;
            options.StorageRetainedDelayMs = 60000;
            Calls calls = new Calls();
            TestBroker b = TestBroker.Restored(new FlashStorage(folder, calls), options);
            TestClient publisher = b.Connect("pub");
            calls.Clear();

            // 30 updates of 3 topics over 30 s: nothing is written until the first has waited a minute.
            for (int i = 0; i < 30; i++)
            {
                publisher.Publish("home/t" + (i % 3), "v" + i, 0, true, 0);
                b.Broker.CommitStorageIfDue(b.Clock.Advance(1000));
            }
            Assert.AreEqual(0, calls.Count, "no file-system call within StorageRetainedDelayMs");
            b.Broker.CommitStorageIfDue(b.Clock.Advance(30000));
            CollectionAssert.AreEqual(new[] { "open 0 broker.log Append Write", "write 0 " + 3 * (22 + 7 + 3), "flush 0", "close 0" }, calls.ToArray(),
                "one commit of the newest value of each topic");

            TestBroker after = TestBroker.Restored(new FlashStorage(folder), TestBroker.SmallOptions());
            TestClient reader = after.Subscriber("reader", "home/#", 0);
            Packet[] got = reader.ReadAll();
            Assert.AreEqual(3, got.Length);
            Expect.Publish(got[0], "home/t0", "v27", 0, true);
            Expect.Publish(got[1], "home/t1", "v28", 0, true);
            Expect.Publish(got[2], "home/t2", "v29", 0, true);
        }

        private static void AppendRetained(RecordLog log, string topic, string payload)
        {
            byte[] t = System.Text.Encoding.UTF8.GetBytes(topic);
            byte[] p = System.Text.Encoding.UTF8.GetBytes(payload);
            log.Append(RecordKind.RetainedSet, 0, 0, null, 0, 0, t, 0, t.Length, p, 0, p.Length);
        }

        // Every call FlashStorage makes, as "operation stream file FileMode FileAccess" / "operation stream value".
        private sealed class Calls : IFlashTrace
        {
            private readonly List<string> calls = new List<string>();

            public int Count { get { return calls.Count; } }

            public void Call(string operation, int stream, string file, long value)
            {
                switch (operation)
                {
                    case "open": calls.Add("open " + stream + " " + file + " " + (FileMode)(value / 16) + " " + (FileAccess)(value % 16)); break;
                    case "write": case "read": case "seek": case "setlength": calls.Add(operation + " " + stream + " " + value); break;
                    case "flush": case "close": case "length": calls.Add(operation + " " + stream); break;
                    default: calls.Add(operation + " " + file); break;
                }
            }

            public void Clear() { calls.Clear(); }

            public string[] ToArray() { return calls.ToArray(); }

            public int Occurrences(string call) { return calls.FindAll(c => c == call).Count; }

            public string[] Last(int n) { return calls.GetRange(calls.Count - n, n).ToArray(); }
        }

        private sealed class Collector : IRecordSink
        {
            public readonly List<string> Seen = new List<string>();

            public void Apply(RecordView r)
            {
                Seen.Add(System.Text.Encoding.UTF8.GetString(r.Buffer, r.BStart, r.BLength) + "=" + System.Text.Encoding.UTF8.GetString(r.Buffer, r.CStart, r.CLength));
            }
        }
    }
}
