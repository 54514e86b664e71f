namespace NanoBroker.Security
{
    /// <summary>
    /// Base64 (RFC 4648 section 4, with padding) between byte arrays, as SCRAM writes salts, proofs and
    /// signatures. Decoding is strict: a length that is a multiple of 4, padding only at the end, no other
    /// characters, and zero unused bits, so every value has exactly one accepted encoding. Allocates nothing.
    /// </summary>
    public static class Base64
    {
        /// <summary>The number of characters that encode <paramref name="byteCount"/> bytes.</summary>
        public static int EncodedLength(int byteCount)
        {
            return (byteCount + 2) / 3 * 4;
        }

        /// <summary>Writes the encoding of the bytes at <paramref name="to"/>; returns the characters written.</summary>
        public static int Encode(byte[] bytes, int offset, int count, byte[] into, int to)
        {
            int start = to;
            for (int i = 0; i < count; i += 3)
            {
                int left = count - i;
                int group = bytes[offset + i] << 16;
                if (left > 1) group |= bytes[offset + i + 1] << 8;
                if (left > 2) group |= bytes[offset + i + 2];
                into[to++] = Letter(group >> 18);
                into[to++] = Letter(group >> 12);
                into[to++] = left > 1 ? Letter(group >> 6) : (byte)'=';
                into[to++] = left > 2 ? Letter(group) : (byte)'=';
            }
            return to - start;
        }

        /// <summary>
        /// Decodes <paramref name="count"/> characters into <paramref name="into"/> from <paramref name="to"/>;
        /// returns the bytes written, or -1 when the text is not canonical base64 or would pass
        /// <paramref name="maxBytes"/>.
        /// </summary>
        public static int Decode(byte[] text, int offset, int count, byte[] into, int to, int maxBytes)
        {
            if (count % 4 != 0)
            {
                return -1;
            }
            int written = 0;
            for (int i = 0; i < count; i += 4)
            {
                bool last = i + 4 == count;
                int padding = 0;
                if (last && text[offset + i + 3] == (byte)'=')
                {
                    padding = text[offset + i + 2] == (byte)'=' ? 2 : 1;
                }
                int group = 0;
                for (int k = 0; k < 4 - padding; k++)
                {
                    int value = Value(text[offset + i + k]);
                    if (value < 0)
                    {
                        return -1;
                    }
                    group |= value << (18 - 6 * k);
                }
                int produced = 3 - padding;
                // Bits below the last whole byte must be zero [RFC 4648 section 3.5].
                if ((group & ((1 << (8 * padding)) - 1)) != 0 || written + produced > maxBytes)
                {
                    return -1;
                }
                for (int k = 0; k < produced; k++)
                {
                    into[to + written++] = (byte)(group >> (16 - 8 * k));
                }
            }
            return written;
        }

        private static byte Letter(int sixBits)
        {
            sixBits &= 0x3F;
            return (byte)(sixBits < 26 ? 'A' + sixBits
                : sixBits < 52 ? 'a' + sixBits - 26
                : sixBits < 62 ? '0' + sixBits - 52
                : sixBits == 62 ? '+' : '/');
        }

        private static int Value(byte c)
        {
            return c >= 'A' && c <= 'Z' ? c - 'A'
                : c >= 'a' && c <= 'z' ? c - 'a' + 26
                : c >= '0' && c <= '9' ? c - '0' + 52
                : c == '+' ? 62 : c == '/' ? 63 : -1;
        }
    }
}
