using System;
using System.IO;
using NanoBroker.Storage;

namespace NanoBroker.Host
{
    /// <summary>The record log's files in a folder on disk. Flush reaches the disk itself (fsync).</summary>
    public sealed class FileStorage : IStorageBackend, IDisposable
    {
        private readonly string folder;

        // The file being appended to stays open between commits.
        private FileStream appendStream;
        private string appendFile;

        public FileStorage(string folder)
        {
            this.folder = folder;
            Directory.CreateDirectory(folder);
        }

        public long Length(string file)
        {
            if (file == appendFile)
            {
                return appendStream.Length;
            }
            FileInfo info = new FileInfo(PathOf(file));
            return info.Exists ? info.Length : -1;
        }

        public int Read(string file, long position, byte[] buffer, int offset, int count)
        {
            using (FileStream stream = new FileStream(PathOf(file), FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
            {
                stream.Position = position;
                int total = 0;
                int n;
                while (total < count && (n = stream.Read(buffer, offset + total, count - total)) > 0)
                {
                    total += n;
                }
                return total;
            }
        }

        public void Append(string file, byte[] buffer, int offset, int count)
        {
            if (file != appendFile)
            {
                CloseAppendStream();
                appendStream = new FileStream(PathOf(file), FileMode.Append, FileAccess.Write, FileShare.Read);
                appendFile = file;
            }
            appendStream.Write(buffer, offset, count);
        }

        public void Flush(string file)
        {
            if (file == appendFile)
            {
                appendStream.Flush(true);
            }
        }

        public void Truncate(string file, long length)
        {
            CloseAppendStream();
            using (FileStream stream = new FileStream(PathOf(file), FileMode.Open, FileAccess.Write, FileShare.Read))
            {
                stream.SetLength(length);
                stream.Flush(true);
            }
        }

        public void Delete(string file)
        {
            CloseAppendStream();
            File.Delete(PathOf(file));
        }

        public void Rename(string from, string to)
        {
            CloseAppendStream();
            File.Move(PathOf(from), PathOf(to), true);
        }

        public void Dispose()
        {
            CloseAppendStream();
        }

        private void CloseAppendStream()
        {
            if (appendStream != null)
            {
                appendStream.Flush(true);
                appendStream.Dispose();
                appendStream = null;
                appendFile = null;
            }
        }

        private string PathOf(string file)
        {
            return Path.Combine(folder, file);
        }
    }
}
