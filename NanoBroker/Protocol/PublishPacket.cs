namespace NanoBroker.Protocol
{
    /// <summary>
    /// PUBLISH (section 3.3), decoded in place, and the encoder the engine writes it with in pieces (the topic,
    /// properties and payload may come from a buffer or from the message pool). One instance is reused.
    /// </summary>
    public sealed class PublishPacket
    {
        /// <summary>The fixed-header flag bits.</summary>
        public const int FlagDup = 0x08;
        public const int FlagRetain = 0x01;

        public int Qos;
        public bool Retain;
        public bool Dup;

        /// <summary>The topic name; empty only in 5.0 with a Topic Alias (the engine resolves it).</summary>
        public int TopicStart;
        public int TopicLength;

        /// <summary>The packet identifier; 0 at QoS 0.</summary>
        public int PacketId;

        /// <summary>The PUBLISH properties (5.0; an empty block for 3.x).</summary>
        public readonly Properties Properties;

        /// <summary>A view whose properties are decoded into <paramref name="properties"/>, which views of packets never handled at the same time may share.</summary>
        public PublishPacket(Properties properties)
        {
            Properties = properties;
        }
        public int PayloadStart;
        public int PayloadLength;

        /// <summary>The violated statement when <see cref="Decode"/> did not return Success.</summary>
        public string Problem;

        /// <summary>
        /// Decodes the PUBLISH with fixed-header <paramref name="flags"/> whose body lies in
        /// <paramref name="b"/>[<paramref name="p"/>, <paramref name="end"/>). Returns Success, MalformedPacket or ProtocolError.
        /// </summary>
        public byte Decode(int version, int flags, byte[] b, int p, int end)
        {
            Problem = null;
            Qos = (flags >> 1) & 0x03;
            Retain = (flags & FlagRetain) != 0;
            Dup = (flags & FlagDup) != 0;
            PacketId = 0;
            bool v5 = version == ProtocolVersion.Mqtt5;
            if (Qos == 3)
            {
                return Fail(ReasonCode.MalformedPacket, "PUBLISH with QoS 3 [MQTT-3.3.1-4]");
            }
            if (v5 && Dup && Qos == 0)
            {
                // 3.1.1 leaves this to the server, and the engine takes such a PUBLISH there as it always has.
                return Fail(ReasonCode.MalformedPacket, "DUP set at QoS 0 [MQTT-3.3.1-2]");
            }
            if (!Wire.ReadField(b, ref p, end, out TopicStart, out TopicLength))
            {
                return Fail(ReasonCode.MalformedPacket, "missing topic name [MQTT-3.3.2-1]");
            }
            if (Qos > 0)
            {
                if (!Wire.ReadUInt16(b, ref p, end, out PacketId))
                {
                    return Fail(ReasonCode.MalformedPacket, "QoS 1/2 PUBLISH without a packet identifier [MQTT-2.3.1-1]");
                }
                if (PacketId == 0)
                {
                    return Fail(ReasonCode.ProtocolError, "QoS 1/2 PUBLISH with packet identifier 0 [MQTT-2.3.1-1]");
                }
            }
            if (v5)
            {
                byte code = Properties.Decode(PacketType.Publish, b, p, end, out p);
                if (code != ReasonCode.Success)
                {
                    Problem = Properties.Problem;
                    return code;
                }
                if (Properties.Has(PropertyId.SubscriptionIdentifier))
                {
                    // Only a server sends it (5.0 section 3.3.2.3.8).
                    return Fail(ReasonCode.ProtocolError, "PUBLISH from a client with a Subscription Identifier [MQTT-3.3.4-6]");
                }
            }
            else
            {
                Properties.Clear(b, p);
            }
            if (!(TopicLength == 0 && Properties.Has(PropertyId.TopicAlias)) && !TopicSyntax.IsValidName(b, TopicStart, TopicLength))
            {
                return TopicLength == 0 && v5
                    ? Fail(ReasonCode.ProtocolError, "empty topic name without a Topic Alias (5.0 section 3.3.2.1)")
                    : Fail(ReasonCode.MalformedPacket, "invalid topic name [MQTT-3.3.2-2, MQTT-4.7.3-1]");
            }
            PayloadStart = p;
            PayloadLength = end - p;
            return ReasonCode.Success;
        }

        private byte Fail(byte code, string problem)
        {
            Problem = problem;
            return code;
        }

        /// <summary>
        /// The size of a PUBLISH, fixed header included. <paramref name="propertiesLength"/> is the properties'
        /// length without their length prefix (5.0 only; ignored for 3.x).
        /// </summary>
        public static int SizeOf(int version, int topicLength, bool hasPacketId, int propertiesLength, int payloadLength)
        {
            int remaining = Remaining(version, topicLength, hasPacketId, propertiesLength, payloadLength);
            return 1 + RemainingLength.SizeOf(remaining) + remaining;
        }

        private static int Remaining(int version, int topicLength, bool hasPacketId, int propertiesLength, int payloadLength)
        {
            int properties = version == ProtocolVersion.Mqtt5 ? Properties.SizeOfBlock(propertiesLength) : 0;
            return 2 + topicLength + (hasPacketId ? 2 : 0) + properties + payloadLength;
        }

        /// <summary>
        /// Writes the fixed header (<paramref name="flags"/>: DUP, QoS, RETAIN) and the topic's length prefix at
        /// <paramref name="at"/>; returns where the caller copies the topic's <paramref name="topicLength"/> bytes,
        /// before <see cref="WriteAfterTopic"/>. The arguments are those given to <see cref="SizeOf"/>.
        /// </summary>
        public static int WriteHeader(int version, byte[] buffer, int at, int flags, int topicLength, bool hasPacketId, int propertiesLength, int payloadLength)
        {
            buffer[at++] = (byte)((PacketType.Publish << 4) | flags);
            at = Wire.WriteVarInt(buffer, at, Remaining(version, topicLength, hasPacketId, propertiesLength, payloadLength));
            Wire.WriteUInt16(buffer, at, topicLength);
            return at + 2;
        }

        /// <summary>
        /// Writes, at <paramref name="at"/> just after the topic, the packet identifier (when it has one) and, for 5.0,
        /// the properties' length prefix; returns where the caller copies the <paramref name="propertiesLength"/> bytes
        /// of properties (5.0), then the payload.
        /// </summary>
        public static int WriteAfterTopic(int version, byte[] buffer, int at, bool hasPacketId, int packetId, int propertiesLength)
        {
            if (hasPacketId)
            {
                Wire.WriteUInt16(buffer, at, packetId);
                at += 2;
            }
            return version == ProtocolVersion.Mqtt5 ? Wire.WriteVarInt(buffer, at, propertiesLength) : at;
        }
    }
}
