using NanoBroker.Protocol;
using NanoBroker.Security;
using NanoBroker.Sessions;

namespace NanoBroker
{
    /// <summary>
    /// MQTT 5.0 enhanced authentication with SCRAM-SHA-256 (section 4.12), the exchanges under way: MaxAuthExchanges
    /// slots, each a <see cref="ScramSha256"/> and a copy of the CONNECT that began it (handled again, with the user
    /// SCRAM authenticated, once the exchange succeeds). A slot is held by a connection while it is Authenticating
    /// and free as soon as it is not (CONNACK, refusal, close), so nothing needs to give it back. With no slots
    /// (enhanced authentication off, the boards' default) nothing is allocated.
    /// </summary>
    internal sealed class EnhancedAuth
    {
        /// <summary>The longest SCRAM message taken or sent (client-first, client-final; server-first, server-final).</summary>
        internal const int MaxMessageBytes = 256;

        // 18 random bytes: a 24-character base64 server nonce (144 bits), printable and without ','.
        private const int NonceBytes = 18;
        private const int SecretBytes = 32;

        private static readonly byte[] MethodName = Utf8.GetBytes(ScramSha256.Method);

        private readonly EngineContext context;
        private readonly ScramSha256[] exchanges;
        private readonly Connection[] holder;
        private readonly int[] user;
        private readonly byte[][] connect;
        private readonly int[] connectLength;
        private readonly int[] connectFlags;

        // The method name, then the SCRAM message of the reply being written (server-first or server-final).
        private readonly byte[] reply;
        private int replyLength;

        private readonly byte[] random;
        private readonly byte[] nonce;
        // The broker's secret for the decoy salts of unknown names: random, drawn at the first exchange.
        private readonly byte[] secret;
        private bool secretDrawn;

        internal EnhancedAuth(BrokerOptions options, EngineContext context)
        {
            this.context = context;
            int slots = options.MaxAuthExchanges;
            if (slots == 0)
            {
                return;
            }
            reply = new byte[MaxMessageBytes];
            random = new byte[NonceBytes];
            nonce = new byte[24];
            secret = new byte[SecretBytes];
            exchanges = new ScramSha256[slots];
            holder = new Connection[slots];
            user = new int[slots];
            connect = new byte[slots][];
            connectLength = new int[slots];
            connectFlags = new int[slots];
            for (int i = 0; i < slots; i++)
            {
                exchanges[i] = new ScramSha256(MaxMessageBytes);
                connect[i] = new byte[options.MaxPacketSize];
            }
            System.Array.Copy(MethodName, reply, MethodName.Length);
        }

        /// <summary>Enhanced authentication needs slots, a password file (the users) and the edge's random source.</summary>
        internal bool Enabled { get { return exchanges != null && context.Access != null && context.Random != null; } }

        /// <summary>True when the method named at [<paramref name="start"/>, +<paramref name="length"/>) is SCRAM-SHA-256.</summary>
        internal static bool IsScram(byte[] b, int start, int length)
        {
            if (length != MethodName.Length)
            {
                return false;
            }
            for (int i = 0; i < length; i++)
            {
                if (b[start + i] != MethodName[i])
                {
                    return false;
                }
            }
            return true;
        }

        /// <summary>The reply: method name at 0 (<see cref="MethodLength"/> bytes), then the SCRAM message (<see cref="ReplyLength"/>).</summary>
        internal byte[] Reply { get { return reply; } }

        internal int MethodLength { get { return MethodName.Length; } }

        internal int ReplyLength { get { return replyLength; } }

        /// <summary>A free slot for <paramref name="c"/>, or -1 when every one is held.</summary>
        internal int Take(Connection c)
        {
            for (int i = 0; i < exchanges.Length; i++)
            {
                Connection h = holder[i];
                if (h == null || h.State != ConnectionState.Authenticating || h.AuthExchange != i)
                {
                    holder[i] = c;
                    user[i] = -1;
                    return i;
                }
            }
            return -1;
        }

        /// <summary>
        /// The client-first message (CONNECT's Authentication Data): the server-first reply written for a known user,
        /// or the decoy for a name that is none [RFC 5802 section 9]. ScramSha256.Ok, Malformed or Refused.
        /// </summary>
        internal int Challenge(int slot, byte[] b, int start, int length)
        {
            if (!secretDrawn)
            {
                context.Random.Fill(secret, 0, SecretBytes);
                secretDrawn = true;
            }
            context.Random.Fill(random, 0, NonceBytes);
            Base64.Encode(random, 0, NonceBytes, nonce, 0);
            ScramSha256 scram = exchanges[slot];
            int result = scram.Start(b, start, length, nonce);
            if (result != ScramSha256.Ok)
            {
                return result;
            }
            AccessControl access = context.Access;
            int found = access.FindUser(scram.UserName, 0, scram.UserNameLength);
            user[slot] = found;
            int written;
            if (found >= 0)
            {
                written = scram.WriteServerFirst(access.PasswordSalt(found), access.PasswordIterations(found), access.PasswordHash(found), reply, MethodName.Length);
            }
            else
            {
                // The iterations of a real entry, so that the decoy costs the client the same work.
                written = scram.WriteDecoyServerFirst(secret, access.UserCount > 0 ? access.PasswordIterations(0) : 4096, reply, MethodName.Length);
            }
            replyLength = written < 0 ? 0 : written;
            return written < 0 ? ScramSha256.Malformed : ScramSha256.Ok;
        }

        /// <summary>The client-final message (AUTH 0x18's Authentication Data): on Ok the server-final reply is written.</summary>
        internal int Verify(int slot, byte[] b, int start, int length)
        {
            ScramSha256 scram = exchanges[slot];
            int result = scram.VerifyClientFinal(b, start, length);
            if (result != ScramSha256.Ok)
            {
                return result;
            }
            int written = scram.WriteServerFinal(reply, MethodName.Length);
            replyLength = written < 0 ? 0 : written;
            return written < 0 ? ScramSha256.Malformed : ScramSha256.Ok;
        }

        /// <summary>The user the exchange of <paramref name="slot"/> authenticated (after a successful <see cref="Verify"/>).</summary>
        internal int User(int slot)
        {
            return user[slot];
        }

        /// <summary>Keeps the CONNECT packet's body [<paramref name="p"/>, <paramref name="end"/>) and flags for when the exchange ends.</summary>
        internal void KeepConnect(int slot, int flags, byte[] b, int p, int end)
        {
            System.Array.Copy(b, p, connect[slot], 0, end - p);
            connectLength[slot] = end - p;
            connectFlags[slot] = flags;
        }

        internal byte[] Connect(int slot) { return connect[slot]; }

        internal int ConnectLength(int slot) { return connectLength[slot]; }

        internal int ConnectFlags(int slot) { return connectFlags[slot]; }
    }
}
