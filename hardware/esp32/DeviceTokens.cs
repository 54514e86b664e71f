using System;
using NanoBroker.Tokens;

namespace NanoBroker.Esp32
{
    /// <summary>
    /// The board's token authentication, from <c>token_secret_file</c> (HS256) and <c>token_public_key</c> (a PEM
    /// file: an RSA key for RS256 or an EC P-256 key for ES256) and the other <c>token_*</c> keys of nanobroker.ini (<see cref="DeviceSettings"/>). Off without a key file.
    /// </summary>
    public static class DeviceTokens
    {
        // A PEM public key of 4096 bits is under 1 KB; a secret far less.
        private const int MaxFileBytes = 4096;

        /// <summary>Null when token authentication is off. Throws, naming the file or setting, when it cannot be set up.</summary>
        public static JwtVerifier Load(DeviceSettings settings, IBrokerLog log)
        {
            if (settings.TokenSecretFile == null && settings.TokenPublicKeyFile == null)
            {
                return null;
            }
            TokenSettings tokens = settings.Tokens;
            if (settings.TokenSecretFile != null)
            {
                byte[] secret = DeviceFiles.Read(settings.TokenSecretFile, "token_secret_file", MaxFileBytes);
                int length = secret.Length;
                while (length > 0 && (secret[length - 1] == '\n' || secret[length - 1] == '\r'))
                {
                    length--;
                }
                tokens.Secret = new byte[length];
                Array.Copy(secret, tokens.Secret, length);
            }
            if (settings.TokenPublicKeyFile != null)
            {
                // An RSA key (RS256) or an EC P-256 key (ES256): the key says which.
                string problem = tokens.LoadPublicKey(DeviceFiles.Read(settings.TokenPublicKeyFile, "token_public_key", MaxFileBytes));
                if (problem != null)
                {
                    throw new Exception(settings.TokenPublicKeyFile + ": " + problem);
                }
            }
            string wrong = tokens.Check();
            if (wrong != null)
            {
                throw new Exception("token authentication (" + DeviceSettings.DefaultPath + "): " + wrong);
            }
            log?.Info("tokens: JWT authentication on (" + (tokens.Secret != null ? "HS256 " : "") + (tokens.RsaKey != null ? "RS256 " : "") + (tokens.EcKey != null ? "ES256 " : "")
                + "accepted; " + (tokens.TrustBeforeClockSet ? "trusted" : "refused") + " until SNTP sets the clock)");
            return new JwtVerifier(tokens);
        }
    }
}
