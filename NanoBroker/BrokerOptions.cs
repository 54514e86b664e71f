namespace NanoBroker
{
    /// <summary>What the broker does when an online subscriber's QoS 1/2 queue is full.</summary>
    public enum QueueFullPolicy
    {
        /// <summary>Stop reading the publishers that feed it until it has room, so nothing acknowledged is lost.</summary>
        Backpressure = 0,

        /// <summary>Drop the oldest queued message and count it.</summary>
        DropOldest = 1,
    }

    /// <summary>
    /// Every limit of the broker. All memory is allocated from these at start; each limit has a
    /// defined behaviour when reached (noted per field).
    /// </summary>
    public sealed class BrokerOptions
    {
        /// <summary>Connected clients at once. Beyond it: CONNACK 3 (server unavailable).</summary>
        public int MaxClients;

        /// <summary>Sessions kept, connected or persistent offline. Beyond it: the least recently seen offline session is dropped (counted); with none, CONNACK 3.</summary>
        public int MaxSessions;

        /// <summary>Largest packet accepted, fixed header included. Beyond it: the connection is closed before the rest is read.</summary>
        public int MaxPacketSize;

        /// <summary>
        /// Bytes of each connection's own receive buffer; 0 (or more) means <see cref="MaxPacketSize"/>. A larger packet is
        /// received into a buffer lent for it (<see cref="LargeReceiveBuffers"/>).
        /// </summary>
        public int ReceiveBufferBytes;

        /// <summary>
        /// Buffers of <see cref="MaxPacketSize"/> bytes, allocated at start, lent to a connection while it receives a packet
        /// larger than its own receive buffer. When all are lent: the connection waits (it is read until its own buffer is
        /// full, then not at all: backpressure) until one comes back; nothing is dropped. Needed (at least 1) when
        /// <see cref="ReceiveBufferBytes"/> is below <see cref="MaxPacketSize"/>, unused otherwise.
        /// </summary>
        public int LargeReceiveBuffers;

        /// <summary>Bytes of each connection's own send buffer. When full: QoS 0 is dropped and counted, QoS 1/2 waits in the queue.</summary>
        public int OutboxBytes;

        /// <summary>
        /// Buffers of <see cref="MaxPacketSize"/> bytes, allocated at start, lent to an outbox for a packet larger than
        /// its free room, until what is left to send fits the own buffer again. When all are lent: QoS 0 is dropped and
        /// counted, QoS 1/2 (and retained messages for new subscriptions) wait until one comes back. Needed (at least 1)
        /// when <see cref="OutboxBytes"/> is below <see cref="MaxPacketSize"/>, unused otherwise.
        /// </summary>
        public int LargeSendBuffers;

        /// <summary>The size of each connection's own receive buffer (<see cref="ReceiveBufferBytes"/>, or <see cref="MaxPacketSize"/> for 0).</summary>
        public int ReceiveBytes { get { return ReceiveBufferBytes > 0 && ReceiveBufferBytes < MaxPacketSize ? ReceiveBufferBytes : MaxPacketSize; } }

        /// <summary>Longest client identifier accepted, in bytes. Beyond it: CONNACK 2.</summary>
        public int MaxClientIdBytes;

        /// <summary>Subscriptions of all sessions together. Beyond it: SUBACK 0x80 for that filter.</summary>
        public int MaxSubscriptions;

        /// <summary>
        /// Levels in the topic tree, shared by the subscriptions' filters and the retained messages' topics (a level
        /// common to several is one node). Beyond it: SUBACK 0x80 for a filter, a retained message delivered but not stored.
        /// </summary>
        public int MaxTopicNodes;

        /// <summary>Bytes of the topic tree's literal levels: each level once, plus 4. Beyond it: as <see cref="MaxTopicNodes"/>.</summary>
        public int TopicLevelBytes;

        /// <summary>
        /// Unacknowledged QoS 1/2 messages per session in each direction. Outbound, further messages
        /// wait in the queue; inbound, a client with more QoS 2 messages awaiting PUBREL is disconnected.
        /// </summary>
        public int InflightWindow;


        /// <summary>QoS 1/2 messages queued per session (online behind the inflight window, or offline). When full: see <see cref="QueueFull"/>; offline, the oldest is dropped and counted.</summary>
        public int QueueDepth;

        /// <summary>What a full queue of an online subscriber does to publishers.</summary>
        public QueueFullPolicy QueueFull;

        /// <summary>Retained messages kept. Beyond it: a new retained topic is delivered but not stored (counted).</summary>
        public int MaxRetainedMessages;

        /// <summary>Bytes (topic + payload) of all retained messages. Beyond it: as <see cref="MaxRetainedMessages"/>.</summary>
        public int MaxRetainedBytes;

        /// <summary>Messages held at once in the shared message store (queued, inflight, retained, wills).</summary>
        public int MaxStoredMessages;

        /// <summary>Bytes of the shared message store. When full: publishers wait (backpressure) or the message is dropped and counted.</summary>
        public int MessageStoreBytes;

        /// <summary>Block size of the message store: each message takes whole blocks.</summary>
        public int MessageBlockBytes;

        /// <summary>Time a new connection has to send CONNECT before it is closed.</summary>
        public int ConnectTimeoutMs;

        /// <summary>Time a client may leave its send buffer full, or hold publishers back, before it is disconnected.</summary>
        public int SlowClientTimeoutMs;

        /// <summary>Interval of the $SYS/broker/... statistics; 0 turns them off.</summary>
        public int SysIntervalMs;

        /// <summary>
        /// Also publish, every SysIntervalMs, $SYS/broker/clients/list: every session (client id, online) with its
        /// subscriptions, as JSON, not retained (what the status page shows). Off unless set (the web port sets it):
        /// it tells whoever may read $SYS the other clients' ids and filters. A list larger than MaxPacketSize leaves the
        /// sessions that do not fit out, counted in its "more".
        /// </summary>
        public bool SysClientList;

        /// <summary>Bytes of the storage batch: records waiting to be written together. At least MaxPacketSize + MaxClientIdBytes + Storage.Record.Overhead, 22 (the largest record).</summary>
        public int StorageBatchBytes;

        /// <summary>Longest a stored change waits for its batch to be written; acknowledgements of changes wait for it.</summary>
        public int StorageCommitDelayMs;

        /// <summary>
        /// Longest a retained message published at QoS 0 waits to be written when nothing else is (never less than
        /// <see cref="StorageCommitDelayMs"/>). Nobody waits for it, so it may wait longer, sparing the flash: a
        /// newer value of the topic replaces it in the batch. A power cut may lose the values of this last stretch.
        /// </summary>
        public int StorageRetainedDelayMs;

        /// <summary>Size of the log that triggers compaction (rewriting only the live records).</summary>
        public int StorageCompactBytes;

        /// <summary>
        /// Bytes the log and its compaction copy may take together on the storage. Compaction copies the live state
        /// beside the old log, and one packet's records need room, so the live state may take a quarter of it:
        /// beyond, the storage is full (new retained messages are delivered but not stored, a new persistent
        /// session or a will gets CONNACK 3, a new subscription of a persistent session SUBACK 0x80, messages
        /// queued for offline sessions are kept in memory only) until it shrinks to an eighth. The log is compacted
        /// early when needed to stay within it. On an ESP32 it leaves the rest of I:\ to the firmware's configuration.
        /// </summary>
        public int MaxStorageBytes;

        /// <summary>
        /// Also keep the QoS 1/2 messages queued for offline persistent sessions in the log, so they survive
        /// a restart. Every such message is then written to flash once more: off on the ESP32 by default.
        /// </summary>
        public bool PersistQueuedMessages;

        /// <summary>
        /// Topic aliases an MQTT 5.0 client may set per connection (of the <see cref="MaxTopicAliasClients"/> that have
        /// tables), announced as its Topic Alias Maximum; 0 = none. Beyond it (an alias of 0 or above it): DISCONNECT
        /// 0x94 [MQTT-3.3.2-9].
        /// </summary>
        public int MaxTopicAliases;

        /// <summary>
        /// Topic aliases the broker uses toward an MQTT 5.0 client per connection (of those that have tables; at most the
        /// client's Topic Alias Maximum); 0 = none.
        /// </summary>
        public int MaxOutboundTopicAliases;

        /// <summary>
        /// Bytes per connection and direction for the topics that aliases stand for. Beyond them: an inbound alias that does
        /// not fit is refused with DISCONNECT 0x97 (quota exceeded); an outbound topic that does not fit is sent without an alias.
        /// </summary>
        public int TopicAliasBytes;

        /// <summary>
        /// MQTT 5.0 connections that may use Topic Aliases at once: each borrows, while connected, a table of
        /// <see cref="MaxTopicAliases"/> aliases its client sets and one of <see cref="MaxOutboundTopicAliases"/> the
        /// broker sets. A 5.0 client connecting while every table is lent is announced no Topic Alias Maximum (an alias
        /// it sends anyway: DISCONNECT 0x94 [MQTT-3.3.2-9]) and is sent none; so is every client with 0.
        /// </summary>
        public int MaxTopicAliasClients;

        /// <summary>
        /// Longest Session Expiry Interval an MQTT 5.0 client gets, in seconds; a longer one is cut to it and CONNACK says so.
        /// 2147483647 = no cap (a client's 0xFFFFFFFF, never, stays).
        /// </summary>
        public int MaxSessionExpirySeconds;

        /// <summary>
        /// Longest keep-alive a client gets, in seconds; 0 = no cap. An MQTT 5.0 client asking for 0 or more is told
        /// this value as Server Keep Alive [MQTT-3.2.2-21]; an MQTT 3.1.1 or 3.1 client asking for more is refused with
        /// CONNACK 2, as mosquitto does (3.x cannot be told another value).
        /// </summary>
        public int MaxKeepAliveSeconds;

        /// <summary>
        /// MQTT 5.0 shared subscription groups ("$share/{ShareName}/{filter}", one per ShareName and filter) the broker
        /// holds; beyond them a shared SUBSCRIBE gets 0x97 (quota exceeded). 0: shared subscriptions are not available
        /// (CONNACK says so, SUBACK 0x9E).
        /// </summary>
        public int MaxShareGroups;

        /// <summary>
        /// MQTT 5.0 enhanced authentication (SCRAM-SHA-256) exchanges under way at once, each from CONNECT to CONNACK;
        /// 0 = enhanced authentication off (CONNACK 0x8C). A CONNECT beyond them is refused with CONNACK 0x89 (server busy).
        /// </summary>
        public int MaxAuthExchanges;

        /// <summary>
        /// Retained $SYS topics of add-ons beyond the broker's own (5 per bridge: $SYS/broker/bridge/&lt;name&gt;/...), each up
        /// to 96 bytes of topic and value; room for them is kept apart from the user's retained limits, as for the broker's own.
        /// 0 unless the app runs add-ons.
        /// </summary>
        public int AddOnSysTopics;

        /// <summary>Defaults for an ESP32 without PSRAM (about 100 KB of managed heap, 16 lwIP sockets).</summary>
        public static BrokerOptions Esp32()
        {
            BrokerOptions o = new BrokerOptions();
            o.MaxClients = 8;
            o.MaxSessions = 16;
            o.MaxPacketSize = 1024;
            o.ReceiveBufferBytes = 0;
            o.LargeReceiveBuffers = 0;
            o.OutboxBytes = 1536;
            o.LargeSendBuffers = 0;
            o.MaxClientIdBytes = 64;
            o.MaxSubscriptions = 64;
            o.MaxTopicNodes = 128;
            o.TopicLevelBytes = 2048;
            o.InflightWindow = 4;
            o.QueueDepth = 16;
            o.QueueFull = QueueFullPolicy.Backpressure;
            o.MaxRetainedMessages = 32;
            o.MaxRetainedBytes = 4096;
            o.MaxStoredMessages = 128;
            o.MessageStoreBytes = 12288;
            o.MessageBlockBytes = 64;
            o.ConnectTimeoutMs = 10000;
            o.SlowClientTimeoutMs = 15000;
            o.SysIntervalMs = 30000;
            o.StorageBatchBytes = 2048;
            o.StorageCommitDelayMs = 100;
            o.StorageRetainedDelayMs = 300000;
            o.StorageCompactBytes = 65536;
            o.MaxStorageBytes = 131072;
            o.PersistQueuedMessages = false;
            o.MaxTopicAliases = 4;
            o.MaxOutboundTopicAliases = 0;
            o.TopicAliasBytes = 128;
            o.MaxTopicAliasClients = 4;
            o.MaxSessionExpirySeconds = int.MaxValue;
            o.MaxKeepAliveSeconds = 0;
            o.MaxShareGroups = 8;
            o.MaxAuthExchanges = 0;
            return o;
        }

        /// <summary>Defaults for the desktop host.</summary>
        public static BrokerOptions Desktop()
        {
            BrokerOptions o = new BrokerOptions();
            o.MaxClients = 256;
            o.MaxSessions = 1024;
            o.MaxPacketSize = 2097152;
            o.ReceiveBufferBytes = 65536;
            o.LargeReceiveBuffers = 4;
            o.OutboxBytes = 131072;
            o.LargeSendBuffers = 4;
            o.MaxClientIdBytes = 256;
            o.MaxSubscriptions = 10000;
            o.MaxTopicNodes = 65536;
            o.TopicLevelBytes = 1048576;
            o.InflightWindow = 32;
            o.QueueDepth = 1000;
            o.QueueFull = QueueFullPolicy.Backpressure;
            o.MaxRetainedMessages = 10000;
            o.MaxRetainedBytes = 16777216;
            o.MaxStoredMessages = 65536;
            o.MessageStoreBytes = 16777216;
            o.MessageBlockBytes = 256;
            o.ConnectTimeoutMs = 10000;
            o.SlowClientTimeoutMs = 30000;
            o.SysIntervalMs = 10000;
            o.StorageBatchBytes = 8388608;
            o.StorageCommitDelayMs = 5;
            o.StorageRetainedDelayMs = 5;
            o.StorageCompactBytes = 67108864;
            o.MaxStorageBytes = 536870912;
            o.PersistQueuedMessages = true;
            o.MaxTopicAliases = 64;
            o.MaxOutboundTopicAliases = 64;
            o.TopicAliasBytes = 4096;
            o.MaxTopicAliasClients = 256;
            o.MaxSessionExpirySeconds = int.MaxValue;
            o.MaxKeepAliveSeconds = 0;
            o.MaxShareGroups = 1024;
            o.MaxAuthExchanges = 8;
            return o;
        }

        /// <summary>Null when the options are consistent, else what is wrong.</summary>
        public string Validate()
        {
            if (MaxClients < 1) return "MaxClients must be at least 1";
            if (MaxSessions < MaxClients) return "MaxSessions must be at least MaxClients";
            if (MaxPacketSize < 16 || MaxPacketSize > Protocol.RemainingLength.Max) return "MaxPacketSize must be between 16 and 268435455";
            if (ReceiveBufferBytes != 0 && ReceiveBufferBytes < 16) return "ReceiveBufferBytes must be 0 (MaxPacketSize) or at least 16";
            if (LargeReceiveBuffers < 0 || LargeSendBuffers < 0) return "LargeReceiveBuffers and LargeSendBuffers must not be negative";
            if (ReceiveBytes < MaxPacketSize && LargeReceiveBuffers < 1) return "LargeReceiveBuffers must be at least 1 when ReceiveBufferBytes is below MaxPacketSize";
            if (OutboxBytes < 16) return "OutboxBytes must be at least 16";
            if (OutboxBytes < MaxPacketSize && LargeSendBuffers < 1) return "OutboxBytes must be at least MaxPacketSize, or LargeSendBuffers at least 1";
            if (MaxClientIdBytes < 23) return "MaxClientIdBytes must be at least 23 (MQTT-3.1.3-5)";
            if (MaxSubscriptions < 1 || MaxTopicNodes < 1 || TopicLevelBytes < 1) return "MaxSubscriptions, MaxTopicNodes and TopicLevelBytes must be at least 1";
            if (InflightWindow < 1 || InflightWindow > 65535) return "InflightWindow must be between 1 and 65535";
            if (QueueDepth < 1) return "QueueDepth must be at least 1 (every QoS 1/2 message passes through the queue)";
            if (MaxRetainedMessages < 0 || MaxRetainedBytes < 0) return "MaxRetainedMessages and MaxRetainedBytes must not be negative";
            if (MaxStoredMessages < 1 || MessageBlockBytes < 8) return "MaxStoredMessages must be at least 1 and MessageBlockBytes at least 8";
            if (MessageStoreBytes < MaxPacketSize) return "MessageStoreBytes must be at least MaxPacketSize";
            if (ConnectTimeoutMs < 1 || SlowClientTimeoutMs < 1) return "ConnectTimeoutMs and SlowClientTimeoutMs must be at least 1";
            if (SysIntervalMs < 0) return "SysIntervalMs must not be negative";
            if (StorageBatchBytes < MaxPacketSize + MaxClientIdBytes + Storage.Record.Overhead) return "StorageBatchBytes must be at least MaxPacketSize + MaxClientIdBytes + " + Storage.Record.Overhead;
            if (StorageCommitDelayMs < 0 || StorageCompactBytes < StorageBatchBytes) return "StorageCommitDelayMs must not be negative and StorageCompactBytes must be at least StorageBatchBytes";
            if (MaxStorageBytes < 8 * StorageBatchBytes) return "MaxStorageBytes must be at least 8 x StorageBatchBytes (the live state may take a quarter of it, and compaction and one packet's records need the rest)";
            if (StorageRetainedDelayMs < 0) return "StorageRetainedDelayMs must not be negative";
            if (MaxTopicAliases < 0 || MaxTopicAliases > 65535 || MaxOutboundTopicAliases < 0 || MaxOutboundTopicAliases > 65535) return "MaxTopicAliases and MaxOutboundTopicAliases must be between 0 and 65535";
            if (TopicAliasBytes < 0 || MaxTopicAliasClients < 0) return "TopicAliasBytes and MaxTopicAliasClients must not be negative";
            if (MaxSessionExpirySeconds < 0) return "MaxSessionExpirySeconds must not be negative";
            if (MaxKeepAliveSeconds < 0 || MaxKeepAliveSeconds > 65535) return "MaxKeepAliveSeconds must be between 0 and 65535";
            if (MaxShareGroups < 0) return "MaxShareGroups must not be negative";
            if (MaxAuthExchanges < 0) return "MaxAuthExchanges must not be negative";
            if (AddOnSysTopics < 0) return "AddOnSysTopics must not be negative";
            return null;
        }
    }
}
