using NanoBroker.Protocol;
using NanoBroker.Sessions;

namespace NanoBroker.MqttSn
{
    // What the broker sends a client: the engine's packets read from the connection's outbox and sent as MQTT-SN
    // (section 6.10: REGISTER before the first PUBLISH on a topic the client has no id for), one message awaiting
    // acknowledgement at a time, resent every Tretry (section 6.13).
    public sealed partial class MqttSnGateway
    {
        private const int Wait = 0;
        private const int Consume = 1;
        private const int Consumed = 2;

        // Reads packets further in an outbox than the one being translated (AcknowledgeFirst).
        private readonly OutboxPacket ahead = new OutboxPacket();

        private void DrainAll()
        {
            for (int i = 0; i < clients.Length; i++)
            {
                if (clients[i].Connection != null)
                {
                    Drain(clients[i]);
                }
            }
        }

        // Translates the outbox's packets until it is empty, a message awaits acknowledgement, or the client sleeps.
        private void Drain(SnClient c)
        {
            Connection conn = c.Connection;
            while (c.Awaiting == 0 && c.State != SnClientState.Asleep)
            {
                int n = conn.Outbox.Sendable;
                if (n == 0 || !packet.Read(conn.Outbox.Buffer, conn.Outbox.Start, n))
                {
                    break;
                }
                int size = packet.Size;
                int done = Translate(c, conn.Outbox.Buffer);
                if (done == Wait)
                {
                    break;
                }
                if (done == Consume)
                {
                    broker.Sent(conn, size, now);
                }
            }
            if (conn.IsClosing)
            {
                // The engine ended the connection (refused CONNECT, takeover by another client, DISCONNECT done).
                bool wasConnecting = c.State == SnClientState.Connecting;
                if (!wasConnecting)
                {
                    Info("mqttsn: engine closed the connection of " + SnAddress.ToText(c.Address) + ": " + conn.CloseReason);
                }
                CloseEngine(c, !wasConnecting);
                return;
            }
            if (c.State == SnClientState.Awake && c.Awaiting == 0 && conn.Outbox.Sendable == 0)
            {
                // Section 6.14: everything held was delivered; PINGRESP sends the client back to sleep.
                c.State = SnClientState.Asleep;
                c.LastHeardMs = now;
                SendEmpty(c.Address, SnMessageType.PingResp);
            }
        }

        private int Translate(SnClient c, byte[] b)
        {
            int id = packet.PacketId;
            switch (packet.Type)
            {
                case 2:
                    if (c.State == SnClientState.Connecting)
                    {
                        // MQTT 5.0 CONNACK reasons to MQTT-SN return codes (section 5.3.10): a full server is congestion.
                        int reason = packet.Reason;
                        if (reason == 0)
                        {
                            c.State = SnClientState.Active;
                            Info("mqttsn: client connected from " + SnAddress.ToText(c.Address));
                        }
                        SendConnAck(c.Address, reason == 0 ? SnFlags.Accepted : reason == 0x88 || reason == 0x89 || reason == 0x97 || reason == 0x9F
                            ? SnFlags.RejectedCongestion : SnFlags.RejectedNotSupported);
                    }
                    return Consume;
                case 3:
                    AcknowledgeFirst(c, b);
                    return DeliverPublish(c, b);
                case 4:
                case 5:
                    if (id == c.EarlyAckId)
                    {
                        c.EarlyAckId = -1;
                        return Consume;
                    }
                    return Acknowledge(c, packet.Type, id, packet.Reason);
                case 6:
                    if (id == c.DroppedQos2Id)
                    {
                        // The gateway dropped that message: it completes the exchange itself.
                        c.DroppedQos2Id = -1;
                        broker.Sent(c.Connection, packet.Size, now);
                        AckToEngine(c, 0x70, id);
                        return Consumed;
                    }
                    int p = SnHeader.Write(c.Buffer, 0, SnMessageType.PubRel, 2);
                    Wire.WriteUInt16(c.Buffer, p, id);
                    Await(c, p + 2, SnMessageType.PubComp, id);
                    return Consume;
                case 7:
                    SendMsgId(c.Address, SnMessageType.PubComp, id);
                    return Consume;
                case 9:
                    int granted = packet.Reason;
                    SendSubAck(c.Address, SnFlags.QosBits(granted < 3 ? granted : 0), id == c.SubscribeMsgId ? c.SubscribeTopicId : 0, id,
                        granted < 0x80 ? SnFlags.Accepted : granted == 0x97 ? SnFlags.RejectedCongestion : SnFlags.RejectedNotSupported);
                    return Consume;
                case 11:
                    SendMsgId(c.Address, SnMessageType.UnsubAck, id);
                    return Consume;
                default:
                    // PINGRESP to the gateway's own PINGREQ, DISCONNECT before a close: nothing for the client.
                    return Consume;
            }
        }

        // PUBACK (section 5.4.13, with the topic id of the PUBLISH it acknowledges) or PUBREC for the client's PUBLISH.
        private int Acknowledge(SnClient c, int type, int id, int reason)
        {
            if (type == 4)
            {
                SendIdAck(c.Address, SnMessageType.PubAck, id == c.PublishMsgId ? c.PublishTopicId : 0, id, reason < 0x80 ? SnFlags.Accepted : SnFlags.RejectedNotSupported);
            }
            else
            {
                SendMsgId(c.Address, SnMessageType.PubRec, id);
            }
            return Consume;
        }

        // The engine may write the messages a client's PUBLISH routes back to it before its acknowledgement; the client
        // gets the PUBACK or PUBREC first, as from mosquitto behind Paho's gateway (Paho's pub0sub1 sample waits for
        // PUBACK before it reads anything else). The acknowledgement is found further in the outbox and sent now.
        private void AcknowledgeFirst(SnClient c, byte[] b)
        {
            if (c.PublishMsgId < 0 || c.EarlyAckId >= 0)
            {
                return;
            }
            Outbox outbox = c.Connection.Outbox;
            int at = outbox.Start + packet.Size;
            int end = outbox.Start + outbox.Sendable;
            while (at < end && ahead.Read(b, at, end - at))
            {
                if ((ahead.Type == 4 || ahead.Type == 5) && ahead.PacketId == c.PublishMsgId)
                {
                    Acknowledge(c, ahead.Type, ahead.PacketId, ahead.Reason);
                    c.EarlyAckId = ahead.PacketId;
                    break;
                }
                at += ahead.Size;
            }
        }

        // A PUBLISH to the client: by the id registered for this client (by either side), else a predefined one by its
        // id, else a two-byte topic as a short topic name; any other is registered first (REGISTER, then the PUBLISH
        // once REGACK arrives: the packet stays in the outbox until then).
        private int DeliverPublish(SnClient c, byte[] b)
        {
            int idType = SnFlags.NormalTopic;
            int topicId = c.Topics.Find(b, packet.TopicStart, packet.TopicLength);
            if (topicId == 0)
            {
                idType = SnFlags.PredefinedTopic;
                topicId = predefined.Find(b, packet.TopicStart, packet.TopicLength);
            }
            if (topicId < 0 && packet.TopicLength == 2)
            {
                idType = SnFlags.ShortTopic;
                topicId = SnHeader.ReadUInt16(b, packet.TopicStart);
            }
            else if (topicId < 0)
            {
                idType = SnFlags.NormalTopic;
                int registerBytes = 4 + packet.TopicLength;
                topicId = SnHeader.Size(registerBytes) + registerBytes <= c.Buffer.Length ? c.Topics.Register(b, packet.TopicStart, packet.TopicLength) : 0;
                if (topicId == 0)
                {
                    Warn("mqttsn: no topic id left for a message to " + SnAddress.ToText(c.Address) + " (mqttsn_topic_ids, mqttsn_topic_bytes): dropped");
                    return DropForClient(c);
                }
                // Section 6.10: REGISTER (TopicId, MsgId, TopicName) before the first PUBLISH on the topic.
                int p = SnHeader.Write(c.Buffer, 0, SnMessageType.Register, registerBytes);
                Wire.WriteUInt16(c.Buffer, p, topicId);
                int msgId = c.NextMsgId;
                c.NextMsgId = msgId == 65535 ? 1 : msgId + 1;
                Wire.WriteUInt16(c.Buffer, p + 2, msgId);
                System.Array.Copy(b, packet.TopicStart, c.Buffer, p + 4, packet.TopicLength);
                c.RegisteringId = topicId;
                Await(c, p + registerBytes, SnMessageType.RegAck, msgId);
                return Wait;
            }
            int bodyBytes = 5 + packet.PayloadLength;
            if (SnHeader.Size(bodyBytes) + bodyBytes > c.Buffer.Length)
            {
                Warn("mqttsn: a message of " + packet.PayloadLength + " bytes does not fit mqttsn_datagram_bytes (" + c.Buffer.Length + "): dropped");
                return DropForClient(c);
            }
            int qos = packet.Qos;
            byte[] into = qos == 0 ? output : c.Buffer;
            int at = SnHeader.Write(into, 0, SnMessageType.Publish, bodyBytes);
            into[at] = (byte)(SnFlags.QosBits(qos) | (packet.Retain ? SnFlags.Retain : 0) | idType);
            Wire.WriteUInt16(into, at + 1, topicId);
            Wire.WriteUInt16(into, at + 3, packet.PacketId);
            System.Array.Copy(b, packet.PayloadStart, into, at + 5, packet.PayloadLength);
            if (qos == 0)
            {
                Send(c.Address, at + bodyBytes);
            }
            else
            {
                Await(c, at + bodyBytes, qos == 1 ? SnMessageType.PubAck : SnMessageType.PubRec, packet.PacketId);
            }
            return Consume;
        }

        // A message the client cannot be sent: taken out of the outbox and acknowledged to the engine, counted.
        private int DropForClient(SnClient c)
        {
            CountDropped();
            int qos = packet.Qos;
            int id = packet.PacketId;
            broker.Sent(c.Connection, packet.Size, now);
            if (qos == 1)
            {
                AckToEngine(c, 0x40, id);
            }
            else if (qos == 2)
            {
                c.DroppedQos2Id = id;
                AckToEngine(c, 0x50, id);
            }
            return Consumed;
        }

        // The message in the client's buffer is sent and awaits <paramref name="type"/> with <paramref name="msgId"/>.
        private void Await(SnClient c, int length, byte type, int msgId)
        {
            c.BufferLength = length;
            c.Awaiting = type;
            c.AwaitingMsgId = msgId;
            c.Retries = 0;
            c.NextRetryMs = now + options.RetryMs;
            if (c.State != SnClientState.Asleep)
            {
                Stats.DatagramsSent++;
                sink.Send(c.Address, c.Buffer, 0, length);
            }
        }

        // Sends the awaited message again; a PUBLISH goes with DUP set (section 5.3.4).
        private void Resend(SnClient c)
        {
            int t = c.Buffer[0] == 0x01 ? 3 : 1;
            if (c.Buffer[t] == SnMessageType.Publish)
            {
                c.Buffer[t + 1] |= SnFlags.Dup;
            }
            Stats.DatagramsSent++;
            sink.Send(c.Address, c.Buffer, 0, c.BufferLength);
        }

        // REGACK (section 5.4.11) for the gateway's REGISTER: accepted, the PUBLISH waiting in the outbox goes next
        // (Drain); refused, that message is dropped for this client and the id forgotten.
        private bool OnRegAck(SnClient c, byte[] b, int body, int end)
        {
            if (end - body != 5)
            {
                return false;
            }
            int msgId = SnHeader.ReadUInt16(b, body + 2);
            if (c.Awaiting != SnMessageType.RegAck || c.AwaitingMsgId != msgId)
            {
                return true;
            }
            c.Awaiting = 0;
            if (b[body + 4] != SnFlags.Accepted)
            {
                c.Topics.DropLast(c.RegisteringId);
                Connection conn = c.Connection;
                if (conn.Outbox.Sendable > 0 && packet.Read(conn.Outbox.Buffer, conn.Outbox.Start, conn.Outbox.Sendable) && packet.Type == 3)
                {
                    DropForClient(c);
                }
            }
            return true;
        }
    }
}
