namespace NanoBroker.Protocol
{
    /// <summary>MQTT control packet types: the high nibble of a packet's first byte.</summary>
    public static class PacketType
    {
        public const int Connect = 1;
        public const int ConnAck = 2;
        public const int Publish = 3;
        public const int PubAck = 4;
        public const int PubRec = 5;
        public const int PubRel = 6;
        public const int PubComp = 7;
        public const int Subscribe = 8;
        public const int SubAck = 9;
        public const int Unsubscribe = 10;
        public const int UnsubAck = 11;
        public const int PingReq = 12;
        public const int PingResp = 13;
        public const int Disconnect = 14;

        /// <summary>AUTH, MQTT 5.0 only (section 3.15).</summary>
        public const int Auth = 15;

        /// <summary>
        /// The fixed-header flags each type must carry [MQTT-2.2.2-1, MQTT-2.2.2-2] (AUTH: 0, 5.0 section 3.15.1).
        /// PUBLISH is checked separately: its flags carry DUP, QoS and RETAIN.
        /// </summary>
        public static int RequiredFlags(int type)
        {
            return type == PubRel || type == Subscribe || type == Unsubscribe ? 0x02 : 0x00;
        }
    }
}
