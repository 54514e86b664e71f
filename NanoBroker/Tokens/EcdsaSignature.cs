namespace NanoBroker.Tokens
{
    /// <summary>
    /// ECDSA signature verification on P-256 with SHA-256 (ES256 of RFC 7518 section 3.4; the steps of SEC 1 section
    /// 4.1.4 and FIPS 186-4 section 6.4.2). A JWS carries the signature as R || S, 32 big-endian bytes each, not DER.
    /// The arrays are sized at construction, so a verification allocates nothing. Everything computed with is
    /// public (signature, hash, key): the running time may depend on it.
    /// </summary>
    public sealed class EcdsaSignature
    {
        /// <summary>The length of an ES256 signature: R || S.</summary>
        public const int SignatureBytes = 2 * P256.Bytes;

        private const int Limbs = P256.Limbs;

        private readonly P256 curve = new P256();
        private readonly Montgomery montgomery = new Montgomery(Limbs);
        private readonly uint orderInverse = Montgomery.NegativeInverse(P256.Order[0]);
        private readonly uint[] orderRSquared = new uint[Limbs];
        private readonly uint[] orderMinusTwo = new uint[Limbs];
        private readonly uint[] r = new uint[Limbs];
        private readonly uint[] s = new uint[Limbs];
        private readonly uint[] e = new uint[Limbs];
        private readonly uint[] w = new uint[Limbs];
        private readonly uint[] u1 = new uint[Limbs];
        private readonly uint[] u2 = new uint[Limbs];

        /// <summary>Precomputes the arithmetic modulo n.</summary>
        public EcdsaSignature()
        {
            Montgomery.RSquared(P256.Order, Limbs, orderRSquared);
            for (int i = 0; i < Limbs; i++)
            {
                orderMinusTwo[i] = P256.Order[i];
            }
            orderMinusTwo[0] -= 2;
        }

        /// <summary>
        /// True when the <paramref name="length"/> bytes at <paramref name="start"/> are R || S, the key's signature of
        /// the SHA-256 <paramref name="hash"/>: r and s in [1, n - 1], and the affine x of u1 G + u2 Q, with
        /// w = s^-1, u1 = e w and u2 = r w modulo n, is r modulo n.
        /// </summary>
        public bool Verify(EcPublicKey key, byte[] hash, byte[] bytes, int start, int length)
        {
            if (length != SignatureBytes)
            {
                return false;
            }
            Montgomery.ToLimbs(bytes, start, P256.Bytes, r, Limbs);
            Montgomery.ToLimbs(bytes, start + P256.Bytes, P256.Bytes, s, Limbs);
            if (IsZero(r) || IsZero(s) || !Montgomery.Less(r, P256.Order, Limbs) || !Montgomery.Less(s, P256.Order, Limbs))
            {
                return false;
            }
            // e: the hash's 256 bits as an integer (as long as n: no truncation), less than 2^256 < 2n.
            Montgomery.ToLimbs(hash, 0, P256.Bytes, e, Limbs);
            if (!Montgomery.Less(e, P256.Order, Limbs))
            {
                Montgomery.Subtract(e, P256.Order, Limbs);
            }
            // w = s^(n-2) = s^-1 mod n (Fermat: n is prime), in the normal form.
            montgomery.Power(s, orderMinusTwo, Limbs, P256.Order, Limbs, orderRSquared, orderInverse, w);
            // A Montgomery product divides by R; the product with R^2 puts it back: u = a w R^-1 R^2 R^-1.
            montgomery.Multiply(e, w, P256.Order, Limbs, orderInverse, u1);
            montgomery.Multiply(u1, orderRSquared, P256.Order, Limbs, orderInverse, u1);
            montgomery.Multiply(r, w, P256.Order, Limbs, orderInverse, u2);
            montgomery.Multiply(u2, orderRSquared, P256.Order, Limbs, orderInverse, u2);
            if (!curve.MultiplyAdd(u1, u2, key.X, key.Y, key.SumX, key.SumY))
            {
                return false;
            }
            // x mod n = r: x is r, or r + n when that is still less than p (x < p < 2n).
            if (curve.ResultXIs(r))
            {
                return true;
            }
            ulong carry = 0;
            for (int i = 0; i < Limbs; i++)
            {
                ulong sum = (ulong)r[i] + P256.Order[i] + carry;
                r[i] = (uint)sum;
                carry = sum >> 32;
            }
            return carry == 0 && Montgomery.Less(r, P256.Prime, Limbs) && curve.ResultXIs(r);
        }

        private static bool IsZero(uint[] a)
        {
            for (int i = 0; i < Limbs; i++)
            {
                if (a[i] != 0)
                {
                    return false;
                }
            }
            return true;
        }
    }
}
