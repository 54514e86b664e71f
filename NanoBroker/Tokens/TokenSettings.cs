namespace NanoBroker.Tokens
{
    /// <summary>
    /// What a JWT must be to authenticate a client: the keys and algorithms that may sign it and the claims it must
    /// carry. Filled by the edge from its settings, checked with <see cref="Check"/>, then read by <see cref="JwtVerifier"/>.
    /// </summary>
    public sealed class TokenSettings
    {
        /// <summary>The shortest HS256 secret: as long as the hash (RFC 7518 section 3.2).</summary>
        public const int MinSecretBytes = 32;

        /// <summary>The HS256 secret, or null: no HMAC-signed token is accepted.</summary>
        public byte[] Secret;

        /// <summary>The RS256 key, or null: no RSA-signed token is accepted.</summary>
        public RsaPublicKey RsaKey;

        /// <summary>The ES256 key, or null: no ECDSA-signed token is accepted.</summary>
        public EcPublicKey EcKey;

        /// <summary>The <see cref="TokenAlgorithms"/> flags allowed; an algorithm also needs its key (<see cref="Accepted"/>).</summary>
        public int Algorithms = TokenAlgorithms.Hs256 | TokenAlgorithms.Rs256 | TokenAlgorithms.Es256;

        /// <summary>
        /// The algorithms both allowed and keyed: HS256 with a secret, RS256 with an RSA key, ES256 with an EC key. Each
        /// key serves its own algorithm only (RFC 8725 section 2.1): an RS256 token is never checked against an EC key.
        /// </summary>
        public int Accepted
        {
            get
            {
                return (Secret != null ? Algorithms & TokenAlgorithms.Hs256 : 0) | (RsaKey != null ? Algorithms & TokenAlgorithms.Rs256 : 0)
                    | (EcKey != null ? Algorithms & TokenAlgorithms.Es256 : 0);
            }
        }

        /// <summary>
        /// Sets <see cref="RsaKey"/> or <see cref="EcKey"/> from a PEM public key, whichever its algorithm is (the
        /// key decides whether RS256 or ES256 tokens are checked); null, or what is wrong with the key.
        /// </summary>
        public string LoadPublicKey(byte[] pem)
        {
            string problem;
            EcKey = EcPublicKey.FromPem(pem, out problem);
            // Not an EC key, or no "BEGIN PUBLIC KEY" block (PKCS#1 "BEGIN RSA PUBLIC KEY" has its own): RSA's turn.
            if (EcKey != null || (problem != EcPublicKey.NotEc && problem != EcPublicKey.NotPem))
            {
                return problem;
            }
            RsaKey = RsaPublicKey.FromPem(pem, MaxRsaBits, out problem);
            return problem == RsaPublicKey.NotRsa ? "neither an RSA key nor an EC P-256 key" : problem;
        }

        /// <summary>The claim whose string value is the client's identity (its user for rules and session ownership).</summary>
        public string IdentityClaim = "sub";

        /// <summary>False (token_username any): the CONNECT's user name is not looked at; true (identity): it must be the identity claim's value.</summary>
        public bool UserNameIsIdentity;

        /// <summary>The claim holding topic rules: {"pub":[filters],"sub":[filters],"all":[filters]}; optional in a token.</summary>
        public string RulesClaim = "acl";

        /// <summary>The "iss" a token must carry, or null: not checked.</summary>
        public string Issuer;

        /// <summary>A value the token's "aud" (a string or an array of strings) must hold, or null: not checked.</summary>
        public string Audience;

        /// <summary>The clock difference tolerated on "exp" and "nbf", in seconds.</summary>
        public int SkewSeconds = 30;

        /// <summary>
        /// Before the clock is set (no SNTP yet on the board): false, every token is refused; true, tokens are accepted
        /// without "exp" and "nbf" being checked, and a connection whose token has expired ends once the clock is set.
        /// </summary>
        public bool TrustBeforeClockSet;

        /// <summary>The longest token read, in bytes (the password field carrying it).</summary>
        public int MaxTokenBytes = 2048;

        /// <summary>The largest RSA modulus allowed, in bits: sizes the arithmetic's arrays.</summary>
        public int MaxRsaBits = 2048;

        /// <summary>The most topic filters a token's rules claim may list.</summary>
        public int MaxClaimRules = 16;

        /// <summary>
        /// The room for one identity's rules claim, packed (3 bytes and the filter per rule); the broker keeps it for
        /// MaxSessions + MaxClients identities.
        /// </summary>
        public int MaxClaimRuleBytes = 256;

        /// <summary>Null when the settings can verify tokens, else what is wrong.</summary>
        public string Check()
        {
            if (Algorithms <= 0)
            {
                return "no token algorithm allowed";
            }
            if (Secret == null && RsaKey == null && EcKey == null)
            {
                return "token authentication needs a secret (HS256) or a public key (RS256 or ES256)";
            }
            if (Secret != null && Secret.Length < MinSecretBytes)
            {
                return "the HS256 secret must have " + MinSecretBytes + " bytes at least (RFC 7518 section 3.2)";
            }
            if (Accepted == 0)
            {
                return "no allowed token algorithm has its key (HS256 needs the secret, RS256 an RSA public key, ES256 an EC one)";
            }
            if (RsaKey != null && RsaKey.Bits > MaxRsaBits)
            {
                return "the public key has " + RsaKey.Bits + " bits, over the limit of " + MaxRsaBits;
            }
            if (IdentityClaim == null || IdentityClaim.Length == 0 || SkewSeconds < 0 || MaxTokenBytes < 16 || MaxClaimRules < 0 || MaxClaimRuleBytes < 0)
            {
                return "invalid token settings (identity claim, skew, token size, rule count or rule bytes)";
            }
            return null;
        }
    }
}
