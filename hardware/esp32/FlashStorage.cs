using System.IO;
using NanoBroker.Storage;

namespace NanoBroker.Esp32
{
    /// <summary>
    /// Told every file-system call <see cref="FlashStorage"/> makes, in order: the wear measurement
    /// (bench/FlashWear) and the tests of the write pattern. Null on the board.
    /// </summary>
    public interface IFlashTrace
    {
        /// <param name="operation">open, write, flush, close, seek, read, length, setlength, exists, delete, move.</param>
        /// <param name="stream">The stream's number (0 the append stream, 1 the other one: reads, truncation), or -1 for a call on a path.</param>
        /// <param name="file">The file (for open, exists, delete, move: its name; move: "from to"), or null.</param>
        /// <param name="value">open: its FileMode and FileAccess as (int)mode * 16 + (int)access; write, read: bytes; seek, setlength: position; else 0.</param>
        void Call(string operation, int stream, string file, long value);
    }

    /// <summary>
    /// The record log's files on the ESP32's internal flash: littlefs on the "config" partition, drive I:\.
    /// A commit is open-append, write, flush, close: on the board only closing a file makes it durable.
    /// </summary>
    /// <remarks>
    /// Why the file is not kept open across commits (hardware/README.md, "Flash budget"): FileStream.Flush reaches
    /// nf-interpreter's littlefs driver as fflush, which stops in ESP-IDF's VFS (esp_littlefs syncs a file at
    /// fflush only with CONFIG_LITTLEFS_FLUSH_FILE_EVERY_WRITE, which the firmware does not set), and nanoFramework
    /// has no fsync: Dispose (fclose, lfs_file_close) is the only call that makes appended bytes durable. Keeping
    /// the file open would not spare erases anyway: littlefs copies a file's partly filled last block into a
    /// freshly erased one at the first write after every sync, open or not (measured: 1.05 erases per commit with
    /// lfs_file_sync on an open file, 1.17 with open-append-close). What spares the flash is fewer commits (the
    /// engine's StorageRetainedDelayMs) and fewer opens: every open for writing, which is every open on the
    /// board (the driver opens "r+"), commits littlefs metadata, so consecutive reads share one stream.
    /// </remarks>
    public sealed class FlashStorage : IStorageBackend
    {
        private const int AppendStreamId = 0;
        private const int ReadStreamId = 1;

        private readonly string root;
        private readonly IFlashTrace trace;

        // The file appended to since the last Flush, kept open until then.
        private FileStream appendStream;
        private string appendFile;

        // The file last read (or measured), kept open for the next read until any other call.
        private FileStream readStream;
        private string readFile;

        /// <param name="root">The drive or folder, ending in a backslash, e.g. <c>I:\</c>.</param>
        public FlashStorage(string root) : this(root, null)
        {
        }

        /// <param name="root">The drive or folder, ending in a backslash, e.g. <c>I:\</c>.</param>
        /// <param name="trace">Told every file-system call, or null.</param>
        public FlashStorage(string root, IFlashTrace trace)
        {
            this.root = root;
            this.trace = trace;
        }

        public long Length(string file)
        {
            if (file == appendFile)
            {
                Trace("length", AppendStreamId, null, 0);
                return appendStream.Length;
            }
            if (file != readFile)
            {
                CloseReadStream();
                if (!Exists(file))
                {
                    return -1;
                }
                OpenReadStream(file);
            }
            Trace("length", ReadStreamId, null, 0);
            return readStream.Length;
        }

        public int Read(string file, long position, byte[] buffer, int offset, int count)
        {
            CloseAppendStream();
            if (file != readFile)
            {
                CloseReadStream();
                OpenReadStream(file);
            }
            Trace("seek", ReadStreamId, null, position);
            readStream.Seek(position, SeekOrigin.Begin);
            int total = 0;
            while (total < count)
            {
                Trace("read", ReadStreamId, null, count - total);
                int n = readStream.Read(buffer, offset + total, count - total);
                if (n <= 0)
                {
                    break;
                }
                total += n;
            }
            return total;
        }

        public void Append(string file, byte[] buffer, int offset, int count)
        {
            CloseReadStream();
            if (file != appendFile)
            {
                CloseAppendStream();
                appendStream = Open(AppendStreamId, file, FileMode.Append, FileAccess.Write);
                appendFile = file;
            }
            Trace("write", AppendStreamId, null, count);
            appendStream.Write(buffer, offset, count);
        }

        public void Flush(string file)
        {
            if (file == appendFile)
            {
                CloseAppendStream();
            }
        }

        public void Truncate(string file, long length)
        {
            CloseAppendStream();
            CloseReadStream();
            FileStream stream = Open(ReadStreamId, file, FileMode.Open, FileAccess.ReadWrite);
            try
            {
                Trace("setlength", ReadStreamId, null, length);
                stream.SetLength(length);
                Trace("flush", ReadStreamId, null, 0);
                stream.Flush();
            }
            finally
            {
                Close(ReadStreamId, stream);
            }
        }

        public void Delete(string file)
        {
            CloseAppendStream();
            CloseReadStream();
            Trace("delete", -1, file, 0);
            File.Delete(PathOf(file));
        }

        public void Rename(string from, string to)
        {
            // File.Move refuses an existing destination. A power cut between the two steps leaves only the
            // compaction file, which RecordLog.Open completes (it ends with a CompactionEnd record).
            CloseAppendStream();
            CloseReadStream();
            if (Exists(to))
            {
                Trace("delete", -1, to, 0);
                File.Delete(PathOf(to));
            }
            Trace("move", -1, from + " " + to, 0);
            File.Move(PathOf(from), PathOf(to));
        }

        private void CloseAppendStream()
        {
            if (appendStream != null)
            {
                Trace("flush", AppendStreamId, null, 0);
                appendStream.Flush();
                // Closing is what makes the appended bytes durable on the board (see the remarks above).
                Close(AppendStreamId, appendStream);
                appendStream = null;
                appendFile = null;
            }
        }

        private void OpenReadStream(string file)
        {
            readStream = Open(ReadStreamId, file, FileMode.Open, FileAccess.Read);
            readFile = file;
        }

        private void CloseReadStream()
        {
            if (readStream != null)
            {
                Close(ReadStreamId, readStream);
                readStream = null;
                readFile = null;
            }
        }

        private bool Exists(string file)
        {
            Trace("exists", -1, file, 0);
            return File.Exists(PathOf(file));
        }

        private FileStream Open(int id, string file, FileMode mode, FileAccess access)
        {
            Trace("open", id, file, (int)mode * 16 + (int)access);
            return new FileStream(PathOf(file), mode, access);
        }

        private void Close(int id, FileStream stream)
        {
            Trace("close", id, null, 0);
            stream.Dispose();
        }

        private void Trace(string operation, int stream, string file, long value)
        {
            if (trace != null)
            {
                trace.Call(operation, stream, file, value);
            }
        }

        private string PathOf(string file)
        {
            return root + file;
        }
    }
}
