using System;
using System.Net.Sockets;
using NanoBroker.Net;

namespace NanoBroker.Esp32
{
    /// <summary>
    /// The portable socket loop on the board's monotonic clock (DateTime.UtcNow jumps when SNTP sets it), with
    /// the TLS listener's connections in some of its slots and the mDNS responder polled between passes.
    /// </summary>
    public sealed class Esp32SocketLoop : SocketLoop
    {
        private readonly Esp32TlsListener tls;
        private readonly MdnsAnnouncer mdns;
        private readonly Esp32BridgeLink[] bridges;

        /// <param name="listener">The plain MQTT listener, or null for TLS only.</param>
        /// <param name="tls">The TLS listener, or null.</param>
        /// <param name="mdns">The mDNS responder, or null.</param>
        /// <param name="bridges">The bridges to upstream brokers (none: an empty array).</param>
        public Esp32SocketLoop(Broker broker, Socket listener, Esp32TlsListener tls, MdnsAnnouncer mdns, Esp32BridgeLink[] bridges)
            : base(broker, listener)
        {
            this.tls = tls;
            this.mdns = mdns;
            this.bridges = bridges;
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

        protected override bool IsReadable(int slot)
        {
            return IsTls(slot) ? tls.IsReadable(slot, Sockets[slot]) : base.IsReadable(slot);
        }

        protected override int Receive(int slot, byte[] buffer, int offset, int count)
        {
            return IsTls(slot) ? tls.Receive(slot, buffer, offset, count) : base.Receive(slot, buffer, offset, count);
        }

        protected override int TrySend(int slot, byte[] buffer, int offset, int count)
        {
            if (IsTls(slot))
            {
                return tls.AwaitsHandshake(slot) ? 0 : tls.TrySend(slot, Sockets[slot], buffer, offset, count);
            }
            return base.TrySend(slot, buffer, offset, count);
        }

        protected override void CloseSocket(int slot)
        {
            if (IsTls(slot))
            {
                tls.Close(slot, Sockets[slot]);
                return;
            }
            base.CloseSocket(slot);
        }

        /// <summary>The MQTT-SN gateway's UDP socket (mqttsn_port), polled after the sends of each pass; null when off.</summary>
        public MqttSnUdp MqttSn;

        // A year no SNTP answer can be older than: DateTime.UtcNow before SNTP starts at the firmware's epoch.
        private const int ClockSetYear = 2025;
        private bool unixClockSet;

        protected override void OnIdle(long now)
        {
            for (int i = 0; i < bridges.Length; i++)
            {
                bridges[i].Step(now);
            }
            if (!unixClockSet && DateTime.UtcNow.Year >= ClockSetYear)
            {
                // SNTP has set the clock: token expiry can be checked from now on.
                Broker.SetUnixTime((DateTime.UtcNow.Ticks - UnixEpochTicks) / TimeSpan.TicksPerMillisecond, now);
                unixClockSet = true;
            }
            if (tls != null)
            {
                AcceptTls(now);
            }
            if (mdns != null)
            {
                mdns.Poll(now);
            }
            if (MqttSn != null)
            {
                MqttSn.Poll(now);
            }
        }

        // DateTime's ticks at 1970-01-01T00:00:00Z.
        private const long UnixEpochTicks = 621355968000000000;

        private bool IsTls(int slot)
        {
            return tls != null && tls.Owns(slot);
        }

        private void AcceptTls(long now)
        {
            Socket socket;
            while ((socket = tls.Accept()) != null)
            {
                int slot = Admit(socket, now);
                if (slot >= 0)
                {
                    tls.Adopt(slot);
                }
            }
            for (int slot = 0; slot < Sockets.Length; slot++)
            {
                if (Sockets[slot] != null && tls.AwaitsHandshake(slot) && !tls.TryHandshake(slot, Sockets[slot]))
                {
                    CloseSlot(slot, now);
                }
            }
        }
    }
}
