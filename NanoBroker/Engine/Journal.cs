using NanoBroker.Messages;
using NanoBroker.Sessions;
using NanoBroker.Storage;

namespace NanoBroker
{
    /// <summary>
    /// What the records say: one method per change of durable state (a session saved or dropped, a subscription
    /// set or cleared, a retained message, a will, the messages a persistent session has not acknowledged), each
    /// appended through <see cref="StorageKeeper"/>, which decides when and whether they are written.
    /// </summary>
    internal sealed class Journal
    {
        private readonly StorageKeeper keeper;
        private readonly MessagePool pool;
        private readonly MessageCopy copy;
        private readonly EngineContext context;
        private readonly bool persistQueued;

        // Where a queued message is copied to be journaled: routing may be reading the message copy meanwhile
        // (a will being published reaches an offline session). Only with PersistQueuedMessages.
        private readonly byte[] queuedCopy;

        internal Journal(BrokerOptions options, StorageKeeper keeper, MessagePool pool, MessageCopy copy, EngineContext context)
        {
            this.keeper = keeper;
            this.pool = pool;
            this.copy = copy;
            this.context = context;
            persistQueued = options.PersistQueuedMessages;
            queuedCopy = persistQueued ? new byte[options.MaxPacketSize] : null;
        }

        /// <summary>A persistent session and who owns it.</summary>
        internal void SessionSaved(Session s)
        {
            byte[] owner = context.Access != null ? context.Access.UserName(s.Owner) : null;
            // Value: the session expiry interval (Session.Never for a 3.1.1 clean session 0), docs/record-format.md.
            Append(RecordKind.SessionSet, 0, 0, s.ExpirySeconds, s, owner, 0, owner == null ? 0 : owner.Length, null, 0, 0);
        }

        internal void SessionDropped(Session s)
        {
            Append(RecordKind.SessionClear, 0, 0, s, null, 0, 0, null, 0, 0);
        }

        /// <summary>The SubscriptionSet flag of a shared subscription (B then holds "$share/{ShareName}/{filter}").</summary>
        internal const int SharedFlag = 0x10;

        /// <summary>
        /// A subscription: <paramref name="flags"/> are its QoS, 5.0 options (SubscriptionTree.NoLocal, RetainAsPublished)
        /// and <see cref="SharedFlag"/>; Value its Subscription Identifier (0: none), docs/record-format.md.
        /// </summary>
        internal void SubscriptionSet(Session s, int flags, int identifier, byte[] filter, int start, int length)
        {
            Append(RecordKind.SubscriptionSet, flags, 0, (uint)identifier, s, filter, start, length, null, 0, 0);
        }

        internal void SubscriptionCleared(Session s, byte[] filter, int start, int length)
        {
            Append(RecordKind.SubscriptionClear, 0, 0, s, filter, start, length, null, 0, 0);
        }

        /// <summary>
        /// A retained message set; it replaces a pending record of the topic. At QoS 0 nobody waits for it. At QoS 1/2
        /// its PUBACK/PUBREC waits for it, unless StorageRetainedDelayMs is longer than the commit delay: then the
        /// setting trades the durability of the latest retained values for flash life (the board: one commit costs
        /// an erase, and 20 retained updates a minute at QoS 1 would wear the partition out in months).
        /// </summary>
        internal void RetainedSet(int qos, int message)
        {
            int topicLength = copy.CopyOut(message);
            int propertiesLength = pool.PropertiesLength(message);
            AppendRetained(RecordKind.RetainedSet, qos, qos, MessageExpiry.RecordValue(pool.ExpiresAt(message), context.Now), copy.Bytes, topicLength,
                propertiesLength, pool.PayloadLength(message));
        }

        /// <summary>A retained message as a compaction rewrites it (no pending record of its topic to replace).</summary>
        internal void RetainedRewritten(int message)
        {
            int topicLength = copy.CopyOut(message);
            int propertiesLength = pool.PropertiesLength(message);
            keeper.Append(true, RecordKind.RetainedSet, pool.Qos(message), 0, MessageExpiry.RecordValue(pool.ExpiresAt(message), context.Now), null, 0,
                copy.Bytes, 0, topicLength, copy.Bytes, topicLength, propertiesLength, copy.Bytes, topicLength + propertiesLength, pool.PayloadLength(message));
        }

        /// <summary>A retained message that expired (MQTT 5.0 Message Expiry Interval) left its topic: a tombstone, written without haste.</summary>
        internal void RetainedExpired(int message)
        {
            int topicLength = pool.TopicLength(message);
            pool.CopyOut(message, 0, copy.Bytes, 0, topicLength);
            RetainedCleared(0, copy.Bytes, 0, topicLength);
        }

        /// <summary>A retained message cleared (a tombstone), urgent as a set at <paramref name="qos"/> would be.</summary>
        internal void RetainedCleared(int qos, byte[] topic, int topicStart, int topicLength)
        {
            bool urgent = qos > 0 && context.Options.StorageRetainedDelayMs <= context.Options.StorageCommitDelayMs;
            if (keeper.Append(urgent, RecordKind.RetainedClear, 0, 0, 0, null, 0, topic, topicStart, topicLength, null, 0, 0, null, 0, 0))
            {
                keeper.CoalesceRetained();
            }
        }

        /// <summary>
        /// The will of session <paramref name="s"/> (key: its slot; A: its client id; D: the will properties; Value: the
        /// Will Delay Interval), published should the broker stop before it is.
        /// </summary>
        internal void WillSet(Session s, int will, bool retain, uint delaySeconds)
        {
            pool.CopyOut(will, 0, copy.Bytes, 0, pool.Length(will));
            keeper.Append(true, RecordKind.WillSet, pool.Qos(will) | (retain ? 0x04 : 0), s.Id, delaySeconds, s.ClientId, s.ClientIdLength,
                copy.Bytes, 0, pool.TopicLength(will), copy.Bytes, pool.PropertiesOffset(will), pool.PropertiesLength(will), copy.Bytes, pool.PayloadOffset(will), pool.PayloadLength(will));
        }

        /// <summary>The will of session slot <paramref name="slot"/> is gone (published or discarded); <paramref name="s"/> its session, or null for a restored will.</summary>
        internal void WillCleared(int slot, Session s)
        {
            Append(RecordKind.WillClear, 0, slot, s, null, 0, 0, null, 0, 0);
        }

        /// <summary>
        /// A QoS 1/2 message was queued for a session: journaled when the session is persistent and offline
        /// (PersistQueuedMessages); with storage full or failing it is kept in memory only, until the compaction
        /// that ends the state.
        /// </summary>
        internal void MessageQueued(Session s, int message, int publishFlags)
        {
            if (s.IsOnline || !s.Persistent || !keeper.Active || !persistQueued)
            {
                return;
            }
            if (keeper.Refuses)
            {
                keeper.KeptInMemory(QueuedRecordBytes(s, message));
            }
            else
            {
                Queued(s, message, publishFlags);
            }
        }

        /// <summary>
        /// The QoS 2 flow of a persistent session's outbound message reached PUBREC: the PUBREL is owed (kept with
        /// PersistQueuedMessages like the messages themselves).
        /// </summary>
        internal void ReleasePending(Session s, int packetId)
        {
            if (s.Persistent && persistQueued)
            {
                Append(RecordKind.ReleasePending, 0, packetId, s, null, 0, 0, null, 0, 0);
            }
        }

        /// <summary>The PUBCOMP of a persistent session's outbound QoS 2 message came.</summary>
        internal void ReleaseDone(Session s, int packetId)
        {
            if (s.Persistent && persistQueued)
            {
                Append(RecordKind.ReleaseDone, 0, packetId, s, null, 0, 0, null, 0, 0);
            }
        }

        /// <summary>A journaled message was acknowledged or dropped: after a restart it must not be queued again.</summary>
        internal void MessageDone(Session s, int ordinal)
        {
            if (ordinal >= 0)
            {
                Append(RecordKind.QueueDone, 0, ordinal, s, null, 0, 0, null, 0, 0);
            }
        }

        /// <summary>Once everything journaled for a session is delivered and acknowledged, its records are void.</summary>
        internal void QueueDrained(Session s)
        {
            if (s.JournaledQueued > 0 && s.QueueCount == 0 && s.InflightCount == 0)
            {
                QueueCleared(s);
            }
        }

        /// <summary>Every QueuedMessage record of the session is void.</summary>
        internal void QueueCleared(Session s)
        {
            Append(RecordKind.QueueClear, 0, 0, s, null, 0, 0, null, 0, 0);
            s.ResetJournal();
        }

        /// <summary>
        /// A persistent session going offline: what it has not acknowledged is journaled afresh, so it survives a
        /// restart like the messages queued while it is away.
        /// </summary>
        internal void SessionWentOffline(Session s)
        {
            if (!keeper.Active || !persistQueued || (s.QueueCount == 0 && s.InflightCount == 0))
            {
                return;
            }
            if (keeper.Refuses)
            {
                // Kept in memory only, the journaled ones as they are; the compaction that ends the state writes them.
                keeper.KeptInMemory(PendingRecordBytes(s));
                return;
            }
            if (s.JournaledQueued > 0)
            {
                QueueCleared(s);
            }
            Pending(s);
        }

        /// <summary>
        /// Journals a session's unacknowledged messages, inflight then queued, oldest first, numbering them from the
        /// session's first ordinal (no QueuedMessage record of it counts before).
        /// </summary>
        internal void Pending(Session s)
        {
            for (int q = 0; q < s.InflightCount; q++)
            {
                // A QoS 2 message whose PUBREC came has no bytes left: it is not journaled.
                s.InflightJournal[q] = s.InflightMessage[q] >= 0 ? s.JournaledQueued : -1;
                if (s.InflightMessage[q] >= 0)
                {
                    Queued(s, s.InflightMessage[q], s.InflightFlags[q]);
                }
            }
            s.JournalNext = s.JournaledQueued;
            for (int q = 0; q < s.QueueCount; q++)
            {
                int at = (s.QueueHead + q) % s.QueueMessage.Length;
                Queued(s, s.QueueMessage[at], s.QueueFlags[at]);
            }
        }

        /// <summary>The bytes of the QueuedMessage records <see cref="Pending"/> would write for a session.</summary>
        internal long PendingRecordBytes(Session s)
        {
            long bytes = 0;
            for (int q = 0; q < s.InflightCount; q++)
            {
                if (s.InflightMessage[q] >= 0)
                {
                    bytes += QueuedRecordBytes(s, s.InflightMessage[q]);
                }
            }
            for (int q = 0; q < s.QueueCount; q++)
            {
                int m = s.QueueMessage[(s.QueueHead + q) % s.QueueMessage.Length];
                if (m != Session.Done)
                {
                    bytes += QueuedRecordBytes(s, m);
                }
            }
            return bytes;
        }

        // A QoS 1/2 message queued for an offline persistent session (PersistQueuedMessages).
        private void Queued(Session s, int message, int publishFlags)
        {
            // D: its properties; Value: the seconds of its expiry left (docs/record-format.md).
            int topicLength = pool.TopicLength(message);
            int propertiesLength = pool.PropertiesLength(message);
            pool.CopyOut(message, 0, queuedCopy, 0, pool.Length(message));
            keeper.Append(true, RecordKind.QueuedMessage, publishFlags, 0, MessageExpiry.RecordValue(pool.ExpiresAt(message), context.Now), s.ClientId, s.ClientIdLength,
                queuedCopy, 0, topicLength, queuedCopy, topicLength, propertiesLength, queuedCopy, topicLength + propertiesLength, pool.PayloadLength(message));
            s.JournaledQueued++;
        }

        private int QueuedRecordBytes(Session s, int message)
        {
            return Record.SizeOf(s.ClientIdLength, pool.TopicLength(message), pool.PropertiesLength(message), pool.PayloadLength(message));
        }

        // A retained record from a message's bytes (topic at 0, then properties, then payload).
        private void AppendRetained(int kind, int qos, int flags, uint value, byte[] bytes, int topicLength, int propertiesLength, int payloadLength)
        {
            bool urgent = qos > 0 && context.Options.StorageRetainedDelayMs <= context.Options.StorageCommitDelayMs;
            if (keeper.Append(urgent, kind, flags, 0, value, null, 0, bytes, 0, topicLength, bytes, topicLength, propertiesLength, bytes, topicLength + propertiesLength, payloadLength))
            {
                keeper.CoalesceRetained();
            }
        }

        // Appends a record something may wait for; the session (or null) supplies the client id field.
        private void Append(int kind, int flags, int key, Session s, byte[] b, int bStart, int bLength, byte[] c, int cStart, int cLength)
        {
            Append(kind, flags, key, Record.DefaultValue(kind), s, b, bStart, bLength, c, cStart, cLength);
        }

        private void Append(int kind, int flags, int key, uint value, Session s, byte[] b, int bStart, int bLength, byte[] c, int cStart, int cLength)
        {
            keeper.Append(true, kind, flags, key, value, s == null ? null : s.ClientId, s == null ? 0 : s.ClientIdLength, b, bStart, bLength, null, 0, 0, c, cStart, cLength);
        }
    }
}
