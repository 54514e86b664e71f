using NanoBroker.Routing;

namespace NanoBroker.Protocol
{
    /// <summary>
    /// The fields of a CONNECT packet (MQTT 3.1.1 section 3.1, and MQTT 3.1's "MQIsdp" level 3), parsed
    /// in place: every string is an offset and a length in the receive buffer. One instance is reused.
    /// </summary>
    public sealed class ConnectPacket
    {
        private const int FlagCleanSession = 0x02;
        private const int FlagWill = 0x04;
        private const int FlagWillRetain = 0x20;
        private const int FlagPassword = 0x40;
        private const int FlagUserName = 0x80;

        private static readonly byte[] NameMqtt = { (byte)'M', (byte)'Q', (byte)'T', (byte)'T' };
        private static readonly byte[] NameMqIsdp = { (byte)'M', (byte)'Q', (byte)'I', (byte)'s', (byte)'d', (byte)'p' };

        /// <summary>The protocol level of MQTT 3.1 ("MQIsdp").</summary>
        public const int Mqtt31Level = 3;

        /// <summary>The protocol level of MQTT 3.1.1 ("MQTT").</summary>
        public const int Mqtt311Level = 4;

        /// <summary>The protocol level: <see cref="Mqtt311Level"/> or <see cref="Mqtt31Level"/>.</summary>
        public int Level;

        /// <summary>False for a known protocol name with another level: answered with CONNACK 1 [MQTT-3.1.2-2]; no other field is read then.</summary>
        public bool LevelSupported;

        public bool CleanSession;
        public int KeepAliveSeconds;
        public int ClientIdStart;
        public int ClientIdLength;

        public bool HasWill;
        public int WillQos;
        public bool WillRetain;
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
        /// Parses the CONNECT whose fixed-header flags are <paramref name="flags"/> and whose body lies in
        /// <paramref name="b"/>[<paramref name="p"/>, <paramref name="end"/>). Returns null, or the protocol
        /// violation that makes the server close the connection without CONNACK.
        /// </summary>
        public string Parse(int flags, byte[] b, int p, int end)
        {
            if (flags != 0)
            {
                return "invalid CONNECT fixed header flags [MQTT-2.2.2-2]";
            }
            int nameStart, nameLength;
            if (!Wire.ReadField(b, ref p, end, out nameStart, out nameLength) || p >= end)
            {
                return "truncated CONNECT";
            }
            Level = b[p++];
            bool mqtt = Topic.Equal(b, nameStart, nameLength, NameMqtt, 0, NameMqtt.Length);
            if (!mqtt && !Topic.Equal(b, nameStart, nameLength, NameMqIsdp, 0, NameMqIsdp.Length))
            {
                // [MQTT-3.1.2-1] an unknown protocol name: disconnect without CONNACK.
                return "unknown protocol name";
            }
            // Another level's CONNECT (MQTT 5 properties) does not follow this layout: nothing more is read.
            LevelSupported = Level == (mqtt ? Mqtt311Level : Mqtt31Level);
            if (!LevelSupported)
            {
                return null;
            }
            if (p >= end)
            {
                return "truncated CONNECT";
            }
            int connectFlags = b[p++];
            if (!Wire.ReadUInt16(b, ref p, end, out KeepAliveSeconds))
            {
                return "truncated CONNECT";
            }
            if ((connectFlags & 0x01) != 0)
            {
                return "CONNECT reserved flag set [MQTT-3.1.2-3]";
            }
            CleanSession = (connectFlags & FlagCleanSession) != 0;
            HasWill = (connectFlags & FlagWill) != 0;
            WillQos = (connectFlags >> 3) & 0x03;
            WillRetain = (connectFlags & FlagWillRetain) != 0;
            if (!HasWill && (WillQos != 0 || WillRetain))
            {
                return "will QoS or retain without a will [MQTT-3.1.2-13, MQTT-3.1.2-15]";
            }
            if (WillQos == 3)
            {
                return "will QoS 3 [MQTT-3.1.2-14]";
            }
            HasUserName = (connectFlags & FlagUserName) != 0;
            HasPassword = (connectFlags & FlagPassword) != 0;
            if (!HasUserName && HasPassword)
            {
                return "password without user name [MQTT-3.1.2-22]";
            }

            if (!Wire.ReadField(b, ref p, end, out ClientIdStart, out ClientIdLength) || !Utf8.IsValid(b, ClientIdStart, ClientIdLength))
            {
                return "missing or invalid client identifier [MQTT-3.1.3-4]";
            }
            WillTopicStart = WillTopicLength = WillMessageStart = WillMessageLength = 0;
            if (HasWill)
            {
                if (!Wire.ReadField(b, ref p, end, out WillTopicStart, out WillTopicLength) || !Topic.IsValidName(b, WillTopicStart, WillTopicLength))
                {
                    return "missing or invalid will topic [MQTT-3.1.3-10]";
                }
                if (!Wire.ReadField(b, ref p, end, out WillMessageStart, out WillMessageLength))
                {
                    return "missing will message";
                }
            }
            UserNameStart = UserNameLength = PasswordStart = PasswordLength = 0;
            if (HasUserName && (!Wire.ReadField(b, ref p, end, out UserNameStart, out UserNameLength) || !Utf8.IsValid(b, UserNameStart, UserNameLength)))
            {
                return "missing or invalid user name [MQTT-3.1.3-11]";
            }
            if (HasPassword && !Wire.ReadField(b, ref p, end, out PasswordStart, out PasswordLength))
            {
                return "missing password";
            }
            return p == end ? null : "bytes after the CONNECT payload";
        }
    }
}
