using NanoBroker.Protocol;

namespace NanoBroker.Security
{
    /// <summary>
    /// The server side of one SCRAM-SHA-256 exchange (RFC 5802, RFC 7677), for MQTT 5.0 enhanced
    /// authentication with the Authentication Method "SCRAM-SHA-256":
    /// <code>
    /// CONNECT  client-first  n,,n=user,r=cnonce                      → Start; the caller finds the user
    /// AUTH 18  server-first  r=cnonce+snonce,s=base64(salt),i=4096   ← WriteServerFirst (or WriteDecoyServerFirst)
    /// AUTH 18  client-final  c=biws,r=cnonce+snonce,p=base64(proof)  → VerifyClientFinal
    /// CONNACK  server-final  v=base64(ServerSignature)               ← WriteServerFinal
    /// </code>
    /// The password file's PBKDF2-HMAC-SHA-256 hash is SCRAM's SaltedPassword, so the server needs no plain
    /// password. Buffers are sized at construction; an exchange allocates nothing and makes no strings.
    /// Limits, each answered with <see cref="Malformed"/>: no channel binding (gs2 flag "p=" refused; "y"
    /// accepted, as the server offers none [RFC 5802 section 6]); no authorization identity ("a=" refused:
    /// MQTT has no acting for another user, and ignoring it would let a client believe it had); no mandatory
    /// extension ("m=" [RFC 5802 section 5.1]). Names are compared as bytes, without SASLprep, as the password
    /// file's are; for ASCII names and passwords that is the same.
    /// </summary>
    public sealed class ScramSha256
    {
        /// <summary>The MQTT Authentication Method name of this mechanism.</summary>
        public const string Method = "SCRAM-SHA-256";

        /// <summary>The step succeeded.</summary>
        public const int Ok = 0;

        /// <summary>The message is not SCRAM this server accepts, or came out of order (engine: CONNACK 0x86).</summary>
        public const int Malformed = 1;

        /// <summary>Unknown user, wrong proof, nonce or channel binding, told apart by nothing (engine: CONNACK 0x87).</summary>
        public const int Refused = 2;

        private const int Idle = 0, Started = 1, Challenged = 2, Verified = 3;
        private const int DecoySaltBytes = 16;

        private static readonly byte[] ClientKeyLabel = Utf8.GetBytes("Client Key");
        private static readonly byte[] ServerKeyLabel = Utf8.GetBytes("Server Key");

        private readonly int maxMessageBytes;
        private readonly HmacSha256 hmac = new HmacSha256();
        private readonly Sha256 sha = new Sha256();

        // client-first-bare "," server-first: the AuthMessage without the client-final part.
        private readonly byte[] transcript;
        private readonly byte[] serverNonce;
        private readonly byte[] userName;
        private readonly byte[] channelBinding = new byte[4];
        private readonly byte[] storedKey = new byte[Sha256.HashBytes];
        private readonly byte[] serverKey = new byte[Sha256.HashBytes];
        private readonly byte[] serverSignature = new byte[Sha256.HashBytes];
        private readonly byte[] decoySalt = new byte[Sha256.HashBytes];
        private readonly byte[] scratch = new byte[Sha256.HashBytes];
        private readonly byte[] proof = new byte[Sha256.HashBytes];

        private int state;
        private int userNameLength;
        private int serverNonceLength;
        private int clientFirstBareLength;
        private int clientNonceLength;
        private int transcriptLength;
        private bool knownUser;

        /// <summary><paramref name="maxMessageBytes"/> bounds each SCRAM message, in and out.</summary>
        public ScramSha256(int maxMessageBytes)
        {
            this.maxMessageBytes = maxMessageBytes;
            transcript = new byte[2 * maxMessageBytes + 1];
            serverNonce = new byte[maxMessageBytes];
            userName = new byte[maxMessageBytes];
        }

        /// <summary>The user name of the client-first message (unescaped), valid after <see cref="Start"/>; see <see cref="UserNameLength"/>.</summary>
        public byte[] UserName { get { return userName; } }

        /// <summary>The length of <see cref="UserName"/>.</summary>
        public int UserNameLength { get { return userNameLength; } }

        /// <summary>
        /// Begins an exchange with the client-first message (gs2 header and client-first-bare). The server nonce
        /// must be unpredictable and printable without ',' (for example the base64 of 18 bytes from a hardware
        /// random source); it is appended to the client's. On <see cref="Ok"/> the caller looks up
        /// <see cref="UserName"/> and answers with <see cref="WriteServerFirst"/> or, for an unknown user,
        /// <see cref="WriteDecoyServerFirst"/>.
        /// </summary>
        public int Start(byte[] message, int offset, int length, byte[] nonce)
        {
            state = Idle;
            int end = offset + length;
            if (length > maxMessageBytes || nonce.Length == 0 || nonce.Length > maxMessageBytes || !IsNonce(nonce, 0, nonce.Length))
            {
                return Malformed;
            }
            // gs2-header = ("n" | "y") "," "," : no channel binding, no authzid.
            if (length < 3 || (message[offset] != (byte)'n' && message[offset] != (byte)'y') || message[offset + 1] != (byte)',' || message[offset + 2] != (byte)',')
            {
                return Malformed;
            }
            Base64.Encode(message, offset, 3, channelBinding, 0);
            int bare = offset + 3;
            int at = bare;
            if (!Attribute(message, at, end, (byte)'n'))
            {
                return Malformed;
            }
            at += 2;
            userNameLength = 0;
            while (at < end && message[at] != (byte)',')
            {
                byte c = message[at++];
                if (c == (byte)'=')
                {
                    // saslname escapes: "=2C" for ',' and "=3D" for '=', nothing else.
                    if (at + 2 > end)
                    {
                        return Malformed;
                    }
                    c = message[at] == (byte)'2' && message[at + 1] == (byte)'C' ? (byte)','
                        : message[at] == (byte)'3' && message[at + 1] == (byte)'D' ? (byte)'=' : (byte)0;
                    if (c == 0)
                    {
                        return Malformed;
                    }
                    at += 2;
                }
                userName[userNameLength++] = c;
            }
            if (userNameLength == 0 || !Utf8.IsValid(userName, 0, userNameLength) || !Attribute(message, at + 1, end, (byte)'r'))
            {
                return Malformed;
            }
            int nonceStart = at + 3;
            at = nonceStart;
            while (at < end && message[at] != (byte)',')
            {
                at++;
            }
            // Anything after the nonce is an extension: hashed into the AuthMessage, otherwise ignored.
            clientNonceLength = at - nonceStart;
            if (clientNonceLength == 0 || !IsNonce(message, nonceStart, clientNonceLength))
            {
                return Malformed;
            }
            clientFirstBareLength = end - bare;
            System.Array.Copy(message, bare, transcript, 0, clientFirstBareLength);
            System.Array.Copy(message, nonceStart, transcript, clientFirstBareLength + 3, clientNonceLength);
            System.Array.Copy(nonce, 0, serverNonce, 0, nonce.Length);
            serverNonceLength = nonce.Length;
            state = Started;
            return Ok;
        }

        /// <summary>
        /// Writes the server-first message for a known user at <paramref name="at"/>: the combined nonce, the
        /// user's salt and iterations, with <paramref name="saltedPassword"/> the 32-byte PBKDF2-HMAC-SHA-256 of
        /// the password (the password file's hash). Returns its length, or -1 out of order or without room.
        /// </summary>
        public int WriteServerFirst(byte[] salt, int iterations, byte[] saltedPassword, byte[] into, int at)
        {
            if (state != Started)
            {
                return -1;
            }
            DeriveKeys(saltedPassword);
            knownUser = true;
            return WriteChallenge(salt, salt.Length, iterations, into, at);
        }

        /// <summary>
        /// Writes a server-first message for a name that is no user, so the client cannot tell unknown names
        /// from wrong passwords [RFC 5802 section 9]: the salt is HMAC(<paramref name="secret"/>, name), the
        /// same on every attempt, and the exchange ends <see cref="Refused"/>. The secret is the broker's own
        /// (random at start); <paramref name="iterations"/> should be those of real entries.
        /// </summary>
        public int WriteDecoyServerFirst(byte[] secret, int iterations, byte[] into, int at)
        {
            if (state != Started)
            {
                return -1;
            }
            hmac.SetKey(secret, 0, secret.Length);
            hmac.Update(userName, 0, userNameLength);
            hmac.Final(decoySalt, 0);
            // Keys from a made-up SaltedPassword: the exchange costs what a real user's does.
            DeriveKeys(decoySalt);
            knownUser = false;
            return WriteChallenge(decoySalt, DecoySaltBytes, iterations, into, at);
        }

        /// <summary>
        /// Checks the client-final message: channel binding c= (the base64 of the gs2 header), the combined
        /// nonce r=, and the ClientProof p= against the StoredKey [RFC 5802 section 3]. Returns
        /// <see cref="Ok"/>, <see cref="Malformed"/> or <see cref="Refused"/>.
        /// </summary>
        public int VerifyClientFinal(byte[] message, int offset, int length)
        {
            if (state != Challenged)
            {
                return Malformed;
            }
            state = Idle;
            int end = offset + length;
            if (length > maxMessageBytes || !Attribute(message, offset, end, (byte)'c'))
            {
                return Malformed;
            }
            int bindingEnd = Find(message, offset + 2, end, (byte)',');
            if (bindingEnd < 0 || !Attribute(message, bindingEnd + 1, end, (byte)'r'))
            {
                return Malformed;
            }
            int nonceStart = bindingEnd + 3;
            int nonceEnd = Find(message, nonceStart, end, (byte)',');
            if (nonceEnd < 0)
            {
                return Malformed;
            }
            // The proof comes last [RFC 5802 section 7]; extensions may sit between nonce and proof.
            int proofComma = end - 1;
            while (message[proofComma] != (byte)',')
            {
                proofComma--;
            }
            if (!Attribute(message, proofComma + 1, end, (byte)'p')
                || Base64.Decode(message, proofComma + 3, end - proofComma - 3, proof, 0, proof.Length) != proof.Length)
            {
                return Malformed;
            }
            int serverFirst = clientFirstBareLength + 1;
            bool bindingMatches = Same(message, offset + 2, bindingEnd - offset - 2, channelBinding, 0, channelBinding.Length);
            bool nonceMatches = Same(message, nonceStart, nonceEnd - nonceStart, transcript, serverFirst + 2, clientNonceLength + serverNonceLength);

            // ClientSignature = HMAC(StoredKey, AuthMessage); ClientKey = ClientProof XOR ClientSignature.
            hmac.SetKey(storedKey, 0, storedKey.Length);
            AuthMessage(message, offset, proofComma - offset);
            hmac.Final(scratch, 0);
            for (int i = 0; i < proof.Length; i++)
            {
                proof[i] ^= scratch[i];
            }
            sha.Update(proof, 0, proof.Length);
            sha.Final(scratch, 0);
            int difference = 0;
            for (int i = 0; i < scratch.Length; i++)
            {
                difference |= scratch[i] ^ storedKey[i];
            }
            if (!knownUser || !bindingMatches || !nonceMatches || difference != 0)
            {
                return Refused;
            }
            hmac.SetKey(serverKey, 0, serverKey.Length);
            AuthMessage(message, offset, proofComma - offset);
            hmac.Final(serverSignature, 0);
            state = Verified;
            return Ok;
        }

        /// <summary>Writes the server-final message "v=base64(ServerSignature)" after a verified proof; returns its length, or -1.</summary>
        public int WriteServerFinal(byte[] into, int at)
        {
            int length = 2 + Base64.EncodedLength(serverSignature.Length);
            if (state != Verified || into.Length - at < length)
            {
                return -1;
            }
            state = Idle;
            into[at] = (byte)'v';
            into[at + 1] = (byte)'=';
            Base64.Encode(serverSignature, 0, serverSignature.Length, into, at + 2);
            return length;
        }

        // StoredKey = H(HMAC(SaltedPassword, "Client Key")), ServerKey = HMAC(SaltedPassword, "Server Key").
        private void DeriveKeys(byte[] saltedPassword)
        {
            hmac.SetKey(saltedPassword, 0, saltedPassword.Length);
            hmac.Update(ClientKeyLabel, 0, ClientKeyLabel.Length);
            hmac.Final(scratch, 0);
            sha.Update(scratch, 0, scratch.Length);
            sha.Final(storedKey, 0);
            hmac.Update(ServerKeyLabel, 0, ServerKeyLabel.Length);
            hmac.Final(serverKey, 0);
        }

        // Appends "," and server-first to the transcript and copies it out: "r=" nonces ",s=" salt ",i=" count.
        private int WriteChallenge(byte[] salt, int saltLength, int iterations, byte[] into, int at)
        {
            int digits = 1;
            for (int rest = iterations / 10; rest > 0; rest /= 10)
            {
                digits++;
            }
            int length = 2 + clientNonceLength + serverNonceLength + 3 + Base64.EncodedLength(saltLength) + 3 + digits;
            if (iterations < 1 || length > maxMessageBytes || into.Length - at < length)
            {
                state = Idle;
                return -1;
            }
            int start = clientFirstBareLength + 1;
            int w = clientFirstBareLength;
            transcript[w++] = (byte)',';
            transcript[w++] = (byte)'r';
            transcript[w++] = (byte)'=';
            w += clientNonceLength; // the client nonce was copied here by Start
            System.Array.Copy(serverNonce, 0, transcript, w, serverNonceLength);
            w += serverNonceLength;
            transcript[w++] = (byte)',';
            transcript[w++] = (byte)'s';
            transcript[w++] = (byte)'=';
            w += Base64.Encode(salt, 0, saltLength, transcript, w);
            transcript[w++] = (byte)',';
            transcript[w++] = (byte)'i';
            transcript[w++] = (byte)'=';
            for (int i = digits - 1, rest = iterations; i >= 0; i--, rest /= 10)
            {
                transcript[w + i] = (byte)('0' + rest % 10);
            }
            transcriptLength = w + digits;
            System.Array.Copy(transcript, start, into, at, length);
            state = Challenged;
            return length;
        }

        // AuthMessage = client-first-bare "," server-first "," client-final-without-proof, into the HMAC.
        private void AuthMessage(byte[] message, int offset, int withoutProofLength)
        {
            hmac.Update(transcript, 0, transcriptLength);
            hmac.Update(transcript, clientFirstBareLength, 1);
            hmac.Update(message, offset, withoutProofLength);
        }

        // True when an attribute "x=" starts at `at`.
        private static bool Attribute(byte[] message, int at, int end, byte name)
        {
            return at + 2 <= end && message[at] == name && message[at + 1] == (byte)'=';
        }

        private static int Find(byte[] message, int at, int end, byte value)
        {
            for (; at < end; at++)
            {
                if (message[at] == value)
                {
                    return at;
                }
            }
            return -1;
        }

        // A nonce is printable ASCII without ',' [RFC 5802 section 7].
        private static bool IsNonce(byte[] bytes, int offset, int count)
        {
            for (int i = offset; i < offset + count; i++)
            {
                if (bytes[i] < 0x21 || bytes[i] > 0x7E || bytes[i] == (byte)',')
                {
                    return false;
                }
            }
            return true;
        }

        private static bool Same(byte[] a, int aOffset, int aCount, byte[] b, int bOffset, int bCount)
        {
            if (aCount != bCount)
            {
                return false;
            }
            for (int i = 0; i < aCount; i++)
            {
                if (a[aOffset + i] != b[bOffset + i])
                {
                    return false;
                }
            }
            return true;
        }
    }
}
