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
                string problem;
                tokens.RsaKey = RsaPublicKey.FromPem(AccessLoader.Read("--token-public-key", settings.TokenPublicKeyFile), tokens.MaxRsaBits, out problem);
                if (tokens.RsaKey == null)
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
