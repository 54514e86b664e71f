using System;
using System.Net;
using System.Net.Sockets;
using NanoBroker.MqttSn;

namespace NanoBroker.Esp32
{
    /// <summary>
    /// The MQTT-SN gateway's UDP socket on the board (mqttsn_port; off when 0): polled from the socket loop
    /// (<c>SocketLoop.OnIdle</c>), like the mDNS announcer, it never blocks. Uses nanoFramework.System.Net's Socket
    /// (Dgram/Udp, Bind, Poll, ReceiveFrom, SendTo, SetSocketOption Broadcast) and IPEndPoint.Address/Port, as declared
    /// in .ci/nanoframework/api-declarations. A socket error is logged and the gateway goes on: nothing here stops the broker.
    /// </summary>
    public sealed class MqttSnUdp : IDatagramSink
    {
        // A bounded number per pass: a flood of datagrams must not starve the broker's TCP sockets.
        private const int MaxDatagramsPerPoll = 8;

        private readonly Socket socket;
        private readonly MqttSnGateway gateway;
        private readonly IBrokerLog log;
        // One byte over the limit: a longer datagram arrives cut to it and the gateway drops it as malformed.
        private readonly byte[] received;
        private readonly byte[] ip = new byte[4];
        private readonly IPEndPoint broadcast;
        private EndPoint from = new IPEndPoint(IPAddress.Any, 0);
        private IPEndPoint lastTo;
        private long lastToKey = -1;

        public MqttSnUdp(Broker broker, MqttSnOptions options, IBrokerLog log, long now)
        {
            this.log = log;
            received = new byte[options.DatagramBytes + 1];
            socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Broadcast, true);
            socket.Bind(new IPEndPoint(IPAddress.Any, options.Port));
            broadcast = new IPEndPoint(new IPAddress(new byte[] { 255, 255, 255, 255 }), options.Port);
            gateway = new MqttSnGateway(broker, options, this, log, now);
        }

        /// <summary>Takes the datagrams waiting, then runs the gateway's timers and deliveries; returns at once.</summary>
        public void Poll(long now)
        {
            try
            {
                for (int n = 0; n < MaxDatagramsPerPoll && socket.Poll(0, SelectMode.SelectRead); n++)
                {
                    int count = socket.ReceiveFrom(received, 0, received.Length, SocketFlags.None, ref from);
                    IPEndPoint source = (IPEndPoint)from;
                    gateway.Received(SnAddress.Make(source.Address.GetAddressBytes(), source.Port), received, 0, count, now);
                }
            }
            catch (Exception e)
            {
                log.Warning("mqttsn: " + e.Message);
            }
            gateway.Poll(now);
        }

        public void Send(long address, byte[] buffer, int offset, int count)
        {
            if (address != lastToKey)
            {
                // Replies mostly go to the client that just spoke: its endpoint is made once per change.
                SnAddress.IpBytes(address, ip);
                lastTo = new IPEndPoint(new IPAddress(ip), SnAddress.Port(address));
                lastToKey = address;
            }
            SendTo(buffer, offset, count, lastTo);
        }

        public void Broadcast(byte[] buffer, int offset, int count)
        {
            SendTo(buffer, offset, count, broadcast);
        }

        private void SendTo(byte[] buffer, int offset, int count, EndPoint to)
        {
            try
            {
                socket.SendTo(buffer, offset, count, SocketFlags.None, to);
            }
            catch (Exception e)
            {
                log.Warning("mqttsn: send failed: " + e.Message);
            }
        }
    }
}
