namespace NanoBroker.Web
{
    /// <summary>
    /// Where the status page's bytes are read from, a chunk at a time as they are sent: an array on the desktop, a
    /// file on the board's flash (I:\status.html), so the board never holds the whole page in its heap.
    /// </summary>
    public interface IPageSource
    {
        /// <summary>The page's length in bytes.</summary>
        int Length { get; }

        /// <summary>Copies up to <paramref name="count"/> bytes from <paramref name="offset"/> of the page; returns how many (0 at its end or on a read error).</summary>
        int Read(int offset, byte[] into, int at, int count);
    }
}
