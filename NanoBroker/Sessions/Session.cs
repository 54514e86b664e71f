namespace NanoBroker.Sessions
{
    /// <summary>
    /// The state MQTT keeps per client identifier: outbound messages in flight and queued, inbound
    /// QoS 2 packet identifiers awaiting PUBREL, and the next packet identifier. Subscriptions live in
    /// the broker's subscription table, keyed by this session's slot. Slots are preallocated.
    /// </summary>
    public sealed class Session
    {
        public readonly int Id;

        internal readonly byte[] ClientId;
        internal int ClientIdLength;
        internal bool InUse;

        /// <summary>Clean session = 0: the session outlives its connection [MQTT-3.1.2-4].</summary>
        internal bool Persistent;

        // The Session Expiry Interval in seconds: 0 ends the session with its connection, Never keeps it until
        // evicted (MQTT 3.1.1 clean session 0); another value discards it that long after its connection ended.
        internal uint ExpirySeconds;

        /// <summary>The expiry interval of a session that never expires (MQTT 5.0 section 3.1.2.11.2).</summary>
        internal const uint Never = 0xFFFFFFFF;

        /// <summary>True when the offline session's expiry interval has run out at <paramref name="nowMs"/>.</summary>
        internal bool Expired(long nowMs)
        {
            return !IsOnline && ExpirySeconds != Never && nowMs - LastSeenMs >= ExpirySeconds * 1000L;
        }

        /// <summary>
        /// Who made the session: a user index in Broker.Access, or AccessControl.Anonymous. Only a client of the
        /// same identity may take the session up again.
        /// </summary>
        internal int Owner;

        /// <summary>The owner of a session restored from the log whose user is no longer in the password file.</summary>
        internal const int OwnerGone = -3;

        /// <summary>Connection slot while online, else -1.</summary>
        internal int Connection;
        internal long LastSeenMs;

        // Outbound QoS 1/2 messages sent or to be sent, oldest first [MQTT-4.6.0-1]. Flags are the
        // PUBLISH fixed-header bits: QoS in bits 1-2, RETAIN in bit 0.
        internal readonly int[] InflightMessage;
        internal readonly int[] InflightPacketId;
        internal readonly byte[] InflightFlags;
        internal readonly byte[] InflightState;

        // The ordinal of each inflight message's QueuedMessage record (see JournaledQueued), or -1 for none.
        internal readonly int[] InflightJournal;
        internal int InflightCount;

        // Messages waiting for a free inflight slot (or for the client to come back): a ring.
        internal readonly int[] QueueMessage;
        internal readonly byte[] QueueFlags;
        internal int QueueHead;
        internal int QueueCount;

        // Inbound QoS 2 packet identifiers whose PUBREL has not arrived [MQTT-4.3.3-2].
        internal readonly int[] AwaitingRelease;
        internal int AwaitingReleaseCount;

        internal int LastPacketId;

        // Messages dropped for this session since start (a bridge reports its own: Broker.SessionBacklog).
        internal long Dropped;

        // QueuedMessage records written since the session's last QueueClear record; the next one's ordinal.
        internal int JournaledQueued;

        // The ordinal of the next journaled message to leave the queue. The journaled messages still queued
        // are always the first JournaledQueued - JournalNext of the queue, in ordinal order: messages are
        // journaled only while the session is offline (appended) or all at once when it goes offline.
        internal int JournalNext;

        // Retained messages still to send for new subscriptions (SubscriptionTree.RetainedUntil): set when
        // one is made, cleared once none is left. RetainedEntry is the subscription being served (check it: it
        // may have gone); RetainedTurn says the next message to send is a retained one rather than a queued one.
        internal bool RetainedPending;
        internal int RetainedEntry;
        internal bool RetainedTurn;

        // Per-publish routing scratch: deduplicates overlapping subscriptions. RouteFlags are the PUBLISH fixed-header
        // bits of the delivery: the highest QoS granted in bits 1-2, RETAIN in bit 0 when one is Retain As Published.
        internal int RouteStamp;
        internal int RouteFlags;

        // One of the session's subscriptions has (or had) a Subscription Identifier: its PUBLISH packets look theirs up.
        internal bool HasSubscriptionIds;

        public Session(int id, int maxClientIdBytes, int inflight, int queueDepth)
        {
            Id = id;
            ClientId = new byte[maxClientIdBytes];
            InflightMessage = new int[inflight];
            InflightPacketId = new int[inflight];
            InflightFlags = new byte[inflight];
            InflightState = new byte[inflight];
            InflightJournal = new int[inflight];
            QueueMessage = new int[queueDepth];
            QueueFlags = new byte[queueDepth];
            AwaitingRelease = new int[inflight];
            Connection = -1;
        }

        /// <summary>
        /// The place in the queue of a message a QueueDone record marked during replay (or that did not fit the
        /// message store): it holds no pool handle, and Restorer takes such places out after the replay.
        /// </summary>
        internal const int Done = -1;

        internal bool IsOnline { get { return Connection >= 0; } }

        /// <summary>The client identifier as text, for log lines.</summary>
        internal string ClientIdText()
        {
            return NanoBroker.Protocol.Utf8.GetString(ClientId, 0, ClientIdLength);
        }

        internal bool QueueFull { get { return QueueCount == QueueMessage.Length; } }

        internal bool HasClientId(byte[] bytes, int offset, int count)
        {
            return InUse && NanoBroker.Routing.Topic.Equal(ClientId, 0, ClientIdLength, bytes, offset, count);
        }

        internal void Enqueue(int message, int publishFlags)
        {
            int tail = (QueueHead + QueueCount) % QueueMessage.Length;
            QueueMessage[tail] = message;
            QueueFlags[tail] = (byte)publishFlags;
            QueueCount++;
        }

        /// <summary>Removes the oldest queued message and returns its pool handle.</summary>
        internal int Dequeue(out int publishFlags)
        {
            int message = QueueMessage[QueueHead];
            publishFlags = QueueFlags[QueueHead];
            QueueHead = (QueueHead + 1) % QueueMessage.Length;
            QueueCount--;
            return message;
        }

        internal int FindInflight(int packetId)
        {
            for (int i = 0; i < InflightCount; i++)
            {
                if (InflightPacketId[i] == packetId)
                {
                    return i;
                }
            }
            return -1;
        }

        /// <summary>Removes inflight entry <paramref name="index"/>, keeping the order of the rest.</summary>
        internal void RemoveInflight(int index)
        {
            for (int i = index + 1; i < InflightCount; i++)
            {
                InflightMessage[i - 1] = InflightMessage[i];
                InflightPacketId[i - 1] = InflightPacketId[i];
                InflightFlags[i - 1] = InflightFlags[i];
                InflightState[i - 1] = InflightState[i];
                InflightJournal[i - 1] = InflightJournal[i];
            }
            InflightCount--;
        }

        /// <summary>
        /// For the message about to leave the queue head (to be sent, or dropped): the ordinal of its QueuedMessage
        /// record, or -1 when it has none.
        /// </summary>
        internal int TakeJournalOrdinal()
        {
            return JournalNext < JournaledQueued ? JournalNext++ : -1;
        }

        /// <summary>No QueuedMessage record of the session counts any more (after a QueueClear, or the session is gone).</summary>
        internal void ResetJournal()
        {
            JournaledQueued = 0;
            JournalNext = 0;
        }

        /// <summary>A packet identifier not in use by an inflight message (1..65535, [MQTT-2.3.1-1]).</summary>
        internal int NextPacketId()
        {
            while (true)
            {
                LastPacketId = LastPacketId == 65535 ? 1 : LastPacketId + 1;
                if (FindInflight(LastPacketId) < 0)
                {
                    return LastPacketId;
                }
            }
        }

        internal int FindAwaitingRelease(int packetId)
        {
            for (int i = 0; i < AwaitingReleaseCount; i++)
            {
                if (AwaitingRelease[i] == packetId)
                {
                    return i;
                }
            }
            return -1;
        }

        internal void RemoveAwaitingRelease(int index)
        {
            AwaitingReleaseCount--;
            AwaitingRelease[index] = AwaitingRelease[AwaitingReleaseCount];
        }
    }
}
