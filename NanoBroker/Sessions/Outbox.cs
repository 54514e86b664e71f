namespace NanoBroker.Sessions
{
    /// <summary>
    /// A connection's preallocated send buffer. The engine appends whole packets; the network edge
    /// sends bytes from <see cref="Start"/> and reports them with <c>Broker.Sent</c>.
    /// </summary>
    public sealed class Outbox
    {
        public readonly byte[] Buffer;

        public Outbox(int bytes)
        {
            Buffer = new byte[bytes];
        }

        /// <summary>Offset of the first unsent byte.</summary>
        public int Start { get; private set; }

        /// <summary>Unsent bytes.</summary>
        public int Count { get; private set; }

        /// <summary>Unsent bytes the edge may send now: acknowledgements of changes not yet durable are held back.</summary>
        public int Sendable { get { return held ? heldSendable : Count; } }

        private bool held;
        private int heldSendable;

        /// <summary>Bytes that can still be appended.</summary>
        public int Free { get { return Buffer.Length - Count; } }

        /// <summary>
        /// Makes room for a packet of <paramref name="bytes"/> and returns the offset to write it at,
        /// or -1 when it does not fit now. The caller writes exactly that many bytes.
        /// </summary>
        internal int Append(int bytes)
        {
            if (bytes > Free)
            {
                return -1;
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
            }
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
        }

        internal void Clear()
        {
            Start = 0;
            Count = 0;
            held = false;
        }
    }
}
