#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Messages;
using NanoBroker.Tests.Engine.Harness;

namespace NanoBroker.Tests.Engine
{
    /// <summary>The shared, reference-counted message store of fixed-size blocks.</summary>
    [TestClass]
    public class MessagePoolTests
    {
        private static byte[] Pattern(int length, int seed)
        {
            byte[] b = new byte[length];
            for (int i = 0; i < length; i++)
            {
                b[i] = (byte)(seed + i * 7);
            }
            return b;
        }

        private static byte[] TopicOf(MessagePool pool, int m)
        {
            byte[] b = new byte[pool.TopicLength(m)];
            pool.CopyOut(m, 0, b, 0, b.Length);
            return b;
        }

        private static byte[] PayloadOf(MessagePool pool, int m)
        {
            byte[] b = new byte[pool.PayloadLength(m)];
            pool.CopyOut(m, pool.TopicLength(m), b, 0, b.Length);
            return b;
        }

        [TestMethod]
        public void AllocatedMessageKeepsTopicPropertiesAndPayloadApartAndAnExpiry()
        {
            MessagePool pool = new MessagePool(2, 6, 8);
            byte[] topic = Pattern(5, 1);
            byte[] properties = Pattern(11, 30);
            byte[] payload = Pattern(9, 90);
            int m = pool.Allocate(topic.Length, properties.Length, payload.Length, 1);
            Assert.AreEqual(MessagePool.NoExpiry, pool.ExpiresAt(m));
            pool.Write(m, 0, topic, 0, topic.Length);
            pool.Write(m, pool.PropertiesOffset(m), properties, 0, properties.Length);
            pool.Write(m, pool.PayloadOffset(m), payload, 0, payload.Length);
            pool.SetExpiresAt(m, 1234);
            Assert.AreEqual(11, pool.PropertiesLength(m));
            Assert.AreEqual(16, pool.PayloadOffset(m));
            Assert.AreEqual(9, pool.PayloadLength(m));
            Assert.AreEqual(25, pool.Length(m));
            Assert.AreEqual(1234, pool.ExpiresAt(m));
            Expect.Bytes(topic, TopicOf(pool, m), "topic");
            byte[] read = new byte[11];
            pool.CopyOut(m, pool.PropertiesOffset(m), read, 0, read.Length);
            Expect.Bytes(properties, read, "properties");
            read = new byte[9];
            pool.CopyOut(m, pool.PayloadOffset(m), read, 0, read.Length);
            Expect.Bytes(payload, read, "payload");
            Assert.AreEqual(2, pool.FreeBlocks, "25 bytes take 4 blocks of 8");
            pool.Release(m);
            Assert.AreEqual(-1, pool.Allocate(40, 10, 0, 0), "50 bytes need 7 blocks of the 6");
        }

        [TestMethod]
        public void StoredMessageReadsBackAcrossBlockBoundaries()
        {
            MessagePool pool = new MessagePool(4, 10, 8);
            byte[] topic = Pattern(13, 1);
            byte[] payload = Pattern(30, 50);
            byte[] source = new byte[60];
            System.Array.Copy(payload, 0, source, 5, payload.Length);
            int m = pool.Store(topic, 0, topic.Length, source, 5, payload.Length, 2);
            Assert.IsTrue(m >= 0);
            Assert.AreEqual(13, pool.TopicLength(m));
            Assert.AreEqual(30, pool.PayloadLength(m));
            Assert.AreEqual(2, pool.Qos(m));
            Assert.AreEqual(1, pool.References(m));
            Assert.AreEqual(10 - 6, pool.FreeBlocks, "43 bytes take 6 blocks of 8");
            Assert.AreEqual(3, pool.FreeMessages);
            Expect.Bytes(topic, TopicOf(pool, m), "topic");
            Expect.Bytes(payload, PayloadOf(pool, m), "payload");
            Assert.IsTrue(pool.TopicEquals(m, topic, 0, topic.Length));
            Assert.IsFalse(pool.TopicEquals(m, topic, 0, topic.Length - 1));
            topic[12]++;
            Assert.IsFalse(pool.TopicEquals(m, topic, 0, topic.Length));
        }

        [TestMethod]
        public void LastReleaseReturnsBlocksAndSlot()
        {
            MessagePool pool = new MessagePool(2, 4, 16);
            byte[] t = Packets.Bytes("a/b");
            int m = pool.Store(t, 0, t.Length, new byte[20], 0, 20, 1);
            Assert.AreEqual(2, pool.FreeBlocks);
            pool.AddRef(m);
            pool.AddRef(m);
            Assert.AreEqual(3, pool.References(m));
            pool.Release(m);
            pool.Release(m);
            Assert.AreEqual(2, pool.FreeBlocks, "still referenced");
            Assert.AreEqual(1, pool.FreeMessages);
            pool.Release(m);
            Assert.AreEqual(4, pool.FreeBlocks);
            Assert.AreEqual(2, pool.FreeMessages);
        }

        [TestMethod]
        public void FullPoolRefusesAndRecoversAfterRelease()
        {
            MessagePool pool = new MessagePool(3, 4, 8);
            byte[] t = Packets.Bytes("t");
            int a = pool.Store(t, 0, 1, new byte[15], 0, 15, 0);
            int b = pool.Store(t, 0, 1, new byte[15], 0, 15, 0);
            Assert.IsTrue(a >= 0 && b >= 0 && a != b);
            Assert.AreEqual(0, pool.FreeBlocks);
            Assert.IsFalse(pool.CanStore(1));
            Assert.AreEqual(-1, pool.Store(t, 0, 1, new byte[0], 0, 0, 0));
            pool.Release(a);
            Assert.IsTrue(pool.CanStore(16));
            Assert.IsFalse(pool.CanStore(17));
            int c = pool.Store(t, 0, 1, Pattern(15, 3), 0, 15, 0);
            Assert.IsTrue(c >= 0);
            Expect.Bytes(Pattern(15, 3), PayloadOf(pool, c), "payload stored in recycled blocks");
        }

        [TestMethod]
        public void SlotLimitRefusesEvenWithFreeBlocks()
        {
            MessagePool pool = new MessagePool(2, 10, 8);
            byte[] t = Packets.Bytes("t");
            Assert.IsTrue(pool.Store(t, 0, 1, t, 0, 0, 0) >= 0);
            Assert.IsTrue(pool.Store(t, 0, 1, t, 0, 0, 0) >= 0);
            Assert.AreEqual(0, pool.FreeMessages);
            Assert.IsFalse(pool.CanStore(1));
            Assert.AreEqual(-1, pool.Store(t, 0, 1, t, 0, 0, 0));
        }

        [TestMethod]
        public void EmptyMessageTakesOneBlock()
        {
            MessagePool pool = new MessagePool(2, 3, 8);
            int m = pool.Store(new byte[0], 0, 0, new byte[0], 0, 0, 0);
            Assert.IsTrue(m >= 0);
            Assert.AreEqual(2, pool.FreeBlocks);
            Assert.AreEqual(0, pool.PayloadLength(m));
            Assert.AreEqual(8, pool.FootprintOf(0));
            Assert.AreEqual(8, pool.FootprintOf(8));
            Assert.AreEqual(16, pool.FootprintOf(9));
            Assert.AreEqual(8, pool.BlockSize);
        }

        [TestMethod]
        public void ManyStoreReleaseCyclesLeakNothing()
        {
            MessagePool pool = new MessagePool(5, 20, 8);
            byte[] t = Packets.Bytes("cycle/topic");
            int[] held = new int[5];
            for (int round = 0; round < 200; round++)
            {
                for (int i = 0; i < 5; i++)
                {
                    held[i] = pool.Store(t, 0, t.Length, Pattern(round % 17, round), 0, round % 17, round % 3);
                    Assert.IsTrue(held[i] >= 0, "round " + round);
                }
                for (int i = 0; i < 5; i++)
                {
                    Expect.Bytes(Pattern(round % 17, round), PayloadOf(pool, held[i]), "payload");
                }
                for (int i = 0; i < 5; i++)
                {
                    pool.Release(held[(i + round) % 5]);
                }
                Assert.AreEqual(20, pool.FreeBlocks);
                Assert.AreEqual(5, pool.FreeMessages);
            }
        }
    }
}
