using NanoBroker.Protocol;
using NanoBroker.Routing;
using NanoBroker.Sessions;
using NanoBroker.Storage;

namespace NanoBroker
{
    // Durable state: retained messages, persistent sessions with their subscriptions, and the wills
    // of connected clients, kept as records in a RecordLog and replayed at start.
    public sealed partial class Broker
    {
        private RecordLog storage;

        // Where a queued message is copied to be journaled (the routing scratch may hold the topic being routed).
        private readonly byte[] queueRecordScratch;
        private bool restoring;
        private long firstPendingMs;
        private long nextCompactionBytes;

        /// <summary>
        /// Loads the state a log holds and keeps it up to date from then on; call once, before any
        /// connection. Wills of clients that were connected when the broker stopped are published.
        /// Returns a summary for the log; throws <see cref="System.InvalidOperationException"/> when the
        /// log cannot be read (another format version).
        /// </summary>
        public string Restore(RecordLog log)
        {
            string problem = log.Open();
            if (problem != null)
            {
                throw new System.InvalidOperationException(problem);
            }
            WillRestorer wills = new WillRestorer(this, connections.Length);
            restoring = true;
            long cut = log.Replay(new RecordReplayer(this, wills), new byte[options.StorageBatchBytes], new RecordView());
            restoring = false;
            storage = log;
            nextCompactionBytes = options.StorageCompactBytes;
            SettleRestoredQueues();
            ApplyAccessToRestored();
            int published = wills.PublishAll();
            CommitStorage();
            string summary = "restored " + retained.Count + " retained messages, " + SessionCount + " sessions, "
                + subscriptions.Count + " subscriptions; published " + published + " wills of clients connected at the last stop";
            if (cut > 0)
            {
                Warn("storage: cut " + cut + " bytes of torn or corrupt records off the end of " + RecordLog.FileName);
                summary += "; cut " + cut + " corrupt bytes";
            }
            return summary;
        }

        /// <summary>The edge calls this often: writes the pending records once they have waited StorageCommitDelayMs.</summary>
        public void CommitStorageIfDue(long nowMs)
        {
            now = nowMs;
            if (storage != null && storage.HasPending && now - firstPendingMs >= options.StorageCommitDelayMs)
            {
                CommitStorage();
                Settle();
            }
        }

        // Makes pending records durable, then lets the acknowledgements that waited for them go.
        private void CommitStorage()
        {
            storage.Commit();
            for (int i = 0; i < connections.Length; i++)
            {
                connections[i].Outbox.Release();
            }
            if (storage.Length > nextCompactionBytes)
            {
                Compact();
            }
        }

        // Rewrites the live state into a fresh log; the old one stays valid until the new one is complete.
        private void Compact()
        {
            storage.BeginCompaction();
            for (int i = 0; i < sessions.Length; i++)
            {
                Session s = sessions[i];
                if (!s.InUse || !s.Persistent)
                {
                    continue;
                }
                JournalSession(s);
                for (int e = 0; e < subscriptions.Count; e++)
                {
                    if (subscriptions.Session[e] == s.Id)
                    {
                        Journal(RecordKind.SubscriptionSet, subscriptions.Qos[e], 0, s, subscriptions.Arena, subscriptions.FilterStart[e], subscriptions.FilterLength[e], null, 0, 0);
                    }
                }
                if (s.JournaledQueued > 0)
                {
                    // What is still unacknowledged, oldest first; after a restart it is queued anew.
                    s.ResetJournal();
                    JournalPending(s);
                }
                for (int q = 0; q < s.InflightCount; q++)
                {
                    if (s.InflightState[q] == InflightState.ReleasePending || s.InflightState[q] == InflightState.AwaitingComplete)
                    {
                        JournalRelease(s, RecordKind.ReleasePending, s.InflightPacketId[q]);
                    }
                }
            }
            for (int slot = 0; slot < retained.SlotsUsed; slot++)
            {
                int m = retained.MessageAt(slot);
                if (m < 0)
                {
                    continue;
                }
                int topicLength = CopyToScratch(m);
                if (!Topic.IsSys(scratch, 0, topicLength))
                {
                    Journal(RecordKind.RetainedSet, pool.Qos(m), 0, null, scratch, 0, topicLength, scratch, topicLength, pool.PayloadLength(m));
                }
            }
            for (int i = 0; i < connections.Length; i++)
            {
                Connection c = connections[i];
                if (c.State == ConnectionState.Connected && c.Will >= 0)
                {
                    JournalWill(c, sessions[c.Session]);
                }
            }
            storage.EndCompaction();
            long live = storage.Length;
            nextCompactionBytes = live * 2 > options.StorageCompactBytes ? live * 2 : options.StorageCompactBytes;
            Warn("storage: compacted " + RecordLog.FileName + " to " + live + " bytes");
        }

        // Appends a record; the session (or null) supplies the client id field.
        private void Journal(int kind, int flags, int key, Session s, byte[] b, int bStart, int bLength, byte[] c, int cStart, int cLength)
        {
            if (storage == null || restoring)
            {
                return;
            }
            if (!storage.HasPending)
            {
                firstPendingMs = now;
            }
            storage.Append(kind, flags, key, s == null ? null : s.ClientId, 0, s == null ? 0 : s.ClientIdLength, b, bStart, bLength, c, cStart, cLength);
        }

        // A persistent session and who owns it.
        private void JournalSession(Session s)
        {
            byte[] owner = Access != null ? Access.UserName(s.Owner) : null;
            Journal(RecordKind.SessionSet, 0, 0, s, owner, 0, owner == null ? 0 : owner.Length, null, 0, 0);
        }

        // The QoS 2 flow of a persistent session's outbound message (ReleasePending at PUBREC, ReleaseDone at
        // PUBCOMP), kept with PersistQueuedMessages like the messages themselves.
        private void JournalRelease(Session s, int kind, int packetId)
        {
            if (s.Persistent && options.PersistQueuedMessages)
            {
                Journal(kind, 0, packetId, s, null, 0, 0, null, 0, 0);
            }
        }

        private void JournalWill(Connection c, Session s)
        {
            int topicLength = CopyToScratch(c.Will);
            Journal(RecordKind.WillSet, pool.Qos(c.Will) | (c.WillRetain ? 0x04 : 0), c.Id, s, scratch, 0, topicLength, scratch, topicLength, pool.PayloadLength(c.Will));
        }

        // A QoS 1/2 message queued for an offline persistent session (PersistQueuedMessages).
        private void JournalQueued(Session s, int message, int publishFlags)
        {
            int topicLength = pool.TopicLength(message);
            pool.CopyOut(message, 0, queueRecordScratch, 0, topicLength + pool.PayloadLength(message));
            Journal(RecordKind.QueuedMessage, publishFlags, 0, s, queueRecordScratch, 0, topicLength, queueRecordScratch, topicLength, pool.PayloadLength(message));
            s.JournaledQueued++;
        }

        // A persistent session going offline: what it has not acknowledged is journaled afresh, so it
        // survives a restart like the messages queued while it is away.
        private void JournalPendingOnDisconnect(Session s)
        {
            if (storage == null || !options.PersistQueuedMessages || (s.QueueCount == 0 && s.InflightCount == 0))
            {
                return;
            }
            if (s.JournaledQueued > 0)
            {
                Journal(RecordKind.QueueClear, 0, 0, s, null, 0, 0, null, 0, 0);
                s.ResetJournal();
            }
            JournalPending(s);
        }

        // Journals a session's unacknowledged messages, inflight then queued, oldest first, numbering them
        // from the session's first ordinal (no QueuedMessage record of it counts before).
        private void JournalPending(Session s)
        {
            for (int q = 0; q < s.InflightCount; q++)
            {
                // A QoS 2 message whose PUBREC came has no bytes left: it is not journaled.
                s.InflightJournal[q] = s.InflightMessage[q] >= 0 ? s.JournaledQueued : -1;
                if (s.InflightMessage[q] >= 0)
                {
                    JournalQueued(s, s.InflightMessage[q], s.InflightFlags[q]);
                }
            }
            s.JournalNext = s.JournaledQueued;
            for (int q = 0; q < s.QueueCount; q++)
            {
                int at = (s.QueueHead + q) % s.QueueMessage.Length;
                JournalQueued(s, s.QueueMessage[at], s.QueueFlags[at]);
            }
        }

        // A journaled message was acknowledged or dropped: after a restart it must not be queued again.
        private void JournalDone(Session s, int ordinal)
        {
            if (ordinal >= 0)
            {
                Journal(RecordKind.QueueDone, 0, ordinal, s, null, 0, 0, null, 0, 0);
            }
        }

        // Once everything journaled for a session is delivered and acknowledged, its records are void.
        private void JournalQueueDrained(Session s)
        {
            if (s.JournaledQueued > 0 && s.QueueCount == 0 && s.InflightCount == 0)
            {
                Journal(RecordKind.QueueClear, 0, 0, s, null, 0, 0, null, 0, 0);
                s.ResetJournal();
            }
        }

        // Copies a pooled message (topic, then payload) to scratch; returns the topic length.
        private int CopyToScratch(int message)
        {
            int topicLength = pool.TopicLength(message);
            pool.CopyOut(message, 0, scratch, 0, topicLength + pool.PayloadLength(message));
            return topicLength;
        }

        // The place in a queue of a message a QueueDone record marked during replay (or that did not fit the
        // message store); SettleRestoredQueues takes such places out after the replay.
        private const int Done = -1;

        // After replay: the messages marked done leave their queues, and a queue that lost any is journaled
        // afresh, so that the journaled messages are again the first of the queue, numbered in order.
        private void SettleRestoredQueues()
        {
            for (int i = 0; i < sessions.Length; i++)
            {
                Session s = sessions[i];
                if (!s.InUse || s.JournaledQueued == 0)
                {
                    continue;
                }
                int kept = 0;
                int count = s.QueueCount;
                for (int q = 0; q < count; q++)
                {
                    int flags;
                    int m = s.Dequeue(out flags);
                    if (m != Done)
                    {
                        s.Enqueue(m, flags);
                        kept++;
                    }
                }
                if (kept < count || !options.PersistQueuedMessages)
                {
                    // With PersistQueuedMessages off now, the records are voided: the messages stay in memory only.
                    Journal(RecordKind.QueueClear, 0, 0, s, null, 0, 0, null, 0, 0);
                    s.ResetJournal();
                    if (options.PersistQueuedMessages)
                    {
                        JournalPending(s);
                    }
                }
            }
        }

        // After replay, the state meets the rules of this start: a session whose owner is no longer a user is
        // dropped, and a subscription the rules no longer grant its owner delivers nothing (it is kept, and
        // checked again at the next start). Queued messages were checked as they were replayed.
        private void ApplyAccessToRestored()
        {
            if (Access == null)
            {
                return;
            }
            for (int i = 0; i < sessions.Length; i++)
            {
                if (sessions[i].InUse && sessions[i].Owner == Session.OwnerGone)
                {
                    Warn("storage: the session of " + ClientIdOf(sessions[i]) + " was dropped: its user is not in the password file any more");
                    DiscardSession(sessions[i]);
                }
            }
            for (int e = 0; e < subscriptions.Count; e++)
            {
                Session s = sessions[subscriptions.Session[e]];
                bool denied = !Access.MaySubscribe(s.Owner, s.ClientId, 0, s.ClientIdLength, subscriptions.Arena, subscriptions.FilterStart[e], subscriptions.FilterLength[e]);
                subscriptions.Denied[e] = denied;
                if (denied)
                {
                    Warn("storage: the subscription of " + ClientIdOf(s) + " to " + Utf8.GetString(subscriptions.Arena, subscriptions.FilterStart[e], subscriptions.FilterLength[e])
                        + " delivers nothing: the access rules no longer grant it");
                }
            }
        }

        // The owner a SessionSet record names: a user index, Anonymous (no name, or no access control), or
        // OwnerGone for a user the password file no longer has.
        private int OwnerOf(RecordView r)
        {
            if (Access == null || r.BLength == 0)
            {
                return Security.AccessControl.Anonymous;
            }
            int user = Access.FindUser(r.Buffer, r.BStart, r.BLength);
            return user >= 0 ? user : Session.OwnerGone;
        }

        // Applies replayed records to the engine's tables.
        private sealed class RecordReplayer : IRecordSink
        {
            private readonly Broker broker;
            private readonly WillRestorer wills;

            public RecordReplayer(Broker broker, WillRestorer wills)
            {
                this.broker = broker;
                this.wills = wills;
            }

            private void RestoreQueued(RecordView r)
            {
                Session s = broker.FindSession(r.Buffer, r.AStart, r.ALength);
                if (s == null)
                {
                    return;
                }
                int m = Done;
                if (broker.Access != null && !broker.Access.MayRead(s.Owner, s.ClientId, 0, s.ClientIdLength, r.Buffer, r.BStart, r.BLength))
                {
                    broker.Stats.MessagesDropped++;
                    broker.Warn("storage: a message queued for " + ClientIdOf(s) + " was dropped: the access rules no longer let it read " + Utf8.GetString(r.Buffer, r.BStart, r.BLength));
                }
                else if ((m = broker.pool.Store(r.Buffer, r.BStart, r.BLength, r.Buffer, r.CStart, r.CLength, (r.Flags >> 1) & 0x03)) < 0)
                {
                    broker.Warn("storage: a queued message did not fit the message store and was dropped");
                }
                // A message dropped keeps its place as Done, so that the ordinals of the records after it still
                // match the queue.
                if (s.QueueFull)
                {
                    // Replayed, every queued message is journaled: JournalNext is the ordinal of the head.
                    int dropped;
                    broker.ReleaseQueued(s.Dequeue(out dropped));
                    s.JournalNext++;
                }
                s.Enqueue(m, r.Flags);
                s.JournaledQueued++;
            }

            // A retained message that does not fit this start's limits leaves its topic without one, as when it
            // was published: an earlier value of the topic must not come back [MQTT-3.3.1-5].
            private void RestoreRetained(RecordView r)
            {
                int m = broker.pool.Store(r.Buffer, r.BStart, r.BLength, r.Buffer, r.CStart, r.CLength, r.Flags & 0x03);
                bool cleared;
                bool kept = m >= 0 && broker.retained.Set(m, r.Buffer, r.BStart, r.BLength, out cleared);
                if (m >= 0)
                {
                    broker.pool.Release(m);
                }
                if (!kept)
                {
                    broker.retained.Clear(r.Buffer, r.BStart, r.BLength);
                    broker.Warn("storage: a retained message did not fit the retained limits and was dropped");
                }
            }

            // ReleasePending: the session owes the PUBREL of a packet identifier; it is sent when the session
            // comes back, before anything else [MQTT-4.4.0-1], and the identifier is not given to another message.
            private void RestoreRelease(RecordView r)
            {
                Session s = broker.FindSession(r.Buffer, r.AStart, r.ALength);
                if (s == null || s.FindInflight(r.Key) >= 0)
                {
                    return;
                }
                if (s.InflightCount == s.InflightMessage.Length)
                {
                    broker.Warn("storage: a PUBREL owed to " + ClientIdOf(s) + " is beyond this configuration's inflight window and was dropped");
                    return;
                }
                int i = s.InflightCount++;
                s.InflightMessage[i] = -1;
                s.InflightPacketId[i] = r.Key;
                s.InflightFlags[i] = QosTwoFlags;
                s.InflightState[i] = InflightState.AwaitingComplete;
                s.InflightJournal[i] = -1;
            }

            // QueueDone: the message of that ordinal, still queued, is marked done (-1) and left out afterwards.
            private void MarkDone(RecordView r)
            {
                Session s = broker.FindSession(r.Buffer, r.AStart, r.ALength);
                if (s == null || r.Key < s.JournalNext || r.Key >= s.JournaledQueued)
                {
                    return;
                }
                int at = (s.QueueHead + (r.Key - s.JournalNext)) % s.QueueMessage.Length;
                broker.ReleaseQueued(s.QueueMessage[at]);
                s.QueueMessage[at] = Done;
            }

            public void Apply(RecordView r)
            {
                byte[] b = r.Buffer;
                switch (r.Kind)
                {
                    case RecordKind.RetainedSet:
                        RestoreRetained(r);
                        break;
                    case RecordKind.RetainedClear:
                        broker.retained.Clear(b, r.BStart, r.BLength);
                        break;
                    case RecordKind.SessionSet:
                        if (broker.FindSession(b, r.AStart, r.ALength) == null && r.ALength <= broker.options.MaxClientIdBytes)
                        {
                            broker.NewSession(b, r.AStart, r.ALength, true, broker.OwnerOf(r));
                        }
                        break;
                    case RecordKind.SessionClear:
                        Session gone = broker.FindSession(b, r.AStart, r.ALength);
                        if (gone != null)
                        {
                            broker.DiscardSession(gone);
                        }
                        break;
                    case RecordKind.SubscriptionSet:
                        Session s = broker.FindSession(b, r.AStart, r.ALength);
                        if (s != null)
                        {
                            int entry = broker.subscriptions.Find(s.Id, b, r.BStart, r.BLength);
                            if (entry >= 0)
                            {
                                broker.subscriptions.Qos[entry] = (byte)(r.Flags & 0x03);
                            }
                            else if (broker.subscriptions.Add(s.Id, b, r.BStart, r.BLength, r.Flags & 0x03) < 0)
                            {
                                broker.Warn("storage: a subscription did not fit the subscription table and was dropped");
                            }
                        }
                        break;
                    case RecordKind.SubscriptionClear:
                        Session owner = broker.FindSession(b, r.AStart, r.ALength);
                        int found = owner == null ? -1 : broker.subscriptions.Find(owner.Id, b, r.BStart, r.BLength);
                        if (found >= 0)
                        {
                            broker.subscriptions.RemoveAt(found);
                        }
                        break;
                    case RecordKind.QueuedMessage:
                        RestoreQueued(r);
                        break;
                    case RecordKind.QueueClear:
                        Session drained = broker.FindSession(b, r.AStart, r.ALength);
                        if (drained != null)
                        {
                            broker.ReleaseQueue(drained);
                            drained.ResetJournal();
                        }
                        break;
                    case RecordKind.QueueDone:
                        MarkDone(r);
                        break;
                    case RecordKind.ReleasePending:
                        RestoreRelease(r);
                        break;
                    case RecordKind.ReleaseDone:
                        Session released = broker.FindSession(b, r.AStart, r.ALength);
                        int inflight = released == null ? -1 : released.FindInflight(r.Key);
                        if (inflight >= 0)
                        {
                            released.RemoveInflight(inflight);
                        }
                        break;
                    case RecordKind.WillSet:
                        wills.Set(r);
                        break;
                    case RecordKind.WillClear:
                        wills.Clear(r.Key);
                        break;
                }
            }
        }

        // The wills found in the log, by the connection slot they belonged to, until published.
        private sealed class WillRestorer
        {
            private readonly Broker broker;
            private readonly int[] messages;
            private readonly bool[] retain;

            public WillRestorer(Broker broker, int slots)
            {
                this.broker = broker;
                messages = new int[slots];
                retain = new bool[slots];
                for (int i = 0; i < slots; i++)
                {
                    messages[i] = -1;
                }
            }

            public void Set(RecordView r)
            {
                if (r.Key >= messages.Length)
                {
                    broker.Warn("storage: the will of connection slot " + r.Key + " is beyond this configuration's slots and was dropped");
                    return;
                }
                Clear(r.Key);
                messages[r.Key] = broker.pool.Store(r.Buffer, r.BStart, r.BLength, r.Buffer, r.CStart, r.CLength, r.Flags & 0x03);
                retain[r.Key] = (r.Flags & 0x04) != 0;
            }

            public void Clear(int key)
            {
                if (key < messages.Length && messages[key] >= 0)
                {
                    broker.pool.Release(messages[key]);
                    messages[key] = -1;
                }
            }

            // Publishes every will still set (its client never sent DISCONNECT) and records it as gone.
            public int PublishAll()
            {
                int published = 0;
                for (int key = 0; key < messages.Length; key++)
                {
                    int will = messages[key];
                    if (will < 0)
                    {
                        continue;
                    }
                    broker.RouteStoredMessage(will, retain[key]);
                    broker.Journal(RecordKind.WillClear, 0, key, null, null, 0, 0, null, 0, 0);
                    Clear(key);
                    published++;
                }
                return published;
            }
        }
    }
}
