using System.IO;
using NanoBroker.Storage;

namespace NanoBroker.Esp32
{
    /// <summary>
    /// The record log's files on the ESP32's internal flash: littlefs on the "config" partition, drive I:\.
    /// A commit is open-append, write, flush, close: closing a littlefs file makes it durable.
    /// </summary>
    public sealed class FlashStorage : IStorageBackend
    {
        private readonly string root;

        // The file appended to since the last Flush, kept open until then.
        private FileStream appendStream;
        private string appendFile;

        /// <param name="root">The drive or folder, ending in a backslash, e.g. <c>I:\</c>.</param>
        public FlashStorage(string root)
        {
            this.root = root;
        }

        public long Length(string file)
        {
            if (file == appendFile)
            {
                return appendStream.Length;
            }
            string path = PathOf(file);
            if (!File.Exists(path))
            {
                return -1;
            }
            FileStream stream = new FileStream(path, FileMode.Open, FileAccess.Read);
            try
            {
                return stream.Length;
            }
            finally
            {
                stream.Dispose();
            }
        }

        public int Read(string file, long position, byte[] buffer, int offset, int count)
        {
            CloseAppendStream();
            FileStream stream = new FileStream(PathOf(file), FileMode.Open, FileAccess.Read);
            try
            {
                stream.Seek(position, SeekOrigin.Begin);
                int total = 0;
                while (total < count)
                {
                    int n = stream.Read(buffer, offset + total, count - total);
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
                stream.Dispose();
            }
        }

        public void Append(string file, byte[] buffer, int offset, int count)
        {
            if (file != appendFile)
            {
                CloseAppendStream();
                appendStream = new FileStream(PathOf(file), FileMode.Append);
                appendFile = file;
            }
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
            FileStream stream = new FileStream(PathOf(file), FileMode.Open, FileAccess.ReadWrite);
            try
            {
                stream.SetLength(length);
                stream.Flush();
            }
            finally
            {
                stream.Dispose();
            }
        }

        public void Delete(string file)
        {
            CloseAppendStream();
            File.Delete(PathOf(file));
        }

        public void Rename(string from, string to)
        {
            // File.Move refuses an existing destination. A power cut between the two steps leaves only the
            // compaction file, which RecordLog.Open completes (it ends with a CompactionEnd record).
            CloseAppendStream();
            string target = PathOf(to);
            if (File.Exists(target))
            {
                File.Delete(target);
            }
            File.Move(PathOf(from), target);
        }

        private void CloseAppendStream()
        {
            if (appendStream != null)
            {
                appendStream.Flush();
                appendStream.Dispose();
                appendStream = null;
                appendFile = null;
            }
        }

        private string PathOf(string file)
        {
            return root + file;
        }
    }
}
