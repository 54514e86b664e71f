using NanoBroker.Protocol;
using NanoBroker.Routing;
using NanoBroker.Security;
using NanoBroker.Sessions;

namespace NanoBroker
{
    /// <summary>
    /// SUBSCRIBE and UNSUBSCRIBE (sections 3.8 to 3.11): the session's subscriptions, journaled for a persistent
    /// session, and the retained messages a new subscription gets. Each handler gets its packet decoded and every
    /// filter checked (Broker.Dispatch); false means it must wait for room (nothing was done then).
    /// </summary>
    internal sealed class SubscribeHandler
    {
        private readonly SessionTable sessions;
        private readonly SubscriptionTree subscriptions;
        private readonly StorageKeeper keeper;
        private readonly Journal journal;
        private readonly OutboundFlow flow;
        private readonly Disconnector disconnector;
        private readonly EngineContext context;

        internal SubscribeHandler(SessionTable sessions, SubscriptionTree subscriptions, StorageKeeper keeper, Journal journal, OutboundFlow flow, Disconnector disconnector, Properties shared, EngineContext context)
        {
            Subscribe = new SubscribePacket(shared);
            Unsubscribe = new UnsubscribePacket(shared);
            this.sessions = sessions;
            this.subscriptions = subscriptions;
            this.keeper = keeper;
            this.journal = journal;
            this.flow = flow;
            this.disconnector = disconnector;
            this.context = context;
        }

        /// <summary>The SUBSCRIBE view Broker.Dispatch decodes into (every filter checked) before <see cref="OnSubscribe"/>.</summary>
        internal readonly SubscribePacket Subscribe;

        /// <summary>The UNSUBSCRIBE view Broker.Dispatch decodes into before <see cref="OnUnsubscribe"/>.</summary>
        internal readonly UnsubscribePacket Unsubscribe;

        internal bool OnSubscribe(Connection c)
        {
            SubscribePacket p = Subscribe;
            byte[] b = c.ReceiveBuffer;
            int at = OutboxWriter.Reserve(c, SubAckPacket.SizeOf(c.Version, p.Count), context.Now);
            if (at < 0)
            {
                c.BlockedBySession = -1;
                return false;
            }

            // [MQTT-3.8.4-1, MQTT-3.8.4-5] one SUBACK, one return code per filter, in order.
            Session s = sessions.At(c.Session);
            byte[] o = c.Outbox.Buffer;
            // The Subscription Identifier applies to every filter of the packet (5.0 section 3.8.2.1.2); 0: none.
            int identifier = p.Properties.Has(PropertyId.SubscriptionIdentifier) ? p.Properties.SubscriptionIdentifier : 0;
            at = SubAckPacket.WriteHeader(c.Version, o, at, p.PacketId, p.Count);
            p.First();
            do
            {
                int start = p.FilterStart;
                int length = p.FilterLength;
                int requested = p.Qos;
                int options = (p.NoLocal ? SubscriptionTree.NoLocal : 0) | (p.RetainAsPublished ? SubscriptionTree.RetainAsPublished : 0);
                int entry = -1;
                bool existed = false;
                bool unchanged = false;
                string refusal = null;
                byte code = ReasonCode.UnspecifiedError;
                byte access = SubscribeAccess.Granted;
                if (p.IsShared && subscriptions.Groups.Capacity == 0)
                {
                    // 5.0 only (in 3.x "$share/..." is an ordinary filter): CONNACK said Shared Subscription Available 0.
                    refusal = "shared subscriptions are not available (max_share_groups 0)";
                    code = ReasonCode.SharedSubscriptionsNotSupported;
                }
                else if ((access = context.Access == null ? SubscribeAccess.Granted
                    : context.Access.SubscribeAccess(c.User, s.ClientId, 0, s.ClientIdLength, b, p.TopicStart, p.TopicLength, p.IsShared)) == SubscribeAccess.Refused)
                {
                    refusal = p.IsShared ? "not allowed to read all of it (a shared subscription is granted whole or not at all)" : "not allowed to read it";
                    code = context.Access.RefusalReason;
                }
                else if ((entry = FindEntry(s, p.IsShared, b, start, length)) >= 0)
                {
                    // [MQTT-3.8.4-3] the same filter again replaces the subscription, its options included.
                    existed = true;
                    unchanged = !subscriptions.SetQos(entry, requested);
                    unchanged &= !subscriptions.SetOptions(entry, options, identifier);
                }
                else if (s.Persistent && keeper.Refuses)
                {
                    // A new subscription of a persistent session cannot be made durable.
                    context.Stats.StorageRefused++;
                    refusal = "storage " + StorageKeeper.StateName(keeper.State);
                }
                else if ((entry = p.IsShared
                    ? subscriptions.AddShared(s.Id, b, start, p.ShareNameStart + p.ShareNameLength - start, b, p.TopicStart, p.TopicLength, requested)
                    : subscriptions.Add(s.Id, b, start, length, requested)) < 0)
                {
                    refusal = "no room for it (max_subscriptions, max_share_groups, max_topic_nodes or topic_level_bytes)";
                    code = ReasonCode.QuotaExceeded;
                }
                else
                {
                    subscriptions.SetOptions(entry, options, identifier);
                }
                if (refusal != null)
                {
                    context.Stats.SubscriptionsRefused++;
                    context.Warn("client " + s.ClientIdText() + " refused subscription to " + Utf8.GetString(b, start, length) + ": " + refusal);
                }
                else
                {
                    subscriptions.SetAccess(entry, access);
                    code = (byte)requested;
                    if (identifier != 0)
                    {
                        s.HasSubscriptionIds = true;
                    }
                    if (s.Persistent && !unchanged)
                    {
                        // A device that subscribes again at each reconnect changes nothing durable: nothing is
                        // written, and its SUBACK does not wait for a commit (the board's flash).
                        journal.SubscriptionSet(s, requested | options | (p.IsShared ? Journal.SharedFlag : 0), identifier, b, start, length);
                    }
                    if (context.Verbose) context.Info("client " + s.ClientIdText() + " subscribed to " + Utf8.GetString(b, start, length) + " (QoS " + requested + ")");
                }
                // Retained messages at SUBSCRIBE: Retain Handling 0 sends them, 1 only for a new subscription, 2 never
                // [MQTT-3.3.1-9, MQTT-3.3.1-10, MQTT-3.3.1-11]; a shared subscription never gets them (section 4.8.2).
                if (entry >= 0 && !p.IsShared && (p.RetainHandling == 0 || (p.RetainHandling == 1 && !existed)))
                {
                    flow.StartRetained(s, entry);
                }
                // The encoder says what a refusal looks like: 0x80 in 3.1.1, the requested QoS in 3.1 (no failure
                // code there; as mosquitto), the reason code in 5.0.
                o[at++] = SubAckPacket.Code(c.Version, code, requested);
            }
            while (p.Next());
            return true;
        }

        // The session's entry of a filter as sent: a shared one ("$share/{ShareName}/{filter}", 5.0) in its group.
        private int FindEntry(Session s, bool shared, byte[] b, int start, int length)
        {
            if (!shared)
            {
                return subscriptions.Find(s.Id, b, start, length);
            }
            int shareStart, shareLength, filterStart, filterLength;
            if (!TopicSyntax.SplitShared(b, start, length, out shareStart, out shareLength, out filterStart, out filterLength))
            {
                return SubscriptionTree.None;
            }
            return subscriptions.FindShared(s.Id, b, start, shareStart + shareLength - start, b, filterStart, filterLength);
        }

        internal bool OnUnsubscribe(Connection c)
        {
            UnsubscribePacket p = Unsubscribe;
            byte[] b = c.ReceiveBuffer;
            int at = OutboxWriter.Reserve(c, UnsubAckPacket.SizeOf(c.Version, p.Count), context.Now);
            if (at < 0)
            {
                c.BlockedBySession = -1;
                return false;
            }
            // [MQTT-3.10.4-4, MQTT-3.10.4-5] UNSUBACK even when nothing matched; 5.0 has a code per filter.
            Session s = sessions.At(c.Session);
            byte[] o = c.Outbox.Buffer;
            int end = at + UnsubAckPacket.SizeOf(c.Version, p.Count);
            at = UnsubAckPacket.WriteHeader(c.Version, o, at, p.PacketId, p.Count);
            p.First();
            do
            {
                int start = p.FilterStart;
                int length = p.FilterLength;
                int entry = FindEntry(s, c.Version == ProtocolVersion.Mqtt5 && TopicSyntax.IsShared(b, start, length), b, start, length);
                if (entry >= 0)
                {
                    subscriptions.Remove(entry);
                    if (s.Persistent)
                    {
                        journal.SubscriptionCleared(s, b, start, length);
                    }
                    if (context.Verbose) context.Info("client " + s.ClientIdText() + " unsubscribed from " + Utf8.GetString(b, start, length));
                }
                if (at < end)
                {
                    o[at++] = entry >= 0 ? ReasonCode.Success : ReasonCode.NoSubscriptionExisted;
                }
            }
            while (p.Next());
            return true;
        }
    }
}
