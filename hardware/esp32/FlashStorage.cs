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
        /// <param name="stream">The stream's number (0 the append stream, 1 any other), or -1 for a call on a path.</param>
        /// <param name="file">The file (for open, exists, delete, move: its name; move: "from to"), or null.</param>
        /// <param name="value">open: its FileMode and FileAccess as (int)mode * 16 + (int)access; write, read: bytes; seek, setlength: position; else 0.</param>
        void Call(string operation, int stream, string file, long value);
    }

    /// <summary>
    /// The record log's files on the ESP32's internal flash: littlefs on the "config" partition, drive I:\.
    /// A commit is open-append, write, flush, close: closing a littlefs file makes it durable.
    /// </summary>
    public sealed class FlashStorage : IStorageBackend
    {
        private const int AppendStreamId = 0;
        private const int OtherStreamId = 1;

        private readonly string root;
        private readonly IFlashTrace trace;

        // The file appended to since the last Flush, kept open until then.
        private FileStream appendStream;
        private string appendFile;

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
            if (!Exists(file))
            {
                return -1;
            }
            FileStream stream = Open(OtherStreamId, file, FileMode.Open, FileAccess.Read);
            try
            {
                Trace("length", OtherStreamId, null, 0);
                return stream.Length;
            }
            finally
            {
                Close(OtherStreamId, stream);
            }
        }

        public int Read(string file, long position, byte[] buffer, int offset, int count)
        {
            CloseAppendStream();
            FileStream stream = Open(OtherStreamId, file, FileMode.Open, FileAccess.Read);
            try
            {
                Trace("seek", OtherStreamId, null, position);
                stream.Seek(position, SeekOrigin.Begin);
                int total = 0;
                while (total < count)
                {
                    int n = stream.Read(buffer, offset + total, count - total);
                    Trace("read", OtherStreamId, null, count - total);
                    if (n <= 0)
                    {
                        break;
                    }
                    total += n;
                }
                return total;
            }
            finally
            {
                Close(OtherStreamId, stream);
            }
        }

        public void Append(string file, byte[] buffer, int offset, int count)
        {
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
            FileStream stream = Open(OtherStreamId, file, FileMode.Open, FileAccess.ReadWrite);
            try
            {
                Trace("setlength", OtherStreamId, null, length);
                stream.SetLength(length);
                Trace("flush", OtherStreamId, null, 0);
                stream.Flush();
            }
            finally
            {
                Close(OtherStreamId, stream);
            }
        }

        public void Delete(string file)
        {
            CloseAppendStream();
            Trace("delete", -1, file, 0);
            File.Delete(PathOf(file));
        }

        public void Rename(string from, string to)
        {
            // File.Move refuses an existing destination. A power cut between the two steps leaves only the
            // compaction file, which RecordLog.Open completes (it ends with a CompactionEnd record).
            CloseAppendStream();
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
                Close(AppendStreamId, appendStream);
                appendStream = null;
                appendFile = null;
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
