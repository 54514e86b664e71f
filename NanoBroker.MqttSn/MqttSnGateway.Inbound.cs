using NanoBroker.Protocol;
using NanoBroker.Sessions;

namespace NanoBroker.MqttSn
{
    // What a client sends the broker: REGISTER (section 6.5), PUBLISH at QoS 0, 1, 2 (section 6.6) and -1 (section 6.8),
    // the acknowledgements of the gateway's messages (section 6.10), SUBSCRIBE and UNSUBSCRIBE (section 6.9).
    public sealed partial class MqttSnGateway
    {
        // Set by Topic: where the resolved topic name is.
        private byte[] topicBuffer;
        private int topicStart;
        private int topicLength;

        /// <summary>The client id of the engine connection that carries PUBLISH QoS -1 (section 6.8), which has no client.</summary>
        public const string QosMinusOneClientId = "mqttsn-qos-1";
        private readonly byte[] qosMinusOneId;
        private Connection qosMinusOne;
        private long qosMinusOneLastMs;

        // REGISTER (section 5.4.10): TopicId 0x0000, MsgId, TopicName → REGACK with the topic id.
        private bool OnRegister(SnClient c, byte[] b, int body, int end)
        {
            if (end - body < 5)
            {
                return false;
            }
            int msgId = SnHeader.ReadUInt16(b, body + 2);
            int length = end - body - 4;
            if (!TopicSyntax.IsValidName(b, body + 4, length))
            {
                SendIdAck(c.Address, SnMessageType.RegAck, 0, msgId, SnFlags.RejectedNotSupported);
                return true;
            }
            int id = c.Topics.Register(b, body + 4, length);
            SendIdAck(c.Address, SnMessageType.RegAck, id, msgId, id == 0 ? SnFlags.RejectedCongestion : SnFlags.Accepted);
            return true;
        }

        // Resolves a PUBLISH's or SUBSCRIBE's topic by its TopicIdType; false: an unknown id (section 6.7) or a short
        // topic name that is no valid topic name. Registered and predefined names were checked when they were stored.
        private bool Topic(SnClient c, int idType, int id, byte[] b, int idAt)
        {
            switch (idType)
            {
                case SnFlags.NormalTopic:
                    if (c == null || !c.Topics.Has(id))
                    {
                        return false;
                    }
                    topicBuffer = c.Topics.Names;
                    topicStart = c.Topics.Start(id);
                    topicLength = c.Topics.Length(id);
                    return true;
                case SnFlags.PredefinedTopic:
                    topicBuffer = predefined.Name(id);
                    topicStart = 0;
                    topicLength = topicBuffer == null ? 0 : topicBuffer.Length;
                    return topicBuffer != null;
                case SnFlags.ShortTopic:
                    topicBuffer = b;
                    topicStart = idAt;
                    topicLength = 2;
                    return TopicSyntax.IsValidName(b, idAt, 2);
                default:
                    return false;
            }
        }

        // PUBLISH (section 5.4.12): Flags, TopicId, MsgId, Data.
        private bool OnPublish(SnClient c, byte[] b, int body, int end)
        {
            if (end - body < 5)
            {
                return false;
            }
            byte flags = b[body];
            int qos = SnFlags.Qos(flags);
            int topicId = SnHeader.ReadUInt16(b, body + 1);
            int msgId = SnHeader.ReadUInt16(b, body + 3);
            if (qos > 0 && msgId == 0)
            {
                return false;
            }
            // Section 6.6: an unknown topic id is answered PUBACK "rejected: invalid topic ID", whatever the QoS.
            if (!Topic(c, flags & SnFlags.TopicIdTypeMask, topicId, b, body + 1))
            {
                SendIdAck(c.Address, SnMessageType.PubAck, topicId, msgId, SnFlags.RejectedInvalidTopicId);
                return true;
            }
            if (qos > 0)
            {
                c.PublishMsgId = msgId;
                c.PublishTopicId = topicId;
            }
            Connection conn = c.Connection;
            int size = EnginePackets.Publish(conn.ReceiveBuffer, conn.ReceiveOffset, conn.ReceiveSpace, topicBuffer, topicStart, topicLength, qos,
                (flags & SnFlags.Retain) != 0, (flags & SnFlags.Dup) != 0, msgId, b, body + 5, end - body - 5);
            if (size < 0)
            {
                // No room in the engine now (it holds this client back): QoS 1/2 come again (section 6.13), QoS 0 is lost.
                CountDropped();
                return true;
            }
            ToEngine(c, size);
            return true;
        }

        // PUBLISH QoS -1 (section 6.8): no connection, a predefined topic id or a short topic name; published at QoS 0
        // through one engine connection of the gateway's own (QosMinusOneClientId), opened when first needed.
        private bool OnPublishQosMinusOne(byte[] b, int body, int end)
        {
            int idType = b[body] & SnFlags.TopicIdTypeMask;
            if ((idType != SnFlags.PredefinedTopic && idType != SnFlags.ShortTopic) || !Topic(null, idType, SnHeader.ReadUInt16(b, body + 1), b, body + 1))
            {
                CountDropped();
                return true;
            }
            if (qosMinusOne == null)
            {
                qosMinusOne = broker.Open(now);
                if (qosMinusOne == null)
                {
                    CountDropped();
                    return true;
                }
                int connect = EnginePackets.Connect(qosMinusOne.ReceiveBuffer, qosMinusOne.ReceiveOffset, qosMinusOne.ReceiveSpace, qosMinusOneId, qosMinusOneId.Length, true,
                    null, 0, 0, null, 0, 0, 0, false, user, password);
                broker.Received(qosMinusOne, connect, now);
                qosMinusOneLastMs = now;
                DrainQosMinusOne();
            }
            Connection conn = qosMinusOne;
            int size = conn == null ? -1 : EnginePackets.Publish(conn.ReceiveBuffer, conn.ReceiveOffset, conn.ReceiveSpace, topicBuffer, topicStart, topicLength, 0,
                (b[body] & SnFlags.Retain) != 0, false, 0, b, body + 5, end - body - 5);
            if (size < 0)
            {
                CountDropped();
                return true;
            }
            broker.Received(conn, size, now);
            qosMinusOneLastMs = now;
            DrainQosMinusOne();
            return true;
        }

        // The QoS -1 connection reads nothing: what the engine writes it (CONNACK, PINGRESP) is discarded.
        private void DrainQosMinusOne()
        {
            Connection conn = qosMinusOne;
            if (conn == null)
            {
                return;
            }
            if (conn.Outbox.Sendable > 0)
            {
                broker.Sent(conn, conn.Outbox.Sendable, now);
            }
            if (conn.IsClosing)
            {
                // Refused (access rules) or taken over: closed; opened again for the next QoS -1 message.
                broker.Closed(conn, now);
                qosMinusOne = null;
            }
        }

        private void KeepQosMinusOneAlive()
        {
            KeepEngineAlive(qosMinusOne, null);
            DrainQosMinusOne();
        }

        // PUBACK, PUBREC, PUBCOMP (sections 5.4.13, 5.4.14): the client acknowledges the gateway's PUBLISH or PUBREL; the
        // engine gets the MQTT acknowledgement (a PUBACK "invalid topic ID" too: the message ends there, section 6.10).
        private bool OnAcknowledged(SnClient c, byte[] b, int body, int end, byte type, byte mqttFirst)
        {
            int at = type == SnMessageType.PubAck ? body + 2 : body;
            if (end - at != (type == SnMessageType.PubAck ? 3 : 2))
            {
                return false;
            }
            int msgId = SnHeader.ReadUInt16(b, at);
            if (c.Awaiting != type || c.AwaitingMsgId != msgId)
            {
                // A duplicate (the gateway resent before the first acknowledgement came): already passed on.
                return true;
            }
            c.Awaiting = 0;
            AckToEngine(c, mqttFirst, msgId);
            return true;
        }

        // PUBREL (section 5.4.14) for the client's QoS 2 PUBLISH: passed on; the engine's PUBCOMP comes back.
        private bool OnPubRel(SnClient c, byte[] b, int body, int end)
        {
            if (end - body != 2)
            {
                return false;
            }
            AckToEngine(c, 0x62, SnHeader.ReadUInt16(b, body));
            return true;
        }

        private void AckToEngine(SnClient c, byte first, int packetId)
        {
            Connection conn = c.Connection;
            int size = EnginePackets.Ack(conn.ReceiveBuffer, conn.ReceiveOffset, conn.ReceiveSpace, first, packetId);
            if (size < 0)
            {
                CountDropped();
                return;
            }
            ToEngine(c, size);
        }

        // SUBSCRIBE / UNSUBSCRIBE (sections 5.4.15, 5.4.17): Flags, MsgId, a topic name (wildcards allowed), a
        // predefined topic id or a short topic name. A name without wildcards is registered now and its id returned
        // in SUBACK (section 6.9); a predefined id not configured is answered SUBACK "invalid topic ID".
        private bool OnSubscribe(SnClient c, byte[] b, int body, int end, bool subscribe)
        {
            if (end - body < 4)
            {
                return false;
            }
            byte flags = b[body];
            int qos = SnFlags.Qos(flags);
            int msgId = SnHeader.ReadUInt16(b, body + 1);
            int idType = flags & SnFlags.TopicIdTypeMask;
            if (msgId == 0 || (subscribe && qos < 0) || (idType != SnFlags.NormalTopic && end - body != 5))
            {
                return false;
            }
            int topicId = 0;
            if (idType == SnFlags.NormalTopic)
            {
                topicBuffer = b;
                topicStart = body + 3;
                topicLength = end - body - 3;
                if (!TopicSyntax.IsValidFilter(b, topicStart, topicLength))
                {
                    return SubscribeRefused(c, subscribe, flags, 0, msgId, SnFlags.RejectedNotSupported);
                }
                if (subscribe && TopicSyntax.IsValidName(b, topicStart, topicLength))
                {
                    topicId = c.Topics.Register(b, topicStart, topicLength);
                    if (topicId == 0)
                    {
                        return SubscribeRefused(c, subscribe, flags, 0, msgId, SnFlags.RejectedCongestion);
                    }
                }
            }
            else
            {
                topicId = SnHeader.ReadUInt16(b, body + 3);
                if (!Topic(c, idType, topicId, b, body + 3))
                {
                    return SubscribeRefused(c, subscribe, flags, topicId, msgId, SnFlags.RejectedInvalidTopicId);
                }
            }
            Connection conn = c.Connection;
            int size = EnginePackets.Subscribe(conn.ReceiveBuffer, conn.ReceiveOffset, conn.ReceiveSpace, msgId, topicBuffer, topicStart, topicLength, subscribe ? qos : -1);
            if (size < 0)
            {
                CountDropped();
                return true;
            }
            if (subscribe)
            {
                c.SubscribeMsgId = msgId;
                c.SubscribeTopicId = topicId;
            }
            ToEngine(c, size);
            return true;
        }

        private bool SubscribeRefused(SnClient c, bool subscribe, byte flags, int topicId, int msgId, byte returnCode)
        {
            if (!subscribe)
            {
                // UNSUBACK has no return code (section 5.4.18): nothing was subscribed, so it is done.
                SendMsgId(c.Address, SnMessageType.UnsubAck, msgId);
                return true;
            }
            SendSubAck(c.Address, (byte)(flags & SnFlags.QosMask), topicId, msgId, returnCode);
            return true;
        }

        private void SendSubAck(long address, byte flags, int topicId, int msgId, byte returnCode)
        {
            int p = SnHeader.Write(output, 0, SnMessageType.SubAck, 6);
            output[p] = flags;
            Wire.WriteUInt16(output, p + 1, topicId);
            Wire.WriteUInt16(output, p + 3, msgId);
            output[p + 5] = returnCode;
            Send(address, p + 6);
        }

        // The packet written at the connection's receive offset goes to the engine.
        private void ToEngine(SnClient c, int size)
        {
            c.LastToEngineMs = now;
            broker.Received(c.Connection, size, now);
        }
    }
}
