using NanoBroker.Protocol;
using NanoBroker.Sessions;

namespace NanoBroker.MqttSn
{
    // WILLTOPICUPD and WILLMSGUPD (sections 5.4.22-5.4.25, 6.4). MQTT cannot change a will within a connection, so the
    // engine takes the new one through Broker.ReplaceWill: it then stands as CONNECT's would wherever the engine
    // publishes a will (the client lost, its session ended), journaled like it, so a restart keeps it too. Each update
    // changes the topic or the message alone, so the gateway keeps a copy of both (SnClient.Will) to hand the engine
    // the whole will.
    public sealed partial class MqttSnGateway
    {
        // Keeps the will of CONNECT for later updates (when topic and message fit the copy together).
        private static void KeepWill(SnClient c, byte[] topic, int topicLength, byte[] message, int messageStart, int messageLength)
        {
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
                broker.ReplaceWill(c.Connection, b, body, 0, b, body, 0, 0, false, now);
                c.WillTopicLength = 0;
                c.WillMessageLength = 0;
            }
            else
            {
                int length = end - body - 1;
                int qos = SnFlags.Qos(b[body]);
                bool retain = (b[body] & SnFlags.Retain) != 0;
                if (qos < 0 || length < 1)
                {
                    return false;
                }
                if (!c.WillKept || !TopicSyntax.IsValidName(b, body + 1, length))
                {
                    code = SnFlags.RejectedNotSupported;
                }
                else if (length + c.WillMessageLength > c.Will.Length
                    || !broker.ReplaceWill(c.Connection, b, body + 1, length, c.Will, c.WillTopicLength, c.WillMessageLength, qos, retain, now))
                {
                    code = SnFlags.RejectedCongestion;
                }
                else
                {
                    Move(c.Will, c.WillTopicLength, length, c.WillMessageLength);
                    System.Array.Copy(b, body + 1, c.Will, 0, length);
                    c.WillTopicLength = length;
                    c.WillQos = qos;
                    c.WillRetain = retain;
                }
            }
            return WillResponse(c, SnMessageType.WillTopicResp, code);
        }

        // WILLMSGUPD (section 5.4.23): the will's new message (of no will while the client has deleted it).
        private bool OnWillMessageUpdate(SnClient c, byte[] b, int body, int end)
        {
            byte code = SnFlags.Accepted;
            if (!c.WillKept)
            {
                code = SnFlags.RejectedNotSupported;
            }
            else if (c.WillTopicLength + end - body > c.Will.Length
                || (c.WillTopicLength > 0 && !broker.ReplaceWill(c.Connection, c.Will, 0, c.WillTopicLength, b, body, end - body, c.WillQos, c.WillRetain, now)))
            {
                code = SnFlags.RejectedCongestion;
            }
            else
            {
                System.Array.Copy(b, body, c.Will, c.WillTopicLength, end - body);
                c.WillMessageLength = end - body;
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
    }
}
