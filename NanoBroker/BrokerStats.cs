namespace NanoBroker
{
    /// <summary>Counters of the broker's lifetime, published under $SYS/broker/.</summary>
    public sealed class BrokerStats
    {
        public long MessagesReceived;
        public long MessagesSent;
        public long BytesReceived;
        public long BytesSent;

        /// <summary>QoS 0 messages dropped for a slow reader, and QoS 1/2 messages dropped from full queues.</summary>
        public long MessagesDropped;

        /// <summary>Retained messages delivered but not stored because the retained budget was full.</summary>
        public long RetainedRefused;

        /// <summary>PUBLISH packets acknowledged but not routed (to $SYS topics, which only the broker writes).</summary>
        public long PublishesDenied;

        public long ConnectionsRefused;
        public long ProtocolViolations;
        public long SessionsEvicted;
        public long SubscriptionsRefused;
    }
}
