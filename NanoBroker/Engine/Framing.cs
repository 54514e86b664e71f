using NanoBroker.Protocol;
using NanoBroker.Sessions;

namespace NanoBroker
{
    /// <summary>Where the packets in a connection's receive buffer begin and end (the fixed header and remaining length).</summary>
    internal sealed class Framing
    {
        private readonly int maxPacketSize;
        private readonly Disconnector disconnector;

        internal Framing(int maxPacketSize, Disconnector disconnector)
        {
            this.maxPacketSize = maxPacketSize;
            this.disconnector = disconnector;
        }

        /// <summary>
        /// The size of the complete packet at <paramref name="position"/>; 0 when more bytes are needed, -1 after
        /// closing the connection for a malformed or oversized packet.
        /// </summary>
        internal int CompletePacketAt(Connection c, int position)
        {
            int available = c.ReceivedCount - position;
            if (available < 2)
            {
                return 0;
            }
            int lengthBytes;
            int remaining = RemainingLength.Decode(c.ReceiveBuffer, position + 1, available - 1, out lengthBytes);
            if (remaining == RemainingLength.Malformed)
            {
                disconnector.Violation(c, "malformed remaining length");
                return -1;
            }
            if (remaining == RemainingLength.Incomplete)
            {
                return 0;
            }
            int size = 1 + lengthBytes + remaining;
            if (size > maxPacketSize || size < 0)
            {
                disconnector.Violation(c, "packet of " + size + " bytes exceeds the maximum packet size " + maxPacketSize);
                return -1;
            }
            // A packet larger than the buffer waits for a large one (Broker.Process lends it when it is at the head).
            return available < size || size > c.ReceiveBuffer.Length ? 0 : size;
        }

        /// <summary>The size of the packet at the head of the receive buffer as its fixed header tells, or 0 before it does.</summary>
        internal static int HeadPacketSize(Connection c)
        {
            if (c.ReceivedCount < 2)
            {
                return 0;
            }
            int lengthBytes;
            int remaining = RemainingLength.Decode(c.ReceiveBuffer, 1, c.ReceivedCount - 1, out lengthBytes);
            return remaining >= 0 ? 1 + lengthBytes + remaining : 0;
        }

        /// <summary>True for a well-formed PUBREL of a QoS 2 message the session holds (its PUBREC sent).</summary>
        internal static bool ReleasesHeldMessage(byte[] b, int start, int size, Session s)
        {
            return b[start] >> 4 == PacketType.PubRel && size == 4 && s.FindAwaitingRelease((b[start + 2] << 8) | b[start + 3]) >= 0;
        }

        /// <summary>
        /// True when a PUBREL in the receive buffer after <paramref name="from"/> releases a QoS 2 message the
        /// session holds: handling it (Broker.HandleAcksBehind) frees a place in the window.
        /// </summary>
        internal bool ReleaseWaitingBehind(Connection c, Session s, int from)
        {
            int size;
            for (int p = from; (size = CompletePacketAt(c, p)) > 0; p += size)
            {
                if (ReleasesHeldMessage(c.ReceiveBuffer, p, size, s))
                {
                    return true;
                }
            }
            return false;
        }
    }
}
