using NanoBroker.Messages;
using NanoBroker.Protocol;
using NanoBroker.Routing;
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
        }

        /// <summary>
        /// Delivers a message to every session with a matching subscription, once per session at the
        /// highest QoS its subscriptions grant [MQTT-3.3.5-1], and updates the retained store. The topic
        /// is at <paramref name="buffer"/>[<paramref name="topicStart"/>..]; the payload is in the pool
        /// when <paramref name="message"/> is a handle, else at <paramref name="buffer"/>[<paramref name="payloadStart"/>..].
        /// Returns false, having done nothing, when the publisher <paramref name="from"/> must wait for room.
        /// </summary>
        internal bool Route(Connection from, byte[] buffer, int topicStart, int topicLength, int payloadStart, int payloadLength, int qos, bool retain, int message)
        {
            int stamp = NextRouteStamp();
            int targets = 0;
            subscriptions.StartMatch(buffer, topicStart, topicLength);
            for (int i = subscriptions.NextMatch(); i >= 0; i = subscriptions.NextMatch())
            {
                if (subscriptions.Denied[i])
                {
                    continue;
                }
                Session s = sessions.At(subscriptions.Session[i]);
                int granted = subscriptions.Qos[i] < qos ? subscriptions.Qos[i] : qos;
                if (s.RouteStamp != stamp)
                {
                    s.RouteStamp = stamp;
                    s.RouteQos = granted;
                    routeTargets[targets++] = s.Id;
                }
                else if (granted > s.RouteQos)
                {
                    s.RouteQos = granted;
                }
            }

            BrokerOptions options = context.Options;
            bool mayWait = from != null && options.QueueFull == QueueFullPolicy.Backpressure
                && !(from.Blocked && context.Now - from.BlockedSinceMs >= options.SlowClientTimeoutMs);
            bool needsCopy = retain && payloadLength > 0;
            for (int t = 0; t < targets; t++)
            {
                Session s = sessions.At(routeTargets[t]);
                if (s.RouteQos == 0)
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
                if (pool.CanStore(topicLength + payloadLength))
                {
                    message = pool.Store(buffer, topicStart, topicLength, buffer, payloadStart, payloadLength, qos);
                    copied = true;
                }
                else if (mayWait)
                {
                    from.BlockedBySession = -1;
                    return false;
                }
            }

            if (retain)
            {
                UpdateRetained(buffer, topicStart, topicLength, payloadStart, payloadLength, qos, message);
            }
            for (int t = 0; t < targets; t++)
            {
                Session s = sessions.At(routeTargets[t]);
                // [MQTT-3.3.1-9] RETAIN is 0 on delivery to established subscriptions.
                flow.Deliver(s, s.RouteQos << 1, buffer, topicStart, topicLength, payloadStart, payloadLength, message);
            }
            if (copied)
            {
                pool.Release(message);
            }
            return true;
        }

        /// <summary>[MQTT-3.1.2-8] a pooled message (a will) published as an ordinary message with its QoS and retain flag.</summary>
        internal void RouteStored(int message, bool retain)
        {
            int topicLength = copy.CopyOut(message);
            if (Topic.IsSys(copy.Bytes, 0, topicLength))
            {
                // Only the broker writes $SYS topics, wills included.
                context.Stats.PublishesDenied++;
                return;
            }
            Route(null, copy.Bytes, 0, topicLength, topicLength, pool.PayloadLength(message), pool.Qos(message), retain, message);
        }

        private int NextRouteStamp()
        {
            if (routeStamp == int.MaxValue)
            {
                sessions.ResetRouteStamps();
                routeStamp = 0;
            }
            return ++routeStamp;
        }

        // $SYS statistics are made anew at every start: they are kept in memory only, sparing the flash.
        private void UpdateRetained(byte[] buffer, int topicStart, int topicLength, int payloadStart, int payloadLength, int qos, int message)
        {
            bool durable = !Topic.IsSys(buffer, topicStart, topicLength);
            if (payloadLength == 0)
            {
                // [MQTT-3.3.1-10, MQTT-3.3.1-11] an empty retained message clears the topic and is not stored.
                if (retained.Clear(buffer, topicStart, topicLength) && durable)
                {
                    journal.RetainedCleared(qos, buffer, topicStart, topicLength);
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
                cleared = retained.Clear(buffer, topicStart, topicLength);
            }
            else if (retained.Set(message, buffer, topicStart, topicLength, out cleared))
            {
                if (durable)
                {
                    journal.RetainedSet(qos, buffer, topicStart, topicLength, buffer, payloadStart, payloadLength);
                }
                return;
            }
            context.Stats.RetainedRefused++;
            if (storageRefuses)
            {
                context.Stats.StorageRefused++;
                if (context.Verbose) context.Info("storage " + StorageKeeper.StateName(keeper.State) + ": " + RetainedNotStored(buffer, topicStart, topicLength, cleared));
            }
            else
            {
                context.Warn("retained store full: " + RetainedNotStored(buffer, topicStart, topicLength, cleared));
            }
            if (cleared && durable)
            {
                journal.RetainedCleared(qos, buffer, topicStart, topicLength);
            }
        }

        private static string RetainedNotStored(byte[] topic, int start, int length, bool cleared)
        {
            return "the retained message on " + Utf8.GetString(topic, start, length) + " was delivered but not stored"
                + (cleared ? ", and the topic's earlier retained message was cleared" : "");
        }
    }
}
