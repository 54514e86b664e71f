using System;
using System.IO;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoBroker.Esp32;
using NanoBroker.Storage;
using NanoBroker.Tests.Engine.Harness;

namespace NanoBroker.Tests.Device
{
    /// <summary>
    /// The board's storage backend (hardware/esp32/FlashStorage.cs, System.IO over I:\) on a real file system:
    /// the IStorageBackend contract RecordLog relies on, and the broker's durable state across a restart.
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
    }
}
