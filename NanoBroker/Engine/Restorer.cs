using NanoBroker.Messages;
using NanoBroker.Protocol;
using NanoBroker.Routing;
using NanoBroker.Security;
using NanoBroker.Sessions;
using NanoBroker.Storage;

namespace NanoBroker
{
    /// <summary>
    /// Replays the log's records into the engine's parts through their own methods, then makes the restored state
    /// meet this start's rules: queued messages marked done leave their queues, and access rules apply anew.
    /// </summary>
    internal sealed class Restorer : IRecordSink
    {
        private readonly SessionTable sessions;
        private readonly SubscriptionTree subscriptions;
        private readonly RetainedTree retained;
        private readonly MessagePool pool;
        private readonly OutboundFlow flow;
        private readonly Wills wills;
        private readonly Journal journal;
        private readonly MessageCopy copy;
        private readonly EngineContext context;

        internal Restorer(SessionTable sessions, SubscriptionTree subscriptions, RetainedTree retained, MessagePool pool, OutboundFlow flow, Wills wills, Journal journal, MessageCopy copy, EngineContext context)
        {
            this.sessions = sessions;
            this.subscriptions = subscriptions;
            this.retained = retained;
            this.pool = pool;
            this.flow = flow;
            this.wills = wills;
            this.journal = journal;
            this.copy = copy;
            this.context = context;
        }

        /// <summary>Applies one replayed record.</summary>
        public void Apply(RecordView r)
        {
            byte[] b = r.Buffer;
            switch (r.Kind)
            {
                case RecordKind.RetainedSet:
                    RestoreRetained(r);
                    return;
                case RecordKind.RetainedClear:
                    retained.Clear(b, r.BStart, r.BLength);
                    return;
                case RecordKind.WillSet:
                    wills.Restore(r);
                    return;
                case RecordKind.WillClear:
                    wills.RestoreCleared(r.Key);
                    return;
                case RecordKind.SessionSet:
                    // Value: the expiry interval (Session.Never, or seconds counted anew from this restart: the board
                    // has no trusted clock). A later SessionSet of the same client (DISCONNECT changed it) updates it.
                    Session known = sessions.Find(b, r.AStart, r.ALength);
                    if (known != null)
                    {
                        known.ExpirySeconds = r.Value == 0 ? Session.Never : r.Value;
                    }
                    else if (r.ALength <= context.Options.MaxClientIdBytes)
                    {
                        sessions.New(b, r.AStart, r.ALength, r.Value == 0 ? Session.Never : r.Value, OwnerOf(r));
                    }
                    return;
            }
            // The other records are of a session: one the log no longer has (or never had) is skipped.
            Session s = sessions.Find(b, r.AStart, r.ALength);
            if (s == null)
            {
                return;
            }
            switch (r.Kind)
            {
                case RecordKind.SessionClear:
                    sessions.Discard(s);
                    break;
                case RecordKind.SubscriptionSet:
                    RestoreSubscription(s, r);
                    break;
                case RecordKind.SubscriptionClear:
                    int found = subscriptions.Find(s.Id, b, r.BStart, r.BLength);
                    if (found >= 0)
                    {
                        subscriptions.Remove(found);
                    }
                    break;
                case RecordKind.QueuedMessage:
                    RestoreQueued(s, r);
                    break;
                case RecordKind.QueueClear:
                    sessions.ReleaseQueue(s);
                    s.ResetJournal();
                    break;
                case RecordKind.QueueDone:
                    flow.RestoreDone(s, r.Key);
                    break;
                case RecordKind.ReleasePending:
                    flow.RestoreRelease(s, r.Key);
                    break;
                case RecordKind.ReleaseDone:
                    flow.RestoreReleaseDone(s, r.Key);
                    break;
            }
        }

        /// <summary>
        /// After replay: the messages marked done leave their queues, and a queue that lost any is journaled afresh,
        /// so that the journaled messages are again the first of the queue, numbered in order.
        /// </summary>
        internal void SettleQueues()
        {
            bool persist = context.Options.PersistQueuedMessages;
            for (int i = 0; i < sessions.Length; i++)
            {
                Session s = sessions.At(i);
                if (!s.InUse || s.JournaledQueued == 0)
                {
                    continue;
                }
                if (flow.DropDone(s) || !persist)
                {
                    // With PersistQueuedMessages off now, the records are voided: the messages stay in memory only.
                    journal.QueueCleared(s);
                    if (persist)
                    {
                        journal.Pending(s);
                    }
                }
            }
        }

        /// <summary>
        /// After replay, the state meets the rules of this start: a session whose owner is no longer a user is
        /// dropped, and a subscription the rules no longer grant its owner delivers nothing (it is kept, and
        /// checked again at the next start). Queued messages were checked as they were replayed.
        /// </summary>
        internal void ApplyAccess(AccessRecheck recheck)
        {
            AccessControl access = context.Access;
            if (access == null)
            {
                return;
            }
            for (int i = 0; i < sessions.Length; i++)
            {
                Session s = sessions.At(i);
                if (s.InUse && s.Owner == Session.OwnerGone)
                {
                    context.Warn("storage: the session of " + s.ClientIdText() + " was dropped: its user is not in the password file any more");
                    sessions.Discard(s);
                }
            }
            recheck.All("the access rules of this start do not grant it");
        }

        // The owner a SessionSet record names: a user index (a token identity's when tokens are on), Anonymous (no
        // name, or no access control), or OwnerGone for a user the password file no longer has.
        private int OwnerOf(RecordView r)
        {
            if (context.Access == null || r.BLength == 0)
            {
                return AccessControl.Anonymous;
            }
            int user = context.Access.FindUser(r.Buffer, r.BStart, r.BLength);
            if (user < 0 && context.Access.TokenUsers)
            {
                // A token identity's session: its rules claim comes back with its next token.
                user = context.Access.TokenUser(r.Buffer, r.BStart, r.BLength);
            }
            return user >= 0 ? user : Session.OwnerGone;
        }

        private void RestoreSubscription(Session s, RecordView r)
        {
            int qos = r.Flags & 0x03;
            int options = r.Flags & (SubscriptionTree.NoLocal | SubscriptionTree.RetainAsPublished);
            int identifier = (int)r.Value;
            bool shared = (r.Flags & Journal.SharedFlag) != 0;
            int shareStart = 0, shareLength = 0, filterStart = r.BStart, filterLength = r.BLength;
            if (shared && !TopicSyntax.SplitShared(r.Buffer, r.BStart, r.BLength, out shareStart, out shareLength, out filterStart, out filterLength))
            {
                context.Warn("storage: an invalid shared subscription was dropped");
                return;
            }
            int shareCount = shareStart + shareLength - r.BStart;
            int entry = shared ? subscriptions.FindShared(s.Id, r.Buffer, r.BStart, shareCount, r.Buffer, filterStart, filterLength)
                : subscriptions.Find(s.Id, r.Buffer, r.BStart, r.BLength);
            if (entry >= 0)
            {
                subscriptions.SetQos(entry, qos);
            }
            else if ((entry = shared ? subscriptions.AddShared(s.Id, r.Buffer, r.BStart, shareCount, r.Buffer, filterStart, filterLength, qos)
                : subscriptions.Add(s.Id, r.Buffer, r.BStart, r.BLength, qos)) < 0)
            {
                context.Warn("storage: a subscription did not fit the subscription limits and was dropped");
                return;
            }
            subscriptions.SetOptions(entry, options, identifier);
            if (identifier != 0)
            {
                s.HasSubscriptionIds = true;
            }
        }

        // A message dropped keeps its place as Done, so that the ordinals of the records after it still match the queue.
        private void RestoreQueued(Session s, RecordView r)
        {
            int m = Session.Done;
            if (context.Access != null && !context.Access.MayRead(s.Owner, s.ClientId, 0, s.ClientIdLength, r.Buffer, r.BStart, r.BLength))
            {
                context.Stats.MessagesDropped++;
                context.Warn("storage: a message queued for " + s.ClientIdText() + " was dropped: the access rules no longer let it read " + Utf8.GetString(r.Buffer, r.BStart, r.BLength));
            }
            else if ((m = StoreMessage(r, (r.Flags >> 1) & 0x03)) < 0)
            {
                context.Warn("storage: a queued message did not fit the message store and was dropped");
            }
            flow.RestoreQueued(s, m, r.Flags);
        }

        // A retained message that does not fit this start's limits leaves its topic without one, as when it
        // was published: an earlier value of the topic must not come back [MQTT-3.3.1-5].
        private void RestoreRetained(RecordView r)
        {
            int m = StoreMessage(r, r.Flags & 0x03);
            bool cleared;
            bool kept = m >= 0 && retained.Set(m, r.Buffer, r.BStart, r.BLength, out cleared);
            if (m >= 0)
            {
                pool.Release(m);
            }
            if (!kept)
            {
                retained.Clear(r.Buffer, r.BStart, r.BLength);
                context.Warn("storage: a retained message did not fit the retained limits and was dropped");
            }
        }

        // A retained or queued message record: topic B, properties D, payload C; Value the seconds of expiry left when
        // written, counted down anew from now (the board has no trusted clock), docs/record-format.md.
        private int StoreMessage(RecordView r, int qos)
        {
            return pool.Store(r.Buffer, r.BStart, r.BLength, r.Buffer, r.DStart, r.DLength, r.Buffer, r.CStart, r.CLength, qos,
                MessageExpiry.FromRecord(r.Value, context.Now));
        }
    }
}
