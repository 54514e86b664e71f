namespace NanoBroker.Security
{
    /// <summary>
    /// A public key Q on P-256 for <see cref="EcdsaSignature"/>: a point checked to be on the curve when made, so a
    /// verification never computes with another (invalid-curve attacks), with Q's odd multiples precomputed for
    /// <see cref="P256.MultiplyAdd"/>, so verifying divides by nothing and allocates nothing.
    /// </summary>
    public sealed class P256PublicKey
    {
        /// <summary>Q, 3Q, 5Q and 7Q's affine x, in Montgomery form modulo p (the form <see cref="P256"/> computes in).</summary>
        public readonly uint[][] MultiplesX = P256.NewTable();

        /// <summary>Their affine y, in Montgomery form.</summary>
        public readonly uint[][] MultiplesY = P256.NewTable();

        private P256PublicKey()
        {
        }

        /// <summary>
        /// The key of the uncompressed point 04 || X || Y (SEC 1 section 2.3.3) at <paramref name="start"/>
        /// (65 bytes), or null when the point is not on the curve (SEC 1 section 3.2.2.1: coordinates less than p,
        /// y^2 = x^3 - 3x + b; P-256's cofactor is 1, so that is the whole check).
        /// </summary>
        public static P256PublicKey FromUncompressed(byte[] bytes, int start)
        {
            if (bytes[start] != 0x04)
            {
                return null;
            }
            uint[] x = new uint[P256.Limbs];
            uint[] y = new uint[P256.Limbs];
            Montgomery.ToLimbs(bytes, start + 1, P256.Bytes, x, P256.Limbs);
            Montgomery.ToLimbs(bytes, start + 1 + P256.Bytes, P256.Bytes, y, P256.Limbs);
            P256 curve = new P256();
            if (!curve.IsOnCurve(x, y))
            {
                return null;
            }
            curve.ToField(x, x);
            curve.ToField(y, y);
            P256PublicKey key = new P256PublicKey();
            curve.OddMultiples(x, y, key.MultiplesX, key.MultiplesY);
            return key;
        }
    }
}
