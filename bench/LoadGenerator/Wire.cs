using System;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LoadGenerator
{
    /// <summary>Hand-written MQTT 3.1.1 packets (no client library) and a blocking socket helper; 5.0's are in <see cref="Wire5"/>.</summary>
    public static class Wire
    {
        public const int Connect = 1, ConnAck = 2, Publish = 3, PubAck = 4, PubRec = 5, PubRel = 6, PubComp = 7,
            Subscribe = 8, SubAck = 9, Unsubscribe = 10, PingReq = 12, PingResp = 13, Disconnect = 14;

        /// <summary>Writes the remaining length at <paramref name="at"/>; returns the bytes written (1 to 4).</summary>
        public static int WriteLength(byte[] b, int at, int length)
        {
            int n = 0;
            do
            {
                int digit = length % 128;
                length /= 128;
                if (length > 0) digit |= 0x80;
                b[at + n++] = (byte)digit;
            } while (length > 0);
            return n;
        }

        public static int LengthBytes(int length)
        {
            return length < 128 ? 1 : length < 16384 ? 2 : length < 2097152 ? 3 : 4;
        }

        /// <summary>Decodes the remaining length at b[at..end); -1 when incomplete. <paramref name="used"/> gets its size.</summary>
        public static int ReadLength(byte[] b, int at, int end, out int used)
        {
            int value = 0, multiplier = 1;
            used = 0;
            while (at + used < end)
            {
                int digit = b[at + used++];
                value += (digit & 0x7F) * multiplier;
                if ((digit & 0x80) == 0) return value;
                multiplier *= 128;
                if (used == 4) throw new InvalidOperationException("malformed remaining length from the broker");
            }
            return -1;
        }

        public static int WriteString(byte[] b, int at, byte[] s)
        {
            b[at] = (byte)(s.Length >> 8);
            b[at + 1] = (byte)s.Length;
            Buffer.BlockCopy(s, 0, b, at + 2, s.Length);
            return 2 + s.Length;
        }

        public static byte[] ConnectPacket(string clientId, int keepAliveSeconds)
        {
            return ConnectPacket(clientId, keepAliveSeconds, true);
        }

        public static byte[] ConnectPacket(string clientId, int keepAliveSeconds, bool cleanSession)
        {
            byte[] id = Encoding.UTF8.GetBytes(clientId);
            int remaining = 10 + 2 + id.Length;
            byte[] b = new byte[1 + LengthBytes(remaining) + remaining];
            b[0] = Connect << 4;
            int p = 1 + WriteLength(b, 1, remaining);
            p += WriteString(b, p, Encoding.ASCII.GetBytes("MQTT"));
            b[p++] = 4; // protocol level 3.1.1
            b[p++] = (byte)(cleanSession ? 0x02 : 0); // clean session
            b[p++] = (byte)(keepAliveSeconds >> 8);
            b[p++] = (byte)keepAliveSeconds;
            WriteString(b, p, id);
            return b;
        }

        public static byte[] SubscribePacket(int packetId, string[] filters, int qos)
        {
            byte[][] f = new byte[filters.Length][];
            int remaining = 2;
            for (int i = 0; i < filters.Length; i++)
            {
                f[i] = Encoding.UTF8.GetBytes(filters[i]);
                remaining += 2 + f[i].Length + 1;
            }
            byte[] b = new byte[1 + LengthBytes(remaining) + remaining];
            b[0] = (Subscribe << 4) | 0x02;
            int p = 1 + WriteLength(b, 1, remaining);
            b[p++] = (byte)(packetId >> 8);
            b[p++] = (byte)packetId;
            for (int i = 0; i < f.Length; i++)
            {
                p += WriteString(b, p, f[i]);
                b[p++] = (byte)qos;
            }
            return b;
        }

        public static byte[] UnsubscribePacket(int packetId, string filter)
        {
            byte[] f = Encoding.UTF8.GetBytes(filter);
            int remaining = 2 + 2 + f.Length;
            byte[] b = new byte[1 + LengthBytes(remaining) + remaining];
            b[0] = (Unsubscribe << 4) | 0x02;
            int p = 1 + WriteLength(b, 1, remaining);
            b[p++] = (byte)(packetId >> 8);
            b[p++] = (byte)packetId;
            WriteString(b, p, f);
            return b;
        }

        /// <summary>Size of a PUBLISH with this topic, QoS and payload size.</summary>
        public static int PublishSize(int topicBytes, int qos, int payload)
        {
            int remaining = 2 + topicBytes + (qos > 0 ? 2 : 0) + payload;
            return 1 + LengthBytes(remaining) + remaining;
        }

        /// <summary>
        /// Writes a PUBLISH at b[at]; the payload carries the publisher index, the sequence number and a
        /// Stopwatch timestamp (14 bytes), then filler. Returns the packet size.
        /// </summary>
        public static int WritePublish(byte[] b, int at, byte[] topic, int qos, int packetId, int payload, int publisher, int seq, long timestamp)
        {
            int remaining = 2 + topic.Length + (qos > 0 ? 2 : 0) + payload;
            b[at] = (byte)((Publish << 4) | (qos << 1));
            int p = at + 1 + WriteLength(b, at + 1, remaining);
            p += WriteString(b, p, topic);
            if (qos > 0)
            {
                b[p++] = (byte)(packetId >> 8);
                b[p++] = (byte)packetId;
            }
            WritePayload(b, p, payload, publisher, seq, timestamp);
            return p + payload - at;
        }

        /// <summary>A payload of <paramref name="payload"/> bytes at b[p]: publisher index, sequence number, Stopwatch timestamp (14 bytes), then filler.</summary>
        public static void WritePayload(byte[] b, int p, int payload, int publisher, int seq, long timestamp)
        {
            b[p] = (byte)(publisher >> 8);
            b[p + 1] = (byte)publisher;
            b[p + 2] = (byte)(seq >> 24);
            b[p + 3] = (byte)(seq >> 16);
            b[p + 4] = (byte)(seq >> 8);
            b[p + 5] = (byte)seq;
            for (int i = 0; i < 8; i++)
            {
                b[p + 6 + i] = (byte)(timestamp >> (56 - 8 * i));
            }
            for (int i = 14; i < payload; i++)
            {
                b[p + i] = (byte)i;
            }
        }

        public static int WriteAck(byte[] b, int at, int type, int packetId)
        {
            b[at] = (byte)((type << 4) | (type == PubRel ? 0x02 : 0));
            b[at + 1] = 2;
            b[at + 2] = (byte)(packetId >> 8);
            b[at + 3] = (byte)packetId;
            return 4;
        }

        public static Socket Open(IPEndPoint broker, int timeoutMs)
        {
            Socket s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            s.NoDelay = true;
            s.ReceiveTimeout = timeoutMs;
            s.SendTimeout = timeoutMs;
            s.Connect(broker);
            return s;
        }

        public static void SendAll(Socket s, byte[] b, int offset, int count)
        {
            while (count > 0)
            {
                int n = s.Send(b, offset, count, SocketFlags.None);
                offset += n;
                count -= n;
            }
        }

        /// <summary>Reads exactly count bytes; false when the broker closed the connection.</summary>
        public static bool ReadExactly(Socket s, byte[] b, int count)
        {
            int got = 0;
            while (got < count)
            {
                int n = s.Receive(b, got, count - got, SocketFlags.None);
                if (n <= 0) return false;
                got += n;
            }
            return true;
        }

        /// <summary>Connects and sends CONNECT; returns the CONNACK return code, or -1 when the broker closed the connection.</summary>
        public static int Handshake(Socket s, string clientId)
        {
            byte[] connect = ConnectPacket(clientId, 120);
            SendAll(s, connect, 0, connect.Length);
            byte[] ack = new byte[4];
            if (!ReadExactly(s, ack, 4)) return -1;
            if (ack[0] != ConnAck << 4 || ack[1] != 2) throw new InvalidOperationException("expected CONNACK, got 0x" + ack[0].ToString("x2"));
            return ack[3];
        }

        /// <summary>
        /// SUBSCRIBE and wait for the SUBACKs; throws unless every filter was granted. Many filters go in
        /// SUBSCRIBE packets of up to 100 (packet identifiers 1, 2, ...), all sent before the first SUBACK is read.
        /// </summary>
        public static void SubscribeAndWait(Socket s, string[] filters, int qos)
        {
            const int perPacket = 100; // so a SUBACK's remaining length (2 + 100) fits in one byte
            int packets = (filters.Length + perPacket - 1) / perPacket;
            for (int k = 0; k < packets; k++)
            {
                string[] part = new string[Math.Min(perPacket, filters.Length - k * perPacket)];
                Array.Copy(filters, k * perPacket, part, 0, part.Length);
                byte[] sub = SubscribePacket(k + 1, part, qos);
                SendAll(s, sub, 0, sub.Length);
            }
            byte[] head = new byte[2];
            for (int k = 0; k < packets; k++)
            {
                if (!ReadExactly(s, head, 2)) throw new InvalidOperationException("connection closed before SUBACK");
                if (head[0] != SubAck << 4) throw new InvalidOperationException("expected SUBACK, got 0x" + head[0].ToString("x2"));
                byte[] body = new byte[head[1]];
                if (!ReadExactly(s, body, body.Length)) throw new InvalidOperationException("connection closed in SUBACK");
                if ((body[0] << 8 | body[1]) != k + 1) throw new InvalidOperationException("SUBACK for packet " + (body[0] << 8 | body[1]) + ", expected " + (k + 1));
                for (int i = 2; i < body.Length; i++)
                {
                    if (body[i] != qos) throw new InvalidOperationException("SUBACK granted 0x" + body[i].ToString("x2") + " instead of QoS " + qos);
                }
            }
        }
    }
}
