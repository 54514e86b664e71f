namespace NanoBroker.Sessions
{
    /// <summary>
    /// A connection's preallocated send buffer. The engine appends whole packets; the network edge
    /// sends bytes from <see cref="Start"/> and reports them with <c>Broker.Sent</c>.
    /// A packet larger than the outbox's own buffer is written into a buffer lent by the broker's
    /// <see cref="BufferPool"/>, behind what is still unsent; <see cref="Buffer"/> is that buffer until what is
    /// left to send fits the own one again (read <see cref="Buffer"/> and <see cref="Start"/> anew after each send).
    /// </summary>
    public sealed class Outbox
    {
        private readonly byte[] own;
        private readonly BufferPool lender;

        public Outbox(int bytes, BufferPool lender)
        {
            own = new byte[bytes];
            Buffer = own;
            this.lender = lender;
        }

        /// <summary>The bytes to send, from <see cref="Start"/>: the own buffer, or one lent for a large packet.</summary>
        public byte[] Buffer { get; private set; }

        /// <summary>True while a buffer is lent to this outbox.</summary>
        public bool Borrowing { get { return Buffer != own; } }

        /// <summary>Set when a packet waited for a lent buffer and none was free.</summary>
        internal bool WaitsForBuffer;

        /// <summary>Offset of the first unsent byte.</summary>
        public int Start { get; private set; }

        /// <summary>Unsent bytes.</summary>
        public int Count { get; private set; }

        /// <summary>Unsent bytes the edge may send now: acknowledgements of changes not yet durable are held back.</summary>
        public int Sendable { get { return held ? heldSendable : Count; } }

        private bool held;
        private int heldSendable;

        /// <summary>Bytes that can still be appended (to the lent buffer while one is lent: it goes back once the rest fits the own one).</summary>
        public int Free { get { return Buffer.Length - Count; } }

        /// <summary>
        /// Makes room for a packet of <paramref name="bytes"/> and returns the offset to write it at,
        /// or -1 when it does not fit now. The caller writes exactly that many bytes.
        /// </summary>
        internal int Append(int bytes)
        {
            if (bytes > Free)
            {
                // Only a packet the own buffer could never hold borrows: a reader that is merely behind keeps
                // its own outbox (QoS 0 dropped, QoS 1/2 queued), and the large buffers stay for large packets.
                if (bytes <= own.Length || Buffer != own || Count + bytes > lender.BufferBytes)
                {
                    return -1;
                }
                byte[] lent = lender.Take();
                if (lent == null)
                {
                    WaitsForBuffer = true;
                    return -1;
                }
                System.Array.Copy(own, Start, lent, 0, Count);
                Buffer = lent;
                Start = 0;
                int end = Count;
                Count += bytes;
                return end;
            }
            if (Start + Count + bytes > Buffer.Length)
            {
                System.Array.Copy(Buffer, Start, Buffer, 0, Count);
                Start = 0;
            }
            int at = Start + Count;
            Count += bytes;
            return at;
        }

        /// <summary>Holds back everything after the first <paramref name="sendable"/> unsent bytes until <see cref="Release"/>.</summary>
        internal void Hold(int sendable)
        {
            if (!held)
            {
                held = true;
                heldSendable = sendable;
            }
        }

        internal void Release()
        {
            held = false;
        }

        /// <summary>Bytes held back until a storage commit (<see cref="Hold"/>); 0 when none.</summary>
        internal int HeldBytes { get { return held ? Count - heldSendable : 0; } }

        /// <summary>Forgets the bytes held back (their storage commit failed): only what was sendable stays.</summary>
        internal void DropHeld()
        {
            if (held)
            {
                Count = heldSendable;
                held = false;
                if (Count == 0)
                {
                    Start = 0;
                }
                GiveBackIfFits();
            }
        }

        // Copies what is left to send back into the own buffer and returns the lent one, once it fits.
        private void GiveBackIfFits()
        {
            if (Buffer == own || Count > own.Length)
            {
                return;
            }
            System.Array.Copy(Buffer, Start, own, 0, Count);
            lender.Give(Buffer);
            Buffer = own;
            Start = 0;
        }

        internal void Consumed(int bytes)
        {
            if (held)
            {
                heldSendable -= bytes;
            }
            Start += bytes;
            Count -= bytes;
            if (Count == 0)
            {
                Start = 0;
            }
            GiveBackIfFits();
        }

        internal void Clear()
        {
            Start = 0;
            Count = 0;
            held = false;
            WaitsForBuffer = false;
            GiveBackIfFits();
        }
    }
}
