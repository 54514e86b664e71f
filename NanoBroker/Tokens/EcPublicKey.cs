using NanoBroker.Security;

namespace NanoBroker.Tokens
{
    /// <summary>
    /// A P-256 public key Q for ES256 (RFC 7518 section 3.4) read from PEM "BEGIN PUBLIC KEY": X.509
    /// SubjectPublicKeyInfo with algorithm id-ecPublicKey and the named curve prime256v1 (RFC 5480 section 2), the
    /// point uncompressed, 04 || X || Y (SEC 1 section 2.3.3). A point not on the curve is refused here, once
    /// (<see cref="P256PublicKey"/>).
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

        /// <summary>The point, checked on the curve, with what verifying needs.</summary>
        public readonly P256PublicKey Point;

        private EcPublicKey(P256PublicKey point)
        {
            Point = point;
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
            P256PublicKey point = P256PublicKey.FromUncompressed(der, r.Position + 1);
            if (point == null)
            {
                problem = "the point is not on the P-256 curve";
                return null;
            }
            problem = null;
            return new EcPublicKey(point);
        }
    }
}
