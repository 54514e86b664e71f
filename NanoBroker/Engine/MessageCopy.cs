using NanoBroker.Messages;

namespace NanoBroker
{
    /// <summary>
    /// One message the engine itself routes or records, as bytes: topic, properties, then payload (a will being published, a
    /// $SYS value, a retained message, will or filter a compaction writes, a filter whose access is decided again). One
    /// packet's worth, allocated once.
    /// Whoever fills it reads it before anything else fills it: routing from it may journal it, but never
    /// fills it anew (a queued message is journaled through the journal's own copy).
    /// </summary>
    internal sealed class MessageCopy
    {
        private readonly MessagePool pool;

        /// <summary>The bytes; what is in them is the last filler's.</summary>
        internal readonly byte[] Bytes;

        internal MessageCopy(MessagePool pool, int maxPacketSize)
        {
            this.pool = pool;
            Bytes = new byte[maxPacketSize];
        }

        /// <summary>
        /// Copies a pooled message (topic, properties, payload: the properties at the topic length, the payload at
        /// <see cref="MessagePool.PayloadOffset"/>) to <see cref="Bytes"/>; returns the topic length.
        /// </summary>
        internal int CopyOut(int message)
        {
            pool.CopyOut(message, 0, Bytes, 0, pool.Length(message));
            return pool.TopicLength(message);
        }
    }
}
