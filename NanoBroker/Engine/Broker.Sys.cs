using NanoBroker.Sys;

namespace NanoBroker
{
    /// <summary>Returns the managed heap bytes in use, for $SYS/broker/heap/current.</summary>
    public delegate long HeapProbe();

    // The $SYS/broker/... statistics, published as retained QoS 0 messages every SysIntervalMs.
    public sealed partial class Broker
    {
        private long nextSysMs;

        /// <summary>Set by the edge that can measure the heap (GC on .NET, nanoFramework's GC.Run).</summary>
        public HeapProbe HeapBytesInUse;

        private void PublishSysIfDue()
        {
            if (options.SysIntervalMs == 0 || now < nextSysMs)
            {
                return;
            }
            nextSysMs = now + options.SysIntervalMs;
            PublishSys(SysTopics.Version, SysTopics.VersionText);
            PublishSys(SysTopics.Uptime, (now - startedAtMs) / 1000, SysTopics.SecondsSuffix);
            PublishSys(SysTopics.ClientsConnected, connectedCount, null);
            PublishSys(SysTopics.ClientsTotal, SessionCount, null);
            PublishSys(SysTopics.ClientsMaximum, options.MaxClients, null);
            PublishSys(SysTopics.MessagesReceived, Stats.MessagesReceived, null);
            PublishSys(SysTopics.MessagesSent, Stats.MessagesSent, null);
            PublishSys(SysTopics.MessagesDropped, Stats.MessagesDropped, null);
            PublishSys(SysTopics.BytesReceived, Stats.BytesReceived, null);
            PublishSys(SysTopics.BytesSent, Stats.BytesSent, null);
            PublishSys(SysTopics.SubscriptionsCount, subscriptions.Count, null);
            PublishSys(SysTopics.RetainedCount, retained.Count, null);
            PublishSys(SysTopics.StoreBytesFree, (long)pool.FreeBlocks * pool.BlockSize, null);
            PublishSys(SysTopics.StoreBytesTotal, (long)options.MessageStoreBytes / options.MessageBlockBytes * options.MessageBlockBytes, null);
            if (HeapBytesInUse != null)
            {
                PublishSys(SysTopics.HeapCurrent, HeapBytesInUse(), null);
            }
            if (storage != null)
            {
                PublishSys(SysTopics.StorageState, storageState == StorageState.Ok ? SysTopics.StorageOk : storageState == StorageState.Full ? SysTopics.StorageFull : SysTopics.StorageFailing);
                PublishSys(SysTopics.StorageBytesUsed, storage.Footprint, null);
            }
        }

        private void PublishSys(byte[] topic, long value, byte[] suffix)
        {
            int n = SysTopics.WriteDecimal(value, scratch, topic.Length);
            if (suffix != null)
            {
                System.Array.Copy(suffix, 0, scratch, topic.Length + n, suffix.Length);
                n += suffix.Length;
            }
            PublishSysPayload(topic, n);
        }

        private void PublishSys(byte[] topic, byte[] text)
        {
            System.Array.Copy(text, 0, scratch, topic.Length, text.Length);
            PublishSysPayload(topic, text.Length);
        }

        // The payload is already in scratch after the topic's place.
        private void PublishSysPayload(byte[] topic, int payloadLength)
        {
            System.Array.Copy(topic, 0, scratch, 0, topic.Length);
            Route(null, scratch, 0, topic.Length, topic.Length, payloadLength, 0, true, -1);
        }
    }
}
