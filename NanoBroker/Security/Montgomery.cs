namespace NanoBroker.Security
{
    /// <summary>
    /// Modular exponentiation of fixed-size unsigned integers by Montgomery multiplication (the CIOS method of
    /// Koç, Acar and Kaliski, "Analyzing and Comparing Montgomery Multiplication Algorithms", 1996): numbers are
    /// arrays of 32-bit limbs, least significant first. The working arrays are sized once for the largest modulus
    /// allowed, so an exponentiation allocates nothing. Public-key operations only: the running time depends on the
    /// exponent, which is public.
    /// </summary>
    public sealed class Montgomery
    {
        private readonly uint[] product;
        private readonly uint[] accumulator;
        private readonly uint[] square;

        /// <summary>Working arrays for moduli of up to <paramref name="maxLimbs"/> 32-bit limbs.</summary>
        public Montgomery(int maxLimbs)
        {
            product = new uint[maxLimbs + 2];
            accumulator = new uint[maxLimbs];
            square = new uint[maxLimbs];
        }

        /// <summary>The largest modulus, in limbs, the working arrays hold.</summary>
        public int MaxLimbs { get { return accumulator.Length; } }

        /// <summary>-m^-1 mod 2^32 for an odd lowest limb <paramref name="m0"/> (Newton's iteration doubles the correct bits each step).</summary>
        public static uint NegativeInverse(uint m0)
        {
            uint inverse = 1;
            for (int i = 0; i < 5; i++)
            {
                inverse *= 2 - m0 * inverse;
            }
            return 0 - inverse;
        }

        /// <summary>
        /// R^2 mod m with R = 2^(32 * limbs), into <paramref name="into"/>: 1 doubled 2 * 32 * limbs times modulo m.
        /// Start-up work (a key is loaded once); m must have its top limb non-zero.
        /// </summary>
        public static void RSquared(uint[] m, int limbs, uint[] into)
        {
            for (int i = 0; i < limbs; i++)
            {
                into[i] = 0;
            }
            into[0] = 1;
            for (int i = 0; i < 64 * limbs; i++)
            {
                uint carry = 0;
                for (int j = 0; j < limbs; j++)
                {
                    uint next = into[j] >> 31;
                    into[j] = (into[j] << 1) | carry;
                    carry = next;
                }
                if (carry != 0 || !Less(into, m, limbs))
                {
                    Subtract(into, m, limbs);
                }
            }
        }

        /// <summary>
        /// <paramref name="result"/> = <paramref name="x"/>^<paramref name="exponent"/> mod <paramref name="m"/>, for
        /// x less than m and an exponent of at least 1; <paramref name="rSquared"/> and <paramref name="negativeInverse"/>
        /// as <see cref="RSquared"/> and <see cref="NegativeInverse"/> give them for m. Square and multiply from the top bit.
        /// </summary>
        public void Power(uint[] x, uint exponent, uint[] m, int limbs, uint[] rSquared, uint negativeInverse, uint[] result)
        {
            // x in Montgomery form: x R mod m.
            Multiply(x, rSquared, m, limbs, negativeInverse, square);
            Copy(square, accumulator, limbs);
            int top = 31;
            while ((exponent >> top) == 0)
            {
                top--;
            }
            for (int bit = top - 1; bit >= 0; bit--)
            {
                Multiply(accumulator, accumulator, m, limbs, negativeInverse, accumulator);
                if (((exponent >> bit) & 1) != 0)
                {
                    Multiply(accumulator, square, m, limbs, negativeInverse, accumulator);
                }
            }
            // Out of Montgomery form: multiply by 1.
            for (int i = 0; i < limbs; i++)
            {
                result[i] = 0;
            }
            result[0] = 1;
            Multiply(accumulator, result, m, limbs, negativeInverse, result);
        }

        /// <summary>
        /// As the other Power, for an exponent of <paramref name="exponentLimbs"/> limbs (least significant first, not
        /// zero): Fermat's inverse x^(m-2) of the elliptic-curve arithmetic. Left to right, square and multiply.
        /// </summary>
        public void Power(uint[] x, uint[] exponent, int exponentLimbs, uint[] m, int limbs, uint[] rSquared, uint negativeInverse, uint[] result)
        {
            Multiply(x, rSquared, m, limbs, negativeInverse, square);
            Copy(square, accumulator, limbs);
            int top = exponentLimbs * 32 - 1;
            while (((exponent[top / 32] >> (top % 32)) & 1) == 0)
            {
                top--;
            }
            for (int bit = top - 1; bit >= 0; bit--)
            {
                Multiply(accumulator, accumulator, m, limbs, negativeInverse, accumulator);
                if (((exponent[bit / 32] >> (bit % 32)) & 1) != 0)
                {
                    Multiply(accumulator, square, m, limbs, negativeInverse, accumulator);
                }
            }
            for (int i = 0; i < limbs; i++)
            {
                result[i] = 0;
            }
            result[0] = 1;
            Multiply(accumulator, result, m, limbs, negativeInverse, result);
        }

        /// <summary>A big-endian unsigned integer of <paramref name="count"/> bytes as <paramref name="limbs"/> limbs, least significant first.</summary>
        public static void ToLimbs(byte[] bytes, int start, int count, uint[] into, int limbs)
        {
            for (int i = 0; i < limbs; i++)
            {
                into[i] = 0;
            }
            for (int i = 0; i < count; i++)
            {
                int fromEnd = count - 1 - i;
                into[fromEnd / 4] |= (uint)bytes[start + i] << (8 * (fromEnd % 4));
            }
        }

        /// <summary>The value of <paramref name="limbs"/> as <paramref name="count"/> big-endian bytes (I2OSP, RFC 8017 section 4.1).</summary>
        public static void FromLimbs(uint[] limbs, byte[] into, int start, int count)
        {
            for (int i = 0; i < count; i++)
            {
                int fromEnd = count - 1 - i;
                into[start + i] = (byte)(limbs[fromEnd / 4] >> (8 * (fromEnd % 4)));
            }
        }

        /// <summary>True when a &lt; b (both of <paramref name="limbs"/> limbs).</summary>
        public static bool Less(uint[] a, uint[] b, int limbs)
        {
            for (int i = limbs - 1; i >= 0; i--)
            {
                if (a[i] != b[i])
                {
                    return a[i] < b[i];
                }
            }
            return false;
        }

        /// <summary>
        /// <paramref name="into"/> = a b R^-1 mod m (CIOS), for a and b less than m; into may be a or b (the product
        /// builds in its own array). On numbers in Montgomery form (x R mod m) it is their product in that form.
        /// </summary>
        public void Multiply(uint[] a, uint[] b, uint[] m, int limbs, uint negativeInverse, uint[] into)
        {
            uint[] t = product;
            for (int i = 0; i < limbs + 2; i++)
            {
                t[i] = 0;
            }
            for (int i = 0; i < limbs; i++)
            {
                ulong carry = 0;
                ulong bi = b[i];
                for (int j = 0; j < limbs; j++)
                {
                    ulong sum = t[j] + a[j] * bi + carry;
                    t[j] = (uint)sum;
                    carry = sum >> 32;
                }
                ulong top = t[limbs] + carry;
                t[limbs] = (uint)top;
                t[limbs + 1] = (uint)(top >> 32);

                ulong q = (uint)(t[0] * negativeInverse);
                carry = (t[0] + q * m[0]) >> 32;
                for (int j = 1; j < limbs; j++)
                {
                    ulong sum = t[j] + q * m[j] + carry;
                    t[j - 1] = (uint)sum;
                    carry = sum >> 32;
                }
                top = t[limbs] + carry;
                t[limbs - 1] = (uint)top;
                t[limbs] = t[limbs + 1] + (uint)(top >> 32);
            }
            if (t[limbs] != 0 || !Less(t, m, limbs))
            {
                Subtract(t, m, limbs);
            }
            Copy(t, into, limbs);
        }

        /// <summary><paramref name="into"/> = a - b mod m, for a and b less than m; into may be a or b.</summary>
        public static void SubtractModulo(uint[] a, uint[] b, uint[] m, int limbs, uint[] into)
        {
            long borrow = 0;
            for (int i = 0; i < limbs; i++)
            {
                long difference = (long)a[i] - b[i] - borrow;
                into[i] = (uint)difference;
                borrow = difference < 0 ? 1 : 0;
            }
            if (borrow != 0)
            {
                // The difference wrapped around 2^(32 limbs): adding m brings it back (the carry out is the wrap's).
                ulong carry = 0;
                for (int i = 0; i < limbs; i++)
                {
                    ulong sum = (ulong)into[i] + m[i] + carry;
                    into[i] = (uint)sum;
                    carry = sum >> 32;
                }
            }
        }

        /// <summary>
        /// a -= b over limbs; the borrow out of the top is dropped: callers subtract only when a &gt;= b, or a has an
        /// extra top bit.
        /// </summary>
        public static void Subtract(uint[] a, uint[] b, int limbs)
        {
            long borrow = 0;
            for (int i = 0; i < limbs; i++)
            {
                long difference = (long)a[i] - b[i] - borrow;
                a[i] = (uint)difference;
                borrow = difference < 0 ? 1 : 0;
            }
        }

        private static void Copy(uint[] from, uint[] to, int limbs)
        {
            for (int i = 0; i < limbs; i++)
            {
                to[i] = from[i];
            }
        }
    }
}
