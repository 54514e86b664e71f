namespace NanoBroker.Security
{
    /// <summary>
    /// HMAC-SHA-256 (RFC 2104) over <see cref="Sha256"/>. <see cref="SetKey"/> hashes the key's inner and
    /// outer pad blocks once and keeps the two SHA-256 states, so each MAC under that key costs the message's
    /// compressions plus two (what PBKDF2's iteration loop needs); nothing is allocated after construction.
    /// </summary>
    public sealed class HmacSha256
    {
        /// <summary>The length of a MAC.</summary>
        public const int MacBytes = Sha256.HashBytes;

        private readonly Sha256 sha = new Sha256();
        private readonly byte[] pad = new byte[Sha256.BlockBytes];
        private readonly byte[] innerHash = new byte[Sha256.HashBytes];
        private readonly uint[] innerState = new uint[8];
        private readonly uint[] outerState = new uint[8];

        /// <summary>Sets the key and starts a MAC under it; a key longer than a block is hashed first (RFC 2104 section 2).</summary>
        public void SetKey(byte[] key, int offset, int length)
        {
            sha.Reset();
            if (length > Sha256.BlockBytes)
            {
                sha.Update(key, offset, length);
                sha.Final(innerHash, 0);
                key = innerHash;
                offset = 0;
                length = Sha256.HashBytes;
            }
            for (int i = 0; i < Sha256.BlockBytes; i++)
            {
                pad[i] = (byte)((i < length ? key[offset + i] : 0) ^ 0x36);
            }
            sha.Update(pad, 0, Sha256.BlockBytes);
            sha.SaveState(innerState);
            sha.Reset();
            for (int i = 0; i < Sha256.BlockBytes; i++)
            {
                pad[i] ^= 0x36 ^ 0x5c;
            }
            sha.Update(pad, 0, Sha256.BlockBytes);
            sha.SaveState(outerState);
            sha.RestoreState(innerState, Sha256.BlockBytes);
        }

        /// <summary>Adds message bytes to the MAC being computed.</summary>
        public void Update(byte[] bytes, int offset, int count)
        {
            sha.Update(bytes, offset, count);
        }

        /// <summary>
        /// Writes the 32-byte MAC of everything updated since <see cref="SetKey"/> or the previous Final, and
        /// starts the next MAC under the same key. <paramref name="mac"/> may be an array just passed to Update.
        /// </summary>
        public void Final(byte[] mac, int offset)
        {
            sha.Final(innerHash, 0);
            sha.RestoreState(outerState, Sha256.BlockBytes);
            sha.Update(innerHash, 0, Sha256.HashBytes);
            sha.Final(mac, offset);
            sha.RestoreState(innerState, Sha256.BlockBytes);
        }
    }
}
