namespace NanoBroker.Tokens
{
    /// <summary>
    /// Base64url without padding (RFC 4648 section 5, as JWS uses it: RFC 7515 section 2) into a caller's buffer.
    /// Strict: no padding, no other characters, zero unused bits, so a token has exactly one accepted encoding of each
    /// part (a tampered last character is not ignored). Allocates nothing.
    /// </summary>
    public static class Base64Url
    {
        /// <summary>The bytes that <paramref name="count"/> characters decode to, or -1 for a length no encoding has.</summary>
        public static int DecodedLength(int count)
        {
            return count % 4 == 1 ? -1 : count / 4 * 3 + (count % 4 == 0 ? 0 : count % 4 - 1);
        }

        /// <summary>
        /// Decodes <paramref name="count"/> characters of <paramref name="text"/> into <paramref name="into"/> from
        /// <paramref name="to"/>; returns the bytes written, or -1 when the text is not canonical base64url or would
        /// pass <paramref name="maxBytes"/>.
        /// </summary>
        public static int Decode(byte[] text, int offset, int count, byte[] into, int to, int maxBytes)
        {
            int length = DecodedLength(count);
            if (length < 0 || length > maxBytes)
            {
                return -1;
            }
            int written = 0;
            int group = 0;
            int bits = 0;
            for (int i = 0; i < count; i++)
            {
                int value = Value(text[offset + i]);
                if (value < 0)
                {
                    return -1;
                }
                group = (group << 6) | value;
                bits += 6;
                if (bits >= 8)
                {
                    bits -= 8;
                    into[to + written++] = (byte)(group >> bits);
                    group &= (1 << bits) - 1;
                }
            }
            // Bits below the last whole byte must be zero [RFC 4648 section 3.5].
            return group == 0 ? written : -1;
        }

        private static int Value(byte c)
        {
            return c >= 'A' && c <= 'Z' ? c - 'A'
                : c >= 'a' && c <= 'z' ? c - 'a' + 26
                : c >= '0' && c <= '9' ? c - '0' + 52
                : c == '-' ? 62 : c == '_' ? 63 : -1;
        }
    }
}
