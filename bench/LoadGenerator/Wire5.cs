using System;
using System.Net.Sockets;
using System.Text;

namespace LoadGenerator
{
    /// <summary>
    /// Hand-written MQTT 5.0 packets beside <see cref="Wire"/>'s 3.1.1 ones (same layout plus property blocks and
    /// reason codes), and the readers of what a 5.0 broker sends back. Packets the two versions share (PINGREQ,
    /// a DISCONNECT without reason code, acknowledgements with reason code 0 and no properties) stay in Wire.
    /// </summary>
    public static class Wire5
    {
        public const int Level = 5;

        // Property identifiers [MQTT 5.0, 2.2.2.2].
        public const int MessageExpiryInterval = 0x02, ContentType = 0x03, SessionExpiryInterval = 0x11,
            ReceiveMaximum = 0x21, TopicAliasMaximum = 0x22, TopicAlias = 0x23, MaximumQos = 0x24, UserProperty = 0x26;

        /// <summary>CONNECT at protocol level 5; a Session Expiry Interval when <paramref name="sessionExpiry"/> is above 0.</summary>
        public static byte[] ConnectPacket(string clientId, int keepAliveSeconds, bool cleanStart, int sessionExpiry)
        {
            byte[] id = Encoding.UTF8.GetBytes(clientId);
            int properties = sessionExpiry > 0 ? 5 : 0;
            int remaining = 10 + 1 + properties + 2 + id.Length;
            byte[] b = new byte[1 + Wire.LengthBytes(remaining) + remaining];
            b[0] = Wire.Connect << 4;
            int p = 1 + Wire.WriteLength(b, 1, remaining);
            p += Wire.WriteString(b, p, Encoding.ASCII.GetBytes("MQTT"));
            b[p++] = Level;
            b[p++] = (byte)(cleanStart ? 0x02 : 0);
            b[p++] = (byte)(keepAliveSeconds >> 8);
            b[p++] = (byte)keepAliveSeconds;
            b[p++] = (byte)properties;
            if (sessionExpiry > 0)
            {
                b[p++] = SessionExpiryInterval;
                p += WriteUInt32(b, p, sessionExpiry);
            }
            Wire.WriteString(b, p, id);
            return b;
        }

        /// <summary>SUBSCRIBE with an empty property block; each filter's options byte is the QoS alone (no-local, retain-as-published and retain handling 0).</summary>
        public static byte[] SubscribePacket(int packetId, string[] filters, int qos)
        {
            byte[][] f = new byte[filters.Length][];
            int remaining = 2 + 1;
            for (int i = 0; i < filters.Length; i++)
            {
                f[i] = Encoding.UTF8.GetBytes(filters[i]);
                remaining += 2 + f[i].Length + 1;
            }
            byte[] b = new byte[1 + Wire.LengthBytes(remaining) + remaining];
            b[0] = (Wire.Subscribe << 4) | 0x02;
            int p = 1 + Wire.WriteLength(b, 1, remaining);
            b[p++] = (byte)(packetId >> 8);
            b[p++] = (byte)packetId;
            b[p++] = 0;
            for (int i = 0; i < f.Length; i++)
            {
                p += Wire.WriteString(b, p, f[i]);
                b[p++] = (byte)qos;
            }
            return b;
        }

        /// <summary>Size of a 5.0 PUBLISH with this topic, QoS, property block (without its length) and payload size.</summary>
        public static int PublishSize(int topicBytes, int qos, int propertyBytes, int payload)
        {
            int remaining = 2 + topicBytes + (qos > 0 ? 2 : 0) + Wire.LengthBytes(propertyBytes) + propertyBytes + payload;
            return 1 + Wire.LengthBytes(remaining) + remaining;
        }

        /// <summary>
        /// Writes a 5.0 PUBLISH at b[at]: <see cref="Wire.WritePublish"/>'s layout with <paramref name="properties"/>
        /// (an encoded property block, possibly empty) after the packet identifier. An empty topic goes with a Topic
        /// Alias in the properties. Returns the packet size.
        /// </summary>
        public static int WritePublish(byte[] b, int at, byte[] topic, int qos, int packetId, byte[] properties, int payload, int publisher, int seq, long timestamp)
        {
            int remaining = 2 + topic.Length + (qos > 0 ? 2 : 0) + Wire.LengthBytes(properties.Length) + properties.Length + payload;
            b[at] = (byte)((Wire.Publish << 4) | (qos << 1));
            int p = at + 1 + Wire.WriteLength(b, at + 1, remaining);
            p += Wire.WriteString(b, p, topic);
            if (qos > 0)
            {
                b[p++] = (byte)(packetId >> 8);
                b[p++] = (byte)packetId;
            }
            p += Wire.WriteLength(b, p, properties.Length);
            Buffer.BlockCopy(properties, 0, b, p, properties.Length);
            p += properties.Length;
            Wire.WritePayload(b, p, payload, publisher, seq, timestamp);
            return p + payload - at;
        }

        /// <summary>A property block holding one Topic Alias.</summary>
        public static byte[] AliasProperty(int alias)
        {
            return new byte[] { TopicAlias, (byte)(alias >> 8), (byte)alias };
        }

        public static int WriteUInt32(byte[] b, int at, int value)
        {
            b[at] = (byte)(value >> 24);
            b[at + 1] = (byte)(value >> 16);
            b[at + 2] = (byte)(value >> 8);
            b[at + 3] = (byte)value;
            return 4;
        }

        /// <summary>
        /// Reads one whole packet: its first byte and its body (into <paramref name="body"/>, grown when too small).
        /// Returns the body length, or -1 when the broker closed the connection first.
        /// </summary>
        public static int ReadPacket(Socket s, ref byte[] body, out int first)
        {
            // Type and the first length byte in one read, as Wire's 3.1.1 readers do; more length bytes one by one.
            byte[] head = new byte[2];
            first = 0;
            if (!Wire.ReadExactly(s, head, 2)) return -1;
            first = head[0];
            int length = head[1] & 0x7F, multiplier = 128;
            for (int i = 1; (head[1] & 0x80) != 0; i++)
            {
                if (i == 4) throw new InvalidOperationException("malformed remaining length from the broker");
                if (!Wire.ReadExactly(s, head, 1)) return -1;
                head[1] = head[0];
                length += (head[1] & 0x7F) * multiplier;
                multiplier *= 128;
            }
            if (body.Length < length) body = new byte[length];
            return Wire.ReadExactly(s, body, length) ? length : -1;
        }

        /// <summary>
        /// Sends <paramref name="connect"/> and reads the CONNACK with its 5.0 limits. A 3.1.1-shaped CONNACK (2 bytes, no
        /// property block: what a broker that refuses 5.0 may answer) gives its return code; null when the broker closed the connection.
        /// </summary>
        public static ConnAck Handshake(Socket s, byte[] connect)
        {
            Wire.SendAll(s, connect, 0, connect.Length);
            byte[] body = new byte[64];
            int first;
            int length = ReadPacket(s, ref body, out first);
            if (length < 0) return null;
            if (first != Wire.ConnAck << 4 || length < 2) throw new InvalidOperationException("expected CONNACK, got 0x" + first.ToString("x2"));
            ConnAck a = new ConnAck { SessionPresent = (body[0] & 1) != 0, Code = body[1] };
            if (length == 2) return a;
            int used;
            int properties = Wire.ReadLength(body, 2, length, out used);
            int p = 2 + used, end = p + properties;
            if (properties < 0 || end > length) throw new InvalidOperationException("CONNACK with a malformed property block");
            while (p < end)
            {
                int id = body[p++];
                switch (id)
                {
                    case ReceiveMaximum: a.ReceiveMaximum = body[p] << 8 | body[p + 1]; break;
                    case TopicAliasMaximum: a.TopicAliasMaximum = body[p] << 8 | body[p + 1]; break;
                    case MaximumQos: a.MaximumQos = body[p]; break;
                }
                int size = PropertySize(id, body, p, end);
                if (size < 0) throw new InvalidOperationException("CONNACK with property 0x" + id.ToString("x2") + " this reader does not know");
                p += size;
            }
            return a;
        }

        /// <summary>
        /// SUBSCRIBE and wait for the SUBACKs (packets of up to 100 filters, as <see cref="Wire.SubscribeAndWait"/>);
        /// throws unless every filter was granted <paramref name="qos"/> (5.0's reason codes 0 to 2 are the granted QoS).
        /// </summary>
        public static void SubscribeAndWait(Socket s, string[] filters, int qos)
        {
            const int perPacket = 100;
            int packets = (filters.Length + perPacket - 1) / perPacket;
            for (int k = 0; k < packets; k++)
            {
                string[] part = new string[Math.Min(perPacket, filters.Length - k * perPacket)];
                Array.Copy(filters, k * perPacket, part, 0, part.Length);
                byte[] sub = SubscribePacket(k + 1, part, qos);
                Wire.SendAll(s, sub, 0, sub.Length);
            }
            byte[] body = new byte[256];
            for (int k = 0; k < packets; k++)
            {
                int first;
                int length = ReadPacket(s, ref body, out first);
                if (length < 0) throw new InvalidOperationException("connection closed before SUBACK");
                if (first != Wire.SubAck << 4) throw new InvalidOperationException("expected SUBACK, got 0x" + first.ToString("x2"));
                if ((body[0] << 8 | body[1]) != k + 1) throw new InvalidOperationException("SUBACK for packet " + (body[0] << 8 | body[1]) + ", expected " + (k + 1));
                int used;
                int properties = Wire.ReadLength(body, 2, length, out used);
                int codes = 2 + used + properties;
                if (properties < 0 || length - codes != Math.Min(perPacket, filters.Length - k * perPacket))
                {
                    throw new InvalidOperationException("SUBACK with " + (length - codes) + " reason codes for " + Math.Min(perPacket, filters.Length - k * perPacket) + " filters");
                }
                for (int i = codes; i < length; i++)
                {
                    if (body[i] != qos) throw new InvalidOperationException("SUBACK reason code 0x" + body[i].ToString("x2") + " instead of QoS " + qos);
                }
            }
        }

        /// <summary>
        /// Bytes of the value of property <paramref name="id"/> at b[at] (the identifier already read), or -1 for an
        /// identifier 5.0 does not define; user properties and strings by their length prefixes.
        /// </summary>
        public static int PropertySize(int id, byte[] b, int at, int end)
        {
            switch (id)
            {
                case 0x01: case 0x17: case 0x19: case 0x24: case 0x25: case 0x28: case 0x29: case 0x2A:
                    return 1;
                case 0x13: case 0x21: case 0x22: case 0x23:
                    return 2;
                case 0x02: case 0x11: case 0x18: case 0x27:
                    return 4;
                case 0x0B:
                    int used;
                    return Wire.ReadLength(b, at, end, out used) < 0 ? -1 : used;
                case 0x03: case 0x08: case 0x09: case 0x12: case 0x15: case 0x16: case 0x1A: case 0x1C: case 0x1F:
                    return 2 + (b[at] << 8 | b[at + 1]);
                case UserProperty:
                    int name = 2 + (b[at] << 8 | b[at + 1]);
                    return name + 2 + (b[at + name] << 8 | b[at + name + 1]);
                default:
                    return -1;
            }
        }
    }

    /// <summary>What a 5.0 CONNACK said: its reason code and the limits the load generator keeps to.</summary>
    public sealed class ConnAck
    {
        public int Code;
        public bool SessionPresent;

        /// <summary>Aliases a client may set on its PUBLISH packets (0: none; absent in the CONNACK means 0).</summary>
        public int TopicAliasMaximum;

        /// <summary>QoS 1/2 PUBLISH packets a client may have unacknowledged (absent means 65,535).</summary>
        public int ReceiveMaximum = 65535;

        public int MaximumQos = 2;
    }
}
