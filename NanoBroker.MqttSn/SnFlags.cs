namespace NanoBroker.MqttSn
{
    /// <summary>The Flags byte (MQTT-SN v1.2 section 5.3.4) and the return codes (section 5.3.10, table 5).</summary>
    public static class SnFlags
    {
        public const byte Dup = 0x80;
        public const byte QosMask = 0x60;
        public const byte Retain = 0x10;
        public const byte Will = 0x08;
        public const byte CleanSession = 0x04;
        public const byte TopicIdTypeMask = 0x03;

        /// <summary>TopicIdType 0b00: a topic id registered with REGISTER (or a topic name in SUBSCRIBE).</summary>
        public const int NormalTopic = 0;

        /// <summary>TopicIdType 0b01: a predefined topic id, known to client and gateway beforehand (section 6.7).</summary>
        public const int PredefinedTopic = 1;

        /// <summary>TopicIdType 0b10: a short topic name, two bytes carried in the TopicId field (section 6.7).</summary>
        public const int ShortTopic = 2;

        /// <summary>The QoS the flags carry: 0, 1, 2, or -1 for 0b11 (section 6.8).</summary>
        public static int Qos(byte flags)
        {
            int bits = (flags & QosMask) >> 5;
            return bits == 3 ? -1 : bits;
        }

        /// <summary>The QoS bits for 0, 1 or 2.</summary>
        public static byte QosBits(int qos)
        {
            return (byte)(qos << 5);
        }

        public const byte Accepted = 0x00;
        public const byte RejectedCongestion = 0x01;
        public const byte RejectedInvalidTopicId = 0x02;
        public const byte RejectedNotSupported = 0x03;
    }
}
