using NanoBroker.Messages;
using NanoBroker.Protocol;
using NanoBroker.Routing;
using NanoBroker.Security;
using NanoBroker.Sessions;

namespace NanoBroker
{
    /// <summary>
    /// Each session's outbound QoS flow: a message handed to a session (QoS 0 straight into the outbox, QoS 1/2
    /// into its queue), the inflight window and its acknowledgements (PUBACK, PUBREC, PUBCOMP), PUBLISH and PUBREL
    /// written as room allows, and the retained messages due to new subscriptions, taking turns with the queue.
    /// </summary>
    internal sealed class OutboundFlow
    {
        // PUBLISH fixed-header flag bits.
        internal const int RetainFlag = 0x01;
        internal const int QosMask = 0x06;
        private const int QosOneFlags = 0x02;
        private const int QosTwoFlags = 0x04;
        private const int DupFlag = 0x08;
        private const int HeaderFlags = 0x0F;

        /// <summary>
        /// Not a PUBLISH bit: the engine's mark (in the queue's and inflight flags) of a copy delivered through a
        /// shared subscription, which carries the Subscription Identifiers of the session's shared subscriptions only
        /// [MQTT-3.3.4-5]. Left out of the fixed header.
        /// </summary>
        internal const int SharedCopy = 0x10;

        private readonly ConnectionTable connections;
        private readonly SessionTable sessions;
        private readonly SubscriptionTree subscriptions;
        private readonly RetainedTree retained;
        private readonly MessagePool pool;
        private readonly Journal journal;
        private readonly MessageCopy copy;
        private readonly EngineContext context;
        private readonly PublishProperties properties;

        // The subscription whose retained message SendRetained is writing: its PUBLISH carries that subscription's
        // identifier only (none: the identifiers of every matching subscription).
        private int retainedFor = SubscriptionTree.None;

        internal OutboundFlow(ConnectionTable connections, SessionTable sessions, SubscriptionTree subscriptions, RetainedTree retained, MessagePool pool, Journal journal, MessageCopy copy, EngineContext context)
        {
            this.copy = copy;
            this.connections = connections;
            this.sessions = sessions;
            this.subscriptions = subscriptions;
            this.retained = retained;
            this.pool = pool;
            this.journal = journal;
            this.context = context;
            properties = new PublishProperties(pool);
        }

        /// <summary>
        /// Hands one message to one session: QoS 0 straight into the outbox of an online client
        /// (dropped and counted when it is full), QoS 1/2 into the session's queue.
        /// </summary>
        internal void Deliver(Session s, int publishFlags, InboundMessage m, int message)
        {
            if ((publishFlags & QosMask) == 0)
            {
                if (!s.IsOnline)
                {
                    s.Dropped++;
                }
                else if (!WritePublish(connections.At(s.Connection), publishFlags, 0, m, message))
                {
                    s.Dropped++;
                    context.Stats.MessagesDropped++;
                }
                return;
            }
            if (message < 0)
            {
                context.Stats.MessagesDropped++;
                return;
            }
            if (s.QueueFull)
            {
                int droppedOrdinal = s.TakeJournalOrdinal();
                int droppedFlags;
                pool.Release(s.Dequeue(out droppedFlags));
                s.Dropped++;
                context.Stats.MessagesDropped++;
                journal.MessageDone(s, droppedOrdinal);
            }
            pool.AddRef(message);
            s.Enqueue(message, publishFlags);
            journal.MessageQueued(s, message, publishFlags);
            Pump(s);
        }

        /// <summary>
        /// A session's connection is back [MQTT-4.4.0-1]: unacknowledged PUBLISH packets are sent again (with DUP)
        /// and PUBREL packets owed, in order; then the queue, and the retained messages its subscriptions had still to get.
        /// </summary>
        internal void Resume(Session s)
        {
            for (int i = 0; i < s.InflightCount; i++)
            {
                if (s.InflightState[i] == InflightState.AwaitingAck)
                {
                    s.InflightState[i] = InflightState.RepublishPending;
                }
                else if (s.InflightState[i] == InflightState.AwaitingComplete)
                {
                    s.InflightState[i] = InflightState.ReleasePending;
                }
            }
            Pump(s);
            if (s.RetainedPending)
            {
                context.RetainedMayBeDue();
            }
        }

        /// <summary>PUBACK: the QoS 1 message of that identifier is delivered.</summary>
        internal void Acknowledged(Session s, int packetId)
        {
            int i = s.FindInflight(packetId);
            if (i >= 0 && s.InflightState[i] == InflightState.AwaitingAck && (s.InflightFlags[i] & QosMask) == QosOneFlags)
            {
                pool.Release(s.InflightMessage[i]);
                journal.MessageDone(s, s.InflightJournal[i]);
                s.RemoveInflight(i);
                Pump(s);
                journal.QueueDrained(s);
                context.RetryBlockedPublishers();
            }
        }

        /// <summary>PUBREC: the QoS 2 message of that identifier is received; its PUBREL is owed.</summary>
        internal void Received(Session s, int packetId)
        {
            int i = s.FindInflight(packetId);
            if (i >= 0 && (s.InflightFlags[i] & QosMask) == QosTwoFlags)
            {
                if (s.InflightMessage[i] >= 0)
                {
                    // [MQTT-4.3.3-1] after PUBREC the PUBLISH is never sent again: its bytes can go. What a
                    // restart needs from here on is the PUBREL owed.
                    pool.Release(s.InflightMessage[i]);
                    s.InflightMessage[i] = -1;
                    journal.ReleasePending(s, packetId);
                    journal.MessageDone(s, s.InflightJournal[i]);
                    s.InflightJournal[i] = -1;
                    context.RetryBlockedPublishers();
                }
                s.InflightState[i] = InflightState.ReleasePending;
                Pump(s);
            }
        }

        /// <summary>PUBCOMP: the QoS 2 flow of that identifier is complete.</summary>
        internal void Completed(Session s, int packetId)
        {
            int i = s.FindInflight(packetId);
            if (i >= 0 && s.InflightState[i] == InflightState.AwaitingComplete)
            {
                journal.ReleaseDone(s, packetId);
                s.RemoveInflight(i);
                Pump(s);
                journal.QueueDrained(s);
                context.RetryBlockedPublishers();
            }
        }

        /// <summary>
        /// Writes what an online session can send now: re-sends and PUBRELs in inflight order, then
        /// queued messages while the inflight window and the outbox have room.
        /// </summary>
        internal void Pump(Session s)
        {
            if (!s.IsOnline)
            {
                return;
            }
            Connection c = connections.At(s.Connection);
            for (int i = 0; i < s.InflightCount; i++)
            {
                int state = s.InflightState[i];
                if (state == InflightState.RepublishPending)
                {
                    if (!WritePublish(c, s.InflightFlags[i] | DupFlag, s.InflightPacketId[i], null, s.InflightMessage[i]))
                    {
                        return;
                    }
                    s.InflightState[i] = InflightState.AwaitingAck;
                }
                else if (state == InflightState.ReleasePending)
                {
                    // [MQTT-3.6.1-1] PUBREL carries flags 0010.
                    if (!OutboxWriter.WriteAck(c, PacketType.PubRel, s.InflightPacketId[i], ReasonCode.Success, context.Now))
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
                bool expired = MessageExpiry.HasPassed(pool.ExpiresAt(s.QueueMessage[s.QueueHead]), context.Now);
                if (expired || TooLarge(c, s.QueueFlags[s.QueueHead], s.QueueMessage[s.QueueHead]))
                {
                    // Expired before it could be sent [MQTT-3.3.2-5], or larger than the client's Maximum Packet
                    // Size: never sent to it [MQTT-3.1.2-25].
                    if (expired)
                    {
                        context.Stats.MessagesExpired++;
                    }
                    else
                    {
                        context.Stats.MessagesDropped++;
                    }
                    int droppedOrdinal = s.TakeJournalOrdinal();
                    int droppedFlags;
                    sessions.ReleaseQueued(s.Dequeue(out droppedFlags));
                    journal.MessageDone(s, droppedOrdinal);
                    continue;
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
        /// [MQTT-3.3.1-6, MQTT-3.8.4-3] a new subscription (or the same filter again) gets the retained messages
        /// that match it: those set until now, sent by <see cref="SendRetainedDue"/> as room allows.
        /// </summary>
        internal void StartRetained(Session s, int entry)
        {
            subscriptions.StartRetained(entry, retained.Stamp);
            if (retained.Stamp > 0)
            {
                s.RetainedPending = true;
                context.RetainedMayBeDue();
            }
        }

        /// <summary>
        /// Sends the retained messages due to new subscriptions, at the end of every call into the engine (after
        /// the SUBACK), taking turns with each session's queue, as far as the outbox and the inflight window have
        /// room; the rest goes as they free up. Nothing is dropped and nothing copied.
        /// </summary>
        internal void SendRetainedDue()
        {
            if (!context.TakeRetainedDue())
            {
                return;
            }
            bool stillDue = false;
            for (int i = 0; i < sessions.Length; i++)
            {
                Session s = sessions.At(i);
                if (s.RetainedPending && s.IsOnline)
                {
                    while (SendRetained(s))
                    {
                        Pump(s);
                    }
                    Pump(s);
                }
                // An offline session's rest waits for it to come back (Resume asks again), not every call.
                stillDue |= s.RetainedPending && s.IsOnline;
            }
            if (stillDue)
            {
                context.RetainedMayBeDue();
            }
        }

        /// <summary>
        /// Writes a PUBLISH to a connection now, from the pool (<paramref name="message"/> a handle) or from
        /// <paramref name="m"/>; false when it does not fit. A 5.0 subscriber gets the per-subscriber properties
        /// (<see cref="PublishProperties"/>), and a Topic Alias when it accepts them; a 3.x one gets no properties.
        /// </summary>
        internal bool WritePublish(Connection c, int publishFlags, int packetId, InboundMessage m, int message)
        {
            int topicLength = message >= 0 ? pool.TopicLength(message) : m.TopicLength;
            int payloadLength = message >= 0 ? pool.PayloadLength(message) : m.PayloadLength;
            bool hasId = (publishFlags & QosMask) != 0;
            StartProperties(c, message, m);
            // The Subscription Identifiers of the session's matching subscriptions [MQTT-3.3.4-3], looked up on the
            // topic as it is written: matching needs it contiguous (a pooled one is copied out).
            Session s = sessions.At(c.Session);
            byte[] topic = null;
            int topicStart = 0;
            int fullTopicLength = topicLength;
            int ids = 0;
            if (c.Version == ProtocolVersion.Mqtt5 && s.HasSubscriptionIds)
            {
                if (message >= 0)
                {
                    pool.CopyOut(message, 0, copy.Bytes, 0, topicLength);
                    topic = copy.Bytes;
                }
                else
                {
                    topic = m.Topic;
                    topicStart = m.TopicStart;
                }
                ids = SubscriptionIds(s, publishFlags, topic, topicStart, topicLength, null, 0);
                properties.AddSubscriptionIdentifiers(ids);
            }
            int size = PublishPacket.SizeOf(c.Version, topicLength, hasId, properties.Length, payloadLength);
            if (c.MaximumPacketSize > 0 && size > c.MaximumPacketSize)
            {
                // [MQTT-3.1.2-25] never sent to this client (the caller counts it dropped); the others still get it.
                return false;
            }
            // Outbound Topic Alias (section 3.3.2.3.4): a topic mapped already goes as an empty topic and its alias; a new
            // one takes a free or the least recently used alias, sent with its topic, when it fits the arena and the
            // client's Maximum Packet Size; else it goes with its topic only.
            int alias = c.TopicAliasMaximum > 0 ? KnownAlias(c, message, m, topicLength) : 0;
            bool setsAlias = false;
            if (alias > 0)
            {
                c.OutboundAliases.Touch(alias);
                properties.AddTopicAlias(alias);
                topicLength = 0;
            }
            else if (c.TopicAliasMaximum > 0)
            {
                alias = c.OutboundAliases.Victim(c.TopicAliasMaximum);
                int withAlias = PublishPacket.SizeOf(c.Version, topicLength, hasId, properties.Length + Properties.SizeOfUInt16, payloadLength);
                if (c.OutboundAliases.Fits(alias, topicLength) && (c.MaximumPacketSize == 0 || withAlias <= c.MaximumPacketSize))
                {
                    properties.AddTopicAlias(alias);
                    setsAlias = true;
                }
            }
            size = PublishPacket.SizeOf(c.Version, topicLength, hasId, properties.Length, payloadLength);
            int at = OutboxWriter.Reserve(c, size, context.Now);
            if (at < 0)
            {
                return false;
            }
            byte[] o = c.Outbox.Buffer;
            at = PublishPacket.WriteHeader(c.Version, o, at, publishFlags & HeaderFlags, topicLength, hasId, properties.Length, payloadLength);
            if (message >= 0)
            {
                pool.CopyOut(message, 0, o, at, topicLength);
            }
            else
            {
                System.Array.Copy(m.Topic, m.TopicStart, o, at, topicLength);
            }
            if (setsAlias)
            {
                c.OutboundAliases.Set(alias, o, at, topicLength);
                c.OutboundAliases.Touch(alias);
            }
            at = PublishPacket.WriteAfterTopic(c.Version, o, at + topicLength, hasId, packetId, properties.Length);
            if (c.Version == ProtocolVersion.Mqtt5)
            {
                at = properties.Write(o, at, message, m);
            }
            if (ids > 0)
            {
                at = SubscriptionIds(s, publishFlags, topic, topicStart, fullTopicLength, o, at);
            }
            if (message >= 0)
            {
                pool.CopyOut(message, pool.PayloadOffset(message), o, at, payloadLength);
            }
            else
            {
                System.Array.Copy(m.Body, m.PayloadStart, o, at, payloadLength);
            }
            context.Stats.MessagesSent++;
            return true;
        }

        // The properties every 5.0 PUBLISH of the message carries to this client, the Topic Alias aside: Message Expiry
        // with the time left, then the forwarded ones. A 3.x client gets none.
        private void StartProperties(Connection c, int message, InboundMessage m)
        {
            properties.Start();
            if (c.Version != ProtocolVersion.Mqtt5)
            {
                return;
            }
            int expiresAt = message >= 0 ? pool.ExpiresAt(message) : m.ExpiresAt;
            if (expiresAt != MessagePool.NoExpiry)
            {
                properties.AddMessageExpiry(MessageExpiry.Left(expiresAt, context.Now));
            }
            properties.AddForwarded(message >= 0 ? pool.PropertiesLength(message) : m.ForwardedLength);
        }

        // The outbound alias the client knows for the message's topic, or 0.
        private int KnownAlias(Connection c, int message, InboundMessage m, int topicLength)
        {
            TopicAliases aliases = c.OutboundAliases;
            for (int a = 1; a <= c.TopicAliasMaximum; a++)
            {
                if (aliases.LengthOf(a) != topicLength)
                {
                    continue;
                }
                if (message >= 0 ? pool.TopicEquals(message, aliases.Arena, aliases.StartOf(a), topicLength)
                    : SameBytes(m.Topic, m.TopicStart, aliases.Arena, aliases.StartOf(a), topicLength))
                {
                    return a;
                }
            }
            return 0;
        }

        private static bool SameBytes(byte[] a, int aStart, byte[] b, int bStart, int count)
        {
            for (int i = 0; i < count; i++)
            {
                if (a[aStart + i] != b[bStart + i])
                {
                    return false;
                }
            }
            return true;
        }

        // The Subscription Identifier properties of a PUBLISH to the session: those of its subscriptions that match
        // the topic, all in one copy [MQTT-3.3.4-4] (of the shared ones for a shared copy, of the others otherwise
        // [MQTT-3.3.4-5]), or of the one subscription whose retained message it is. With `o` null: their length;
        // else written at `at`, returning where they end. Matching the topic again costs its levels, no allocation.
        private int SubscriptionIds(Session s, int publishFlags, byte[] topic, int topicStart, int topicLength, byte[] o, int at)
        {
            int length = 0;
            if (retainedFor != SubscriptionTree.None)
            {
                at = WriteId(subscriptions.Identifier[retainedFor], o, at, ref length);
                return o == null ? length : at;
            }
            bool shared = (publishFlags & SharedCopy) != 0;
            subscriptions.StartMatch(topic, topicStart, topicLength);
            for (int e = subscriptions.NextMatch(); e >= 0; e = subscriptions.NextMatch())
            {
                if (subscriptions.Session[e] == s.Id && subscriptions.Identifier[e] != 0 && Readable(s, e, topic, topicStart, topicLength)
                    && (subscriptions.Group[e] != SubscriptionTree.None) == shared)
                {
                    at = WriteId(subscriptions.Identifier[e], o, at, ref length);
                }
            }
            return o == null ? length : at;
        }

        // True when the session reads the topic through subscription `entry`: granted, or checked and not denied.
        private bool Readable(Session s, int entry, byte[] topic, int topicStart, int topicLength)
        {
            byte access = subscriptions.Access[entry];
            return access == SubscribeAccess.Granted
                || (access == SubscribeAccess.Checked && context.Access.MayRead(s.Owner, s.ClientId, 0, s.ClientIdLength, topic, topicStart, topicLength));
        }

        // Whether a deny rule leaves retained message m's topic readable through the checked subscription `entry`
        // (its topic copied out of the pool's blocks, as the PUBLISH writer does).
        private bool RetainedReadable(Session s, int entry, int m)
        {
            int topicLength = pool.TopicLength(m);
            pool.CopyOut(m, 0, copy.Bytes, 0, topicLength);
            return Readable(s, entry, copy.Bytes, 0, topicLength);
        }

        // Adds one identifier's property to `length` and, unless `o` is null, writes it at `at`; returns where it ends.
        private static int WriteId(int identifier, byte[] o, int at, ref int length)
        {
            if (identifier == 0)
            {
                return at;
            }
            length += 1 + RemainingLength.SizeOf(identifier);
            if (o == null)
            {
                return at;
            }
            o[at++] = (byte)PropertyId.SubscriptionIdentifier;
            return Wire.WriteVarInt(o, at, identifier);
        }

        /// <summary>Replay: a journaled message queued for the session (<see cref="Session.Done"/> when it was dropped, keeping its place).</summary>
        internal void RestoreQueued(Session s, int message, int publishFlags)
        {
            if (s.QueueFull)
            {
                // Replayed, every queued message is journaled: JournalNext is the ordinal of the head.
                int dropped;
                sessions.ReleaseQueued(s.Dequeue(out dropped));
                s.JournalNext++;
            }
            s.Enqueue(message, publishFlags);
            s.JournaledQueued++;
        }

        /// <summary>
        /// Replay: the session owes the PUBREL of a packet identifier; it is sent when the session comes back, before
        /// anything else [MQTT-4.4.0-1], and the identifier is not given to another message.
        /// </summary>
        internal void RestoreRelease(Session s, int packetId)
        {
            if (s.FindInflight(packetId) >= 0)
            {
                return;
            }
            if (s.InflightCount == s.InflightMessage.Length)
            {
                context.Warn("storage: a PUBREL owed to " + s.ClientIdText() + " is beyond this configuration's inflight window and was dropped");
                return;
            }
            int i = s.InflightCount++;
            s.InflightMessage[i] = -1;
            s.InflightPacketId[i] = packetId;
            s.InflightFlags[i] = QosTwoFlags;
            s.InflightState[i] = InflightState.AwaitingComplete;
            s.InflightJournal[i] = -1;
        }

        /// <summary>Replay: a ReleaseDone record; the PUBREL is no longer owed.</summary>
        internal void RestoreReleaseDone(Session s, int packetId)
        {
            int inflight = s.FindInflight(packetId);
            if (inflight >= 0)
            {
                s.RemoveInflight(inflight);
            }
        }

        /// <summary>Replay: QueueDone: the message of that ordinal, still queued, is marked <see cref="Session.Done"/> and left out afterwards.</summary>
        internal void RestoreDone(Session s, int ordinal)
        {
            if (ordinal < s.JournalNext || ordinal >= s.JournaledQueued)
            {
                return;
            }
            int at = (s.QueueHead + (ordinal - s.JournalNext)) % s.QueueMessage.Length;
            sessions.ReleaseQueued(s.QueueMessage[at]);
            s.QueueMessage[at] = Session.Done;
        }

        /// <summary>After replay: the places marked done leave the queue; true when any did.</summary>
        internal bool DropDone(Session s)
        {
            int kept = 0;
            int count = s.QueueCount;
            for (int q = 0; q < count; q++)
            {
                int flags;
                int m = s.Dequeue(out flags);
                if (m != Session.Done)
                {
                    s.Enqueue(m, flags);
                    kept++;
                }
            }
            return kept < count;
        }

        // True when a PUBLISH of the pooled message (QoS 1/2 size, the larger; its properties for this client with its
        // Subscription Identifiers, no Topic Alias, which WritePublish uses only where it fits) exceeds the client's
        // Maximum Packet Size.
        private bool TooLarge(Connection c, int publishFlags, int message)
        {
            if (c.MaximumPacketSize == 0 || message < 0)
            {
                return false;
            }
            StartProperties(c, message, null);
            int topicLength = pool.TopicLength(message);
            Session s = sessions.At(c.Session);
            if (c.Version == ProtocolVersion.Mqtt5 && s.HasSubscriptionIds)
            {
                pool.CopyOut(message, 0, copy.Bytes, 0, topicLength);
                properties.AddSubscriptionIdentifiers(SubscriptionIds(s, publishFlags, copy.Bytes, 0, topicLength, null, 0));
            }
            return PublishPacket.SizeOf(c.Version, topicLength, true, properties.Length, pool.PayloadLength(message)) > c.MaximumPacketSize;
        }

        // Sends a QoS 1/2 message with a new packet identifier and puts it in the inflight window, taking over
        // the caller's reference; returns its inflight index, or -1, having done nothing, when the window or
        // the outbox has no room.
        private int SendInflight(Session s, Connection c, int publishFlags, int message)
        {
            // The window: InflightWindow, or less when the client's Receive Maximum says so [MQTT-3.3.4-9].
            if (s.InflightCount == s.InflightMessage.Length || s.InflightCount >= c.ReceiveMaximum)
            {
                return -1;
            }
            int packetId = s.NextPacketId();
            if (!WritePublish(c, publishFlags, packetId, null, message))
            {
                return -1;
            }
            int i = s.InflightCount++;
            s.InflightMessage[i] = message;
            s.InflightPacketId[i] = packetId;
            s.InflightFlags[i] = (byte)publishFlags;
            s.InflightState[i] = InflightState.AwaitingAck;
            s.InflightJournal[i] = -1;
            context.RetryBlockedPublishers();
            return i;
        }

        // Sends the next retained message due to one of the session's new subscriptions, with RETAIN set
        // [MQTT-3.3.1-8]; false when there is none left or no room for it now. The subscription's cursor holds
        // the node of the message to send next, so a message that waits for room is not searched for again.
        private bool SendRetained(Session s)
        {
            Connection c = connections.At(s.Connection);
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
                if (subscriptions.Access[entry] == SubscribeAccess.Checked && !RetainedReadable(s, entry, m))
                {
                    // A deny rule takes this retained topic out of the new subscription.
                    NextRetained(entry, node, until);
                    continue;
                }
                if (MessageExpiry.HasPassed(pool.ExpiresAt(m), context.Now))
                {
                    // Expired: not sent [MQTT-3.3.2-5], and no longer the topic's retained message.
                    context.Stats.MessagesExpired++;
                    journal.RetainedExpired(m);
                    retained.ClearAt(node);
                    NextRetained(entry, node, until);
                    continue;
                }
                retainedFor = entry;
                bool tooLarge = TooLarge(c, RetainFlag, m);
                retainedFor = SubscriptionTree.None;
                if (tooLarge)
                {
                    context.Stats.MessagesDropped++;
                    NextRetained(entry, node, until);
                    continue;
                }
                int qos = pool.Qos(m) < subscriptions.Qos[entry] ? pool.Qos(m) : subscriptions.Qos[entry];
                int flags = (qos << 1) | RetainFlag;
                retainedFor = entry;
                bool sent = qos == 0 ? WritePublish(c, flags, 0, null, m) : SendInflight(s, c, flags, m) >= 0;
                retainedFor = SubscriptionTree.None;
                if (!sent)
                {
                    return false;
                }
                if (qos > 0)
                {
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
                subscriptions.RetainedSent(entry);
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
