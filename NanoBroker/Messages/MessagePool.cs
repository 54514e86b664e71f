namespace NanoBroker.Messages
{
    /// <summary>
    /// Messages that outlive their PUBLISH packet (queued, inflight, retained, wills), stored once and
    /// shared by reference count. Bytes live in a chain of fixed-size blocks taken from one
    /// preallocated slab, so there is no fragmentation and no allocation after start.
    /// A message's bytes are its topic, its MQTT 5.0 properties (those forwarded to subscribers; none for a 3.x
    /// publisher) and its payload, in that order, as in a PUBLISH.
    /// </summary>
    public sealed class MessagePool
    {
        private const int None = -1;

        /// <summary>The <see cref="ExpiresAt"/> of a message that never expires.</summary>
        public const int NoExpiry = int.MaxValue;

        private readonly int blockSize;
        private readonly byte[] blocks;
        private readonly int[] nextBlock;
        private int freeBlock;

        // Per message slot; a free slot's FirstBlock links the free list of slots.
        private readonly int[] firstBlock;
        private readonly int[] length;
        private readonly int[] topicLength;
        private readonly int[] propertiesLength;
        private readonly int[] expiresAt;
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
            propertiesLength = new int[messages];
            expiresAt = new int[messages];
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
        /// Stores a message without properties, with one reference held by the caller. The topic is copied from
        /// one buffer and the payload from another. Returns the handle, or -1 when the pool is full.
        /// </summary>
        public int Store(byte[] topic, int topicOffset, int topicCount, byte[] payload, int payloadOffset, int payloadCount, int messageQos)
        {
            int slot = Allocate(topicCount, 0, payloadCount, messageQos);
            if (slot != None)
            {
                Write(slot, 0, topic, topicOffset, topicCount);
                Write(slot, topicCount, payload, payloadOffset, payloadCount);
            }
            return slot;
        }

        /// <summary>
        /// Stores a message with MQTT 5.0 properties (those forwarded, <paramref name="propertiesCount"/> bytes without a
        /// length prefix) and an expiry (<see cref="ExpiresAt"/>), with one reference held by the caller. Returns the
        /// handle, or -1 when the pool is full.
        /// </summary>
        public int Store(byte[] topic, int topicOffset, int topicCount, byte[] properties, int propertiesOffset, int propertiesCount,
            byte[] payload, int payloadOffset, int payloadCount, int messageQos, int expiresAtSeconds)
        {
            int slot = Allocate(topicCount, propertiesCount, payloadCount, messageQos);
            if (slot != None)
            {
                Write(slot, 0, topic, topicOffset, topicCount);
                Write(slot, topicCount, properties, propertiesOffset, propertiesCount);
                Write(slot, topicCount + propertiesCount, payload, payloadOffset, payloadCount);
                expiresAt[slot] = expiresAtSeconds;
            }
            return slot;
        }

        /// <summary>
        /// Takes room for a message of the given parts, with one reference held by the caller and no expiry; the caller
        /// fills its bytes with <see cref="Write"/> (topic at 0, properties at <see cref="PropertiesOffset"/>, payload at
        /// <see cref="PayloadOffset"/>). Returns the handle, or -1 when the pool is full.
        /// </summary>
        public int Allocate(int topicCount, int propertiesCount, int payloadCount, int messageQos)
        {
            int total = topicCount + propertiesCount + payloadCount;
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
            propertiesLength[slot] = propertiesCount;
            expiresAt[slot] = NoExpiry;
            qos[slot] = (byte)messageQos;
            refs[slot] = 1;
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

        /// <summary>Where the message's properties start among its bytes (just after the topic).</summary>
        public int PropertiesOffset(int message) { return topicLength[message]; }

        /// <summary>The length of the message's MQTT 5.0 properties, without a length prefix; 0 for none.</summary>
        public int PropertiesLength(int message) { return propertiesLength[message]; }

        /// <summary>Where the message's payload starts among its bytes.</summary>
        public int PayloadOffset(int message) { return topicLength[message] + propertiesLength[message]; }

        public int PayloadLength(int message) { return length[message] - topicLength[message] - propertiesLength[message]; }

        /// <summary>All of the message's bytes: topic, properties and payload.</summary>
        public int Length(int message) { return length[message]; }

        /// <summary>
        /// When the message expires (MQTT 5.0 Message Expiry Interval), in whole seconds of the engine's clock, or
        /// <see cref="NoExpiry"/>.
        /// </summary>
        public int ExpiresAt(int message) { return expiresAt[message]; }

        public void SetExpiresAt(int message, int seconds) { expiresAt[message] = seconds; }

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

        /// <summary>Copies <paramref name="count"/> bytes into the message, from its byte <paramref name="at"/> on (0 = topic start).</summary>
        public void Write(int message, int at, byte[] source, int offset, int count)
        {
            int block = firstBlock[message];
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
