using NanoBroker.Messages;

namespace NanoBroker.Routing
{
    /// <summary>
    /// The retained message of each topic [MQTT-3.3.1-5], held as message-pool handles within a
    /// count and a byte budget.
    /// </summary>
    public sealed class RetainedStore
    {
        private readonly MessagePool pool;
        private readonly int[] messages;
        private readonly int maxBytes;

        public RetainedStore(MessagePool pool, int maxMessages, int maxBytes)
        {
            this.pool = pool;
            messages = new int[maxMessages];
            this.maxBytes = maxBytes;
        }

        public int Count { get; private set; }

        /// <summary>Topic and payload bytes of all retained messages.</summary>
        public int Bytes { get; private set; }

        /// <summary>The pool handle of retained message <paramref name="index"/> (0..Count-1).</summary>
        public int MessageAt(int index)
        {
            return messages[index];
        }

        public int Find(byte[] topic, int offset, int count)
        {
            for (int i = 0; i < Count; i++)
            {
                if (pool.TopicEquals(messages[i], topic, offset, count))
                {
                    return i;
                }
            }
            return -1;
        }

        /// <summary>
        /// Makes <paramref name="message"/> the retained message of its topic, replacing any earlier one.
        /// Returns false, storing nothing new, when the count or byte budget would be exceeded.
        /// </summary>
        public bool Set(int message, byte[] topic, int offset, int count)
        {
            int size = SizeOf(message);
            int existing = Find(topic, offset, count);
            int freed = existing >= 0 ? SizeOf(messages[existing]) : 0;
            if (Bytes - freed + size > maxBytes || (existing < 0 && Count == messages.Length))
            {
                return false;
            }
            pool.AddRef(message);
            if (existing >= 0)
            {
                pool.Release(messages[existing]);
                messages[existing] = message;
            }
            else
            {
                messages[Count++] = message;
            }
            Bytes += size - freed;
            return true;
        }

        /// <summary>Removes the retained message of a topic [MQTT-3.3.1-10]; false when there was none.</summary>
        public bool Clear(byte[] topic, int offset, int count)
        {
            int i = Find(topic, offset, count);
            if (i < 0)
            {
                return false;
            }
            Bytes -= SizeOf(messages[i]);
            pool.Release(messages[i]);
            Count--;
            messages[i] = messages[Count];
            return true;
        }

        private int SizeOf(int message)
        {
            return pool.TopicLength(message) + pool.PayloadLength(message);
        }
    }
}
