namespace NanoBroker.Tokens
{
    /// <summary>
    /// What <see cref="JwtVerifier.Verify"/> found. The client hears only that it is not authorized; the log says which.
    /// </summary>
    public static class TokenCheck
    {
        public const int Valid = 0;
        public const int Malformed = 1;
        public const int AlgorithmRefused = 2;
        public const int BadSignature = 3;
        public const int Expired = 4;
        public const int NotYetValid = 5;
        public const int WrongIssuer = 6;
        public const int WrongAudience = 7;
        public const int NoIdentity = 8;
        public const int NoExpiry = 9;
        public const int ClockNotSet = 10;
        public const int BadRules = 11;

        /// <summary>The result for the log.</summary>
        public static string Describe(int result)
        {
            switch (result)
            {
                case Valid: return "valid";
                case Malformed: return "not a well-formed JWS compact token";
                case AlgorithmRefused: return "algorithm not accepted (alg missing, none, not allowed, or without its key)";
                case BadSignature: return "bad signature";
                case Expired: return "expired (exp)";
                case NotYetValid: return "not yet valid (nbf)";
                case WrongIssuer: return "wrong issuer (iss)";
                case WrongAudience: return "wrong audience (aud)";
                case NoIdentity: return "no identity claim";
                case NoExpiry: return "no expiry (exp)";
                case ClockNotSet: return "the clock is not set and tokens are not trusted before it is";
                case BadRules: return "invalid topic rules claim";
                default: return "result " + result;
            }
        }
    }
}
