namespace NanoBroker.Sessions
{
    /// <summary>
    /// A fixed number of large buffers (<see cref="BufferBytes"/> each, MaxPacketSize), allocated at start and
    /// lent to one connection at a time for a packet larger than its own buffer: received (the fixed header
    /// tells the size before the body arrives) or sent. A connection that finds none waits: a receiver is not
    /// read (backpressure), a sender keeps its QoS 1/2 messages queued and drops QoS 0 (counted).
    /// </summary>
    public sealed class BufferPool
    {
        private readonly byte[][] free;
        private int freeCount;

        public BufferPool(int count, int bufferBytes)
        {
            BufferBytes = bufferBytes;
            free = new byte[count][];
            for (int i = 0; i < count; i++)
            {
                free[i] = new byte[bufferBytes];
            }
            freeCount = count;
        }

        /// <summary>Size of each buffer.</summary>
        public int BufferBytes { get; private set; }

        /// <summary>Buffers in the pool, lent or not.</summary>
        public int Count { get { return free.Length; } }

        /// <summary>Buffers not lent now.</summary>
        public int Available { get { return freeCount; } }

        /// <summary>Set when a buffer came back; the engine clears it once it let the waiting connections try again.</summary>
        internal bool Returned;

        /// <summary>A buffer, or null when every one is lent.</summary>
        internal byte[] Take()
        {
            if (freeCount == 0)
            {
                return null;
            }
            freeCount--;
            byte[] b = free[freeCount];
            free[freeCount] = null;
            return b;
        }

        internal void Give(byte[] buffer)
        {
            free[freeCount++] = buffer;
            Returned = true;
        }
    }
}
