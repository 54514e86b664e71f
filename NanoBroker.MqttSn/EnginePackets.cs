using NanoBroker.Protocol;

namespace NanoBroker.MqttSn
{
    /// <summary>
    /// The MQTT 5.0 packets the gateway writes into an engine connection's receive buffer on behalf of an MQTT-SN
    /// client. 5.0 because its CONNECT carries Receive Maximum 1 [MQTT-3.1.2.11.3]: the engine then keeps one QoS 1/2
    /// message in flight per client, the one the gateway's retransmission buffer holds, and queues the rest in the
    /// session (bounded by queue_depth), as MQTT-SN's one-at-a-time acknowledgements expect. Each writer takes the
    /// destination and returns the packet's size, or -1 when it does not fit: the caller drops the datagram.
    /// </summary>
    public static class EnginePackets
    {
        // Fixed header: type and flags, then the Remaining Length; returns the position after it.
        private static int Fixed(byte[] b, int at, byte first, int remaining)
        {
            b[at] = first;
            return Wire.WriteVarInt(b, at + 1, remaining);
        }

        private static int FixedSize(int remaining)
        {
            return 1 + RemainingLength.SizeOf(remaining);
        }

        /// <summary>
        /// CONNECT (5.0) for an MQTT-SN client: keep-alive 0 (the gateway watches the client's own, section 6.11),
        /// Receive Maximum 1, clean start or a session that never expires (section 6.3), the will when it has one.
        /// </summary>
        public static int Connect(byte[] b, int at, int room, byte[] clientId, int clientIdLength, bool clean,
            byte[] will, int willTopicStart, int willTopicLength, byte[] willMessage, int willMessageStart, int willMessageLength, int willQos, bool willRetain,
            byte[] user, byte[] password)
        {
            bool hasWill = willTopicLength > 0;
            int props = clean ? 3 : 8;
            int remaining = 10 + 1 + props + 2 + clientIdLength;
            if (hasWill)
            {
                remaining += 1 + 2 + willTopicLength + 2 + willMessageLength;
            }
            if (user.Length > 0)
            {
                remaining += 2 + user.Length + 2 + password.Length;
            }
            int size = FixedSize(remaining) + remaining;
            if (size > room)
            {
                return -1;
            }
            int p = Fixed(b, at, 0x10, remaining);
            b[p++] = 0; b[p++] = 4; b[p++] = (byte)'M'; b[p++] = (byte)'Q'; b[p++] = (byte)'T'; b[p++] = (byte)'T';
            b[p++] = 5;
            int flags = clean ? 0x02 : 0;
            if (hasWill)
            {
                flags |= 0x04 | (willQos << 3) | (willRetain ? 0x20 : 0);
            }
            if (user.Length > 0)
            {
                flags |= 0x80 | 0x40;
            }
            b[p++] = (byte)flags;
            b[p++] = 0; b[p++] = 0;
            b[p++] = (byte)props;
            if (!clean)
            {
                b[p++] = 0x11; b[p++] = 0xFF; b[p++] = 0xFF; b[p++] = 0xFF; b[p++] = 0xFF;
            }
            b[p++] = 0x21; b[p++] = 0; b[p++] = 1;
            p = Wire.WriteField(b, p, clientId, 0, clientIdLength);
            if (hasWill)
            {
                b[p++] = 0;
                p = Wire.WriteField(b, p, will, willTopicStart, willTopicLength);
                p = Wire.WriteField(b, p, willMessage, willMessageStart, willMessageLength);
            }
            if (user.Length > 0)
            {
                p = Wire.WriteField(b, p, user, 0, user.Length);
                p = Wire.WriteField(b, p, password, 0, password.Length);
            }
            return size;
        }

        /// <summary>PUBLISH (5.0, no properties); <paramref name="packetId"/> is written for QoS 1 and 2.</summary>
        public static int Publish(byte[] b, int at, int room, byte[] topic, int topicStart, int topicLength, int qos, bool retain, bool dup, int packetId,
            byte[] payload, int payloadStart, int payloadLength)
        {
            int remaining = 2 + topicLength + (qos > 0 ? 2 : 0) + 1 + payloadLength;
            int size = FixedSize(remaining) + remaining;
            if (size > room)
            {
                return -1;
            }
            int p = Fixed(b, at, (byte)(0x30 | (dup && qos > 0 ? 0x08 : 0) | (qos << 1) | (retain ? 1 : 0)), remaining);
            p = Wire.WriteField(b, p, topic, topicStart, topicLength);
            if (qos > 0)
            {
                Wire.WriteUInt16(b, p, packetId);
                p += 2;
            }
            b[p++] = 0;
            System.Array.Copy(payload, payloadStart, b, p, payloadLength);
            return size;
        }

        /// <summary>PUBACK (0x40), PUBREC (0x50), PUBREL (0x62) or PUBCOMP (0x70) with reason Success (omitted).</summary>
        public static int Ack(byte[] b, int at, int room, byte first, int packetId)
        {
            if (room < 4)
            {
                return -1;
            }
            b[at] = first;
            b[at + 1] = 2;
            Wire.WriteUInt16(b, at + 2, packetId);
            return 4;
        }

        /// <summary>SUBSCRIBE (5.0) of one filter at <paramref name="qos"/>, or UNSUBSCRIBE (5.0) of it with a <paramref name="qos"/> of -1.</summary>
        public static int Subscribe(byte[] b, int at, int room, int packetId, byte[] filter, int start, int length, int qos)
        {
            int remaining = 2 + 1 + 2 + length + (qos >= 0 ? 1 : 0);
            int size = FixedSize(remaining) + remaining;
            if (size > room)
            {
                return -1;
            }
            int p = Fixed(b, at, (byte)(qos >= 0 ? 0x82 : 0xA2), remaining);
            Wire.WriteUInt16(b, p, packetId);
            p += 2;
            b[p++] = 0;
            p = Wire.WriteField(b, p, filter, start, length);
            if (qos >= 0)
            {
                b[p] = (byte)qos;
            }
            return size;
        }

        /// <summary>PINGREQ (0xC0) or DISCONNECT with reason Normal disconnection (0xE0: the will is discarded).</summary>
        public static int Empty(byte[] b, int at, int room, byte first)
        {
            if (room < 2)
            {
                return -1;
            }
            b[at] = first;
            b[at + 1] = 0;
            return 2;
        }
    }
}
