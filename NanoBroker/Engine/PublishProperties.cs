using NanoBroker.Messages;
using NanoBroker.Protocol;

namespace NanoBroker
{
    /// <summary>
    /// The property block of one PUBLISH to one MQTT 5.0 subscriber (section 3.3.2.3): what the broker adds for it
    /// (Message Expiry Interval with the time left [MQTT-3.3.2-6], the Topic Alias it uses) and then the publisher's
    /// forwarded properties, unchanged and in order [MQTT-3.3.2-17, MQTT-3.3.2-18], from the message pool or from the
    /// received packet. Each property added is counted in <see cref="Length"/>; <see cref="Write"/> writes them. One
    /// instance, filled per PUBLISH written.
    /// </summary>
    internal sealed class PublishProperties
    {
        private readonly MessagePool pool;
        private bool hasExpiry;
        private long expiryLeft;
        private int topicAlias;
        private int forwarded;

        internal PublishProperties(MessagePool pool)
        {
            this.pool = pool;
        }

        /// <summary>The block's length without its length prefix.</summary>
        internal int Length;

        /// <summary>An empty block.</summary>
        internal void Start()
        {
            hasExpiry = false;
            topicAlias = 0;
            forwarded = 0;
            Length = 0;
        }

        /// <summary>The Message Expiry Interval: the seconds left [MQTT-3.3.2-6].</summary>
        internal void AddMessageExpiry(long secondsLeft)
        {
            hasExpiry = true;
            expiryLeft = secondsLeft;
            Length += Properties.SizeOfUInt32;
        }

        /// <summary>The Topic Alias the PUBLISH sets or uses.</summary>
        internal void AddTopicAlias(int alias)
        {
            topicAlias = alias;
            Length += Properties.SizeOfUInt16;
        }

        /// <summary>
        /// The Subscription Identifiers, <paramref name="length"/> bytes: counted here, written by the caller after
        /// <see cref="Write"/> (OutboundFlow looks them up on the topic).
        /// </summary>
        internal void AddSubscriptionIdentifiers(int length)
        {
            Length += length;
        }

        /// <summary>The publisher's forwarded properties, <paramref name="length"/> bytes.</summary>
        internal void AddForwarded(int length)
        {
            forwarded = length;
            Length += length;
        }

        /// <summary>
        /// Writes the block (no prefix) at <paramref name="at"/>; the forwarded properties come from the pooled
        /// <paramref name="message"/>, or when it is -1 from <paramref name="m"/>'s received block. Returns the position after it.
        /// </summary>
        internal int Write(byte[] o, int at, int message, InboundMessage m)
        {
            if (hasExpiry)
            {
                at = Properties.WriteUInt32(o, at, PropertyId.MessageExpiryInterval, expiryLeft);
            }
            if (topicAlias > 0)
            {
                at = Properties.WriteUInt16(o, at, PropertyId.TopicAlias, topicAlias);
            }
            if (forwarded == 0)
            {
                return at;
            }
            if (message >= 0)
            {
                pool.CopyOut(message, pool.PropertiesOffset(message), o, at, forwarded);
                return at + forwarded;
            }
            int p = m.PropertiesStart;
            int end = p + m.PropertiesLength;
            int runStart, runLength;
            while (Properties.NextForwardedRun(m.Body, ref p, end, out runStart, out runLength))
            {
                System.Array.Copy(m.Body, runStart, o, at, runLength);
                at += runLength;
            }
            return at;
        }
    }
}
