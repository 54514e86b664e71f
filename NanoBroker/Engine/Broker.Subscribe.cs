using NanoBroker.Protocol;
using NanoBroker.Routing;
using NanoBroker.Sessions;
using NanoBroker.Storage;

namespace NanoBroker
{
    // SUBSCRIBE and UNSUBSCRIBE (sections 3.8 to 3.11).
    public sealed partial class Broker
    {
        private const byte SubscribeFailure = 0x80;

        private bool HandleSubscribe(Connection c, byte[] b, int p, int end)
        {
            int packetId;
            if (!Wire.ReadUInt16(b, ref p, end, out packetId) || packetId == 0)
            {
                Violation(c, "SUBSCRIBE without a packet identifier [MQTT-2.3.1-1]");
                return true;
            }
            // Validate every filter before acting on any.
            int filters = 0;
            for (int q = p; q < end;)
            {
                int start, length;
                if (!Wire.ReadField(b, ref q, end, out start, out length) || q >= end || !Topic.IsValidFilter(b, start, length))
                {
                    Violation(c, "invalid topic filter in SUBSCRIBE [MQTT-4.7.1-1, MQTT-4.7.3-1]");
                    return true;
                }
                if ((b[q++] & 0xFC) != 0 || b[q - 1] > 2)
                {
                    Violation(c, "invalid requested QoS in SUBSCRIBE [MQTT-3.8.3-4]");
                    return true;
                }
                filters++;
            }
            if (filters == 0)
            {
                Violation(c, "SUBSCRIBE without a topic filter [MQTT-3.8.3-3]");
                return true;
            }
            int remaining = 2 + filters;
            int at = Reserve(c, 1 + RemainingLength.SizeOf(remaining) + remaining);
            if (at < 0)
            {
                c.BlockedBySession = -1;
                return false;
            }

            // [MQTT-3.8.4-1, MQTT-3.8.4-5] one SUBACK, one return code per filter, in order.
            Session s = sessions[c.Session];
            byte[] o = c.Outbox.Buffer;
            o[at++] = PacketType.SubAck << 4;
            at += RemainingLength.Encode(remaining, o, at);
            Wire.WriteUInt16(o, at, packetId);
            at += 2;
            for (int q = p; q < end;)
            {
                int start, length;
                Wire.ReadField(b, ref q, end, out start, out length);
                int requested = b[q++];
                int entry = -1;
                bool unchanged = false;
                string refusal = null;
                if (Access != null && !Access.MaySubscribe(c.User, s.ClientId, 0, s.ClientIdLength, b, start, length))
                {
                    refusal = "not allowed to read it";
                }
                else if ((entry = subscriptions.Find(s.Id, b, start, length)) >= 0)
                {
                    // [MQTT-3.8.4-3] the same filter again replaces the subscription.
                    unchanged = subscriptions.Qos[entry] == requested;
                    subscriptions.Qos[entry] = (byte)requested;
                }
                else if (s.Persistent && StorageRefuses)
                {
                    // A new subscription of a persistent session cannot be made durable.
                    Stats.StorageRefused++;
                    refusal = "storage " + StateName(storageState);
                }
                else if ((entry = subscriptions.Add(s.Id, b, start, length, requested)) < 0)
                {
                    refusal = "no room for it (max_subscriptions, max_topic_nodes or topic_level_bytes)";
                }
                if (refusal != null)
                {
                    Stats.SubscriptionsRefused++;
                    Warn("client " + ClientIdOf(s) + " refused subscription to " + Utf8.GetString(b, start, length) + ": " + refusal);
                }
                else
                {
                    if (s.Persistent && !unchanged)
                    {
                        // A device that subscribes again at each reconnect changes nothing durable: nothing is
                        // written, and its SUBACK does not wait for a commit (the board's flash).
                        Journal(RecordKind.SubscriptionSet, requested, 0, s, b, start, length, null, 0, 0);
                    }
                    if (Verbose) Info("client " + ClientIdOf(s) + " subscribed to " + Utf8.GetString(b, start, length) + " (QoS " + requested + ")");
                }
                if (entry >= 0)
                {
                    StartRetained(s, entry);
                }
                // MQTT 3.1 has no failure code: its client is told the QoS it asked for and is not subscribed,
                // as mosquitto does.
                o[at++] = entry < 0 && c.ProtocolLevel != ProtocolVersion.Mqtt31 ? SubscribeFailure : (byte)requested;
            }
            return true;
        }

        private bool HandleUnsubscribe(Connection c, byte[] b, int p, int end)
        {
            int packetId;
            if (!Wire.ReadUInt16(b, ref p, end, out packetId) || packetId == 0)
            {
                Violation(c, "UNSUBSCRIBE without a packet identifier [MQTT-2.3.1-1]");
                return true;
            }
            int filters = 0;
            for (int q = p; q < end;)
            {
                int start, length;
                if (!Wire.ReadField(b, ref q, end, out start, out length) || !Topic.IsValidFilter(b, start, length))
                {
                    Violation(c, "invalid topic filter in UNSUBSCRIBE [MQTT-4.7.1-1, MQTT-4.7.3-1]");
                    return true;
                }
                filters++;
            }
            if (filters == 0)
            {
                Violation(c, "UNSUBSCRIBE without a topic filter [MQTT-3.10.3-2]");
                return true;
            }
            if (c.Outbox.Free < 4)
            {
                c.BlockedBySession = -1;
                return false;
            }
            Session s = sessions[c.Session];
            for (int q = p; q < end;)
            {
                int start, length;
                Wire.ReadField(b, ref q, end, out start, out length);
                int entry = subscriptions.Find(s.Id, b, start, length);
                if (entry >= 0)
                {
                    subscriptions.Remove(entry);
                    if (s.Persistent)
                    {
                        Journal(RecordKind.SubscriptionClear, 0, 0, s, b, start, length, null, 0, 0);
                    }
                    if (Verbose) Info("client " + ClientIdOf(s) + " unsubscribed from " + Utf8.GetString(b, start, length));
                }
            }
            // [MQTT-3.10.4-4, MQTT-3.10.4-5] UNSUBACK even when nothing matched.
            WriteAck(c, PacketType.UnsubAck << 4, packetId);
            return true;
        }
    }
}
