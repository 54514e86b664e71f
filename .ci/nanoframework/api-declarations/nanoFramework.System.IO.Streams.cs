// Test-only stubs: package nanoFramework.System.IO.Streams 1.1.96, github:nanoframework/System.IO.Streams tag v1.1.96.
// See README.md beside this file. Never shipped.
#pragma warning disable CS1591

namespace System.IO
{
    // System.IO.Streams/Stream.cs: public abstract class Stream : MarshalByRefObject, IDisposable
    public abstract class Stream : MarshalByRefObject, IDisposable
    {
        // Stream.cs: public abstract long Length { get; }
        public abstract long Length { get; }

        // Stream.cs: public void Dispose()
        public void Dispose() { throw null; }

        // Stream.cs: public abstract void Flush();
        public abstract void Flush();

        // Stream.cs: public abstract long Seek(long offset, SeekOrigin origin);
        public abstract long Seek(long offset, SeekOrigin origin);

        // Stream.cs: public abstract void SetLength(long value);
        public abstract void SetLength(long value);

        // Stream.cs: public abstract int Read(byte[] buffer, int offset, int count);
        public abstract int Read(byte[] buffer, int offset, int count);

        // Stream.cs: public abstract void Write(byte[] buffer, int offset, int count);
        public abstract void Write(byte[] buffer, int offset, int count);
    }

    // System.IO.Streams/SeekOrigin.cs
    [Serializable]
    public enum SeekOrigin
    {
        Begin = 0,
        Current = 1,
        End = 2,
    }
}
