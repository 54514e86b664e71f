namespace NanoBroker.Security
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
        private readonly uint[] inverseV = new uint[Limbs];
        private readonly uint[] inverseX2 = new uint[Limbs];
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
        }

        /// <summary>
        /// True when the <paramref name="length"/> bytes at <paramref name="start"/> are R || S, the key's signature of
        /// the SHA-256 <paramref name="hash"/>: r and s in [1, n - 1], and the affine x of u1 G + u2 Q, with
        /// w = s^-1, u1 = e w and u2 = r w modulo n, is r modulo n. (The inverse overwrites s, which is not needed after.)
        /// </summary>
        public bool Verify(P256PublicKey key, byte[] hash, byte[] bytes, int start, int length)
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
            // w = s^-1 mod n, in the normal form.
            Invert(s, w);
            // A Montgomery product divides by R; the product with R^2 puts it back: u = a w R^-1 R^2 R^-1.
            montgomery.Multiply(e, w, P256.Order, Limbs, orderInverse, u1);
            montgomery.Multiply(u1, orderRSquared, P256.Order, Limbs, orderInverse, u1);
            montgomery.Multiply(r, w, P256.Order, Limbs, orderInverse, u2);
            montgomery.Multiply(u2, orderRSquared, P256.Order, Limbs, orderInverse, u2);
            if (!curve.MultiplyAdd(u1, u2, key.MultiplesX, key.MultiplesY))
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

        // into = a^-1 mod n for a in [1, n - 1], by the binary extended Euclidean algorithm (HAC algorithm 14.61 for an
        // odd modulus): u x1 = a and v x2 = a stay true modulo n while u and v shrink to 1. Fermat's a^(n-2) would
        // take some 430 Montgomery products, a quarter of a verification on nanoCLR; this takes shifts and
        // subtractions. a is overwritten.
        private void Invert(uint[] a, uint[] into)
        {
            uint[] u = a;
            uint[] v = inverseV;
            uint[] x1 = into;
            uint[] x2 = inverseX2;
            for (int i = 0; i < Limbs; i++)
            {
                v[i] = P256.Order[i];
                x1[i] = 0;
                x2[i] = 0;
            }
            x1[0] = 1;
            while (!IsOne(u) && !IsOne(v))
            {
                while ((u[0] & 1) == 0)
                {
                    HalveBoth(u, x1);
                }
                while ((v[0] & 1) == 0)
                {
                    HalveBoth(v, x2);
                }
                if (!Montgomery.Less(u, v, Limbs))
                {
                    Montgomery.Subtract(u, v, Limbs);
                    Montgomery.SubtractModulo(x1, x2, P256.Order, Limbs, x1);
                }
                else
                {
                    Montgomery.Subtract(v, u, Limbs);
                    Montgomery.SubtractModulo(x2, x1, P256.Order, Limbs, x2);
                }
            }
            if (!IsOne(u))
            {
                for (int i = 0; i < Limbs; i++)
                {
                    into[i] = x2[i];
                }
            }
        }

        // value /= 2 (value even), and x = x / 2 mod n: x halved if even, else (x + n) / 2 (n is odd), the carry out of
        // x + n shifted in at the top.
        private static void HalveBoth(uint[] value, uint[] x)
        {
            for (int i = 0; i < Limbs - 1; i++)
            {
                value[i] = (value[i] >> 1) | (value[i + 1] << 31);
            }
            value[Limbs - 1] >>= 1;
            uint top = 0;
            if ((x[0] & 1) != 0)
            {
                ulong carry = 0;
                for (int i = 0; i < Limbs; i++)
                {
                    ulong sum = (ulong)x[i] + P256.Order[i] + carry;
                    x[i] = (uint)sum;
                    carry = sum >> 32;
                }
                top = (uint)carry;
            }
            for (int i = 0; i < Limbs - 1; i++)
            {
                x[i] = (x[i] >> 1) | (x[i + 1] << 31);
            }
            x[Limbs - 1] = (x[Limbs - 1] >> 1) | (top << 31);
        }

        private static bool IsOne(uint[] a)
        {
            if (a[0] != 1)
            {
                return false;
            }
            for (int i = 1; i < Limbs; i++)
            {
                if (a[i] != 0)
                {
                    return false;
                }
            }
            return true;
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
