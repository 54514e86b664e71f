namespace NanoBroker.Protocol
{
    /// <summary>The variable-length "remaining length" of the fixed header (MQTT 3.1.1 section 2.2.3).</summary>
    public static class RemainingLength
    {
        /// <summary>More bytes are needed before the length is known.</summary>
        public const int Incomplete = -1;

        /// <summary>A fifth length byte: the packet is malformed.</summary>
        public const int Malformed = -2;

        /// <summary>The largest value four bytes can encode.</summary>
        public const int Max = 268435455;

        /// <summary>
        /// Decodes the length starting at <paramref name="offset"/>, reading at most
        /// <paramref name="available"/> bytes. Returns the length, <see cref="Incomplete"/> or <see cref="Malformed"/>.
        /// </summary>
        public static int Decode(byte[] buffer, int offset, int available, out int byteCount)
        {
            int value = 0;
            int shift = 0;
            byteCount = 0;
            while (byteCount < 4)
            {
                if (byteCount == available)
                {
                    return Incomplete;
                }
                int b = buffer[offset + byteCount];
                byteCount++;
                value |= (b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                {
                    return value;
                }
                shift += 7;
            }
            return Malformed;
        }

        /// <summary>Number of bytes <paramref name="value"/> takes when encoded.</summary>
        public static int SizeOf(int value)
        {
            return value < 128 ? 1 : value < 16384 ? 2 : value < 2097152 ? 3 : 4;
        }

        /// <summary>Writes <paramref name="value"/> at <paramref name="offset"/>; returns the bytes written.</summary>
        public static int Encode(int value, byte[] buffer, int offset)
        {
            int written = 0;
            do
            {
                int b = value & 0x7F;
                value >>= 7;
                if (value > 0)
                {
                    b |= 0x80;
                }
                buffer[offset + written] = (byte)b;
                written++;
            }
            while (value > 0);
            return written;
        }
    }
}
