using NanoBroker.Messages;
using NanoBroker.Sessions;
using NanoBroker.Storage;

namespace NanoBroker
{
    /// <summary>
    /// The will of each connection slot (a pool handle and its retain flag), published when its connection ends
    /// without DISCONNECT; at a restore, the wills the log held for clients connected when the broker stopped,
    /// published once the replay is over.
    /// </summary>
    internal sealed class Wills
    {
        private readonly MessagePool pool;
        private readonly Router router;
        private readonly Journal journal;
        private readonly EngineContext context;

        // By connection slot: the will (or -1), its retain flag, and the session of its client (null for a will
        // restored from the log).
        private readonly int[] message;
        private readonly bool[] retain;
        private readonly Session[] owner;

        internal Wills(int slots, MessagePool pool, Router router, Journal journal, EngineContext context)
        {
            this.pool = pool;
            this.router = router;
            this.journal = journal;
            this.context = context;
            message = new int[slots];
            retain = new bool[slots];
            owner = new Session[slots];
            for (int i = 0; i < slots; i++)
            {
                message[i] = -1;
            }
        }

        /// <summary>Copies a will from a CONNECT into the message store: its handle, or -1 when it does not fit.</summary>
        internal int Keep(byte[] buffer, int topicStart, int topicLength, int messageStart, int messageLength, int qos)
        {
            return pool.Store(buffer, topicStart, topicLength, buffer, messageStart, messageLength, qos);
        }

        /// <summary>A will kept for a CONNECT that was then refused.</summary>
        internal void Forget(int will)
        {
            pool.Release(will);
        }

        /// <summary>The CONNECT was accepted: the will belongs to the connection slot from now on, and is journaled.</summary>
        internal void Attach(int slot, Session s, int will, bool willRetain)
        {
            message[slot] = will;
            retain[slot] = willRetain;
            owner[slot] = s;
            journal.WillSet(slot, s, will, willRetain);
        }

        /// <summary>The connection ends: its will is published when <paramref name="publish"/> (any end but DISCONNECT), then gone.</summary>
        internal void End(int slot, bool publish)
        {
            int will = message[slot];
            if (will < 0)
            {
                return;
            }
            if (publish)
            {
                router.RouteStored(will, retain[slot]);
            }
            Clear(slot);
            journal.WillCleared(slot);
        }

        /// <summary>Compaction: the will of every connected client, as records.</summary>
        internal void WriteLive()
        {
            for (int slot = 0; slot < message.Length; slot++)
            {
                if (message[slot] >= 0)
                {
                    journal.WillSet(slot, owner[slot], message[slot], retain[slot]);
                }
            }
        }

        /// <summary>Replay: a WillSet record, the will of the client on slot <see cref="RecordView.Key"/> when the broker stopped.</summary>
        internal void Restore(RecordView r)
        {
            if (r.Key >= message.Length)
            {
                context.Warn("storage: the will of connection slot " + r.Key + " is beyond this configuration's slots and was dropped");
                return;
            }
            RestoreCleared(r.Key);
            message[r.Key] = pool.Store(r.Buffer, r.BStart, r.BLength, r.Buffer, r.CStart, r.CLength, r.Flags & 0x03);
            retain[r.Key] = (r.Flags & 0x04) != 0;
        }

        /// <summary>Replay: a WillClear record.</summary>
        internal void RestoreCleared(int slot)
        {
            if (slot < message.Length && message[slot] >= 0)
            {
                Clear(slot);
            }
        }

        /// <summary>After replay: publishes every restored will (its client never sent DISCONNECT) and records it as gone.</summary>
        internal int PublishRestored()
        {
            int published = 0;
            for (int slot = 0; slot < message.Length; slot++)
            {
                if (message[slot] < 0)
                {
                    continue;
                }
                router.RouteStored(message[slot], retain[slot]);
                journal.WillCleared(slot);
                Clear(slot);
                published++;
            }
            return published;
        }

        private void Clear(int slot)
        {
            pool.Release(message[slot]);
            message[slot] = -1;
            owner[slot] = null;
        }
    }
}
