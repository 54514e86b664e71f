namespace NanoBroker.Security
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

        /// <summary>The odd multiples of a point in a table: P, 3P, 5P, 7P (width-4 NAF digits).</summary>
        public const int TablePoints = 4;

        /// <summary>p = 2^256 - 2^224 + 2^192 + 2^96 - 1, limbs least significant first.</summary>
        public static readonly uint[] Prime = { 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0x00000000, 0x00000000, 0x00000000, 0x00000001, 0xFFFFFFFF };

        /// <summary>n, the order of the base point G.</summary>
        public static readonly uint[] Order = { 0xFC632551, 0xF3B9CAC2, 0xA7179E84, 0xBCE6FAAD, 0xFFFFFFFF, 0xFFFFFFFF, 0x00000000, 0xFFFFFFFF };

        // The curve's b, and G's coordinates, in the normal form.
        private static readonly uint[] B = { 0x27D2604B, 0x3BCE3C3E, 0xCC53B0F6, 0x651D06B0, 0x769886BC, 0xB3EBBD55, 0xAA3A93E7, 0x5AC635D8 };
        private static readonly uint[] GX = { 0xD898C296, 0xF4A13945, 0x2DEB33A0, 0x77037D81, 0x63A440F2, 0xF8BCE6E5, 0xE12C4247, 0x6B17D1F2 };
        private static readonly uint[] GY = { 0x37BF51F5, 0xCBB64068, 0x6B315ECE, 0x2BCE3357, 0x7C0F9E16, 0x8EE7EB4A, 0xFE1A7F9B, 0x4FE342E2 };

        // The general arithmetic, for the inverse's exponentiation at key load.
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

        // G's odd multiples, affine in Montgomery form.
        private readonly uint[][] gTableX = NewTable();
        private readonly uint[][] gTableY = NewTable();

        // The scalars' width-4 NAF digits (a scalar under 2^256 has at most 257), and the working copy recoded.
        private readonly sbyte[] firstDigits = new sbyte[Limbs * 32 + 1];
        private readonly sbyte[] secondDigits = new sbyte[Limbs * 32 + 1];
        private readonly uint[] recoded = new uint[Limbs];

        // 2P while a table is made; 0 and a negated y for negative digits.
        private readonly uint[] twiceX = new uint[Limbs];
        private readonly uint[] twiceY = new uint[Limbs];
        private readonly uint[] zero = new uint[Limbs];
        private readonly uint[] negatedY = new uint[Limbs];

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
            OddMultiples(gx, gy, gTableX, gTableY);
        }

        /// <summary><paramref name="into"/> = the Montgomery form of <paramref name="value"/> (less than p); into may be value.</summary>
        public void ToField(uint[] value, uint[] into)
        {
            Multiply(value, rSquared, into);
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
        /// A table for <see cref="OddMultiples"/>: <see cref="TablePoints"/> coordinates of <see cref="Limbs"/> limbs.
        /// </summary>
        public static uint[][] NewTable()
        {
            uint[][] table = new uint[TablePoints][];
            for (int i = 0; i < TablePoints; i++)
            {
                table[i] = new uint[Limbs];
            }
            return table;
        }

        /// <summary>
        /// P, 3P, 5P and 7P, affine in Montgomery form, into the tables (<see cref="NewTable"/>) for P affine in
        /// Montgomery form: the additions of <see cref="MultiplyAdd"/>. Start-up work: each point divides once.
        /// </summary>
        public void OddMultiples(uint[] px, uint[] py, uint[][] tableX, uint[][] tableY)
        {
            infinity = true;
            AddPoint(px, py);
            Double();
            ToAffine(twiceX, twiceY);
            Copy(px, tableX[0]);
            Copy(py, tableY[0]);
            for (int i = 1; i < TablePoints; i++)
            {
                // (2i + 1) P = (2i - 1) P + 2P: never the point at infinity, nor a doubling, as n is a large prime.
                infinity = true;
                AddPoint(tableX[i - 1], tableY[i - 1]);
                AddPoint(twiceX, twiceY);
                ToAffine(tableX[i], tableY[i]);
            }
        }

        // The running point, affine: x / z^2, y / z^3, with z^-1 by Fermat, z^(p-2) (taken out of Montgomery form and
        // back). Start-up only: some 430 general Montgomery products.
        private void ToAffine(uint[] intoX, uint[] intoY)
        {
            montgomery.Multiply(z, normalOne, Prime, Limbs, negativeInverse, t0);
            montgomery.Power(t0, primeMinusTwo, Limbs, Prime, Limbs, rSquared, negativeInverse, t1);
            ToField(t1, t1);
            Multiply(t1, t1, t2);
            Multiply(x, t2, intoX);
            Multiply(t2, t1, t2);
            Multiply(y, t2, intoY);
        }

        /// <summary>
        /// u1 G + u2 Q for scalars in the normal form (less than n) and Q's odd multiples (<see cref="OddMultiples"/>);
        /// false when the result is the point at infinity. The result is kept for <see cref="ResultXIs"/>. Both
        /// scalars in width-4 NAF (digits 0, ±1, ±3, ±5, ±7, a non-zero digit followed by three zeros at least), read
        /// together from the top: one doubling per digit, and about 2 x 256 / 5 additions where Shamir's trick on
        /// bits would make about 192 (Hankerson, Menezes and Vanstone, "Guide to Elliptic Curve Cryptography",
        /// algorithms 3.35 and 3.51).
        /// </summary>
        public bool MultiplyAdd(uint[] u1, uint[] u2, uint[][] qTableX, uint[][] qTableY)
        {
            int length = Recode(u1, firstDigits);
            int other = Recode(u2, secondDigits);
            if (other > length)
            {
                length = other;
            }
            infinity = true;
            for (int i = length - 1; i >= 0; i--)
            {
                if (!infinity)
                {
                    Double();
                }
                if (firstDigits[i] != 0)
                {
                    AddMultiple(gTableX, gTableY, firstDigits[i]);
                }
                if (secondDigits[i] != 0)
                {
                    AddMultiple(qTableX, qTableY, secondDigits[i]);
                }
            }
            return !infinity;
        }

        // Adds digit P from P's odd multiples: |digit| P, its y negated (p - y) for a negative digit.
        private void AddMultiple(uint[][] tableX, uint[][] tableY, int digit)
        {
            if (digit > 0)
            {
                AddPoint(tableX[digit >> 1], tableY[digit >> 1]);
                return;
            }
            int index = (-digit) >> 1;
            Subtract(zero, tableY[index], negatedY);
            AddPoint(tableX[index], negatedY);
        }

        // The width-4 NAF of a scalar less than n into digits, least significant first; the number of digits. An odd
        // remainder k gives the digit k mods 16 (in -7..7), taken from k, which leaves k divisible by 16; then k is
        // halved. k stays under 2^256: k < n < 2^256 - 7.
        private int Recode(uint[] scalar, sbyte[] digits)
        {
            uint[] k = recoded;
            Copy(scalar, k);
            int length = 0;
            while (!IsZero(k))
            {
                int digit = 0;
                if ((k[0] & 1) != 0)
                {
                    digit = (int)(k[0] & 15);
                    if (digit > 7)
                    {
                        digit -= 16;
                    }
                    if (digit > 0)
                    {
                        k[0] -= (uint)digit;
                    }
                    else
                    {
                        // k + |digit|: the low four bits become 0 and carry.
                        ulong carry = (uint)(-digit);
                        for (int i = 0; i < Limbs && carry != 0; i++)
                        {
                            ulong sum = k[i] + carry;
                            k[i] = (uint)sum;
                            carry = sum >> 32;
                        }
                    }
                }
                digits[length++] = (sbyte)digit;
                for (int i = 0; i < Limbs - 1; i++)
                {
                    k[i] = (k[i] >> 1) | (k[i + 1] << 31);
                }
                k[Limbs - 1] >>= 1;
            }
            // The other scalar's digits may be longer: zeros above this one's, not the last verification's digits.
            for (int i = length; i < digits.Length; i++)
            {
                digits[i] = 0;
            }
            return length;
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

        // into = a c R^-1 mod p, for a and c less than p; into may be a or c. The interpreter on the board spends most
        // of a verification here, so the words are locals and the loops unrolled (array accesses and loop counters
        // cost it more than the arithmetic). Rows of the product a c into t0..t15, then the Montgomery reduction,
        // which p's form makes additions: -p^-1 mod 2^32 is 1, so each step's q is the lowest word left, and adding
        // q p = q (2^256 - 2^224 + 2^192 + 2^96 - 1) clears that word, carries q through the next two unchanged
        // (t + q (2^32 - 1) + q = t + q 2^32), and adds q at the third word up, q at the sixth and q (2^32 - 1) at the
        // seventh. Each sum stays under 2^64 ((2^32 - 1) + (2^32 - 1)^2 + 2^32 - 1 at most) and the whole under
        // 2 p 2^256, so t16 takes the last carry.
        private static void Multiply(uint[] a, uint[] c, uint[] into)
        {
            ulong c0 = c[0], c1 = c[1], c2 = c[2], c3 = c[3], c4 = c[4], c5 = c[5], c6 = c[6], c7 = c[7];
            ulong ai = a[0];
            ulong s = ai * c0;
            uint t0 = (uint)s;
            s = ai * c1 + (s >> 32);
            uint t1 = (uint)s;
            s = ai * c2 + (s >> 32);
            uint t2 = (uint)s;
            s = ai * c3 + (s >> 32);
            uint t3 = (uint)s;
            s = ai * c4 + (s >> 32);
            uint t4 = (uint)s;
            s = ai * c5 + (s >> 32);
            uint t5 = (uint)s;
            s = ai * c6 + (s >> 32);
            uint t6 = (uint)s;
            s = ai * c7 + (s >> 32);
            uint t7 = (uint)s;
            uint t8 = (uint)(s >> 32);
            ai = a[1];
            s = t1 + ai * c0;
            t1 = (uint)s;
            s = t2 + ai * c1 + (s >> 32);
            t2 = (uint)s;
            s = t3 + ai * c2 + (s >> 32);
            t3 = (uint)s;
            s = t4 + ai * c3 + (s >> 32);
            t4 = (uint)s;
            s = t5 + ai * c4 + (s >> 32);
            t5 = (uint)s;
            s = t6 + ai * c5 + (s >> 32);
            t6 = (uint)s;
            s = t7 + ai * c6 + (s >> 32);
            t7 = (uint)s;
            s = t8 + ai * c7 + (s >> 32);
            t8 = (uint)s;
            uint t9 = (uint)(s >> 32);
            ai = a[2];
            s = t2 + ai * c0;
            t2 = (uint)s;
            s = t3 + ai * c1 + (s >> 32);
            t3 = (uint)s;
            s = t4 + ai * c2 + (s >> 32);
            t4 = (uint)s;
            s = t5 + ai * c3 + (s >> 32);
            t5 = (uint)s;
            s = t6 + ai * c4 + (s >> 32);
            t6 = (uint)s;
            s = t7 + ai * c5 + (s >> 32);
            t7 = (uint)s;
            s = t8 + ai * c6 + (s >> 32);
            t8 = (uint)s;
            s = t9 + ai * c7 + (s >> 32);
            t9 = (uint)s;
            uint t10 = (uint)(s >> 32);
            ai = a[3];
            s = t3 + ai * c0;
            t3 = (uint)s;
            s = t4 + ai * c1 + (s >> 32);
            t4 = (uint)s;
            s = t5 + ai * c2 + (s >> 32);
            t5 = (uint)s;
            s = t6 + ai * c3 + (s >> 32);
            t6 = (uint)s;
            s = t7 + ai * c4 + (s >> 32);
            t7 = (uint)s;
            s = t8 + ai * c5 + (s >> 32);
            t8 = (uint)s;
            s = t9 + ai * c6 + (s >> 32);
            t9 = (uint)s;
            s = t10 + ai * c7 + (s >> 32);
            t10 = (uint)s;
            uint t11 = (uint)(s >> 32);
            ai = a[4];
            s = t4 + ai * c0;
            t4 = (uint)s;
            s = t5 + ai * c1 + (s >> 32);
            t5 = (uint)s;
            s = t6 + ai * c2 + (s >> 32);
            t6 = (uint)s;
            s = t7 + ai * c3 + (s >> 32);
            t7 = (uint)s;
            s = t8 + ai * c4 + (s >> 32);
            t8 = (uint)s;
            s = t9 + ai * c5 + (s >> 32);
            t9 = (uint)s;
            s = t10 + ai * c6 + (s >> 32);
            t10 = (uint)s;
            s = t11 + ai * c7 + (s >> 32);
            t11 = (uint)s;
            uint t12 = (uint)(s >> 32);
            ai = a[5];
            s = t5 + ai * c0;
            t5 = (uint)s;
            s = t6 + ai * c1 + (s >> 32);
            t6 = (uint)s;
            s = t7 + ai * c2 + (s >> 32);
            t7 = (uint)s;
            s = t8 + ai * c3 + (s >> 32);
            t8 = (uint)s;
            s = t9 + ai * c4 + (s >> 32);
            t9 = (uint)s;
            s = t10 + ai * c5 + (s >> 32);
            t10 = (uint)s;
            s = t11 + ai * c6 + (s >> 32);
            t11 = (uint)s;
            s = t12 + ai * c7 + (s >> 32);
            t12 = (uint)s;
            uint t13 = (uint)(s >> 32);
            ai = a[6];
            s = t6 + ai * c0;
            t6 = (uint)s;
            s = t7 + ai * c1 + (s >> 32);
            t7 = (uint)s;
            s = t8 + ai * c2 + (s >> 32);
            t8 = (uint)s;
            s = t9 + ai * c3 + (s >> 32);
            t9 = (uint)s;
            s = t10 + ai * c4 + (s >> 32);
            t10 = (uint)s;
            s = t11 + ai * c5 + (s >> 32);
            t11 = (uint)s;
            s = t12 + ai * c6 + (s >> 32);
            t12 = (uint)s;
            s = t13 + ai * c7 + (s >> 32);
            t13 = (uint)s;
            uint t14 = (uint)(s >> 32);
            ai = a[7];
            s = t7 + ai * c0;
            t7 = (uint)s;
            s = t8 + ai * c1 + (s >> 32);
            t8 = (uint)s;
            s = t9 + ai * c2 + (s >> 32);
            t9 = (uint)s;
            s = t10 + ai * c3 + (s >> 32);
            t10 = (uint)s;
            s = t11 + ai * c4 + (s >> 32);
            t11 = (uint)s;
            s = t12 + ai * c5 + (s >> 32);
            t12 = (uint)s;
            s = t13 + ai * c6 + (s >> 32);
            t13 = (uint)s;
            s = t14 + ai * c7 + (s >> 32);
            t14 = (uint)s;
            uint t15 = (uint)(s >> 32);
            uint t16 = 0;
            // Reduction, word by word: q = t0, then t1, ... (see above).
            ulong q;
            q = t0;
            s = t3 + q;
            t3 = (uint)s;
            s = t4 + (s >> 32);
            t4 = (uint)s;
            s = t5 + (s >> 32);
            t5 = (uint)s;
            s = t6 + q + (s >> 32);
            t6 = (uint)s;
            s = t7 + q * 0xFFFFFFFF + (s >> 32);
            t7 = (uint)s;
            s = t8 + (s >> 32);
            t8 = (uint)s;
            s = t9 + (s >> 32);
            t9 = (uint)s;
            s = t10 + (s >> 32);
            t10 = (uint)s;
            s = t11 + (s >> 32);
            t11 = (uint)s;
            s = t12 + (s >> 32);
            t12 = (uint)s;
            s = t13 + (s >> 32);
            t13 = (uint)s;
            s = t14 + (s >> 32);
            t14 = (uint)s;
            s = t15 + (s >> 32);
            t15 = (uint)s;
            s = t16 + (s >> 32);
            t16 = (uint)s;
            q = t1;
            s = t4 + q;
            t4 = (uint)s;
            s = t5 + (s >> 32);
            t5 = (uint)s;
            s = t6 + (s >> 32);
            t6 = (uint)s;
            s = t7 + q + (s >> 32);
            t7 = (uint)s;
            s = t8 + q * 0xFFFFFFFF + (s >> 32);
            t8 = (uint)s;
            s = t9 + (s >> 32);
            t9 = (uint)s;
            s = t10 + (s >> 32);
            t10 = (uint)s;
            s = t11 + (s >> 32);
            t11 = (uint)s;
            s = t12 + (s >> 32);
            t12 = (uint)s;
            s = t13 + (s >> 32);
            t13 = (uint)s;
            s = t14 + (s >> 32);
            t14 = (uint)s;
            s = t15 + (s >> 32);
            t15 = (uint)s;
            s = t16 + (s >> 32);
            t16 = (uint)s;
            q = t2;
            s = t5 + q;
            t5 = (uint)s;
            s = t6 + (s >> 32);
            t6 = (uint)s;
            s = t7 + (s >> 32);
            t7 = (uint)s;
            s = t8 + q + (s >> 32);
            t8 = (uint)s;
            s = t9 + q * 0xFFFFFFFF + (s >> 32);
            t9 = (uint)s;
            s = t10 + (s >> 32);
            t10 = (uint)s;
            s = t11 + (s >> 32);
            t11 = (uint)s;
            s = t12 + (s >> 32);
            t12 = (uint)s;
            s = t13 + (s >> 32);
            t13 = (uint)s;
            s = t14 + (s >> 32);
            t14 = (uint)s;
            s = t15 + (s >> 32);
            t15 = (uint)s;
            s = t16 + (s >> 32);
            t16 = (uint)s;
            q = t3;
            s = t6 + q;
            t6 = (uint)s;
            s = t7 + (s >> 32);
            t7 = (uint)s;
            s = t8 + (s >> 32);
            t8 = (uint)s;
            s = t9 + q + (s >> 32);
            t9 = (uint)s;
            s = t10 + q * 0xFFFFFFFF + (s >> 32);
            t10 = (uint)s;
            s = t11 + (s >> 32);
            t11 = (uint)s;
            s = t12 + (s >> 32);
            t12 = (uint)s;
            s = t13 + (s >> 32);
            t13 = (uint)s;
            s = t14 + (s >> 32);
            t14 = (uint)s;
            s = t15 + (s >> 32);
            t15 = (uint)s;
            s = t16 + (s >> 32);
            t16 = (uint)s;
            q = t4;
            s = t7 + q;
            t7 = (uint)s;
            s = t8 + (s >> 32);
            t8 = (uint)s;
            s = t9 + (s >> 32);
            t9 = (uint)s;
            s = t10 + q + (s >> 32);
            t10 = (uint)s;
            s = t11 + q * 0xFFFFFFFF + (s >> 32);
            t11 = (uint)s;
            s = t12 + (s >> 32);
            t12 = (uint)s;
            s = t13 + (s >> 32);
            t13 = (uint)s;
            s = t14 + (s >> 32);
            t14 = (uint)s;
            s = t15 + (s >> 32);
            t15 = (uint)s;
            s = t16 + (s >> 32);
            t16 = (uint)s;
            q = t5;
            s = t8 + q;
            t8 = (uint)s;
            s = t9 + (s >> 32);
            t9 = (uint)s;
            s = t10 + (s >> 32);
            t10 = (uint)s;
            s = t11 + q + (s >> 32);
            t11 = (uint)s;
            s = t12 + q * 0xFFFFFFFF + (s >> 32);
            t12 = (uint)s;
            s = t13 + (s >> 32);
            t13 = (uint)s;
            s = t14 + (s >> 32);
            t14 = (uint)s;
            s = t15 + (s >> 32);
            t15 = (uint)s;
            s = t16 + (s >> 32);
            t16 = (uint)s;
            q = t6;
            s = t9 + q;
            t9 = (uint)s;
            s = t10 + (s >> 32);
            t10 = (uint)s;
            s = t11 + (s >> 32);
            t11 = (uint)s;
            s = t12 + q + (s >> 32);
            t12 = (uint)s;
            s = t13 + q * 0xFFFFFFFF + (s >> 32);
            t13 = (uint)s;
            s = t14 + (s >> 32);
            t14 = (uint)s;
            s = t15 + (s >> 32);
            t15 = (uint)s;
            s = t16 + (s >> 32);
            t16 = (uint)s;
            q = t7;
            s = t10 + q;
            t10 = (uint)s;
            s = t11 + (s >> 32);
            t11 = (uint)s;
            s = t12 + (s >> 32);
            t12 = (uint)s;
            s = t13 + q + (s >> 32);
            t13 = (uint)s;
            s = t14 + q * 0xFFFFFFFF + (s >> 32);
            t14 = (uint)s;
            s = t15 + (s >> 32);
            t15 = (uint)s;
            s = t16 + (s >> 32);
            t16 = (uint)s;
            into[0] = t8;
            into[1] = t9;
            into[2] = t10;
            into[3] = t11;
            into[4] = t12;
            into[5] = t13;
            into[6] = t14;
            into[7] = t15;
            // The result is less than 2p: p subtracted once if needed (the borrow out of the top cancels t16).
            if (t16 != 0 || !Montgomery.Less(into, Prime, Limbs))
            {
                Montgomery.Subtract(into, Prime, Limbs);
            }
        }

        // into = a + c mod p, for a and c less than p; into may be a or c. Unrolled on locals as Multiply is: a
        // verification makes some four thousand of these and subtractions.
        private static void Add(uint[] a, uint[] c, uint[] into)
        {
            ulong s = (ulong)a[0] + c[0];
            uint r0 = (uint)s;
            s = (ulong)a[1] + c[1] + (s >> 32);
            uint r1 = (uint)s;
            s = (ulong)a[2] + c[2] + (s >> 32);
            uint r2 = (uint)s;
            s = (ulong)a[3] + c[3] + (s >> 32);
            uint r3 = (uint)s;
            s = (ulong)a[4] + c[4] + (s >> 32);
            uint r4 = (uint)s;
            s = (ulong)a[5] + c[5] + (s >> 32);
            uint r5 = (uint)s;
            s = (ulong)a[6] + c[6] + (s >> 32);
            uint r6 = (uint)s;
            s = (ulong)a[7] + c[7] + (s >> 32);
            uint r7 = (uint)s;
            // Less than 2p: p subtracted when the sum carried out or is p or more (r - p borrows nothing).
            bool carried = (s >> 32) != 0;
            long d = (long)r0 - 0xFFFFFFFFL;
            uint m0 = (uint)d;
            d = (long)r1 - 0xFFFFFFFFL + (d >> 32);
            uint m1 = (uint)d;
            d = (long)r2 - 0xFFFFFFFFL + (d >> 32);
            uint m2 = (uint)d;
            d = (long)r3 + (d >> 32);
            uint m3 = (uint)d;
            d = (long)r4 + (d >> 32);
            uint m4 = (uint)d;
            d = (long)r5 + (d >> 32);
            uint m5 = (uint)d;
            d = (long)r6 - 1L + (d >> 32);
            uint m6 = (uint)d;
            d = (long)r7 - 0xFFFFFFFFL + (d >> 32);
            uint m7 = (uint)d;
            if (carried || (d >> 32) == 0)
            {
                into[0] = m0;
                into[1] = m1;
                into[2] = m2;
                into[3] = m3;
                into[4] = m4;
                into[5] = m5;
                into[6] = m6;
                into[7] = m7;
            }
            else
            {
                into[0] = r0;
                into[1] = r1;
                into[2] = r2;
                into[3] = r3;
                into[4] = r4;
                into[5] = r5;
                into[6] = r6;
                into[7] = r7;
            }
        }

        // into = a - c mod p, for a and c less than p; into may be a or c.
        private static void Subtract(uint[] a, uint[] c, uint[] into)
        {
            long d = (long)a[0] - c[0];
            uint r0 = (uint)d;
            d = (long)a[1] - c[1] + (d >> 32);
            uint r1 = (uint)d;
            d = (long)a[2] - c[2] + (d >> 32);
            uint r2 = (uint)d;
            d = (long)a[3] - c[3] + (d >> 32);
            uint r3 = (uint)d;
            d = (long)a[4] - c[4] + (d >> 32);
            uint r4 = (uint)d;
            d = (long)a[5] - c[5] + (d >> 32);
            uint r5 = (uint)d;
            d = (long)a[6] - c[6] + (d >> 32);
            uint r6 = (uint)d;
            d = (long)a[7] - c[7] + (d >> 32);
            uint r7 = (uint)d;
            if ((d >> 32) == 0)
            {
                into[0] = r0;
                into[1] = r1;
                into[2] = r2;
                into[3] = r3;
                into[4] = r4;
                into[5] = r5;
                into[6] = r6;
                into[7] = r7;
                return;
            }
            // Below zero: p added back (its carry out cancels the borrow).
            ulong s = (ulong)r0 + 0xFFFFFFFF;
            into[0] = (uint)s;
            s = (ulong)r1 + 0xFFFFFFFF + (s >> 32);
            into[1] = (uint)s;
            s = (ulong)r2 + 0xFFFFFFFF + (s >> 32);
            into[2] = (uint)s;
            s = (ulong)r3 + (s >> 32);
            into[3] = (uint)s;
            s = (ulong)r4 + (s >> 32);
            into[4] = (uint)s;
            s = (ulong)r5 + (s >> 32);
            into[5] = (uint)s;
            s = (ulong)r6 + 0x1 + (s >> 32);
            into[6] = (uint)s;
            s = (ulong)r7 + 0xFFFFFFFF + (s >> 32);
            into[7] = (uint)s;
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
