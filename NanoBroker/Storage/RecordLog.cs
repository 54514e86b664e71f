namespace NanoBroker.Storage
{
    /// <summary>
    /// The broker's state as one append-only log of checksummed records. Records collect in a batch
    /// and reach the backend together (group commit); a power cut loses at most the batch being
    /// written, and a torn or corrupted tail is found by its checksum and cut off at the next start.
    /// Compaction writes the live set to a second file and swaps it in only once it is complete.
    /// The backend's exceptions (a full or failing file system) pass through to the caller, the broker,
    /// which catches them in one place and calls <see cref="Abandon"/>: the batch is lost, the log is
    /// <see cref="Damaged"/>, and only a compaction (a fresh file) makes it usable again.
    /// </summary>
    public sealed class RecordLog
    {
        public const string FileName = "broker.log";
        public const string CompactionFileName = "broker.log.new";

        /// <summary>Version of the record format written; a log of version 1 is read and rewritten, one of another version is refused.</summary>
        public const int FormatVersion = 2;

        /// <summary>The older version still read (docs/record-format.md, "Version 1").</summary>
        public const int Version1 = 1;

        public const int FileHeaderBytes = 8;

        private static readonly byte[] Magic = { (byte)'N', (byte)'B', (byte)'L', (byte)'G' };

        private readonly IStorageBackend backend;
        private readonly byte[] batch;
        private int batchCount;
        // Where the last record appended starts in the batch.
        private int lastRecordAt;
        private string target = FileName;
        private long committedLength;
        // The format version of the log file as opened (a compaction makes it FormatVersion).
        private int fileVersion = FormatVersion;

        // The length of the log file while a compaction writes the other one.
        private long logLength;
        private bool compactionComplete;

        public RecordLog(IStorageBackend backend, int batchBytes)
        {
            this.backend = backend;
            batch = new byte[batchBytes];
        }

        /// <summary>Bytes of the log file, header included, as committed.</summary>
        public long Length { get { return committedLength; } }

        /// <summary>Records appended and not yet committed.</summary>
        public bool HasPending { get { return batchCount > 0; } }

        /// <summary>Bytes of the records appended and not yet committed.</summary>
        public int PendingBytes { get { return batchCount; } }

        /// <summary>Bytes the batch can still take before an append must commit it.</summary>
        public int Room { get { return batch.Length - batchCount; } }

        /// <summary>True between <see cref="BeginCompaction"/> and <see cref="EndCompaction"/> (or <see cref="Abandon"/>).</summary>
        public bool Compacting { get { return target != FileName; } }

        /// <summary>
        /// A write failed: the log file may end in part of a lost batch, so nothing more is appended to it
        /// until a compaction replaces it (which clears this).
        /// </summary>
        public bool Damaged { get; private set; }

        /// <summary>
        /// True from <see cref="Open"/> until <see cref="Replay"/> has read the whole log (false at once for a new
        /// log): while true, a failure leaves records on disk the broker never read, and the log must not be
        /// replaced by a compaction of what it did read.
        /// </summary>
        public bool Unread { get; private set; }

        /// <summary>
        /// True when <see cref="Open"/> found a version 1 log: nothing may be appended to it (the records would be of
        /// another version), so after <see cref="Replay"/> the broker compacts at once, which writes the log afresh as
        /// version 2 and clears this. Until then <see cref="Commit"/> refuses to write to it.
        /// </summary>
        public bool NeedsUpgrade { get; private set; }

        /// <summary>Records appended since start (a change counter for the engine).</summary>
        public int Appended { get; private set; }

        /// <summary>Bytes handed to the backend since start: what the flash endures.</summary>
        public long BytesWritten { get; private set; }

        /// <summary>Commits (durable writes) since start.</summary>
        public int Commits { get; private set; }

        /// <summary>
        /// Opens the log: finishes or discards an interrupted compaction, then checks the file header.
        /// Returns null, or why the log cannot be used (another format version, not a log) — then
        /// nothing is read or written.
        /// </summary>
        public string Open()
        {
            Unread = true;
            FinishInterruptedCompaction();
            long length = backend.Length(FileName);
            if (length < FileHeaderBytes)
            {
                Unread = false;
                if (length > 0)
                {
                    backend.Delete(FileName);
                }
                committedLength = 0;
                fileVersion = FormatVersion;
                WriteFileHeader(FileName);
                committedLength = FileHeaderBytes;
                return null;
            }
            byte[] header = new byte[FileHeaderBytes];
            backend.Read(FileName, 0, header, 0, FileHeaderBytes);
            for (int i = 0; i < Magic.Length; i++)
            {
                if (header[i] != Magic[i])
                {
                    return FileName + " is not a NanoBroker log (bad magic bytes)";
                }
            }
            int version = (header[4] << 8) | header[5];
            if (version != FormatVersion && version != Version1)
            {
                return FileName + " has record format version " + version + "; this broker reads version " + FormatVersion + " and the older version " + Version1 + " only (move the file away to start empty)";
            }
            fileVersion = version;
            NeedsUpgrade = version != FormatVersion;
            committedLength = length;
            return null;
        }

        /// <summary>
        /// Feeds every valid record to <paramref name="sink"/> in order. At the first torn or corrupt
        /// record the log is truncated there. Returns the bytes cut off (0 when the log was whole).
        /// <paramref name="buffer"/> must hold the largest record.
        /// </summary>
        public long Replay(IRecordSink sink, byte[] buffer, RecordView view)
        {
            long position = FileHeaderBytes;
            long end = committedLength;
            int held = 0;
            int at = 0;
            while (true)
            {
                int size = Record.Decode(buffer, at, held - at, buffer.Length, fileVersion, view);
                if (size > 0)
                {
                    sink.Apply(view);
                    at += size;
                    position += size;
                    continue;
                }
                long unread = end - position - (held - at);
                if (size == Record.Corrupt || unread == 0)
                {
                    break;
                }
                System.Array.Copy(buffer, at, buffer, 0, held - at);
                held -= at;
                at = 0;
                int want = buffer.Length - held;
                if (want > unread)
                {
                    want = (int)unread;
                }
                int read = backend.Read(FileName, position + held, buffer, held, want);
                if (read <= 0)
                {
                    break;
                }
                held += read;
            }
            Unread = false;
            long cut = end - position;
            if (cut > 0)
            {
                backend.Truncate(FileName, position);
                committedLength = position;
            }
            return cut;
        }

        /// <summary>Adds a record without properties (D empty) and with the <see cref="Record.DefaultValue"/> of its kind.</summary>
        public void Append(int kind, int flags, int key, byte[] a, int aStart, int aLength, byte[] b, int bStart, int bLength, byte[] c, int cStart, int cLength)
        {
            Append(kind, flags, key, Record.DefaultValue(kind), a, aStart, aLength, b, bStart, bLength, null, 0, 0, c, cStart, cLength);
        }

        /// <summary>
        /// Adds a record to the batch, its fields in the order they are written (A, B, D, C); a full batch is committed
        /// first (the broker commits before that, see <see cref="Room"/>).
        /// </summary>
        public void Append(int kind, int flags, int key, uint value, byte[] a, int aStart, int aLength, byte[] b, int bStart, int bLength,
            byte[] d, int dStart, int dLength, byte[] c, int cStart, int cLength)
        {
            int size = Record.SizeOf(aLength, bLength, dLength, cLength);
            if (batchCount + size > batch.Length)
            {
                Commit();
            }
            if (size > batch.Length)
            {
                // BrokerOptions.Validate sizes the batch for the largest record the engine makes.
                throw new System.ArgumentException("record larger than the storage batch");
            }
            lastRecordAt = batchCount;
            batchCount += Record.Encode(batch, batchCount, kind, flags, key, value, a, aStart, aLength, b, bStart, bLength, d, dStart, dLength, c, cStart, cLength);
            Appended++;
        }

        /// <summary>
        /// The last record appended sets or clears a retained message: takes out of the batch a pending record
        /// that set or cleared the same topic before it, as the newer one makes it void (only the newest value of
        /// a topic is written, however often it changes within one commit). Nothing written is touched.
        /// </summary>
        public void CoalesceRetained()
        {
            int topicStart = lastRecordAt + Record.HeaderBytes + Record.ReadUInt16(batch, lastRecordAt + 4);
            int topicLength = Record.ReadUInt16(batch, lastRecordAt + 6);
            int at = 0;
            while (at < lastRecordAt)
            {
                int aLength = Record.ReadUInt16(batch, at + 4);
                int bLength = Record.ReadUInt16(batch, at + 6);
                int size = Record.SizeAt(batch, at);
                int kind = batch[at];
                if ((kind == RecordKind.RetainedSet || kind == RecordKind.RetainedClear) && bLength == topicLength
                    && Routing.Topic.Equal(batch, at + Record.HeaderBytes + aLength, topicLength, batch, topicStart, topicLength))
                {
                    System.Array.Copy(batch, at + size, batch, at, batchCount - at - size);
                    batchCount -= size;
                    lastRecordAt -= size;
                    topicStart -= size;
                    continue;
                }
                at += size;
            }
        }

        /// <summary>Writes the batch and waits until it is durable. Throws what the backend throws (then call <see cref="Abandon"/>).</summary>
        public void Commit()
        {
            if (batchCount == 0)
            {
                return;
            }
            if (Damaged && !Compacting)
            {
                throw new System.InvalidOperationException(FileName + " is damaged: only a compaction writes it again");
            }
            if (NeedsUpgrade && !Compacting)
            {
                throw new System.InvalidOperationException(FileName + " has record format version " + fileVersion + ": only a compaction writes it again, as version " + FormatVersion);
            }
            backend.Append(target, batch, 0, batchCount);
            backend.Flush(target);
            BytesWritten += batchCount;
            committedLength += batchCount;
            Commits++;
            ClearBatch();
        }

        /// <summary>
        /// Starts writing a compacted log: following appends go to the compaction file. Records still in the
        /// batch are dropped, not written: the compacted log holds the state they changed (the broker writes
        /// its whole live state from memory). A complete compaction file an earlier failure left is swapped in
        /// first, so that the state on disk is never only in a file about to be deleted.
        /// </summary>
        public void BeginCompaction()
        {
            ClearBatch();
            FinishInterruptedCompaction();
            long length = backend.Length(FileName);
            logLength = length > committedLength ? length : committedLength;
            compactionComplete = false;
            target = CompactionFileName;
            committedLength = 0;
            WriteFileHeader(CompactionFileName);
            committedLength = FileHeaderBytes;
        }

        /// <summary>Marks the compacted log complete and swaps it in for the old one; the log is whole again.</summary>
        public void EndCompaction()
        {
            Append(RecordKind.CompactionEnd, 0, 0, null, 0, 0, null, 0, 0, null, 0, 0);
            Commit();
            compactionComplete = true;
            backend.Rename(CompactionFileName, FileName);
            target = FileName;
            Damaged = false;
            fileVersion = FormatVersion;
            NeedsUpgrade = false;
        }

        /// <summary>
        /// Bytes the log's files take now: the log, and during a compaction the compacted file besides.
        /// </summary>
        public long Footprint { get { return Compacting ? logLength + committedLength : committedLength; } }

        /// <summary>
        /// After the backend threw: the batch is lost and the log marked <see cref="Damaged"/> (a failed append
        /// may have left part of the batch; its bytes are counted in <see cref="Length"/>, as they may be on disk).
        /// A compaction under way is given up: returns true when its incomplete file should be deleted
        /// (<see cref="DeleteCompactionFile"/>), false when there is none or it is complete (the next
        /// <see cref="Open"/> or <see cref="BeginCompaction"/> swaps a complete one in).
        /// </summary>
        public bool Abandon()
        {
            bool deleteCompaction = false;
            if (Compacting)
            {
                deleteCompaction = !compactionComplete;
                target = FileName;
                committedLength = logLength;
            }
            else
            {
                committedLength += batchCount;
            }
            ClearBatch();
            Damaged = true;
            return deleteCompaction;
        }

        /// <summary>Drops the batch without writing it (the broker could not keep it within its bounds).</summary>
        public void Discard()
        {
            ClearBatch();
        }

        private void ClearBatch()
        {
            batchCount = 0;
            lastRecordAt = 0;
        }

        /// <summary>Deletes the compaction file of an abandoned compaction, freeing its room.</summary>
        public void DeleteCompactionFile()
        {
            if (backend.Length(CompactionFileName) >= 0)
            {
                backend.Delete(CompactionFileName);
            }
        }

        // A compaction file left by a cut or a failure: swapped in when complete (it ends with CompactionEnd),
        // else deleted.
        private void FinishInterruptedCompaction()
        {
            if (backend.Length(CompactionFileName) >= 0)
            {
                if (EndsWithCompactionEnd(CompactionFileName))
                {
                    backend.Rename(CompactionFileName, FileName);
                }
                else
                {
                    backend.Delete(CompactionFileName);
                }
            }
        }

        private void WriteFileHeader(string file)
        {
            byte[] header = new byte[FileHeaderBytes];
            System.Array.Copy(Magic, 0, header, 0, Magic.Length);
            header[5] = FormatVersion;
            backend.Append(file, header, 0, header.Length);
            backend.Flush(file);
            BytesWritten += header.Length;
        }

        // True when the file's last record is a valid CompactionEnd (its fixed 22 bytes, 16 in a version 1 file, which
        // a build before version 2 may have left).
        private bool EndsWithCompactionEnd(string file)
        {
            long length = backend.Length(file);
            if (length < FileHeaderBytes + Record.Version1HeaderBytes + Record.CrcBytes)
            {
                return false;
            }
            byte[] header = new byte[FileHeaderBytes];
            backend.Read(file, 0, header, 0, FileHeaderBytes);
            int version = header[5] == Version1 && header[4] == 0 ? Version1 : FormatVersion;
            int size = (version == Version1 ? Record.Version1HeaderBytes : Record.HeaderBytes) + Record.CrcBytes;
            if (length < FileHeaderBytes + size)
            {
                return false;
            }
            byte[] tail = new byte[size];
            backend.Read(file, length - size, tail, 0, size);
            RecordView view = new RecordView();
            return Record.Decode(tail, 0, size, size, version, view) == size && view.Kind == RecordKind.CompactionEnd;
        }
    }
}
