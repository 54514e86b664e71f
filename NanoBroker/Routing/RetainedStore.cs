using NanoBroker.Messages;

namespace NanoBroker.Routing
{
    /// <summary>
    /// The retained message of each topic [MQTT-3.3.1-5], held as message-pool handles in fixed slots within
    /// a count and a byte budget. The broker's own $SYS topics have a budget of their own, so that the
    /// user's limits hold for the user's messages. Slots keep their place while others come and go, and each
    /// records when it was set, so a delivery that walks the slots over several calls sends every message
    /// that was there when it started, once.
    /// </summary>
    public sealed class RetainedStore
    {
        private const int Empty = -1;

        private readonly MessagePool pool;
        private readonly int[] messages;
        private readonly long[] setAt;
        private readonly bool[] isSys;
        private readonly int maxMessages;
        private readonly int maxBytes;
        private readonly int maxSysMessages;
        private readonly int maxSysBytes;
        private int sysCount;
        private int sysBytes;

        public RetainedStore(MessagePool pool, int maxMessages, int maxBytes, int maxSysMessages, int maxSysBytes)
        {
            this.pool = pool;
            this.maxMessages = maxMessages;
            this.maxBytes = maxBytes;
            this.maxSysMessages = maxSysMessages;
            this.maxSysBytes = maxSysBytes;
            messages = new int[maxMessages + maxSysMessages];
            setAt = new long[messages.Length];
            isSys = new bool[messages.Length];
            for (int i = 0; i < messages.Length; i++)
            {
                messages[i] = Empty;
            }
        }

        /// <summary>Retained messages of the users' topics ($SYS not counted).</summary>
        public int Count { get; private set; }

        /// <summary>Topic and payload bytes of the users' retained messages ($SYS not counted).</summary>
        public int Bytes { get; private set; }

        /// <summary>Slots 0 to this less one may hold a message; past it all are empty.</summary>
        public int SlotsUsed { get; private set; }

        /// <summary>The stamp of the latest <see cref="Set"/>; stamps only grow.</summary>
        public long Stamp { get; private set; }

        /// <summary>The pool handle in a slot, or -1 for an empty slot.</summary>
        public int MessageAt(int slot)
        {
            return messages[slot];
        }

        /// <summary>The <see cref="Stamp"/> of the Set that put the slot's message there.</summary>
        public long SetAt(int slot)
        {
            return setAt[slot];
        }

        /// <summary>The slot holding the topic's message, or -1.</summary>
        public int Find(byte[] topic, int offset, int count)
        {
            for (int i = 0; i < SlotsUsed; i++)
            {
                if (messages[i] != Empty && pool.TopicEquals(messages[i], topic, offset, count))
                {
                    return i;
                }
            }
            return -1;
        }

        /// <summary>
        /// Makes <paramref name="message"/> the retained message of its topic, replacing any earlier one.
        /// Returns false when the count or byte budget does not hold it; the topic's earlier message is
        /// removed then as well (<paramref name="removedEarlier"/>), so that no older value outlives a newer publish.
        /// </summary>
        public bool Set(int message, byte[] topic, int offset, int count, out bool removedEarlier)
        {
            removedEarlier = false;
            bool sys = Topic.IsSys(topic, offset, count);
            int size = SizeOf(message);
            int existing = Find(topic, offset, count);
            int freed = existing >= 0 ? SizeOf(messages[existing]) : 0;
            int inUse = sys ? sysCount : Count;
            int bytesInUse = sys ? sysBytes : Bytes;
            if (bytesInUse - freed + size > (sys ? maxSysBytes : maxBytes) || (existing < 0 && inUse == (sys ? maxSysMessages : maxMessages)))
            {
                if (existing >= 0)
                {
                    Remove(existing);
                    removedEarlier = true;
                }
                return false;
            }
            pool.AddRef(message);
            int slot = existing;
            if (slot >= 0)
            {
                pool.Release(messages[slot]);
            }
            else
            {
                slot = FreeSlot();
                if (sys)
                {
                    sysCount++;
                }
                else
                {
                    Count++;
                }
            }
            messages[slot] = message;
            setAt[slot] = ++Stamp;
            isSys[slot] = sys;
            if (sys)
            {
                sysBytes += size - freed;
            }
            else
            {
                Bytes += size - freed;
            }
            return true;
        }

        /// <summary>Removes the retained message of a topic [MQTT-3.3.1-10]; false when there was none.</summary>
        public bool Clear(byte[] topic, int offset, int count)
        {
            int slot = Find(topic, offset, count);
            if (slot < 0)
            {
                return false;
            }
            Remove(slot);
            return true;
        }

        private void Remove(int slot)
        {
            int message = messages[slot];
            if (isSys[slot])
            {
                sysCount--;
                sysBytes -= SizeOf(message);
            }
            else
            {
                Count--;
                Bytes -= SizeOf(message);
            }
            pool.Release(message);
            messages[slot] = Empty;
            while (SlotsUsed > 0 && messages[SlotsUsed - 1] == Empty)
            {
                SlotsUsed--;
            }
        }

        private int FreeSlot()
        {
            for (int i = 0; i < SlotsUsed; i++)
            {
                if (messages[i] == Empty)
                {
                    return i;
                }
            }
            return SlotsUsed++;
        }

        private int SizeOf(int message)
        {
            return pool.TopicLength(message) + pool.PayloadLength(message);
        }
    }
}
