using NanoBroker.Protocol;
using NanoBroker.Routing;
using NanoBroker.Sessions;
using NanoBroker.Storage;

namespace NanoBroker
{
    // Routing a message to the sessions whose subscriptions match it, queueing and writing PUBLISH packets.
    public sealed partial class Broker
    {
        // PUBLISH fixed-header flag bits.
        private const int RetainFlag = 0x01;
        private const int QosMask = 0x06;
        private const int QosOneFlags = 0x02;
        private const int QosTwoFlags = 0x04;
        private const int DupFlag = 0x08;

        /// <summary>
        /// Delivers a message to every session with a matching subscription, once per session at the
        /// highest QoS its subscriptions grant [MQTT-3.3.5-1], and updates the retained store. The topic
        /// is at <paramref name="buffer"/>[<paramref name="topicStart"/>..]; the payload is in the pool
        /// when <paramref name="message"/> is a handle, else at <paramref name="buffer"/>[<paramref name="payloadStart"/>..].
        /// Returns false, having done nothing, when the publisher <paramref name="from"/> must wait for room.
        /// </summary>
        private bool Route(Connection from, byte[] buffer, int topicStart, int topicLength, int payloadStart, int payloadLength, int qos, bool retain, int message)
        {
            int firstLevel = Topic.FirstLevelHash(buffer, topicStart, topicLength);
            int stamp = NextRouteStamp();
            int targets = 0;
            for (int i = 0; i < subscriptions.Count; i++)
            {
                if (!subscriptions.Matches(i, firstLevel, buffer, topicStart, topicLength))
                {
                    continue;
                }
                Session s = sessions[subscriptions.Session[i]];
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

            bool mayWait = from != null && options.QueueFull == QueueFullPolicy.Backpressure
                && !(from.Blocked && now - from.BlockedSinceMs >= options.SlowClientTimeoutMs);
            bool needsCopy = retain && payloadLength > 0;
            for (int t = 0; t < targets; t++)
            {
                Session s = sessions[routeTargets[t]];
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
                Session s = sessions[routeTargets[t]];
                // [MQTT-3.3.1-9] RETAIN is 0 on delivery to established subscriptions.
                Deliver(s, s.RouteQos << 1, buffer, topicStart, topicLength, payloadStart, payloadLength, message);
            }
            if (copied)
            {
                pool.Release(message);
            }
            return true;
        }

        private int NextRouteStamp()
        {
            if (routeStamp == int.MaxValue)
            {
                for (int i = 0; i < sessions.Length; i++)
                {
                    sessions[i].RouteStamp = 0;
                }
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
                    Journal(RecordKind.RetainedClear, 0, 0, null, buffer, topicStart, topicLength, null, 0, 0);
                }
                return;
            }
            if (message < 0 || !retained.Set(message, buffer, topicStart, topicLength))
            {
                Stats.RetainedRefused++;
                Warn("retained store full: a retained message was delivered but not stored");
                return;
            }
            if (durable)
            {
                Journal(RecordKind.RetainedSet, qos, 0, null, buffer, topicStart, topicLength, buffer, payloadStart, payloadLength);
            }
        }

        /// <summary>
        /// Hands one message to one session: QoS 0 straight into the outbox of an online client
        /// (dropped and counted when it is full), QoS 1/2 into the session's queue.
        /// </summary>
        private void Deliver(Session s, int publishFlags, byte[] buffer, int topicStart, int topicLength, int payloadStart, int payloadLength, int message)
        {
            if ((publishFlags & QosMask) == 0)
            {
                if (s.IsOnline && !WritePublish(connections[s.Connection], publishFlags, 0, buffer, topicStart, topicLength, payloadStart, payloadLength, message))
                {
                    Stats.MessagesDropped++;
                }
                return;
            }
            if (message < 0)
            {
                Stats.MessagesDropped++;
                return;
            }
            if (s.QueueFull)
            {
                int droppedOrdinal = s.TakeJournalOrdinal();
                int droppedFlags;
                pool.Release(s.Dequeue(out droppedFlags));
                Stats.MessagesDropped++;
                JournalDone(s, droppedOrdinal);
            }
            pool.AddRef(message);
            s.Enqueue(message, publishFlags);
            if (!s.IsOnline && s.Persistent && storage != null && options.PersistQueuedMessages)
            {
                JournalQueued(s, message, publishFlags);
            }
            Pump(s);
        }

        // Releases every queued message of a session.
        private void ReleaseQueue(Session s)
        {
            while (s.QueueCount > 0)
            {
                int flags;
                ReleaseQueued(s.Dequeue(out flags));
            }
        }

        // Releases a queued message's pool handle; a place a replay marked Done has none.
        private void ReleaseQueued(int message)
        {
            if (message != Done)
            {
                pool.Release(message);
            }
        }

        /// <summary>
        /// Writes what an online session can send now: re-sends and PUBRELs in inflight order, then
        /// queued messages while the inflight window and the outbox have room.
        /// </summary>
        private void Pump(Session s)
        {
            if (!s.IsOnline)
            {
                return;
            }
            Connection c = connections[s.Connection];
            for (int i = 0; i < s.InflightCount; i++)
            {
                int state = s.InflightState[i];
                if (state == InflightState.RepublishPending)
                {
                    if (!WritePublish(c, s.InflightFlags[i] | DupFlag, s.InflightPacketId[i], null, 0, 0, 0, 0, s.InflightMessage[i]))
                    {
                        return;
                    }
                    s.InflightState[i] = InflightState.AwaitingAck;
                }
                else if (state == InflightState.ReleasePending)
                {
                    // [MQTT-3.6.1-1] PUBREL carries flags 0010.
                    if (!WriteAck(c, (PacketType.PubRel << 4) | 0x02, s.InflightPacketId[i]))
                    {
                        return;
                    }
                    s.InflightState[i] = InflightState.AwaitingComplete;
                }
            }
            while (s.QueueCount > 0 && s.InflightCount < s.InflightMessage.Length)
            {
                int flags = s.QueueFlags[s.QueueHead];
                int packetId = s.NextPacketId();
                if (!WritePublish(c, flags, packetId, null, 0, 0, 0, 0, s.QueueMessage[s.QueueHead]))
                {
                    return;
                }
                int i = s.InflightCount++;
                s.InflightJournal[i] = s.TakeJournalOrdinal();
                s.InflightMessage[i] = s.Dequeue(out flags);
                s.InflightPacketId[i] = packetId;
                s.InflightFlags[i] = (byte)flags;
                s.InflightState[i] = InflightState.AwaitingAck;
                retryBlocked = true;
            }
        }

        /// <summary>
        /// Writes a PUBLISH into the outbox; false when it does not fit now. Content comes from the
        /// pool when <paramref name="message"/> is a handle, else from <paramref name="buffer"/>.
        /// </summary>
        private bool WritePublish(Connection c, int publishFlags, int packetId, byte[] buffer, int topicStart, int topicLength, int payloadStart, int payloadLength, int message)
        {
            if (message >= 0)
            {
                topicLength = pool.TopicLength(message);
                payloadLength = pool.PayloadLength(message);
            }
            bool hasId = (publishFlags & QosMask) != 0;
            int remaining = 2 + topicLength + (hasId ? 2 : 0) + payloadLength;
            int at = Reserve(c, 1 + RemainingLength.SizeOf(remaining) + remaining);
            if (at < 0)
            {
                return false;
            }
            byte[] o = c.Outbox.Buffer;
            o[at++] = (byte)((PacketType.Publish << 4) | publishFlags);
            at += RemainingLength.Encode(remaining, o, at);
            Wire.WriteUInt16(o, at, topicLength);
            at += 2;
            if (message >= 0)
            {
                pool.CopyOut(message, 0, o, at, topicLength);
            }
            else
            {
                System.Array.Copy(buffer, topicStart, o, at, topicLength);
            }
            at += topicLength;
            if (hasId)
            {
                Wire.WriteUInt16(o, at, packetId);
                at += 2;
            }
            if (message >= 0)
            {
                pool.CopyOut(message, topicLength, o, at, payloadLength);
            }
            else
            {
                System.Array.Copy(buffer, payloadStart, o, at, payloadLength);
            }
            Stats.MessagesSent++;
            return true;
        }

        // [MQTT-3.1.2-8] a will is published as an ordinary message with its QoS and retain flag.
        private void RouteStoredMessage(int message, bool retain)
        {
            int topicLength = CopyToScratch(message);
            if (Topic.IsSys(scratch, 0, topicLength))
            {
                // Only the broker writes $SYS topics, wills included.
                Stats.PublishesDenied++;
                return;
            }
            Route(null, scratch, 0, topicLength, topicLength, pool.PayloadLength(message), pool.Qos(message), retain, message);
        }

        // [MQTT-3.3.1-6] the retained messages matching a new subscription, sent with RETAIN set [MQTT-3.3.1-8].
        private void DeliverRetained(Session s, byte[] filter, int filterStart, int filterLength, int grantedQos)
        {
            for (int i = 0; i < retained.Count; i++)
            {
                int m = retained.MessageAt(i);
                int topicLength = pool.TopicLength(m);
                pool.CopyOut(m, 0, scratch, 0, topicLength);
                if (Topic.Matches(filter, filterStart, filterLength, scratch, 0, topicLength))
                {
                    int qos = pool.Qos(m) < grantedQos ? pool.Qos(m) : grantedQos;
                    Deliver(s, (qos << 1) | RetainFlag, scratch, 0, topicLength, 0, 0, m);
                }
            }
        }
    }
}
