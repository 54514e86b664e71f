// Test-only stubs: package nanoFramework.System.IO.FileSystem 1.1.93, github:nanoframework/System.IO.FileSystem tag v1.1.93.
// See README.md beside this file. Never shipped.
#pragma warning disable CS1591

namespace System.IO
{
    // System.IO.FileSystem/File.cs: public static class File
    public static class File
    {
        // File.cs: public static void Delete(string path)
        public static void Delete(string path) { throw null; }

        // File.cs: public static bool Exists(string path)
        public static bool Exists(string path) { throw null; }

        // File.cs: public static void Move(string sourceFileName, string destFileName)
        public static void Move(string sourceFileName, string destFileName) { throw null; }

        // File.cs: public static byte[] ReadAllBytes(string path)
        public static byte[] ReadAllBytes(string path) { throw null; }
    }

    // System.IO.FileSystem/FileStream.cs: public class FileStream : Stream
    public class FileStream : Stream
    {
        // FileStream.cs: public FileStream(string path, FileMode mode)
        public FileStream(string path, FileMode mode) { throw null; }

        // FileStream.cs: public FileStream(string path, FileMode mode, FileAccess access)
        public FileStream(string path, FileMode mode, FileAccess access) { throw null; }

        // FileStream.cs: public override long Length
        public override long Length { get { throw null; } }

        // FileStream.cs: public override void Flush()
        public override void Flush() { throw null; }

        // FileStream.cs: public override long Seek(long offset, SeekOrigin origin)
        public override long Seek(long offset, SeekOrigin origin) { throw null; }

        // FileStream.cs: public override void SetLength(long value)
        public override void SetLength(long value) { throw null; }

        // FileStream.cs: public override int Read(byte[] buffer, int offset, int count)
        public override int Read(byte[] buffer, int offset, int count) { throw null; }

        // FileStream.cs: public override void Write(byte[] buffer, int offset, int count)
        public override void Write(byte[] buffer, int offset, int count) { throw null; }
    }

    // System.IO.FileSystem/FileMode.cs
    public enum FileMode
    {
        CreateNew = 1,
        Create = 2,
        Open = 3,
        OpenOrCreate = 4,
        Truncate = 5,
        Append = 6,
    }

    // System.IO.FileSystem/FileAccess.cs
    [Flags]
    public enum FileAccess
    {
        Read = 1,
        Write = 2,
        ReadWrite = 3,
    }
}
