namespace NanoBroker.Web
{
    /// <summary>
    /// SHA-1 (RFC 3174), for the WebSocket handshake's Sec-WebSocket-Accept only (RFC 6455 section 4.2.2): there it
    /// shows that the server read the client's key, which SHA-1's broken collision resistance does not weaken. Its
    /// buffers are the instance's, so hashing allocates nothing.
    /// </summary>
    public sealed class Sha1
    {
        /// <summary>The bytes of a digest.</summary>
        public const int HashBytes = 20;

        private readonly uint[] state = new uint[5];
        private readonly uint[] words = new uint[80];
        private readonly byte[] last = new byte[64];

        /// <summary>Writes the digest of <paramref name="count"/> bytes from <paramref name="offset"/> at <paramref name="at"/>.</summary>
        public void Hash(byte[] data, int offset, int count, byte[] into, int at)
        {
            state[0] = 0x67452301;
            state[1] = 0xEFCDAB89;
            state[2] = 0x98BADCFE;
            state[3] = 0x10325476;
            state[4] = 0xC3D2E1F0;
            int whole = count / 64 * 64;
            for (int i = 0; i < whole; i += 64)
            {
                Compress(data, offset + i);
            }
            // The padding (section 4): 0x80, zeros, the length in bits as 8 big-endian bytes, in one or two blocks.
            int rest = count - whole;
            System.Array.Copy(data, offset + whole, last, 0, rest);
            last[rest] = 0x80;
            for (int i = rest + 1; i < 64; i++)
            {
                last[i] = 0;
            }
            if (rest >= 56)
            {
                Compress(last, 0);
                for (int i = 0; i < 56; i++)
                {
                    last[i] = 0;
                }
            }
            long bits = (long)count * 8;
            for (int k = 0; k < 8; k++)
            {
                last[63 - k] = (byte)(bits >> (8 * k));
            }
            Compress(last, 0);
            for (int i = 0; i < 5; i++)
            {
                uint h = state[i];
                into[at + 4 * i] = (byte)(h >> 24);
                into[at + 4 * i + 1] = (byte)(h >> 16);
                into[at + 4 * i + 2] = (byte)(h >> 8);
                into[at + 4 * i + 3] = (byte)h;
            }
        }

        // Section 6.1, method 1.
        private void Compress(byte[] block, int at)
        {
            for (int t = 0; t < 16; t++)
            {
                int b = at + 4 * t;
                words[t] = ((uint)block[b] << 24) | ((uint)block[b + 1] << 16) | ((uint)block[b + 2] << 8) | block[b + 3];
            }
            for (int t = 16; t < 80; t++)
            {
                uint x = words[t - 3] ^ words[t - 8] ^ words[t - 14] ^ words[t - 16];
                words[t] = (x << 1) | (x >> 31);
            }
            uint a = state[0], bb = state[1], c = state[2], d = state[3], e = state[4];
            for (int t = 0; t < 80; t++)
            {
                uint f;
                uint k;
                if (t < 20)
                {
                    f = (bb & c) | (~bb & d);
                    k = 0x5A827999;
                }
                else if (t < 40)
                {
                    f = bb ^ c ^ d;
                    k = 0x6ED9EBA1;
                }
                else if (t < 60)
                {
                    f = (bb & c) | (bb & d) | (c & d);
                    k = 0x8F1BBCDC;
                }
                else
                {
                    f = bb ^ c ^ d;
                    k = 0xCA62C1D6;
                }
                uint temp = ((a << 5) | (a >> 27)) + f + e + k + words[t];
                e = d;
                d = c;
                c = (bb << 30) | (bb >> 2);
                bb = a;
                a = temp;
            }
            state[0] += a;
            state[1] += bb;
            state[2] += c;
            state[3] += d;
            state[4] += e;
        }
    }
}
