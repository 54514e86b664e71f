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
    /// <summary>What survives a restart or a power cut: retained messages, persistent sessions, wills.</summary>
    [TestClass]
    public class BrokerStorageTests
    {
        [TestMethod]
        public void ARetainedQos1PublishIsAcknowledgedOnlyOnceItsRecordIsDurable()
        {
            BrokerOptions options = TestBroker.StorageOptions();
            options.StorageCommitDelayMs = 100;
            RamStorage ram = new RamStorage();
            TestBroker b = TestBroker.Restored(ram, options);
            TestClient publisher = b.Connect("pub");
            long before = ram.Length(RecordLog.FileName);
            publisher.Publish("home/lamp", "on", 1, true, 5);
            Assert.IsNull(publisher.Read());
            Assert.AreEqual((int)before, (int)ram.Length(RecordLog.FileName));

            b.Clock.Advance(b.Broker.Options.StorageCommitDelayMs);
            b.Broker.CommitStorageIfDue(b.Clock.Now);
            Expect.Ack(publisher.Read(), PacketType.PubAck, 5);
            Assert.AreEqual((int)before + 22 + 9 + 2, (int)ram.Length(RecordLog.FileName));
        }

        [TestMethod]
        public void RetainedMessagesSurviveAPowerCut()
        {
            RamStorage ram = new RamStorage();
            TestBroker b = Start(ram);
            TestClient publisher = b.Connect("pub");
            publisher.Publish("home/lamp", "on", 1, true, 1);
            publisher.Publish("home/fan", "off", 0, true, 0);
            publisher.Publish("home/door", "open", 2, true, 2);
            publisher.Publish("home/fan", "", 0, true, 0);
            b.CommitStorage();

            TestBroker after = Start(ram.AfterPowerCut(0));
            TestClient reader = after.Connect("reader");
            reader.Subscribe(1, "home/#", 2);
            Packet[] got = reader.ReadAll();
            Assert.AreEqual(3, got.Length);
            Expect.Type(PacketType.SubAck, got[0]);
            Expect.Publish(got[1], "home/lamp", "on", 1, true);
            Expect.Publish(got[2], "home/door", "open", 2, true);
        }

        [TestMethod]
        public void APersistentSessionAndItsSubscriptionsSurviveARestart()
        {
            RamStorage ram = new RamStorage();
            TestBroker b = Start(ram);
            TestClient sensor = b.Connect("sensor-1", false);
            b.Subscribe(sensor, "cmd/#", 1);
            b.CommitStorage();

            TestBroker after = Start(ram.AfterPowerCut(0));
            TestClient again = after.Resume("sensor-1");
            TestClient publisher = after.Connect("pub");
            publisher.Publish("cmd/reboot", "now", 1, false, 9);
            Expect.Publish(again.Read(), "cmd/reboot", "now", 1, false);
        }

        [TestMethod]
        public void ACleanSessionLeavesNoSessionBehind()
        {
            RamStorage ram = new RamStorage();
            TestBroker b = Start(ram);
            TestClient sensor = b.Connect("sensor-1", false);
            b.Subscribe(sensor, "cmd/#", 1);
            sensor.Disconnect();
            TestClient clean = b.Connect("sensor-1", true);
            clean.Disconnect();
            b.CommitStorage();

            TestBroker after = Start(ram.AfterPowerCut(0));
            TestClient again = after.Open();
            again.Send(Packets.Connect("sensor-1", false, 0));
            Assert.IsFalse(after.ExpectConnAck(again, ConnectReturnCode.Accepted).SessionPresent);
        }

        [TestMethod]
        public void TheWillOfAClientConnectedAtThePowerCutIsPublishedAfterRestart()
        {
            RamStorage ram = new RamStorage();
            TestBroker b = Start(ram);
            b.Connect(Packets.Connect("sensor-1", true, 60, "status/sensor-1", "offline", 1, true));
            b.CommitStorage();

            RamStorage second = ram.AfterPowerCut(0);
            TestBroker after = Start(second);
            TestClient reader = after.Subscriber("reader", "status/#", 1);
            Expect.Publish(reader.Read(), "status/sensor-1", "offline", 1, true);

            // Published once: after clearing its retained copy, a second restart does not publish it again.
            TestClient clearer = after.Connect("clearer");
            clearer.Publish("status/sensor-1", "", 0, true, 0);
            after.CommitStorage();
            TestBroker third = Start(second.AfterPowerCut(0));
            TestClient late = third.Subscriber("late", "status/#", 1);
            Assert.IsNull(late.Read());
        }

        [TestMethod]
        public void AWillReplacedThroughTheApiIsTheOnePublishedAfterRestart()
        {
            // Broker.ReplaceWill (an MQTT-SN client's WILLTOPICUPD/WILLMSGUPD) journals the new will as CONNECT's is.
            RamStorage ram = new RamStorage();
            TestBroker b = Start(ram);
            TestClient sensor = b.Connect(Packets.Connect("sensor-1", true, 60, "status/sensor-1", "offline", 1, true));
            byte[] topic = Utf8.GetBytes("status/sensor-1/battery");
            byte[] payload = Utf8.GetBytes("low");
            Assert.IsTrue(b.Broker.ReplaceWill(sensor.Connection, topic, 0, topic.Length, payload, 0, payload.Length, 0, true, b.Clock.Now));
            b.CommitStorage();

            TestBroker after = Start(ram.AfterPowerCut(0));
            TestClient reader = after.Subscriber("reader", "status/#", 1);
            Expect.Publish(reader.Read(), "status/sensor-1/battery", "low", 0, true);
            Assert.IsNull(reader.Read(), "the will of CONNECT is gone");
        }

        [TestMethod]
        public void AWillRemovedThroughTheApiIsNotPublishedAfterRestart()
        {
            RamStorage ram = new RamStorage();
            TestBroker b = Start(ram);
            TestClient sensor = b.Connect(Packets.Connect("sensor-1", true, 60, "status/sensor-1", "offline", 1, true));
            Assert.IsTrue(b.Broker.ReplaceWill(sensor.Connection, new byte[0], 0, 0, new byte[0], 0, 0, 0, false, b.Clock.Now));
            b.CommitStorage();

            TestBroker after = Start(ram.AfterPowerCut(0));
            TestClient reader = after.Subscriber("reader", "status/#", 1);
            Assert.IsNull(reader.Read());
        }

        [TestMethod]
        public void AClientThatSentDisconnectLeavesNoWill()
        {
            RamStorage ram = new RamStorage();
            TestBroker b = Start(ram);
            TestClient sensor = b.Connect(Packets.Connect("sensor-1", true, 60, "status/sensor-1", "offline", 1, true));
            sensor.Disconnect();
            b.CommitStorage();

            TestBroker after = Start(ram.AfterPowerCut(0));
            TestClient reader = after.Subscriber("reader", "status/#", 1);
            Assert.IsNull(reader.Read());
        }

        [TestMethod]
        public void AnUncommittedRetainedUpdateCutAtAnyByteLeavesTheOldOrTheNewValue()
        {
            for (int torn = 0; torn <= 22 + 9 + 3; torn++)
            {
                RamStorage ram = new RamStorage();
                TestBroker b = Start(ram);
                TestClient publisher = b.Connect("pub");
                publisher.Publish("home/lamp", "on", 0, true, 0);
                b.CommitStorage();
                publisher.Publish("home/lamp", "off", 0, true, 0);
                // The broker flushes through the backend only at commit: write the batch, then cut.
                TestBroker after = Start(CutWhileCommitting(b, ram, torn));
                TestClient reader = after.Subscriber("reader", "home/lamp", 0);
                Packet p = reader.Read();
                Assert.IsNotNull(p);
                bool old = p.PayloadText == "on";
                bool updated = p.PayloadText == "off";
                Assert.IsTrue(old || updated);
                Assert.IsTrue(updated == (torn == 22 + 9 + 3));
            }
        }

        [TestMethod]
        public void CompactionKeepsTheLogBoundedAndTheLatestValues()
        {
            BrokerOptions options = TestBroker.StorageOptions();
            options.StorageCompactBytes = 4096;
            RamStorage ram = new RamStorage();
            TestBroker b = TestBroker.Restored(ram, options);
            TestClient sensor = b.Connect("sensor-1", false);
            b.Subscribe(sensor, "cmd/#", 1);
            TestClient publisher = b.Connect("pub");
            for (int i = 0; i < 500; i++)
            {
                publisher.Publish("home/counter", "value " + i, 0, true, 0);
                b.CommitStorage();
                Assert.IsTrue(ram.Length(RecordLog.FileName) <= options.StorageCompactBytes + 64);
            }

            TestBroker after = TestBroker.Restored(ram.AfterPowerCut(0), options);
            TestClient reader = after.Subscriber("reader", "home/#", 0);
            Expect.Publish(reader.Read(), "home/counter", "value 499", 0, true);
            TestClient again = after.Resume("sensor-1");
        }

        // Compaction writes every retained message, wherever it sits in the store: cleared topics leave empty
        // slots between them, and the $SYS values share the store without being written.
        [TestMethod]
        public void CompactionKeepsRetainedMessagesAroundClearedTopics()
        {
            BrokerOptions options = TestBroker.StorageOptions();
            options.StorageCompactBytes = 4096;
            options.SysIntervalMs = 1000;
            RamStorage ram = new RamStorage();
            TestBroker b = TestBroker.Restored(ram, options);
            b.Tick(1);
            TestClient publisher = b.Connect("pub");
            for (int i = 0; i < 6; i++)
            {
                publisher.Publish("keep/" + i, "v" + i, 0, true, 0);
            }
            publisher.Publish("keep/1", "", 0, true, 0);
            publisher.Publish("keep/3", "", 0, true, 0);
            for (int i = 0; i < 300; i++)
            {
                publisher.Publish("churn", "value " + i, 0, true, 0);
                b.CommitStorage();
            }
            Assert.IsTrue(ram.Length(RecordLog.FileName) < options.StorageCompactBytes, "the log was compacted");

            TestBroker after = TestBroker.Restored(ram.AfterPowerCut(0), options);
            Assert.AreEqual(5, after.Broker.Retained.Count, "keep/0, 2, 4, 5 and churn");
            TestClient reader = after.Subscriber("reader", "keep/#", 0);
            Assert.AreEqual(4, reader.ReadAll().Length);
        }

        [TestMethod]
        public void MessagesQueuedForAnOfflineSessionSurviveAPowerCutWhenPersisted()
        {
            BrokerOptions options = PersistingOptions();
            RamStorage ram = new RamStorage();
            TestBroker b = TestBroker.Restored(ram, options);
            QueueThreeForAnOfflineSensor(b);

            RamStorage second = ram.AfterPowerCut(0);
            TestBroker after = TestBroker.Restored(second, options);
            TestClient again = after.Resume("sensor-1");
            Packet one = again.Read();
            Expect.Publish(one, "cmd/a", "one", 1, false);
            Packet two = again.Read();
            Expect.Publish(two, "cmd/b", "two", 2, false);
            Packet three = again.Read();
            Expect.Publish(three, "cmd/c", "three", 1, false);
            again.PubAck(one.PacketId);
            CompleteQos2(again, two);
            again.PubAck(three.PacketId);
            after.CommitStorage();

            // Delivered and acknowledged: a further restart delivers nothing again.
            TestBroker third = TestBroker.Restored(second.AfterPowerCut(0), options);
            TestClient last = third.Resume("sensor-1");
            Assert.IsNull(last.Read());
        }

        // [MQTT-4.3.3] exactly once: a journaled QoS 2 message the session completed (PUBCOMP), or a QoS 1
        // message it acknowledged, is not queued again by a restart while others of its queue are pending.
        [TestMethod]
        public void QueuedMessagesAcknowledgedBeforeAPowerCutAreNotDeliveredAgain()
        {
            BrokerOptions options = PersistingOptions();
            RamStorage ram = new RamStorage();
            TestBroker b = TestBroker.Restored(ram, options);
            QueueThreeForAnOfflineSensor(b);
            TestClient sensor = b.Resume("sensor-1");
            Packet one = sensor.Read();
            Packet two = sensor.Read();
            Packet three = sensor.Read();
            Expect.Publish(three, "cmd/c", "three", 1, false);
            sensor.PubAck(one.PacketId);
            CompleteQos2(sensor, two);
            b.CommitStorage();

            RamStorage second = ram.AfterPowerCut(0);
            TestBroker after = TestBroker.Restored(second, options);
            TestClient again = after.Resume("sensor-1");
            Packet redelivered = again.Read();
            Expect.Publish(redelivered, "cmd/c", "three", 1, false);
            Assert.IsNull(again.Read(), "only the unacknowledged message comes again");

            // The restart journaled the pending message afresh: a second cut keeps it, and only it.
            TestBroker third = TestBroker.Restored(second.AfterPowerCut(0), options);
            TestClient last = third.Resume("sensor-1");
            Expect.Publish(last.Read(), "cmd/c", "three", 1, false);
            Assert.IsNull(last.Read());
        }

        // A QoS 2 message whose PUBREC came, but not its PUBCOMP, at the cut: after the restart the session gets
        // the PUBREL again, with the same packet identifier [MQTT-4.4.0-1], and not the message; once PUBCOMP
        // comes, a further restart owes nothing.
        [TestMethod]
        public void AQos2MessageAwaitingPubCompAtTheCutGetsItsPubRelAgain()
        {
            BrokerOptions options = PersistingOptions();
            RamStorage ram = new RamStorage();
            TestBroker b = TestBroker.Restored(ram, options);
            QueueThreeForAnOfflineSensor(b);
            TestClient sensor = b.Resume("sensor-1");
            Packet one = sensor.Read();
            Packet two = sensor.Read();
            Packet three = sensor.Read();
            sensor.PubAck(one.PacketId);
            sensor.PubRec(two.PacketId);
            Expect.Ack(sensor.Read(), PacketType.PubRel, two.PacketId);
            sensor.PubAck(three.PacketId);
            b.CommitStorage();

            RamStorage second = ram.AfterPowerCut(0);
            TestBroker after = TestBroker.Restored(second, options);
            TestClient again = after.Resume("sensor-1");
            Expect.Ack(again.Read(), PacketType.PubRel, two.PacketId);
            Assert.IsNull(again.Read());
            again.PubComp(two.PacketId);
            after.CommitStorage();

            TestBroker last = TestBroker.Restored(second.AfterPowerCut(0), options);
            Assert.IsNull(last.Resume("sensor-1").Read());
        }

        // The issue's case: a QoS 2 message to a persistent subscriber that is online, PUBREC received, PUBCOMP not
        // yet, at the cut. After the restart the subscriber gets the PUBREL it is owed [MQTT-4.4.0-1] (a client
        // that hands the message over on PUBREL would lose it otherwise), and new messages never reuse its
        // packet identifier [MQTT-2.3.1-2].
        [TestMethod]
        public void AnOnlineSubscribersQos2FlowAtPubRelSurvivesARestart()
        {
            BrokerOptions options = PersistingOptions();
            RamStorage ram = new RamStorage();
            TestBroker b = TestBroker.Restored(ram, options);
            TestClient sensor = b.Connect("sensor-1", false);
            b.Subscribe(sensor, "cmd/#", 2);
            b.Connect("pub").Publish("cmd/a", "exactly once", 2, false, 1);
            Packet message = sensor.Read();
            Expect.Publish(message, "cmd/a", "exactly once", 2, false);
            sensor.PubRec(message.PacketId);
            Expect.Ack(sensor.Read(), PacketType.PubRel, message.PacketId);
            b.CommitStorage();

            TestBroker after = TestBroker.Restored(ram.AfterPowerCut(0), options);
            TestClient back = after.Resume("sensor-1");
            Expect.Ack(back.Read(), PacketType.PubRel, message.PacketId);
            after.Connect("pub").Publish("cmd/b", "next", 2, false, 1);
            Packet next = back.Read();
            Expect.Publish(next, "cmd/b", "next", 2, false);
            Assert.IsTrue(message.PacketId != next.PacketId, "the owed PUBREL's identifier is not reused");
        }

        // A journaled message dropped from a full queue (QueueFull = drop) stays dropped after a restart.
        [TestMethod]
        public void AQueuedMessageDroppedFromAFullQueueIsNotQueuedAgainByARestart()
        {
            BrokerOptions options = PersistingOptions();
            options.InflightWindow = 1;
            options.QueueDepth = 2;
            options.QueueFull = QueueFullPolicy.DropOldest;
            RamStorage ram = new RamStorage();
            TestBroker b = TestBroker.Restored(ram, options);
            TestClient sensor = b.Connect("sensor-1", false);
            b.Subscribe(sensor, "cmd/#", 1);
            sensor.Disconnect();
            TestClient publisher = b.Connect("pub");
            publisher.Publish("cmd/a", "one", 1, false, 1);
            publisher.Publish("cmd/b", "two", 1, false, 2);
            b.CommitStorage();
            // Online again: "one" in flight (window 1), "two" queued; two more arrive and "two" is dropped.
            TestClient online = b.Resume("sensor-1");
            Expect.Publish(online.Read(), "cmd/a", "one", 1, false);
            publisher.Publish("cmd/c", "three", 1, false, 3);
            publisher.Publish("cmd/d", "four", 1, false, 4);
            b.CommitStorage();

            TestBroker after = TestBroker.Restored(ram.AfterPowerCut(0), options);
            TestClient again = after.Resume("sensor-1");
            Packet first = again.Read();
            Expect.Publish(first, "cmd/a", "one", 1, false);
            again.PubAck(first.PacketId);
            Assert.IsNull(again.Read(), "the dropped message is not queued again (the online ones never were journaled)");
        }

        // Compaction writes what is pending afresh; acknowledgements after it are counted against the new records.
        [TestMethod]
        public void AcknowledgementsAcrossACompactionAreKept()
        {
            BrokerOptions options = PersistingOptions();
            RamStorage ram = new RamStorage();
            TestBroker b = TestBroker.Restored(ram, options);
            QueueThreeForAnOfflineSensor(b);
            TestClient sensor = b.Resume("sensor-1");
            Packet one = sensor.Read();
            Packet two = sensor.Read();
            Packet three = sensor.Read();
            sensor.PubAck(one.PacketId);
            b.CommitStorage();
            // Retained messages grow the log past StorageCompactBytes: the next commit compacts.
            TestClient filler = b.Connect("filler");
            for (int i = 0; i < 80; i++)
            {
                filler.Publish("fill/" + i, "0123456789012345678901234567890123456789", 0, true, 0);
                b.CommitStorage();
            }
            Assert.IsTrue(ram.Length(RecordLog.FileName) < options.StorageCompactBytes, "the log was compacted");
            CompleteQos2(sensor, two);
            b.CommitStorage();

            TestBroker after = TestBroker.Restored(ram.AfterPowerCut(0), options);
            TestClient again = after.Resume("sensor-1");
            Expect.Publish(again.Read(), "cmd/c", "three", 1, false);
            Assert.IsNull(again.Read());
        }

        // A log written with PersistQueuedMessages, opened with it off: the messages are delivered once, their
        // records are voided, and a compaction (which journals pending messages only when persisting) is safe.
        [TestMethod]
        public void QueuedRecordsReadWithPersistenceTurnedOffAreDeliveredAndVoided()
        {
            RamStorage ram = new RamStorage();
            TestBroker b = TestBroker.Restored(ram, PersistingOptions());
            QueueThreeForAnOfflineSensor(b);

            BrokerOptions off = PersistingOptions();
            off.PersistQueuedMessages = false;
            RamStorage second = ram.AfterPowerCut(0);
            TestBroker after = TestBroker.Restored(second, off);
            TestClient filler = after.Connect("filler");
            for (int i = 0; i < 80; i++)
            {
                filler.Publish("fill/" + i, "0123456789012345678901234567890123456789", 0, true, 0);
                after.CommitStorage();
            }
            TestClient sensor = after.Resume("sensor-1");
            Packet one = sensor.Read();
            Expect.Publish(one, "cmd/a", "one", 1, false);
            sensor.PubAck(one.PacketId);
            after.CommitStorage();

            TestBroker third = TestBroker.Restored(second.AfterPowerCut(0), off);
            Assert.IsNull(third.Resume("sensor-1").Read(), "the voided records queue nothing again");
        }

        [TestMethod]
        public void MessagesQueuedForAnOfflineSessionStayInMemoryWhenNotPersisted()
        {
            BrokerOptions options = TestBroker.StorageOptions();
            options.PersistQueuedMessages = false;
            RamStorage ram = new RamStorage();
            TestBroker b = TestBroker.Restored(ram, options);
            TestClient sensor = b.Connect("sensor-1", false);
            b.Subscribe(sensor, "cmd/#", 1);
            sensor.Disconnect();
            long before = ram.Length(RecordLog.FileName);
            TestClient publisher = b.Connect("pub");
            publisher.Publish("cmd/a", "one", 1, false, 1);
            b.CommitStorage();
            Assert.AreEqual((int)before, (int)ram.Length(RecordLog.FileName));

            TestBroker after = TestBroker.Restored(ram.AfterPowerCut(0), options);
            TestClient again = after.Resume("sensor-1");
            Assert.IsNull(again.Read());
        }

        [TestMethod]
        public void SysTopicsAreNotWrittenToTheLog()
        {
            BrokerOptions options = TestBroker.StorageOptions();
            options.SysIntervalMs = 1000;
            RamStorage ram = new RamStorage();
            TestBroker b = TestBroker.Restored(ram, options);
            long before = ram.Length(RecordLog.FileName);
            b.Tick(1000);
            b.Tick(1000);
            b.CommitStorage();
            Assert.AreEqual((int)before, (int)ram.Length(RecordLog.FileName));
        }

        private static BrokerOptions PersistingOptions()
        {
            BrokerOptions o = TestBroker.StorageOptions();
            o.PersistQueuedMessages = true;
            o.StorageCompactBytes = 4096;
            return o;
        }

        // sensor-1 (persistent, subscribed to cmd/# at QoS 2) is offline while cmd/a (QoS 1), cmd/b (QoS 2)
        // and cmd/c (QoS 1) are published: three journaled messages.
        private static void QueueThreeForAnOfflineSensor(TestBroker b)
        {
            TestClient sensor = b.Connect("sensor-1", false);
            b.Subscribe(sensor, "cmd/#", 2);
            sensor.Disconnect();
            TestClient publisher = b.Connect("pub");
            publisher.Publish("cmd/a", "one", 1, false, 1);
            publisher.Publish("cmd/b", "two", 2, false, 2);
            publisher.Publish("cmd/c", "three", 1, false, 3);
            b.CommitStorage();
        }

        private static TestBroker Start(RamStorage ram)
        {
            return TestBroker.Restored(ram, TestBroker.StorageOptions());
        }

        // The receiver's side of the QoS 2 flow for a delivered PUBLISH: PUBREC, the broker's PUBREL, PUBCOMP.
        private static void CompleteQos2(TestClient receiver, Packet publish)
        {
            receiver.PubRec(publish.PacketId);
            Expect.Ack(receiver.Read(), PacketType.PubRel, publish.PacketId);
            receiver.PubComp(publish.PacketId);
        }

        // Lets the commit write its batch but cuts the power before the flush, keeping `torn` bytes.
        private static RamStorage CutWhileCommitting(TestBroker b, RamStorage ram, int torn)
        {
            ram.OperationsBeforeCut = 1;
            try
            {
                b.CommitStorage();
            }
            catch (PowerCutException)
            {
            }
            return ram.AfterPowerCut(torn);
        }
    }
}
