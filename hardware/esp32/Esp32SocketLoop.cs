using System;
using System.Net.Sockets;
using NanoBroker.Net;

namespace NanoBroker.Esp32
{
    /// <summary>The portable socket loop on the board's monotonic clock (DateTime.UtcNow jumps when SNTP sets it).</summary>
    public sealed class Esp32SocketLoop : SocketLoop
    {
        public Esp32SocketLoop(Broker broker, Socket listener)
            : base(broker, listener)
        {
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
    }
}
