using System.Collections;

namespace NanoBroker.Tests.Engine
{
    /// <summary>
    /// What an independent reading of MQTT 3.1.1 (written from the specification, not from the engine)
    /// says the broker must do with one client's byte stream: nothing (every packet valid), close it
    /// without a reply at a malformed packet or protocol violation, refuse the CONNECT with a CONNACK
    /// code, or end it at a DISCONNECT.
    /// </summary>
    public sealed class StreamVerdict
    {
        public const int None = 0;
        public const int Bad = 1;
        public const int Refuse = 2;
        public const int Disconnect = 3;

        /// <summary>The first event that ends the connection, or <see cref="None"/>.</summary>
        public int Kind;

        /// <summary>Stream offset of the packet of that event.</summary>
        public int StartAt = -1;

        /// <summary>Bytes the broker must have received before it can see the event.</summary>
        public int EndAt = -1;

        /// <summary>The CONNACK code of a <see cref="Refuse"/>.</summary>
        public int RefuseCode = -1;

        /// <summary>The CONNECT names MQTT 3.1 ("MQIsdp"): its SUBACK has no failure code.</summary>
        public bool IsMqtt31;

        /// <summary>Why, with the MQTT statement.</summary>
        public string Why;

        /// <summary>True when Bad is a broker limit (a documented setting), not a statement of MQTT.</summary>
        public bool IsLimit;

        /// <summary>The CONNECT is well formed and its identifier acceptable: CONNACK 0, or 3 when the broker is full.</summary>
        public bool ConnectAcceptable;

        public int ConnectEnd = -1;
        public byte[] ClientId;
        public bool CleanSession;

        /// <summary>Topics this stream may leave a retained message on (retained PUBLISH, retained will).</summary>
        public readonly ArrayList RetainedTopics = new ArrayList();

        /// <summary>Complete packets read before the event.</summary>
        public int Packets;

        /// <summary>The session outlives the connection (3.1.1: clean session 0; 5.0: a Session Expiry Interval above 0).</summary>
        public bool Persistent;

        /// <summary>The stream is read as MQTT 5.0 (<see cref="FuzzValidator5"/>).</summary>
        public bool IsV5;

        /// <summary>5.0, Bad: the DISCONNECT Reason Codes the broker may send before it closes.</summary>
        public int[] Reasons;

        /// <summary>5.0, Bad: the packet is the CONNECT (no DISCONNECT before CONNACK; a CONNACK 0x80 or above may come [MQTT-3.1.4-2]).</summary>
        public bool BeforeConnAck;

        /// <summary>5.0, Refuse: a second CONNACK code the specification allows for it, or -1.</summary>
        public int RefuseCodeAlternative = -1;

        /// <summary>5.0: an acceptable CONNECT the server may still refuse with this code (an empty client id: 0x85), or -1.</summary>
        public int MayRefuseCode = -1;

        /// <summary>5.0, Disconnect: the DISCONNECT carries what a server may also answer as a protocol error.</summary>
        public bool DisconnectMayBeRefused;

        /// <summary>
        /// 5.0: packets before the event that a server may take or refuse, where the specification forbids the sender
        /// to send them but names no duty of the receiver: each an int[] { start, end, allowed reason codes... }.
        /// </summary>
        public readonly ArrayList MayEndAt = new ArrayList();

        /// <summary>
        /// The end of the first of <see cref="MayEndAt"/> the broker has seen all of (<paramref name="delivered"/> bytes),
        /// or -1; <paramref name="reasons"/>: the reason codes of all of them seen (the broker may stop at any).
        /// </summary>
        public int OptionalEndSeen(int delivered, out int[] reasons)
        {
            int first = -1;
            int count = 0;
            int[] all = new int[64];
            for (int i = 0; i < MayEndAt.Count; i++)
            {
                int[] e = (int[])MayEndAt[i];
                if (e[1] > delivered)
                {
                    continue;
                }
                if (first < 0)
                {
                    first = e[1];
                }
                for (int k = 2; k < e.Length && count < all.Length; k++)
                {
                    all[count++] = e[k];
                }
            }
            reasons = new int[count];
            System.Array.Copy(all, reasons, count);
            return first;
        }

        /// <summary>5.0: the Session Expiry Interval of the CONNECT (0 when absent).</summary>
        public long SessionExpiry;

        /// <summary>5.0: the client's Topic Alias Maximum (0: the broker may use none) and Maximum Packet Size (0: none).</summary>
        public int ClientTopicAliasMaximum;

        public int ClientMaxPacketSize;

        internal StreamVerdict End(int kind, int startAt, int endAt, string why)
        {
            Kind = kind;
            StartAt = startAt;
            EndAt = endAt;
            Why = why;
            return this;
        }

        public string KindText
        {
            get
            {
                switch (Kind)
                {
                    case Bad: return (IsLimit ? "limit" : "invalid") + (Reasons != null ? " (DISCONNECT " + ReasonsText + ")" : "");
                    case Refuse: return "refuse " + RefuseCode;
                    case Disconnect: return "disconnect";
                    default: return "valid";
                }
            }
        }

        /// <summary>The allowed reason codes as hex, for messages.</summary>
        public string ReasonsText
        {
            get
            {
                string text = "";
                for (int i = 0; Reasons != null && i < Reasons.Length; i++)
                {
                    text += (i > 0 ? "/" : "") + "0x" + Reasons[i].ToString("X2");
                }
                return BeforeConnAck ? text + " or none before CONNACK" : text;
            }
        }

        /// <summary>True when <paramref name="code"/> is one of <see cref="Reasons"/>.</summary>
        public bool Allows(int code)
        {
            for (int i = 0; Reasons != null && i < Reasons.Length; i++)
            {
                if (Reasons[i] == code)
                {
                    return true;
                }
            }
            return false;
        }
    }

    /// <summary>
    /// A small MQTT 3.1.1 validator of client-to-server streams, for the fuzzer: it judges each complete
    /// packet in order and stops at the first that ends the connection. Rules the specification leaves
    /// to the server (DUP on QoS 0, non-minimal length encodings, Unicode non-characters, acknowledgements
    /// of unknown identifiers) count as valid. One broker limit also ends a connection: MaxPacketSize (README,
    /// "Settings and their limits"). More QoS 2 messages awaiting PUBREL than InflightWindow do not: the broker
    /// holds such a client back, so they are valid here.
    /// </summary>
    public static class FuzzValidator
    {
        public static StreamVerdict Judge(byte[] s, int length, int maxPacketSize, int maxClientIdBytes)
        {
            return Judge(s, length, maxPacketSize, maxClientIdBytes, null);
        }

        /// <summary>
        /// As above; with <paramref name="v5"/> (the broker takes MQTT 5.0 and announces these limits) a stream whose
        /// CONNECT is level 5 is read as 5.0 by <see cref="FuzzValidator5"/>.
        /// </summary>
        public static StreamVerdict Judge(byte[] s, int length, int maxPacketSize, int maxClientIdBytes, V5Limits v5)
        {
            if (v5 != null && FuzzValidator5.IsV5Connect(s, length))
            {
                return FuzzValidator5.Judge(s, length, v5);
            }
            StreamVerdict v = new StreamVerdict();
            bool connected = false;
            int p = 0;
            while (length - p >= 2)
            {
                int start = p;
                int first = s[p];
                int type = first >> 4;
                int flags = first & 0x0F;
                int value = 0;
                int multiplier = 1;
                int n = 0;
                bool complete = false;
                while (n < 4 && p + 1 + n < length)
                {
                    int digit = s[p + 1 + n];
                    n++;
                    value += (digit & 0x7F) * multiplier;
                    multiplier *= 128;
                    if ((digit & 0x80) == 0)
                    {
                        complete = true;
                        break;
                    }
                }
                if (!complete)
                {
                    if (n == 4)
                    {
                        return v.End(StreamVerdict.Bad, start, start + 5, "remaining length longer than four bytes (section 2.2.3, malformed [MQTT-4.8.0-1])");
                    }
                    break;
                }
                int size = 1 + n + value;
                if (size > maxPacketSize)
                {
                    v.IsLimit = true;
                    return v.End(StreamVerdict.Bad, start, start + 1 + n, "packet of " + size + " bytes over MaxPacketSize (broker limit)");
                }
                if (length - p < size)
                {
                    break;
                }
                int body = p + 1 + n;
                int end = p + size;
                p = end;
                if (!connected)
                {
                    if (type != 1)
                    {
                        return v.End(StreamVerdict.Bad, start, end, "first packet is not CONNECT [MQTT-3.1.0-1]");
                    }
                    if (!JudgeConnect(s, flags, body, end, start, maxClientIdBytes, v))
                    {
                        return v;
                    }
                    v.Packets++;
                    connected = true;
                    continue;
                }
                string bad = null;
                int at = body;
                int id;
                switch (type)
                {
                    case 1:
                        bad = "second CONNECT [MQTT-3.1.0-2]";
                        break;
                    case 3:
                        int qos = (flags >> 1) & 0x03;
                        int topicStart, topicLength;
                        if (qos == 3)
                        {
                            bad = "PUBLISH with QoS 3 [MQTT-3.3.1-4]";
                        }
                        else if (!Field(s, ref at, end, out topicStart, out topicLength) || !IsTopicName(s, topicStart, topicLength))
                        {
                            bad = "PUBLISH topic missing or not a valid topic name [MQTT-3.3.2-1, MQTT-3.3.2-2, MQTT-4.7.3-1]";
                        }
                        else if (qos > 0 && (!UInt16(s, ref at, end, out id) || id == 0))
                        {
                            bad = "QoS 1/2 PUBLISH without a non-zero packet identifier [MQTT-2.3.1-1]";
                        }
                        else
                        {
                            if ((flags & 0x01) != 0 && end > at)
                            {
                                v.RetainedTopics.Add(Slice(s, topicStart, topicLength));
                            }
                        }
                        break;
                    case 4:
                    case 5:
                    case 6:
                    case 7:
                        if (flags != (type == 6 ? 0x02 : 0x00))
                        {
                            bad = "acknowledgement with reserved flags other than " + (type == 6 ? "0010 [MQTT-3.6.1-1]" : "0000 [MQTT-2.2.2-2]");
                        }
                        else if (end - body != 2)
                        {
                            bad = "acknowledgement with a remaining length other than 2 (sections 3.4.1, 3.5.1, 3.6.1, 3.7.1)";
                        }
                        break;
                    case 8:
                        bad = JudgeSubscribe(s, flags, body, end, true);
                        break;
                    case 10:
                        bad = JudgeSubscribe(s, flags, body, end, false);
                        break;
                    case 12:
                    case 14:
                        if (flags != 0)
                        {
                            bad = "reserved flags other than 0000 [MQTT-2.2.2-2]";
                        }
                        else if (end != body)
                        {
                            bad = (type == 12 ? "PINGREQ" : "DISCONNECT") + " with a remaining length other than 0 (sections 3.12.1, 3.14.1)";
                        }
                        else if (type == 14)
                        {
                            v.Packets++;
                            return v.End(StreamVerdict.Disconnect, start, end, "DISCONNECT [MQTT-3.14.4-1]");
                        }
                        break;
                    default:
                        bad = "packet type " + type + " is not sent by a client (section 2.2.1) [MQTT-4.8.0-1]";
                        break;
                }
                if (bad != null)
                {
                    return v.End(StreamVerdict.Bad, start, end, bad);
                }
                v.Packets++;
            }
            return v;
        }

        // False when the CONNECT ends the stream (Bad or Refuse recorded in v).
        private static bool JudgeConnect(byte[] s, int flags, int p, int end, int start, int maxClientIdBytes, StreamVerdict v)
        {
            if (flags != 0)
            {
                v.End(StreamVerdict.Bad, start, end, "CONNECT reserved flags other than 0000 [MQTT-2.2.2-2, MQTT-3.1.4-1]");
                return false;
            }
            int nameStart, nameLength;
            if (!Field(s, ref p, end, out nameStart, out nameLength) || p >= end)
            {
                v.End(StreamVerdict.Bad, start, end, "CONNECT truncated before the protocol level [MQTT-3.1.4-1]");
                return false;
            }
            int level = s[p++];
            bool mqtt = Same(s, nameStart, nameLength, "MQTT");
            bool mqIsdp = Same(s, nameStart, nameLength, "MQIsdp");
            if (!mqtt && !mqIsdp)
            {
                v.End(StreamVerdict.Bad, start, end, "protocol name other than MQTT: the server may disconnect [MQTT-3.1.2-1]");
                return false;
            }
            v.IsMqtt31 = mqIsdp;
            if (level != (mqtt ? 4 : 3))
            {
                v.RefuseCode = 1;
                v.End(StreamVerdict.Refuse, start, end, "unsupported protocol level: CONNACK 1 [MQTT-3.1.2-2]");
                return false;
            }
            int keepAlive;
            if (p >= end)
            {
                v.End(StreamVerdict.Bad, start, end, "CONNECT truncated in its variable header [MQTT-3.1.4-1]");
                return false;
            }
            int connectFlags = s[p++];
            if (!UInt16(s, ref p, end, out keepAlive))
            {
                v.End(StreamVerdict.Bad, start, end, "CONNECT truncated in its variable header [MQTT-3.1.4-1]");
                return false;
            }
            bool will = (connectFlags & 0x04) != 0;
            int willQos = (connectFlags >> 3) & 0x03;
            bool willRetain = (connectFlags & 0x20) != 0;
            bool user = (connectFlags & 0x80) != 0;
            bool password = (connectFlags & 0x40) != 0;
            string bad = null;
            if ((connectFlags & 0x01) != 0)
            {
                bad = "CONNECT reserved flag set [MQTT-3.1.2-3]";
            }
            else if (!will && (willQos != 0 || willRetain))
            {
                bad = "will QoS or will retain without the will flag [MQTT-3.1.2-13, MQTT-3.1.2-15]";
            }
            else if (willQos == 3)
            {
                bad = "will QoS 3 [MQTT-3.1.2-14]";
            }
            else if (password && !user)
            {
                bad = "password flag without user name flag [MQTT-3.1.2-22]";
            }
            int idStart = 0, idLength = 0, f, fl;
            if (bad == null && (!Field(s, ref p, end, out idStart, out idLength) || !IsUtf8(s, idStart, idLength)))
            {
                bad = "client identifier missing or not UTF-8 [MQTT-3.1.3-3, MQTT-3.1.3-4, MQTT-1.5.3-1, MQTT-1.5.3-2]";
            }
            if (bad == null && will)
            {
                if (!Field(s, ref p, end, out f, out fl) || !IsTopicName(s, f, fl))
                {
                    bad = "will topic missing or not a topic name [MQTT-3.1.2-9, MQTT-3.1.3-10]";
                }
                else
                {
                    if (willRetain)
                    {
                        v.RetainedTopics.Add(Slice(s, f, fl));
                    }
                    if (!Field(s, ref p, end, out f, out fl))
                    {
                        bad = "will message missing [MQTT-3.1.2-9]";
                    }
                }
            }
            if (bad == null && user && (!Field(s, ref p, end, out f, out fl) || !IsUtf8(s, f, fl)))
            {
                bad = "user name missing or not UTF-8 [MQTT-3.1.2-19, MQTT-3.1.3-11]";
            }
            if (bad == null && password && !Field(s, ref p, end, out f, out fl))
            {
                bad = "password missing [MQTT-3.1.2-21]";
            }
            if (bad == null && p != end)
            {
                bad = "bytes after the fields the CONNECT flags announce [MQTT-3.1.4-1]";
            }
            if (bad != null)
            {
                v.End(StreamVerdict.Bad, start, end, bad);
                return false;
            }
            v.ConnectEnd = end;
            v.ClientId = Slice(s, idStart, idLength);
            v.CleanSession = (connectFlags & 0x02) != 0;
            v.Persistent = !v.CleanSession;
            if (idLength == 0 && (!v.CleanSession || level == 3))
            {
                v.RefuseCode = 2;
                v.End(StreamVerdict.Refuse, start, end, "empty client identifier without clean session: CONNACK 2 [MQTT-3.1.3-8]");
                return false;
            }
            if (idLength > maxClientIdBytes || (level == 3 && idLength > 23))
            {
                v.RefuseCode = 2;
                v.End(StreamVerdict.Refuse, start, end, "client identifier longer than the server allows: CONNACK 2 [MQTT-3.1.3-5, MQTT-3.1.3-9]");
                return false;
            }
            v.ConnectAcceptable = true;
            return true;
        }

        private static string JudgeSubscribe(byte[] s, int flags, int p, int end, bool subscribe)
        {
            string name = subscribe ? "SUBSCRIBE" : "UNSUBSCRIBE";
            if (flags != 0x02)
            {
                return name + " reserved flags other than 0010 " + (subscribe ? "[MQTT-3.8.1-1]" : "[MQTT-3.10.1-1]");
            }
            int id;
            if (!UInt16(s, ref p, end, out id) || id == 0)
            {
                return name + " without a non-zero packet identifier [MQTT-2.3.1-1]";
            }
            int filters = 0;
            while (p < end)
            {
                int start, length;
                if (!Field(s, ref p, end, out start, out length) || !IsTopicFilter(s, start, length))
                {
                    return name + " with a missing or invalid topic filter [MQTT-4.7.1-1, MQTT-4.7.1-2, MQTT-4.7.1-3, MQTT-4.7.3-1]";
                }
                if (subscribe)
                {
                    if (p >= end)
                    {
                        return "SUBSCRIBE filter without its requested QoS byte (section 3.8.3)";
                    }
                    int qos = s[p++];
                    if (qos > 2)
                    {
                        return "SUBSCRIBE requested QoS byte other than 0, 1, 2 [MQTT-3-8.3-4]";
                    }
                }
                filters++;
            }
            if (filters == 0)
            {
                return name + " without a topic filter " + (subscribe ? "[MQTT-3.8.3-3]" : "[MQTT-3.10.3-2]");
            }
            return null;
        }

        /// <summary>Well-formed UTF-8 (Unicode table 3-7: no overlongs, no surrogates, nothing above U+10FFFF) without U+0000 [MQTT-1.5.3-1, MQTT-1.5.3-2].</summary>
        public static bool IsUtf8(byte[] b, int offset, int count)
        {
            int i = offset;
            int end = offset + count;
            while (i < end)
            {
                int c = b[i];
                if (c == 0)
                {
                    return false;
                }
                if (c < 0x80)
                {
                    i++;
                    continue;
                }
                int need;
                int low = 0x80;
                int high = 0xBF;
                if (c >= 0xC2 && c <= 0xDF) { need = 1; }
                else if (c == 0xE0) { need = 2; low = 0xA0; }
                else if (c >= 0xE1 && c <= 0xEC) { need = 2; }
                else if (c == 0xED) { need = 2; high = 0x9F; }
                else if (c == 0xEE || c == 0xEF) { need = 2; }
                else if (c == 0xF0) { need = 3; low = 0x90; }
                else if (c >= 0xF1 && c <= 0xF3) { need = 3; }
                else if (c == 0xF4) { need = 3; high = 0x8F; }
                else { return false; }
                if (end - i <= need)
                {
                    return false;
                }
                if (b[i + 1] < low || b[i + 1] > high)
                {
                    return false;
                }
                for (int k = 2; k <= need; k++)
                {
                    if (b[i + k] < 0x80 || b[i + k] > 0xBF)
                    {
                        return false;
                    }
                }
                i += need + 1;
            }
            return true;
        }

        /// <summary>A topic name: at least one character [MQTT-4.7.3-1], no wildcard [MQTT-3.3.2-2, MQTT-4.7.1-1], UTF-8.</summary>
        public static bool IsTopicName(byte[] b, int offset, int count)
        {
            if (count == 0)
            {
                return false;
            }
            for (int i = offset; i < offset + count; i++)
            {
                if (b[i] == (byte)'+' || b[i] == (byte)'#')
                {
                    return false;
                }
            }
            return IsUtf8(b, offset, count);
        }

        /// <summary>A topic filter: level by level, '+' fills a whole level [MQTT-4.7.1-3], '#' a whole last level [MQTT-4.7.1-2].</summary>
        public static bool IsTopicFilter(byte[] b, int offset, int count)
        {
            if (count == 0 || !IsUtf8(b, offset, count))
            {
                return false;
            }
            int end = offset + count;
            int levelStart = offset;
            for (int i = offset; i <= end; i++)
            {
                if (i < end && b[i] != (byte)'/')
                {
                    continue;
                }
                int levelLength = i - levelStart;
                for (int k = levelStart; k < i; k++)
                {
                    if ((b[k] == (byte)'+' || b[k] == (byte)'#') && levelLength != 1)
                    {
                        return false;
                    }
                }
                if (levelLength == 1 && b[levelStart] == (byte)'#' && i != end)
                {
                    return false;
                }
                levelStart = i + 1;
            }
            return true;
        }

        // A two-byte-length field and a two-byte integer, read as the specification lays them out (section 1.5);
        // the 5.0 reading (FuzzValidator5) reads with them too.
        internal static bool Field(byte[] s, ref int p, int end, out int start, out int length)
        {
            start = 0;
            length = 0;
            if (end - p < 2)
            {
                return false;
            }
            length = (s[p] << 8) | s[p + 1];
            if (end - p - 2 < length)
            {
                return false;
            }
            start = p + 2;
            p = start + length;
            return true;
        }

        internal static bool UInt16(byte[] s, ref int p, int end, out int value)
        {
            value = 0;
            if (end - p < 2)
            {
                return false;
            }
            value = (s[p] << 8) | s[p + 1];
            p += 2;
            return true;
        }

        private static bool Same(byte[] s, int start, int length, string ascii)
        {
            if (length != ascii.Length)
            {
                return false;
            }
            for (int i = 0; i < length; i++)
            {
                if (s[start + i] != (byte)ascii[i])
                {
                    return false;
                }
            }
            return true;
        }

        public static byte[] Slice(byte[] s, int start, int length)
        {
            byte[] r = new byte[length];
            System.Array.Copy(s, start, r, 0, length);
            return r;
        }
    }
}
