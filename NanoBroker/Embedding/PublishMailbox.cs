namespace NanoBroker
{
    /// <summary>
    /// Messages the app publishes from its own threads, held until the engine's thread routes them
    /// (<see cref="Net.EmbeddedBroker"/>): the engine is single-threaded, so only its thread may call into it. One buffer,
    /// allocated once, holds the messages in order as records [topic length: 2][payload length: 4][qos | retain: 1][topic][payload].
    /// </summary>
    internal sealed class PublishMailbox
    {
        private const int HeaderBytes = 7;
        private const int RetainBit = 4;

        private readonly byte[] buffer;
        private int used;

        internal PublishMailbox(int bytes)
        {
            buffer = new byte[bytes];
        }

        /// <summary>Queues a copy of the message; false when the mailbox has no room for it now (try again later).</summary>
        internal bool Post(byte[] topic, int topicStart, int topicLength, byte[] payload, int payloadStart, int payloadLength, int qos, bool retain)
        {
            lock (buffer)
            {
                int at = used;
                if (at + HeaderBytes + topicLength + payloadLength > buffer.Length)
                {
                    return false;
                }
                buffer[at] = (byte)(topicLength >> 8);
                buffer[at + 1] = (byte)topicLength;
                buffer[at + 2] = (byte)(payloadLength >> 24);
                buffer[at + 3] = (byte)(payloadLength >> 16);
                buffer[at + 4] = (byte)(payloadLength >> 8);
                buffer[at + 5] = (byte)payloadLength;
                buffer[at + 6] = (byte)(qos | (retain ? RetainBit : 0));
                System.Array.Copy(topic, topicStart, buffer, at + HeaderBytes, topicLength);
                System.Array.Copy(payload, payloadStart, buffer, at + HeaderBytes + topicLength, payloadLength);
                used = at + HeaderBytes + topicLength + payloadLength;
                return true;
            }
        }

        /// <summary>
        /// On the engine's thread: publishes every queued message, oldest first, and empties the mailbox. A handler that
        /// posts meanwhile (the lock is the same thread's) has its message published in this pass too.
        /// </summary>
        internal void Deliver(Broker broker, long nowMs)
        {
            lock (buffer)
            {
                for (int at = 0; at < used;)
                {
                    int topicLength = (buffer[at] << 8) | buffer[at + 1];
                    int payloadLength = (buffer[at + 2] << 24) | (buffer[at + 3] << 16) | (buffer[at + 4] << 8) | buffer[at + 5];
                    int flags = buffer[at + 6];
                    int topicStart = at + HeaderBytes;
                    broker.Publish(buffer, topicStart, topicLength, buffer, topicStart + topicLength, payloadLength, flags & 3, (flags & RetainBit) != 0, nowMs);
                    at = topicStart + topicLength + payloadLength;
                }
                used = 0;
            }
        }
    }
}
