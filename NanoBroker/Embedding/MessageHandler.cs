namespace NanoBroker
{
    /// <summary>
    /// Called on the engine's thread for each message published on a topic that matches the filter the handler was added
    /// with (<see cref="Broker.AddMessageHandler(byte[], MessageHandler)"/>). The topic and payload are views into the
    /// engine's buffers, valid only during the call: read or copy them, keep no reference.
    /// </summary>
    /// <param name="topic">The buffer that holds the topic name (UTF-8).</param>
    /// <param name="topicStart">Where the topic name starts in <paramref name="topic"/>.</param>
    /// <param name="topicLength">The topic name's length in bytes.</param>
    /// <param name="payload">The buffer that holds the payload.</param>
    /// <param name="payloadStart">Where the payload starts in <paramref name="payload"/>.</param>
    /// <param name="payloadLength">The payload's length in bytes (0 for an empty payload).</param>
    /// <param name="qos">The QoS the message was published with (0, 1 or 2).</param>
    /// <param name="retain">The publisher's RETAIN flag.</param>
    public delegate void MessageHandler(byte[] topic, int topicStart, int topicLength, byte[] payload, int payloadStart, int payloadLength, int qos, bool retain);
}
