namespace NanoBroker.Storage
{
    /// <summary>
    /// Files as the record log needs them: read, append, make durable, truncate, rename. A file
    /// on the desktop, a file on the ESP32's internal flash (I:\), memory in tests.
    /// </summary>
    public interface IStorageBackend
    {
        /// <summary>Length of the file in bytes, or -1 when it does not exist.</summary>
        long Length(string file);

        /// <summary>Reads up to <paramref name="count"/> bytes at <paramref name="position"/>; returns how many were read (0 at the end).</summary>
        int Read(string file, long position, byte[] buffer, int offset, int count);

        /// <summary>Appends bytes, creating the file when needed.</summary>
        void Append(string file, byte[] buffer, int offset, int count);

        /// <summary>Returns once everything appended to the file survives a power cut.</summary>
        void Flush(string file);

        /// <summary>Cuts the file to <paramref name="length"/> bytes, durably.</summary>
        void Truncate(string file, long length);

        void Delete(string file);

        /// <summary>Renames <paramref name="from"/> to <paramref name="to"/>, replacing it.</summary>
        void Rename(string from, string to);
    }
}
