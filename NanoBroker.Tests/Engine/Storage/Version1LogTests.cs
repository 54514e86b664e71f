#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;
using NanoBroker.Storage;
using NanoBroker.Tests.Engine.Harness;

namespace NanoBroker.Tests.Engine.Storage
{
    /// <summary>
    /// A log written by a build before record format version 2 (built here byte by byte): today's broker restores
    /// all it holds and rewrites it as version 2 at once, never appending to it.
    /// </summary>
    [TestClass]
    public class Version1LogTests
    {
        [TestMethod]
        public void AVersion1LogIsRestoredWholeAndRewrittenAsVersion2()
        {
            BrokerOptions options = Options();
            RamStorage ram = SampleLog().ToStorage(RecordLog.FileName);
            TestBroker b = TestBroker.Restored(ram, options);
            Assert.IsTrue(b.RestoreSummary.IndexOf("published 1 wills") >= 0, b.RestoreSummary);
            Assert.IsTrue(b.RestoreSummary.IndexOf("cut") < 0, b.RestoreSummary);
            Assert.AreEqual((int)StorageState.Ok, (int)b.Broker.StorageState);
            RamStorage upgraded = ram.AfterPowerCut(0);
            AssertVersion2(upgraded);
            AssertSampleState(b);

            // Restarted once more from the rewritten log: the same state, and the will is not published again.
            TestBroker again = TestBroker.Restored(upgraded, options);
            Assert.IsTrue(again.RestoreSummary.IndexOf("published 0 wills") >= 0, again.RestoreSummary);
            AssertSampleState(again);
            AssertVersion2(upgraded);
        }

        [TestMethod]
        public void AVersion1LogWhoseRewriteFailsIsNeverAppendedToAndIsRewrittenByTheRetry()
        {
            BrokerOptions options = Options();
            byte[] original = SampleLog().ToArray();
            RamStorage ram = SampleLog().ToStorage(RecordLog.FileName);
            ram.FailWrites = true;
            TestBroker b = TestBroker.Restored(ram, options);
            Assert.AreEqual((int)StorageState.Failing, (int)b.Broker.StorageState);
            TestClient publisher = b.Connect("pub");
            publisher.Publish("home/door", "open", 0, true, 0);
            b.CommitStorage();
            ram.FailWrites = false;
            b.CommitStorage();
            Expect.Bytes(original, ram.Get(RecordLog.FileName), "the version 1 log, untouched");

            b.Tick(Broker.StorageRetryMs);
            Assert.AreEqual((int)StorageState.Ok, (int)b.Broker.StorageState);
            AssertVersion2(ram);
            AssertSampleState(TestBroker.Restored(ram.AfterPowerCut(0), options));
        }

        // One session with a subscription and two queued messages (the first acknowledged), retained messages (one
        // cleared), and the will of a client connected at the stop.
        private static Version1Log SampleLog()
        {
            return new Version1Log()
                .Add(RecordKind.SessionSet, 0, 0, "sensor-1", "", "")
                .Add(RecordKind.SubscriptionSet, 1, 0, "sensor-1", "cmd/#", "")
                .Add(RecordKind.RetainedSet, 1, 0, "", "home/lamp", "on")
                .Add(RecordKind.RetainedSet, 0, 0, "", "home/fan", "off")
                .Add(RecordKind.RetainedClear, 0, 0, "", "home/fan", "")
                .Add(RecordKind.QueuedMessage, 1 << 1, 0, "sensor-1", "cmd/a", "one")
                .Add(RecordKind.QueuedMessage, 2 << 1, 0, "sensor-1", "cmd/b", "two")
                .Add(RecordKind.QueueDone, 0, 0, "sensor-1", "", "")
                .Add(RecordKind.WillSet, 1 | 4, 0, "sensor-2", "status/sensor-2", "offline");
        }

        // What the sample log holds, as clients see it: the retained lamp (no fan) and the published will, retained
        // [MQTT-3.1.2-8] [MQTT-3.1.2-17]; the session present with its subscription [MQTT-3.2.2-2], and its unacknowledged message.
        private static void AssertSampleState(TestBroker b)
        {
            TestClient reader = b.Subscriber("reader", "home/#", 1);
            Expect.Publish(reader.Read(), "home/lamp", "on", 1, true);
            Assert.IsNull(reader.Read());
            TestClient watcher = b.Subscriber("watcher", "status/#", 1);
            Expect.Publish(watcher.Read(), "status/sensor-2", "offline", 1, true);

            TestClient sensor = b.Resume("sensor-1");
            Expect.Publish(sensor.Read(), "cmd/b", "two", 2, false);
            Assert.IsNull(sensor.Read());
            TestClient publisher = b.Connect("pub-check");
            publisher.Publish("cmd/reboot", "now", 1, false, 9);
            Expect.Publish(sensor.Read(), "cmd/reboot", "now", 1, false);
        }

        private static void AssertVersion2(RamStorage ram)
        {
            Assert.AreEqual(-1, (int)ram.Length(RecordLog.CompactionFileName));
            byte[] log = ram.Get(RecordLog.FileName);
            Assert.AreEqual(RecordLog.FormatVersion, (log[4] << 8) | log[5]);
            RecordLog reread = new RecordLog(ram.AfterPowerCut(0), 2048);
            Assert.IsNull(reread.Open());
            Assert.IsFalse(reread.NeedsUpgrade);
        }

        private static BrokerOptions Options()
        {
            BrokerOptions o = TestBroker.StorageOptions();
            o.PersistQueuedMessages = true;
            return o;
        }
    }
}
