using NanoBroker.Messages;
using NanoBroker.Protocol;
using NanoBroker.Routing;
using NanoBroker.Security;
using NanoBroker.Sessions;

namespace NanoBroker
{
    /// <summary>
    /// One message in: the sessions whose subscriptions match it, once each at the highest QoS granted
    /// [MQTT-3.3.5-1], whether the publisher must wait for room (backpressure), the hand-over to
    /// <see cref="OutboundFlow"/>, and the retained store's update. Allocates nothing.
    /// </summary>
    internal sealed class Router
    {
        private readonly SessionTable sessions;
        private readonly SubscriptionTree subscriptions;
        private readonly RetainedTree retained;
        private readonly MessagePool pool;
        private readonly OutboundFlow flow;
        private readonly Journal journal;
        private readonly StorageKeeper keeper;
        private readonly MessageCopy copy;
        private readonly EngineContext context;

        // Sessions reached by the publish being routed, and its stamp (Session.RouteStamp).
        private readonly int[] routeTargets;
        private int routeStamp;

        // The members chosen in the shared subscription groups the publish reached: entry, and the granted QoS and
        // RETAIN as PUBLISH flags.
        private readonly ShareGroups groups;
        private readonly int[] shareTargets;
        private readonly int[] shareFlags;

        internal Router(SessionTable sessions, SubscriptionTree subscriptions, RetainedTree retained, MessagePool pool, OutboundFlow flow, Journal journal, StorageKeeper keeper, MessageCopy copy, EngineContext context)
        {
            this.sessions = sessions;
            this.subscriptions = subscriptions;
            this.retained = retained;
            this.pool = pool;
            this.flow = flow;
            this.journal = journal;
            this.keeper = keeper;
            this.copy = copy;
            this.context = context;
            routeTargets = new int[sessions.Length];
            groups = subscriptions.Groups;
            shareTargets = new int[groups.Capacity];
            shareFlags = new int[groups.Capacity];
        }

        // The message routed by the overloads that take buffers (a $SYS value, a will).
        private readonly InboundMessage own = new InboundMessage();

        /// <summary>
        /// Delivers a message without properties to every session with a matching subscription (see the overload with
        /// an <see cref="InboundMessage"/>); its topic and payload lie in <paramref name="buffer"/>.
        /// </summary>
        internal bool Route(Connection from, byte[] buffer, int topicStart, int topicLength, int payloadStart, int payloadLength, int qos, bool retain, int message)
        {
            own.Set(buffer, topicStart, topicLength, payloadStart, payloadLength, qos, retain);
            return Route(from, own, message);
        }

        /// <summary>
        /// Delivers a message to every session with a matching subscription, once per session at the
        /// highest QoS its subscriptions grant [MQTT-3.3.5-1], and updates the retained store. The message's bytes
        /// are in the pool when <paramref name="message"/> is a handle, else where <paramref name="m"/> says.
        /// Returns false, having done nothing, when the publisher <paramref name="from"/> must wait for room.
        /// </summary>
        internal bool Route(Connection from, InboundMessage m, int message)
        {
            int qos = m.Qos;
            int stamp = NextRouteStamp();
            int targets = 0;
            int shares = 0;
            int publisher = from != null ? from.Session : -1;
            subscriptions.StartMatch(m.Topic, m.TopicStart, m.TopicLength);
            for (int i = subscriptions.NextMatch(); i >= 0; i = subscriptions.NextMatch())
            {
                if (subscriptions.Access[i] == SubscribeAccess.Refused)
                {
                    continue;
                }
                int group = subscriptions.Group[i];
                if (group != SubscriptionTree.None)
                {
                    // [MQTT-4.8.2-...] one member of each matching group gets it, apart from the session's other subscriptions.
                    if (groups.RouteStamp[group] != stamp)
                    {
                        groups.RouteStamp[group] = stamp;
                        int member = ChooseMember(group, -1);
                        if (member != SubscriptionTree.None)
                        {
                            bool memberRetain = m.Retain && (subscriptions.Options[member] & SubscriptionTree.RetainAsPublished) != 0;
                            shareTargets[shares] = member;
                            shareFlags[shares++] = ((subscriptions.Qos[member] < qos ? subscriptions.Qos[member] : qos) << 1)
                                | (memberRetain ? OutboundFlow.RetainFlag : 0);
                        }
                    }
                    continue;
                }
                int subscriptionOptions = subscriptions.Options[i];
                if ((subscriptionOptions & SubscriptionTree.NoLocal) != 0 && subscriptions.Session[i] == publisher)
                {
                    // [MQTT-3.8.3-3] not to the publisher's own session through this subscription.
                    continue;
                }
                Session s = sessions.At(subscriptions.Session[i]);
                if (subscriptions.Access[i] == SubscribeAccess.Checked
                    && !context.Access.MayRead(s.Owner, s.ClientId, 0, s.ClientIdLength, m.Topic, m.TopicStart, m.TopicLength))
                {
                    // A deny rule takes this topic out of the subscription.
                    continue;
                }
                int granted = subscriptions.Qos[i] < qos ? subscriptions.Qos[i] : qos;
                // [MQTT-3.3.1-12, MQTT-3.3.1-13] RETAIN is 0 on delivery to established subscriptions, unless one is
                // Retain As Published.
                int retain = m.Retain && (subscriptionOptions & SubscriptionTree.RetainAsPublished) != 0 ? OutboundFlow.RetainFlag : 0;
                if (s.RouteStamp != stamp)
                {
                    s.RouteStamp = stamp;
                    s.RouteFlags = (granted << 1) | retain;
                    routeTargets[targets++] = s.Id;
                }
                else
                {
                    int highest = granted > s.RouteFlags >> 1 ? granted : s.RouteFlags >> 1;
                    s.RouteFlags = (highest << 1) | (s.RouteFlags & OutboundFlow.RetainFlag) | retain;
                }
            }

            BrokerOptions options = context.Options;
            bool mayWait = from != null && options.QueueFull == QueueFullPolicy.Backpressure
                && !(from.Blocked && context.Now - from.BlockedSinceMs >= options.SlowClientTimeoutMs);
            bool needsCopy = m.Retain && m.PayloadLength > 0;
            for (int t = 0; t < targets + shares; t++)
            {
                Session s = sessions.At(t < targets ? routeTargets[t] : subscriptions.Session[shareTargets[t - targets]]);
                if ((t < targets ? s.RouteFlags : shareFlags[t - targets]) >> 1 == 0)
                {
                    continue;
                }
                needsCopy = true;
                if (mayWait && s.IsOnline && s.QueueFull)
                {
                    from.BlockedBySession = s.Id;
                    return false;
                }
            }
            bool copied = false;
            if (needsCopy && message < 0)
            {
                if (pool.CanStore(m.TopicLength + m.ForwardedLength + m.PayloadLength))
                {
                    message = Store(m);
                    copied = true;
                }
                else if (mayWait)
                {
                    from.BlockedBySession = -1;
                    return false;
                }
            }

            if (m.Retain)
            {
                UpdateRetained(m, message);
            }
            for (int t = 0; t < targets; t++)
            {
                Session s = sessions.At(routeTargets[t]);
                flow.Deliver(s, s.RouteFlags, m, message);
            }
            for (int t = 0; t < shares; t++)
            {
                int flags = SharedCopyFlags(t, shares);
                if (flags >= 0)
                {
                    flow.Deliver(sessions.At(subscriptions.Session[shareTargets[t]]), flags | OutboundFlow.SharedCopy, m, message);
                }
            }
            if (copied)
            {
                pool.Release(message);
            }
            if (context.Hooks != null)
            {
                // Once per message: it was accepted (a publisher held back comes here on its retry).
                context.Hooks.Published(m);
            }
            return true;
        }

        /// <summary>
        /// A message of the embedding app's (<see cref="Broker.Publish(byte[], int, int, byte[], int, int, int, bool, long)"/>),
        /// without properties, routed as the broker's own: nobody waits for room.
        /// </summary>
        internal void RouteApp(byte[] topic, int topicStart, int topicLength, byte[] payload, int payloadStart, int payloadLength, int qos, bool retain)
        {
            own.Set(topic, topicStart, topicLength, payloadStart, payloadLength, qos, retain);
            own.Body = payload;
            own.PropertiesStart = payloadStart;
            Route(null, own, -1);
        }

        /// <summary>[MQTT-3.1.2-8] a pooled message (a will) published as an ordinary message with its QoS and retain flag.</summary>
        internal void RouteStored(int message, bool retain)
        {
            // The whole message (topic, properties, payload): its payload is at its PayloadOffset.
            pool.CopyOut(message, 0, copy.Bytes, 0, pool.Length(message));
            int topicLength = pool.TopicLength(message);
            if (Topic.IsSys(copy.Bytes, 0, topicLength))
            {
                // Only the broker writes $SYS topics, wills included.
                context.Stats.PublishesDenied++;
                return;
            }
            own.Set(copy.Bytes, 0, topicLength, pool.PayloadOffset(message), pool.PayloadLength(message), pool.Qos(message), retain);
            own.PropertiesStart = topicLength;
            own.PropertiesLength = own.ForwardedLength = pool.PropertiesLength(message);
            own.ExpiresAt = pool.ExpiresAt(message);
            Route(null, own, message);
        }

        /// <summary>Removes the retained messages whose Message Expiry Interval passed [MQTT-3.3.2-5]; a tombstone each.</summary>
        internal void ExpireRetained()
        {
            for (int node = retained.Next(RetainedTree.None); node >= 0; node = retained.Next(node))
            {
                int message = retained.MessageAt(node);
                if (MessageExpiry.HasPassed(pool.ExpiresAt(message), context.Now))
                {
                    journal.RetainedExpired(message);
                    retained.ClearAt(node);
                    context.Stats.MessagesExpired++;
                }
            }
        }

        // A copy of the message in the pool: topic, forwarded properties, payload, expiry; the caller checked it fits.
        private int Store(InboundMessage m)
        {
            int message = pool.Allocate(m.TopicLength, m.ForwardedLength, m.PayloadLength, m.Qos);
            pool.Write(message, 0, m.Topic, m.TopicStart, m.TopicLength);
            int at = m.TopicLength;
            int p = m.PropertiesStart;
            int end = p + m.PropertiesLength;
            int runStart, runLength;
            while (Properties.NextForwardedRun(m.Body, ref p, end, out runStart, out runLength))
            {
                pool.Write(message, at, m.Body, runStart, runLength);
                at += runLength;
            }
            pool.Write(message, pool.PayloadOffset(message), m.Body, m.PayloadStart, m.PayloadLength);
            pool.SetExpiresAt(message, m.ExpiresAt);
            return message;
        }

        // The member of the group the message goes to: round robin from the one after the last chosen, the first
        // online one with room in its queue, else the first online one, else (no member online) the first: an
        // offline member's session queues it until it comes back (section 4.8.2: the Server MAY queue for a
        // disconnected member). Costs the entries at the group's filter node, only when the group matched.
        private int ChooseMember(int group, int exceptSession)
        {
            int node = groups.FilterNode[group];
            int cursor = groups.Cursor[group];
            int start = cursor != SubscriptionTree.None ? subscriptions.NextInNode(cursor) : SubscriptionTree.None;
            if (start == SubscriptionTree.None)
            {
                start = subscriptions.FirstInNode(node);
            }
            int best = SubscriptionTree.None;
            int bestRank = -1;
            int e = start;
            do
            {
                if (subscriptions.Group[e] == group && subscriptions.Access[e] != SubscribeAccess.Refused && subscriptions.Session[e] != exceptSession)
                {
                    Session s = sessions.At(subscriptions.Session[e]);
                    int rank = !s.IsOnline ? 0 : s.QueueFull ? 1 : 2;
                    if (rank > bestRank)
                    {
                        best = e;
                        bestRank = rank;
                        if (rank == 2)
                        {
                            break;
                        }
                    }
                }
                e = subscriptions.NextInNode(e);
                if (e == SubscriptionTree.None)
                {
                    e = subscriptions.FirstInNode(node);
                }
            }
            while (e != start);
            groups.Cursor[group] = best;
            return best;
        }

        // The flags of the one shared copy for the session chosen at share t, or -1 when an earlier share chose it too:
        // a session chosen by several groups gets one copy, at the highest of their QoS, carrying every group's
        // Subscription Identifier [MQTT-3.3.4-4] (two copies would each need only their own [MQTT-3.3.4-5]).
        private int SharedCopyFlags(int t, int shares)
        {
            int session = subscriptions.Session[shareTargets[t]];
            for (int u = 0; u < t; u++)
            {
                if (subscriptions.Session[shareTargets[u]] == session)
                {
                    return -1;
                }
            }
            int flags = shareFlags[t];
            for (int u = t + 1; u < shares; u++)
            {
                if (subscriptions.Session[shareTargets[u]] == session)
                {
                    int other = shareFlags[u];
                    int qosFlags = (other & OutboundFlow.QosMask) > (flags & OutboundFlow.QosMask) ? other & OutboundFlow.QosMask : flags & OutboundFlow.QosMask;
                    flags = qosFlags | ((flags | other) & OutboundFlow.RetainFlag);
                }
            }
            return flags;
        }

        /// <summary>
        /// A session ends: the QoS 1/2 messages it got through a shared subscription and has not acknowledged (sent
        /// and not acknowledged, or still queued) go to another member of that group, at its QoS (section 4.8.2: "If
        /// the Client's Session terminates before the Client reconnects, the Server SHOULD send the Application
        /// Message to another Client that is subscribed to the same Shared Subscription"). None left: they go with it.
        /// </summary>
        internal void HandOffShared(Session s)
        {
            bool member = false;
            for (int e = subscriptions.FirstOf(s.Id); e >= 0 && !member; e = subscriptions.NextOf(e))
            {
                member = subscriptions.Group[e] != SubscriptionTree.None;
            }
            if (!member)
            {
                return;
            }
            for (int i = 0; i < s.InflightCount; i++)
            {
                // A QoS 2 message past PUBREC (no message left) was received: only its PUBREL is owed.
                if (s.InflightMessage[i] >= 0)
                {
                    HandOff(s, s.InflightMessage[i], s.InflightFlags[i]);
                }
            }
            for (int q = 0; q < s.QueueCount; q++)
            {
                int at = (s.QueueHead + q) % s.QueueMessage.Length;
                if (s.QueueMessage[at] != Session.Done)
                {
                    HandOff(s, s.QueueMessage[at], s.QueueFlags[at]);
                }
            }
        }

        // Gives one message of the ending session to another member of the group it came through (the first of the
        // session's groups whose filter matches its topic).
        private void HandOff(Session s, int message, int flags)
        {
            if ((flags & OutboundFlow.SharedCopy) == 0)
            {
                return;
            }
            int topicLength = pool.TopicLength(message);
            pool.CopyOut(message, 0, copy.Bytes, 0, topicLength);
            int group = SubscriptionTree.None;
            subscriptions.StartMatch(copy.Bytes, 0, topicLength);
            for (int e = subscriptions.NextMatch(); e >= 0; e = subscriptions.NextMatch())
            {
                if (group == SubscriptionTree.None && subscriptions.Session[e] == s.Id)
                {
                    group = subscriptions.Group[e];
                }
            }
            int to = group == SubscriptionTree.None ? SubscriptionTree.None : ChooseMember(group, s.Id);
            if (to == SubscriptionTree.None)
            {
                return;
            }
            int qos = subscriptions.Qos[to] < pool.Qos(message) ? subscriptions.Qos[to] : pool.Qos(message);
            flow.Deliver(sessions.At(subscriptions.Session[to]), (qos << 1) | (flags & OutboundFlow.RetainFlag) | OutboundFlow.SharedCopy, null, message);
        }

        private int NextRouteStamp()
        {
            if (routeStamp == int.MaxValue)
            {
                sessions.ResetRouteStamps();
                for (int g = 0; g < groups.Capacity; g++)
                {
                    groups.RouteStamp[g] = 0;
                }
                routeStamp = 0;
            }
            return ++routeStamp;
        }

        // $SYS statistics are made anew at every start: they are kept in memory only, sparing the flash.
        private void UpdateRetained(InboundMessage m, int message)
        {
            byte[] topic = m.Topic;
            int topicStart = m.TopicStart;
            int topicLength = m.TopicLength;
            int qos = m.Qos;
            bool durable = !Topic.IsSys(topic, topicStart, topicLength);
            if (m.PayloadLength == 0)
            {
                // [MQTT-3.3.1-10, MQTT-3.3.1-11] an empty retained message clears the topic and is not stored.
                if (retained.Clear(topic, topicStart, topicLength) && durable)
                {
                    journal.RetainedCleared(qos, topic, topicStart, topicLength);
                }
                return;
            }
            // [MQTT-3.3.1-5] the newest message is the topic's retained one: when it cannot be kept, the one
            // before it must not stay in its place (a failed Set removes it).
            // Storage full or failing: it cannot be made durable, so it is not kept either (logged at the state's start).
            bool storageRefuses = durable && keeper.Refuses;
            bool cleared;
            if (message < 0 || storageRefuses)
            {
                cleared = retained.Clear(topic, topicStart, topicLength);
            }
            else if (retained.Set(message, topic, topicStart, topicLength, out cleared))
            {
                if (durable)
                {
                    // From the pooled copy (topic, properties, payload): the message copy may be what is routed,
                    // and it holds the same bytes.
                    journal.RetainedSet(qos, message);
                }
                return;
            }
            context.Stats.RetainedRefused++;
            if (storageRefuses)
            {
                context.Stats.StorageRefused++;
                if (context.Verbose) context.Info("storage " + StorageKeeper.StateName(keeper.State) + ": " + RetainedNotStored(topic, topicStart, topicLength, cleared));
            }
            else
            {
                context.Warn("retained store full: " + RetainedNotStored(topic, topicStart, topicLength, cleared));
            }
            if (cleared && durable)
            {
                journal.RetainedCleared(qos, topic, topicStart, topicLength);
            }
        }

        private static string RetainedNotStored(byte[] topic, int start, int length, bool cleared)
        {
            return "the retained message on " + Utf8.GetString(topic, start, length) + " was delivered but not stored"
                + (cleared ? ", and the topic's earlier retained message was cleared" : "");
        }
    }
}
