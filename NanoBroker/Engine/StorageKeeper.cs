using NanoBroker.Storage;

namespace NanoBroker
{
    /// <summary>
    /// When and whether records reach the log: the batch and its commit timing (urgent records within
    /// StorageCommitDelayMs, the rest within StorageRetainedDelayMs), the bound MaxStorageBytes, compaction, and the
    /// storage state (ok, full, failing) with its retries. The one place that catches what the backend throws.
    /// What the records say is <see cref="Journal"/>'s.
    /// </summary>
    internal sealed class StorageKeeper
    {
        // Storage steps run by Store, the one place that catches what the backend throws.
        private const int StepOpen = 0;
        private const int StepReplay = 1;
        private const int StepCommit = 2;
        private const int StepCompact = 3;
        private const int StepDeleteCompaction = 4;

        private readonly BrokerOptions options;
        private readonly EngineContext context;

        private RecordLog storage;
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
        // acknowledgements waited for it are closed without them at the end of the call (Broker.CloseWithheld).
        private bool closeWithheld;
        private int lostBatches;

        // The log could not be read whole at start: it is kept as it is (never replaced) until a restart reads it.
        private bool keepUnreadLog;

        // MeasureLive: Append adds up record sizes instead of appending.
        private bool measuring;
        private long measuredBytes;

        // Pending records something waits for (an acknowledgement held back, a CONNACK) are written within
        // StorageCommitDelayMs of the first; retained messages published at QoS 0, which nobody waits for, within
        // StorageRetainedDelayMs (hardware/README.md, "Flash budget": each commit costs the board's flash an erase).
        private bool urgentPending;
        private long firstUrgentMs;
        // Urgent records journaled since start: a packet that adds one holds its acknowledgement back.
        private int urgentJournaled;

        // What Open and Replay report, kept by Store; the replay's sink and the live state a compaction writes.
        private string openProblem;
        private long replayCut;
        private IRecordSink replaySink;
        private LiveSet compacted;

        internal StorageKeeper(BrokerOptions options, EngineContext context)
        {
            this.options = options;
            this.context = context;
        }

        /// <summary>True once a log was given (Broker.Restore); without one nothing is journaled.</summary>
        internal bool Active { get { return storage != null; } }

        internal StorageState State { get { return storageState; } }

        /// <summary>True while new durable state is refused (StorageState Full or Failing).</summary>
        internal bool Refuses { get { return storageState != StorageState.Ok; } }

        /// <summary>True while a compaction's live set is only added up (nothing in the engine changes then).</summary>
        internal bool Measuring { get { return measuring; } }

        /// <summary>Urgent records appended since start: a packet that adds one waits for the commit.</summary>
        internal int UrgentJournaled { get { return urgentJournaled; } }

        /// <summary>Batches lost since start: a packet handled while one was lost is never acknowledged.</summary>
        internal int LostBatches { get { return lostBatches; } }

        /// <summary>An urgent record waits for the commit now.</summary>
        internal bool UrgentPending { get { return urgentPending; } }

        /// <summary>The bytes the log takes on the backend.</summary>
        internal long Footprint { get { return storage.Footprint; } }

        /// <summary>Bytes cut off the log's end at the replay (torn or corrupt records).</summary>
        internal long ReplayCut { get { return replayCut; } }

        /// <summary>Opens the log for a restore: records are not appended until <see cref="Restored"/>. Throws when it cannot be read.</summary>
        internal void Open(RecordLog log)
        {
            storage = log;
            restoring = true;
            Store(StepOpen);
            if (openProblem != null)
            {
                restoring = false;
                storage = null;
                throw new System.InvalidOperationException(openProblem);
            }
        }

        /// <summary>Replays the log's records into <paramref name="sink"/> (unless storage is already failing).</summary>
        internal void Replay(IRecordSink sink)
        {
            if (storageState == StorageState.Failing)
            {
                return;
            }
            replaySink = sink;
            Store(StepReplay);
            replaySink = null;
        }

        /// <summary>The replay is over: from now on changes are journaled.</summary>
        internal void Restored()
        {
            restoring = false;
            nextCompactionBytes = options.StorageCompactBytes;
            liveBound = storage.Length + Record.Overhead;
        }

        /// <summary>
        /// A version 1 log is never appended to: it is compacted at the next commit (rewritten as version 2, each
        /// record 6 bytes larger, hence measured). If that fails, the storage fails and a retry compacts it.
        /// </summary>
        internal void UpgradeIfNeeded(LiveSet live)
        {
            if (storage != null && storage.NeedsUpgrade)
            {
                liveBound = MeasureLive(live);
                nextCompactionBytes = 0;
            }
        }

        /// <summary>
        /// When a commit is next due, in the edge's milliseconds: long.MaxValue when nothing is pending (or storage
        /// is failing, when only <see cref="RetryIfDue"/> retries). Allocation-free.
        /// </summary>
        internal long NextCommitMs
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

        /// <summary>True once after a batch was lost: the connections whose acknowledgements wait are closed without them.</summary>
        internal bool TakeCloseWithheld()
        {
            bool withheld = closeWithheld;
            closeWithheld = false;
            return withheld;
        }

        /// <summary>
        /// Appends a record; false when nothing was appended. A full batch is committed first, without compacting
        /// (the handler that journals may not be done changing memory); when that commit cannot keep the bound, or
        /// fails, the batch is lost (Failing) and nothing more is appended. An urgent record is one something waits
        /// for: it is written within StorageCommitDelayMs, the others within StorageRetainedDelayMs.
        /// </summary>
        internal bool Append(bool urgent, int kind, int flags, int key, uint value, byte[] a, int aLength, byte[] b, int bStart, int bLength, byte[] d, int dStart, int dLength, byte[] c, int cStart, int cLength)
        {
            if (measuring)
            {
                measuredBytes += Record.SizeOf(aLength, bLength, dLength, cLength);
                return false;
            }
            if (storage == null || restoring)
            {
                return false;
            }
            if (!storage.Compacting)
            {
                if (storageState == StorageState.Failing)
                {
                    return false;
                }
                int size = Record.SizeOf(aLength, bLength, dLength, cLength);
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
                    firstPendingMs = context.Now;
                    urgentPending = false;
                }
                if (urgent)
                {
                    if (!urgentPending)
                    {
                        urgentPending = true;
                        firstUrgentMs = context.Now;
                    }
                    urgentJournaled++;
                }
            }
            storage.Append(kind, flags, key, value, a, 0, aLength, b, bStart, bLength, d, dStart, dLength, c, cStart, cLength);
            return true;
        }

        /// <summary>A retained record just appended replaces a pending record of the same topic.</summary>
        internal void CoalesceRetained()
        {
            storage.CoalesceRetained();
        }

        /// <summary>A change of live state kept in memory only (storage full or failing): a later compaction may write it.</summary>
        internal void KeptInMemory(long recordBytes)
        {
            liveBound += recordBytes;
        }

        /// <summary>While measuring, bytes a compaction would write besides the records appended.</summary>
        internal void Measured(long bytes)
        {
            measuredBytes += bytes;
        }

        /// <summary>
        /// Makes pending records durable (compacting when the log reaches StorageCompactBytes, or when the bound
        /// needs it, writing <paramref name="live"/>); true when the acknowledgements that waited may go. Called
        /// between packets only (never inside a handler, where memory may be ahead of the records not yet journaled).
        /// </summary>
        internal bool Commit(LiveSet live)
        {
            if (storageState == StorageState.Failing)
            {
                return false;
            }
            long limit = options.MaxStorageBytes;
            long headroom = limit / 4;
            long after = storage.Length + storage.PendingBytes;
            if ((storageState == StorageState.Ok && liveBound > headroom) || after + liveBound + headroom > limit)
            {
                liveBound = MeasureLive(live);
            }
            bool written;
            if (after > nextCompactionBytes || after + liveBound + headroom > limit)
            {
                // The compacted log holds what the batch changed: the batch is not written first.
                if (storage.Length + liveBound > limit)
                {
                    LoseBatch("the live state (" + liveBound + " bytes) cannot be compacted beside " + RecordLog.FileName + " (" + storage.Length
                        + " bytes) within max_storage_bytes (" + limit + ")");
                    return false;
                }
                written = Compact(live);
            }
            else
            {
                written = Store(StepCommit);
            }
            if (!written)
            {
                return false;
            }
            urgentPending = false;
            if (storageState == StorageState.Ok && liveBound > headroom)
            {
                storageState = StorageState.Full;
                nextStorageRetryMs = context.Now + Broker.StorageRetryMs;
                context.Warn("storage: full: the live state takes " + liveBound + " bytes, over a quarter of max_storage_bytes (" + limit
                    + "); new retained messages, persistent sessions, wills and subscriptions of persistent sessions are refused until it takes an eighth or less");
            }
            return true;
        }

        /// <summary>
        /// Full or failing: every StorageRetryMs, measures the live state and, when it fits, rewrites the log (a
        /// compaction): a failing log becomes whole again, and a full one leaves the state once it has shrunk to
        /// an eighth of MaxStorageBytes. True when it did, and the acknowledgements held back may go.
        /// </summary>
        internal bool RetryIfDue(LiveSet live)
        {
            if (storage == null || storageState == StorageState.Ok || context.Now < nextStorageRetryMs || keepUnreadLog)
            {
                return false;
            }
            nextStorageRetryMs = context.Now + Broker.StorageRetryMs;
            long limit = options.MaxStorageBytes;
            liveBound = MeasureLive(live);
            if ((storageState == StorageState.Full && liveBound > limit / 8) || storage.Footprint + liveBound > limit)
            {
                return false;
            }
            StorageState was = storageState;
            if (!Compact(live))
            {
                return false;
            }
            storageState = liveBound > limit / 4 ? StorageState.Full : StorageState.Ok;
            context.Warn("storage: " + (was == StorageState.Failing ? RecordLog.FileName + " written whole again" : "room again") + ": the live state takes "
                + liveBound + " bytes of max_storage_bytes (" + limit + "); " + (storageState == StorageState.Ok ? "durable state is accepted again" : "still full"));
            return true;
        }

        internal static string StateName(StorageState state)
        {
            return state == StorageState.Ok ? "ok" : state == StorageState.Full ? "full" : "failing";
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
                    case StepReplay: replayCut = storage.Replay(replaySink, new byte[options.StorageBatchBytes], new RecordView()); break;
                    case StepCommit: storage.Commit(); break;
                    case StepCompact: WriteCompaction(); break;
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
            context.Stats.StorageFailures++;
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

        // From now on nothing is written until a compaction rewrites the log from memory (RetryIfDue).
        private void EnterFailing(string reason)
        {
            // The batch is gone, its urgent records with it: nothing waits for a commit any more.
            urgentPending = false;
            lostBatches++;
            closeWithheld = true;
            nextStorageRetryMs = context.Now + Broker.StorageRetryMs;
            if (storageState == StorageState.Failing)
            {
                return;
            }
            storageState = StorageState.Failing;
            context.Warn("storage: " + reason + "; " + RecordLog.FileName + " is not written until it can be rewritten whole"
                + (keepUnreadLog ? " (not before a restart: it could not be read whole, and is kept as it is)" : " (tried every " + Broker.StorageRetryMs / 1000 + " s)")
                + "; meanwhile new retained messages, persistent sessions, wills and subscriptions of persistent sessions are refused, and changes are kept in memory only");
        }

        // The bytes a compaction would write now, without writing: header, records, CompactionEnd.
        private long MeasureLive(LiveSet live)
        {
            measuring = true;
            measuredBytes = 0;
            live.Write(true);
            measuring = false;
            return RecordLog.FileHeaderBytes + measuredBytes + Record.Overhead;
        }

        private bool Compact(LiveSet live)
        {
            compacted = live;
            bool written = Store(StepCompact);
            compacted = null;
            return written;
        }

        // Rewrites the live state into a fresh log; the old one stays valid until the new one is complete.
        private void WriteCompaction()
        {
            storage.BeginCompaction();
            compacted.Write(false);
            storage.EndCompaction();
            long live = storage.Length;
            liveBound = live;
            nextCompactionBytes = live * 2 > options.StorageCompactBytes ? live * 2 : options.StorageCompactBytes;
            context.Warn("storage: compacted " + RecordLog.FileName + " to " + live + " bytes");
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
    }
}
