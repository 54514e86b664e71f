#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;
using NanoBroker.Storage;
using NanoBroker.Tests.Engine.Harness;

namespace NanoBroker.Tests.Engine
{
    /// <summary>
    /// Packets larger than a connection's own buffers: a large buffer is lent from a bounded pool for the packet
    /// (received or sent), the pool exhausted makes the connection wait (nothing lost, nothing closed), and
    /// MaxPacketSize still closes the connection on the fixed header.
    /// </summary>
    [TestClass]
    public class BigPacketTests
    {
        // Own buffers of 256 (receive) and 512 (send) bytes, packets up to 4096, one large buffer each way.
        private static BrokerOptions Options()
        {
            BrokerOptions o = TestBroker.SmallOptions();
            o.MaxPacketSize = 4096;
            o.ReceiveBufferBytes = 256;
            o.LargeReceiveBuffers = 1;
            o.OutboxBytes = 512;
            o.LargeSendBuffers = 1;
            o.MessageStoreBytes = 32768;
            o.MaxRetainedBytes = 16384;
            o.StorageBatchBytes = 8192;
            o.MaxStorageBytes = 8 * 8192;
            o.StorageCompactBytes = 32768;
            return o;
        }

        [TestMethod]
        public void APacketLargerThanTheOwnBufferIsReceivedIntoALentBufferAndDelivered()
        {
            TestBroker b = new TestBroker(Options());
            TestClient sub = b.Subscriber("sub", "cam/#", 1);
            TestClient pub = b.Connect("pub");
            Assert.AreEqual(256, pub.Connection.ReceiveBuffer.Length);
            byte[] payload = Packets.Payload(3000, 1);
            byte[] packet = Packets.Publish(Packets.Bytes("cam/1"), payload, 1, false, false, 9);

            // The fixed header and the first bytes: the header tells the size, a large buffer is lent at once.
            pub.Send(packet, 0, 200);
            Assert.IsTrue(pub.Connection.ReceiveBorrowing);
            Assert.AreEqual(0, b.Broker.ReceiveBuffers.Available);
            pub.Send(packet, 200, packet.Length - 200);
            Assert.IsFalse(pub.IsClosing);
            Packet ack = pub.Read();
            Expect.Type(PacketType.PubAck, ack);
            Assert.AreEqual(9, ack.PacketId);
            Assert.IsFalse(pub.Connection.ReceiveBorrowing, "the buffer goes back once the packet is handled");
            Assert.AreEqual(1, b.Broker.ReceiveBuffers.Available);

            // The subscriber's 512-byte outbox borrows for the 3 KB PUBLISH and gives it back once read.
            Assert.IsTrue(sub.Connection.Outbox.Borrowing);
            Packet p = sub.Read();
            Expect.Type(PacketType.Publish, p);
            Expect.Bytes(payload, p.Payload, "payload");
            Assert.IsFalse(sub.Connection.Outbox.Borrowing);
            Assert.AreEqual(1, b.Broker.SendBuffers.Available);
            sub.PubAck(p.PacketId);
        }

        [TestMethod]
        public void SmallPacketsBehindALargeOneInTheSameReadAreHandled()
        {
            TestBroker b = new TestBroker(Options());
            TestClient sub = b.Subscriber("sub", "t/#", 0);
            TestClient pub = b.Connect("pub");
            byte[] big = Packets.Publish(Packets.Bytes("t/big"), Packets.Payload(2000, 3), 0, false, false, 0);
            byte[] small = Packets.Publish("t/small", "after", 0, false, false, 0);
            pub.Send(Packets.Concat(Packets.Concat(small, big), small));
            Packet[] got = sub.ReadAll();
            Assert.AreEqual(3, got.Length);
            Assert.AreEqual("t/small", got[0].TopicText);
            Assert.AreEqual(2000, got[1].Payload.Length);
            Assert.AreEqual("after", got[2].PayloadText);
            Assert.IsFalse(pub.Connection.ReceiveBorrowing);
            Assert.AreEqual(1, b.Broker.ReceiveBuffers.Available);
        }

        [TestMethod]
        public void WithEveryReceiveBufferLentASecondPublisherWaitsAndIsNotLost()
        {
            TestBroker b = new TestBroker(Options());
            TestClient sub = b.Subscriber("sub", "cam/#", 1);
            TestClient one = b.Connect("one");
            TestClient two = b.Connect("two");
            byte[] first = Packets.Publish(Packets.Bytes("cam/1"), Packets.Payload(3000, 1), 1, false, false, 1);
            byte[] second = Packets.Publish(Packets.Bytes("cam/2"), Packets.Payload(2500, 2), 1, false, false, 2);

            one.Send(first, 0, 1000);
            Assert.IsTrue(one.Connection.ReceiveBorrowing);
            two.Send(second);
            // Two is read until its own buffer is full, then not at all (backpressure).
            Assert.IsFalse(two.Connection.ReceiveBorrowing);
            Assert.AreEqual(0, two.Connection.ReceiveSpace);
            Assert.AreEqual(second.Length - 256, two.PendingBytes);
            Assert.IsFalse(two.IsClosing);
            Assert.AreEqual(1L, b.Stats.BufferWaits);

            // It still waits after the slow-client timeout (nobody to blame: no subscriber is disconnected).
            b.Tick(b.Broker.Options.SlowClientTimeoutMs + 1);
            Assert.IsFalse(two.IsClosing);
            Assert.IsFalse(sub.IsClosing);

            one.Send(first, 1000, first.Length - 1000);
            Expect.Type(PacketType.PubAck, one.Read());
            // The buffer came back and went to two at once; the edge reads it again.
            Assert.IsTrue(two.Connection.ReceiveBorrowing);
            two.Flush();
            Assert.AreEqual(0, two.PendingBytes);
            Expect.Type(PacketType.PubAck, two.Read());

            Packet p1 = sub.Read();
            Assert.AreEqual("cam/1", p1.TopicText);
            sub.PubAck(p1.PacketId);
            Packet p2 = sub.Read();
            Assert.AreEqual("cam/2", p2.TopicText);
            Expect.Bytes(Packets.Payload(2500, 2), p2.Payload, "payload");
            Assert.AreEqual(1, b.Broker.ReceiveBuffers.Available);
        }

        [TestMethod]
        public void WithEverySendBufferLentQos1WaitsInTheQueueAndQos0IsDropped()
        {
            TestBroker b = new TestBroker(Options());
            TestClient s1 = b.Subscriber("s1", "cam/#", 1);
            TestClient s2 = b.Subscriber("s2", "cam/#", 1);
            TestClient pub = b.Connect("pub");
            byte[] payload = Packets.Payload(3000, 5);
            pub.Send(Packets.Publish(Packets.Bytes("cam/1"), payload, 1, false, false, 1));
            Expect.Type(PacketType.PubAck, pub.Read());
            // One subscriber got the only send buffer; the other's copy waits in its queue.
            Assert.AreEqual(0, b.Broker.SendBuffers.Available);
            TestClient holder = s1.Connection.Outbox.Borrowing ? s1 : s2;
            TestClient waiter = holder == s1 ? s2 : s1;
            Assert.AreEqual(0, waiter.Unread);

            // A QoS 0 message too large for the waiter's own outbox is dropped and counted; the holder has room
            // for it behind the large one in the lent buffer.
            long dropped = b.Stats.MessagesDropped;
            pub.Send(Packets.Publish(Packets.Bytes("cam/0"), Packets.Payload(1000, 6), 0, false, false, 0));
            Assert.AreEqual(dropped + 1, b.Stats.MessagesDropped);

            // The holder reads: the buffer comes back and the waiter's queued copy goes out.
            Packet p = holder.Read();
            Expect.Bytes(payload, p.Payload, "payload");
            holder.PubAck(p.PacketId);
            Assert.AreEqual(0, waiter.Unread, "the rest (1 KB) does not fit the holder's own 512 bytes yet");
            Assert.AreEqual("cam/0", holder.Read().TopicText);
            Packet q = waiter.Read();
            Assert.IsNotNull(q);
            Expect.Bytes(payload, q.Payload, "payload");
            waiter.PubAck(q.PacketId);
            Assert.AreEqual(1, b.Broker.SendBuffers.Available);
        }

        // A large buffer is lent for a packet larger than the own outbox, not to a slow reader whose outbox small
        // packets filled: that reader's QoS 0 is dropped as before, and the buffer stays for a large packet.
        [TestMethod]
        public void AnOutboxFullOfSmallPacketsBorrowsNoLargeBuffer()
        {
            TestBroker b = new TestBroker(Options());
            TestClient slow = b.Subscriber("slow", "t", 0);
            TestClient pub = b.Connect("pub");
            for (int i = 0; i < 40; i++)
            {
                pub.Publish("t", "twenty-byte payload.", 0, false, 0);
            }
            Assert.IsFalse(slow.Connection.Outbox.Borrowing);
            Assert.AreEqual(1, b.Broker.SendBuffers.Available);
            Assert.IsTrue(b.Stats.MessagesDropped > 0, "QoS 0 beyond the own outbox is dropped and counted");
        }

        [TestMethod]
        public void ALargeRetainedMessageForANewSubscriptionWaitsForASendBuffer()
        {
            TestBroker b = new TestBroker(Options());
            TestClient s1 = b.Subscriber("s1", "cam/#", 1);
            TestClient pub = b.Connect("pub");
            byte[] payload = Packets.Payload(3000, 8);
            pub.Send(Packets.Publish(Packets.Bytes("cam/last"), payload, 1, true, false, 1));
            Expect.Type(PacketType.PubAck, pub.Read());
            Assert.IsTrue(s1.Connection.Outbox.Borrowing);

            TestClient s2 = b.Connect("s2");
            b.Subscribe(s2, "cam/#", 1);
            Assert.AreEqual(0, s2.Unread, "no send buffer free: the retained message waits");

            Packet p1 = s1.Read();
            s1.PubAck(p1.PacketId);
            Packet p2 = s2.Read();
            Assert.IsNotNull(p2, "sent once the buffer came back");
            Assert.IsTrue(p2.Retain);
            Expect.Bytes(payload, p2.Payload, "payload");
        }

        [TestMethod]
        public void MaxPacketSizeStillClosesTheConnectionOnTheFixedHeader()
        {
            TestBroker b = new TestBroker(Options());
            TestClient sub = b.Subscriber("sub", "t", 0);
            TestClient pub = b.Connect("pub");
            // 4096 = 1 + 2 (length) + 2 + 1 (topic) + 4090
            byte[] fits = Packets.Publish(Packets.Bytes("t"), Packets.Payload(4090, 0), 0, false, false, 0);
            Assert.AreEqual(4096, fits.Length);
            pub.Send(fits);
            Assert.IsFalse(pub.IsClosing);
            Assert.AreEqual(4090, sub.Read().Payload.Length);

            byte[] tooBig = Packets.Publish(Packets.Bytes("t"), Packets.Payload(4091, 0), 0, false, false, 0);
            pub.Send(tooBig, 0, 3);
            Assert.IsTrue(pub.IsClosing);
            StringAssertContains(pub.Connection.CloseReason, "4097 bytes");
            Assert.IsFalse(pub.Connection.ReceiveBorrowing);
            Assert.AreEqual(1, b.Broker.ReceiveBuffers.Available);
        }

        [TestMethod]
        public void AConnectionClosedWhileReceivingALargePacketGivesItsBufferBack()
        {
            TestBroker b = new TestBroker(Options());
            TestClient pub = b.Connect("pub");
            byte[] packet = Packets.Publish(Packets.Bytes("t"), Packets.Payload(3000, 0), 0, false, false, 0);
            pub.Send(packet, 0, 500);
            Assert.AreEqual(0, b.Broker.ReceiveBuffers.Available);
            pub.Drop();
            Assert.AreEqual(1, b.Broker.ReceiveBuffers.Available);
            TestClient next = b.Connect("next");
            next.Send(packet);
            Assert.IsFalse(next.IsClosing);
        }

        [TestMethod]
        public void ALargeRetainedMessageIsStoredLoggedAndSentToALaterSubscriberAfterARestart()
        {
            BrokerOptions o = Options();
            RamStorage ram = new RamStorage();
            TestBroker b = TestBroker.Restored(ram, o);
            TestClient pub = b.Connect("pub");
            byte[] payload = Packets.Payload(4000, 9);
            pub.Send(Packets.Publish(Packets.Bytes("cam/last"), payload, 1, true, false, 3));
            b.CommitStorage();
            Expect.Type(PacketType.PubAck, pub.Read());

            TestBroker after = TestBroker.Restored(ram.AfterPowerCut(0), o);
            TestClient sub = after.Connect("sub");
            after.Subscribe(sub, "cam/#", 0);
            Packet p = sub.Read();
            Expect.Type(PacketType.Publish, p);
            Assert.IsTrue(p.Retain);
            Expect.Bytes(payload, p.Payload, "payload");
        }

        private static void StringAssertContains(string text, string part)
        {
            Assert.IsNotNull(text);
            Assert.IsTrue(text.IndexOf(part) >= 0, "\"" + text + "\" contains \"" + part + "\"");
        }
    }
}
