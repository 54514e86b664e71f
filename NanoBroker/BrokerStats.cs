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

        /// <summary>MQTT 5.0 messages whose Message Expiry Interval passed before they were sent: queued ones dropped, retained ones removed [MQTT-3.3.2-5].</summary>
        public long MessagesExpired;

        /// <summary>Retained messages delivered but not stored because the retained budget was full (the topic's earlier one is cleared).</summary>
        public long RetainedRefused;

        /// <summary>PUBLISH packets acknowledged but not routed (to $SYS topics, which only the broker writes).</summary>
        public long PublishesDenied;

        public long ConnectionsRefused;
        public long ProtocolViolations;
        public long SessionsEvicted;

        /// <summary>Offline sessions discarded because their Session Expiry Interval ran out (MQTT 5.0).</summary>
        public long SessionsExpired;
        public long SubscriptionsRefused;

        /// <summary>Durable state refused while the storage was full or failing: retained messages, persistent sessions, wills, subscriptions.</summary>
        public long StorageRefused;

        /// <summary>Storage operations that failed (the backend threw: a full or failing file system).</summary>
        public long StorageFailures;

        /// <summary>QoS 2 messages taken without keeping their identifier: the client filled the receive buffer beyond the inflight window before sending PUBRELs.</summary>
        public long InboundWindowOverflows;

        /// <summary>Times a connection waited to receive a packet larger than its own buffer because every large receive buffer was lent.</summary>
        public long BufferWaits;
    }
}
