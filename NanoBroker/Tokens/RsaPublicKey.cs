using NanoBroker.Security;

namespace NanoBroker.Tokens
{
    /// <summary>
    /// An RSA public key (modulus and public exponent, RFC 8017 section 3.1) read from PEM: "BEGIN PUBLIC KEY"
    /// (X.509 SubjectPublicKeyInfo, RFC 5280 section 4.1.2.7, algorithm rsaEncryption) or "BEGIN RSA PUBLIC KEY"
    /// (PKCS#1 RSAPublicKey, RFC 8017 appendix A.1.1). Loading precomputes what Montgomery multiplication needs, so
    /// verifying allocates nothing. Exponents of at most 32 bits (65537 in practice).
    /// </summary>
    public sealed class RsaPublicKey
    {
        /// <summary>The smallest modulus accepted: 2048 bits, as RFC 7518 section 3.3 requires for RS256.</summary>
        public const int MinBits = 2048;

        // 1.2.840.113549.1.1.1 rsaEncryption, DER content bytes.
        private static readonly byte[] RsaEncryption = { 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01 };

        /// <summary>The problem <see cref="FromPem"/> gives for a SubjectPublicKeyInfo of another algorithm.</summary>
        public const string NotRsa = "not an RSA key (algorithm is not rsaEncryption)";

        /// <summary>The modulus, 32-bit limbs least significant first.</summary>
        public readonly uint[] Modulus;

        /// <summary>R^2 mod n, R = 2^(32 * Limbs).</summary>
        public readonly uint[] RSquared;

        /// <summary>-n^-1 mod 2^32.</summary>
        public readonly uint NegativeInverse;

        /// <summary>The public exponent.</summary>
        public readonly uint Exponent;

        /// <summary>The modulus's length in octets (k of RFC 8017), the length of a signature.</summary>
        public readonly int Bytes;

        /// <summary>The modulus's length in 32-bit limbs.</summary>
        public readonly int Limbs;

        private RsaPublicKey(byte[] der, int modulusStart, int modulusLength, uint exponent)
        {
            Bytes = modulusLength;
            Limbs = (modulusLength + 3) / 4;
            Modulus = new uint[Limbs];
            Montgomery.ToLimbs(der, modulusStart, modulusLength, Modulus, Limbs);
            RSquared = new uint[Limbs];
            Montgomery.RSquared(Modulus, Limbs, RSquared);
            NegativeInverse = Montgomery.NegativeInverse(Modulus[0]);
            Exponent = exponent;
        }

        /// <summary>The modulus's length in bits.</summary>
        public int Bits
        {
            get
            {
                int bits = Limbs * 32;
                uint top = Modulus[Limbs - 1];
                while ((top & 0x80000000) == 0)
                {
                    top <<= 1;
                    bits--;
                }
                return bits;
            }
        }

        /// <summary>
        /// Reads a PEM text (the whole file's bytes); returns the key, or null with <paramref name="problem"/> saying why
        /// (not PEM, not RSA, a modulus under <see cref="MinBits"/> or over <paramref name="maxBits"/>, an even modulus,
        /// an exponent under 3 or over 32 bits).
        /// </summary>
        public static RsaPublicKey FromPem(byte[] pem, int maxBits, out string problem)
        {
            byte[] der = new byte[pem.Length];
            bool pkcs1;
            int length = PemBody(pem, der, out pkcs1);
            if (length < 0)
            {
                problem = "not a PEM \"BEGIN PUBLIC KEY\" or \"BEGIN RSA PUBLIC KEY\" block";
                return null;
            }
            return FromDer(der, 0, length, pkcs1, maxBits, out problem);
        }

        /// <summary>Reads DER: SubjectPublicKeyInfo, or RSAPublicKey when <paramref name="pkcs1"/>.</summary>
        public static RsaPublicKey FromDer(byte[] der, int start, int length, bool pkcs1, int maxBits, out string problem)
        {
            problem = "malformed DER";
            DerReader r = new DerReader(der, start, start + length);
            if (!pkcs1)
            {
                // SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }
                if (r.Enter(DerReader.Sequence) < 0)
                {
                    return null;
                }
                int algorithm = r.Enter(DerReader.Sequence);
                if (algorithm < 0)
                {
                    return null;
                }
                int algorithmEnd = r.Position + algorithm;
                int oid = r.Enter(DerReader.ObjectIdentifier);
                if (oid != RsaEncryption.Length || !Pem.Same(der, r.Position, RsaEncryption))
                {
                    problem = NotRsa;
                    return null;
                }
                r.Skip(algorithmEnd - r.Position);
                int bits = r.Enter(DerReader.BitString);
                if (bits < 1 || der[r.Position] != 0)
                {
                    return null;
                }
                r.Skip(1);
            }
            // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }
            if (r.Enter(DerReader.Sequence) < 0)
            {
                return null;
            }
            int modulusLength = r.Enter(DerReader.Integer);
            if (modulusLength < 1)
            {
                return null;
            }
            int modulusStart = r.Position;
            r.Skip(modulusLength);
            // A positive INTEGER's leading zero octet is not part of the value.
            while (modulusLength > 1 && der[modulusStart] == 0)
            {
                modulusStart++;
                modulusLength--;
            }
            int exponentLength = r.Enter(DerReader.Integer);
            if (exponentLength < 1)
            {
                return null;
            }
            long exponent = 0;
            for (int i = 0; i < exponentLength; i++)
            {
                exponent = (exponent << 8) | der[r.Position + i];
                if (exponent > uint.MaxValue)
                {
                    problem = "a public exponent over 32 bits";
                    return null;
                }
            }
            if (exponent < 3 || (der[modulusStart + modulusLength - 1] & 1) == 0)
            {
                problem = "not a valid RSA key (even modulus or exponent under 3)";
                return null;
            }
            int modulusBits = modulusLength * 8;
            for (int top = der[modulusStart]; (top & 0x80) == 0; top <<= 1)
            {
                modulusBits--;
            }
            if (modulusBits < MinBits || modulusBits > maxBits)
            {
                problem = "a " + modulusBits + "-bit modulus (allowed: " + MinBits + " to " + maxBits + " bits)";
                return null;
            }
            problem = null;
            return new RsaPublicKey(der, modulusStart, modulusLength, (uint)exponent);
        }

        // The DER of the first "RSA PUBLIC KEY" or "PUBLIC KEY" block into der; -1 if there is none.
        private static int PemBody(byte[] pem, byte[] der, out bool pkcs1)
        {
            int length = Pem.Body(pem, "RSA PUBLIC KEY", der);
            pkcs1 = length >= 0;
            return pkcs1 ? length : Pem.Body(pem, "PUBLIC KEY", der);
        }
    }
}
