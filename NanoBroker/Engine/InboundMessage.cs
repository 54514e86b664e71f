namespace NanoBroker
{
    /// <summary>
    /// A message being routed, as offsets into the buffers it lies in: the topic (the receive buffer, a Topic Alias's
    /// arena, or a copy), the 5.0 property block as received (<see cref="Protocol.Properties.NextForwardedRun"/> picks what is
    /// forwarded) and the payload, with its QoS, retain flag and expiry. One instance per owner, filled per message.
    /// </summary>
    internal sealed class InboundMessage
    {
        internal byte[] Topic;
        internal int TopicStart;
        internal int TopicLength;

        /// <summary>The buffer the properties and the payload lie in.</summary>
        internal byte[] Body;

        /// <summary>The property block without its length prefix (empty for 3.x), and the bytes of it that are forwarded.</summary>
        internal int PropertiesStart;
        internal int PropertiesLength;
        internal int ForwardedLength;

        internal int PayloadStart;
        internal int PayloadLength;
        internal int Qos;
        internal bool Retain;

        /// <summary>When it expires in engine-clock seconds (<see cref="MessageExpiry"/>), or MessagePool.NoExpiry.</summary>
        internal int ExpiresAt;

        /// <summary>A message without properties whose topic and payload lie in one buffer.</summary>
        internal void Set(byte[] buffer, int topicStart, int topicLength, int payloadStart, int payloadLength, int qos, bool retain)
        {
            Topic = buffer;
            TopicStart = topicStart;
            TopicLength = topicLength;
            Body = buffer;
            PropertiesStart = payloadStart;
            PropertiesLength = 0;
            ForwardedLength = 0;
            PayloadStart = payloadStart;
            PayloadLength = payloadLength;
            Qos = qos;
            Retain = retain;
            ExpiresAt = Messages.MessagePool.NoExpiry;
        }

        /// <summary>Sets the property block (in <see cref="Body"/>) and counts its forwarded bytes.</summary>
        internal void SetProperties(int start, int length)
        {
            PropertiesStart = start;
            PropertiesLength = length;
            ForwardedLength = length == 0 ? 0 : Protocol.Properties.ForwardedLength(Body, start, length);
        }
    }
}
