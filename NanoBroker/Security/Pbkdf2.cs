namespace NanoBroker.Security
{
    /// <summary>PBKDF2 with HMAC-SHA-256 (RFC 8018), for salted password hashes.</summary>
    public sealed class Pbkdf2
    {
        private readonly Sha256 sha = new Sha256();
        private readonly byte[] innerPad = new byte[Sha256.BlockBytes];
        private readonly byte[] outerPad = new byte[Sha256.BlockBytes];
        private readonly byte[] u = new byte[Sha256.HashBytes];
        private readonly byte[] counter = new byte[4];

        // SHA-256 states after the key's inner and outer pad blocks: each HMAC then costs two
        // compressions instead of four.
        private readonly uint[] innerState = new uint[8];
        private readonly uint[] outerState = new uint[8];

        /// <summary>Derives <paramref name="output"/>.Length bytes (at most 32: one block) from the password and salt.</summary>
        public void Derive(byte[] password, int passwordOffset, int passwordLength, byte[] salt, int iterations, byte[] output)
        {
            for (int i = 0; i < Sha256.BlockBytes; i++)
            {
                innerPad[i] = 0x36;
                outerPad[i] = 0x5c;
            }
            if (passwordLength > Sha256.BlockBytes)
            {
                // HMAC keys longer than a block are hashed first.
                byte[] key = new byte[Sha256.HashBytes];
                sha.Update(password, passwordOffset, passwordLength);
                sha.Final(key, 0);
                password = key;
                passwordOffset = 0;
                passwordLength = key.Length;
            }
            for (int i = 0; i < passwordLength; i++)
            {
                innerPad[i] ^= password[passwordOffset + i];
                outerPad[i] ^= password[passwordOffset + i];
            }
            sha.Update(innerPad, 0, innerPad.Length);
            sha.SaveState(innerState);
            sha.Reset();
            sha.Update(outerPad, 0, outerPad.Length);
            sha.SaveState(outerState);
            sha.Reset();
            counter[3] = 1;
            Hmac(salt, 0, salt.Length, counter);
            byte[] result = new byte[Sha256.HashBytes];
            System.Array.Copy(u, result, u.Length);
            for (int n = 1; n < iterations; n++)
            {
                Hmac(u, 0, u.Length, null);
                for (int i = 0; i < result.Length; i++)
                {
                    result[i] ^= u[i];
                }
            }
            System.Array.Copy(result, output, output.Length);
        }

        // u = HMAC(key, message [+ suffix]).
        private void Hmac(byte[] message, int offset, int count, byte[] suffix)
        {
            sha.RestoreState(innerState, Sha256.BlockBytes);
            sha.Update(message, offset, count);
            if (suffix != null)
            {
                sha.Update(suffix, 0, suffix.Length);
            }
            sha.Final(u, 0);
            sha.RestoreState(outerState, Sha256.BlockBytes);
            sha.Update(u, 0, u.Length);
            sha.Final(u, 0);
        }
    }
}
