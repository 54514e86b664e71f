namespace NanoBroker.Web
{
    /// <summary>
    /// The HTTP port's shared parts: a session per client it may hold at once (MQTT over WebSockets or the status
    /// page), all allocated here, where the page is read from and the SHA-1 of the handshakes. A client beyond the limit gets no
    /// session (the socket loop closes it).
    /// </summary>
    public sealed class WebPort
    {
        private readonly WebSocketSession[] sessions;
        private readonly bool[] used;

        /// <param name="options">The port's settings (<see cref="WebOptions.MaxClients"/> sessions are allocated here).</param>
        /// <param name="page">The status page (UTF-8 HTML), or null for none (404).</param>
        public WebPort(WebOptions options, IPageSource page)
        {
            MaxRequestBytes = options.MaxRequestBytes;
            MaxFrameBytes = options.MaxFrameBytes;
            TimeoutMs = options.TimeoutMs;
            Page = page;
            sessions = new WebSocketSession[options.MaxClients];
            used = new bool[options.MaxClients];
            for (int i = 0; i < sessions.Length; i++)
            {
                sessions[i] = new WebSocketSession(this);
            }
        }

        /// <summary>The most bytes of a request head.</summary>
        public int MaxRequestBytes { get; private set; }

        /// <summary>The largest frame payload accepted.</summary>
        public long MaxFrameBytes { get; private set; }

        /// <summary>The request and closing timeout.</summary>
        public int TimeoutMs { get; private set; }

        /// <summary>The status page, or null.</summary>
        public IPageSource Page { get; private set; }

        internal readonly Sha1 Sha1 = new Sha1();

        internal readonly byte[] Scratch = new byte[HttpWriter.AcceptInputBytes + Sha1.HashBytes];

        /// <summary>A free session, started at <paramref name="now"/>; null when all are in use.</summary>
        public WebSocketSession Take(long now)
        {
            for (int i = 0; i < sessions.Length; i++)
            {
                if (!used[i])
                {
                    used[i] = true;
                    sessions[i].Start(now);
                    return sessions[i];
                }
            }
            return null;
        }

        /// <summary>Gives a session back when its connection is closed.</summary>
        public void Release(WebSocketSession session)
        {
            for (int i = 0; i < sessions.Length; i++)
            {
                if (sessions[i] == session)
                {
                    used[i] = false;
                }
            }
        }
    }
}
