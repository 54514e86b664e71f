using System;
using System.Net.Sockets;
using NanoBroker.Net;

namespace NanoBroker.Esp32
{
    /// <summary>The portable socket loop on the board's monotonic clock (DateTime.UtcNow jumps when SNTP sets it).</summary>
    public sealed class Esp32SocketLoop : SocketLoop
    {
        private readonly MdnsAnnouncer mdns;

        /// <param name="mdns">The mDNS responder polled on each pass, or null.</param>
        public Esp32SocketLoop(Broker broker, Socket listener, MdnsAnnouncer mdns)
            : base(broker, listener)
        {
            this.mdns = mdns;
        }

        /// <summary>Milliseconds since boot (nanoFramework.Runtime.Native).</summary>
        public static long Now()
        {
            return Environment.TickCount64;
        }

        protected override long NowMs()
        {
            return Now();
        }

        protected override void OnIdle(long now)
        {
            if (mdns != null)
            {
                mdns.Poll(now);
            }
        }
    }
}
