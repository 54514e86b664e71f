using NanoBroker.Protocol;
using NanoBroker.Routing;
using NanoBroker.Sessions;

namespace NanoBroker
{
    /// <summary>
    /// PUBLISH from a client and the acknowledgement flows of QoS 1 and 2 (sections 3.3 to 3.7, 4.3): the inbound
    /// QoS 2 identifiers awaiting PUBREL, and the PUBACK, PUBREC and PUBCOMP of the broker's own messages, handed
    /// to <see cref="OutboundFlow"/>. Each handler parses at its top and acts below; false means it must wait for
    /// room (nothing was done then).
    /// </summary>
    internal sealed class PublishHandler
    {
        private readonly SessionTable sessions;
        private readonly Router router;
        private readonly OutboundFlow flow;
        private readonly Framing framing;
        private readonly Disconnector disconnector;
        private readonly EngineContext context;

        internal PublishHandler(SessionTable sessions, Router router, OutboundFlow flow, Framing framing, AckPacket ack, Disconnector disconnector, EngineContext context)
        {
            Ack = ack;
            this.sessions = sessions;
            this.router = router;
            this.flow = flow;
            this.framing = framing;
            this.disconnector = disconnector;
            this.context = context;
        }

        /// <summary>The PUBLISH view Broker.Dispatch decodes into before <see cref="OnPublish"/>.</summary>
        internal readonly PublishPacket Publish = new PublishPacket(new Properties());

        /// <summary>The PUBACK/PUBREC/PUBREL/PUBCOMP view Broker.Dispatch decodes into.</summary>
        internal readonly AckPacket Ack;

        // The PUBLISH being routed: its topic resolved (a Topic Alias), properties and expiry.
        private readonly InboundMessage inbound = new InboundMessage();

        internal bool OnPublish(Connection c)
        {
            PublishPacket p = Publish;
            byte[] b = c.ReceiveBuffer;
            int qos = p.Qos;
            int packetId = p.PacketId;
            if (!ResolveTopic(c, p))
            {
                return true;
            }
            byte[] topic = inbound.Topic;
            int topicStart = inbound.TopicStart;
            int topicLength = inbound.TopicLength;
            Session s = sessions.At(c.Session);
            if (qos > 0 && !OutboxWriter.HasRoomForAck(c))
            {
                c.BlockedBySession = -1;
                return false;
            }
            if (qos == 2 && s.FindAwaitingRelease(packetId) >= 0)
            {
                // [MQTT-4.3.3-2] a re-sent QoS 2 PUBLISH is acknowledged again, not routed again.
                OutboxWriter.WriteAck(c, PacketType.PubRec, packetId, ReasonCode.Success, context.Now);
                return true;
            }
            bool recordId = true;
            if (qos == 2 && s.AwaitingReleaseCount == s.AwaitingRelease.Length && c.Version == ProtocolVersion.Mqtt5)
            {
                // 5.0 tells the client the window (CONNACK Receive Maximum = InflightWindow): one more unacknowledged
                // QoS 2 message is a violation [MQTT-3.3.4-7], answered with DISCONNECT 0x93 (section 3.3.4).
                disconnector.Violation(c, ReasonCode.ReceiveMaximumExceeded, "more unacknowledged QoS 2 PUBLISH packets than the Receive Maximum " + s.AwaitingRelease.Length + " [MQTT-3.3.4-7]");
                return true;
            }
            if (qos == 2 && s.AwaitingReleaseCount == s.AwaitingRelease.Length)
            {
                // MQTT 3.1.1 cannot tell a client the broker's window: one that sends more QoS 2 messages
                // before their PUBRELs is held back until a PUBREL frees a place. Only when the receive
                // buffer is full with no PUBREL in it (the client pipelined more than it holds) is the message
                // taken without keeping its identifier, which would otherwise deadlock: it is delivered, and
                // only a re-send of it after a reconnect could be delivered twice.
                if (c.ReceiveSpace > 0 || framing.ReleaseWaitingBehind(c, s, p.PayloadStart + p.PayloadLength))
                {
                    c.BlockedBySession = -1;
                    return false;
                }
                if (c.IsClosing)
                {
                    // A malformed packet behind it ended the connection.
                    return true;
                }
                recordId = false;
            }

            byte reason = ReasonCode.Success;
            if (Topic.IsSys(topic, topicStart, topicLength)
                || (context.Access != null && !context.Access.MayPublish(c.User, s.ClientId, 0, s.ClientIdLength, topic, topicStart, topicLength)))
            {
                // Only the broker writes $SYS topics, and the rules may forbid others. The PUBLISH is
                // still acknowledged, as MQTT 3.1.1 has no way to refuse it, and counted.
                context.Stats.PublishesDenied++;
                reason = context.Access != null ? context.Access.RefusalReason : ReasonCode.NotAuthorized;
                if (context.Verbose) context.Info("client " + s.ClientIdText() + " may not publish to " + Utf8.GetString(topic, topicStart, topicLength));
            }
            else if (!router.Route(c, inbound, -1))
            {
                return false;
            }
            context.Stats.MessagesReceived++;
            if (qos == 1)
            {
                OutboxWriter.WriteAck(c, PacketType.PubAck, packetId, reason, context.Now);
            }
            else if (qos == 2)
            {
                if (recordId)
                {
                    // A refused 5.0 QoS 2 PUBLISH: its PUBREC ends the exchange, no PUBREL follows.
                    if (!AckPacket.EndsExchange(c.Version, reason))
                    {
                        s.AwaitingRelease[s.AwaitingReleaseCount++] = packetId;
                    }
                }
                else
                {
                    context.Stats.InboundWindowOverflows++;
                    context.Warn("client " + s.ClientIdText() + " sent more QoS 2 messages than its receive buffer holds before their PUBRELs: packet " + packetId + " was taken without keeping its identifier");
                }
                OutboxWriter.WriteAck(c, PacketType.PubRec, packetId, reason, context.Now);
            }
            return true;
        }

        // The PUBLISH's topic, its 5.0 Topic Alias resolved (section 3.3.2.3.4), properties and expiry into `inbound`;
        // false when the alias is a violation (DISCONNECT sent). A Payload Format Indicator of 1 is forwarded without
        // checking the payload: the receiver MAY check it (section 3.3.2.3.2), which would cost a UTF-8 scan of every
        // payload; subscribers see the indicator and can.
        private bool ResolveTopic(Connection c, PublishPacket p)
        {
            byte[] b = c.ReceiveBuffer;
            Properties properties = p.Properties;
            inbound.Set(b, p.TopicStart, p.TopicLength, p.PayloadStart, p.PayloadLength, p.Qos, p.Retain);
            if (c.Version != ProtocolVersion.Mqtt5)
            {
                return true;
            }
            inbound.SetProperties(properties.Start, properties.Length);
            if (properties.Has(PropertyId.MessageExpiryInterval))
            {
                inbound.ExpiresAt = MessageExpiry.At(context.Now, properties.MessageExpiryInterval);
            }
            if (!properties.Has(PropertyId.TopicAlias))
            {
                return true;
            }
            int alias = properties.TopicAlias;
            TopicAliases aliases = c.InboundAliases;
            if (alias > aliases.Capacity)
            {
                // CONNACK announced Topic Alias Maximum = the capacity of the table the connection borrowed (omitted
                // without one: 0); alias 0 fails decoding.
                disconnector.Violation(c, ReasonCode.TopicAliasInvalid, "Topic Alias " + alias + " above the Topic Alias Maximum " + aliases.Capacity + " [MQTT-3.3.2-9]");
                return false;
            }
            if (p.TopicLength > 0)
            {
                if (!aliases.Set(alias, b, p.TopicStart, p.TopicLength))
                {
                    // The topics the client's aliases stand for take more than TopicAliasBytes (BrokerOptions).
                    disconnector.Violation(c, ReasonCode.QuotaExceeded, "Topic Alias topics beyond " + context.Options.TopicAliasBytes + " bytes");
                    return false;
                }
                return true;
            }
            if (aliases.LengthOf(alias) == 0)
            {
                disconnector.Violation(c, ReasonCode.ProtocolError, "empty topic with Topic Alias " + alias + ", which has no mapping (5.0 section 3.3.2.3.4)");
                return false;
            }
            inbound.Topic = aliases.Arena;
            inbound.TopicStart = aliases.StartOf(alias);
            inbound.TopicLength = aliases.LengthOf(alias);
            return true;
        }

        internal bool OnPubAck(Connection c)
        {
            flow.Acknowledged(sessions.At(c.Session), Ack.PacketId);
            return true;
        }

        internal bool OnPubRec(Connection c)
        {
            flow.Received(sessions.At(c.Session), Ack.PacketId);
            return true;
        }

        internal bool OnPubRel(Connection c)
        {
            int packetId = Ack.PacketId;
            if (!OutboxWriter.HasRoomForAck(c))
            {
                c.BlockedBySession = -1;
                return false;
            }
            Session s = sessions.At(c.Session);
            int i = s.FindAwaitingRelease(packetId);
            byte reason = ReasonCode.Success;
            if (i >= 0)
            {
                s.RemoveAwaitingRelease(i);
                context.RetryBlockedPublishers();
            }
            else
            {
                // 5.0: "Packet Identifier not found" (section 3.7.2.1); 3.x never sees the code.
                reason = ReasonCode.PacketIdentifierNotFound;
            }
            // [MQTT-4.3.3-2] PUBCOMP with the same packet identifier, known or not.
            OutboxWriter.WriteAck(c, PacketType.PubComp, packetId, reason, context.Now);
            return true;
        }

        internal bool OnPubComp(Connection c)
        {
            flow.Completed(sessions.At(c.Session), Ack.PacketId);
            return true;
        }
    }
}
