namespace NanoBroker.Tokens
{
    /// <summary>
    /// A P-256 public key Q for ES256 (RFC 7518 section 3.4) read from PEM "BEGIN PUBLIC KEY": X.509
    /// SubjectPublicKeyInfo with algorithm id-ecPublicKey and the named curve prime256v1 (RFC 5480 section 2), the
    /// point uncompressed, 04 || X || Y (SEC 1 section 2.3.3). A point not on the curve is refused here, once, so a
    /// verification never computes with it (invalid-curve attacks). Loading also precomputes G + Q for
    /// <see cref="P256.MultiplyAdd"/>, so verifying divides by nothing and allocates nothing.
    /// </summary>
    public sealed class EcPublicKey
    {
        /// <summary>The problem <see cref="FromPem"/> gives for a SubjectPublicKeyInfo of another algorithm.</summary>
        public const string NotEc = "not an EC key (algorithm is not id-ecPublicKey)";

        /// <summary>The problem <see cref="FromPem"/> gives for a text without a "BEGIN PUBLIC KEY" block.</summary>
        public const string NotPem = "not a PEM \"BEGIN PUBLIC KEY\" block";

        // 1.2.840.10045.2.1 id-ecPublicKey and 1.2.840.10045.3.1.7 prime256v1, DER content bytes.
        private static readonly byte[] EcPublicKeyOid = { 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01 };
        private static readonly byte[] Prime256v1Oid = { 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07 };

        /// <summary>Q's affine x, in Montgomery form modulo p (the form <see cref="P256"/> computes in).</summary>
        public readonly uint[] X = new uint[P256.Limbs];

        /// <summary>Q's affine y, in Montgomery form.</summary>
        public readonly uint[] Y = new uint[P256.Limbs];

        /// <summary>G + Q's affine x, in Montgomery form: Shamir's trick adds it where both scalars have a bit set.</summary>
        public readonly uint[] SumX = new uint[P256.Limbs];

        /// <summary>G + Q's affine y, in Montgomery form.</summary>
        public readonly uint[] SumY = new uint[P256.Limbs];

        private EcPublicKey()
        {
        }

        /// <summary>
        /// Reads a PEM text (the whole file's bytes); returns the key, or null with <paramref name="problem"/> saying
        /// why (not PEM, <see cref="NotEc"/>, another curve, a compressed point, a point not on the curve).
        /// </summary>
        public static EcPublicKey FromPem(byte[] pem, out string problem)
        {
            byte[] der = new byte[pem.Length];
            int length = Pem.Body(pem, "PUBLIC KEY", der);
            if (length < 0)
            {
                problem = NotPem;
                return null;
            }
            return FromDer(der, 0, length, out problem);
        }

        /// <summary>Reads a DER SubjectPublicKeyInfo.</summary>
        public static EcPublicKey FromDer(byte[] der, int start, int length, out string problem)
        {
            problem = "malformed DER";
            DerReader r = new DerReader(der, start, start + length);
            // SubjectPublicKeyInfo ::= SEQUENCE { algorithm SEQUENCE { id-ecPublicKey, namedCurve }, subjectPublicKey BIT STRING }
            if (r.Enter(DerReader.Sequence) < 0 || r.Enter(DerReader.Sequence) < 0)
            {
                return null;
            }
            int oid = r.Enter(DerReader.ObjectIdentifier);
            if (oid < 0)
            {
                return null;
            }
            if (oid != EcPublicKeyOid.Length || !Pem.Same(der, r.Position, EcPublicKeyOid))
            {
                problem = NotEc;
                return null;
            }
            r.Skip(oid);
            int curve = r.Enter(DerReader.ObjectIdentifier);
            if (curve != Prime256v1Oid.Length || !Pem.Same(der, r.Position, Prime256v1Oid))
            {
                problem = "an EC key on another curve than P-256 (prime256v1), which ES256 requires";
                return null;
            }
            r.Skip(curve);
            // The BIT STRING: no unused bits, then the uncompressed point.
            int bits = r.Enter(DerReader.BitString);
            if (bits != 2 + 2 * P256.Bytes || der[r.Position] != 0 || der[r.Position + 1] != 0x04)
            {
                problem = "not an uncompressed P-256 point (04 || X || Y)";
                return null;
            }
            int xAt = r.Position + 2;
            EcPublicKey key = new EcPublicKey();
            Montgomery.ToLimbs(der, xAt, P256.Bytes, key.X, P256.Limbs);
            Montgomery.ToLimbs(der, xAt + P256.Bytes, P256.Bytes, key.Y, P256.Limbs);
            P256 curveArithmetic = new P256();
            if (!curveArithmetic.IsOnCurve(key.X, key.Y))
            {
                problem = "the point is not on the P-256 curve";
                return null;
            }
            curveArithmetic.ToField(key.X, key.X);
            curveArithmetic.ToField(key.Y, key.Y);
            // G + Q is infinite only for Q = -G, a private key of n - 1: as trivial as 1, not a key to trust.
            if (!curveArithmetic.AddGenerator(key.X, key.Y, key.SumX, key.SumY))
            {
                problem = "a trivial key (Q = -G)";
                return null;
            }
            problem = null;
            return key;
        }
    }
}
