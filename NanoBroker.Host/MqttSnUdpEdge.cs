using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using NanoBroker.MqttSn;

namespace NanoBroker.Host
{
    /// <summary>
    /// The MQTT-SN gateway's UDP edge on the desktop: one socket on mqttsn_port. A receive thread copies each datagram
    /// into a preallocated ring and wakes the socket loop; on the loop's thread (<see cref="Poll"/>, the loop's idle
    /// work) the gateway takes them, runs its timers and sends its replies with SendTo. A full ring drops the datagram
    /// (<see cref="Overruns"/>); MQTT-SN's retransmissions recover QoS 1 and 2.
    /// </summary>
    public sealed class MqttSnUdpEdge : IDatagramSink, IDisposable
    {
        private const int RingSlots = 256;

        private readonly Socket socket;
        private readonly Thread receiver;
        private readonly byte[][] ring = new byte[RingSlots][];
        private readonly int[] lengths = new int[RingSlots];
        private readonly long[] sources = new long[RingSlots];
        private readonly object gate = new object();
        private readonly IPEndPoint broadcast;
        private readonly IBrokerLog log;
        private readonly Action wake;
        private readonly byte[] address = new byte[4];
        private readonly IPEndPoint[] endpoints = new IPEndPoint[16];
        private readonly long[] endpointKeys = new long[16];
        private int head;
        private int count;
        private int nextEndpoint;
        private volatile bool stopping;
        private bool passAgain;

        /// <summary>The gateway (read its Stats when the loop is stopped).</summary>
        public MqttSnGateway Gateway { get; private set; }

        /// <summary>Datagrams dropped because the ring was full.</summary>
        public long Overruns;

        /// <summary>Where the socket is bound (the real port when 0 was asked for).</summary>
        public IPEndPoint Endpoint { get; }

        /// <summary>
        /// Binds UDP <paramref name="bind"/>:<paramref name="options"/>.Port (IPv4: MQTT-SN clients are keyed by IPv4
        /// address, <see cref="SnAddress"/>); <paramref name="wake"/> ends the loop's wait.
        /// </summary>
        public MqttSnUdpEdge(IPAddress bind, Broker broker, MqttSnOptions options, IBrokerLog log, Action wake)
        {
            this.log = log;
            this.wake = wake;
            for (int i = 0; i < RingSlots; i++)
            {
                ring[i] = new byte[options.DatagramBytes + 1];
            }
            socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            socket.EnableBroadcast = true;
            socket.ReceiveBufferSize = 1 << 20;
            try
            {
                socket.Bind(new IPEndPoint(bind.AddressFamily == AddressFamily.InterNetwork ? bind : IPAddress.Any, options.Port));
            }
            catch (SocketException e)
            {
                socket.Close();
                throw new ArgumentException("--mqttsn-port " + options.Port + ": cannot listen on UDP " + bind + ":" + options.Port + " (" + e.SocketErrorCode + ")");
            }
            Endpoint = (IPEndPoint)socket.LocalEndPoint;
            broadcast = new IPEndPoint(IPAddress.Broadcast, Endpoint.Port);
            Gateway = new MqttSnGateway(broker, options, this, log, 0);
            receiver = new Thread(Receive) { IsBackground = true, Name = "nanobroker-mqttsn" };
        }

        public void Start()
        {
            receiver.Start();
        }

        // The receive thread: blocking ReceiveFrom into the ring; a datagram longer than mqttsn_datagram_bytes arrives
        // one byte over the limit (the slot's extra byte) and the gateway drops it as malformed.
        private void Receive()
        {
            byte[] buffer = new byte[65536];
            EndPoint from = new IPEndPoint(IPAddress.Any, 0);
            while (!stopping)
            {
                int n;
                try
                {
                    n = socket.ReceiveFrom(buffer, 0, buffer.Length, SocketFlags.None, ref from);
                }
                catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset || e.SocketErrorCode == SocketError.MessageSize)
                {
                    continue;
                }
                catch (Exception)
                {
                    return;
                }
                IPEndPoint ip = (IPEndPoint)from;
                lock (gate)
                {
                    if (count == RingSlots)
                    {
                        Overruns++;
                        continue;
                    }
                    int slot = (head + count) % RingSlots;
                    int keep = Math.Min(n, ring[slot].Length);
                    Buffer.BlockCopy(buffer, 0, ring[slot], 0, keep);
                    lengths[slot] = keep;
                    sources[slot] = SnAddress.Make(ip.Address.MapToIPv4().GetAddressBytes(), ip.Port);
                    count++;
                }
                wake();
            }
        }

        /// <summary>On the loop's thread, once per pass: the datagrams received, then the gateway's timers and deliveries.</summary>
        public void Poll(long now)
        {
            bool any = false;
            while (true)
            {
                int slot;
                lock (gate)
                {
                    if (count == 0)
                    {
                        break;
                    }
                    slot = head;
                }
                Gateway.Received(sources[slot], ring[slot], 0, lengths[slot], now);
                any = true;
                lock (gate)
                {
                    head = (head + 1) % RingSlots;
                    count--;
                }
            }
            Gateway.Poll(now);
            // This runs after the loop's sends: what the datagrams routed to MQTT clients goes out on the next pass,
            // which must not wait for a socket event (Pending).
            passAgain = any;
        }

        /// <summary>For the loop, before it waits: datagrams are waiting, or the last pass routed some that are not sent yet.</summary>
        public bool Pending()
        {
            lock (gate)
            {
                return count > 0 || passAgain;
            }
        }

        public void Send(long to, byte[] buffer, int offset, int length)
        {
            try
            {
                socket.SendTo(buffer, offset, length, SocketFlags.None, EndpointOf(to));
            }
            catch (SocketException e)
            {
                log.Warning("mqttsn: send to " + SnAddress.ToText(to) + " failed: " + e.SocketErrorCode);
            }
        }

        public void Broadcast(byte[] buffer, int offset, int length)
        {
            try
            {
                socket.SendTo(buffer, offset, length, SocketFlags.None, broadcast);
            }
            catch (SocketException e)
            {
                log.Warning("mqttsn: ADVERTISE broadcast failed: " + e.SocketErrorCode);
            }
        }

        // The few peers the gateway talks to, their endpoints made once.
        private IPEndPoint EndpointOf(long key)
        {
            for (int i = 0; i < endpoints.Length; i++)
            {
                if (endpoints[i] != null && endpointKeys[i] == key)
                {
                    return endpoints[i];
                }
            }
            SnAddress.IpBytes(key, address);
            IPEndPoint made = new IPEndPoint(new IPAddress(address), SnAddress.Port(key));
            endpoints[nextEndpoint] = made;
            endpointKeys[nextEndpoint] = key;
            nextEndpoint = (nextEndpoint + 1) % endpoints.Length;
            return made;
        }

        public void Dispose()
        {
            stopping = true;
            socket.Close();
            if (receiver.IsAlive)
            {
                receiver.Join(1000);
            }
        }
    }
}
