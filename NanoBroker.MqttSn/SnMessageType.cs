namespace NanoBroker.MqttSn
{
    /// <summary>The MsgType byte of each MQTT-SN v1.2 message (section 5.2.2, table 3).</summary>
    public static class SnMessageType
    {
        public const byte Advertise = 0x00;
        public const byte SearchGw = 0x01;
        public const byte GwInfo = 0x02;
        public const byte Connect = 0x04;
        public const byte ConnAck = 0x05;
        public const byte WillTopicReq = 0x06;
        public const byte WillTopic = 0x07;
        public const byte WillMsgReq = 0x08;
        public const byte WillMsg = 0x09;
        public const byte Register = 0x0A;
        public const byte RegAck = 0x0B;
        public const byte Publish = 0x0C;
        public const byte PubAck = 0x0D;
        public const byte PubComp = 0x0E;
        public const byte PubRec = 0x0F;
        public const byte PubRel = 0x10;
        public const byte Subscribe = 0x12;
        public const byte SubAck = 0x13;
        public const byte Unsubscribe = 0x14;
        public const byte UnsubAck = 0x15;
        public const byte PingReq = 0x16;
        public const byte PingResp = 0x17;
        public const byte Disconnect = 0x18;
        public const byte WillTopicUpd = 0x1A;
        public const byte WillTopicResp = 0x1B;
        public const byte WillMsgUpd = 0x1C;
        public const byte WillMsgResp = 0x1D;
    }
}
