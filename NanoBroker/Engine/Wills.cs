using NanoBroker.Messages;
using NanoBroker.Protocol;
using NanoBroker.Sessions;
using NanoBroker.Storage;

namespace NanoBroker
{
    /// <summary>
    /// The will of each session (one at most; a pool handle holding its topic, forwarded will properties and payload,
    /// its retain flag, Will Delay Interval and Message Expiry Interval). A will outlives its connection: an end
    /// without DISCONNECT (or with DISCONNECT 0x04) publishes it at once, or after its delay [MQTT-3.1.3-9] unless a
    /// new connection resumes the session first; a session that ends publishes a will still waiting [MQTT-3.1.2-8].
    /// At a restore, the wills the log held are published once the replay is over.
    /// </summary>
    internal sealed class Wills : ISessionEndObserver
    {
        // The Message Expiry Interval of a will that has none.
        private const long NoExpiry = -1;

        // The waitingUntil of a will whose connection is still on (or a restored one).
        private const long NotWaiting = long.MaxValue;

        private readonly SessionTable sessions;
        private readonly MessagePool pool;
        private readonly Router router;
        private readonly Journal journal;
        private readonly EngineContext context;

        // By session slot: the will (or -1), its retain flag, Will Delay Interval (s), Message Expiry Interval (s, or
        // NoExpiry), when its delay runs out (NotWaiting while its connection is on), whether it is the will of the
        // session on its slot (false for a will restored from the log, which is published after the replay and never waits).
        private readonly int[] message;
        private readonly bool[] retain;
        private readonly uint[] delaySeconds;
        private readonly long[] expirySeconds;
        private readonly long[] waitingUntil;
        private readonly bool[] ofSession;

        /// <summary><paramref name="slots"/>: one per session slot at least.</summary>
        internal Wills(int slots, SessionTable sessions, MessagePool pool, Router router, Journal journal, EngineContext context)
        {
            this.sessions = sessions;
            this.pool = pool;
            this.router = router;
            this.journal = journal;
            this.context = context;
            message = new int[slots];
            retain = new bool[slots];
            delaySeconds = new uint[slots];
            expirySeconds = new long[slots];
            waitingUntil = new long[slots];
            ofSession = new bool[slots];
            for (int i = 0; i < slots; i++)
            {
                message[i] = -1;
            }
        }

        /// <summary>
        /// Copies the will of a decoded CONNECT into the message store: topic, the will properties a broker forwards
        /// (Will Delay and Message Expiry are kept apart) and payload. Its handle, or -1 when it does not fit.
        /// </summary>
        internal int Keep(ConnectPacket connect, byte[] buffer)
        {
            Properties p = connect.WillProperties;
            int propertiesLength = Properties.ForwardedLength(buffer, p.Start, p.Length);
            int will = pool.Allocate(connect.WillTopicLength, propertiesLength, connect.WillMessageLength, connect.WillQos);
            if (will < 0)
            {
                return -1;
            }
            pool.Write(will, 0, buffer, connect.WillTopicStart, connect.WillTopicLength);
            int at = pool.PropertiesOffset(will);
            int scan = p.Start;
            int runStart, runLength;
            while (Properties.NextForwardedRun(buffer, ref scan, p.Start + p.Length, out runStart, out runLength))
            {
                pool.Write(will, at, buffer, runStart, runLength);
                at += runLength;
            }
            pool.Write(will, pool.PayloadOffset(will), buffer, connect.WillMessageStart, connect.WillMessageLength);
            return will;
        }

        /// <summary>
        /// A will from an edge rather than a CONNECT (an MQTT-SN client's WILLTOPICUPD/WILLMSGUPD): topic and payload
        /// copied into the message store, no properties. Its handle, or -1 when it does not fit.
        /// </summary>
        internal int Keep(byte[] topic, int topicStart, int topicLength, byte[] payload, int payloadStart, int payloadLength, int qos)
        {
            int will = pool.Allocate(topicLength, 0, payloadLength, qos);
            if (will >= 0)
            {
                pool.Write(will, 0, topic, topicStart, topicLength);
                pool.Write(will, pool.PayloadOffset(will), payload, payloadStart, payloadLength);
            }
            return will;
        }

        /// <summary>A will kept for a CONNECT that was then refused.</summary>
        internal void Forget(int will)
        {
            pool.Release(will);
        }

        /// <summary>
        /// The CONNECT was accepted: the will belongs to session <paramref name="s"/> from now on (replacing one it had),
        /// and is journaled. <paramref name="messageExpiry"/>: seconds, or -1 for none.
        /// </summary>
        internal void Attach(Session s, int will, bool willRetain, uint delay, long messageExpiry)
        {
            Discard(s);
            int slot = s.Id;
            message[slot] = will;
            retain[slot] = willRetain;
            delaySeconds[slot] = delay;
            expirySeconds[slot] = messageExpiry;
            waitingUntil[slot] = NotWaiting;
            ofSession[slot] = true;
            journal.WillSet(s, will, willRetain, delay);
        }

        /// <summary>
        /// The session's connection ends: with <paramref name="publish"/> (any end but a normal DISCONNECT) its will is
        /// published now, or waits its Will Delay Interval [MQTT-3.1.3-9] (a session that ends sooner publishes it:
        /// SessionEnded); without, it is discarded [MQTT-3.14.4-3].
        /// </summary>
        internal void End(Session s, bool publish)
        {
            int slot = s.Id;
            if (message[slot] < 0 || !ofSession[slot])
            {
                return;
            }
            if (!publish)
            {
                Discard(s);
            }
            else if (delaySeconds[slot] == 0)
            {
                Publish(slot);
            }
            else
            {
                waitingUntil[slot] = context.Now + delaySeconds[slot] * 1000L;
            }
        }

        /// <summary>
        /// A new connection takes session <paramref name="s"/> up: a will still waiting is not published [MQTT-3.1.3-9],
        /// and a will of a connection still on (taken over) ends with it unpublished.
        /// </summary>
        internal void Discard(Session s)
        {
            int slot = s.Id;
            if (message[slot] >= 0 && ofSession[slot])
            {
                Clear(slot);
                journal.WillCleared(slot, s);
            }
        }

        /// <summary>[MQTT-3.1.2-8] a session that ends (expiry, Clean Start, eviction) publishes the will it still has.</summary>
        public void SessionEnded(Session s)
        {
            if (message[s.Id] >= 0 && ofSession[s.Id])
            {
                Publish(s.Id);
            }
        }

        /// <summary>Time passes: the wills whose delay ran out are published.</summary>
        internal void PublishDue()
        {
            for (int slot = 0; slot < message.Length; slot++)
            {
                if (message[slot] >= 0 && ofSession[slot] && waitingUntil[slot] <= context.Now)
                {
                    Publish(slot);
                }
            }
        }

        /// <summary>Compaction: every will held (of a connected client or waiting its delay), as records.</summary>
        internal void WriteLive()
        {
            for (int slot = 0; slot < message.Length; slot++)
            {
                if (message[slot] >= 0 && ofSession[slot])
                {
                    journal.WillSet(sessions.At(slot), message[slot], retain[slot], delaySeconds[slot]);
                }
            }
        }

        /// <summary>
        /// Replay: a WillSet record, the will of the session on slot <see cref="RecordView.Key"/> when the broker
        /// stopped (slots are those of the run that wrote it; every restart publishes and clears the wills it finds).
        /// </summary>
        internal void Restore(RecordView r)
        {
            if (r.Key >= message.Length)
            {
                context.Warn("storage: the will of session slot " + r.Key + " is beyond this configuration's sessions and was dropped");
                return;
            }
            RestoreCleared(r.Key);
            int will = pool.Allocate(r.BLength, r.DLength, r.CLength, r.Flags & 0x03);
            if (will < 0)
            {
                context.Warn("storage: no room in the message store for a will; it was dropped");
                return;
            }
            pool.Write(will, 0, r.Buffer, r.BStart, r.BLength);
            pool.Write(will, pool.PropertiesOffset(will), r.Buffer, r.DStart, r.DLength);
            pool.Write(will, pool.PayloadOffset(will), r.Buffer, r.CStart, r.CLength);
            message[r.Key] = will;
            retain[r.Key] = (r.Flags & 0x04) != 0;
            delaySeconds[r.Key] = r.Value;
            expirySeconds[r.Key] = NoExpiry;
            waitingUntil[r.Key] = NotWaiting;
        }

        /// <summary>Replay: a WillClear record.</summary>
        internal void RestoreCleared(int slot)
        {
            if (slot < message.Length && message[slot] >= 0)
            {
                Clear(slot);
            }
        }

        /// <summary>
        /// After replay: publishes every restored will and records it as gone. Its connection ended with the broker, at
        /// a time unknown (the board has no trusted clock), so a delay is not waited again: as mosquitto does.
        /// </summary>
        internal int PublishRestored()
        {
            int published = 0;
            for (int slot = 0; slot < message.Length; slot++)
            {
                if (message[slot] < 0 || ofSession[slot])
                {
                    continue;
                }
                router.RouteStored(message[slot], retain[slot]);
                journal.WillCleared(slot, null);
                Clear(slot);
                published++;
            }
            return published;
        }

        // Publishes the will of a slot (its Message Expiry counting from now) and records it as gone.
        private void Publish(int slot)
        {
            int will = message[slot];
            Session s = ofSession[slot] ? sessions.At(slot) : null;
            if (expirySeconds[slot] != NoExpiry)
            {
                long at = (context.Now + 999) / 1000 + expirySeconds[slot];
                pool.SetExpiresAt(will, at >= MessagePool.NoExpiry ? MessagePool.NoExpiry - 1 : (int)at);
            }
            // Cleared before routing: a will reaching an offline session may end another session, never this one again.
            message[slot] = -1;
            ofSession[slot] = false;
            journal.WillCleared(slot, s);
            router.RouteStored(will, retain[slot]);
            pool.Release(will);
        }

        private void Clear(int slot)
        {
            pool.Release(message[slot]);
            message[slot] = -1;
            ofSession[slot] = false;
        }
    }
}
