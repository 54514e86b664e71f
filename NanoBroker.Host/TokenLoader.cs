using System.IO;
using NanoBroker.Tokens;

namespace NanoBroker.Host
{
    /// <summary>Builds the broker's token verifier from the command line's token settings and files.</summary>
    public static class TokenLoader
    {
        /// <summary>Null when token authentication is off; throws <see cref="InvalidDataException"/> saying what is wrong.</summary>
        public static JwtVerifier Load(CommandLine settings)
        {
            if (!settings.TokensOn)
            {
                return null;
            }
            TokenSettings tokens = settings.Tokens;
            if (settings.TokenSecret != null)
            {
                tokens.Secret = System.Text.Encoding.UTF8.GetBytes(settings.TokenSecret);
            }
            else if (settings.TokenSecretFile != null)
            {
                string text = System.Text.Encoding.UTF8.GetString(AccessLoader.Read("--token-secret-file", settings.TokenSecretFile)).TrimEnd('\r', '\n');
                tokens.Secret = System.Text.Encoding.UTF8.GetBytes(text);
            }
            if (settings.TokenPublicKeyFile != null)
            {
                // An RSA key (RS256) or an EC P-256 key (ES256): the key says which.
                string problem = tokens.LoadPublicKey(AccessLoader.Read("--token-public-key", settings.TokenPublicKeyFile));
                if (problem != null)
                {
                    throw new InvalidDataException("--token-public-key " + settings.TokenPublicKeyFile + ": " + problem);
                }
            }
            string wrong = tokens.Check();
            if (wrong != null)
            {
                throw new InvalidDataException("token authentication: " + wrong);
            }
            return new JwtVerifier(tokens);
        }
    }
}
