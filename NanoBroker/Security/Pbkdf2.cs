namespace NanoBroker.Security
{
    /// <summary>PBKDF2 with HMAC-SHA-256 (RFC 8018), for salted password hashes; allocates nothing per call.</summary>
    public sealed class Pbkdf2
    {
        private readonly HmacSha256 hmac = new HmacSha256();
        private readonly byte[] u = new byte[HmacSha256.MacBytes];
        private readonly byte[] result = new byte[HmacSha256.MacBytes];
        private readonly byte[] blockIndex = { 0, 0, 0, 1 };

        /// <summary>Derives <paramref name="output"/>.Length bytes (at most 32: one block) from the password and salt.</summary>
        public void Derive(byte[] password, int passwordOffset, int passwordLength, byte[] salt, int iterations, byte[] output)
        {
            // The key's pad blocks are hashed once here, so each iteration costs two compressions.
            hmac.SetKey(password, passwordOffset, passwordLength);
            hmac.Update(salt, 0, salt.Length);
            hmac.Update(blockIndex, 0, blockIndex.Length);
            hmac.Final(u, 0);
            System.Array.Copy(u, result, u.Length);
            for (int n = 1; n < iterations; n++)
            {
                hmac.Update(u, 0, u.Length);
                hmac.Final(u, 0);
                for (int i = 0; i < result.Length; i++)
                {
                    result[i] ^= u[i];
                }
            }
            System.Array.Copy(result, output, output.Length);
        }
    }
}
