using NanoBroker.Protocol;

namespace NanoBroker.Tests.Engine.Harness
{
    /// <summary>
    /// Builds the MQTT 3.1.1 packets a client sends, and by protocol version (mosquitto's test/mosq_test.py
    /// <c>proto_ver</c>) the packets a scenario run once per version needs: 3 (3.1, "MQIsdp"), 4 (3.1.1) or 5 (5.0,
    /// through <see cref="V5Packets"/> with no properties). PUBACK, PUBREC, PUBREL, PUBCOMP, PINGREQ and DISCONNECT
    /// need no version: their 3.1.1 bytes are also the 5.0 ones for success (reason code and properties left out,
    /// MQTT 5.0 sections 3.4.2.1 and 3.14.2.1).
    /// </summary>
    public static class Packets
    {
        /// <summary>Protocol level of MQTT 3.1 (protocol name "MQIsdp").</summary>
        public const int V31 = 3;

        /// <summary>Protocol level of MQTT 3.1.1.</summary>
        public const int V311 = 4;

        /// <summary>Protocol level of MQTT 5.0.</summary>
        public const int V5 = 5;

        public static byte[] Bytes(string text)
        {
            return Utf8.GetBytes(text);
        }

        /// <summary>A payload of <paramref name="length"/> bytes whose content follows from <paramref name="seed"/>.</summary>
        public static byte[] Payload(int length, int seed)
        {
            byte[] b = new byte[length];
            for (int i = 0; i < length; i++)
            {
                b[i] = (byte)(i * 7 + seed);
            }
            return b;
        }

        /// <summary>The bytes of a hexadecimal string ("102f0004..."; spaces allowed), e.g. a packet captured from a real client.</summary>
        public static byte[] FromHex(string hex)
        {
            ByteWriter w = new ByteWriter();
            int high = -1;
            for (int i = 0; i < hex.Length; i++)
            {
                int c = hex[i];
                int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
                if (digit < 0)
                {
                    continue;
                }
                if (high < 0)
                {
                    high = digit;
                }
                else
                {
                    w.Byte((high << 4) | digit);
                    high = -1;
                }
            }
            return w.ToArray();
        }

        public static byte[] Concat(byte[] a, byte[] b)
        {
            byte[] result = new byte[a.Length + b.Length];
            System.Array.Copy(a, 0, result, 0, a.Length);
            System.Array.Copy(b, 0, result, a.Length, b.Length);
            return result;
        }

        public static byte[] Connect(string clientId, bool cleanSession, int keepAliveSeconds)
        {
            return Connect(clientId, cleanSession, keepAliveSeconds, null, null, 0, false, null, null);
        }

        public static byte[] Connect(string clientId, bool cleanSession, int keepAliveSeconds, string willTopic, string willMessage, int willQos, bool willRetain)
        {
            return Connect(clientId, cleanSession, keepAliveSeconds, willTopic, willMessage, willQos, willRetain, null, null);
        }

        /// <summary>An MQTT 3.1.1 CONNECT; a null will topic means no will, a null user name or password leaves it out.</summary>
        public static byte[] Connect(string clientId, bool cleanSession, int keepAliveSeconds, string willTopic, string willMessage, int willQos, bool willRetain, string userName, byte[] password)
        {
            int flags = 0;
            if (cleanSession) flags |= 0x02;
            if (willTopic != null) flags |= 0x04 | (willQos << 3) | (willRetain ? 0x20 : 0);
            if (userName != null) flags |= 0x80;
            if (password != null) flags |= 0x40;
            ByteWriter w = new ByteWriter();
            w.Field("MQTT").Byte(4).Byte(flags).UInt16(keepAliveSeconds);
            w.Field(clientId);
            if (willTopic != null)
            {
                w.Field(willTopic);
                w.Field(willMessage == null ? new byte[0] : Bytes(willMessage));
            }
            if (userName != null) w.Field(userName);
            if (password != null) w.Field(password);
            return w.ToPacket(PacketType.Connect << 4);
        }

        /// <summary>A CONNECT of protocol level <paramref name="version"/> (<see cref="V31"/>, <see cref="V311"/>, <see cref="V5"/>) with a client id only.</summary>
        public static byte[] Connect(int version, string clientId, bool cleanSession, int keepAliveSeconds)
        {
            if (version == V5)
            {
                return V5Packets.Connect(clientId, cleanSession, keepAliveSeconds, null);
            }
            if (version == V31)
            {
                return ConnectRaw("MQIsdp", V31, cleanSession ? 0x02 : 0, keepAliveSeconds, Bytes(clientId));
            }
            return Connect(clientId, cleanSession, keepAliveSeconds);
        }

        /// <summary>A CONNECT with the protocol name, level and connect flags given as they are, and just a client id behind them.</summary>
        public static byte[] ConnectRaw(string protocolName, int level, int connectFlags, int keepAliveSeconds, byte[] clientId)
        {
            ByteWriter w = new ByteWriter();
            w.Field(protocolName).Byte(level).Byte(connectFlags).UInt16(keepAliveSeconds);
            w.Field(clientId);
            return w.ToPacket(PacketType.Connect << 4);
        }

        public static byte[] Publish(string topic, string payload, int qos, bool retain, bool dup, int packetId)
        {
            return Publish(Bytes(topic), Bytes(payload), qos, retain, dup, packetId);
        }

        public static byte[] Publish(byte[] topic, byte[] payload, int qos, bool retain, bool dup, int packetId)
        {
            ByteWriter w = new ByteWriter();
            w.Field(topic);
            if (qos > 0)
            {
                w.UInt16(packetId);
            }
            w.Bytes(payload);
            int first = (PacketType.Publish << 4) | (qos << 1) | (retain ? 0x01 : 0) | (dup ? 0x08 : 0);
            return w.ToPacket(first);
        }

        /// <summary>A PUBLISH of protocol level <paramref name="version"/> (5.0: with an empty properties block).</summary>
        public static byte[] Publish(int version, string topic, string payload, int qos, bool retain, bool dup, int packetId)
        {
            if (version == V5)
            {
                return V5Packets.Publish(topic, payload, qos, retain, dup, packetId, null);
            }
            return Publish(topic, payload, qos, retain, dup, packetId);
        }

        /// <summary>A QoS 0 PUBLISH, not retained.</summary>
        public static byte[] Publish(string topic, string payload)
        {
            return Publish(topic, payload, 0, false, false, 0);
        }

        public static byte[] Subscribe(int packetId, string[] filters, int[] qos)
        {
            ByteWriter w = new ByteWriter();
            w.UInt16(packetId);
            for (int i = 0; i < filters.Length; i++)
            {
                w.Field(filters[i]).Byte(qos[i]);
            }
            return w.ToPacket((PacketType.Subscribe << 4) | 0x02);
        }

        public static byte[] Subscribe(int packetId, string filter, int qos)
        {
            return Subscribe(packetId, new string[] { filter }, new int[] { qos });
        }

        /// <summary>A SUBSCRIBE of protocol level <paramref name="version"/> to one filter (5.0: options = the QoS, no properties).</summary>
        public static byte[] Subscribe(int version, int packetId, string filter, int qos)
        {
            if (version == V5)
            {
                return V5Packets.Subscribe(packetId, filter, qos, 0);
            }
            return Subscribe(packetId, filter, qos);
        }

        public static byte[] Unsubscribe(int packetId, string[] filters)
        {
            ByteWriter w = new ByteWriter();
            w.UInt16(packetId);
            for (int i = 0; i < filters.Length; i++)
            {
                w.Field(filters[i]);
            }
            return w.ToPacket((PacketType.Unsubscribe << 4) | 0x02);
        }

        public static byte[] Unsubscribe(int packetId, string filter)
        {
            return Unsubscribe(packetId, new string[] { filter });
        }

        /// <summary>An UNSUBSCRIBE of protocol level <paramref name="version"/> of one filter (5.0: no properties).</summary>
        public static byte[] Unsubscribe(int version, int packetId, string filter)
        {
            if (version == V5)
            {
                return V5Packets.Unsubscribe(packetId, filter);
            }
            return Unsubscribe(packetId, filter);
        }

        public static byte[] PubAck(int packetId) { return Ack(PacketType.PubAck << 4, packetId); }

        public static byte[] PubRec(int packetId) { return Ack(PacketType.PubRec << 4, packetId); }

        /// <summary>PUBREL carries fixed-header flags 0010 [MQTT-3.6.1-1].</summary>
        public static byte[] PubRel(int packetId) { return Ack((PacketType.PubRel << 4) | 0x02, packetId); }

        public static byte[] PubComp(int packetId) { return Ack(PacketType.PubComp << 4, packetId); }

        public static byte[] Ack(int firstByte, int packetId)
        {
            return new byte[] { (byte)firstByte, 2, (byte)(packetId >> 8), (byte)packetId };
        }

        public static byte[] PingReq()
        {
            return new byte[] { PacketType.PingReq << 4, 0 };
        }

        public static byte[] Disconnect()
        {
            return new byte[] { PacketType.Disconnect << 4, 0 };
        }
    }
}
