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

        // Full or failing storage (StorageState). liveBound is at least the bytes a compaction would write now:
        // exact after MeasureLive or a compaction, then raised by every record appended and every change kept in
        // memory only. Between two failures, the broker retries every StorageRetryMs.
        private StorageState storageState;
        private long liveBound;
        private long nextStorageRetryMs;

        // A batch was lost (the backend failed, or its records did not fit the bounds): the connections whose
        // acknowledgements waited for it are closed without them at the end of the call (CloseWithheld).
        private bool closeWithheld;
        private int lostBatches;

        // The log could not be read whole at start: it is kept as it is (never replaced) until a restart reads it.
        private bool keepUnreadLog;

        // MeasureLive: Journal adds up record sizes instead of appending.
        private bool measuring;
        private long measuredBytes;

        // Storage steps run by Store, the one place that catches what the backend throws.
        private const int StepOpen = 0;
        private const int StepReplay = 1;
        private const int StepCommit = 2;
        private const int StepCompact = 3;
        private const int StepDeleteCompaction = 4;

        /// <summary>How long a full or failing storage waits before the broker tries again to write (or to leave the full state).</summary>
        public const int StorageRetryMs = 30000;

        /// <summary>Whether durable state is being kept (see <see cref="NanoBroker.StorageState"/>): ok without storage too.</summary>
        public StorageState StorageState { get { return storageState; } }

        // Pending records something waits for (an acknowledgement held back, a CONNACK) are written within
        // StorageCommitDelayMs of the first; retained messages published at QoS 0, which nobody waits for, within
        // StorageRetainedDelayMs (hardware/README.md, "Flash budget": each commit costs the board's flash an erase).
        private bool urgentPending;
        private long firstUrgentMs;
        // Urgent records journaled since start: a packet that adds one holds its acknowledgement back.
        private int urgentJournaled;

        /// <summary>
        /// Loads the state a log holds and keeps it up to date from then on; call once, before any
        /// connection. Wills of clients that were connected when the broker stopped are published.
        /// Returns a summary for the log; throws <see cref="System.InvalidOperationException"/> when the
        /// log cannot be read (another format version). A backend that fails (a full or failing file system)
        /// does not stop the broker: it starts in the failing state with what it could read.
        /// </summary>
        public string Restore(RecordLog log)
        {
            storage = log;
            WillRestorer wills = new WillRestorer(this, connections.Length);
            restoring = true;
            replayWills = wills;
            Store(StepOpen);
            if (openProblem != null)
            {
                restoring = false;
                storage = null;
                throw new System.InvalidOperationException(openProblem);
            }
            if (storageState != StorageState.Failing)
            {
                Store(StepReplay);
            }
            replayWills = null;
            restoring = false;
            nextCompactionBytes = options.StorageCompactBytes;
            liveBound = log.Length + Record.Overhead;
            SettleRestoredQueues();
            ApplyAccessToRestored();
            int published = wills.PublishAll();
            // Format upgrade: a version 1 log is never appended to; it is compacted at once (rewritten as version 2,
            // each record 6 bytes larger, hence measured). If that fails, the storage fails and a retry compacts it.
            if (log.NeedsUpgrade)
            {
                liveBound = MeasureLive();
                nextCompactionBytes = 0;
            }
            CommitStorage();
            string summary = "restored " + retained.Count + " retained messages, " + SessionCount + " sessions, "
                + subscriptions.Count + " subscriptions; published " + published + " wills of clients connected at the last stop";
            if (replayCut > 0)
            {
                Warn("storage: cut " + replayCut + " bytes of torn or corrupt records off the end of " + RecordLog.FileName);
                summary += "; cut " + replayCut + " corrupt bytes";
            }
            if (storageState != StorageState.Ok)
            {
                summary += "; storage " + StateName(storageState);
            }
            return summary;
        }

        // What Open and Replay report, kept by Store.
        private string openProblem;
        private long replayCut;
        private WillRestorer replayWills;

        /// <summary>The edge calls this often: writes the pending records once they have waited StorageCommitDelayMs.</summary>
        public void CommitStorageIfDue(long nowMs)
        {
            now = nowMs;
            if (now >= NextStorageCommitMs)
            {
                CommitStorage();
                Settle();
            }
        }

        /// <summary>
        /// When <see cref="CommitStorageIfDue"/> next has work, in the milliseconds of the clock the edge passes in:
        /// long.MaxValue when nothing is pending (or storage is failing, when only <see cref="Tick"/> retries).
        /// The edge may sleep until then without delaying an acknowledgement held back for a commit. Allocation-free.
        /// </summary>
        public long NextStorageCommitMs
        {
            get
            {
                if (storage == null || storageState == StorageState.Failing || !storage.HasPending)
                {
                    return long.MaxValue;
                }
                int lazy = options.StorageRetainedDelayMs > options.StorageCommitDelayMs ? options.StorageRetainedDelayMs : options.StorageCommitDelayMs;
                long due = firstPendingMs + lazy;
                if (urgentPending && firstUrgentMs + options.StorageCommitDelayMs < due)
                {
                    due = firstUrgentMs + options.StorageCommitDelayMs;
                }
                return due;
            }
        }

        /// <summary>
        /// The one place where what the storage backend throws (an IOException of a full file system, or any
        /// other) is caught: runs one step and returns true, or reports the failure (StorageFailed) and returns false.
        /// </summary>
        private bool Store(int step)
        {
            try
            {
                switch (step)
                {
                    case StepOpen: openProblem = storage.Open(); break;
                    case StepReplay: replayCut = storage.Replay(new RecordReplayer(this, replayWills), new byte[options.StorageBatchBytes], new RecordView()); break;
                    case StepCommit: storage.Commit(); break;
                    case StepCompact: Compact(); break;
                    case StepDeleteCompaction: storage.DeleteCompactionFile(); break;
                }
                return true;
            }
            catch (System.Exception e)
            {
                StorageFailed(step, e);
                return false;
            }
        }

        // The backend failed: the batch is lost, the log damaged; the broker goes on without writing (Failing).
        private void StorageFailed(int step, System.Exception e)
        {
            Stats.StorageFailures++;
            if (restoring && storage.Unread)
            {
                keepUnreadLog = true;
            }
            bool deleteCompaction = storage.Abandon();
            EnterFailing(StepName(step) + " failed: " + e.Message);
            if (deleteCompaction && step != StepDeleteCompaction)
            {
                // Its incomplete file would hold room a full file system needs back (the Wi-Fi configuration on a board).
                Store(StepDeleteCompaction);
            }
        }

        // A batch cannot be written within MaxStorageBytes (one packet's records took more than the room left).
        private void LoseBatch(string reason)
        {
            storage.Discard();
            EnterFailing(reason);
        }

        // From now on nothing is written until a compaction rewrites the log from memory (RetryStorageIfDue).
        private void EnterFailing(string reason)
        {
            // The batch is gone, its urgent records with it: nothing waits for a commit any more.
            urgentPending = false;
            lostBatches++;
            closeWithheld = true;
            nextStorageRetryMs = now + StorageRetryMs;
            if (storageState == StorageState.Failing)
            {
                return;
            }
            storageState = StorageState.Failing;
            Warn("storage: " + reason + "; " + RecordLog.FileName + " is not written until it can be rewritten whole"
                + (keepUnreadLog ? " (not before a restart: it could not be read whole, and is kept as it is)" : " (tried every " + StorageRetryMs / 1000 + " s)")
                + "; meanwhile new retained messages, persistent sessions, wills and subscriptions of persistent sessions are refused, and changes are kept in memory only");
        }

        // A failure lost the records some acknowledgements waited for: those connections are closed without them
        // (a client whose packets changed stored state but wait for no acknowledgement, QoS 0, goes on).
        private void CloseWithheld()
        {
            closeWithheld = false;
            for (int i = 0; i < connections.Length; i++)
            {
                Connection c = connections[i];
                if (c.State == ConnectionState.Free)
                {
                    continue;
                }
                bool withheld = c.Outbox.HeldBytes > 0;
                c.Outbox.DropHeld();
                if (withheld)
                {
                    End(c, true, "storage failed: what its last packets changed could not be made durable, so they are not acknowledged");
                }
            }
        }

        // True while new durable state is refused (StorageState Full or Failing).
        private bool StorageRefuses
        {
            get { return storageState != StorageState.Ok; }
        }

        // Makes pending records durable, then lets the acknowledgements that waited for them go; compacts when the
        // log reaches StorageCompactBytes, or when the bound needs it. Called between packets only (never inside a
        // handler, where memory may be ahead of the records not yet journaled).
        private void CommitStorage()
        {
            if (storageState == StorageState.Failing)
            {
                return;
            }
            long limit = options.MaxStorageBytes;
            long headroom = limit / 4;
            long after = storage.Length + storage.PendingBytes;
            if ((storageState == StorageState.Ok && liveBound > headroom) || after + liveBound + headroom > limit)
            {
                liveBound = MeasureLive();
            }
            bool written;
            if (after > nextCompactionBytes || after + liveBound + headroom > limit)
            {
                // The compacted log holds what the batch changed: the batch is not written first.
                if (storage.Length + liveBound > limit)
                {
                    LoseBatch("the live state (" + liveBound + " bytes) cannot be compacted beside " + RecordLog.FileName + " (" + storage.Length
                        + " bytes) within max_storage_bytes (" + limit + ")");
                    return;
                }
                written = Store(StepCompact);
            }
            else
            {
                written = Store(StepCommit);
            }
            if (!written)
            {
                return;
            }
            urgentPending = false;
            ReleaseHeldAcks();
            if (storageState == StorageState.Ok && liveBound > headroom)
            {
                storageState = StorageState.Full;
                nextStorageRetryMs = now + StorageRetryMs;
                Warn("storage: full: the live state takes " + liveBound + " bytes, over a quarter of max_storage_bytes (" + limit
                    + "); new retained messages, persistent sessions, wills and subscriptions of persistent sessions are refused until it takes an eighth or less");
            }
        }

        // What was written is durable: the acknowledgements held back for it go out.
        private void ReleaseHeldAcks()
        {
            for (int i = 0; i < connections.Length; i++)
            {
                connections[i].Outbox.Release();
            }
        }

        // Full or failing: every StorageRetryMs, measures the live state and, when it fits, rewrites the log (a
        // compaction): a failing log becomes whole again, and a full one leaves the state once it has shrunk to
        // an eighth of MaxStorageBytes. Called from Tick.
        private void RetryStorageIfDue()
        {
            if (storage == null || storageState == StorageState.Ok || now < nextStorageRetryMs || keepUnreadLog)
            {
                return;
            }
            nextStorageRetryMs = now + StorageRetryMs;
            long limit = options.MaxStorageBytes;
            liveBound = MeasureLive();
            if ((storageState == StorageState.Full && liveBound > limit / 8) || storage.Footprint + liveBound > limit)
            {
                return;
            }
            StorageState was = storageState;
            if (!Store(StepCompact))
            {
                return;
            }
            storageState = liveBound > limit / 4 ? StorageState.Full : StorageState.Ok;
            ReleaseHeldAcks();
            Warn("storage: " + (was == StorageState.Failing ? RecordLog.FileName + " written whole again" : "room again") + ": the live state takes "
                + liveBound + " bytes of max_storage_bytes (" + limit + "); " + (storageState == StorageState.Ok ? "durable state is accepted again" : "still full"));
        }

        // The bytes a compaction would write now, without writing: header, records, CompactionEnd.
        private long MeasureLive()
        {
            measuring = true;
            measuredBytes = 0;
            WriteLiveSet(true);
            measuring = false;
            return RecordLog.FileHeaderBytes + measuredBytes + Record.Overhead;
        }

        private static string StateName(StorageState state)
        {
            return state == StorageState.Ok ? "ok" : state == StorageState.Full ? "full" : "failing";
        }

        private static string StepName(int step)
        {
            switch (step)
            {
                case StepOpen: return "opening " + RecordLog.FileName;
                case StepReplay: return "reading " + RecordLog.FileName;
                case StepCommit: return "writing " + RecordLog.FileName;
                case StepCompact: return "compacting " + RecordLog.FileName;
                default: return "deleting " + RecordLog.CompactionFileName;
            }
        }

        // Rewrites the live state into a fresh log; the old one stays valid until the new one is complete.
        private void Compact()
        {
            storage.BeginCompaction();
            WriteLiveSet(false);
            storage.EndCompaction();
            long live = storage.Length;
            liveBound = live;
            nextCompactionBytes = live * 2 > options.StorageCompactBytes ? live * 2 : options.StorageCompactBytes;
            Warn("storage: compacted " + RecordLog.FileName + " to " + live + " bytes");
        }

        // The live state as records: journaled into the compaction file, or, with measure, only added up
        // (MeasureLive: nothing in the engine changes then).
        private void WriteLiveSet(bool measure)
        {
            for (int i = 0; i < sessions.Length; i++)
            {
                Session s = sessions[i];
                if (!s.InUse || !s.Persistent)
                {
                    continue;
                }
                JournalSession(s);
                for (int e = subscriptions.FirstOf(s.Id); e >= 0; e = subscriptions.NextOf(e))
                {
                    int filterLength = subscriptions.CopyFilter(e, scratch, 0);
                    Journal(RecordKind.SubscriptionSet, subscriptions.Qos[e], 0, s, scratch, 0, filterLength, null, 0, 0);
                }
                // What is still unacknowledged, oldest first; after a restart it is queued anew. An offline session
                // whose messages were kept in memory only (storage full or failing) has them written now.
                if (s.JournaledQueued > 0 || (options.PersistQueuedMessages && !s.IsOnline && (s.QueueCount > 0 || s.InflightCount > 0)))
                {
                    if (measure)
                    {
                        measuredBytes += PendingRecordBytes(s);
                    }
                    else
                    {
                        s.ResetJournal();
                        JournalPending(s);
                    }
                }
                for (int q = 0; q < s.InflightCount; q++)
                {
                    if (s.InflightState[q] == InflightState.ReleasePending || s.InflightState[q] == InflightState.AwaitingComplete)
                    {
                        JournalRelease(s, RecordKind.ReleasePending, s.InflightPacketId[q]);
                    }
                }
            }
            for (int node = retained.Next(RetainedTree.None); node >= 0; node = retained.Next(node))
            {
                int m = retained.MessageAt(node);
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
        }

        // The bytes of the QueuedMessage records JournalPending would write for a session.
        private long PendingRecordBytes(Session s)
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
                if (m != Done)
                {
                    bytes += QueuedRecordBytes(s, m);
                }
            }
            return bytes;
        }

        private int QueuedRecordBytes(Session s, int message)
        {
            return Record.SizeOf(s.ClientIdLength, pool.TopicLength(message), pool.PayloadLength(message));
        }

        // Appends a record something may wait for; the session (or null) supplies the client id field.
        private void Journal(int kind, int flags, int key, Session s, byte[] b, int bStart, int bLength, byte[] c, int cStart, int cLength)
        {
            JournalRecord(true, kind, flags, key, s, b, bStart, bLength, c, cStart, cLength);
        }

        // A retained message set or cleared; it replaces a pending record of the topic. At QoS 0 nobody waits for it.
        // At QoS 1/2 its PUBACK/PUBREC waits for it, unless StorageRetainedDelayMs is longer than the commit delay:
        // then the setting trades the durability of the latest retained values for flash life (the board: one
        // commit costs an erase, and 20 retained updates a minute at QoS 1 would wear the partition out in months).
        private void JournalRetained(int kind, int qos, byte[] topic, int topicStart, int topicLength, byte[] payload, int payloadStart, int payloadLength)
        {
            bool urgent = qos > 0 && options.StorageRetainedDelayMs <= options.StorageCommitDelayMs;
            if (JournalRecord(urgent, kind, kind == RecordKind.RetainedSet ? qos : 0, 0, null, topic, topicStart, topicLength, payload, payloadStart, payloadLength))
            {
                storage.CoalesceRetained();
            }
        }

        // Appends a record; false when nothing was appended. A full batch is committed first, without compacting
        // (the handler that journals may not be done changing memory); when that commit cannot keep the bound, or
        // fails, the batch is lost (Failing) and nothing more is appended. An urgent record is one something waits
        // for: it is written within StorageCommitDelayMs, the others within StorageRetainedDelayMs.
        private bool JournalRecord(bool urgent, int kind, int flags, int key, Session s, byte[] b, int bStart, int bLength, byte[] c, int cStart, int cLength)
        {
            int clientIdLength = s == null ? 0 : s.ClientIdLength;
            if (measuring)
            {
                measuredBytes += Record.SizeOf(clientIdLength, bLength, cLength);
                return false;
            }
            if (storage == null || restoring)
            {
                return false;
            }
            bool compacting = storage.Compacting;
            if (!compacting)
            {
                if (storageState == StorageState.Failing)
                {
                    return false;
                }
                int size = Record.SizeOf(clientIdLength, bLength, cLength);
                if (size > storage.Room)
                {
                    if (storage.Length + storage.PendingBytes + liveBound > options.MaxStorageBytes)
                    {
                        LoseBatch("the records of one packet took more than the room left within max_storage_bytes (" + options.MaxStorageBytes + ")");
                        return false;
                    }
                    if (!Store(StepCommit))
                    {
                        return false;
                    }
                }
                liveBound += size;
                if (!storage.HasPending)
                {
                    firstPendingMs = now;
                    urgentPending = false;
                }
                if (urgent)
                {
                    if (!urgentPending)
                    {
                        urgentPending = true;
                        firstUrgentMs = now;
                    }
                    urgentJournaled++;
                }
            }
            storage.Append(kind, flags, key, s == null ? null : s.ClientId, 0, clientIdLength, b, bStart, bLength, c, cStart, cLength);
            return true;
        }

        // A change of live state kept in memory only (storage full or failing): a later compaction may write it.
        private void KeptInMemory(long recordBytes)
        {
            liveBound += recordBytes;
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
            if (StorageRefuses)
            {
                // Kept in memory only, the journaled ones as they are; the compaction that ends the state writes them.
                KeptInMemory(PendingRecordBytes(s));
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
            for (int i = 0; i < sessions.Length; i++)
            {
                Session s = sessions[i];
                for (int e = subscriptions.FirstOf(s.Id); e >= 0; e = subscriptions.NextOf(e))
                {
                    int filterLength = subscriptions.CopyFilter(e, scratch, 0);
                    bool denied = !Access.MaySubscribe(s.Owner, s.ClientId, 0, s.ClientIdLength, scratch, 0, filterLength);
                    subscriptions.Denied[e] = denied;
                    if (denied)
                    {
                        Warn("storage: the subscription of " + ClientIdOf(s) + " to " + Utf8.GetString(scratch, 0, filterLength)
                            + " delivers nothing: the access rules no longer grant it");
                    }
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
                                broker.Warn("storage: a subscription did not fit the subscription limits and was dropped");
                            }
                        }
                        break;
                    case RecordKind.SubscriptionClear:
                        Session owner = broker.FindSession(b, r.AStart, r.ALength);
                        int found = owner == null ? -1 : broker.subscriptions.Find(owner.Id, b, r.BStart, r.BLength);
                        if (found >= 0)
                        {
                            broker.subscriptions.Remove(found);
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
