namespace NanoBroker.Protocol
{
    /// <summary>Big-endian fields of MQTT packets, read and written in place.</summary>
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
    }
}
