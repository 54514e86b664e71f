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
            int stamp = NextRouteStamp();
            int targets = 0;
            subscriptions.StartMatch(buffer, topicStart, topicLength);
            for (int i = subscriptions.NextMatch(); i >= 0; i = subscriptions.NextMatch())
            {
                if (subscriptions.Denied[i])
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
                    JournalRetained(RecordKind.RetainedClear, qos, buffer, topicStart, topicLength, null, 0, 0);
                }
                return;
            }
            // [MQTT-3.3.1-5] the newest message is the topic's retained one: when it cannot be kept, the one
            // before it must not stay in its place (a failed Set removes it).
            // Storage full or failing: it cannot be made durable, so it is not kept either (logged at the state's start).
            bool storageRefuses = durable && StorageRefuses;
            bool cleared;
            if (message < 0 || storageRefuses)
            {
                cleared = retained.Clear(buffer, topicStart, topicLength);
            }
            else if (retained.Set(message, buffer, topicStart, topicLength, out cleared))
            {
                if (durable)
                {
                    JournalRetained(RecordKind.RetainedSet, qos, buffer, topicStart, topicLength, buffer, payloadStart, payloadLength);
                }
                return;
            }
            Stats.RetainedRefused++;
            if (storageRefuses)
            {
                Stats.StorageRefused++;
                if (Verbose) Info("storage " + StateName(storageState) + ": " + RetainedNotStored(buffer, topicStart, topicLength, cleared));
            }
            else
            {
                Warn("retained store full: " + RetainedNotStored(buffer, topicStart, topicLength, cleared));
            }
            if (cleared && durable)
            {
                JournalRetained(RecordKind.RetainedClear, qos, buffer, topicStart, topicLength, null, 0, 0);
            }
        }

        private static string RetainedNotStored(byte[] topic, int start, int length, bool cleared)
        {
            return "the retained message on " + Utf8.GetString(topic, start, length) + " was delivered but not stored"
                + (cleared ? ", and the topic's earlier retained message was cleared" : "");
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
                if (StorageRefuses)
                {
                    // Storage full or failing: kept in memory only, until the compaction that ends the state.
                    KeptInMemory(QueuedRecordBytes(s, message));
                }
                else
                {
                    JournalQueued(s, message, publishFlags);
                }
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
            while (s.QueueCount > 0)
            {
                if (s.RetainedPending && s.RetainedTurn)
                {
                    return;
                }
                int i = SendInflight(s, c, s.QueueFlags[s.QueueHead], s.QueueMessage[s.QueueHead]);
                if (i < 0)
                {
                    return;
                }
                s.InflightJournal[i] = s.TakeJournalOrdinal();
                int flags;
                s.Dequeue(out flags);
                s.RetainedTurn = true;
            }
        }

        /// <summary>
        /// Sends a QoS 1/2 message with a new packet identifier and puts it in the inflight window, taking over
        /// the caller's reference; returns its inflight index, or -1, having done nothing, when the window or
        /// the outbox has no room.
        /// </summary>
        private int SendInflight(Session s, Connection c, int publishFlags, int message)
        {
            if (s.InflightCount == s.InflightMessage.Length)
            {
                return -1;
            }
            int packetId = s.NextPacketId();
            if (!WritePublish(c, publishFlags, packetId, null, 0, 0, 0, 0, message))
            {
                return -1;
            }
            int i = s.InflightCount++;
            s.InflightMessage[i] = message;
            s.InflightPacketId[i] = packetId;
            s.InflightFlags[i] = (byte)publishFlags;
            s.InflightState[i] = InflightState.AwaitingAck;
            s.InflightJournal[i] = -1;
            retryBlocked = true;
            return i;
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

        // [MQTT-3.3.1-6, MQTT-3.8.4-3] a new subscription (or the same filter again) gets the retained messages
        // that match it: those set until now, sent by SendRetainedDue as room allows.
        private void StartRetained(Session s, int entry)
        {
            subscriptions.RetainedUntil[entry] = retained.Stamp;
            subscriptions.MoveRetainedCursor(entry, RetainedTree.None);
            if (retained.Stamp > 0)
            {
                s.RetainedPending = true;
                retainedDue = true;
            }
        }

        // Sends the retained messages due to new subscriptions, at the end of every call into the engine (after
        // the SUBACK), taking turns with each session's queue, as far as the outbox and the inflight window have
        // room; the rest goes as they free up. Nothing is dropped and nothing copied.
        private void SendRetainedDue()
        {
            if (!retainedDue)
            {
                return;
            }
            retainedDue = false;
            for (int i = 0; i < sessions.Length; i++)
            {
                Session s = sessions[i];
                if (s.RetainedPending && s.IsOnline)
                {
                    while (SendRetained(s))
                    {
                        Pump(s);
                    }
                    Pump(s);
                }
                // An offline session's rest waits for it to come back (Connect asks again), not every call.
                retainedDue |= s.RetainedPending && s.IsOnline;
            }
        }

        // Sends the next retained message due to one of the session's new subscriptions, with RETAIN set
        // [MQTT-3.3.1-8]; false when there is none left or no room for it now. The subscription's cursor holds
        // the node of the message to send next, so a message that waits for room is not searched for again.
        private bool SendRetained(Session s)
        {
            Connection c = connections[s.Connection];
            int entry;
            while ((entry = RetainedEntryOf(s)) >= 0)
            {
                long until = subscriptions.RetainedUntil[entry];
                int node = subscriptions.RetainedCursor[entry];
                if (node < 0)
                {
                    NextRetained(entry, RetainedTree.None, until);
                    continue;
                }
                int m = retained.MessageAt(node);
                if (m < 0 || retained.SetAt(node) > until)
                {
                    // Cleared, or replaced by a message the subscription got live, since the cursor came here.
                    NextRetained(entry, node, until);
                    continue;
                }
                int qos = pool.Qos(m) < subscriptions.Qos[entry] ? pool.Qos(m) : subscriptions.Qos[entry];
                int flags = (qos << 1) | RetainFlag;
                if (qos == 0)
                {
                    if (!WritePublish(c, flags, 0, null, 0, 0, 0, 0, m))
                    {
                        return false;
                    }
                }
                else
                {
                    if (SendInflight(s, c, flags, m) < 0)
                    {
                        return false;
                    }
                    pool.AddRef(m);
                }
                NextRetained(entry, node, until);
                s.RetainedTurn = false;
                return true;
            }
            s.RetainedPending = false;
            return false;
        }

        // Moves the subscription's cursor past `after` (None: to the first message); at the end of the walk the
        // subscription has nothing left to send.
        private void NextRetained(int entry, int after, long until)
        {
            int next = retained.NextMatch(subscriptions.NodeOf(entry), after, until);
            subscriptions.MoveRetainedCursor(entry, next);
            if (next < 0)
            {
                subscriptions.RetainedUntil[entry] = 0;
            }
        }

        // The subscription whose retained messages the session sends now; when none is in progress, the first
        // one waiting. -1 when none is left.
        private int RetainedEntryOf(Session s)
        {
            int e = s.RetainedEntry;
            if (e >= 0 && subscriptions.NodeOf(e) >= 0 && subscriptions.Session[e] == s.Id && subscriptions.RetainedUntil[e] != 0)
            {
                return e;
            }
            for (e = subscriptions.FirstOf(s.Id); e >= 0; e = subscriptions.NextOf(e))
            {
                if (subscriptions.RetainedUntil[e] != 0)
                {
                    s.RetainedEntry = e;
                    return e;
                }
            }
            return -1;
        }
    }
}
