using NanoBroker.Protocol;

namespace NanoBroker.MqttSn
{
    /// <summary>
    /// One MQTT 5.0 packet at the head of an engine connection's outbox, read in place: the packets the engine sends
    /// an MQTT-SN client through the gateway (CONNACK, PUBLISH, PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK, UNSUBACK,
    /// PINGRESP, DISCONNECT). Properties are skipped: the gateway asks for none that MQTT-SN could carry.
    /// </summary>
    public sealed class OutboxPacket
    {
        /// <summary>The packet type (high nibble of the first byte) and its flags (low nibble).</summary>
        public int Type;
        public int Flags;

        /// <summary>The packet's whole size in the outbox.</summary>
        public int Size;

        /// <summary>Packet identifier (PUBLISH QoS 1/2, acknowledgements, SUBACK, UNSUBACK), else 0.</summary>
        public int PacketId;

        /// <summary>CONNACK, PUBACK..PUBCOMP, first SUBACK/UNSUBACK reason code; 0 when omitted.</summary>
        public int Reason;

        /// <summary>PUBLISH: topic and payload offsets into the outbox buffer.</summary>
        public int TopicStart;
        public int TopicLength;
        public int PayloadStart;
        public int PayloadLength;

        public int Qos { get { return (Flags >> 1) & 3; } }

        public bool Retain { get { return (Flags & 1) != 0; } }

        /// <summary>
        /// Reads the packet at <paramref name="at"/> of <paramref name="available"/> bytes; false when it is not whole
        /// yet or not one the engine sends (never expected: the engine writes whole packets).
        /// </summary>
        public bool Read(byte[] b, int at, int available)
        {
            if (available < 2)
            {
                return false;
            }
            Type = b[at] >> 4;
            Flags = b[at] & 0x0F;
            int lengthBytes;
            int remaining = RemainingLength.Decode(b, at + 1, available - 1, out lengthBytes);
            if (remaining < 0)
            {
                return false;
            }
            int p = at + 1 + lengthBytes;
            int end = p + remaining;
            if (end - at > available)
            {
                return false;
            }
            Size = end - at;
            PacketId = 0;
            Reason = 0;
            switch (Type)
            {
                case 2: // CONNACK: flags, reason
                    Reason = remaining >= 2 ? b[p + 1] : 0;
                    return true;
                case 3:
                    TopicLength = SnHeader.ReadUInt16(b, p);
                    TopicStart = p + 2;
                    p = TopicStart + TopicLength;
                    if (Qos > 0)
                    {
                        PacketId = SnHeader.ReadUInt16(b, p);
                        p += 2;
                    }
                    p = SkipProperties(b, p, end);
                    PayloadStart = p;
                    PayloadLength = end - p;
                    return p <= end;
                case 4:
                case 5:
                case 6:
                case 7:
                    PacketId = SnHeader.ReadUInt16(b, p);
                    Reason = remaining >= 3 ? b[p + 2] : 0;
                    return true;
                case 9:
                case 11:
                    PacketId = SnHeader.ReadUInt16(b, p);
                    p = SkipProperties(b, p + 2, end);
                    Reason = p < end ? b[p] : 0;
                    return true;
                default:
                    return true;
            }
        }

        // The position after the properties; past end when they do not fit (never: the engine writes whole packets).
        private static int SkipProperties(byte[] b, int p, int end)
        {
            int length;
            return Wire.ReadVarInt(b, ref p, end, out length) ? p + length : end + 1;
        }
    }
}
