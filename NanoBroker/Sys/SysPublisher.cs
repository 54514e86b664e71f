using NanoBroker.Messages;
using NanoBroker.Routing;
using NanoBroker.Sessions;

namespace NanoBroker.Sys
{
    /// <summary>The $SYS/broker/... statistics, published through the router as retained QoS 0 messages every SysIntervalMs.</summary>
    internal sealed class SysPublisher
    {
        private readonly BrokerOptions options;
        private readonly ConnectionTable connections;
        private readonly SessionTable sessions;
        private readonly SubscriptionTree subscriptions;
        private readonly RetainedTree retained;
        private readonly MessagePool pool;
        private readonly StorageKeeper keeper;
        private readonly Router router;
        private readonly MessageCopy copy;
        private readonly EngineContext context;
        private readonly long startedAtMs;
        private long nextSysMs;

        internal SysPublisher(ConnectionTable connections, SessionTable sessions, SubscriptionTree subscriptions, RetainedTree retained, MessagePool pool, StorageKeeper keeper, Router router, MessageCopy copy, EngineContext context)
        {
            options = context.Options;
            this.connections = connections;
            this.sessions = sessions;
            this.subscriptions = subscriptions;
            this.retained = retained;
            this.pool = pool;
            this.keeper = keeper;
            this.router = router;
            this.copy = copy;
            this.context = context;
            startedAtMs = context.Now;
            nextSysMs = context.Now;
        }

        /// <summary>Set by the edge that can measure the heap; null leaves $SYS/broker/heap/current out.</summary>
        internal HeapProbe HeapBytesInUse { get; set; }

        /// <summary>Publishes every statistic when SysIntervalMs has passed since the last time.</summary>
        internal void PublishIfDue()
        {
            long now = context.Now;
            if (options.SysIntervalMs == 0 || now < nextSysMs)
            {
                return;
            }
            BrokerStats stats = context.Stats;
            nextSysMs = now + options.SysIntervalMs;
            Publish(SysTopics.Version, SysTopics.VersionText);
            Publish(SysTopics.Uptime, (now - startedAtMs) / 1000, SysTopics.SecondsSuffix);
            Publish(SysTopics.ClientsConnected, connections.ConnectedCount, null);
            Publish(SysTopics.ClientsTotal, sessions.Count, null);
            Publish(SysTopics.ClientsMaximum, options.MaxClients, null);
            Publish(SysTopics.MessagesReceived, stats.MessagesReceived, null);
            Publish(SysTopics.MessagesSent, stats.MessagesSent, null);
            Publish(SysTopics.MessagesDropped, stats.MessagesDropped, null);
            Publish(SysTopics.BytesReceived, stats.BytesReceived, null);
            Publish(SysTopics.BytesSent, stats.BytesSent, null);
            Publish(SysTopics.SubscriptionsCount, subscriptions.Count, null);
            Publish(SysTopics.RetainedCount, retained.Count, null);
            Publish(SysTopics.StoreBytesFree, (long)pool.FreeBlocks * pool.BlockSize, null);
            Publish(SysTopics.StoreBytesTotal, (long)options.MessageStoreBytes / options.MessageBlockBytes * options.MessageBlockBytes, null);
            if (HeapBytesInUse != null)
            {
                Publish(SysTopics.HeapCurrent, HeapBytesInUse(), null);
            }
            if (keeper.Active)
            {
                Publish(SysTopics.StorageState, keeper.State == StorageState.Ok ? SysTopics.StorageOk : keeper.State == StorageState.Full ? SysTopics.StorageFull : SysTopics.StorageFailing);
                Publish(SysTopics.StorageBytesUsed, keeper.Footprint, null);
            }
            if (options.SysClientList)
            {
                PublishClientList();
            }
        }

        // Not retained: a list as long as the sessions would need room of that size in the retained store; its reader
        // (the status page) gets it within an interval.
        private void PublishClientList()
        {
            byte[] topic = SysTopics.ClientsList;
            byte[] bytes = copy.Bytes;
            // The PUBLISH must fit MaxPacketSize: fixed header (5), topic length (2), an empty 5.0 property block (1).
            int limit = options.MaxPacketSize - 8 < bytes.Length ? options.MaxPacketSize - 8 : bytes.Length;
            PublishPayload(topic, ClientList.Write(sessions, subscriptions, bytes, topic.Length, limit), false);
        }

        private void Publish(byte[] topic, long value, byte[] suffix)
        {
            byte[] bytes = copy.Bytes;
            int n = SysTopics.WriteDecimal(value, bytes, topic.Length);
            if (suffix != null)
            {
                System.Array.Copy(suffix, 0, bytes, topic.Length + n, suffix.Length);
                n += suffix.Length;
            }
            PublishPayload(topic, n, true);
        }

        private void Publish(byte[] topic, byte[] text)
        {
            System.Array.Copy(text, 0, copy.Bytes, topic.Length, text.Length);
            PublishPayload(topic, text.Length, true);
        }

        // The payload is already in the message copy after the topic's place.
        private void PublishPayload(byte[] topic, int payloadLength, bool retain)
        {
            System.Array.Copy(topic, 0, copy.Bytes, 0, topic.Length);
            router.Route(null, copy.Bytes, 0, topic.Length, topic.Length, payloadLength, 0, retain, -1);
        }
    }
}
