namespace NanoBroker.Messages
{
    /// <summary>
    /// Messages that outlive their PUBLISH packet (queued, inflight, retained, wills), stored once and
    /// shared by reference count. Bytes live in a chain of fixed-size blocks taken from one
    /// preallocated slab, so there is no fragmentation and no allocation after start.
    /// A message's bytes are its topic followed by its payload.
    /// </summary>
    public sealed class MessagePool
    {
        private const int None = -1;

        private readonly int blockSize;
        private readonly byte[] blocks;
        private readonly int[] nextBlock;
        private int freeBlock;

        // Per message slot; a free slot's FirstBlock links the free list of slots.
        private readonly int[] firstBlock;
        private readonly int[] length;
        private readonly int[] topicLength;
        private readonly byte[] qos;
        private readonly int[] refs;
        private int freeSlot;

        public MessagePool(int messages, int blockCount, int blockSize)
        {
            this.blockSize = blockSize;
            blocks = new byte[blockCount * blockSize];
            nextBlock = new int[blockCount];
            for (int i = 0; i < blockCount; i++)
            {
                nextBlock[i] = i + 1 < blockCount ? i + 1 : None;
            }
            freeBlock = blockCount > 0 ? 0 : None;
            FreeBlocks = blockCount;

            firstBlock = new int[messages];
            length = new int[messages];
            topicLength = new int[messages];
            qos = new byte[messages];
            refs = new int[messages];
            for (int i = 0; i < messages; i++)
            {
                firstBlock[i] = i + 1 < messages ? i + 1 : None;
            }
            freeSlot = messages > 0 ? 0 : None;
            FreeMessages = messages;
        }

        public int FreeBlocks { get; private set; }

        public int FreeMessages { get; private set; }

        public int BlockSize { get { return blockSize; } }

        /// <summary>True when a message of this many topic and payload bytes fits now.</summary>
        public bool CanStore(int bytes)
        {
            return FreeMessages > 0 && BlocksFor(bytes) <= FreeBlocks;
        }

        /// <summary>Bytes of blocks a message of <paramref name="bytes"/> occupies.</summary>
        public int FootprintOf(int bytes)
        {
            return BlocksFor(bytes) * blockSize;
        }

        /// <summary>
        /// Stores a message with one reference held by the caller. The topic is copied from
        /// one buffer and the payload from another. Returns the handle, or -1 when the pool is full.
        /// </summary>
        public int Store(byte[] topic, int topicOffset, int topicCount, byte[] payload, int payloadOffset, int payloadCount, int messageQos)
        {
            int total = topicCount + payloadCount;
            if (!CanStore(total))
            {
                return None;
            }
            int slot = freeSlot;
            freeSlot = firstBlock[slot];
            FreeMessages--;

            int need = BlocksFor(total);
            int head = freeBlock;
            int last = head;
            for (int i = 1; i < need; i++)
            {
                last = nextBlock[last];
            }
            freeBlock = nextBlock[last];
            nextBlock[last] = None;
            FreeBlocks -= need;

            firstBlock[slot] = head;
            length[slot] = total;
            topicLength[slot] = topicCount;
            qos[slot] = (byte)messageQos;
            refs[slot] = 1;
            Write(head, 0, topic, topicOffset, topicCount);
            Write(head, topicCount, payload, payloadOffset, payloadCount);
            return slot;
        }

        public void AddRef(int message)
        {
            refs[message]++;
        }

        /// <summary>Drops one reference; the last one returns the message's blocks to the slab.</summary>
        public void Release(int message)
        {
            if (--refs[message] > 0)
            {
                return;
            }
            int head = firstBlock[message];
            int last = head;
            int count = 1;
            while (nextBlock[last] != None)
            {
                last = nextBlock[last];
                count++;
            }
            nextBlock[last] = freeBlock;
            freeBlock = head;
            FreeBlocks += count;
            firstBlock[message] = freeSlot;
            freeSlot = message;
            FreeMessages++;
        }

        public int TopicLength(int message) { return topicLength[message]; }

        public int PayloadLength(int message) { return length[message] - topicLength[message]; }

        public int Qos(int message) { return qos[message]; }

        public int References(int message) { return refs[message]; }

        /// <summary>Copies <paramref name="count"/> of the message's bytes, starting at byte <paramref name="from"/> (0 = topic start).</summary>
        public void CopyOut(int message, int from, byte[] destination, int destinationOffset, int count)
        {
            int block = firstBlock[message];
            while (from >= blockSize)
            {
                block = nextBlock[block];
                from -= blockSize;
            }
            while (count > 0)
            {
                int n = blockSize - from;
                if (n > count)
                {
                    n = count;
                }
                System.Array.Copy(blocks, block * blockSize + from, destination, destinationOffset, n);
                destinationOffset += n;
                count -= n;
                from = 0;
                block = nextBlock[block];
            }
        }

        /// <summary>True when the message's topic equals the given bytes.</summary>
        public bool TopicEquals(int message, byte[] topic, int offset, int count)
        {
            if (topicLength[message] != count)
            {
                return false;
            }
            int block = firstBlock[message];
            int inBlock = 0;
            for (int i = 0; i < count; i++)
            {
                if (inBlock == blockSize)
                {
                    block = nextBlock[block];
                    inBlock = 0;
                }
                if (blocks[block * blockSize + inBlock] != topic[offset + i])
                {
                    return false;
                }
                inBlock++;
            }
            return true;
        }

        private int BlocksFor(int bytes)
        {
            return bytes == 0 ? 1 : (bytes + blockSize - 1) / blockSize;
        }

        private void Write(int head, int at, byte[] source, int offset, int count)
        {
            int block = head;
            while (at >= blockSize)
            {
                block = nextBlock[block];
                at -= blockSize;
            }
            while (count > 0)
            {
                int n = blockSize - at;
                if (n > count)
                {
                    n = count;
                }
                System.Array.Copy(source, offset, blocks, block * blockSize + at, n);
                offset += n;
                count -= n;
                at = 0;
                block = nextBlock[block];
            }
        }
    }
}
