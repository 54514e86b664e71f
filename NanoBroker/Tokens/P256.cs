namespace NanoBroker.Tokens
{
    /// <summary>
    /// The curve P-256 (secp256r1, FIPS 186-4 appendix D.1.2.3: y^2 = x^3 - 3x + b over GF(p)) for ECDSA verification:
    /// field elements are 8 limbs in Montgomery form (x R mod p, R = 2^256), points in Jacobian coordinates
    /// (X/Z^2, Y/Z^3), so no division is needed until the end. The working arrays are allocated once; the arithmetic
    /// allocates nothing. Verification handles public data only (the signature, the hash, the public key), so the
    /// running time may depend on it: no constant-time care is taken.
    /// </summary>
    public sealed class P256
    {
        /// <summary>A field element's or scalar's length in 32-bit limbs.</summary>
        public const int Limbs = 8;

        /// <summary>A coordinate's or scalar's length in bytes.</summary>
        public const int Bytes = 32;

        /// <summary>p = 2^256 - 2^224 + 2^192 + 2^96 - 1, limbs least significant first.</summary>
        public static readonly uint[] Prime = { 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0x00000000, 0x00000000, 0x00000000, 0x00000001, 0xFFFFFFFF };

        /// <summary>n, the order of the base point G.</summary>
        public static readonly uint[] Order = { 0xFC632551, 0xF3B9CAC2, 0xA7179E84, 0xBCE6FAAD, 0xFFFFFFFF, 0xFFFFFFFF, 0x00000000, 0xFFFFFFFF };

        // The curve's b, and G's coordinates, in the normal form.
        private static readonly uint[] B = { 0x27D2604B, 0x3BCE3C3E, 0xCC53B0F6, 0x651D06B0, 0x769886BC, 0xB3EBBD55, 0xAA3A93E7, 0x5AC635D8 };
        private static readonly uint[] GX = { 0xD898C296, 0xF4A13945, 0x2DEB33A0, 0x77037D81, 0x63A440F2, 0xF8BCE6E5, 0xE12C4247, 0x6B17D1F2 };
        private static readonly uint[] GY = { 0x37BF51F5, 0xCBB64068, 0x6B315ECE, 0x2BCE3357, 0x7C0F9E16, 0x8EE7EB4A, 0xFE1A7F9B, 0x4FE342E2 };

        private readonly Montgomery montgomery = new Montgomery(Limbs);
        private readonly uint negativeInverse = Montgomery.NegativeInverse(Prime[0]);
        private readonly uint[] rSquared = new uint[Limbs];
        private readonly uint[] primeMinusTwo = new uint[Limbs];

        // 1 in the normal form (a product with it takes a number out of Montgomery form).
        private readonly uint[] normalOne = new uint[Limbs];

        // Constants in Montgomery form: 1, b, G.
        private readonly uint[] one = new uint[Limbs];
        private readonly uint[] b = new uint[Limbs];
        private readonly uint[] gx = new uint[Limbs];
        private readonly uint[] gy = new uint[Limbs];

        // The running point of a multiplication, Jacobian, and whether it is the point at infinity.
        private readonly uint[] x = new uint[Limbs];
        private readonly uint[] y = new uint[Limbs];
        private readonly uint[] z = new uint[Limbs];
        private bool infinity;

        // Temporaries of the point formulas.
        private readonly uint[] t0 = new uint[Limbs];
        private readonly uint[] t1 = new uint[Limbs];
        private readonly uint[] t2 = new uint[Limbs];
        private readonly uint[] t3 = new uint[Limbs];
        private readonly uint[] t4 = new uint[Limbs];

        /// <summary>Computes the constants' Montgomery forms (once: a key loader or a verifier holds the instance).</summary>
        public P256()
        {
            Montgomery.RSquared(Prime, Limbs, rSquared);
            for (int i = 0; i < Limbs; i++)
            {
                primeMinusTwo[i] = Prime[i];
            }
            primeMinusTwo[0] -= 2;
            normalOne[0] = 1;
            ToField(normalOne, one);
            ToField(B, b);
            ToField(GX, gx);
            ToField(GY, gy);
        }

        /// <summary><paramref name="into"/> = the Montgomery form of <paramref name="value"/> (less than p); into may be value.</summary>
        public void ToField(uint[] value, uint[] into)
        {
            montgomery.Multiply(value, rSquared, Prime, Limbs, negativeInverse, into);
        }

        /// <summary>
        /// True when the affine point (<paramref name="px"/>, <paramref name="py"/>), in the normal form, lies on the
        /// curve: both coordinates less than p and y^2 = x^3 - 3x + b (SEC 1 section 3.2.2.1 steps 2 and 3). P-256 has
        /// cofactor 1, so such a point is in the group of G.
        /// </summary>
        public bool IsOnCurve(uint[] px, uint[] py)
        {
            if (!Montgomery.Less(px, Prime, Limbs) || !Montgomery.Less(py, Prime, Limbs))
            {
                return false;
            }
            ToField(px, t0);
            ToField(py, t1);
            Multiply(t1, t1, t1);
            Multiply(t0, t0, t2);
            Multiply(t2, t0, t2);
            Subtract(t2, t0, t2);
            Subtract(t2, t0, t2);
            Subtract(t2, t0, t2);
            Add(t2, b, t2);
            return Same(t1, t2);
        }

        /// <summary>
        /// (<paramref name="sumX"/>, <paramref name="sumY"/>) = G + Q for Q affine in Montgomery form, the sum affine
        /// in Montgomery form; false when the sum is the point at infinity (Q = -G). Start-up work: it divides.
        /// </summary>
        public bool AddGenerator(uint[] qx, uint[] qy, uint[] sumX, uint[] sumY)
        {
            infinity = true;
            AddPoint(gx, gy);
            AddPoint(qx, qy);
            if (infinity)
            {
                return false;
            }
            // z^-1 by Fermat: z^(p-2), taken out of and back into Montgomery form.
            montgomery.Multiply(z, normalOne, Prime, Limbs, negativeInverse, t0);
            montgomery.Power(t0, primeMinusTwo, Limbs, Prime, Limbs, rSquared, negativeInverse, t1);
            ToField(t1, t1);
            Multiply(t1, t1, t2);
            Multiply(x, t2, sumX);
            Multiply(t2, t1, t2);
            Multiply(y, t2, sumY);
            return true;
        }

        /// <summary>
        /// u1 G + u2 Q by Shamir's trick (one doubling per bit, and an addition of G, Q or G + Q where the scalars'
        /// bits say), for scalars in the normal form and Q and G + Q affine in Montgomery form; false when the result
        /// is the point at infinity. The result is kept for <see cref="ResultXIs"/>.
        /// </summary>
        public bool MultiplyAdd(uint[] u1, uint[] u2, uint[] qx, uint[] qy, uint[] sumX, uint[] sumY)
        {
            infinity = true;
            for (int bit = Limbs * 32 - 1; bit >= 0; bit--)
            {
                if (!infinity)
                {
                    Double();
                }
                uint first = (u1[bit / 32] >> (bit % 32)) & 1;
                uint second = (u2[bit / 32] >> (bit % 32)) & 1;
                if (first != 0 && second != 0)
                {
                    AddPoint(sumX, sumY);
                }
                else if (first != 0)
                {
                    AddPoint(gx, gy);
                }
                else if (second != 0)
                {
                    AddPoint(qx, qy);
                }
            }
            return !infinity;
        }

        /// <summary>
        /// True when the affine x of <see cref="MultiplyAdd"/>'s result is <paramref name="value"/> (normal form, less
        /// than p): X = value Z^2, compared without a division.
        /// </summary>
        public bool ResultXIs(uint[] value)
        {
            ToField(value, t0);
            Multiply(z, z, t1);
            Multiply(t0, t1, t0);
            return Same(t0, x);
        }

        // (x, y, z) = 2 (x, y, z): dbl-2001-b of the Explicit-Formulas Database (a = -3), 3M + 5S. P-256 has no point
        // of order 2, so the double of a finite point is finite.
        private void Double()
        {
            Multiply(z, z, t0);             // delta = Z^2
            Multiply(y, y, t1);             // gamma = Y^2
            Multiply(x, t1, t2);            // beta = X gamma
            Subtract(x, t0, t3);
            Add(x, t0, t4);
            Multiply(t3, t4, t3);
            Add(t3, t3, t4);
            Add(t4, t3, t3);                // alpha = 3 (X - delta)(X + delta)
            Add(y, z, z);
            Multiply(z, z, z);
            Subtract(z, t1, z);
            Subtract(z, t0, z);             // Z3 = (Y + Z)^2 - gamma - delta
            Add(t2, t2, t2);
            Add(t2, t2, t2);                // 4 beta
            Multiply(t3, t3, x);
            Subtract(x, t2, x);
            Subtract(x, t2, x);             // X3 = alpha^2 - 8 beta
            Subtract(t2, x, t2);
            Multiply(t3, t2, t2);           // alpha (4 beta - X3)
            Multiply(t1, t1, t1);
            Add(t1, t1, t1);
            Add(t1, t1, t1);
            Add(t1, t1, t1);                // 8 gamma^2
            Subtract(t2, t1, y);            // Y3
        }

        // (x, y, z) += (ax, ay, 1), an affine point: the mixed addition of the Explicit-Formulas Database's
        // add-1998-cmo-2 with Z2 = 1, 8M + 3S; the cases it cannot take (equal points, opposite points) handled apart.
        private void AddPoint(uint[] ax, uint[] ay)
        {
            if (infinity)
            {
                Copy(ax, x);
                Copy(ay, y);
                Copy(one, z);
                infinity = false;
                return;
            }
            Multiply(z, z, t0);             // Z1^2
            Multiply(ax, t0, t1);           // U2 = X2 Z1^2
            Multiply(t0, z, t0);
            Multiply(ay, t0, t0);           // S2 = Y2 Z1^3
            Subtract(t1, x, t1);            // H = U2 - X1
            Subtract(t0, y, t0);            // r = S2 - Y1
            if (IsZero(t1))
            {
                if (IsZero(t0))
                {
                    Double();
                }
                else
                {
                    infinity = true;
                }
                return;
            }
            Multiply(z, t1, z);             // Z3 = Z1 H
            Multiply(t1, t1, t2);           // H^2
            Multiply(t2, t1, t4);           // H^3
            Multiply(x, t2, t2);            // V = X1 H^2
            Multiply(t0, t0, x);
            Subtract(x, t4, x);
            Subtract(x, t2, x);
            Subtract(x, t2, x);             // X3 = r^2 - H^3 - 2 V
            Subtract(t2, x, t2);
            Multiply(t0, t2, t2);           // r (V - X3)
            Multiply(y, t4, t4);            // Y1 H^3
            Subtract(t2, t4, y);            // Y3
        }

        private void Multiply(uint[] a, uint[] c, uint[] into)
        {
            montgomery.Multiply(a, c, Prime, Limbs, negativeInverse, into);
        }

        private static void Add(uint[] a, uint[] c, uint[] into)
        {
            Montgomery.AddModulo(a, c, Prime, Limbs, into);
        }

        private static void Subtract(uint[] a, uint[] c, uint[] into)
        {
            Montgomery.SubtractModulo(a, c, Prime, Limbs, into);
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

        private static bool Same(uint[] a, uint[] c)
        {
            for (int i = 0; i < Limbs; i++)
            {
                if (a[i] != c[i])
                {
                    return false;
                }
            }
            return true;
        }

        private static void Copy(uint[] from, uint[] to)
        {
            for (int i = 0; i < Limbs; i++)
            {
                to[i] = from[i];
            }
        }
    }
}
