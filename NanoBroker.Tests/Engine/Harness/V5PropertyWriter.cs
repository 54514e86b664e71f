namespace NanoBroker.Tests.Engine.Harness
{
    /// <summary>
    /// Builds an MQTT 5.0 properties block (section 2.2.2) byte by byte: each call appends one property, identifier
    /// then value, in the order called (repeats and misplaced properties included, for tests of malformed input);
    /// <see cref="ToBlock"/> puts the Variable Byte Integer length in front. Example:
    /// <c>new V5PropertyWriter().SessionExpiryInterval(60).UserProperty("a", "b")</c>.
    /// </summary>
    public sealed class V5PropertyWriter
    {
        private readonly ByteWriter body = new ByteWriter();

        /// <summary>Bytes of the properties so far, without the length in front.</summary>
        public int Length { get { return body.Count; } }

        // CONNECT (section 3.1.2.11)

        public V5PropertyWriter SessionExpiryInterval(long seconds) { return FourBytes(V5Property.SessionExpiryInterval, seconds); }

        public V5PropertyWriter ReceiveMaximum(int count) { return TwoBytes(V5Property.ReceiveMaximum, count); }

        public V5PropertyWriter MaximumPacketSize(long bytes) { return FourBytes(V5Property.MaximumPacketSize, bytes); }

        public V5PropertyWriter TopicAliasMaximum(int count) { return TwoBytes(V5Property.TopicAliasMaximum, count); }

        public V5PropertyWriter RequestResponseInformation(int value) { return OneByte(V5Property.RequestResponseInformation, value); }

        public V5PropertyWriter RequestProblemInformation(int value) { return OneByte(V5Property.RequestProblemInformation, value); }

        public V5PropertyWriter AuthenticationMethod(string method) { return Text(V5Property.AuthenticationMethod, method); }

        public V5PropertyWriter AuthenticationData(byte[] data) { return Binary(V5Property.AuthenticationData, data); }

        // Will properties (section 3.1.3.2) and PUBLISH (section 3.3.2.3)

        public V5PropertyWriter WillDelayInterval(long seconds) { return FourBytes(V5Property.WillDelayInterval, seconds); }

        public V5PropertyWriter PayloadFormatIndicator(int value) { return OneByte(V5Property.PayloadFormatIndicator, value); }

        public V5PropertyWriter MessageExpiryInterval(long seconds) { return FourBytes(V5Property.MessageExpiryInterval, seconds); }

        public V5PropertyWriter ContentType(string type) { return Text(V5Property.ContentType, type); }

        public V5PropertyWriter ResponseTopic(string topic) { return Text(V5Property.ResponseTopic, topic); }

        public V5PropertyWriter CorrelationData(byte[] data) { return Binary(V5Property.CorrelationData, data); }

        public V5PropertyWriter TopicAlias(int alias) { return TwoBytes(V5Property.TopicAlias, alias); }

        /// <summary>Subscription Identifier, a Variable Byte Integer (SUBSCRIBE section 3.8.2.1.2; PUBLISH from the server).</summary>
        public V5PropertyWriter SubscriptionIdentifier(int id)
        {
            body.VarInt(V5Property.SubscriptionIdentifier).VarInt(id);
            return this;
        }

        // Any packet

        /// <summary>A User Property: a UTF-8 string pair (section 1.5.7); it may appear any number of times.</summary>
        public V5PropertyWriter UserProperty(string name, string value)
        {
            body.VarInt(V5Property.UserProperty).Field(name).Field(value);
            return this;
        }

        public V5PropertyWriter ReasonString(string reason) { return Text(V5Property.ReasonString, reason); }

        // By form, for any identifier (also ones 5.0 does not define, or a value of the wrong form).

        public V5PropertyWriter OneByte(int id, int value)
        {
            body.VarInt(id).Byte(value);
            return this;
        }

        public V5PropertyWriter TwoBytes(int id, int value)
        {
            body.VarInt(id).UInt16(value);
            return this;
        }

        public V5PropertyWriter FourBytes(int id, long value)
        {
            body.VarInt(id).UInt32(value);
            return this;
        }

        public V5PropertyWriter Text(int id, string text)
        {
            body.VarInt(id).Field(text);
            return this;
        }

        public V5PropertyWriter Binary(int id, byte[] data)
        {
            body.VarInt(id).Field(data);
            return this;
        }

        /// <summary>Bytes appended as they are (a truncated value, a stray byte).</summary>
        public V5PropertyWriter Raw(byte[] bytes)
        {
            body.Bytes(bytes);
            return this;
        }

        /// <summary>The properties block: Property Length (Variable Byte Integer), then the properties.</summary>
        public byte[] ToBlock()
        {
            ByteWriter w = new ByteWriter();
            return w.VarInt(body.Count).Bytes(body.ToArray()).ToArray();
        }

        /// <summary>The block of <paramref name="properties"/>, or an empty block (a single 0) for null.</summary>
        public static byte[] BlockOf(V5PropertyWriter properties)
        {
            return properties == null ? new byte[] { 0 } : properties.ToBlock();
        }
    }
}
