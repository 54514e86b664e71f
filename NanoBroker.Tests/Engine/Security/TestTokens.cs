using NanoBroker.Protocol;
using NanoBroker.Security;
using NanoBroker.Tokens;

namespace NanoBroker.Tests.Engine.Security
{
    /// <summary>
    /// Tokens and keys for the token tests: HS256 tokens signed here with the engine's HMAC (itself checked against
    /// RFC 4231 in CryptoTests), and vectors made with openssl at development time, each with the command that made it.
    /// </summary>
    public static class TestTokens
    {
        /// <summary>The HS256 secret of the openssl-made HS256 vectors (35 bytes).</summary>
        public const string Secret = "nanobroker-test-secret-of-32-bytes!";

        /// <summary>The time the openssl-made tokens are checked at: between their nbf (1699999000) and exp (1700003600).</summary>
        public const long Now = 1700000000;

        // RFC 7515 appendix A.2's RSA key (RFC 7517 appendix A.1's "n" and "e") as SubjectPublicKeyInfo PEM, written
        // with a few lines of Python from the JWK's n and e and checked by `openssl pkey -pubin -in a2.pem -text`.
        public const string Rfc7515A2Pem =
            "-----BEGIN PUBLIC KEY-----\n" +
            "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAofgWCuLjybRlzo0tZWJj\n" +
            "NiuSfb4p4fAkd/wWJcyQoTbji9k0l8W26mPddxHmfHQp+Vaw+4qPCJrcS2mJPMEz\n" +
            "P1Pt0Bm4d4QlL+yRT+SFd2lZS+pCgNMsD1W/YpRPEwOWvG6b32690r2jZ47soMZo\n" +
            "9wGzjb/7OMg0LOL+bSf63kpaSHSXndS5z5rexMdbBYUsLA9e+KXBdQOS+UTo7WTB\n" +
            "EMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6/I5IhlJH7aGhyxX\n" +
            "FvUK+DWNmoudF8NAco9/h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXp\n" +
            "oQIDAQAB\n" +
            "-----END PUBLIC KEY-----\n";

        // The same key as PKCS#1 RSAPublicKey (`openssl rsa -RSAPublicKey_in -in a2-pkcs1.pem -text` reads it).
        public const string Rfc7515A2Pkcs1Pem =
            "-----BEGIN RSA PUBLIC KEY-----\r\n" +
            "MIIBCgKCAQEAofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd/wWJcyQoTbji9k0l8W2\r\n" +
            "6mPddxHmfHQp+Vaw+4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL+yRT+SFd2lZS+pCgNMs\r\n" +
            "D1W/YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb/7OMg0LOL+bSf63kpaSHSXndS5\r\n" +
            "z5rexMdbBYUsLA9e+KXBdQOS+UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxv\r\n" +
            "b3qCo5ZwKh9kG4LT6/I5IhlJH7aGhyxXFvUK+DWNmoudF8NAco9/h9iaGNj8q2et\r\n" +
            "hFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQIDAQAB\r\n" +
            "-----END RSA PUBLIC KEY-----\r\n";

        // RFC 7515 appendix A.1: HS256 under the JWK "k" below; claims {"iss":"joe","exp":1300819380,...}.
        public const string Rfc7515A1Token =
            "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9" +
            ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ" +
            ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

        public const string Rfc7515A1Key = "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";

        // RFC 7515 appendix A.2: RS256 of the same claims under the key above.
        public const string Rfc7515A2Token =
            "eyJhbGciOiJSUzI1NiJ9" +
            ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ" +
            ".cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw";

        // `openssl genrsa -out rs.key 2048 && openssl rsa -in rs.key -pubout -out rs.pub`
        public const string OpensslPem =
            "-----BEGIN PUBLIC KEY-----\n" +
            "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA0g1Rx2HMclcA0rjoOxJX\n" +
            "UD5801Mue8XyECX0kVzalCj+Mmj3DrpXeqyJpN7C7o4qTQChuU+lkgz2zH2FvklM\n" +
            "szOcDF9PrWA6Ttt6YDijcRWOb+6ya4fKqqQOsxI+Uct9MziHl0iVrdm8cb2CTzxp\n" +
            "UJdStthnSPibsygIAEJW7EGjMSO6B5pivqc8I9iogqMp5j/a6vhlsHDC/tC0kXmZ\n" +
            "5WNpt3QV4hX5cF1z2ANQonPhpbKmWwBNDTD6QDdQNfLoQSFFeCfm1MjsS+MFjuTQ\n" +
            "K+l/us59w67TCTFSEgMaHMI0uQyuK/HBlBTDBy5BK1VEr9hrQUi09Fv6YlvOOAsI\n" +
            "owIDAQAB\n" +
            "-----END PUBLIC KEY-----\n";

        // Made by openssl with the private key of OpensslPem:
        //   b64u() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
        //   input="$(printf '%s' "$HEADER" | b64u).$(printf '%s' "$PAYLOAD" | b64u)"
        //   RS256: sig=$(printf '%s' "$input" | openssl dgst -sha256 -sign rs.key -binary | b64u)
        //   HS256: sig=$(printf '%s' "$input" | openssl dgst -sha256 -mac HMAC -macopt "key:$SECRET" -binary | b64u)
        // with HEADER {"alg":"RS256","typ":"JWT"} and PAYLOAD {"sub":"device-7","iss":"https://issuer.example",
        // "aud":["mqtt","other"],"nbf":1699999000,"exp":1700003600,"acl":{"pub":["devices/%u/up"],"sub":["devices/%u/down/#"]}}
        public const string OpensslRs256Token =
            "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9" +
            ".eyJzdWIiOiJkZXZpY2UtNyIsImlzcyI6Imh0dHBzOi8vaXNzdWVyLmV4YW1wbGUiLCJhdWQiOlsibXF0dCIsIm90aGVyIl0sIm5iZiI6MTY5OTk5OTAwMCwiZXhwIjoxNzAwMDAzNjAwLCJhY2wiOnsicHViIjpbImRldmljZXMvJXUvdXAiXSwic3ViIjpbImRldmljZXMvJXUvZG93bi8jIl19fQ" +
            ".VPhk_tijp3Sfoa2zNlSh2YjtjLvrlFKeolVe09SQUVLy_tEyMKuNS-1GWGvuBeRgaroB8pMm0m7Ver4Mx1Tfm7LcIDquuNpoD8i5gItbonEIIJl6JiaVQjsOBqAXbDC-_LIlGP9tiUBmVs-Mv5KmwSg8ZlpFp-g0XwkQfHD_LXJ__14TBOd7ckM1zTZP5QQWH-3pgtglE0bWGjLNOYJnT9dKzc7ucw1_jVWfK2RAObhWDqtWmLPAJ860VxusEz8UvospfI07rcxDjwsxlhdwTxc68t4noePHKegghm3LW5R-HNslNdqXViA0rAnBmK_ZBifQez63EMvWjRosETF4sg";

        // HS256 under Secret: HEADER {"alg":"HS256","typ":"JWT"}, PAYLOAD {"sub":"sensor-1","aud":"mqtt","exp":1700003600}.
        public const string OpensslHs256Token =
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9" +
            ".eyJzdWIiOiJzZW5zb3ItMSIsImF1ZCI6Im1xdHQiLCJleHAiOjE3MDAwMDM2MDB9" +
            ".ItZOuykH4qo2gA_tYlEFIOmTjvzoXPTE1XkrmQ-A0Ok";

        // Algorithm confusion (RFC 8725 section 2.1): HS256 whose "secret" is the text of OpensslPem, as an attacker
        // who knows the public key would sign: openssl dgst -sha256 -mac HMAC -macopt "hexkey:$(xxd -p rs.pub | tr -d '\n')";
        // PAYLOAD {"sub":"device-7","iss":"https://issuer.example","aud":"mqtt","exp":1700003600}.
        public const string PublicKeyAsSecretToken =
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9" +
            ".eyJzdWIiOiJkZXZpY2UtNyIsImlzcyI6Imh0dHBzOi8vaXNzdWVyLmV4YW1wbGUiLCJhdWQiOiJtcXR0IiwiZXhwIjoxNzAwMDAzNjAwfQ" +
            ".AYjibE6ll7fgRgU0QKaNOF6vbHTJekS8K6WvdEue_jc";

        // RFC 7515 appendix A.3's P-256 key (its JWK "x" and "y") as SubjectPublicKeyInfo PEM, written with Python's
        // cryptography package from the JWK and checked by `openssl pkey -pubin -in a3.pem -text`.
        public const string Rfc7515A3Pem =
            "-----BEGIN PUBLIC KEY-----\n" +
            "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEf83OJ3D2xF1Bg8vub9tLe1gHMzV7\n" +
            "6e8Tus9uPHvRVEXH8UTNG72bfocs3+257rn0s2ldbqkLJK2KRiMohYjlrQ==\n" +
            "-----END PUBLIC KEY-----\n";

        // RFC 7515 appendix A.3: ES256 of the claims of A.1 and A.2 under the key above; the signature is R || S.
        public const string Rfc7515A3Token =
            "eyJhbGciOiJFUzI1NiJ9" +
            ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ" +
            ".DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";

        // `openssl ecparam -name prime256v1 -genkey -noout -out es.key && openssl ec -in es.key -pubout -out es.pub`
        public const string OpensslEcPem =
            "-----BEGIN PUBLIC KEY-----\n" +
            "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEgY0vuhSmIddc51jIX6pMUyi4jthX\n" +
            "1SiO3RrTcI7slSuIY4ifOa5yDeZ00DZJ6jqX3HDU+/rLRJzpOr75QEpPHA==\n" +
            "-----END PUBLIC KEY-----\n";

        // ES256 made by openssl with es.key, the claims of OpensslRs256Token under HEADER {"alg":"ES256","typ":"JWT"}.
        // openssl's signature is DER, SEQUENCE { INTEGER r, INTEGER s }: r and s taken out and padded to 32 bytes each:
        //   der=$(printf '%s' "$input" | openssl dgst -sha256 -sign es.key -binary | openssl asn1parse -inform DER | awk -F: '/INTEGER/ {print $NF}')
        //   sig=$(for v in $der; do printf '%064s' "$v" | tr ' ' 0; done | xxd -r -p | b64u)
        public const string OpensslEs256Token =
            "eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9" +
            ".eyJzdWIiOiJkZXZpY2UtNyIsImlzcyI6Imh0dHBzOi8vaXNzdWVyLmV4YW1wbGUiLCJhdWQiOlsibXF0dCIsIm90aGVyIl0sIm5iZiI6MTY5OTk5OTAwMCwiZXhwIjoxNzAwMDAzNjAwLCJhY2wiOnsicHViIjpbImRldmljZXMvJXUvdXAiXSwic3ViIjpbImRldmljZXMvJXUvZG93bi8jIl19fQ" +
            ".L03J75Lkiv17LDRfVQtWxF0bzxs3HjmoMgtFtNmN0RscmmQHa1AOAez0Sjyq4Fdpt_cInF9poqx_iriBKrnvEg";

        // Algorithm confusion with the EC key: HS256 whose "secret" is the text of OpensslEcPem (as PublicKeyAsSecretToken).
        public const string EcKeyAsSecretToken =
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9" +
            ".eyJzdWIiOiJkZXZpY2UtNyIsImlzcyI6Imh0dHBzOi8vaXNzdWVyLmV4YW1wbGUiLCJhdWQiOiJtcXR0IiwiZXhwIjoxNzAwMDAzNjAwfQ" +
            ".zsPVBWcNU7UaG3RbOeXOV5LX3feQYetQY2HzhWdvPT4";

        /// <summary>The EC key of a PEM text, or null.</summary>
        public static EcPublicKey EcKey(string pem)
        {
            string problem;
            return EcPublicKey.FromPem(Utf8.GetBytes(pem), out problem);
        }

        /// <summary>Settings accepting ES256 under the key of <paramref name="pem"/>.</summary>
        public static TokenSettings EcSettings(string pem)
        {
            TokenSettings settings = new TokenSettings();
            settings.EcKey = EcKey(pem);
            return settings;
        }

        /// <summary>The key of a PEM text, or null.</summary>
        public static RsaPublicKey Key(string pem)
        {
            string problem;
            return RsaPublicKey.FromPem(Utf8.GetBytes(pem), 4096, out problem);
        }

        /// <summary>Settings accepting HS256 under <see cref="Secret"/>.</summary>
        public static TokenSettings HmacSettings()
        {
            TokenSettings settings = new TokenSettings();
            settings.Secret = Utf8.GetBytes(Secret);
            return settings;
        }

        /// <summary>Settings accepting RS256 under the key of <paramref name="pem"/>.</summary>
        public static TokenSettings RsaSettings(string pem)
        {
            TokenSettings settings = new TokenSettings();
            settings.RsaKey = Key(pem);
            return settings;
        }

        /// <summary>Verifies <paramref name="token"/> under <paramref name="settings"/> at <paramref name="now"/>.</summary>
        public static int Verify(TokenSettings settings, string token, long now)
        {
            byte[] bytes = Utf8.GetBytes(token);
            return new JwtVerifier(settings).Verify(bytes, 0, bytes.Length, now);
        }

        /// <summary>A JWS compact token of the two JSON texts, HS256 under <paramref name="secret"/>.</summary>
        public static string Hs256(string header, string payload, string secret)
        {
            string input = Encode(Utf8.GetBytes(header)) + "." + Encode(Utf8.GetBytes(payload));
            byte[] key = Utf8.GetBytes(secret);
            HmacSha256 hmac = new HmacSha256();
            hmac.SetKey(key, 0, key.Length);
            byte[] bytes = Utf8.GetBytes(input);
            hmac.Update(bytes, 0, bytes.Length);
            byte[] mac = new byte[HmacSha256.MacBytes];
            hmac.Final(mac, 0);
            return input + "." + Encode(mac);
        }

        /// <summary>An HS256 token under <see cref="Secret"/> with the usual header.</summary>
        public static string Hs256(string payload)
        {
            return Hs256("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", payload, Secret);
        }

        /// <summary>Base64url without padding (RFC 7515 section 2).</summary>
        public static string Encode(byte[] bytes)
        {
            byte[] text = new byte[Base64.EncodedLength(bytes.Length)];
            int n = Base64.Encode(bytes, 0, bytes.Length, text, 0);
            while (n > 0 && text[n - 1] == '=')
            {
                n--;
            }
            for (int i = 0; i < n; i++)
            {
                text[i] = text[i] == '+' ? (byte)'-' : text[i] == '/' ? (byte)'_' : text[i];
            }
            return Utf8.GetString(text, 0, n);
        }
    }
}
