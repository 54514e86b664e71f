namespace NanoBroker.Tokens
{
    /// <summary>
    /// The JWS algorithms (RFC 7518 section 3.1) a broker may accept, as flags. "none" (section 3.6) is never one of
    /// them: an unsecured token proves nothing.
    /// </summary>
    public static class TokenAlgorithms
    {
        /// <summary>HMAC with SHA-256 under a shared secret (RFC 7518 section 3.2).</summary>
        public const int Hs256 = 1;

        /// <summary>RSASSA-PKCS1-v1_5 with SHA-256 under an RSA public key (RFC 7518 section 3.3).</summary>
        public const int Rs256 = 2;

        /// <summary>ECDSA on P-256 with SHA-256 under an EC public key (RFC 7518 section 3.4).</summary>
        public const int Es256 = 4;

        /// <summary>
        /// The flags of a comma-separated list such as "HS256,RS256" (case as RFC 7518 spells the names), or -1 for an
        /// empty list or an unknown name ("none" included).
        /// </summary>
        public static int Parse(string list)
        {
            int flags = 0;
            int start = 0;
            while (start <= list.Length)
            {
                int comma = list.IndexOf(',', start);
                int stop = comma < 0 ? list.Length : comma;
                string name = list.Substring(start, stop - start).Trim();
                int flag = name == "HS256" ? Hs256 : name == "RS256" ? Rs256 : name == "ES256" ? Es256 : -1;
                if (flag < 0)
                {
                    return -1;
                }
                flags |= flag;
                start = stop + 1;
            }
            return flags == 0 ? -1 : flags;
        }

        /// <summary>The flag of the "alg" header value at [start, start + length), or 0 for any other value.</summary>
        public static int Of(byte[] bytes, int start, int length)
        {
            return JsonReader.Equal(bytes, start, length, "HS256") ? Hs256 : JsonReader.Equal(bytes, start, length, "RS256") ? Rs256
                : JsonReader.Equal(bytes, start, length, "ES256") ? Es256 : 0;
        }
    }
}
