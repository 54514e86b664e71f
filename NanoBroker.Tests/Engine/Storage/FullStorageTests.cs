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
    /// A storage that fills up or fails (a full littlefs partition on the board): the broker keeps serving, refuses
    /// new durable state with the limits' answers, never acknowledges what it could not make durable, and writes
    /// the log whole again once it can (README, "Data and restarts").
    /// </summary>
    [TestClass]
    public class FullStorageTests
    {
        [TestMethod]
        public void AFailingStorageDoesNotStopTheBrokerAndWhatWasLostIsNotAcknowledged()
        {
            RamStorage ram = new RamStorage();
            TestBroker b = TestBroker.Restored(ram, TestBroker.StorageOptions());
            TestClient subscriber = b.Subscriber("sub", "home/#", 1);
            TestClient publisher = b.Connect("pub", false);
            ram.FailWrites = true;
            publisher.Publish("home/lamp", "on", 1, true, 5);
            b.CommitStorage();

            Assert.AreEqual((int)StorageState.Failing, (int)b.Broker.StorageState);
            Assert.IsNull(publisher.Read(), "no PUBACK: the retained message could not be made durable");
            Assert.IsTrue(publisher.IsClosing, "closed without PUBACK: the client keeps the message and sends it again");
            Packet delivered = Expect.Publish(subscriber.Read(), "home/lamp", "on", 1, false);
            subscriber.PubAck(delivered.PacketId);

            // The broker goes on serving: messages that need no storage are acknowledged at once.
            TestClient other = b.Connect("other");
            other.Publish("home/fan", "off", 1, false, 7);
            Expect.Ack(other.Read(), PacketType.PubAck, 7);
            Expect.Publish(subscriber.Read(), "home/fan", "off", 1, false);
            Assert.IsTrue(b.Stats.StorageFailures >= 1);

            // The client comes back and sends the message again [MQTT-4.4.0-1]: acknowledged now, not stored.
            publisher.Drop();
            TestClient again = b.Resume("pub");
            again.Send(Packets.Publish("home/lamp", "on", 1, true, true, 5));
            Expect.Ack(again.Read(), PacketType.PubAck, 5);
        }

        [TestMethod]
        public void WhileTheStorageFailsNewDurableStateGetsTheLimitsAnswers()
        {
            RamStorage ram = new RamStorage();
            TestBroker b = TestBroker.Restored(ram, TestBroker.StorageOptions());
            TestClient sleeper = b.Connect("sleeper", false);
            b.Subscribe(sleeper, "cmd/#", 1);
            TestClient publisher = b.Connect("pub");
            publisher.Publish("home/lamp", "on", 0, true, 0);
            b.CommitStorage();
            Fail(b, ram, publisher);

            // A new persistent session cannot be made durable: CONNACK 3.
            b.ConnectExpecting(Packets.Connect("fresh", false, 0), ConnectReturnCode.ServerUnavailable);

            b.ConnectExpecting(Packets.Connect("willing", true, 60, "status/willing", "gone", 1, true), ConnectReturnCode.ServerUnavailable);

            // What needs no storage goes on: a clean session without a will, and resuming a session that exists.
            TestClient clean = b.Connect("clean");
            sleeper.Disconnect();
            TestClient resumed = b.Resume("sleeper");
            resumed.Send(Packets.Subscribe(3, new string[] { "cmd/#", "alerts/#" }, new int[] { 1, 1 }));
            Packet suback = resumed.Read();
            Expect.Type(PacketType.SubAck, suback);
            Expect.AreEqual(1, suback.ReturnCodes[0], "the existing subscription stays granted");
            Expect.AreEqual(0x80, suback.ReturnCodes[1], "a new subscription of a persistent session is refused");

            // A retained message is delivered, not stored, and the topic's older value does not stay in its place.
            TestClient watcher = b.Subscriber("watcher", "home/#", 0);
            Expect.Publish(watcher.Read(), "home/lamp", "off", 0, true);
            long refused = b.Stats.RetainedRefused;
            clean.Publish("home/lamp", "dim", 0, true, 0);
            Expect.Publish(watcher.Read(), "home/lamp", "dim", 0, false);
            Assert.AreEqual(refused + 1, b.Stats.RetainedRefused);
            TestClient late = b.Subscriber("late", "home/#", 0);
            Assert.IsNull(late.Read(), "no retained message rather than an older one");
        }

        [TestMethod]
        public void WhenTheStorageWorksAgainTheLogIsWrittenWholeFromMemory()
        {
            RamStorage ram = new RamStorage();
            BrokerOptions options = TestBroker.StorageOptions();
            TestBroker b = TestBroker.Restored(ram, options);
            TestClient sleeper = b.Connect("sleeper", false);
            b.Subscribe(sleeper, "cmd/#", 1);
            TestClient publisher = b.Connect("pub");
            publisher.Publish("home/lamp", "on", 0, true, 0);
            publisher.Publish("home/fan", "on", 0, true, 0);
            b.CommitStorage();

            ram.FailWrites = true;
            publisher.Publish("home/lamp", "off", 0, true, 0);
            publisher.Publish("home/fan", "", 0, true, 0);
            b.CommitStorage();
            Assert.AreEqual((int)StorageState.Failing, (int)b.Broker.StorageState);
            publisher.Publish("home/door", "open", 0, true, 0);

            b.Tick(Broker.StorageRetryMs);
            Assert.AreEqual((int)StorageState.Failing, (int)b.Broker.StorageState, "still failing: the retry failed too");
            ram.FailWrites = false;
            b.Tick(Broker.StorageRetryMs);
            Assert.AreEqual((int)StorageState.Ok, (int)b.Broker.StorageState);
            b.Connect("fresh", false);

            // The log now holds what memory held: the lamp's newest value, the fan cleared, no door (it was refused).
            TestBroker after = TestBroker.Restored(ram.AfterPowerCut(0), options);
            Assert.IsTrue(after.RestoreSummary.IndexOf("cut") < 0, "no torn records: " + after.RestoreSummary);
            TestClient reader = after.Connect("reader");
            reader.Subscribe(1, "home/#", 0);
            Packet[] got = reader.ReadAll();
            Assert.AreEqual(2, got.Length);
            Expect.Publish(got[1], "home/lamp", "off", 0, true);
            after.Resume("sleeper");
            after.Resume("fresh");
        }

        [TestMethod]
        public void AFileSystemThatFillsUpKeepsWhatWasAcknowledgedAndTakesItAllBackWithRoom()
        {
            RamStorage ram = new RamStorage();
            BrokerOptions options = TestBroker.StorageOptions();
            TestBroker b = TestBroker.Restored(ram, options);
            TestClient publisher = b.Connect("pub");
            ram.Capacity = ram.Used + 300;
            int acknowledged = -1;
            int i = 0;
            for (; i < 50; i++)
            {
                publisher.Publish("sensor/temperature", "reading number " + i, 1, true, i + 1);
                b.CommitStorage();
                Packet ack = publisher.Read();
                if (ack == null)
                {
                    break;
                }
                Expect.Ack(ack, PacketType.PubAck, i + 1);
                acknowledged = i;
            }
            Assert.IsTrue(acknowledged >= 0 && i < 50, "the file system filled up after " + acknowledged);
            Assert.AreEqual((int)StorageState.Failing, (int)b.Broker.StorageState);
            Assert.IsTrue(publisher.IsClosing, "the PUBLISH whose record did not fit is not acknowledged");

            // A cut now: the log holds every acknowledged value, and the torn append is cut off.
            TestBroker cut = TestBroker.Restored(ram.AfterPowerCut(1000), options);
            Expect.Publish(cut.Subscriber("reader", "sensor/#", 0).Read(), "sensor/temperature", "reading number " + acknowledged, 0, true);

            // Room again: the retry rewrites the log from memory, which has the newest value.
            ram.Capacity = -1;
            b.Tick(Broker.StorageRetryMs);
            Assert.AreEqual((int)StorageState.Ok, (int)b.Broker.StorageState);
            TestBroker after = TestBroker.Restored(ram.AfterPowerCut(0), options);
            Expect.Publish(after.Subscriber("reader", "sensor/#", 0).Read(), "sensor/temperature", "reading number " + i, 0, true);
        }

        [TestMethod]
        public void MaxStorageBytesBoundsTheFilesAndAFullStorageRefusesNewRetainedMessagesUntilItShrinks()
        {
            BrokerOptions options = TestBroker.StorageOptions();
            options.MaxPacketSize = 256;
            options.OutboxBytes = 1024;
            options.StorageBatchBytes = 512;
            options.StorageCompactBytes = 2048;
            options.MaxStorageBytes = 8192;
            RamStorage ram = new RamStorage();
            TestBroker b = TestBroker.Restored(ram, options);
            TestClient publisher = b.Connect("pub");
            string payload = "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789";
            for (int i = 0; i < 30; i++)
            {
                publisher.Publish("t/" + i, payload, 1, true, i + 1);
                b.CommitStorage();
                Expect.Ack(publisher.Read(), PacketType.PubAck, i + 1);
            }
            Assert.AreEqual((int)StorageState.Full, (int)b.Broker.StorageState);
            int stored = b.Broker.Retained.Count;
            Assert.IsTrue(stored >= 16 && stored < 30, stored + " stored: the live state may take a quarter of MaxStorageBytes");
            Assert.AreEqual(30 - stored, (int)b.Stats.RetainedRefused);

            // What exists is still written: clearing the stored topics is acknowledged once durable.
            for (int i = 0; i < stored; i++)
            {
                publisher.Publish("t/" + i, "", 1, true, 100 + i);
                b.CommitStorage();
                Expect.Ack(publisher.Read(), PacketType.PubAck, 100 + i);
            }
            Assert.AreEqual((int)StorageState.Full, (int)b.Broker.StorageState, "left only by the retry, after a compaction");
            b.Tick(Broker.StorageRetryMs);
            Assert.AreEqual((int)StorageState.Ok, (int)b.Broker.StorageState);
            publisher.Publish("t/new", "stored", 1, true, 200);
            b.CommitStorage();
            Expect.Ack(publisher.Read(), PacketType.PubAck, 200);
            Expect.Publish(b.Subscriber("reader", "t/#", 0).Read(), "t/new", "stored", 0, true);
            Assert.IsTrue(ram.PeakUsed <= options.MaxStorageBytes, "the log and its compaction copy took " + ram.PeakUsed + " bytes");

            TestBroker after = TestBroker.Restored(ram.AfterPowerCut(0), options);
            Assert.AreEqual(1, after.Broker.Retained.Count);
        }

        [TestMethod]
        public void QueuedMessagesAreKeptInMemoryWhileFailingAndWrittenWhenItEnds()
        {
            BrokerOptions options = TestBroker.StorageOptions();
            options.PersistQueuedMessages = true;
            RamStorage ram = new RamStorage();
            TestBroker b = TestBroker.Restored(ram, options);
            TestClient sensor = b.Connect("sensor-1", false);
            b.Subscribe(sensor, "cmd/#", 1);
            sensor.Disconnect();
            TestClient publisher = b.Connect("pub");
            publisher.Publish("cmd/a", "one", 1, false, 1);
            b.CommitStorage();
            Expect.Ack(publisher.Read(), PacketType.PubAck, 1);
            Fail(b, ram, publisher);

            publisher.Publish("cmd/b", "two", 1, false, 2);
            Expect.Ack(publisher.Read(), PacketType.PubAck, 2);

            ram.FailWrites = false;
            b.Tick(Broker.StorageRetryMs);
            Assert.AreEqual((int)StorageState.Ok, (int)b.Broker.StorageState);
            publisher.Publish("cmd/c", "three", 1, false, 3);
            b.CommitStorage();
            Expect.Ack(publisher.Read(), PacketType.PubAck, 3);

            TestBroker after = TestBroker.Restored(ram.AfterPowerCut(0), options);
            TestClient again = after.Resume("sensor-1");
            Expect.Publish(again.Read(), "cmd/a", "one", 1, false);
            Expect.Publish(again.Read(), "cmd/b", "two", 1, false);
            Expect.Publish(again.Read(), "cmd/c", "three", 1, false);
            Assert.IsNull(again.Read());
        }

        [TestMethod]
        public void AFailureWhileCompactingKeepsTheOldLogAndDeletesTheHalfWrittenOne()
        {
            BrokerOptions options = TestBroker.StorageOptions();
            options.StorageCompactBytes = 4096;
            RamStorage ram = new RamStorage();
            TestBroker b = TestBroker.Restored(ram, options);
            TestClient publisher = b.Connect("pub");
            for (int i = 0; i < 20; i++)
            {
                publisher.Publish("keep/" + i, "value of topic " + i, 0, true, 0);
            }
            b.CommitStorage();
            for (int i = 0; i < 500 && b.Broker.StorageState == StorageState.Ok; i++)
            {
                if (ram.Length(RecordLog.FileName) + 64 > options.StorageCompactBytes && ram.Capacity < 0)
                {
                    // Room for the batch, not for the compacted copy of 20 retained messages.
                    ram.Capacity = ram.Used + 200;
                }
                publisher.Publish("churn", "value " + i, 0, true, 0);
                b.CommitStorage();
            }
            Assert.AreEqual((int)StorageState.Failing, (int)b.Broker.StorageState);
            Assert.AreEqual(-1, (int)ram.Length(RecordLog.CompactionFileName), "the incomplete compaction file is deleted");

            TestBroker after = TestBroker.Restored(ram.AfterPowerCut(0), options);
            Assert.AreEqual(21, after.Broker.Retained.Count, "the old log is whole");
        }

        [TestMethod]
        public void TheBrokerStartsOnAStorageThatCannotBeWritten()
        {
            RamStorage ram = new RamStorage();
            ram.FailWrites = true;
            TestBroker b = TestBroker.Restored(ram, TestBroker.StorageOptions());
            Assert.AreEqual((int)StorageState.Failing, (int)b.Broker.StorageState);
            Assert.IsTrue(b.RestoreSummary.IndexOf("failing") >= 0, b.RestoreSummary);
            TestClient client = b.Connect("client");
            client.Publish("a/b", "c", 1, false, 1);
            Expect.Ack(client.Read(), PacketType.PubAck, 1);

            ram.FailWrites = false;
            b.Tick(Broker.StorageRetryMs);
            Assert.AreEqual((int)StorageState.Ok, (int)b.Broker.StorageState);
            b.Connect("persistent", false);
        }

        [TestMethod]
        public void TheStateIsPublishedUnderSysAndLoggedOncePerChange()
        {
            BrokerOptions options = TestBroker.StorageOptions();
            options.SysIntervalMs = 1000;
            RamStorage ram = new RamStorage();
            StorageLog log = new StorageLog();
            TestBroker b = TestBroker.RestoredWithLog(ram, options, log);
            b.Tick(0);
            TestClient sys = b.Subscriber("sys", "$SYS/broker/storage/#", 0);
            Assert.AreEqual("ok", StateIn(sys.ReadAll()));

            TestClient publisher = b.Connect("pub");
            Fail(b, ram, publisher);
            for (int i = 0; i < 10; i++)
            {
                publisher.Publish("home/t", "v" + i, 0, true, 0);
                b.CommitStorage();
            }
            b.Tick(1000);
            Assert.AreEqual("failing", StateIn(sys.ReadAll()));
            Assert.AreEqual(1, log.StateChanges, "one line for the change, none per refused message");

            ram.FailWrites = false;
            b.Tick(Broker.StorageRetryMs);
            Assert.AreEqual("ok", StateIn(sys.ReadAll()));
            Assert.AreEqual(2, log.StateChanges);
        }

        // Makes the next commit fail: the storage state becomes Failing (a retained update the batch carried is lost).
        private static void Fail(TestBroker b, RamStorage ram, TestClient publisher)
        {
            ram.FailWrites = true;
            publisher.Publish("home/lamp", "off", 0, true, 0);
            b.CommitStorage();
            Assert.AreEqual((int)StorageState.Failing, (int)b.Broker.StorageState);
            Assert.IsFalse(publisher.IsClosing, "a QoS 0 publisher had nothing held back");
        }

        // The last $SYS/broker/storage/state value among the packets, or null.
        private static string StateIn(Packet[] packets)
        {
            string state = null;
            for (int i = 0; i < packets.Length; i++)
            {
                if (packets[i].Type == PacketType.Publish && packets[i].TopicText == "$SYS/broker/storage/state")
                {
                    state = packets[i].PayloadText;
                }
            }
            return state;
        }
    }

    /// <summary>Counts the broker's lines about the storage state (failing, full, written again, room again).</summary>
    public sealed class StorageLog : IBrokerLog
    {
        public int StateChanges;

        public bool Verbose { get { return false; } }

        public void Info(string line)
        {
        }

        public void Warning(string line)
        {
            if (line.IndexOf("storage: ") == 0 && line.IndexOf("compacted") < 0)
            {
                StateChanges++;
            }
        }
    }
}
