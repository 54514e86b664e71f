using NanoBroker.Protocol;
using NanoBroker.Security;

namespace NanoBroker.Tokens
{
    /// <summary>
    /// Verifies a JWT (RFC 7519) in JWS compact serialization (RFC 7515 section 7.1) as a CONNECT password: the
    /// header's "alg" is one the settings accept and has its key (so an RS256 or ES256 public key is never taken for
    /// an HS256 secret, nor one kind of key for the other: RFC 8725 section 2.1), the signature, then the claims:
    /// "exp" (required) and "nbf" against the clock with the skew, "iss" and "aud" when configured, the identity
    /// claim, and the optional rules claim. A header with "crit" is refused (no extension is understood: RFC 7515
    /// section 4.1.11). Every array is sized by the settings at construction; a verification allocates nothing.
    /// </summary>
    public sealed class JwtVerifier
    {
        /// <summary>The clock passed to <see cref="Verify"/> when it is not set (the board before SNTP).</summary>
        public const long ClockNotSet = -1;

        // The longest decoded JOSE header read.
        private const int MaxHeaderBytes = 512;

        private readonly TokenSettings settings;
        private readonly HmacSha256 hmac;
        private readonly Sha256 sha;
        private readonly RsaSignature rsa;
        private readonly EcdsaSignature ecdsa;
        private readonly JsonReader json = new JsonReader();
        private readonly byte[] header = new byte[MaxHeaderBytes];
        private readonly byte[] signature;
        private readonly byte[] digest = new byte[Sha256.HashBytes];
        private readonly int accepted;

        /// <summary>The decoded claims of the last token verified; the spans below point into it.</summary>
        public readonly byte[] Payload;

        /// <summary>The identity claim's value in <see cref="Payload"/> (valid after <see cref="TokenCheck.Valid"/>).</summary>
        public int IdentityStart;

        /// <summary>The identity claim's length.</summary>
        public int IdentityLength;

        /// <summary>"exp", Unix seconds.</summary>
        public long ExpiresAt;

        /// <summary>The filters of the rules claim; -1 when the token has no rules claim.</summary>
        public int RuleCount;

        /// <summary>Per filter: the <see cref="AccessRight"/> its list grants ("pub" write, "sub" read, "all" both).</summary>
        public readonly int[] RuleRights;

        /// <summary>Per filter: its start in <see cref="Payload"/>.</summary>
        public readonly int[] RuleStart;

        /// <summary>Per filter: its length.</summary>
        public readonly int[] RuleLength;

        /// <summary>Sizes everything for <paramref name="settings"/>, which <see cref="TokenSettings.Check"/> found valid.</summary>
        public JwtVerifier(TokenSettings settings)
        {
            this.settings = settings;
            accepted = settings.Accepted;
            hmac = settings.Secret != null ? new HmacSha256() : null;
            if (hmac != null)
            {
                hmac.SetKey(settings.Secret, 0, settings.Secret.Length);
            }
            sha = settings.RsaKey != null || settings.EcKey != null ? new Sha256() : null;
            rsa = settings.RsaKey != null ? new RsaSignature(settings.RsaKey.Bits) : null;
            ecdsa = settings.EcKey != null ? new EcdsaSignature() : null;
            // Room for the longest signature an accepted key makes: an RSA modulus, R || S (64), a MAC (32).
            int signatureBytes = settings.RsaKey != null ? settings.RsaKey.Bytes : HmacSha256.MacBytes;
            if (ecdsa != null && signatureBytes < EcdsaSignature.SignatureBytes)
            {
                signatureBytes = EcdsaSignature.SignatureBytes;
            }
            signature = new byte[signatureBytes];
            Payload = new byte[settings.MaxTokenBytes * 3 / 4];
            RuleRights = new int[settings.MaxClaimRules];
            RuleStart = new int[settings.MaxClaimRules];
            RuleLength = new int[settings.MaxClaimRules];
        }

        /// <summary>The settings verified against.</summary>
        public TokenSettings Settings { get { return settings; } }

        /// <summary>
        /// Verifies the token of <paramref name="length"/> bytes at <paramref name="start"/> at Unix time
        /// <paramref name="nowSeconds"/> (<see cref="ClockNotSet"/>: unknown); returns a <see cref="TokenCheck"/> code.
        /// </summary>
        public int Verify(byte[] token, int start, int length, long nowSeconds)
        {
            RuleCount = -1;
            IdentityLength = 0;
            ExpiresAt = 0;
            if (length > settings.MaxTokenBytes)
            {
                return TokenCheck.Malformed;
            }
            int end = start + length;
            int firstDot = IndexOf(token, start, end, (byte)'.');
            int secondDot = firstDot < 0 ? -1 : IndexOf(token, firstDot + 1, end, (byte)'.');
            if (secondDot < 0 || IndexOf(token, secondDot + 1, end, (byte)'.') >= 0)
            {
                return TokenCheck.Malformed;
            }
            int algorithm = ReadHeader(token, start, firstDot - start);
            if (algorithm <= 0)
            {
                return algorithm < 0 ? TokenCheck.Malformed : TokenCheck.AlgorithmRefused;
            }
            if (nowSeconds == ClockNotSet && !settings.TrustBeforeClockSet)
            {
                return TokenCheck.ClockNotSet;
            }
            int signatureLength = Base64Url.Decode(token, secondDot + 1, end - secondDot - 1, signature, 0, signature.Length);
            if (signatureLength < 0)
            {
                return TokenCheck.Malformed;
            }
            // The signing input is the token up to the second dot (RFC 7515 section 5.2 step 8).
            if (!(algorithm == TokenAlgorithms.Hs256 ? MacMatches(token, start, secondDot - start, signatureLength)
                : SignatureMatches(algorithm, token, start, secondDot - start, signatureLength)))
            {
                return TokenCheck.BadSignature;
            }
            int payloadLength = Base64Url.Decode(token, firstDot + 1, secondDot - firstDot - 1, Payload, 0, Payload.Length);
            if (payloadLength < 0)
            {
                return TokenCheck.Malformed;
            }
            return ReadClaims(payloadLength, nowSeconds);
        }

        // The accepted algorithm the header names, 0 for one not accepted (or "none", or "crit"), -1 for a malformed header.
        private int ReadHeader(byte[] token, int start, int length)
        {
            int headerLength = Base64Url.Decode(token, start, length, header, 0, header.Length);
            if (headerLength < 0)
            {
                return -1;
            }
            json.Reset(header, 0, headerLength);
            if (!json.BeginObject())
            {
                return -1;
            }
            int algorithm = -2;
            bool critical = false;
            int next;
            while ((next = json.NextMember()) == JsonReader.More)
            {
                if (json.KeyIs("alg"))
                {
                    int valueStart, valueLength;
                    if (algorithm != -2 || !json.ReadString(out valueStart, out valueLength))
                    {
                        return -1;
                    }
                    algorithm = TokenAlgorithms.Of(header, valueStart, valueLength);
                }
                else
                {
                    critical |= json.KeyIs("crit");
                    if (!json.SkipValue())
                    {
                        return -1;
                    }
                }
            }
            if (next != JsonReader.End || !json.AtEnd())
            {
                return -1;
            }
            return algorithm < 0 || critical ? 0 : algorithm & accepted;
        }

        private bool MacMatches(byte[] token, int start, int length, int signatureLength)
        {
            hmac.Update(token, start, length);
            hmac.Final(digest, 0);
            if (signatureLength != HmacSha256.MacBytes)
            {
                return false;
            }
            // Every byte is compared whatever differs first, so timing tells nothing about the MAC.
            int difference = 0;
            for (int i = 0; i < HmacSha256.MacBytes; i++)
            {
                difference |= digest[i] ^ signature[i];
            }
            return difference == 0;
        }

        // RS256 or ES256: the algorithm is an accepted one, so its key is set.
        private bool SignatureMatches(int algorithm, byte[] token, int start, int length, int signatureLength)
        {
            sha.Reset();
            sha.Update(token, start, length);
            sha.Final(digest, 0);
            return algorithm == TokenAlgorithms.Rs256 ? rsa.Verify(settings.RsaKey, digest, signature, 0, signatureLength)
                : ecdsa.Verify(settings.EcKey.Point, digest, signature, 0, signatureLength);
        }

        private int ReadClaims(int payloadLength, long now)
        {
            json.Reset(Payload, 0, payloadLength);
            if (!json.BeginObject())
            {
                return TokenCheck.Malformed;
            }
            bool hasExpiry = false, hasNotBefore = false, issuerMatches = false, audienceMatches = false;
            long notBefore = 0;
            int next;
            while ((next = json.NextMember()) == JsonReader.More)
            {
                int valueStart, valueLength;
                if (json.KeyIs("exp") || json.KeyIs("nbf"))
                {
                    bool expiry = json.KeyIs("exp");
                    long value;
                    // A claim given twice is refused rather than one of the two believed (RFC 7519 section 4).
                    if ((expiry ? hasExpiry : hasNotBefore) || !json.ReadNumber(out value))
                    {
                        return TokenCheck.Malformed;
                    }
                    if (expiry)
                    {
                        hasExpiry = true;
                        ExpiresAt = value;
                    }
                    else
                    {
                        hasNotBefore = true;
                        notBefore = value;
                    }
                }
                else if (json.KeyIs("iss"))
                {
                    if (!json.ReadString(out valueStart, out valueLength))
                    {
                        return TokenCheck.Malformed;
                    }
                    issuerMatches = settings.Issuer != null && JsonReader.Equal(Payload, valueStart, valueLength, settings.Issuer);
                    if (json.KeyIs(settings.IdentityClaim))
                    {
                        // The issuer may stand for the identity (a token per issuing device).
                        IdentityStart = valueStart;
                        IdentityLength = valueLength;
                    }
                }
                else if (json.KeyIs("aud"))
                {
                    int audience = ReadAudience();
                    if (audience < 0)
                    {
                        return TokenCheck.Malformed;
                    }
                    audienceMatches = audience == 1;
                }
                else if (json.KeyIs(settings.IdentityClaim))
                {
                    if (IdentityLength > 0 || json.Peek() != '"')
                    {
                        return TokenCheck.NoIdentity;
                    }
                    if (!json.ReadString(out IdentityStart, out IdentityLength))
                    {
                        return TokenCheck.Malformed;
                    }
                }
                else if (json.KeyIs(settings.RulesClaim))
                {
                    if (RuleCount >= 0 || !ReadRules())
                    {
                        return TokenCheck.BadRules;
                    }
                }
                else if (!json.SkipValue())
                {
                    return TokenCheck.Malformed;
                }
            }
            if (next != JsonReader.End || !json.AtEnd())
            {
                return TokenCheck.Malformed;
            }
            if (!hasExpiry)
            {
                return TokenCheck.NoExpiry;
            }
            // [RFC 7519 section 4.1.4] the current time must be before exp; [section 4.1.5] not before nbf.
            if (now != ClockNotSet && now >= ExpiresAt + settings.SkewSeconds)
            {
                return TokenCheck.Expired;
            }
            if (now != ClockNotSet && hasNotBefore && now + settings.SkewSeconds < notBefore)
            {
                return TokenCheck.NotYetValid;
            }
            if (settings.Issuer != null && !issuerMatches)
            {
                return TokenCheck.WrongIssuer;
            }
            if (settings.Audience != null && !audienceMatches)
            {
                return TokenCheck.WrongAudience;
            }
            if (IdentityLength == 0 || !Utf8.IsValid(Payload, IdentityStart, IdentityLength))
            {
                return TokenCheck.NoIdentity;
            }
            return TokenCheck.Valid;
        }

        // "aud": a string or an array of strings (RFC 7519 section 4.1.3); 1 when one is the configured audience, 0 when
        // none is, -1 when malformed.
        private int ReadAudience()
        {
            int valueStart, valueLength;
            if (json.Peek() == '"')
            {
                if (!json.ReadString(out valueStart, out valueLength))
                {
                    return -1;
                }
                return IsAudience(valueStart, valueLength) ? 1 : 0;
            }
            if (!json.BeginArray())
            {
                return -1;
            }
            int found = 0;
            int next;
            while ((next = json.NextElement()) == JsonReader.More)
            {
                if (!json.ReadString(out valueStart, out valueLength))
                {
                    return -1;
                }
                if (IsAudience(valueStart, valueLength))
                {
                    found = 1;
                }
            }
            return next == JsonReader.End ? found : -1;
        }

        private bool IsAudience(int start, int length)
        {
            return settings.Audience != null && JsonReader.Equal(Payload, start, length, settings.Audience);
        }

        // The rules claim: an object of "pub", "sub" and "all" lists of topic filters (EMQX's JWT "acl" object form).
        private bool ReadRules()
        {
            RuleCount = 0;
            if (!json.BeginObject())
            {
                return false;
            }
            int next;
            while ((next = json.NextMember()) == JsonReader.More)
            {
                int rights = json.KeyIs("pub") ? AccessRight.Write : json.KeyIs("sub") ? AccessRight.Read : json.KeyIs("all") ? AccessRight.ReadWrite : 0;
                if (rights == 0 || !json.BeginArray())
                {
                    return false;
                }
                int element;
                while ((element = json.NextElement()) == JsonReader.More)
                {
                    int filterStart, filterLength;
                    if (RuleCount == RuleRights.Length || !json.ReadString(out filterStart, out filterLength)
                        || !TopicSyntax.IsValidFilter(Payload, filterStart, filterLength))
                    {
                        return false;
                    }
                    RuleRights[RuleCount] = rights;
                    RuleStart[RuleCount] = filterStart;
                    RuleLength[RuleCount] = filterLength;
                    RuleCount++;
                }
                if (element != JsonReader.End)
                {
                    return false;
                }
            }
            return next == JsonReader.End;
        }

        private static int IndexOf(byte[] bytes, int from, int end, byte value)
        {
            for (int i = from; i < end; i++)
            {
                if (bytes[i] == value)
                {
                    return i;
                }
            }
            return -1;
        }
    }
}
