using NanoBroker.Protocol;

namespace NanoBroker.Sys
{
    /// <summary>The $SYS/broker/... topics the broker publishes as retained messages, as bytes made once.</summary>
    internal static class SysTopics
    {
        public static readonly byte[] Version = Utf8.GetBytes("$SYS/broker/version");
        public static readonly byte[] Uptime = Utf8.GetBytes("$SYS/broker/uptime");
        public static readonly byte[] ClientsConnected = Utf8.GetBytes("$SYS/broker/clients/connected");
        public static readonly byte[] ClientsTotal = Utf8.GetBytes("$SYS/broker/clients/total");
        public static readonly byte[] ClientsMaximum = Utf8.GetBytes("$SYS/broker/clients/maximum");
        public static readonly byte[] MessagesReceived = Utf8.GetBytes("$SYS/broker/messages/received");
        public static readonly byte[] MessagesSent = Utf8.GetBytes("$SYS/broker/messages/sent");
        public static readonly byte[] MessagesDropped = Utf8.GetBytes("$SYS/broker/messages/dropped");
        public static readonly byte[] BytesReceived = Utf8.GetBytes("$SYS/broker/bytes/received");
        public static readonly byte[] BytesSent = Utf8.GetBytes("$SYS/broker/bytes/sent");
        public static readonly byte[] SubscriptionsCount = Utf8.GetBytes("$SYS/broker/subscriptions/count");
        public static readonly byte[] RetainedCount = Utf8.GetBytes("$SYS/broker/retained messages/count");
        public static readonly byte[] StoreBytesFree = Utf8.GetBytes("$SYS/broker/store/bytes/free");
        public static readonly byte[] StoreBytesTotal = Utf8.GetBytes("$SYS/broker/store/bytes/total");
        public static readonly byte[] HeapCurrent = Utf8.GetBytes("$SYS/broker/heap/current");
        public static readonly byte[] StorageState = Utf8.GetBytes("$SYS/broker/storage/state");
        public static readonly byte[] StorageBytesUsed = Utf8.GetBytes("$SYS/broker/storage/bytes/used");

        /// <summary>Every session and its subscriptions (ClientList), when BrokerOptions.SysClientList; not retained, not in <see cref="All"/>.</summary>
        public static readonly byte[] ClientsList = Utf8.GetBytes("$SYS/broker/clients/list");

        /// <summary>The topics above: the retained store and the message store hold this many beyond the user's limits.</summary>
        public static readonly byte[][] All =
        {
            Version, Uptime, ClientsConnected, ClientsTotal, ClientsMaximum, MessagesReceived, MessagesSent, MessagesDropped,
            BytesReceived, BytesSent, SubscriptionsCount, RetainedCount, StoreBytesFree, StoreBytesTotal, HeapCurrent,
            StorageState, StorageBytesUsed,
        };

        /// <summary>The payloads of StorageState, by NanoBroker.StorageState.</summary>
        public static readonly byte[] StorageOk = Utf8.GetBytes("ok");
        public static readonly byte[] StorageFull = Utf8.GetBytes("full");
        public static readonly byte[] StorageFailing = Utf8.GetBytes("failing");

        public static readonly byte[] SecondsSuffix = Utf8.GetBytes(" seconds");
        public static readonly byte[] VersionText = Utf8.GetBytes("NanoBroker " + BrokerVersion.Text);

        /// <summary>The most topic and payload bytes one of them takes: the longest topic with a long's 20 digits and the suffix, or the version text.</summary>
        public static readonly int MaxMessageBytes = RetainedCount.Length + (VersionText.Length > 20 + SecondsSuffix.Length ? VersionText.Length : 20 + SecondsSuffix.Length);

        /// <summary>Writes <paramref name="value"/> in decimal ASCII at <paramref name="offset"/>; returns the bytes written.</summary>
        public static int WriteDecimal(long value, byte[] buffer, int offset)
        {
            int n = 0;
            if (value < 0)
            {
                buffer[offset + n++] = (byte)'-';
                value = -value;
            }
            int digitsStart = offset + n;
            do
            {
                buffer[offset + n++] = (byte)('0' + (int)(value % 10));
                value /= 10;
            }
            while (value > 0);
            for (int i = digitsStart, j = offset + n - 1; i < j; i++, j--)
            {
                byte t = buffer[i];
                buffer[i] = buffer[j];
                buffer[j] = t;
            }
            return n;
        }
    }
}
