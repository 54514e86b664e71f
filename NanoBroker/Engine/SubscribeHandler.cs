using NanoBroker.Protocol;
using NanoBroker.Routing;
using NanoBroker.Sessions;

namespace NanoBroker
{
    /// <summary>
    /// SUBSCRIBE and UNSUBSCRIBE (sections 3.8 to 3.11): the session's subscriptions, journaled for a persistent
    /// session, and the retained messages a new subscription gets. Each handler parses at its top and acts below;
    /// false means it must wait for room (nothing was done then).
    /// </summary>
    internal sealed class SubscribeHandler
    {
        private const byte SubscribeFailure = 0x80;

        private readonly SessionTable sessions;
        private readonly SubscriptionTree subscriptions;
        private readonly StorageKeeper keeper;
        private readonly Journal journal;
        private readonly OutboundFlow flow;
        private readonly Disconnector disconnector;
        private readonly EngineContext context;

        internal SubscribeHandler(SessionTable sessions, SubscriptionTree subscriptions, StorageKeeper keeper, Journal journal, OutboundFlow flow, Disconnector disconnector, EngineContext context)
        {
            this.sessions = sessions;
            this.subscriptions = subscriptions;
            this.keeper = keeper;
            this.journal = journal;
            this.flow = flow;
            this.disconnector = disconnector;
            this.context = context;
        }

        internal bool OnSubscribe(Connection c, byte[] b, int p, int end)
        {
            int packetId;
            if (!Wire.ReadUInt16(b, ref p, end, out packetId) || packetId == 0)
            {
                disconnector.Violation(c, "SUBSCRIBE without a packet identifier [MQTT-2.3.1-1]");
                return true;
            }
            // Parse: validate every filter before acting on any.
            int filters = 0;
            for (int q = p; q < end;)
            {
                int start, length;
                if (!Wire.ReadField(b, ref q, end, out start, out length) || q >= end || !Topic.IsValidFilter(b, start, length))
                {
                    disconnector.Violation(c, "invalid topic filter in SUBSCRIBE [MQTT-4.7.1-1, MQTT-4.7.3-1]");
                    return true;
                }
                if ((b[q++] & 0xFC) != 0 || b[q - 1] > 2)
                {
                    disconnector.Violation(c, "invalid requested QoS in SUBSCRIBE [MQTT-3.8.3-4]");
                    return true;
                }
                filters++;
            }
            if (filters == 0)
            {
                disconnector.Violation(c, "SUBSCRIBE without a topic filter [MQTT-3.8.3-3]");
                return true;
            }

            // Act.
            int remaining = 2 + filters;
            int at = OutboxWriter.Reserve(c, 1 + RemainingLength.SizeOf(remaining) + remaining, context.Now);
            if (at < 0)
            {
                c.BlockedBySession = -1;
                return false;
            }

            // [MQTT-3.8.4-1, MQTT-3.8.4-5] one SUBACK, one return code per filter, in order.
            Session s = sessions.At(c.Session);
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
                if (context.Access != null && !context.Access.MaySubscribe(c.User, s.ClientId, 0, s.ClientIdLength, b, start, length))
                {
                    refusal = "not allowed to read it";
                }
                else if ((entry = subscriptions.Find(s.Id, b, start, length)) >= 0)
                {
                    // [MQTT-3.8.4-3] the same filter again replaces the subscription.
                    unchanged = !subscriptions.SetQos(entry, requested);
                }
                else if (s.Persistent && keeper.Refuses)
                {
                    // A new subscription of a persistent session cannot be made durable.
                    context.Stats.StorageRefused++;
                    refusal = "storage " + StorageKeeper.StateName(keeper.State);
                }
                else if ((entry = subscriptions.Add(s.Id, b, start, length, requested)) < 0)
                {
                    refusal = "no room for it (max_subscriptions, max_topic_nodes or topic_level_bytes)";
                }
                if (refusal != null)
                {
                    context.Stats.SubscriptionsRefused++;
                    context.Warn("client " + s.ClientIdText() + " refused subscription to " + Utf8.GetString(b, start, length) + ": " + refusal);
                }
                else
                {
                    if (s.Persistent && !unchanged)
                    {
                        // A device that subscribes again at each reconnect changes nothing durable: nothing is
                        // written, and its SUBACK does not wait for a commit (the board's flash).
                        journal.SubscriptionSet(s, requested, b, start, length);
                    }
                    if (context.Verbose) context.Info("client " + s.ClientIdText() + " subscribed to " + Utf8.GetString(b, start, length) + " (QoS " + requested + ")");
                }
                if (entry >= 0)
                {
                    flow.StartRetained(s, entry);
                }
                // MQTT 3.1 has no failure code: its client is told the QoS it asked for and is not subscribed,
                // as mosquitto does.
                o[at++] = entry < 0 && c.ProtocolLevel != ProtocolVersion.Mqtt31 ? SubscribeFailure : (byte)requested;
            }
            return true;
        }

        internal bool OnUnsubscribe(Connection c, byte[] b, int p, int end)
        {
            int packetId;
            if (!Wire.ReadUInt16(b, ref p, end, out packetId) || packetId == 0)
            {
                disconnector.Violation(c, "UNSUBSCRIBE without a packet identifier [MQTT-2.3.1-1]");
                return true;
            }
            int filters = 0;
            for (int q = p; q < end;)
            {
                int start, length;
                if (!Wire.ReadField(b, ref q, end, out start, out length) || !Topic.IsValidFilter(b, start, length))
                {
                    disconnector.Violation(c, "invalid topic filter in UNSUBSCRIBE [MQTT-4.7.1-1, MQTT-4.7.3-1]");
                    return true;
                }
                filters++;
            }
            if (filters == 0)
            {
                disconnector.Violation(c, "UNSUBSCRIBE without a topic filter [MQTT-3.10.3-2]");
                return true;
            }

            // Act.
            if (c.Outbox.Free < 4)
            {
                c.BlockedBySession = -1;
                return false;
            }
            Session s = sessions.At(c.Session);
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
                        journal.SubscriptionCleared(s, b, start, length);
                    }
                    if (context.Verbose) context.Info("client " + s.ClientIdText() + " unsubscribed from " + Utf8.GetString(b, start, length));
                }
            }
            // [MQTT-3.10.4-4, MQTT-3.10.4-5] UNSUBACK even when nothing matched.
            OutboxWriter.WriteAck(c, PacketType.UnsubAck << 4, packetId, context.Now);
            return true;
        }
    }
}
