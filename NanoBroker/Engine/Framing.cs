using NanoBroker.Protocol;
using NanoBroker.Sessions;

namespace NanoBroker
{
    /// <summary>
    /// Where the packets in a connection's receive buffer begin and end: the fixed header and remaining length,
    /// decoded once by a <see cref="PacketFramer"/> (<see cref="Packet"/>) that dispatch then reads.
    /// </summary>
    internal sealed class Framing
    {
        private readonly int maxPacketSize;
        private readonly Disconnector disconnector;

        /// <summary>The packet <see cref="CompletePacketAt"/> framed last.</summary>
        internal readonly PacketFramer Packet = new PacketFramer();

        // Looks behind the head for a PUBREL without disturbing Packet (the head's handler is running then).
        private readonly PacketFramer behind = new PacketFramer();

        // The engine's one acknowledgement view (PublishHandler.Ack): free whenever a PUBREL is looked for, as the
        // PUBLISH handler that looks uses its own view, and an acknowledgement found is decoded again for its handler.
        private readonly AckPacket release;

        internal Framing(int maxPacketSize, Disconnector disconnector, AckPacket ack)
        {
            this.maxPacketSize = maxPacketSize;
            this.disconnector = disconnector;
            release = ack;
        }

        /// <summary>
        /// The size of the complete packet at <paramref name="position"/>, framed into <see cref="Packet"/>; 0 when
        /// more bytes are needed, -1 after closing the connection for a malformed or oversized packet.
        /// </summary>
        internal int CompletePacketAt(Connection c, int position)
        {
            return Frame(Packet, c, position, true);
        }

        /// <summary>
        /// As <see cref="CompletePacketAt"/> for a packet behind one that waits, but 0 (look no further) for a malformed
        /// or oversized one: that packet is judged in its turn, after the packets before it, so the connection ends for
        /// the first bad packet in order, with its reason (a 5.0 DISCONNECT says which).
        /// </summary>
        internal int CompletePacketBehind(Connection c, int position)
        {
            return Frame(Packet, c, position, false);
        }

        private int Frame(PacketFramer f, Connection c, int position, bool judge)
        {
            int framed = f.Decode(c.ReceiveBuffer, position, c.ReceivedCount - position);
            if (!judge && (framed == PacketFramer.Malformed || (framed != PacketFramer.Incomplete && (f.Size > maxPacketSize || f.Size < 0))))
            {
                return 0;
            }
            if (framed == PacketFramer.Malformed)
            {
                disconnector.Violation(c, ReasonCode.MalformedPacket, "malformed remaining length [MQTT-1.5.5-1]");
                return -1;
            }
            if (framed == PacketFramer.Incomplete)
            {
                return 0;
            }
            if (f.Size > maxPacketSize || f.Size < 0)
            {
                // 5.0: DISCONNECT 0x95 [MQTT-3.2.2-15 is the client's side; the server announced its Maximum Packet Size].
                disconnector.Violation(c, ReasonCode.PacketTooLarge, "packet of " + f.Size + " bytes exceeds the maximum packet size " + maxPacketSize);
                return -1;
            }
            // A packet larger than the buffer waits for a large one (Broker.Process lends it when it is at the head).
            return framed != PacketFramer.Complete || f.Size > c.ReceiveBuffer.Length ? 0 : f.Size;
        }

        /// <summary>The size of the packet at the head of the receive buffer as its fixed header tells, or 0 before it does.</summary>
        internal int HeadPacketSize(Connection c)
        {
            int framed = behind.Decode(c.ReceiveBuffer, 0, c.ReceivedCount);
            return framed == PacketFramer.Complete || framed == PacketFramer.Truncated ? behind.Size : 0;
        }

        /// <summary>True when the packet <see cref="Packet"/> frames is a well-formed PUBREL of a QoS 2 message the session holds (its PUBREC sent).</summary>
        internal bool ReleasesHeldMessage(Connection c, Session s)
        {
            return Releases(Packet, c, s);
        }

        private bool Releases(PacketFramer f, Connection c, Session s)
        {
            return f.Type == PacketType.PubRel
                && release.Decode(c.Version, f.Type, f.Flags, c.ReceiveBuffer, f.Body, f.End) == ReasonCode.Success
                && s.FindAwaitingRelease(release.PacketId) >= 0;
        }

        /// <summary>
        /// True when a PUBREL in the receive buffer after <paramref name="from"/> releases a QoS 2 message the
        /// session holds: handling it (Broker.HandleAcksBehind) frees a place in the window.
        /// </summary>
        internal bool ReleaseWaitingBehind(Connection c, Session s, int from)
        {
            int size;
            for (int p = from; (size = Frame(behind, c, p, true)) > 0; p += size)
            {
                if (Releases(behind, c, s))
                {
                    return true;
                }
            }
            return false;
        }
    }
}
