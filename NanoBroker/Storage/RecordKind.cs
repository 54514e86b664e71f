namespace NanoBroker.Storage
{
    /// <summary>The kinds of record in the broker's log (see docs/record-format.md).</summary>
    public static class RecordKind
    {
        /// <summary>The retained message of a topic: topic, payload; flags = QoS.</summary>
        public const byte RetainedSet = 1;

        /// <summary>The topic has no retained message any more: topic.</summary>
        public const byte RetainedClear = 2;

        /// <summary>A persistent session exists: client id, the user name of its owner (empty: anonymous).</summary>
        public const byte SessionSet = 3;

        /// <summary>The session and all its subscriptions are gone: client id.</summary>
        public const byte SessionClear = 4;

        /// <summary>A persistent session's subscription: client id, filter; flags = QoS.</summary>
        public const byte SubscriptionSet = 5;

        /// <summary>A subscription removed: client id, filter.</summary>
        public const byte SubscriptionClear = 6;

        /// <summary>The will of a connected client: client id, topic, payload; key = connection slot; flags = QoS | retain &lt;&lt; 2.</summary>
        public const byte WillSet = 7;

        /// <summary>The will of a connection slot is gone (published, or the client sent DISCONNECT): key = connection slot.</summary>
        public const byte WillClear = 8;

        /// <summary>Last record of a compacted log: the log is complete.</summary>
        public const byte CompactionEnd = 9;

        /// <summary>A QoS 1/2 message queued for an offline persistent session: client id, topic, payload; flags = PUBLISH flags (QoS, retain).</summary>
        public const byte QueuedMessage = 10;

        /// <summary>The session's queued messages were all delivered and acknowledged: client id.</summary>
        public const byte QueueClear = 11;

        /// <summary>
        /// One queued message was acknowledged (PUBACK, PUBCOMP) or dropped: client id; key = the ordinal of its
        /// QueuedMessage record among the session's since its last QueueClear.
        /// </summary>
        public const byte QueueDone = 12;

        /// <summary>
        /// A QoS 2 message to a persistent session reached PUBREC: the PUBREL of this packet identifier is owed
        /// until PUBCOMP, across restarts. Client id; key = the packet identifier.
        /// </summary>
        public const byte ReleasePending = 13;

        /// <summary>The PUBCOMP of that packet identifier came: client id; key = the packet identifier.</summary>
        public const byte ReleaseDone = 14;

        public static bool IsKnown(int kind)
        {
            return kind >= RetainedSet && kind <= ReleaseDone;
        }
    }
}
