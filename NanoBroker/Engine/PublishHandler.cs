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

        internal PublishHandler(SessionTable sessions, Router router, OutboundFlow flow, Framing framing, Disconnector disconnector, EngineContext context)
        {
            this.sessions = sessions;
            this.router = router;
            this.flow = flow;
            this.framing = framing;
            this.disconnector = disconnector;
            this.context = context;
        }

        internal bool OnPublish(Connection c, int flags, byte[] b, int p, int end)
        {
            // Parse.
            int qos = (flags >> 1) & 0x03;
            bool retain = (flags & 0x01) != 0;
            if (qos == 3)
            {
                disconnector.Violation(c, "PUBLISH with QoS 3 [MQTT-3.3.1-4]");
                return true;
            }
            int topicStart, topicLength;
            if (!Wire.ReadField(b, ref p, end, out topicStart, out topicLength) || !Topic.IsValidName(b, topicStart, topicLength))
            {
                disconnector.Violation(c, "missing or invalid topic name [MQTT-3.3.2-2, MQTT-4.7.3-1]");
                return true;
            }
            int packetId = 0;
            if (qos > 0 && (!Wire.ReadUInt16(b, ref p, end, out packetId) || packetId == 0))
            {
                disconnector.Violation(c, "QoS 1/2 PUBLISH without a packet identifier [MQTT-2.3.1-1]");
                return true;
            }

            // Act.
            Session s = sessions.At(c.Session);
            if (qos > 0 && c.Outbox.Free < 4)
            {
                c.BlockedBySession = -1;
                return false;
            }
            if (qos == 2 && s.FindAwaitingRelease(packetId) >= 0)
            {
                // [MQTT-4.3.3-2] a re-sent QoS 2 PUBLISH is acknowledged again, not routed again.
                OutboxWriter.WriteAck(c, PacketType.PubRec << 4, packetId, context.Now);
                return true;
            }
            bool recordId = true;
            if (qos == 2 && s.AwaitingReleaseCount == s.AwaitingRelease.Length)
            {
                // MQTT 3.1.1 cannot tell a client the broker's window: one that sends more QoS 2 messages
                // before their PUBRELs is held back until a PUBREL frees a place. Only when the receive
                // buffer is full with no PUBREL in it (the client pipelined more than it holds) is the message
                // taken without keeping its identifier, which would otherwise deadlock: it is delivered, and
                // only a re-send of it after a reconnect could be delivered twice.
                if (c.ReceiveSpace > 0 || framing.ReleaseWaitingBehind(c, s, end))
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

            if (Topic.IsSys(b, topicStart, topicLength)
                || (context.Access != null && !context.Access.MayPublish(c.User, s.ClientId, 0, s.ClientIdLength, b, topicStart, topicLength)))
            {
                // Only the broker writes $SYS topics, and the rules may forbid others. The PUBLISH is
                // still acknowledged, as MQTT 3.1.1 has no way to refuse it, and counted.
                context.Stats.PublishesDenied++;
                if (context.Verbose) context.Info("client " + s.ClientIdText() + " may not publish to " + Utf8.GetString(b, topicStart, topicLength));
            }
            else if (!router.Route(c, b, topicStart, topicLength, p, end - p, qos, retain, -1))
            {
                return false;
            }
            context.Stats.MessagesReceived++;
            if (qos == 1)
            {
                OutboxWriter.WriteAck(c, PacketType.PubAck << 4, packetId, context.Now);
            }
            else if (qos == 2)
            {
                if (recordId)
                {
                    s.AwaitingRelease[s.AwaitingReleaseCount++] = packetId;
                }
                else
                {
                    context.Stats.InboundWindowOverflows++;
                    context.Warn("client " + s.ClientIdText() + " sent more QoS 2 messages than its receive buffer holds before their PUBRELs: packet " + packetId + " was taken without keeping its identifier");
                }
                OutboxWriter.WriteAck(c, PacketType.PubRec << 4, packetId, context.Now);
            }
            return true;
        }

        internal bool OnPubAck(Connection c, byte[] b, int p, int end)
        {
            int packetId;
            if (!ReadAckId(c, b, p, end, out packetId))
            {
                return true;
            }
            flow.Acknowledged(sessions.At(c.Session), packetId);
            return true;
        }

        internal bool OnPubRec(Connection c, byte[] b, int p, int end)
        {
            int packetId;
            if (!ReadAckId(c, b, p, end, out packetId))
            {
                return true;
            }
            flow.Received(sessions.At(c.Session), packetId);
            return true;
        }

        internal bool OnPubRel(Connection c, byte[] b, int p, int end)
        {
            int packetId;
            if (!ReadAckId(c, b, p, end, out packetId))
            {
                return true;
            }
            if (c.Outbox.Free < 4)
            {
                c.BlockedBySession = -1;
                return false;
            }
            Session s = sessions.At(c.Session);
            int i = s.FindAwaitingRelease(packetId);
            if (i >= 0)
            {
                s.RemoveAwaitingRelease(i);
                context.RetryBlockedPublishers();
            }
            // [MQTT-4.3.3-2] PUBCOMP with the same packet identifier, known or not.
            OutboxWriter.WriteAck(c, PacketType.PubComp << 4, packetId, context.Now);
            return true;
        }

        internal bool OnPubComp(Connection c, byte[] b, int p, int end)
        {
            int packetId;
            if (!ReadAckId(c, b, p, end, out packetId))
            {
                return true;
            }
            flow.Completed(sessions.At(c.Session), packetId);
            return true;
        }

        // PUBACK, PUBREC, PUBREL and PUBCOMP carry exactly a packet identifier.
        private bool ReadAckId(Connection c, byte[] b, int p, int end, out int packetId)
        {
            if (!Wire.ReadUInt16(b, ref p, end, out packetId) || p != end)
            {
                disconnector.Violation(c, "acknowledgement with a remaining length other than 2");
                return false;
            }
            return true;
        }
    }
}
