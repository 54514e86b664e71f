namespace NanoBroker.Tests.Engine.MqttSn
{
    /// <summary>
    /// MQTT-SN v1.2 messages as a client sends them, built byte by byte from the spec's section 5.4 here (not with the
    /// gateway's encoders, so an encoder and its test cannot share a mistake). Header: Length (one octet, or 0x01 and
    /// two for 256 or more), MsgType (section 5.2).
    /// </summary>
    public static class SnMessages
    {
        public const int Normal = 0;
        public const int Predefined = 1;
        public const int Short = 2;

        public static byte[] Message(int type, byte[] body)
        {
            int total = body.Length + 2;
            byte[] m;
            int at;
            if (total < 256)
            {
                m = new byte[total];
                m[0] = (byte)total;
                at = 1;
            }
            else
            {
                total += 2;
                m = new byte[total];
                m[0] = 1;
                m[1] = (byte)(total >> 8);
                m[2] = (byte)total;
                at = 3;
            }
            m[at] = (byte)type;
            System.Array.Copy(body, 0, m, at + 1, body.Length);
            return m;
        }

        public static byte[] Bytes(string text)
        {
            return NanoBroker.Protocol.Utf8.GetBytes(text);
        }

        private static byte[] Join(byte[] head, byte[] tail)
        {
            byte[] r = new byte[head.Length + tail.Length];
            System.Array.Copy(head, 0, r, 0, head.Length);
            System.Array.Copy(tail, 0, r, head.Length, tail.Length);
            return r;
        }

        public static byte QosFlags(int qos)
        {
            return (byte)((qos < 0 ? 3 : qos) << 5);
        }

        public static byte[] SearchGw() { return Message(0x01, new byte[] { 1 }); }

        public static byte[] Connect(string clientId, bool clean, bool will, int duration)
        {
            byte flags = (byte)((clean ? 0x04 : 0) | (will ? 0x08 : 0));
            return Message(0x04, Join(new byte[] { flags, 0x01, (byte)(duration >> 8), (byte)duration }, Bytes(clientId)));
        }

        public static byte[] WillTopic(int qos, bool retain, string topic)
        {
            return Message(0x07, Join(new byte[] { (byte)(QosFlags(qos) | (retain ? 0x10 : 0)) }, Bytes(topic)));
        }

        public static byte[] EmptyWillTopic() { return Message(0x07, new byte[0]); }

        public static byte[] WillMsg(string payload) { return Message(0x09, Bytes(payload)); }

        public static byte[] Register(int msgId, string topic)
        {
            return Message(0x0A, Join(new byte[] { 0, 0, (byte)(msgId >> 8), (byte)msgId }, Bytes(topic)));
        }

        public static byte[] RegAck(int topicId, int msgId, int rc)
        {
            return Message(0x0B, new byte[] { (byte)(topicId >> 8), (byte)topicId, (byte)(msgId >> 8), (byte)msgId, (byte)rc });
        }

        public static byte[] Publish(int qos, bool retain, bool dup, int idType, int topicId, int msgId, string payload)
        {
            byte flags = (byte)(QosFlags(qos) | (retain ? 0x10 : 0) | (dup ? 0x80 : 0) | idType);
            return Message(0x0C, Join(new byte[] { flags, (byte)(topicId >> 8), (byte)topicId, (byte)(msgId >> 8), (byte)msgId }, Bytes(payload)));
        }

        /// <summary>The TopicId field of a short topic name: its two characters.</summary>
        public static int ShortId(string name)
        {
            return (name[0] << 8) | name[1];
        }

        public static byte[] PubAck(int topicId, int msgId, int rc)
        {
            return Message(0x0D, new byte[] { (byte)(topicId >> 8), (byte)topicId, (byte)(msgId >> 8), (byte)msgId, (byte)rc });
        }

        public static byte[] PubRec(int msgId) { return Message(0x0F, new byte[] { (byte)(msgId >> 8), (byte)msgId }); }

        public static byte[] PubRel(int msgId) { return Message(0x10, new byte[] { (byte)(msgId >> 8), (byte)msgId }); }

        public static byte[] PubComp(int msgId) { return Message(0x0E, new byte[] { (byte)(msgId >> 8), (byte)msgId }); }

        public static byte[] Subscribe(int qos, int msgId, string topicName)
        {
            return Message(0x12, Join(new byte[] { QosFlags(qos), (byte)(msgId >> 8), (byte)msgId }, Bytes(topicName)));
        }

        public static byte[] SubscribeId(int qos, int idType, int msgId, int topicId)
        {
            return Message(0x12, new byte[] { (byte)(QosFlags(qos) | idType), (byte)(msgId >> 8), (byte)msgId, (byte)(topicId >> 8), (byte)topicId });
        }

        public static byte[] Unsubscribe(int msgId, string topicName)
        {
            return Message(0x14, Join(new byte[] { 0, (byte)(msgId >> 8), (byte)msgId }, Bytes(topicName)));
        }

        public static byte[] PingReq() { return Message(0x16, new byte[0]); }

        public static byte[] PingReq(string clientId) { return Message(0x16, Bytes(clientId)); }

        public static byte[] Disconnect() { return Message(0x18, new byte[0]); }

        public static byte[] Disconnect(int duration) { return Message(0x18, new byte[] { (byte)(duration >> 8), (byte)duration }); }

        public static byte[] WillTopicUpd(int qos, bool retain, string topic)
        {
            return Message(0x1A, Join(new byte[] { (byte)(QosFlags(qos) | (retain ? 0x10 : 0)) }, Bytes(topic)));
        }

        public static byte[] EmptyWillTopicUpd() { return Message(0x1A, new byte[0]); }

        public static byte[] WillMsgUpd(string payload) { return Message(0x1C, Bytes(payload)); }
    }
}
