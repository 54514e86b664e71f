using NanoBroker.Protocol;
using NanoBroker.Routing;
using NanoBroker.Sessions;
using NanoBroker.Storage;

namespace NanoBroker
{
    // PUBLISH from a client and the acknowledgement flows of QoS 1 and 2 (sections 3.3 to 3.7, 4.3).
    public sealed partial class Broker
    {
        private bool HandlePublish(Connection c, int flags, byte[] b, int p, int end)
        {
            int qos = (flags >> 1) & 0x03;
            bool retain = (flags & 0x01) != 0;
            if (qos == 3)
            {
                Violation(c, "PUBLISH with QoS 3 [MQTT-3.3.1-4]");
                return true;
            }
            int topicStart, topicLength;
            if (!Wire.ReadField(b, ref p, end, out topicStart, out topicLength) || !Topic.IsValidName(b, topicStart, topicLength))
            {
                Violation(c, "missing or invalid topic name [MQTT-3.3.2-2, MQTT-4.7.3-1]");
                return true;
            }
            int packetId = 0;
            if (qos > 0 && (!Wire.ReadUInt16(b, ref p, end, out packetId) || packetId == 0))
            {
                Violation(c, "QoS 1/2 PUBLISH without a packet identifier [MQTT-2.3.1-1]");
                return true;
            }
            Session s = sessions[c.Session];
            if (qos > 0 && c.Outbox.Free < 4)
            {
                c.BlockedBySession = -1;
                return false;
            }
            if (qos == 2 && s.FindAwaitingRelease(packetId) >= 0)
            {
                // [MQTT-4.3.3-2] a re-sent QoS 2 PUBLISH is acknowledged again, not routed again.
                WriteAck(c, PacketType.PubRec << 4, packetId);
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
                if (c.ReceiveSpace > 0 || ReleaseWaitingBehind(c, s, end))
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
                || (Access != null && !Access.MayPublish(c.User, s.ClientId, 0, s.ClientIdLength, b, topicStart, topicLength)))
            {
                // Only the broker writes $SYS topics, and the rules may forbid others. The PUBLISH is
                // still acknowledged, as MQTT 3.1.1 has no way to refuse it, and counted.
                Stats.PublishesDenied++;
                if (Verbose) Info("client " + ClientIdOf(s) + " may not publish to " + Utf8.GetString(b, topicStart, topicLength));
            }
            else if (!Route(c, b, topicStart, topicLength, p, end - p, qos, retain, -1))
            {
                return false;
            }
            Stats.MessagesReceived++;
            if (qos == 1)
            {
                WriteAck(c, PacketType.PubAck << 4, packetId);
            }
            else if (qos == 2)
            {
                if (recordId)
                {
                    s.AwaitingRelease[s.AwaitingReleaseCount++] = packetId;
                }
                else
                {
                    Stats.InboundWindowOverflows++;
                    Warn("client " + ClientIdOf(s) + " sent more QoS 2 messages than its receive buffer holds before their PUBRELs: packet " + packetId + " was taken without keeping its identifier");
                }
                WriteAck(c, PacketType.PubRec << 4, packetId);
            }
            return true;
        }

        // True when a PUBREL in the receive buffer after <paramref name="from"/> releases a QoS 2 message the
        // session holds: handling it (HandleAcksBehind) frees a place in the window.
        private bool ReleaseWaitingBehind(Connection c, Session s, int from)
        {
            int size;
            for (int p = from; (size = CompletePacketAt(c, p)) > 0; p += size)
            {
                if (ReleasesHeldMessage(c.ReceiveBuffer, p, size, s))
                {
                    return true;
                }
            }
            return false;
        }

        // True for a well-formed PUBREL of a QoS 2 message the session holds (its PUBREC sent).
        private static bool ReleasesHeldMessage(byte[] b, int start, int size, Session s)
        {
            return b[start] >> 4 == PacketType.PubRel && size == 4 && s.FindAwaitingRelease((b[start + 2] << 8) | b[start + 3]) >= 0;
        }

        private bool HandlePubAck(Connection c, byte[] b, int p, int end)
        {
            int packetId;
            if (!ReadAckId(c, b, p, end, out packetId))
            {
                return true;
            }
            Session s = sessions[c.Session];
            int i = s.FindInflight(packetId);
            if (i >= 0 && s.InflightState[i] == InflightState.AwaitingAck && (s.InflightFlags[i] & QosMask) == QosOneFlags)
            {
                pool.Release(s.InflightMessage[i]);
                JournalDone(s, s.InflightJournal[i]);
                s.RemoveInflight(i);
                Pump(s);
                JournalQueueDrained(s);
                retryBlocked = true;
            }
            return true;
        }

        private bool HandlePubRec(Connection c, byte[] b, int p, int end)
        {
            int packetId;
            if (!ReadAckId(c, b, p, end, out packetId))
            {
                return true;
            }
            Session s = sessions[c.Session];
            int i = s.FindInflight(packetId);
            if (i >= 0 && (s.InflightFlags[i] & QosMask) == QosTwoFlags)
            {
                if (s.InflightMessage[i] >= 0)
                {
                    // [MQTT-4.3.3-1] after PUBREC the PUBLISH is never sent again: its bytes can go. What a
                    // restart needs from here on is the PUBREL owed.
                    pool.Release(s.InflightMessage[i]);
                    s.InflightMessage[i] = -1;
                    JournalRelease(s, RecordKind.ReleasePending, packetId);
                    JournalDone(s, s.InflightJournal[i]);
                    s.InflightJournal[i] = -1;
                    retryBlocked = true;
                }
                s.InflightState[i] = InflightState.ReleasePending;
                Pump(s);
            }
            return true;
        }

        private bool HandlePubRel(Connection c, byte[] b, int p, int end)
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
            Session s = sessions[c.Session];
            int i = s.FindAwaitingRelease(packetId);
            if (i >= 0)
            {
                s.RemoveAwaitingRelease(i);
                retryBlocked = true;
            }
            // [MQTT-4.3.3-2] PUBCOMP with the same packet identifier, known or not.
            WriteAck(c, PacketType.PubComp << 4, packetId);
            return true;
        }

        private bool HandlePubComp(Connection c, byte[] b, int p, int end)
        {
            int packetId;
            if (!ReadAckId(c, b, p, end, out packetId))
            {
                return true;
            }
            Session s = sessions[c.Session];
            int i = s.FindInflight(packetId);
            if (i >= 0 && s.InflightState[i] == InflightState.AwaitingComplete)
            {
                JournalRelease(s, RecordKind.ReleaseDone, packetId);
                s.RemoveInflight(i);
                Pump(s);
                JournalQueueDrained(s);
                retryBlocked = true;
            }
            return true;
        }

        // PUBACK, PUBREC, PUBREL and PUBCOMP carry exactly a packet identifier.
        private bool ReadAckId(Connection c, byte[] b, int p, int end, out int packetId)
        {
            if (!Wire.ReadUInt16(b, ref p, end, out packetId) || p != end)
            {
                Violation(c, "acknowledgement with a remaining length other than 2");
                return false;
            }
            return true;
        }
    }
}
