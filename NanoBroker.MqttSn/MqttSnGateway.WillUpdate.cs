using NanoBroker.Protocol;
using NanoBroker.Sessions;

namespace NanoBroker.MqttSn
{
    // WILLTOPICUPD and WILLMSGUPD (sections 5.4.22-5.4.25, 6.4). The will the engine holds came with the MQTT CONNECT,
    // and MQTT cannot change it within a connection; so the gateway keeps a copy of the client's will (its topic and
    // message, packed in SnClient.Will) and, once the client has updated it, publishes the updated one itself when the
    // client is lost: a PUBLISH of the will on the client's own engine connection (its user's write rules apply, and
    // the routing and retained store are the engine's), then DISCONNECT, which discards the engine's original.
    public sealed partial class MqttSnGateway
    {
        // The packet id of the updated will's PUBLISH at QoS 1/2 (the connection ends right after it).
        private const int WillPacketId = 65535;

        // Keeps the will of CONNECT for later updates (when topic and message fit the copy together).
        private static void KeepWill(SnClient c, byte[] topic, int topicLength, byte[] message, int messageStart, int messageLength)
        {
            c.WillChanged = false;
            c.WillKept = topicLength + messageLength <= c.Will.Length;
            c.WillTopicLength = c.WillKept ? topicLength : 0;
            c.WillMessageLength = c.WillKept ? messageLength : 0;
            if (c.WillKept && topicLength > 0)
            {
                System.Array.Copy(topic, 0, c.Will, 0, topicLength);
                System.Array.Copy(message, messageStart, c.Will, topicLength, messageLength);
            }
        }

        // WILLTOPICUPD (section 5.4.22): Flags and WillTopic; empty, the will is deleted.
        private bool OnWillTopicUpdate(SnClient c, byte[] b, int body, int end)
        {
            byte code = SnFlags.Accepted;
            if (end == body)
            {
                c.WillTopicLength = 0;
                c.WillMessageLength = 0;
            }
            else
            {
                int length = end - body - 1;
                int qos = SnFlags.Qos(b[body]);
                if (qos < 0 || length < 1)
                {
                    return false;
                }
                if (!c.WillKept || !TopicSyntax.IsValidName(b, body + 1, length))
                {
                    code = SnFlags.RejectedNotSupported;
                }
                else if (length + c.WillMessageLength > c.Will.Length)
                {
                    code = SnFlags.RejectedCongestion;
                }
                else
                {
                    Move(c.Will, c.WillTopicLength, length, c.WillMessageLength);
                    System.Array.Copy(b, body + 1, c.Will, 0, length);
                    c.WillTopicLength = length;
                    c.WillQos = qos;
                    c.WillRetain = (b[body] & SnFlags.Retain) != 0;
                }
            }
            c.WillChanged |= code == SnFlags.Accepted;
            return WillResponse(c, SnMessageType.WillTopicResp, code);
        }

        // WILLMSGUPD (section 5.4.23): the will's new message.
        private bool OnWillMessageUpdate(SnClient c, byte[] b, int body, int end)
        {
            byte code = SnFlags.Accepted;
            if (!c.WillKept)
            {
                code = SnFlags.RejectedNotSupported;
            }
            else if (c.WillTopicLength + end - body > c.Will.Length)
            {
                code = SnFlags.RejectedCongestion;
            }
            else
            {
                System.Array.Copy(b, body, c.Will, c.WillTopicLength, end - body);
                c.WillMessageLength = end - body;
                c.WillChanged = true;
            }
            return WillResponse(c, SnMessageType.WillMsgResp, code);
        }

        // Moves count bytes within one array, the ranges possibly overlapping (no reliance on Array.Copy's handling of that).
        private static void Move(byte[] b, int from, int to, int count)
        {
            if (to > from)
            {
                for (int i = count - 1; i >= 0; i--)
                {
                    b[to + i] = b[from + i];
                }
            }
            else
            {
                for (int i = 0; i < count; i++)
                {
                    b[to + i] = b[from + i];
                }
            }
        }

        private bool WillResponse(SnClient c, byte type, byte code)
        {
            int p = SnHeader.Write(output, 0, type, 1);
            output[p] = code;
            Send(c.Address, p + 1);
            return true;
        }

        // The client is lost with an updated will: the gateway publishes it and ends the connection with DISCONNECT.
        // False when the engine's own will stands (not updated, or no room in the engine now: then it closes as lost).
        private bool PublishUpdatedWill(SnClient c)
        {
            Connection conn = c.Connection;
            if (!c.WillChanged || conn == null || conn.IsClosing)
            {
                return false;
            }
            if (c.WillTopicLength > 0)
            {
                int size = EnginePackets.Publish(conn.ReceiveBuffer, conn.ReceiveOffset, conn.ReceiveSpace, c.Will, 0, c.WillTopicLength, c.WillQos,
                    c.WillRetain, false, WillPacketId, c.Will, c.WillTopicLength, c.WillMessageLength);
                if (size < 0)
                {
                    return false;
                }
                broker.Received(conn, size, now);
            }
            int disconnect = EnginePackets.Empty(conn.ReceiveBuffer, conn.ReceiveOffset, conn.ReceiveSpace, 0xE0);
            if (disconnect > 0 && !conn.IsClosing)
            {
                broker.Received(conn, disconnect, now);
            }
            return true;
        }
    }
}
