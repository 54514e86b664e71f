namespace NanoBroker.Protocol
{
    /// <summary>
    /// The fixed header of the packet at an offset (section 2.1), decoded once: type, flags, where the body
    /// starts and where the packet ends. One instance is reused.
    /// </summary>
    public sealed class PacketFramer
    {
        /// <summary>The whole packet is in the buffer.</summary>
        public const int Complete = 1;

        /// <summary>The length is known (<see cref="Size"/>, <see cref="Body"/>, <see cref="End"/> are set); bytes of the body are missing.</summary>
        public const int Truncated = 0;

        /// <summary>More bytes are needed before the remaining length is known.</summary>
        public const int Incomplete = -1;

        /// <summary>A remaining length of more than four bytes [MQTT-1.5.5-1]: the connection is closed.</summary>
        public const int Malformed = -2;

        /// <summary>The packet type (<see cref="PacketType"/>) and the first byte's low nibble.</summary>
        public int Type;
        public int Flags;

        /// <summary>Where the body starts, where the packet ends (exclusive), and its total size.</summary>
        public int Body;
        public int End;
        public int Size;

        /// <summary>
        /// Decodes the fixed header at <paramref name="at"/>, with <paramref name="available"/> bytes received from
        /// there. Returns <see cref="Complete"/>, <see cref="Truncated"/>, <see cref="Incomplete"/> or <see cref="Malformed"/>.
        /// The remaining length's encoding is not required to be minimal here, as MQTT 3.1.1 does not ask it.
        /// </summary>
        public int Decode(byte[] buffer, int at, int available)
        {
            if (available < 2)
            {
                return Incomplete;
            }
            int lengthBytes;
            int remaining = RemainingLength.Decode(buffer, at + 1, available - 1, out lengthBytes);
            if (remaining == RemainingLength.Malformed)
            {
                return Malformed;
            }
            if (remaining == RemainingLength.Incomplete)
            {
                return Incomplete;
            }
            Type = buffer[at] >> 4;
            Flags = buffer[at] & 0x0F;
            Body = at + 1 + lengthBytes;
            Size = 1 + lengthBytes + remaining;
            End = at + Size;
            return available >= Size ? Complete : Truncated;
        }

        /// <summary>True when the flags are those the type requires [MQTT-2.2.2-2]; any for PUBLISH (its decoder checks them).</summary>
        public bool FlagsValid
        {
            get { return Type == PacketType.Publish || Flags == PacketType.RequiredFlags(Type); }
        }
    }
}
