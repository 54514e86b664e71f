namespace NanoBroker.Storage
{
    /// <summary>
    /// The broker's state as one append-only log of checksummed records. Records collect in a batch
    /// and reach the backend together (group commit); a power cut loses at most the batch being
    /// written, and a torn or corrupted tail is found by its checksum and cut off at the next start.
    /// Compaction writes the live set to a second file and swaps it in only once it is complete.
    /// </summary>
    public sealed class RecordLog
    {
        public const string FileName = "broker.log";
        public const string CompactionFileName = "broker.log.new";

        /// <summary>Version of the record format; a log of another version is refused.</summary>
        public const int FormatVersion = 1;

        public const int FileHeaderBytes = 8;

        private static readonly byte[] Magic = { (byte)'N', (byte)'B', (byte)'L', (byte)'G' };

        private readonly IStorageBackend backend;
        private readonly byte[] batch;
        private int batchCount;
        private string target = FileName;
        private long committedLength;

        public RecordLog(IStorageBackend backend, int batchBytes)
        {
            this.backend = backend;
            batch = new byte[batchBytes];
        }

        /// <summary>Bytes of the log file, header included, as committed.</summary>
        public long Length { get { return committedLength; } }

        /// <summary>Records appended and not yet committed.</summary>
        public bool HasPending { get { return batchCount > 0; } }

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
            long length = backend.Length(FileName);
            if (length < FileHeaderBytes)
            {
                if (length > 0)
                {
                    backend.Delete(FileName);
                }
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
            if (version != FormatVersion)
            {
                return FileName + " has record format version " + version + "; this broker reads version " + FormatVersion + " only (move the file away to start empty)";
            }
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
                int size = Record.Decode(buffer, at, held - at, buffer.Length, view);
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
            long cut = end - position;
            if (cut > 0)
            {
                backend.Truncate(FileName, position);
                committedLength = position;
            }
            return cut;
        }

        /// <summary>Adds a record to the batch; a full batch is committed first.</summary>
        public void Append(int kind, int flags, int key, byte[] a, int aStart, int aLength, byte[] b, int bStart, int bLength, byte[] c, int cStart, int cLength)
        {
            int size = Record.SizeOf(aLength, bLength, cLength);
            if (batchCount + size > batch.Length)
            {
                Commit();
            }
            if (size > batch.Length)
            {
                // BrokerOptions.Validate sizes the batch for the largest record the engine makes.
                throw new System.ArgumentException("record larger than the storage batch");
            }
            batchCount += Record.Encode(batch, batchCount, kind, flags, key, a, aStart, aLength, b, bStart, bLength, c, cStart, cLength);
            Appended++;
        }

        /// <summary>Writes the batch and waits until it is durable.</summary>
        public void Commit()
        {
            if (batchCount == 0)
            {
                return;
            }
            backend.Append(target, batch, 0, batchCount);
            backend.Flush(target);
            BytesWritten += batchCount;
            committedLength += batchCount;
            Commits++;
            batchCount = 0;
        }

        /// <summary>Starts writing a compacted log: following appends go to the compaction file.</summary>
        public void BeginCompaction()
        {
            Commit();
            backend.Delete(CompactionFileName);
            WriteFileHeader(CompactionFileName);
            target = CompactionFileName;
            committedLength = FileHeaderBytes;
        }

        /// <summary>Marks the compacted log complete and swaps it in for the old one.</summary>
        public void EndCompaction()
        {
            Append(RecordKind.CompactionEnd, 0, 0, null, 0, 0, null, 0, 0, null, 0, 0);
            Commit();
            backend.Rename(CompactionFileName, FileName);
            target = FileName;
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

        // True when the file's last record is a valid CompactionEnd (its fixed 16 bytes).
        private bool EndsWithCompactionEnd(string file)
        {
            long length = backend.Length(file);
            if (length < FileHeaderBytes + Record.Overhead)
            {
                return false;
            }
            byte[] tail = new byte[Record.Overhead];
            backend.Read(file, length - Record.Overhead, tail, 0, tail.Length);
            RecordView view = new RecordView();
            return Record.Decode(tail, 0, tail.Length, tail.Length, view) == Record.Overhead && view.Kind == RecordKind.CompactionEnd;
        }
    }
}
