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

        /// <summary>Bytes received and not yet consumed occupy [0, ReceivedCount).</summary>
        public readonly byte[] ReceiveBuffer;

        public readonly Outbox Outbox;

        internal int ReceivedCount;

        public Connection(int id, int receiveBytes, int outboxBytes)
        {
            Id = id;
            ReceiveBuffer = new byte[receiveBytes];
            Outbox = new Outbox(outboxBytes);
            Session = -1;
            Will = -1;
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

        internal byte ProtocolLevel;

        // The authenticated user's index in Broker.Access, or AccessControl.Anonymous.
        internal int User;
        internal int KeepAliveMs;
        internal long OpenedAtMs;
        internal long LastReceivedMs;

        // The will message (a pool handle, or -1) and its retain flag, published on an ungraceful end.
        internal int Will;
        internal bool WillRetain;

        // Set while a packet at the head of the receive buffer waits for room elsewhere.
        internal bool Blocked;
        internal long BlockedSinceMs;
        internal int BlockedBySession;

        // When the outbox last went from empty to pending, or last drained some bytes.
        internal long OutboxWaitingSinceMs;

        internal void Reset(long nowMs)
        {
            State = ConnectionState.AwaitingConnect;
            CloseReason = null;
            ReceivedCount = 0;
            Outbox.Clear();
            Session = -1;
            ProtocolLevel = 0;
            User = -1;
            KeepAliveMs = 0;
            OpenedAtMs = nowMs;
            LastReceivedMs = nowMs;
            Will = -1;
            WillRetain = false;
            Blocked = false;
            BlockedBySession = -1;
            OutboxWaitingSinceMs = nowMs;
        }
    }
}
