using NanoBroker.Protocol;

namespace NanoBroker.Bridge
{
    /// <summary>
    /// A bridge's statistics as retained QoS 0 messages, every SysIntervalMs: $SYS/broker/bridge/&lt;name&gt;/connected
    /// (1 or 0), queued (waiting for the upstream), sent, received, dropped. Topics made once; values written into one buffer.
    /// </summary>
    public sealed class BridgeSys
    {
        private readonly Broker broker;
        private readonly byte[] connected;
        private readonly byte[] queued;
        private readonly byte[] sent;
        private readonly byte[] received;
        private readonly byte[] dropped;
        private readonly byte[] value = new byte[20];
        private long nextMs;

        public BridgeSys(string name, Broker broker)
        {
            this.broker = broker;
            string root = "$SYS/broker/bridge/" + name + "/";
            connected = Utf8.GetBytes(root + "connected");
            queued = Utf8.GetBytes(root + "queued");
            sent = Utf8.GetBytes(root + "sent");
            received = Utf8.GetBytes(root + "received");
            dropped = Utf8.GetBytes(root + "dropped");
        }

        /// <summary>Publishes the values of <paramref name="bridge"/> when the interval has passed.</summary>
        public void PublishIfDue(Bridge bridge, long nowMs)
        {
            if (nowMs < nextMs)
            {
                return;
            }
            nextMs = nowMs + broker.Options.SysIntervalMs;
            Publish(connected, bridge.State == BridgeState.Ready ? 1 : 0, nowMs);
            Publish(queued, bridge.Queued, nowMs);
            Publish(sent, bridge.MessagesSent, nowMs);
            Publish(received, bridge.MessagesReceived, nowMs);
            Publish(dropped, bridge.Dropped, nowMs);
        }

        private void Publish(byte[] topic, long n, long nowMs)
        {
            // Digits from the end of the buffer, then moved to its start.
            int at = value.Length;
            do
            {
                value[--at] = (byte)('0' + (int)(n % 10));
                n /= 10;
            }
            while (n > 0);
            int length = value.Length - at;
            System.Array.Copy(value, at, value, 0, length);
            broker.PublishSys(topic, topic.Length, value, length, nowMs);
        }
    }
}
