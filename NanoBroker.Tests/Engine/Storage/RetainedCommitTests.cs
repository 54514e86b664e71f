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
    /// Retained messages wait up to StorageRetainedDelayMs to be written (at QoS 1/2 too when that is longer than
    /// StorageCommitDelayMs), and only the newest value of a topic is written (the board's flash budget,
    /// hardware/README.md); whatever else something waits for is still written within StorageCommitDelayMs.
    /// </summary>
    [TestClass]
    public class RetainedCommitTests
    {
        private const int CommitDelay = 100;
        private const int RetainedDelay = 60000;

        // A record of topic "home/lamp" (9 bytes) with a payload of 2 or 3 bytes.
        private const int LampOn = 22 + 9 + 2;
        private const int LampOff = 22 + 9 + 3;

        [TestMethod]
        public void ARetainedQos0PublishWaitsForTheRetainedDelayAndHoldsNothingBack()
        {
            RamStorage ram = new RamStorage();
            TestBroker b = TestBroker.Restored(ram, Options());
            TestClient publisher = b.Connect("pub");
            long before = ram.Length(RecordLog.FileName);

            publisher.Publish("home/lamp", "on", 0, true, 0);
            publisher.Send(Packets.PingReq());
            Expect.Type(PacketType.PingResp, publisher.Read());
            b.CommitStorage();
            Assert.AreEqual((int)before, (int)ram.Length(RecordLog.FileName), "not written after StorageCommitDelayMs");

            b.Broker.CommitStorageIfDue(b.Clock.Advance(RetainedDelay - CommitDelay));
            Assert.AreEqual((int)before + LampOn, (int)ram.Length(RecordLog.FileName), "written after StorageRetainedDelayMs");
            Assert.IsTrue(Restart(ram).RestoreSummary.IndexOf("1 retained") >= 0);
        }

        [TestMethod]
        public void OnlyTheNewestValueOfATopicIsWrittenAndTheDelayCountsFromTheFirst()
        {
            RamStorage ram = new RamStorage();
            TestBroker b = TestBroker.Restored(ram, Options());
            TestClient publisher = b.Connect("pub");
            long before = ram.Length(RecordLog.FileName);

            // Updated every 10 s, more often than the delay: still written once the first has waited it out.
            for (int i = 0; i < 6; i++)
            {
                publisher.Publish("home/lamp", i % 2 == 0 ? "on" : "off", 0, true, 0);
                publisher.Publish("home/fan", "v" + i, 0, true, 0);
                b.Broker.CommitStorageIfDue(b.Clock.Advance(10000));
            }
            Assert.AreEqual((int)before + LampOff + (22 + 8 + 2), (int)ram.Length(RecordLog.FileName), "one record per topic, the newest");

            TestClient reader = Restart(ram).Subscriber("reader", "home/#", 0);
            Packet[] got = reader.ReadAll();
            Assert.AreEqual(2, got.Length);
            Expect.Publish(got[0], "home/lamp", "off", 0, true);
            Expect.Publish(got[1], "home/fan", "v5", 0, true);
        }

        [TestMethod]
        public void AClearAndASetOfOneTopicWithinTheDelayLeaveOnlyTheLast()
        {
            RamStorage ram = new RamStorage();
            TestBroker b = TestBroker.Restored(ram, Options());
            TestClient publisher = b.Connect("pub");
            publisher.Publish("home/lamp", "on", 0, true, 0);
            publisher.Publish("home/door", "open", 0, true, 0);
            b.Broker.CommitStorageIfDue(b.Clock.Advance(RetainedDelay));
            long before = ram.Length(RecordLog.FileName);

            publisher.Publish("home/lamp", "", 0, true, 0);
            publisher.Publish("home/lamp", "off", 0, true, 0);
            publisher.Publish("home/door", "closed", 0, true, 0);
            publisher.Publish("home/door", "", 0, true, 0);
            b.Broker.CommitStorageIfDue(b.Clock.Advance(RetainedDelay));
            Assert.AreEqual((int)before + LampOff + (22 + 9), (int)ram.Length(RecordLog.FileName), "the lamp's set and the door's clear");

            TestClient reader = Restart(ram).Subscriber("reader", "home/#", 0);
            Packet[] got = reader.ReadAll();
            Assert.AreEqual(1, got.Length);
            Expect.Publish(got[0], "home/lamp", "off", 0, true);
        }

        // A new persistent session is a change its client waits for: written within the commit delay, and the
        // retained values pending then go with it.
        [TestMethod]
        public void AnAcknowledgedChangeIsWrittenWithinTheCommitDelayWithThePendingRetainedValues()
        {
            RamStorage ram = new RamStorage();
            TestBroker b = TestBroker.Restored(ram, Options());
            TestClient publisher = b.Connect("pub");
            publisher.Publish("home/fan", "v1", 0, true, 0);
            b.Clock.Advance(1000);

            TestClient sleeper = b.Open();
            sleeper.Send(Packets.Connect("sleeper", false, 0));
            Assert.IsNull(sleeper.Read(), "the CONNACK waits for the session's record");
            b.CommitStorage();
            b.ExpectConnAck(sleeper, ConnectReturnCode.Accepted);
            Assert.IsTrue(Restart(ram).RestoreSummary.IndexOf("1 retained") >= 0, "the fan's value was written with it");
        }

        // With StorageRetainedDelayMs longer than the commit delay (the board), a retained message at QoS 1 is
        // acknowledged at once and written with the other retained values: the setting trades the last minutes of
        // retained values at a power cut for the flash's life, whatever the QoS.
        [TestMethod]
        public void ARetainedQos1PublishIsAcknowledgedAtOnceAndWrittenWithinTheRetainedDelay()
        {
            RamStorage ram = new RamStorage();
            TestBroker b = TestBroker.Restored(ram, Options());
            TestClient publisher = b.Connect("pub");
            long before = ram.Length(RecordLog.FileName);

            publisher.Publish("home/lamp", "on", 1, true, 7);
            Expect.Ack(publisher.Read(), PacketType.PubAck, 7);
            b.CommitStorage();
            Assert.AreEqual((int)before, (int)ram.Length(RecordLog.FileName), "not written after StorageCommitDelayMs");
            publisher.Publish("home/lamp", "off", 1, true, 8);
            Expect.Ack(publisher.Read(), PacketType.PubAck, 8);
            b.Broker.CommitStorageIfDue(b.Clock.Advance(RetainedDelay));
            Assert.AreEqual((int)before + LampOff, (int)ram.Length(RecordLog.FileName), "the newest value, once");
        }

        // With StorageRetainedDelayMs no longer than the commit delay (the desktop), the PUBACK of a retained message
        // at QoS 1 waits until it is durable, as every acknowledged change.
        [TestMethod]
        public void WithoutALongerRetainedDelayARetainedQos1PubAckWaitsForTheRecord()
        {
            BrokerOptions o = Options();
            o.StorageRetainedDelayMs = CommitDelay;
            RamStorage ram = new RamStorage();
            TestBroker b = TestBroker.Restored(ram, o);
            TestClient publisher = b.Connect("pub");
            long before = ram.Length(RecordLog.FileName);

            publisher.Publish("home/lamp", "on", 1, true, 7);
            Assert.IsNull(publisher.Read(), "the PUBACK waits for the record");
            b.CommitStorage();
            Expect.Ack(publisher.Read(), PacketType.PubAck, 7);
            Assert.AreEqual((int)before + LampOn, (int)ram.Length(RecordLog.FileName));
        }

        // A persistent session that subscribes again to what it has (as devices do at each reconnect) changes
        // nothing durable: nothing is written and its SUBACK does not wait.
        [TestMethod]
        public void SubscribingAgainToTheSameFilterAndQosWritesNothing_MQTT_3_8_4_3()
        {
            RamStorage ram = new RamStorage();
            TestBroker b = TestBroker.Restored(ram, Options());
            TestClient device = b.Open();
            device.Send(Packets.Connect("device", false, 0));
            b.CommitStorage();
            b.ExpectConnAck(device, ConnectReturnCode.Accepted);
            device.Subscribe(1, "cmd/#", 1);
            b.CommitStorage();
            Expect.Type(PacketType.SubAck, device.Read());
            long before = ram.Length(RecordLog.FileName);

            device.Subscribe(2, "cmd/#", 1);
            Expect.Type(PacketType.SubAck, device.Read());
            b.CommitStorage();
            Assert.AreEqual((int)before, (int)ram.Length(RecordLog.FileName));
            device.Subscribe(3, "cmd/#", 2);
            Assert.IsNull(device.Read(), "a new QoS is a change: its SUBACK waits for the record");
        }

        [TestMethod]
        public void PendingRetainedValuesDoNotHoldBackAConnAck()
        {
            RamStorage ram = new RamStorage();
            TestBroker b = TestBroker.Restored(ram, Options());
            TestClient publisher = b.Connect("pub");
            publisher.Publish("home/lamp", "on", 0, true, 0);

            TestClient other = b.Connect("other");

            // A persistent session is a change the client waits for: its CONNACK is held until it is written.
            TestClient sleeper = b.Open();
            sleeper.Send(Packets.Connect("sleeper", false, 0));
            Assert.IsNull(sleeper.Read());
            b.CommitStorage();
            b.ExpectConnAck(sleeper, ConnectReturnCode.Accepted);
        }

        [TestMethod]
        public void ARetainedDelayBelowTheCommitDelayMeansTheCommitDelay()
        {
            BrokerOptions options = Options();
            options.StorageRetainedDelayMs = 0;
            RamStorage ram = new RamStorage();
            TestBroker b = TestBroker.Restored(ram, options);
            TestClient publisher = b.Connect("pub");
            long before = ram.Length(RecordLog.FileName);
            publisher.Publish("home/lamp", "on", 0, true, 0);
            b.Broker.CommitStorageIfDue(b.Clock.Advance(CommitDelay - 1));
            Assert.AreEqual((int)before, (int)ram.Length(RecordLog.FileName));
            b.Broker.CommitStorageIfDue(b.Clock.Advance(1));
            Assert.AreEqual((int)before + LampOn, (int)ram.Length(RecordLog.FileName));
        }

        [TestMethod]
        public void CoalescingLeavesTheOtherRecordsOfTheBatchInOrder()
        {
            BrokerOptions options = Options();
            options.PersistQueuedMessages = true;
            RamStorage ram = new RamStorage();
            TestBroker b = TestBroker.Restored(ram, options);
            TestClient sleeper = b.Open();
            sleeper.Send(Packets.Connect("sleeper", false, 0));
            sleeper.Subscribe(1, "alerts/#", 1);
            b.CommitStorage();
            b.ExpectConnAck(sleeper, ConnectReturnCode.Accepted);
            Expect.Type(PacketType.SubAck, sleeper.Read());
            sleeper.Disconnect();
            sleeper.Drop();
            TestClient publisher = b.Connect("pub");
            b.CommitStorage();

            publisher.Publish("home/lamp", "on", 0, true, 0);
            publisher.Publish("alerts/smoke", "kitchen", 1, false, 3);
            publisher.Publish("home/lamp", "off", 0, true, 0);
            publisher.Publish("alerts/smoke", "hall", 1, false, 4);
            b.CommitStorage();

            options.StorageCommitDelayMs = 0;
            TestBroker after = Restart(ram, options);
            TestClient reader = after.Subscriber("reader", "home/#", 0);
            Expect.Publish(reader.Read(), "home/lamp", "off", 0, true);
            TestClient resumed = after.Resume("sleeper");
            Packet first = resumed.Read();
            Expect.Publish(first, "alerts/smoke", "kitchen", 1, false);
            resumed.PubAck(first.PacketId);
            Expect.Publish(resumed.Read(), "alerts/smoke", "hall", 1, false);
        }

        private static BrokerOptions Options()
        {
            BrokerOptions o = TestBroker.SmallOptions();
            o.StorageCommitDelayMs = CommitDelay;
            o.StorageRetainedDelayMs = RetainedDelay;
            return o;
        }

        private static TestBroker Restart(RamStorage ram)
        {
            return Restart(ram, Options());
        }

        private static TestBroker Restart(RamStorage ram, BrokerOptions options)
        {
            return TestBroker.Restored(ram.AfterPowerCut(0), options);
        }
    }
}
