namespace NanoBroker
{
    /// <summary>
    /// The integer limits of <see cref="BrokerOptions"/> by name, as settings are spelt: the board's
    /// <c>I:\nanobroker.ini</c> (<c>max_packet_size=2048</c>) and the host's command line
    /// (<c>--max-packet-size 2048</c>, dashes for underscores). One list, so both offer every limit.
    /// </summary>
    public static class BrokerLimits
    {
        /// <summary>How many limits there are; their indexes run from 0 to this less one.</summary>
        public const int Count = 34;

        /// <summary>The name of limit <paramref name="index"/>.</summary>
        public static string Name(int index)
        {
            switch (index)
            {
                case 0: return "max_clients";
                case 1: return "max_sessions";
                case 2: return "max_packet_size";
                case 3: return "outbox_bytes";
                case 4: return "max_client_id_bytes";
                case 5: return "max_subscriptions";
                case 6: return "max_topic_nodes";
                case 7: return "topic_level_bytes";
                case 8: return "inflight";
                case 9: return "queue_depth";
                case 10: return "max_retained";
                case 11: return "max_retained_bytes";
                case 12: return "max_stored_messages";
                case 13: return "store_bytes";
                case 14: return "store_block_bytes";
                case 15: return "connect_timeout_ms";
                case 16: return "slow_client_timeout_ms";
                case 17: return "sys_interval_ms";
                case 18: return "storage_batch_bytes";
                case 19: return "storage_commit_delay_ms";
                case 20: return "storage_compact_bytes";
                case 21: return "max_storage_bytes";
                case 22: return "storage_retained_delay_ms";
                case 23: return "receive_buffer_bytes";
                case 24: return "large_receive_buffers";
                case 25: return "large_send_buffers";
                case 26: return "max_topic_aliases";
                case 27: return "max_topic_aliases_out";
                case 28: return "topic_alias_bytes";
                case 29: return "max_session_expiry";
                case 30: return "max_keep_alive";
                case 31: return "max_share_groups";
                case 32: return "max_auth_exchanges";
                case 33: return "max_topic_alias_clients";
                default: return null;
            }
        }

        /// <summary>The index of the limit called <paramref name="name"/>, or -1.</summary>
        public static int Find(string name)
        {
            for (int i = 0; i < Count; i++)
            {
                if (Name(i) == name)
                {
                    return i;
                }
            }
            return -1;
        }

        public static int Get(BrokerOptions o, int index)
        {
            switch (index)
            {
                case 0: return o.MaxClients;
                case 1: return o.MaxSessions;
                case 2: return o.MaxPacketSize;
                case 3: return o.OutboxBytes;
                case 4: return o.MaxClientIdBytes;
                case 5: return o.MaxSubscriptions;
                case 6: return o.MaxTopicNodes;
                case 7: return o.TopicLevelBytes;
                case 8: return o.InflightWindow;
                case 9: return o.QueueDepth;
                case 10: return o.MaxRetainedMessages;
                case 11: return o.MaxRetainedBytes;
                case 12: return o.MaxStoredMessages;
                case 13: return o.MessageStoreBytes;
                case 14: return o.MessageBlockBytes;
                case 15: return o.ConnectTimeoutMs;
                case 16: return o.SlowClientTimeoutMs;
                case 17: return o.SysIntervalMs;
                case 18: return o.StorageBatchBytes;
                case 19: return o.StorageCommitDelayMs;
                case 20: return o.StorageCompactBytes;
                case 21: return o.MaxStorageBytes;
                case 22: return o.StorageRetainedDelayMs;
                case 23: return o.ReceiveBufferBytes;
                case 24: return o.LargeReceiveBuffers;
                case 25: return o.LargeSendBuffers;
                case 26: return o.MaxTopicAliases;
                case 27: return o.MaxOutboundTopicAliases;
                case 28: return o.TopicAliasBytes;
                case 29: return o.MaxSessionExpirySeconds;
                case 30: return o.MaxKeepAliveSeconds;
                case 31: return o.MaxShareGroups;
                case 32: return o.MaxAuthExchanges;
                case 33: return o.MaxTopicAliasClients;
                default: throw new System.ArgumentOutOfRangeException("index");
            }
        }

        public static void Set(BrokerOptions o, int index, int value)
        {
            switch (index)
            {
                case 0: o.MaxClients = value; break;
                case 1: o.MaxSessions = value; break;
                case 2: o.MaxPacketSize = value; break;
                case 3: o.OutboxBytes = value; break;
                case 4: o.MaxClientIdBytes = value; break;
                case 5: o.MaxSubscriptions = value; break;
                case 6: o.MaxTopicNodes = value; break;
                case 7: o.TopicLevelBytes = value; break;
                case 8: o.InflightWindow = value; break;
                case 9: o.QueueDepth = value; break;
                case 10: o.MaxRetainedMessages = value; break;
                case 11: o.MaxRetainedBytes = value; break;
                case 12: o.MaxStoredMessages = value; break;
                case 13: o.MessageStoreBytes = value; break;
                case 14: o.MessageBlockBytes = value; break;
                case 15: o.ConnectTimeoutMs = value; break;
                case 16: o.SlowClientTimeoutMs = value; break;
                case 17: o.SysIntervalMs = value; break;
                case 18: o.StorageBatchBytes = value; break;
                case 19: o.StorageCommitDelayMs = value; break;
                case 20: o.StorageCompactBytes = value; break;
                case 21: o.MaxStorageBytes = value; break;
                case 22: o.StorageRetainedDelayMs = value; break;
                case 23: o.ReceiveBufferBytes = value; break;
                case 24: o.LargeReceiveBuffers = value; break;
                case 25: o.LargeSendBuffers = value; break;
                case 26: o.MaxTopicAliases = value; break;
                case 27: o.MaxOutboundTopicAliases = value; break;
                case 28: o.TopicAliasBytes = value; break;
                case 29: o.MaxSessionExpirySeconds = value; break;
                case 30: o.MaxKeepAliveSeconds = value; break;
                case 31: o.MaxShareGroups = value; break;
                case 32: o.MaxAuthExchanges = value; break;
                case 33: o.MaxTopicAliasClients = value; break;
                default: throw new System.ArgumentOutOfRangeException("index");
            }
        }
    }
}
