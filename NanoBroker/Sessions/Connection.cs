namespace NanoBroker.Sessions
{
    /// <summary>
    /// One network connection as the engine sees it: a receive buffer the edge fills, an outbox the
    /// edge drains, and the protocol state between them. Slots are preallocated and reused.
    /// </summary>
    public sealed class Connection
    {
        /// <summary>Index of this slot, stable for the broker's lifetime.</summary>
        public readonly int Id;

        /// <summary>
        /// Bytes received and not yet consumed occupy [0, ReceivedCount): the connection's own buffer, or a large
        /// one lent by the broker's pool while a packet larger than the own buffer is received (read it anew
        /// before each receive).
        /// </summary>
        public byte[] ReceiveBuffer { get; private set; }

        public readonly Outbox Outbox;

        internal int ReceivedCount;

        private readonly byte[] ownReceive;

        public Connection(int id, int receiveBytes, int outboxBytes, BufferPool sendLender)
        {
            Id = id;
            ownReceive = new byte[receiveBytes];
            ReceiveBuffer = ownReceive;
            Outbox = new Outbox(outboxBytes, sendLender);
            Session = -1;
        }

        public ConnectionState State { get; internal set; }

        /// <summary>Why the engine closed the connection (for logs), or null.</summary>
        public string CloseReason { get; internal set; }

        /// <summary>Where the edge may write received bytes.</summary>
        public int ReceiveOffset { get { return ReceivedCount; } }

        /// <summary>How many bytes the edge may read from the socket now; 0 while the engine holds the connection back.</summary>
        public int ReceiveSpace { get { return State == ConnectionState.Closing ? 0 : ReceiveBuffer.Length - ReceivedCount; } }

        /// <summary>True when the edge should flush the outbox, close the socket and call Broker.Closed.</summary>
        public bool IsClosing { get { return State == ConnectionState.Closing; } }

        /// <summary>The session slot this connection is attached to, or -1.</summary>
        internal int Session;

        // The protocol version (ProtocolVersion) from CONNECT: the encoders write for it.
        internal byte Version;

        // The client's limits from a 5.0 CONNECT (3.x: the defaults). Receive Maximum caps the session's outbound
        // inflight [MQTT-3.3.4-9]; a PUBLISH larger than Maximum Packet Size (0: none) is not sent [MQTT-3.1.2-25];
        // Topic Alias Maximum caps the outbound aliases [MQTT-3.3.2-11]. (The broker sends no Reason String or User
        // Property, so Request Problem Information asks nothing of it [MQTT-3.1.2-29].)
        internal int ReceiveMaximum;
        internal int MaximumPacketSize;
        internal int TopicAliasMaximum;

        // 5.0 Topic Alias mappings of this network connection, borrowed from TopicAliasPool while connected (None
        // without): those the client set (resolved before routing) and those the broker set toward it.
        internal TopicAliases InboundAliases = TopicAliases.None;
        internal TopicAliases OutboundAliases = TopicAliases.None;

        // The authenticated user's index in Broker.Access, or AccessControl.Anonymous.
        internal int User;

        // The enhanced authentication exchange slot (EnhancedAuth) while Authenticating, then ScramDone once the client
        // authenticated with SCRAM-SHA-256 (re-authentication is refused then: Broker.Dispatch); -1 without.
        internal int AuthExchange;
        internal const int ScramDone = -2;

        /// <summary>The "exp" (Unix seconds) of the token that authenticated the connection, or 0: no token.</summary>
        internal long TokenExpiresAt;
        internal int KeepAliveMs;
        internal long OpenedAtMs;
        internal long LastReceivedMs;

        // Set while a packet at the head of the receive buffer waits for room elsewhere.
        internal bool Blocked;
        internal long BlockedSinceMs;
        internal int BlockedBySession;

        // When the outbox last went from empty to pending, or last drained some bytes.
        internal long OutboxWaitingSinceMs;

        /// <summary>Size of the connection's own receive buffer.</summary>
        internal int OwnReceiveBytes { get { return ownReceive.Length; } }

        /// <summary>True while a large receive buffer is lent to this connection.</summary>
        public bool ReceiveBorrowing { get { return ReceiveBuffer != ownReceive; } }

        // Set while the packet at the head needs a large receive buffer and none is free.
        internal bool WaitsForBuffer;

        /// <summary>Moves the received bytes into <paramref name="large"/> (lent from the pool) to receive a large packet.</summary>
        internal void LendReceive(byte[] large)
        {
            System.Array.Copy(ownReceive, 0, large, 0, ReceivedCount);
            ReceiveBuffer = large;
        }

        /// <summary>The lent receive buffer, its bytes moved back into the own one (they must fit), or null when none is lent.</summary>
        internal byte[] TakeBackReceive()
        {
            if (ReceiveBuffer == ownReceive)
            {
                return null;
            }
            byte[] large = ReceiveBuffer;
            System.Array.Copy(large, 0, ownReceive, 0, ReceivedCount);
            ReceiveBuffer = ownReceive;
            return large;
        }

        internal void Reset(long nowMs)
        {
            State = ConnectionState.AwaitingConnect;
            CloseReason = null;
            ReceivedCount = 0;
            Outbox.Clear();
            Session = -1;
            Version = 0;
            ReceiveMaximum = 65535;
            MaximumPacketSize = 0;
            TopicAliasMaximum = 0;
            User = -1;
            AuthExchange = -1;
            TokenExpiresAt = 0;
            KeepAliveMs = 0;
            OpenedAtMs = nowMs;
            LastReceivedMs = nowMs;
            Blocked = false;
            WaitsForBuffer = false;
            BlockedBySession = -1;
            OutboxWaitingSinceMs = nowMs;
        }
    }
}
