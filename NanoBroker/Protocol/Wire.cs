namespace NanoBroker.Protocol
{
    /// <summary>
    /// The data types of MQTT packets (5.0 section 1.5), read and written in place: big-endian two- and four-byte
    /// integers, variable byte integers, and length-prefixed fields (UTF-8 strings and binary data).
    /// </summary>
    public static class Wire
    {
        /// <summary>Reads a two-byte integer at <paramref name="position"/>; false when fewer than two bytes remain before <paramref name="end"/>.</summary>
        public static bool ReadUInt16(byte[] buffer, ref int position, int end, out int value)
        {
            if (end - position < 2)
            {
                value = 0;
                return false;
            }
            value = (buffer[position] << 8) | buffer[position + 1];
            position += 2;
            return true;
        }

        /// <summary>Reads a four-byte integer (0 to 4,294,967,295); false when fewer than four bytes remain.</summary>
        public static bool ReadUInt32(byte[] buffer, ref int position, int end, out long value)
        {
            if (end - position < 4)
            {
                value = 0;
                return false;
            }
            value = ((long)buffer[position] << 24) | ((long)buffer[position + 1] << 16) | ((long)buffer[position + 2] << 8) | buffer[position + 3];
            position += 4;
            return true;
        }

        /// <summary>
        /// Reads a variable byte integer (section 1.5.5); false when it runs past <paramref name="end"/>, takes a
        /// fifth byte, or is not in its shortest form [MQTT-1.5.5-1].
        /// </summary>
        public static bool ReadVarInt(byte[] buffer, ref int position, int end, out int value)
        {
            int byteCount;
            value = RemainingLength.Decode(buffer, position, end - position, out byteCount);
            if (value < 0 || byteCount != RemainingLength.SizeOf(value))
            {
                value = 0;
                return false;
            }
            position += byteCount;
            return true;
        }

        /// <summary>
        /// Reads a length-prefixed field (UTF-8 string or binary data, section 1.5.3): returns where
        /// its bytes start and how many there are; false when the field runs past <paramref name="end"/>.
        /// </summary>
        public static bool ReadField(byte[] buffer, ref int position, int end, out int start, out int length)
        {
            start = 0;
            if (!ReadUInt16(buffer, ref position, end, out length) || end - position < length)
            {
                return false;
            }
            start = position;
            position += length;
            return true;
        }

        public static void WriteUInt16(byte[] buffer, int offset, int value)
        {
            buffer[offset] = (byte)(value >> 8);
            buffer[offset + 1] = (byte)value;
        }

        /// <summary>Writes a four-byte integer at <paramref name="offset"/>.</summary>
        public static void WriteUInt32(byte[] buffer, int offset, long value)
        {
            buffer[offset] = (byte)(value >> 24);
            buffer[offset + 1] = (byte)(value >> 16);
            buffer[offset + 2] = (byte)(value >> 8);
            buffer[offset + 3] = (byte)value;
        }

        /// <summary>Writes a variable byte integer at <paramref name="offset"/>; returns the position after it.</summary>
        public static int WriteVarInt(byte[] buffer, int offset, int value)
        {
            return offset + RemainingLength.Encode(value, buffer, offset);
        }

        /// <summary>Writes a two-byte length and <paramref name="length"/> bytes copied from <paramref name="source"/>; returns the position after them.</summary>
        public static int WriteField(byte[] buffer, int offset, byte[] source, int start, int length)
        {
            WriteUInt16(buffer, offset, length);
            System.Array.Copy(source, start, buffer, offset + 2, length);
            return offset + 2 + length;
        }

        /// <summary>Byte-wise equality of two ranges.</summary>
        public static bool Equal(byte[] a, int aOffset, int aCount, byte[] b, int bOffset, int bCount)
        {
            if (aCount != bCount)
            {
                return false;
            }
            for (int i = 0; i < aCount; i++)
            {
                if (a[aOffset + i] != b[bOffset + i])
                {
                    return false;
                }
            }
            return true;
        }
    }
}
