using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace NanoBroker.Tests.Integration
{
    /// <summary>
    /// MQTT by hand over a plain socket, for what real clients will not do: end the connection without
    /// DISCONNECT at a chosen moment, or send malformed and oversized packets.
    /// </summary>
    public sealed class RawMqttClient : IDisposable
    {
        private readonly Socket socket;

        private RawMqttClient(Socket socket)
        {
            this.socket = socket;
        }

        public static Task<RawMqttClient> OpenAsync(TestBroker broker, CancellationToken cancel)
        {
            return OpenAsync(broker.Port, cancel);
        }

        /// <summary>Opens a connection to a broker on 127.0.0.1:<paramref name="port"/>.</summary>
        public static async Task<RawMqttClient> OpenAsync(int port, CancellationToken cancel)
        {
            Socket socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancel);
            return new RawMqttClient(socket);
        }

        public static Task<RawMqttClient> ConnectAsync(TestBroker broker, byte[] connectPacket, CancellationToken cancel, bool sessionPresent = false)
        {
            return ConnectAsync(broker.Port, connectPacket, cancel, sessionPresent);
        }

        /// <summary>Opens a connection, sends CONNECT and checks CONNACK accepts it.</summary>
        public static async Task<RawMqttClient> ConnectAsync(int port, byte[] connectPacket, CancellationToken cancel, bool sessionPresent = false)
        {
            RawMqttClient client = await OpenAsync(port, cancel);
            await client.SendAsync(connectPacket, cancel);
            Packet connAck = await client.ReadPacketAsync(TimeSpan.FromSeconds(5));
            Assert.IsNotNull(connAck, "the broker closed the connection instead of sending CONNACK");
            Assert.AreEqual(0x20, connAck.Header, "CONNACK fixed header");
            CollectionAssert.AreEqual(new byte[] { (byte)(sessionPresent ? 1 : 0), 0 }, connAck.Body, "CONNACK: session present " + sessionPresent + ", accepted");
            return client;
        }

        /// <summary>A SUBSCRIBE of one filter.</summary>
        public static byte[] Subscribe(int packetId, string filter, int qos)
        {
            List<byte> body = new List<byte> { (byte)(packetId >> 8), (byte)packetId };
            AddString(body, Encoding.UTF8.GetBytes(filter));
            body.Add((byte)qos);
            return Encode(0x82, body);
        }

        /// <summary>A PUBLISH; <paramref name="packetId"/> is written for QoS 1 and 2.</summary>
        public static byte[] Publish(string topic, byte[] payload, int qos, int packetId = 0, bool dup = false, bool retain = false)
        {
            List<byte> body = new List<byte>();
            AddString(body, Encoding.UTF8.GetBytes(topic));
            if (qos > 0)
            {
                body.Add((byte)(packetId >> 8));
                body.Add((byte)packetId);
            }
            body.AddRange(payload);
            return Encode((byte)(0x30 | (dup ? 0x08 : 0) | (qos << 1) | (retain ? 1 : 0)), body);
        }

        /// <summary>PUBACK, PUBREC, PUBREL (pass 0x62) or PUBCOMP: a header and a packet identifier.</summary>
        public static byte[] Ack(byte header, int packetId)
        {
            return new byte[] { header, 2, (byte)(packetId >> 8), (byte)packetId };
        }

        /// <summary>Reads a packet and fails the test unless its fixed header is <paramref name="header"/>.</summary>
        public async Task<Packet> ExpectPacketAsync(byte header, string what)
        {
            Packet packet = await ReadPacketAsync(TimeSpan.FromSeconds(5));
            Assert.IsNotNull(packet, "the broker closed the connection; expected " + what);
            Assert.AreEqual("0x" + header.ToString("X2"), "0x" + packet.Header.ToString("X2"), "fixed header of " + what);
            return packet;
        }

        /// <summary>Fails the test if the broker sends anything (or closes) within <paramref name="during"/>.</summary>
        public async Task ExpectSilenceAsync(TimeSpan during)
        {
            byte[] one = new byte[1];
            using CancellationTokenSource cancel = new CancellationTokenSource(during);
            try
            {
                int n = await socket.ReceiveAsync(one, SocketFlags.None, cancel.Token);
                Assert.Fail(n == 0 ? "the broker closed the connection" : "the broker sent a packet 0x" + one[0].ToString("X2") + " but nothing was expected");
            }
            catch (OperationCanceledException)
            {
            }
        }

        /// <summary>A CONNECT packet (MQTT 3.1.1 unless <paramref name="protocolName"/> and <paramref name="level"/> say otherwise).</summary>
        public static byte[] Connect(string clientId, bool cleanSession = true, int keepAliveSeconds = 60,
            string willTopic = null, byte[] willPayload = null, int willQos = 0, bool willRetain = false,
            string protocolName = "MQTT", byte level = 4, string user = null, string password = null)
        {
            List<byte> body = new List<byte>();
            AddString(body, Encoding.UTF8.GetBytes(protocolName));
            body.Add(level);
            int flags = cleanSession ? 0x02 : 0;
            if (willTopic != null)
            {
                flags |= 0x04 | (willQos << 3) | (willRetain ? 0x20 : 0);
            }
            flags |= (user != null ? 0x80 : 0) | (password != null ? 0x40 : 0);
            body.Add((byte)flags);
            body.Add((byte)(keepAliveSeconds >> 8));
            body.Add((byte)keepAliveSeconds);
            AddString(body, Encoding.UTF8.GetBytes(clientId));
            if (willTopic != null)
            {
                AddString(body, Encoding.UTF8.GetBytes(willTopic));
                AddString(body, willPayload ?? Array.Empty<byte>());
            }
            if (user != null)
            {
                AddString(body, Encoding.UTF8.GetBytes(user));
            }
            if (password != null)
            {
                AddString(body, Encoding.UTF8.GetBytes(password));
            }
            return Encode(0x10, body);
        }

        /// <summary>A fixed header (with the remaining length encoded as MQTT does) and a body.</summary>
        public static byte[] Encode(byte header, IReadOnlyCollection<byte> body)
        {
            List<byte> packet = new List<byte> { header };
            int remaining = body.Count;
            do
            {
                int digit = remaining % 128;
                remaining /= 128;
                packet.Add((byte)(remaining > 0 ? digit | 0x80 : digit));
            }
            while (remaining > 0);
            packet.AddRange(body);
            return packet.ToArray();
        }

        private static void AddString(List<byte> into, byte[] bytes)
        {
            into.Add((byte)(bytes.Length >> 8));
            into.Add((byte)bytes.Length);
            into.AddRange(bytes);
        }

        public async Task SendAsync(byte[] bytes, CancellationToken cancel)
        {
            await socket.SendAsync(bytes, SocketFlags.None, cancel);
        }

        /// <summary>The next packet, or null when the broker closed the connection; fails the test after <paramref name="timeout"/>.</summary>
        public async Task<Packet> ReadPacketAsync(TimeSpan timeout)
        {
            try
            {
                return await ReadPacketOrTimeOutAsync(timeout);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail("no packet and no close from the broker within " + timeout.TotalMilliseconds + " ms");
                return null;
            }
        }

        /// <summary>The next packet, or null when the broker closes the connection or sends nothing within <paramref name="timeout"/>.</summary>
        public async Task<Packet> TryReadPacketAsync(TimeSpan timeout)
        {
            try
            {
                return await ReadPacketOrTimeOutAsync(timeout);
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }

        private async Task<Packet> ReadPacketOrTimeOutAsync(TimeSpan timeout)
        {
            using CancellationTokenSource cancel = new CancellationTokenSource(timeout);
            byte[] header = new byte[1];
            if (!await ReadExactlyAsync(header, cancel.Token))
            {
                return null;
            }
            int remaining = 0;
            int multiplier = 1;
            byte[] digit = new byte[1];
            do
            {
                if (!await ReadExactlyAsync(digit, cancel.Token))
                {
                    return null;
                }
                remaining += (digit[0] & 0x7F) * multiplier;
                multiplier *= 128;
            }
            while ((digit[0] & 0x80) != 0);
            byte[] body = new byte[remaining];
            if (!await ReadExactlyAsync(body, cancel.Token))
            {
                return null;
            }
            return new Packet(header[0], body);
        }

        /// <summary>Fails the test unless the broker closes the connection within <paramref name="timeout"/> without sending anything.</summary>
        public async Task ExpectClosedAsync(TimeSpan timeout, string why)
        {
            Packet packet = await ReadPacketAsync(timeout);
            Assert.IsNull(packet, "expected the broker to close the connection (" + why + ") but it sent packet 0x" + packet?.Header.ToString("X2"));
        }

        // False when the connection ended first (closed or reset).
        private async Task<bool> ReadExactlyAsync(byte[] buffer, CancellationToken cancel)
        {
            int offset = 0;
            while (offset < buffer.Length)
            {
                int n;
                try
                {
                    n = await socket.ReceiveAsync(buffer.AsMemory(offset), SocketFlags.None, cancel);
                }
                catch (SocketException)
                {
                    return false;
                }
                if (n == 0)
                {
                    return false;
                }
                offset += n;
            }
            return true;
        }

        /// <summary>Ends the connection with FIN and no DISCONNECT: to the broker, the client's network went away.</summary>
        public void CloseWithoutDisconnect()
        {
            socket.Shutdown(SocketShutdown.Both);
            socket.Close();
        }

        /// <summary>Ends the connection with RST (linger 0): the abrupt end of a crashed peer.</summary>
        public void Abort()
        {
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }

        public void Dispose()
        {
            socket.Dispose();
        }

        public sealed record Packet(byte Header, byte[] Body)
        {
            /// <summary>The packet identifier of an acknowledgement (the first two body bytes).</summary>
            public int AckId { get { return (Body[0] << 8) | Body[1]; } }

            /// <summary>Of a PUBLISH: topic, packet identifier (0 at QoS 0) and payload.</summary>
            public (string Topic, int PacketId, byte[] Payload) ParsePublish()
            {
                int topicLength = (Body[0] << 8) | Body[1];
                string topic = Encoding.UTF8.GetString(Body, 2, topicLength);
                int p = 2 + topicLength;
                int packetId = 0;
                if (((Header >> 1) & 3) > 0)
                {
                    packetId = (Body[p] << 8) | Body[p + 1];
                    p += 2;
                }
                return (topic, packetId, Body[p..]);
            }
        }
    }
}
