using NanoBroker.Protocol;

namespace NanoBroker.Bridge
{
    /// <summary>
    /// The packets the bridge sends as a client, upstream (MQTT 3.1.1) and to its local session (MQTT 5.0): each a
    /// SizeOf that measures and a Write that writes exactly that many bytes, as the engine's encoders do.
    /// </summary>
    public static class ClientPackets
    {
        /// <summary>Protocol level of MQTT 3.1.1 and 5.0 in CONNECT; mosquitto's bridge flag is OR'ed into it (try_private).</summary>
        public const int Level311 = 4;
        public const int Level5 = 5;
        public const int BridgeFlag = 0x80;

        /// <summary>SUBSCRIBE options of MQTT 5.0 (section 3.8.3.1): No Local and Retain As Published.</summary>
        public const int NoLocal = 0x04;
        public const int RetainAsPublished = 0x08;

        private static readonly byte[] ProtocolName = { 0, 4, (byte)'M', (byte)'Q', (byte)'T', (byte)'T' };

        // Session Expiry Interval (0x11) of 0xFFFFFFFF: the local session never expires [MQTT-3.1.2-23].
        private static readonly byte[] NeverExpire = { 5, 0x11, 0xFF, 0xFF, 0xFF, 0xFF };

        /// <summary>
        /// The size of a CONNECT; <paramref name="mqtt5"/> adds a property block: a Session Expiry Interval that never ends
        /// when the session is kept, and a Receive Maximum when <paramref name="receiveMaximum"/> is above 0.
        /// </summary>
        public static int SizeOfConnect(bool mqtt5, bool cleanSession, int receiveMaximum, byte[] clientId, byte[] username, byte[] password)
        {
            return SizeOf(BodyOfConnect(mqtt5, cleanSession, receiveMaximum, clientId, username, password));
        }

        private static int BodyOfConnect(bool mqtt5, bool cleanSession, int receiveMaximum, byte[] clientId, byte[] username, byte[] password)
        {
            int properties = mqtt5 ? 1 + (cleanSession ? 0 : NeverExpire.Length - 1) + (receiveMaximum > 0 ? 3 : 0) : 0;
            return ProtocolName.Length + 1 + 1 + 2 + properties + 2 + clientId.Length
                + (username != null ? 2 + username.Length : 0) + (password != null ? 2 + password.Length : 0);
        }

        /// <summary>Writes a CONNECT (section 3.1) at <paramref name="at"/>; <paramref name="level"/> may carry <see cref="BridgeFlag"/>.</summary>
        public static void WriteConnect(byte[] b, int at, int level, bool cleanSession, int keepAliveSeconds, int receiveMaximum, byte[] clientId, byte[] username, byte[] password)
        {
            bool mqtt5 = (level & 0x7F) == Level5;
            b[at] = PacketType.Connect << 4;
            int p = Wire.WriteVarInt(b, at + 1, BodyOfConnect(mqtt5, cleanSession, receiveMaximum, clientId, username, password));
            System.Array.Copy(ProtocolName, 0, b, p, ProtocolName.Length);
            p += ProtocolName.Length;
            b[p++] = (byte)level;
            int flags = (cleanSession ? 0x02 : 0) | (username != null ? 0x80 : 0) | (password != null ? 0x40 : 0);
            b[p++] = (byte)flags;
            Wire.WriteUInt16(b, p, keepAliveSeconds);
            p += 2;
            if (mqtt5)
            {
                b[p++] = (byte)((cleanSession ? 0 : NeverExpire.Length - 1) + (receiveMaximum > 0 ? 3 : 0));
                if (!cleanSession)
                {
                    System.Array.Copy(NeverExpire, 1, b, p, NeverExpire.Length - 1);
                    p += NeverExpire.Length - 1;
                }
                if (receiveMaximum > 0)
                {
                    b[p++] = PropertyId.ReceiveMaximum;
                    Wire.WriteUInt16(b, p, receiveMaximum);
                    p += 2;
                }
            }
            p = Wire.WriteField(b, p, clientId, 0, clientId.Length);
            if (username != null)
            {
                p = Wire.WriteField(b, p, username, 0, username.Length);
            }
            if (password != null)
            {
                Wire.WriteField(b, p, password, 0, password.Length);
            }
        }

        /// <summary>The size of one SUBSCRIBE holding the filters of the rules going <paramref name="direction"/>.</summary>
        public static int SizeOfSubscribe(bool mqtt5, BridgeRule[] rules, BridgeDirection direction, bool local)
        {
            return SizeOf(BodyOfSubscribe(mqtt5, rules, direction, local));
        }

        private static int BodyOfSubscribe(bool mqtt5, BridgeRule[] rules, BridgeDirection direction, bool local)
        {
            int body = 2 + (mqtt5 ? 1 : 0);
            for (int i = 0; i < rules.Length; i++)
            {
                if ((rules[i].Direction & direction) != 0)
                {
                    body += 2 + (local ? rules[i].LocalFilter.Length : rules[i].RemoteFilter.Length) + 1;
                }
            }
            return body;
        }

        /// <summary>
        /// Writes a SUBSCRIBE (section 3.8) of the local or remote filters of the rules going <paramref name="direction"/>, at
        /// each rule's QoS; with <paramref name="mqtt5"/>, No Local and Retain As Published: what the bridge publishes on a side
        /// never comes back to it there, and a retained message crosses as retained.
        /// </summary>
        public static void WriteSubscribe(byte[] b, int at, int packetId, bool mqtt5, BridgeRule[] rules, BridgeDirection direction, bool local)
        {
            b[at] = (PacketType.Subscribe << 4) | 0x02;
            int p = Wire.WriteVarInt(b, at + 1, BodyOfSubscribe(mqtt5, rules, direction, local));
            Wire.WriteUInt16(b, p, packetId);
            p += 2;
            if (mqtt5)
            {
                b[p++] = 0;
            }
            for (int i = 0; i < rules.Length; i++)
            {
                BridgeRule r = rules[i];
                if ((r.Direction & direction) == 0)
                {
                    continue;
                }
                byte[] filter = local ? r.LocalFilter : r.RemoteFilter;
                p = Wire.WriteField(b, p, filter, 0, filter.Length);
                b[p++] = (byte)(r.Qos | (mqtt5 ? NoLocal | RetainAsPublished : 0));
            }
        }

        /// <summary>The size of a PUBLISH whose topic is <paramref name="topicLength"/> bytes; 5.0 adds an empty property block.</summary>
        public static int SizeOfPublish(bool mqtt5, int qos, int topicLength, int payloadLength)
        {
            return PublishPacket.SizeOf(VersionOf(mqtt5), topicLength, qos > 0, 0, payloadLength);
        }

        /// <summary>
        /// Writes a PUBLISH (section 3.3) whose topic is <paramref name="prefix"/>'s first <paramref name="prefixLength"/>
        /// bytes followed by <paramref name="topic"/>'s bytes from <paramref name="topicStart"/>: a topic crossing the
        /// bridge with one prefix swapped for the other. <paramref name="flags"/> are the fixed header's DUP, QoS and RETAIN.
        /// </summary>
        public static void WritePublish(byte[] b, int at, bool mqtt5, int flags, byte[] prefix, int prefixLength, byte[] topic, int topicStart, int topicLength,
            int packetId, byte[] payload, int payloadStart, int payloadLength)
        {
            int version = VersionOf(mqtt5);
            bool hasPacketId = ((flags >> 1) & 3) > 0;
            int p = PublishPacket.WriteHeader(version, b, at, flags, prefixLength + topicLength, hasPacketId, 0, payloadLength);
            System.Array.Copy(prefix, 0, b, p, prefixLength);
            p += prefixLength;
            System.Array.Copy(topic, topicStart, b, p, topicLength);
            p = PublishPacket.WriteAfterTopic(version, b, p + topicLength, hasPacketId, packetId, 0);
            System.Array.Copy(payload, payloadStart, b, p, payloadLength);
        }

        /// <summary>Size of PUBACK, PUBREC, PUBREL and PUBCOMP without a reason code (success in 5.0 too, section 3.4.2.1).</summary>
        public const int AckSize = 4;

        /// <summary>Writes PUBACK, PUBREC, PUBREL or PUBCOMP of <paramref name="packetId"/> (PUBREL with its flags 0010).</summary>
        public static void WriteAck(byte[] b, int at, int type, int packetId)
        {
            // Success: the same 4 bytes in 3.1.1 and 5.0.
            AckPacket.Write(ProtocolVersion.Mqtt311, type, b, at, packetId, ReasonCode.Success);
        }

        /// <summary>PINGREQ and DISCONNECT (no properties): two bytes each.</summary>
        public const int EmptySize = 2;

        public static void WriteEmpty(byte[] b, int at, int type)
        {
            b[at] = (byte)(type << 4);
            b[at + 1] = 0;
        }

        private static int VersionOf(bool mqtt5)
        {
            return mqtt5 ? ProtocolVersion.Mqtt5 : ProtocolVersion.Mqtt311;
        }

        // A packet's size from its remaining length: the type byte, the length's own 1-4 bytes, the rest.
        private static int SizeOf(int body)
        {
            return 1 + RemainingLength.SizeOf(body) + body;
        }
    }
}
