using System.IO;

namespace NanoBroker.Host
{
    /// <summary>The status page (NanoBroker/Web/StatusPage.html), embedded in the host as it is kept in the repository.</summary>
    public static class StatusPage
    {
        private static byte[] bytes;

        /// <summary>The page's UTF-8 bytes, read once.</summary>
        public static byte[] Bytes()
        {
            if (bytes == null)
            {
                using Stream stream = typeof(StatusPage).Assembly.GetManifestResourceStream("StatusPage.html");
                using MemoryStream copy = new MemoryStream();
                stream.CopyTo(copy);
                bytes = copy.ToArray();
            }
            return bytes;
        }
    }
}
