namespace NanoBroker.Storage
{
    /// <summary>CRC-32 (IEEE 802.3, as zlib and PNG use it) of record bytes.</summary>
    public static class Crc32
    {
        private static readonly uint[] Table = MakeTable();

        public static uint Compute(byte[] bytes, int offset, int count)
        {
            return Update(0, bytes, offset, count);
        }

        /// <summary>Continues a CRC over more bytes; start with 0.</summary>
        public static uint Update(uint crc, byte[] bytes, int offset, int count)
        {
            uint c = ~crc;
            for (int i = offset; i < offset + count; i++)
            {
                c = Table[(c ^ bytes[i]) & 0xFF] ^ (c >> 8);
            }
            return ~c;
        }

        private static uint[] MakeTable()
        {
            uint[] table = new uint[256];
            for (uint n = 0; n < 256; n++)
            {
                uint c = n;
                for (int k = 0; k < 8; k++)
                {
                    c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
                }
                table[n] = c;
            }
            return table;
        }
    }
}
