using NanoBroker.Messages;
using NanoBroker.Routing;

namespace NanoBroker.Sessions
{
    /// <summary>
    /// The session slots: found by client identifier, made (dropping the least recently seen offline session
    /// when none is free), given an assigned identifier, and discarded with everything they hold.
    /// </summary>
    internal sealed class SessionTable
    {
        private readonly Session[] sessions;
        private readonly SubscriptionTree subscriptions;
        private readonly MessagePool pool;
        private readonly Journal journal;
        private readonly EngineContext context;

        // The last identifier assigned ("nb-" and eight hex digits), and where it is written.
        private int assignedIds;
        private readonly byte[] assignedId = new byte[11];

        // Client identifiers whose offline sessions are never dropped to make room (a bridge's: its queue is what it
        // has accepted to forward). Added at start.
        private byte[][] kept = new byte[0][];

        /// <summary>
        /// Who takes the unacknowledged messages an ending session got through its shared subscriptions (the Router,
        /// set once it is made): they go to other members of their groups (section 4.8.2).
        /// </summary>
        internal Router SharedHandOff;
        /// <summary>Told of every session discarded (the wills); set once by the broker after it builds the parts above.</summary>
        internal ISessionEndObserver EndObserver;

        internal SessionTable(BrokerOptions options, SubscriptionTree subscriptions, MessagePool pool, Journal journal, EngineContext context)
        {
            sessions = new Session[options.MaxSessions];
            for (int i = 0; i < sessions.Length; i++)
            {
                sessions[i] = new Session(i, options.MaxClientIdBytes, options.InflightWindow, options.QueueDepth);
            }
            this.subscriptions = subscriptions;
            this.pool = pool;
            this.journal = journal;
            this.context = context;
        }

        /// <summary>Slots in all; session ids are 0 to this less one.</summary>
        internal int Length { get { return sessions.Length; } }

        internal Session At(int id)
        {
            return sessions[id];
        }

        /// <summary>Sessions in use, connected or persistent offline.</summary>
        internal int Count
        {
            get
            {
                int n = 0;
                for (int i = 0; i < sessions.Length; i++)
                {
                    if (sessions[i].InUse)
                    {
                        n++;
                    }
                }
                return n;
            }
        }

        internal Session Find(byte[] id, int offset, int count)
        {
            for (int i = 0; i < sessions.Length; i++)
            {
                if (sessions[i].HasClientId(id, offset, count))
                {
                    return sessions[i];
                }
            }
            return null;
        }

        /// <summary>
        /// A fresh identifier "nb-&lt;hex&gt;" not used by any session [MQTT-3.1.3-6], in <see cref="AssignedId"/>;
        /// returns its length.
        /// </summary>
        internal int AssignClientId()
        {
            while (true)
            {
                assignedIds++;
                int n = 0;
                assignedId[n++] = (byte)'n';
                assignedId[n++] = (byte)'b';
                assignedId[n++] = (byte)'-';
                for (int shift = 28; shift >= 0; shift -= 4)
                {
                    int digit = (assignedIds >> shift) & 0xF;
                    assignedId[n++] = (byte)(digit < 10 ? '0' + digit : 'a' + digit - 10);
                }
                if (Find(assignedId, 0, n) == null)
                {
                    return n;
                }
            }
        }

        /// <summary>The bytes of the identifier <see cref="AssignClientId"/> made last.</summary>
        internal byte[] AssignedId { get { return assignedId; } }

        /// <summary>
        /// A free session slot; when none is free, the least recently seen offline session is dropped (not a kept one).
        /// Null when all are online or kept. A session with an <paramref name="expirySeconds"/> other than 0 outlives its connection and is journaled.
        /// </summary>
        internal Session New(byte[] id, int offset, int count, uint expirySeconds, int owner)
        {
            Session free = null;
            Session oldestOffline = null;
            for (int i = 0; i < sessions.Length && free == null; i++)
            {
                Session s = sessions[i];
                if (!s.InUse)
                {
                    free = s;
                }
                else if (!s.IsOnline && (oldestOffline == null || s.LastSeenMs < oldestOffline.LastSeenMs) && !IsKept(s))
                {
                    oldestOffline = s;
                }
            }
            if (free == null && oldestOffline != null)
            {
                context.Stats.SessionsEvicted++;
                context.Warn("session limit reached: dropped the offline session of " + oldestOffline.ClientIdText());
                Discard(oldestOffline);
                free = oldestOffline;
            }
            if (free == null)
            {
                return null;
            }
            free.InUse = true;
            bool persistent = expirySeconds != 0;
            free.Persistent = persistent;
            free.ExpirySeconds = expirySeconds;
            System.Array.Copy(id, offset, free.ClientId, 0, count);
            free.ClientIdLength = count;
            free.Owner = owner;
            free.Connection = -1;
            free.LastSeenMs = context.Now;
            if (persistent)
            {
                journal.SessionSaved(free);
            }
            return free;
        }

        /// <summary>The session of <paramref name="id"/> is never dropped to make room for another (see <see cref="New"/>).</summary>
        internal void Keep(byte[] id)
        {
            byte[][] more = new byte[kept.Length + 1][];
            System.Array.Copy(kept, more, kept.Length);
            more[kept.Length] = id;
            kept = more;
        }

        private bool IsKept(Session s)
        {
            for (int i = 0; i < kept.Length; i++)
            {
                if (s.HasClientId(kept[i], 0, kept[i].Length))
                {
                    return true;
                }
            }
            return false;
        }

        /// <summary>
        /// A new Session Expiry Interval (CONNECT resuming it, DISCONNECT), journaled. A session set to 0 ends with its
        /// connection (Disconnector.End): it is no longer persistent, and its SessionClear is written now, so that a
        /// restart before then does not bring it back.
        /// </summary>
        internal void SetExpiry(Session s, uint expirySeconds)
        {
            if (s.ExpirySeconds == expirySeconds)
            {
                return;
            }
            s.ExpirySeconds = expirySeconds;
            if (!s.Persistent)
            {
                return;
            }
            if (expirySeconds != 0)
            {
                journal.SessionSaved(s);
            }
            else
            {
                journal.SessionDropped(s);
                s.Persistent = false;
            }
        }

        /// <summary>Discards the offline sessions whose expiry interval ran out (their SessionClear journaled), as evicted ones.</summary>
        internal void ExpireOffline()
        {
            for (int i = 0; i < sessions.Length; i++)
            {
                Session s = sessions[i];
                if (s.InUse && s.Expired(context.Now))
                {
                    context.Stats.SessionsExpired++;
                    if (context.Verbose) context.Info("session of " + s.ClientIdText() + " expired");
                    Discard(s);
                }
            }
        }

        /// <summary>Forgets a session: its subscriptions, queued and inflight messages, pending QoS 2 state.</summary>
        internal void Discard(Session s)
        {
            if (s.Persistent && s.InUse)
            {
                journal.SessionDropped(s);
            }
            if (SharedHandOff != null)
            {
                SharedHandOff.HandOffShared(s);
            }
            subscriptions.RemoveSession(s.Id);
            for (int i = 0; i < s.InflightCount; i++)
            {
                if (s.InflightMessage[i] >= 0)
                {
                    pool.Release(s.InflightMessage[i]);
                }
            }
            s.InflightCount = 0;
            ReleaseQueue(s);
            s.QueueHead = 0;
            s.ResetJournal();
            s.AwaitingReleaseCount = 0;
            s.LastPacketId = 0;
            s.RetainedPending = false;
            s.RetainedTurn = false;
            s.HasSubscriptionIds = false;
            if (EndObserver != null)
            {
                // With its subscriptions gone (its own will does not reach it) and its client id still known.
                EndObserver.SessionEnded(s);
            }
            s.InUse = false;
            s.ClientIdLength = 0;
            context.RetryBlockedPublishers();
        }

        /// <summary>Releases every queued message of a session.</summary>
        internal void ReleaseQueue(Session s)
        {
            while (s.QueueCount > 0)
            {
                int flags;
                ReleaseQueued(s.Dequeue(out flags));
            }
        }

        /// <summary>Releases a queued message's pool handle; a place a replay marked <see cref="Session.Done"/> has none.</summary>
        internal void ReleaseQueued(int message)
        {
            if (message != Session.Done)
            {
                pool.Release(message);
            }
        }

        /// <summary>The route stamps start again from 0 (the router's counter wrapped).</summary>
        internal void ResetRouteStamps()
        {
            for (int i = 0; i < sessions.Length; i++)
            {
                sessions[i].RouteStamp = 0;
            }
        }
    }
}
