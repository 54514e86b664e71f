using NanoBroker.Protocol;

namespace NanoBroker.Tests.Engine.Harness
{
    /// <summary>
    /// Builds the MQTT 5.0 packets a client sends, byte by byte from the specification (never through the engine's
    /// encoders, so an encoder and its test cannot share a mistake). A null <see cref="V5PropertyWriter"/> writes an
    /// empty properties block (Property Length 0). <see cref="Packets"/> picks these or the 3.1.1 ones by version.
    /// </summary>
    public static class V5Packets
    {
        /// <summary>The AUTH packet type (15), new in 5.0 (section 3.15).</summary>
        public const int AuthType = 15;

        /// <summary>A 5.0 CONNECT with just a client id behind its properties.</summary>
        public static byte[] Connect(string clientId, bool cleanStart, int keepAliveSeconds, V5PropertyWriter properties)
        {
            return Connect(clientId, cleanStart, keepAliveSeconds, properties, null, null, 0, false, null, null, null);
        }

        /// <summary>
        /// A 5.0 CONNECT (section 3.1): protocol name "MQTT", level 5, flags, keep alive, properties; then the client
        /// id, the will (its properties, topic and payload) when <paramref name="willTopic"/> is not null, the user
        /// name and the password when not null.
        /// </summary>
        public static byte[] Connect(string clientId, bool cleanStart, int keepAliveSeconds, V5PropertyWriter properties,
            string willTopic, byte[] willPayload, int willQos, bool willRetain, V5PropertyWriter willProperties,
            string userName, byte[] password)
        {
            int flags = 0;
            if (cleanStart) flags |= 0x02;
            if (willTopic != null) flags |= 0x04 | (willQos << 3) | (willRetain ? 0x20 : 0);
            if (password != null) flags |= 0x40;
            if (userName != null) flags |= 0x80;
            ByteWriter w = new ByteWriter();
            w.Field("MQTT").Byte(5).Byte(flags).UInt16(keepAliveSeconds);
            w.Bytes(V5PropertyWriter.BlockOf(properties));
            w.Field(clientId);
            if (willTopic != null)
            {
                w.Bytes(V5PropertyWriter.BlockOf(willProperties));
                w.Field(willTopic);
                w.Field(willPayload == null ? new byte[0] : willPayload);
            }
            if (userName != null) w.Field(userName);
            if (password != null) w.Field(password);
            return w.ToPacket(PacketType.Connect << 4);
        }

        /// <summary>A 5.0 PUBLISH (section 3.3): topic (empty with a Topic Alias), packet id for QoS 1/2, properties, payload.</summary>
        public static byte[] Publish(byte[] topic, byte[] payload, int qos, bool retain, bool dup, int packetId, V5PropertyWriter properties)
        {
            ByteWriter w = new ByteWriter();
            w.Field(topic);
            if (qos > 0)
            {
                w.UInt16(packetId);
            }
            w.Bytes(V5PropertyWriter.BlockOf(properties));
            w.Bytes(payload);
            return w.ToPacket((PacketType.Publish << 4) | (qos << 1) | (retain ? 0x01 : 0) | (dup ? 0x08 : 0));
        }

        public static byte[] Publish(string topic, string payload, int qos, bool retain, bool dup, int packetId, V5PropertyWriter properties)
        {
            return Publish(Packets.Bytes(topic), Packets.Bytes(payload), qos, retain, dup, packetId, properties);
        }

        /// <summary>
        /// The Subscription Options byte (section 3.8.3.1): bits 0-1 Maximum QoS, bit 2 No Local, bit 3 Retain As
        /// Published, bits 4-5 Retain Handling (0 send at subscribe, 1 only for a new subscription, 2 never).
        /// </summary>
        public static int SubscriptionOptions(int qos, bool noLocal, bool retainAsPublished, int retainHandling)
        {
            return qos | (noLocal ? 0x04 : 0) | (retainAsPublished ? 0x08 : 0) | (retainHandling << 4);
        }

        /// <summary>A 5.0 SUBSCRIBE (section 3.8): packet id, properties, then each filter with its options byte.</summary>
        public static byte[] Subscribe(int packetId, string[] filters, int[] options, V5PropertyWriter properties)
        {
            ByteWriter w = new ByteWriter();
            w.UInt16(packetId);
            w.Bytes(V5PropertyWriter.BlockOf(properties));
            for (int i = 0; i < filters.Length; i++)
            {
                w.Field(filters[i]).Byte(options[i]);
            }
            return w.ToPacket((PacketType.Subscribe << 4) | 0x02);
        }

        /// <summary>One filter; a <paramref name="subscriptionIdentifier"/> of 0 leaves the property out (0 is not a valid identifier).</summary>
        public static byte[] Subscribe(int packetId, string filter, int options, int subscriptionIdentifier)
        {
            V5PropertyWriter properties = subscriptionIdentifier == 0 ? null : new V5PropertyWriter().SubscriptionIdentifier(subscriptionIdentifier);
            return Subscribe(packetId, new string[] { filter }, new int[] { options }, properties);
        }

        /// <summary>A 5.0 UNSUBSCRIBE (section 3.10): packet id, properties, filters.</summary>
        public static byte[] Unsubscribe(int packetId, string[] filters, V5PropertyWriter properties)
        {
            ByteWriter w = new ByteWriter();
            w.UInt16(packetId);
            w.Bytes(V5PropertyWriter.BlockOf(properties));
            for (int i = 0; i < filters.Length; i++)
            {
                w.Field(filters[i]);
            }
            return w.ToPacket((PacketType.Unsubscribe << 4) | 0x02);
        }

        public static byte[] Unsubscribe(int packetId, string filter)
        {
            return Unsubscribe(packetId, new string[] { filter }, null);
        }

        /// <summary>
        /// A 5.0 PUBACK, PUBREC, PUBREL or PUBCOMP (sections 3.4-3.7): packet id, reason code, and the properties
        /// block only when <paramref name="properties"/> is not null (section 3.4.2.2: it may be left out then).
        /// </summary>
        public static byte[] Ack(int firstByte, int packetId, int reasonCode, V5PropertyWriter properties)
        {
            ByteWriter w = new ByteWriter();
            w.UInt16(packetId).Byte(reasonCode);
            if (properties != null)
            {
                w.Bytes(properties.ToBlock());
            }
            return w.ToPacket(firstByte);
        }

        public static byte[] PubAck(int packetId, int reasonCode, V5PropertyWriter properties) { return Ack(PacketType.PubAck << 4, packetId, reasonCode, properties); }

        public static byte[] PubRec(int packetId, int reasonCode, V5PropertyWriter properties) { return Ack(PacketType.PubRec << 4, packetId, reasonCode, properties); }

        /// <summary>PUBREL keeps its fixed-header flags 0010 in 5.0 [MQTT-3.6.1-1].</summary>
        public static byte[] PubRel(int packetId, int reasonCode, V5PropertyWriter properties) { return Ack((PacketType.PubRel << 4) | 0x02, packetId, reasonCode, properties); }

        public static byte[] PubComp(int packetId, int reasonCode, V5PropertyWriter properties) { return Ack(PacketType.PubComp << 4, packetId, reasonCode, properties); }

        /// <summary>A 5.0 DISCONNECT (section 3.14) with a reason code and, when not null, properties.</summary>
        public static byte[] Disconnect(int reasonCode, V5PropertyWriter properties)
        {
            ByteWriter w = new ByteWriter();
            w.Byte(reasonCode);
            if (properties != null)
            {
                w.Bytes(properties.ToBlock());
            }
            return w.ToPacket(PacketType.Disconnect << 4);
        }

        /// <summary>A DISCONNECT that also changes the session expiry interval (allowed unless CONNECT set it to 0 [MQTT-3.14.2-2]).</summary>
        public static byte[] Disconnect(int reasonCode, long sessionExpiryInterval)
        {
            return Disconnect(reasonCode, new V5PropertyWriter().SessionExpiryInterval(sessionExpiryInterval));
        }

        /// <summary>An AUTH (section 3.15): reason code (0x18 continue, 0x19 re-authenticate) and properties (method, data).</summary>
        public static byte[] Auth(int reasonCode, V5PropertyWriter properties)
        {
            ByteWriter w = new ByteWriter();
            w.Byte(reasonCode);
            w.Bytes(V5PropertyWriter.BlockOf(properties));
            return w.ToPacket(AuthType << 4);
        }
    }
}
