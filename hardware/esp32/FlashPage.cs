using System;
using System.IO;
using NanoBroker.Web;

namespace NanoBroker.Esp32
{
    /// <summary>
    /// The status page as a file on the board's flash (I:\status.html, deployed by flash.ps1 -StatusPage from
    /// NanoBroker/Web/StatusPage.html), read a chunk at a time as it is sent: the page takes no heap, only the open
    /// file does. The file stays open while the broker runs (the page is read by one thread, the socket loop's).
    /// </summary>
    public sealed class FlashPage : IPageSource
    {
        /// <summary>Where flash.ps1 puts the page.</summary>
        public const string DefaultPath = "I:\\status.html";

        private readonly FileStream file;
        private readonly int length;

        private FlashPage(FileStream file)
        {
            this.file = file;
            length = (int)file.Length;
        }

        /// <summary>The page at <paramref name="path"/>, or null when there is none (the web port then answers 404 for it).</summary>
        public static FlashPage Open(string path)
        {
            if (!File.Exists(path))
            {
                return null;
            }
            return new FlashPage(new FileStream(path, FileMode.Open, FileAccess.Read));
        }

        /// <inheritdoc/>
        public int Length { get { return length; } }

        /// <inheritdoc/>
        public int Read(int offset, byte[] into, int at, int count)
        {
            try
            {
                file.Seek(offset, SeekOrigin.Begin);
                return file.Read(into, at, count);
            }
            catch (Exception)
            {
                // A flash read error ends this response early; the next request tries again.
                return 0;
            }
        }
    }
}
