namespace NanoBroker.Web
{
    /// <summary>A status page held in an array (the desktop host's, embedded in it).</summary>
    public sealed class PageBytes : IPageSource
    {
        private readonly byte[] page;

        public PageBytes(byte[] page)
        {
            this.page = page;
        }

        /// <inheritdoc/>
        public int Length { get { return page.Length; } }

        /// <inheritdoc/>
        public int Read(int offset, byte[] into, int at, int count)
        {
            int n = page.Length - offset < count ? page.Length - offset : count;
            if (n <= 0)
            {
                return 0;
            }
            System.Array.Copy(page, offset, into, at, n);
            return n;
        }
    }
}
