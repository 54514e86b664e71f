namespace NanoBroker.Security
{
    /// <summary>
    /// SHA-256 (FIPS 180-4) in portable C#: nanoFramework's mscorlib has no cryptography, and password
    /// hashes must verify the same on the desktop and on the ESP32. One instance reuses its buffers.
    /// </summary>
    public sealed class Sha256
    {
        public const int HashBytes = 32;
        public const int BlockBytes = 64;

        private static readonly uint[] K =
        {
            0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
            0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
            0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
            0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
            0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
            0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
            0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
            0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
        };

        private readonly uint[] state = new uint[8];
        private readonly uint[] w = new uint[64];
        private readonly byte[] block = new byte[BlockBytes];
        private int blockCount;
        private long totalBytes;

        public Sha256()
        {
            Reset();
        }

        public void Reset()
        {
            state[0] = 0x6a09e667; state[1] = 0xbb67ae85; state[2] = 0x3c6ef372; state[3] = 0xa54ff53a;
            state[4] = 0x510e527f; state[5] = 0x9b05688c; state[6] = 0x1f83d9ab; state[7] = 0x5be0cd19;
            blockCount = 0;
            totalBytes = 0;
        }

        /// <summary>Copies the chaining state after whole blocks (for HMAC's precomputed pads).</summary>
        public void SaveState(uint[] into)
        {
            System.Array.Copy(state, into, 8);
        }

        /// <summary>Continues from a state saved after <paramref name="bytesHashed"/> bytes (a whole number of blocks).</summary>
        public void RestoreState(uint[] saved, long bytesHashed)
        {
            System.Array.Copy(saved, state, 8);
            blockCount = 0;
            totalBytes = bytesHashed;
        }

        public void Update(byte[] bytes, int offset, int count)
        {
            totalBytes += count;
            while (count > 0)
            {
                int n = BlockBytes - blockCount;
                if (n > count)
                {
                    n = count;
                }
                System.Array.Copy(bytes, offset, block, blockCount, n);
                blockCount += n;
                offset += n;
                count -= n;
                if (blockCount == BlockBytes)
                {
                    Compress();
                    blockCount = 0;
                }
            }
        }

        /// <summary>Writes the hash of everything updated since <see cref="Reset"/> and resets.</summary>
        public void Final(byte[] hash, int offset)
        {
            long bits = totalBytes * 8;
            block[blockCount++] = 0x80;
            if (blockCount > BlockBytes - 8)
            {
                while (blockCount < BlockBytes) block[blockCount++] = 0;
                Compress();
                blockCount = 0;
            }
            while (blockCount < BlockBytes - 8) block[blockCount++] = 0;
            for (int i = 7; i >= 0; i--)
            {
                block[blockCount++] = (byte)(bits >> (i * 8));
            }
            Compress();
            for (int i = 0; i < 8; i++)
            {
                hash[offset + i * 4] = (byte)(state[i] >> 24);
                hash[offset + i * 4 + 1] = (byte)(state[i] >> 16);
                hash[offset + i * 4 + 2] = (byte)(state[i] >> 8);
                hash[offset + i * 4 + 3] = (byte)state[i];
            }
            Reset();
        }

        private void Compress()
        {
            for (int i = 0; i < 16; i++)
            {
                w[i] = ((uint)block[i * 4] << 24) | ((uint)block[i * 4 + 1] << 16) | ((uint)block[i * 4 + 2] << 8) | block[i * 4 + 3];
            }
            for (int i = 16; i < 64; i++)
            {
                uint s0 = Rotr(w[i - 15], 7) ^ Rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
                uint s1 = Rotr(w[i - 2], 17) ^ Rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
                w[i] = w[i - 16] + s0 + w[i - 7] + s1;
            }
            uint a = state[0], b = state[1], c = state[2], d = state[3], e = state[4], f = state[5], g = state[6], h = state[7];
            for (int i = 0; i < 64; i++)
            {
                uint t1 = h + (Rotr(e, 6) ^ Rotr(e, 11) ^ Rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
                uint t2 = (Rotr(a, 2) ^ Rotr(a, 13) ^ Rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
                h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
            }
            state[0] += a; state[1] += b; state[2] += c; state[3] += d;
            state[4] += e; state[5] += f; state[6] += g; state[7] += h;
        }

        private static uint Rotr(uint x, int n)
        {
            return (x >> n) | (x << (32 - n));
        }
    }
}
