using NanoBroker.Security;

namespace NanoBroker.Tokens
{
    /// <summary>
    /// RSASSA-PKCS1-v1_5 signature verification with SHA-256 (RFC 8017 section 8.2.2; RS256 of RFC 7518 section 3.3).
    /// The arrays are sized once for the largest modulus allowed, so a verification allocates nothing.
    /// </summary>
    public sealed class RsaSignature
    {
        // DigestInfo's DER prefix for SHA-256, then the 32-byte hash (RFC 8017 section 9.2, note 1).
        private static readonly byte[] Sha256DigestInfo =
        {
            0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20,
        };

        private readonly Montgomery montgomery;
        private readonly uint[] signature;
        private readonly uint[] message;
        private readonly byte[] encoded;

        /// <summary>Room for moduli of up to <paramref name="maxBits"/> bits.</summary>
        public RsaSignature(int maxBits)
        {
            int limbs = (maxBits + 31) / 32;
            montgomery = new Montgomery(limbs);
            signature = new uint[limbs];
            message = new uint[limbs];
            encoded = new byte[limbs * 4];
        }

        /// <summary>
        /// True when the <paramref name="length"/> bytes at <paramref name="start"/> are the key's signature of the
        /// SHA-256 <paramref name="hash"/>: the signature is as long as the modulus and less than it (RSAVP1), and the
        /// recovered encoding equals EMSA-PKCS1-v1_5's byte for byte: 00 01, FF padding, 00, DigestInfo, hash.
        /// </summary>
        public bool Verify(RsaPublicKey key, byte[] hash, byte[] bytes, int start, int length)
        {
            int k = key.Bytes;
            // The encoding needs 8 bytes of padding at least (RFC 8017 section 9.2 step 3).
            if (length != k || key.Limbs > signature.Length || k < Sha256DigestInfo.Length + 32 + 11)
            {
                return false;
            }
            Montgomery.ToLimbs(bytes, start, length, signature, key.Limbs);
            if (!Montgomery.Less(signature, key.Modulus, key.Limbs))
            {
                return false;
            }
            montgomery.Power(signature, key.Exponent, key.Modulus, key.Limbs, key.RSquared, key.NegativeInverse, message);
            Montgomery.FromLimbs(message, encoded, 0, k);
            int hashAt = k - 32;
            int infoAt = hashAt - Sha256DigestInfo.Length;
            // Every byte is compared whatever differs first.
            int difference = encoded[0] | (encoded[1] ^ 0x01) | encoded[infoAt - 1];
            for (int i = 2; i < infoAt - 1; i++)
            {
                difference |= encoded[i] ^ 0xFF;
            }
            for (int i = 0; i < Sha256DigestInfo.Length; i++)
            {
                difference |= encoded[infoAt + i] ^ Sha256DigestInfo[i];
            }
            for (int i = 0; i < 32; i++)
            {
                difference |= encoded[hashAt + i] ^ hash[i];
            }
            return difference == 0;
        }
    }
}
