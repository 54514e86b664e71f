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
    /// Broker.NextStorageCommitMs tells the edge when CommitStorageIfDue next has work, so a loop that sleeps on its
    /// sockets wakes for a held-back acknowledgement after StorageCommitDelayMs, not at its next tick.
    /// </summary>
    [TestClass]
    public class CommitDeadlineTests
    {
        private const int CommitDelay = 5;
        private const int RetainedDelay = 2000;

        [TestMethod]
        public void NothingPendingMeansNoDeadline()
        {
            TestBroker b = TestBroker.Restored(new RamStorage(), Options());
            Assert.AreEqual(long.MaxValue, b.Broker.NextStorageCommitMs);
            b.Connect("clean");
            Assert.AreEqual(long.MaxValue, b.Broker.NextStorageCommitMs, "a clean session stores nothing");
            Assert.AreEqual(long.MaxValue, new TestBroker(Options()).Broker.NextStorageCommitMs, "no storage");
        }

        [TestMethod]
        public void APersistentConnectIsDueAfterTheCommitDelayAndItsConnAckComesThen()
        {
            TestBroker b = TestBroker.Restored(new RamStorage(), Options());
            long start = b.Clock.Advance(1000);
            TestClient c = b.Open();
            c.Send(Packets.Connect("persistent", false, 0));
            Assert.IsNull(c.Read(), "CONNACK waits for the commit");
            Assert.AreEqual(start + CommitDelay, b.Broker.NextStorageCommitMs);

            b.Broker.CommitStorageIfDue(b.Clock.Advance(CommitDelay - 1));
            Assert.IsNull(c.Read(), "not before the deadline");
            b.Broker.CommitStorageIfDue(b.Clock.Advance(1));
            b.ExpectConnAck(c, ConnectReturnCode.Accepted);
            Assert.AreEqual(long.MaxValue, b.Broker.NextStorageCommitMs, "nothing pending after the commit");

            // Its SUBACK the same way.
            long subscribeAt = b.Clock.Advance(50);
            c.Subscribe(3, "a/b", 1);
            Assert.IsNull(c.Read());
            Assert.AreEqual(subscribeAt + CommitDelay, b.Broker.NextStorageCommitMs);
            b.Broker.CommitStorageIfDue(b.Broker.NextStorageCommitMs);
            Expect.Type(PacketType.SubAck, c.Read());
        }

        [TestMethod]
        public void ARetainedPublishIsDueAfterTheRetainedDelayAndAnUrgentRecordBringsItForward()
        {
            TestBroker b = TestBroker.Restored(new RamStorage(), Options());
            TestClient publisher = b.Connect("pub");
            long first = b.Clock.Advance(10);
            publisher.Publish("home/lamp", "on", 1, true, 4);
            Expect.Ack(publisher.Read(), PacketType.PubAck, 4);
            Assert.AreEqual(first + RetainedDelay, b.Broker.NextStorageCommitMs, "nobody waits: the retained delay");

            long second = b.Clock.Advance(100);
            TestClient persistent = b.Open();
            persistent.Send(Packets.Connect("persistent", false, 0));
            Assert.IsNull(persistent.Read(), "CONNACK waits for the commit");
            Assert.AreEqual(second + CommitDelay, b.Broker.NextStorageCommitMs, "an acknowledgement waits: the commit delay");
            b.Broker.CommitStorageIfDue(b.Broker.NextStorageCommitMs);
            b.ExpectConnAck(persistent, ConnectReturnCode.Accepted);
            Assert.AreEqual(long.MaxValue, b.Broker.NextStorageCommitMs);
        }

        private static BrokerOptions Options()
        {
            BrokerOptions o = TestBroker.SmallOptions();
            o.StorageCommitDelayMs = CommitDelay;
            o.StorageRetainedDelayMs = RetainedDelay;
            return o;
        }
    }
}
