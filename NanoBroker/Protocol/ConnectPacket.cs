namespace NanoBroker.Protocol
{
    /// <summary>
    /// The fields of a CONNECT packet (section 3.1) of MQTT 3.1 ("MQIsdp" level 3), 3.1.1 and 5.0 ("MQTT" levels
    /// 4 and 5), decoded in place: every string is an offset and a length in the receive buffer. One instance is reused.
    /// </summary>
    public sealed class ConnectPacket
    {
        private const int FlagReserved = 0x01;
        private const int FlagCleanSession = 0x02;
        private const int FlagWill = 0x04;
        private const int FlagWillRetain = 0x20;
        private const int FlagPassword = 0x40;
        private const int FlagUserName = 0x80;

        private static readonly byte[] NameMqtt = { (byte)'M', (byte)'Q', (byte)'T', (byte)'T' };
        private static readonly byte[] NameMqIsdp = { (byte)'M', (byte)'Q', (byte)'I', (byte)'s', (byte)'d', (byte)'p' };

        /// <summary>
        /// The protocol level (<see cref="ProtocolVersion"/>) as read, also when it is not supported; 0 when the
        /// packet ends before it or the protocol name is unknown.
        /// </summary>
        public byte Version;

        /// <summary>The violated statement when <see cref="Decode"/> did not return Success.</summary>
        public string Problem;

        /// <summary>Clean Session (3.x) or Clean Start (5.0).</summary>
        public bool CleanSession;
        public int KeepAliveSeconds;

        /// <summary>The CONNECT properties (5.0; an empty block for 3.x).</summary>
        public readonly Properties Properties;
        public int ClientIdStart;
        public int ClientIdLength;

        public bool HasWill;
        public int WillQos;
        public bool WillRetain;

        /// <summary>The will properties (5.0, when <see cref="HasWill"/>; an empty block otherwise).</summary>
        public readonly Properties WillProperties;

        /// <summary>
        /// A view whose CONNECT properties are decoded into <paramref name="properties"/> (which views of packets never handled
        /// at the same time may share) and its will properties into <paramref name="willProperties"/>.
        /// </summary>
        public ConnectPacket(Properties properties, Properties willProperties)
        {
            Properties = properties;
            WillProperties = willProperties;
        }
        public int WillTopicStart;
        public int WillTopicLength;
        public int WillMessageStart;
        public int WillMessageLength;

        public bool HasUserName;
        public int UserNameStart;
        public int UserNameLength;
        public bool HasPassword;
        public int PasswordStart;
        public int PasswordLength;

        /// <summary>
        /// Decodes the CONNECT whose fixed-header flags are <paramref name="flags"/> and whose body lies in
        /// <paramref name="b"/>[<paramref name="p"/>, <paramref name="end"/>). Returns Success; UnsupportedProtocolVersion
        /// for a known protocol name with another level (CONNACK 1 or 0x84 [MQTT-3.1.2-2]; nothing after the level is
        /// read); or MalformedPacket or ProtocolError (<see cref="Problem"/>), after which the connection is closed.
        /// </summary>
        public byte Decode(int flags, byte[] b, int p, int end)
        {
            Version = 0;
            Problem = null;
            if (flags != 0)
            {
                return Fail(ReasonCode.MalformedPacket, "invalid CONNECT fixed header flags [MQTT-2.2.2-2]");
            }
            int nameStart, nameLength;
            if (!Wire.ReadField(b, ref p, end, out nameStart, out nameLength) || p >= end)
            {
                return Fail(ReasonCode.MalformedPacket, "truncated CONNECT");
            }
            int level = b[p++];
            bool mqtt = Wire.Equal(b, nameStart, nameLength, NameMqtt, 0, NameMqtt.Length);
            if (!mqtt && !Wire.Equal(b, nameStart, nameLength, NameMqIsdp, 0, NameMqIsdp.Length))
            {
                return Fail(ReasonCode.ProtocolError, "unknown protocol name [MQTT-3.1.2-1]");
            }
            Version = (byte)level;
            if (mqtt ? level != ProtocolVersion.Mqtt311 && level != ProtocolVersion.Mqtt5 : level != ProtocolVersion.Mqtt31)
            {
                return Fail(ReasonCode.UnsupportedProtocolVersion, "unsupported protocol level [MQTT-3.1.2-2]");
            }
            bool v5 = level == ProtocolVersion.Mqtt5;
            if (p >= end)
            {
                return Fail(ReasonCode.MalformedPacket, "truncated CONNECT");
            }
            int connectFlags = b[p++];
            if (!Wire.ReadUInt16(b, ref p, end, out KeepAliveSeconds))
            {
                return Fail(ReasonCode.MalformedPacket, "truncated CONNECT");
            }
            if ((connectFlags & FlagReserved) != 0)
            {
                return Fail(ReasonCode.MalformedPacket, "CONNECT reserved flag set [MQTT-3.1.2-3]");
            }
            CleanSession = (connectFlags & FlagCleanSession) != 0;
            HasWill = (connectFlags & FlagWill) != 0;
            WillQos = (connectFlags >> 3) & 0x03;
            WillRetain = (connectFlags & FlagWillRetain) != 0;
            if (!HasWill && (WillQos != 0 || WillRetain))
            {
                return Fail(ReasonCode.MalformedPacket, "will QoS or retain without a will [MQTT-3.1.2-13, MQTT-3.1.2-15; 5.0: MQTT-3.1.2-11, MQTT-3.1.2-13]");
            }
            if (WillQos == 3)
            {
                return Fail(ReasonCode.MalformedPacket, "will QoS 3 [MQTT-3.1.2-14; 5.0: MQTT-3.1.2-12]");
            }
            HasUserName = (connectFlags & FlagUserName) != 0;
            HasPassword = (connectFlags & FlagPassword) != 0;
            if (!HasUserName && HasPassword && !v5)
            {
                // 5.0 allows a password without a user name (section 3.1.2.9).
                return Fail(ReasonCode.MalformedPacket, "password without user name [MQTT-3.1.2-22]");
            }

            byte code = DecodeProperties(v5, PacketType.Connect, Properties, b, ref p, end);
            if (code != ReasonCode.Success)
            {
                return code;
            }
            if (Properties.Has(PropertyId.AuthenticationData) && !Properties.Has(PropertyId.AuthenticationMethod))
            {
                return Fail(ReasonCode.ProtocolError, "Authentication Data without Authentication Method (5.0 section 3.1.2.11.10)");
            }
            if (!Wire.ReadField(b, ref p, end, out ClientIdStart, out ClientIdLength) || !Utf8.IsValid(b, ClientIdStart, ClientIdLength))
            {
                return Fail(ReasonCode.MalformedPacket, "missing or invalid client identifier [MQTT-3.1.3-4]");
            }
            WillTopicStart = WillTopicLength = WillMessageStart = WillMessageLength = 0;
            WillProperties.Clear(b, p);
            if (HasWill)
            {
                code = DecodeProperties(v5, Properties.Will, WillProperties, b, ref p, end);
                if (code != ReasonCode.Success)
                {
                    return code;
                }
                if (!Wire.ReadField(b, ref p, end, out WillTopicStart, out WillTopicLength) || !TopicSyntax.IsValidName(b, WillTopicStart, WillTopicLength))
                {
                    return Fail(ReasonCode.MalformedPacket, "missing or invalid will topic [MQTT-3.1.3-10; 5.0: MQTT-3.1.3-11]");
                }
                if (!Wire.ReadField(b, ref p, end, out WillMessageStart, out WillMessageLength))
                {
                    return Fail(ReasonCode.MalformedPacket, "missing will message");
                }
            }
            UserNameStart = UserNameLength = PasswordStart = PasswordLength = 0;
            if (HasUserName && (!Wire.ReadField(b, ref p, end, out UserNameStart, out UserNameLength) || !Utf8.IsValid(b, UserNameStart, UserNameLength)))
            {
                return Fail(ReasonCode.MalformedPacket, "missing or invalid user name [MQTT-3.1.3-11; 5.0: MQTT-3.1.3-12]");
            }
            if (HasPassword && !Wire.ReadField(b, ref p, end, out PasswordStart, out PasswordLength))
            {
                return Fail(ReasonCode.MalformedPacket, "missing password");
            }
            return p == end ? ReasonCode.Success : Fail(ReasonCode.MalformedPacket, "bytes after the CONNECT payload");
        }

        // A 5.0 property block at p (its problem becomes this packet's), or an empty one for 3.x.
        private byte DecodeProperties(bool v5, int kind, Properties properties, byte[] b, ref int p, int end)
        {
            if (!v5)
            {
                properties.Clear(b, p);
                return ReasonCode.Success;
            }
            byte code = properties.Decode(kind, b, p, end, out p);
            Problem = properties.Problem;
            return code;
        }

        private byte Fail(byte code, string problem)
        {
            Problem = problem;
            return code;
        }
    }
}
