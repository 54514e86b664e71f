using System.Collections;
using NanoBroker.Tests.Engine.Harness;

namespace NanoBroker.Tests.Engine
{
    /// <summary>
    /// What the broker tells a 5.0 client in CONNACK (and its settings a stream is judged by): the limits a 5.0 stream
    /// must keep. Read from a probe client's CONNACK, so the fuzzer follows what the engine announces as features land.
    /// </summary>
    public sealed class V5Limits
    {
        /// <summary>Maximum Packet Size (section 3.2.2.3.6): a larger packet is answered with DISCONNECT 0x95.</summary>
        public int MaxPacketSize;

        /// <summary>The longest client identifier the broker takes (MaxClientIdBytes; longer: CONNACK 0x85 [MQTT-3.1.3-5]).</summary>
        public int MaxClientIdBytes;

        /// <summary>Receive Maximum (section 3.2.2.3.3; absent: 65535) [MQTT-3.3.4-7].</summary>
        public int ReceiveMaximum = 65535;

        /// <summary>Topic Alias Maximum (section 3.2.2.3.8; absent: 0, no alias accepted) [MQTT-3.3.2-9].</summary>
        public int TopicAliasMaximum;

        /// <summary>Maximum QoS (section 3.2.2.3.4; absent: 2).</summary>
        public int MaximumQos = 2;

        /// <summary>Retain Available (section 3.2.2.3.5; absent: 1).</summary>
        public bool RetainAvailable = true;

        /// <summary>Wildcard Subscription Available (section 3.2.2.3.11; absent: 1).</summary>
        public bool WildcardsAvailable = true;

        /// <summary>Subscription Identifiers Available (section 3.2.2.3.12; absent: 1).</summary>
        public bool SubscriptionIdentifiersAvailable = true;

        /// <summary>Shared Subscription Available (section 3.2.2.3.13; absent: 1).</summary>
        public bool SharedAvailable = true;

        /// <summary>The limits a successful 5.0 CONNACK announces (section 3.2.2.3), read by the hand-written <see cref="V5Packet"/>.</summary>
        public static V5Limits FromConnAck(V5Packet connAck, int maxClientIdBytes)
        {
            V5Limits l = new V5Limits();
            V5ReceivedProperties p = connAck.Properties;
            l.MaxClientIdBytes = maxClientIdBytes;
            l.MaxPacketSize = p.Has(V5Property.MaximumPacketSize) ? (int)p.Number(V5Property.MaximumPacketSize) : 268435460;
            if (p.Has(V5Property.ReceiveMaximum)) l.ReceiveMaximum = (int)p.Number(V5Property.ReceiveMaximum);
            if (p.Has(V5Property.TopicAliasMaximum)) l.TopicAliasMaximum = (int)p.Number(V5Property.TopicAliasMaximum);
            if (p.Has(V5Property.MaximumQoS)) l.MaximumQos = (int)p.Number(V5Property.MaximumQoS);
            if (p.Has(V5Property.RetainAvailable)) l.RetainAvailable = p.Number(V5Property.RetainAvailable) != 0;
            if (p.Has(V5Property.WildcardSubscriptionAvailable)) l.WildcardsAvailable = p.Number(V5Property.WildcardSubscriptionAvailable) != 0;
            if (p.Has(V5Property.SubscriptionIdentifierAvailable)) l.SubscriptionIdentifiersAvailable = p.Number(V5Property.SubscriptionIdentifierAvailable) != 0;
            if (p.Has(V5Property.SharedSubscriptionAvailable)) l.SharedAvailable = p.Number(V5Property.SharedSubscriptionAvailable) != 0;
            return l;
        }
    }

    /// <summary>
    /// The MQTT 5.0 reading of a client's stream (OASIS MQTT Version 5.0, 7 March 2019), written from the specification
    /// and not from the engine's decoders: each packet's 5.0 form (properties with the form and packets of each
    /// identifier, table 2-4 of section 2.2.2.2; reason codes valid per packet), and what ends the connection. A 5.0
    /// verdict names the DISCONNECT reason codes the broker may send before it closes (<see cref="StreamVerdict.Reasons"/>):
    /// the one the specification names where it names one, else 0x81 (Malformed Packet) or 0x82 (Protocol Error), both
    /// accepted where the text leaves the choice open (section 4.13.1: "use 0x81 or 0x82 unless a more specific Reason
    /// Code has been defined"). An error in the CONNECT itself ends the connection without a DISCONNECT (none may
    /// precede CONNACK; the server MAY send a CONNACK 0x80 or above [MQTT-3.1.4-2]).
    /// </summary>
    public static class FuzzValidator5
    {
        private static readonly int[] MalformedOrProtocol = new int[] { 0x81, 0x82 };
        private static readonly int[] Malformed = new int[] { 0x81 };
        private static readonly int[] Protocol = new int[] { 0x82 };

        // Where a property may appear (table 2-4).
        private const int InConnect = 1;
        private const int InWill = 2;
        private const int InPublish = 3;
        private const int InAck = 4;
        private const int InSubscribe = 5;
        private const int InUnsubscribe = 6;
        private const int InDisconnect = 7;
        private const int InAuth = 8;

        /// <summary>True when the stream starts with a CONNECT of protocol name "MQTT" and level 5 (section 3.1.2.1, 3.1.2.2).</summary>
        public static bool IsV5Connect(byte[] s, int length)
        {
            if (length < 2 || (s[0] >> 4) != 1)
            {
                return false;
            }
            int n = 1;
            while (n < 5 && n < length && (s[n] & 0x80) != 0)
            {
                n++;
            }
            int p = n + 1;
            return length >= p + 7 && s[p] == 0 && s[p + 1] == 4 && s[p + 2] == (byte)'M' && s[p + 3] == (byte)'Q'
                && s[p + 4] == (byte)'T' && s[p + 5] == (byte)'T' && s[p + 6] == 5;
        }

        /// <summary>Judges a 5.0 stream (its first packet a level-5 CONNECT) against the broker's announced limits.</summary>
        public static StreamVerdict Judge(byte[] s, int length, V5Limits limits)
        {
            StreamVerdict v = new StreamVerdict();
            v.IsV5 = true;
            bool connected = false;
            int p = 0;
            // Inbound Topic Aliases of this connection (section 3.3.2.3.4): alias -> topic bytes.
            byte[][] aliases = new byte[limits.TopicAliasMaximum + 1][];
            // QoS 2 packet identifiers the broker has taken and not yet seen released (PUBREL) [MQTT-3.3.4-7].
            int[] awaiting = new int[limits.ReceiveMaximum < 1024 ? limits.ReceiveMaximum + 1 : 1025];
            int awaitingCount = 0;
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
                        return Bad(v, connected, start, start + 5, "remaining length longer than four bytes (section 1.5.5, 2.1.4): malformed", Malformed);
                    }
                    break;
                }
                int size = 1 + n + value;
                if (size > limits.MaxPacketSize)
                {
                    v.IsLimit = true;
                    return Bad(v, connected, start, start + 1 + n, "packet of " + size + " bytes over the Maximum Packet Size the broker announced: DISCONNECT 0x95 (section 3.2.2.3.6)", new int[] { 0x95 });
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
                    if (!JudgeConnect(s, flags, body, end, start, limits, v))
                    {
                        return v;
                    }
                    v.Packets++;
                    connected = true;
                    continue;
                }
                Problem problem = new Problem();
                int at = body;
                switch (type)
                {
                    case 1:
                        // With reserved flags set it is also malformed [MQTT-2.1.3-1]: either reading may come first.
                        problem.Set("second CONNECT [MQTT-3.1.0-2]", flags == 0 ? Protocol : MalformedOrProtocol);
                        break;
                    case 3:
                        if ((flags & 0x08) != 0 && (flags & 0x06) == 0)
                        {
                            // [MQTT-3.3.1-2] binds the sender; 5.0 names no duty of the receiver: take it, or close as malformed.
                            v.MayEndAt.Add(new int[] { start, end, 0x81, 0x82 });
                        }
                        JudgePublish(s, start, flags, body, end, limits, aliases, awaiting, ref awaitingCount, v, problem);
                        break;
                    case 4:
                    case 5:
                    case 6:
                    case 7:
                        int id = JudgeAck(s, type, flags, body, end, problem);
                        if (problem.Why == null && type == 6)
                        {
                            awaitingCount = Remove(awaiting, awaitingCount, id);
                        }
                        break;
                    case 8:
                        JudgeSubscribe(s, flags, body, end, limits, problem);
                        break;
                    case 10:
                        JudgeUnsubscribe(s, flags, body, end, problem);
                        break;
                    case 12:
                        if (flags != 0)
                        {
                            problem.Set("PINGREQ reserved flags other than 0000 [MQTT-2.1.3-1]: malformed", Malformed);
                        }
                        else if (end != body)
                        {
                            problem.Set("PINGREQ with a body (section 3.12.1)", MalformedOrProtocol);
                        }
                        break;
                    case 14:
                        if (JudgeDisconnect(s, flags, body, end, v, problem))
                        {
                            v.Packets++;
                            return v.End(StreamVerdict.Disconnect, start, end, "DISCONNECT [MQTT-3.14.4-1]" + (v.DisconnectMayBeRefused ? " (with a reason code or property a server may refuse)" : ""));
                        }
                        break;
                    case 15:
                        if (flags != 0)
                        {
                            problem.Set("AUTH reserved flags other than 0000 [MQTT-3.15.1-1]: malformed", MalformedOrProtocol);
                        }
                        else
                        {
                            problem.Set("AUTH without an Authentication Method in the CONNECT: protocol error (section 4.12, [MQTT-3.15.2-1])", Protocol);
                        }
                        break;
                    default:
                        problem.Set("packet type " + type + " is not sent by a client (section 2.1.2)", MalformedOrProtocol);
                        break;
                }
                if (problem.Why != null)
                {
                    return Bad(v, true, start, end, problem.Why, problem.Reasons);
                }
                v.Packets++;
            }
            return v;
        }

        private static StreamVerdict Bad(StreamVerdict v, bool connected, int start, int end, string why, int[] reasons)
        {
            v.Reasons = reasons;
            v.BeforeConnAck = !connected;
            return v.End(StreamVerdict.Bad, start, end, why);
        }

        // False when the CONNECT ends the stream (Bad or Refuse recorded in v). Section 3.1.
        private static bool JudgeConnect(byte[] s, int flags, int p, int end, int start, V5Limits limits, StreamVerdict v)
        {
            string bad = null;
            int[] reasons = MalformedOrProtocol;
            Props props = new Props();
            int nameStart, nameLength;
            int connectFlags = 0;
            int keepAlive;
            if (flags != 0)
            {
                bad = "CONNECT reserved flags other than 0000 [MQTT-2.1.3-1]: malformed";
            }
            else if (!FuzzValidator.Field(s, ref p, end, out nameStart, out nameLength) || end - p < 4)
            {
                bad = "CONNECT truncated in its variable header: malformed";
            }
            else
            {
                p++; // the level, 5 (IsV5Connect)
                connectFlags = s[p++];
                FuzzValidator.UInt16(s, ref p, end, out keepAlive);
            }
            bool will = (connectFlags & 0x04) != 0;
            int willQos = (connectFlags >> 3) & 0x03;
            bool willRetain = (connectFlags & 0x20) != 0;
            bool user = (connectFlags & 0x80) != 0;
            bool password = (connectFlags & 0x40) != 0;
            if (bad != null)
            {
            }
            else if ((connectFlags & 0x01) != 0)
            {
                bad = "CONNECT reserved flag set [MQTT-3.1.2-3]: malformed";
            }
            else if (!will && (willQos != 0 || willRetain))
            {
                bad = "Will QoS or Will Retain without the Will Flag [MQTT-3.1.2-11, MQTT-3.1.2-13]: malformed";
            }
            else if (willQos == 3)
            {
                bad = "Will QoS 3 [MQTT-3.1.2-12]: malformed";
            }
            else
            {
                bad = ReadProperties(s, ref p, end, InConnect, props, ref reasons);
                if (bad == null && props.Has(0x16) && !props.Has(0x15))
                {
                    bad = "Authentication Data without an Authentication Method: protocol error (section 3.1.2.11.10)";
                    reasons = Protocol;
                }
            }
            int idStart = 0, idLength = 0, f, fl;
            if (bad == null && (!FuzzValidator.Field(s, ref p, end, out idStart, out idLength) || !FuzzValidator.IsUtf8(s, idStart, idLength)))
            {
                bad = "client identifier missing or not UTF-8 [MQTT-3.1.3-3, MQTT-1.5.4-1]: malformed";
            }
            if (bad == null && will)
            {
                Props willProps = new Props();
                bad = ReadProperties(s, ref p, end, InWill, willProps, ref reasons);
                if (bad == null)
                {
                    if (!FuzzValidator.Field(s, ref p, end, out f, out fl) || !FuzzValidator.IsUtf8(s, f, fl))
                    {
                        bad = "Will Topic missing or not UTF-8 [MQTT-3.1.3-11]: malformed";
                    }
                    else if (!FuzzValidator.IsTopicName(s, f, fl))
                    {
                        bad = "Will Topic empty or with a wildcard, not a topic name (sections 3.1.3.3, 4.7)";
                    }
                    else
                    {
                        if (willRetain)
                        {
                            v.RetainedTopics.Add(FuzzValidator.Slice(s, f, fl));
                        }
                        if (!FuzzValidator.Field(s, ref p, end, out f, out fl))
                        {
                            bad = "Will Payload missing (section 3.1.3.4): malformed";
                        }
                    }
                }
            }
            if (bad == null && user && (!FuzzValidator.Field(s, ref p, end, out f, out fl) || !FuzzValidator.IsUtf8(s, f, fl)))
            {
                bad = "User Name missing or not UTF-8 [MQTT-3.1.3-12]: malformed";
            }
            if (bad == null && password && !FuzzValidator.Field(s, ref p, end, out f, out fl))
            {
                bad = "Password missing (section 3.1.3.6): malformed";
            }
            if (bad == null && p != end)
            {
                bad = "bytes after the fields the CONNECT flags announce: malformed";
            }
            if (bad != null)
            {
                Bad(v, false, start, end, bad, reasons);
                return false;
            }
            v.ConnectEnd = end;
            v.ClientId = FuzzValidator.Slice(s, idStart, idLength);
            v.CleanSession = (connectFlags & 0x02) != 0;
            v.SessionExpiry = props.Has(0x11) ? props.SessionExpiry : 0;
            v.Persistent = v.SessionExpiry != 0;
            v.ClientTopicAliasMaximum = props.Has(0x22) ? props.TopicAliasMaximum : 0;
            v.ClientMaxPacketSize = props.Has(0x27) ? props.MaximumPacketSize : 0;
            if (props.Has(0x15))
            {
                // Section 4.12: a method the server does not support: CONNACK 0x8C (or 0x87) and close [MQTT-4.12.0-1].
                v.RefuseCode = 0x8C;
                v.RefuseCodeAlternative = 0x87;
                v.End(StreamVerdict.Refuse, start, end, "Authentication Method the broker does not know: CONNACK 0x8C [MQTT-4.12.0-1]");
                return false;
            }
            if (idLength > limits.MaxClientIdBytes)
            {
                v.RefuseCode = 0x85;
                v.End(StreamVerdict.Refuse, start, end, "client identifier longer than the server allows: CONNACK 0x85 [MQTT-3.1.3-5]");
                return false;
            }
            if (idLength == 0)
            {
                // The server MAY take it and assign one [MQTT-3.1.3-6, MQTT-3.1.3-7] or refuse it with 0x85 (section 3.1.3.1).
                v.MayRefuseCode = 0x85;
            }
            v.ConnectAcceptable = true;
            return true;
        }

        // Section 3.3.
        private static void JudgePublish(byte[] s, int start, int flags, int p, int end, V5Limits limits, byte[][] aliases, int[] awaiting, ref int awaitingCount, StreamVerdict v, Problem problem)
        {
            int qos = (flags >> 1) & 0x03;
            int topicStart, topicLength, id = 0;
            if (qos == 3)
            {
                problem.Set("PUBLISH with QoS 3 [MQTT-3.3.1-4]: malformed", MalformedOrProtocol);
                return;
            }
            if (!FuzzValidator.Field(s, ref p, end, out topicStart, out topicLength))
            {
                problem.Set("PUBLISH Topic Name missing or running past the packet (section 3.3.2.1)", MalformedOrProtocol);
                return;
            }
            // The topic's own errors and those of the fields behind it may be found in either order.
            if (!FuzzValidator.IsUtf8(s, topicStart, topicLength))
            {
                problem.Add("PUBLISH Topic Name not UTF-8 [MQTT-1.5.4-1]: malformed", Malformed);
            }
            else if (topicLength > 0 && !FuzzValidator.IsTopicName(s, topicStart, topicLength))
            {
                problem.Add("wildcard in a Topic Name [MQTT-3.3.2-2]", new int[] { 0x81, 0x82, 0x90 });
            }
            if (qos > 0 && (!FuzzValidator.UInt16(s, ref p, end, out id) || id == 0))
            {
                problem.Add("QoS 1/2 PUBLISH without a non-zero Packet Identifier [MQTT-2.2.1-3]", MalformedOrProtocol);
                return;
            }
            Props props = new Props();
            int[] reasons = MalformedOrProtocol;
            string bad = ReadProperties(s, ref p, end, InPublish, props, ref reasons);
            if (bad != null)
            {
                problem.Add(bad, reasons);
                return;
            }
            if (problem.Why != null)
            {
                if (props.Has(0x0B))
                {
                    problem.Add("Subscription Identifier in a client's PUBLISH [MQTT-3.3.4-6]", Protocol);
                }
                return;
            }
            if (props.Has(0x0B))
            {
                problem.Set("Subscription Identifier in a client's PUBLISH [MQTT-3.3.4-6]: protocol error", Protocol);
                return;
            }
            if (qos > limits.MaximumQos)
            {
                problem.Set("QoS above the Maximum QoS the broker announced [MQTT-3.2.2-11]: DISCONNECT 0x9B", new int[] { 0x9B });
                return;
            }
            if ((flags & 0x01) != 0 && !limits.RetainAvailable)
            {
                problem.Set("RETAIN while the broker announced Retain Available 0 [MQTT-3.2.2-14]: DISCONNECT 0x9A", new int[] { 0x9A });
                return;
            }
            byte[] topic = null;
            if (props.Has(0x23))
            {
                int alias = props.TopicAlias;
                if (alias == 0)
                {
                    problem.Set("Topic Alias 0 [MQTT-3.3.2-8]: protocol error (0x94 Topic Alias invalid or 0x82)", new int[] { 0x94, 0x82 });
                    return;
                }
                if (alias > limits.TopicAliasMaximum)
                {
                    problem.Set("Topic Alias " + alias + " above the Topic Alias Maximum " + limits.TopicAliasMaximum + " the broker announced [MQTT-3.3.2-9]: DISCONNECT 0x94", new int[] { 0x94 });
                    return;
                }
                if (topicLength > 0)
                {
                    aliases[alias] = FuzzValidator.Slice(s, topicStart, topicLength);
                }
                else if (aliases[alias] == null)
                {
                    problem.Set("empty Topic Name with a Topic Alias this connection never set: protocol error (section 3.3.2.3.4)", Protocol);
                    return;
                }
                topic = aliases[alias];
            }
            else if (topicLength == 0)
            {
                problem.Set("empty Topic Name without a Topic Alias: protocol error (section 3.3.2.1)", Protocol);
                return;
            }
            if (topic == null)
            {
                topic = FuzzValidator.Slice(s, topicStart, topicLength);
            }
            if (qos == 2 && IndexOf(awaiting, awaitingCount, id) < 0)
            {
                if (awaitingCount >= limits.ReceiveMaximum)
                {
                    problem.Set("more unacknowledged QoS 2 PUBLISH packets than the Receive Maximum " + limits.ReceiveMaximum + " [MQTT-3.3.4-7]: DISCONNECT 0x93", new int[] { 0x93 });
                    return;
                }
                if (!v.CleanSession)
                {
                    // A resumed session may hold QoS 2 messages of an earlier connection still awaiting PUBREL; they
                    // count too [MQTT-3.3.4-7], and this stream cannot know how many.
                    v.MayEndAt.Add(new int[] { start, end, 0x93 });
                }
                // Only the broker writes $SYS topics (README): such a PUBLISH is refused with PUBREC 0x87, which
                // ends its exchange (section 4.3.3), so it does not count.
                if (!IsSys(topic))
                {
                    awaiting[awaitingCount++] = id;
                }
            }
            if ((flags & 0x01) != 0 && end > p)
            {
                v.RetainedTopics.Add(topic);
            }
        }

        private static bool IsSys(byte[] topic)
        {
            return topic.Length >= 4 && topic[0] == (byte)'$' && topic[1] == (byte)'S' && topic[2] == (byte)'Y' && topic[3] == (byte)'S'
                && (topic.Length == 4 || topic[4] == (byte)'/');
        }

        // PUBACK, PUBREC, PUBREL, PUBCOMP (sections 3.4 to 3.7): the packet identifier, or 0 with problem set.
        private static int JudgeAck(byte[] s, int type, int flags, int p, int end, Problem problem)
        {
            int id;
            if (flags != (type == 6 ? 0x02 : 0x00))
            {
                problem.Set("acknowledgement with reserved flags other than " + (type == 6 ? "0010 [MQTT-3.6.1-1]" : "0000 [MQTT-2.1.3-1]") + ": malformed", MalformedOrProtocol);
                return 0;
            }
            if (!FuzzValidator.UInt16(s, ref p, end, out id) || id == 0)
            {
                problem.Set("acknowledgement without a non-zero Packet Identifier [MQTT-2.2.1-3]", MalformedOrProtocol);
                return 0;
            }
            if (p == end)
            {
                return id; // Reason Code 0x00, no properties (section 3.4.2.1)
            }
            int reason = s[p++];
            bool known = type == 4 || type == 5
                ? reason == 0x00 || reason == 0x10 || reason == 0x80 || reason == 0x83 || reason == 0x87 || reason == 0x90 || reason == 0x91 || reason == 0x97 || reason == 0x99
                : reason == 0x00 || reason == 0x92;
            if (!known)
            {
                problem.Set("Reason Code 0x" + reason.ToString("X2") + " not defined for this acknowledgement (sections 3.4.2.1, 3.5.2.1, 3.6.2.1, 3.7.2.1)", MalformedOrProtocol);
                return 0;
            }
            if (p == end)
            {
                return id;
            }
            int[] reasons = MalformedOrProtocol;
            string bad = ReadProperties(s, ref p, end, InAck, new Props(), ref reasons);
            if (bad == null && p != end)
            {
                bad = "bytes after the acknowledgement's properties: malformed";
            }
            if (bad != null)
            {
                problem.Set(bad, reasons);
                return 0;
            }
            return id;
        }

        // Section 3.8.
        private static void JudgeSubscribe(byte[] s, int flags, int p, int end, V5Limits limits, Problem problem)
        {
            int id;
            if (flags != 0x02)
            {
                problem.Set("SUBSCRIBE reserved flags other than 0010 [MQTT-3.8.1-1]: malformed", MalformedOrProtocol);
                return;
            }
            if (!FuzzValidator.UInt16(s, ref p, end, out id) || id == 0)
            {
                problem.Set("SUBSCRIBE without a non-zero Packet Identifier [MQTT-2.2.1-3]", MalformedOrProtocol);
                return;
            }
            Props props = new Props();
            int[] reasons = MalformedOrProtocol;
            string bad = ReadProperties(s, ref p, end, InSubscribe, props, ref reasons);
            if (bad != null)
            {
                problem.Set(bad, reasons);
                return;
            }
            if (props.Has(0x0B) && !limits.SubscriptionIdentifiersAvailable)
            {
                problem.Set("Subscription Identifier while the broker announced Subscription Identifiers Available 0: DISCONNECT 0xA1 (section 3.2.2.3.12)", new int[] { 0xA1 });
                return;
            }
            int filters = 0;
            while (p < end)
            {
                int start, length;
                if (!FuzzValidator.Field(s, ref p, end, out start, out length))
                {
                    problem.Set("SUBSCRIBE topic filter missing or running past the packet (section 3.8.3)", MalformedOrProtocol);
                    return;
                }
                if (p >= end)
                {
                    problem.Set("SUBSCRIBE filter without its Subscription Options byte (section 3.8.3): malformed", MalformedOrProtocol);
                    return;
                }
                // A filter and its options byte may be checked in either order: every error of the pair is allowed.
                int options = s[p++];
                bool shared = IsSharePrefix(s, start, length);
                if (!FuzzValidator.IsUtf8(s, start, length))
                {
                    problem.Add("SUBSCRIBE topic filter not UTF-8 [MQTT-1.5.4-1]: malformed", Malformed);
                }
                else
                {
                    string filterProblem = shared ? SharedFilterProblem(s, start, length) : FuzzValidator.IsTopicFilter(s, start, length) ? null : "invalid topic filter [MQTT-4.7.1-1, MQTT-4.7.1-2, MQTT-4.7.3-1]";
                    if (filterProblem != null)
                    {
                        problem.Add("SUBSCRIBE with " + filterProblem, new int[] { 0x81, 0x82, 0x8F });
                    }
                }
                if ((options & 0xC0) != 0)
                {
                    problem.Add("Subscription Options reserved bits 6-7 set [MQTT-3.8.3-5]: malformed", MalformedOrProtocol);
                }
                if ((options & 0x03) == 3)
                {
                    problem.Add("Subscription Options Maximum QoS 3: protocol error (section 3.8.3.1)", MalformedOrProtocol);
                }
                if (((options >> 4) & 0x03) == 3)
                {
                    problem.Add("Retain Handling 3: protocol error (section 3.8.3.1)", Protocol);
                }
                if (shared && (options & 0x04) != 0)
                {
                    problem.Add("No Local on a shared subscription [MQTT-3.8.3-4]: protocol error", Protocol);
                }
                if (problem.Why != null)
                {
                    return;
                }
                filters++;
            }
            if (filters == 0)
            {
                problem.Set("SUBSCRIBE without a topic filter [MQTT-3.8.3-2]: protocol error", MalformedOrProtocol);
            }
        }

        // Section 3.10.
        private static void JudgeUnsubscribe(byte[] s, int flags, int p, int end, Problem problem)
        {
            int id;
            if (flags != 0x02)
            {
                problem.Set("UNSUBSCRIBE reserved flags other than 0010 [MQTT-3.10.1-1]: malformed", MalformedOrProtocol);
                return;
            }
            if (!FuzzValidator.UInt16(s, ref p, end, out id) || id == 0)
            {
                problem.Set("UNSUBSCRIBE without a non-zero Packet Identifier [MQTT-2.2.1-3]", MalformedOrProtocol);
                return;
            }
            int[] reasons = MalformedOrProtocol;
            string bad = ReadProperties(s, ref p, end, InUnsubscribe, new Props(), ref reasons);
            if (bad != null)
            {
                problem.Set(bad, reasons);
                return;
            }
            int filters = 0;
            while (p < end)
            {
                int start, length;
                if (!FuzzValidator.Field(s, ref p, end, out start, out length))
                {
                    problem.Set("UNSUBSCRIBE topic filter missing or running past the packet (section 3.10.3)", MalformedOrProtocol);
                    return;
                }
                if (!FuzzValidator.IsUtf8(s, start, length))
                {
                    problem.Set("UNSUBSCRIBE topic filter not UTF-8 [MQTT-1.5.4-1]: malformed", Malformed);
                    return;
                }
                string filterProblem = IsSharePrefix(s, start, length) ? SharedFilterProblem(s, start, length) : FuzzValidator.IsTopicFilter(s, start, length) ? null : "invalid topic filter [MQTT-4.7.1-1, MQTT-4.7.1-2, MQTT-4.7.3-1]";
                if (filterProblem != null)
                {
                    problem.Set("UNSUBSCRIBE with " + filterProblem, new int[] { 0x81, 0x82, 0x8F });
                    return;
                }
                filters++;
            }
            if (filters == 0)
            {
                problem.Set("UNSUBSCRIBE without a topic filter [MQTT-3.10.3-2]: protocol error", MalformedOrProtocol);
            }
        }

        // Section 3.14: true for a DISCONNECT that ends the stream as one.
        private static bool JudgeDisconnect(byte[] s, int flags, int p, int end, StreamVerdict v, Problem problem)
        {
            if (flags != 0)
            {
                problem.Set("DISCONNECT reserved flags other than 0000 [MQTT-3.14.1-1]: malformed", MalformedOrProtocol);
                return false;
            }
            if (p == end)
            {
                return true; // Reason Code 0x00, no properties (section 3.14.2.1)
            }
            int reason = s[p++];
            // Table 3-10: the codes a client sends; the others are sent by a server only.
            bool byClient = reason == 0x00 || reason == 0x04 || reason == 0x80 || reason == 0x81 || reason == 0x82 || reason == 0x83
                || reason == 0x90 || reason == 0x93 || reason == 0x94 || reason == 0x95 || reason == 0x96 || reason == 0x97 || reason == 0x98 || reason == 0x99;
            bool byServer = reason == 0x87 || reason == 0x89 || reason == 0x8B || reason == 0x8D || reason == 0x8E || reason == 0x8F
                || (reason >= 0x9A && reason <= 0xA2);
            if (!byClient && !byServer)
            {
                problem.Set("DISCONNECT Reason Code 0x" + reason.ToString("X2") + " not defined (section 3.14.2.1)", MalformedOrProtocol);
                return false;
            }
            if (byServer)
            {
                // The table says who sends each code; it does not say a receiver must refuse the other's.
                v.DisconnectMayBeRefused = true;
            }
            if (p == end)
            {
                return true;
            }
            Props props = new Props();
            int[] reasons = MalformedOrProtocol;
            string bad = ReadProperties(s, ref p, end, InDisconnect, props, ref reasons);
            if (bad == null && p != end)
            {
                bad = "bytes after the DISCONNECT properties: malformed";
            }
            if (bad != null)
            {
                problem.Set(bad, reasons);
                return false;
            }
            if (props.Has(0x1C))
            {
                // Server Reference is for a server's DISCONNECT (section 3.14.2.2.5).
                v.DisconnectMayBeRefused = true;
            }
            if (props.Has(0x11) && props.SessionExpiry != 0 && v.SessionExpiry == 0)
            {
                problem.Set("DISCONNECT sets a Session Expiry Interval on a session that had 0 [MQTT-3.14.2-2]: protocol error", Protocol);
                return false;
            }
            if (props.Has(0x11))
            {
                v.Persistent = props.SessionExpiry != 0;
            }
            return true;
        }

        /// <summary>A filter of a shared subscription starts "$share/" (section 4.8.2).</summary>
        private static bool IsSharePrefix(byte[] s, int start, int length)
        {
            string prefix = "$share/";
            if (length < prefix.Length)
            {
                return false;
            }
            for (int i = 0; i < prefix.Length; i++)
            {
                if (s[start + i] != (byte)prefix[i])
                {
                    return false;
                }
            }
            return true;
        }

        // "$share/{ShareName}/{filter}": a ShareName of at least one character without '/', '+', '#' [MQTT-4.8.2-1],
        // then '/' and a topic filter [MQTT-4.8.2-2].
        private static string SharedFilterProblem(byte[] s, int start, int length)
        {
            int name = start + 7;
            int end = start + length;
            int i = name;
            while (i < end && s[i] != (byte)'/')
            {
                if (s[i] == (byte)'+' || s[i] == (byte)'#')
                {
                    return "a ShareName with a wildcard [MQTT-4.8.2-1]";
                }
                i++;
            }
            if (i == name)
            {
                return "an empty ShareName [MQTT-4.8.2-1]";
            }
            if (i >= end - 1)
            {
                return "a ShareName without a topic filter behind it [MQTT-4.8.2-2]";
            }
            return FuzzValidator.IsTopicFilter(s, i + 1, end - i - 1) ? null : "an invalid topic filter behind the ShareName [MQTT-4.8.2-2]";
        }

        /// <summary>
        /// Reads a properties block (section 2.2.2): its Variable Byte Integer length, then each property with the
        /// form table 2-4 gives its identifier. An identifier not defined or not valid for the packet, a value not of
        /// its form, ill-formed UTF-8 (section 1.5.4) or a block past the packet: malformed (section 2.2.2.2). A
        /// property other than User Property twice, or a value outside its range: protocol error (sections 3.x.2.x).
        /// </summary>
        private static string ReadProperties(byte[] s, ref int p, int end, int packet, Props props, ref int[] reasons)
        {
            reasons = MalformedOrProtocol;
            int length;
            if (!VarInt(s, ref p, end, out length))
            {
                reasons = Malformed;
                return "Property Length missing or not a Variable Byte Integer (section 2.2.2.1): malformed";
            }
            if (end - p < length)
            {
                reasons = Malformed;
                return "Property Length " + length + " runs past the packet: malformed";
            }
            int blockEnd = p + length;
            // A client's PUBLISH must not carry a Subscription Identifier [MQTT-3.3.4-6]: a server may stop at it, before
            // a malformation further on.
            bool forbiddenSeen = false;
            while (p < blockEnd)
            {
                if (forbiddenSeen)
                {
                    string further = ReadProperty(s, ref p, blockEnd, packet, props, ref reasons);
                    if (further != null)
                    {
                        reasons = MalformedOrProtocol;
                        return further + " (behind a Subscription Identifier, itself a protocol error [MQTT-3.3.4-6])";
                    }
                    continue;
                }
                string bad = ReadProperty(s, ref p, blockEnd, packet, props, ref reasons);
                if (bad != null)
                {
                    return bad;
                }
                forbiddenSeen = packet == InPublish && props.Has(0x0B);
            }
            return null;
        }

        // One property of a block (ReadProperties): null, or what is wrong with it.
        private static string ReadProperty(byte[] s, ref int p, int blockEnd, int packet, Props props, ref int[] reasons)
        {
            {
                int id;
                int idAt = p;
                if (!VarInt(s, ref p, blockEnd, out id))
                {
                    reasons = Malformed;
                    return "a Property Identifier runs past its block: malformed";
                }
                if (p - idAt > 1)
                {
                    // Every identifier is one byte (section 2.2.2.2); a longer encoding is not minimal [MQTT-1.5.5-1].
                    reasons = Malformed;
                    return "a Property Identifier of " + (p - idAt) + " bytes: malformed";
                }
                if (!Allowed(id, packet))
                {
                    return "property 0x" + id.ToString("X2") + " not defined for this packet (table 2-4, section 2.2.2.2): malformed";
                }
                if (id != 0x26 && props.Has(id))
                {
                    reasons = Protocol;
                    return "property 0x" + id.ToString("X2") + " more than once: protocol error (section 2.2.2.2 and the property's section)";
                }
                props.Mark(id);
                int form = V5Property.FormOf(id);
                int number = 0;
                long four = 0;
                switch (form)
                {
                    case V5Property.FormByte:
                        if (blockEnd - p < 1) return Short(ref reasons);
                        number = s[p++];
                        break;
                    case V5Property.FormTwoBytes:
                        if (!FuzzValidator.UInt16(s, ref p, blockEnd, out number)) return Short(ref reasons);
                        break;
                    case V5Property.FormFourBytes:
                        if (blockEnd - p < 4) return Short(ref reasons);
                        four = ((long)s[p] << 24) | ((long)s[p + 1] << 16) | ((long)s[p + 2] << 8) | s[p + 3];
                        p += 4;
                        break;
                    case V5Property.FormVarInt:
                        if (!VarInt(s, ref p, blockEnd, out number)) return Short(ref reasons);
                        break;
                    case V5Property.FormText:
                    case V5Property.FormBinary:
                        {
                            int fs, fl;
                            if (!FuzzValidator.Field(s, ref p, blockEnd, out fs, out fl)) return Short(ref reasons);
                            if (form == V5Property.FormText && !FuzzValidator.IsUtf8(s, fs, fl))
                            {
                                reasons = Malformed;
                                return "property 0x" + id.ToString("X2") + " not UTF-8 [MQTT-1.5.4-1]: malformed";
                            }
                            if (id == 0x08 && !FuzzValidator.IsTopicName(s, fs, fl))
                            {
                                return "Response Topic not a topic name [MQTT-3.3.2-14]";
                            }
                            break;
                        }
                    default:
                        {
                            int fs, fl;
                            if (!FuzzValidator.Field(s, ref p, blockEnd, out fs, out fl) || !FuzzValidator.IsUtf8(s, fs, fl)
                                || !FuzzValidator.Field(s, ref p, blockEnd, out fs, out fl) || !FuzzValidator.IsUtf8(s, fs, fl))
                            {
                                reasons = Malformed;
                                return "User Property not a UTF-8 string pair (section 1.5.7): malformed";
                            }
                            break;
                        }
                }
                string range = null;
                switch (id)
                {
                    case 0x01: if (number > 1) range = "Payload Format Indicator other than 0 or 1 (section 3.3.2.3.2)"; break;
                    case 0x17: if (number > 1) range = "Request Problem Information other than 0 or 1 (section 3.1.2.11.7)"; break;
                    case 0x19: if (number > 1) range = "Request Response Information other than 0 or 1 (section 3.1.2.11.6)"; break;
                    case 0x21: if (number == 0) range = "Receive Maximum 0 (section 3.1.2.11.3)"; break;
                    case 0x27: if (four == 0) range = "Maximum Packet Size 0 (section 3.1.2.11.4)"; break;
                    case 0x11: props.SessionExpiry = four; break;
                    case 0x22: props.TopicAliasMaximum = number; break;
                    case 0x23: props.TopicAlias = number; break;
                }
                if (id == 0x27)
                {
                    props.MaximumPacketSize = four > 268435460 ? 268435460 : (int)four;
                }
                if (id == 0x0B && number == 0)
                {
                    range = "Subscription Identifier 0 (section 3.8.2.1.2)";
                }
                if (range != null)
                {
                    // The text calls the others a protocol error; for the Payload Format Indicator it names none.
                    reasons = id == 0x01 ? MalformedOrProtocol : Protocol;
                    return range + (id == 0x01 ? "" : ": protocol error");
                }
            }
            return null;
        }

        private static string Short(ref int[] reasons)
        {
            reasons = Malformed;
            return "a property value runs past its block: malformed";
        }

        // Table 2-4: the packets each property identifier belongs to (client-sent packets only).
        private static bool Allowed(int id, int packet)
        {
            switch (id)
            {
                case 0x01:
                case 0x02:
                case 0x03:
                case 0x08:
                case 0x09:
                    return packet == InPublish || packet == InWill;
                case 0x0B:
                    return packet == InPublish || packet == InSubscribe;
                case 0x11:
                    return packet == InConnect || packet == InDisconnect;
                case 0x15:
                case 0x16:
                    return packet == InConnect || packet == InAuth;
                case 0x17:
                case 0x19:
                case 0x21:
                case 0x22:
                case 0x27:
                    return packet == InConnect;
                case 0x18:
                    return packet == InWill;
                case 0x1C:
                    return packet == InDisconnect;
                case 0x1F:
                    return packet == InAck || packet == InDisconnect || packet == InAuth;
                case 0x23:
                    return packet == InPublish;
                case 0x26:
                    return true;
                default:
                    return false;
            }
        }

        /// <summary>
        /// The 5.0 reading of a packet the broker sent a 5.0 client: null when it is well formed and within that client's
        /// limits (<paramref name="v"/>: its Topic Alias Maximum and Maximum Packet Size from its CONNECT), else what is
        /// wrong. <paramref name="aliases"/> holds the outbound Topic Aliases the broker set on this connection.
        /// </summary>
        public static string CheckServerPacket(byte[] raw, StreamVerdict v, byte[][] aliases)
        {
            V5Packet p = V5Packet.Parse(raw);
            if (p.Problem != null)
            {
                return "not a well-formed 5.0 packet: " + p.Problem;
            }
            V5ReceivedProperties props = p.Properties;
            for (int i = 0; i < props.Count; i++)
            {
                int id = props.IdAt(i);
                if (!ServerMaySend(id, p.Type))
                {
                    return "property 0x" + id.ToString("X2") + " in a server's packet of type " + p.Type + " (table 2-4)";
                }
                if (id != 0x26 && id != 0x0B && props.CountOf(id) > 1)
                {
                    return "property 0x" + id.ToString("X2") + " more than once (section 2.2.2.2)";
                }
            }
            switch (p.Type)
            {
                case 2:
                    if (p.ReasonCode != 0 && p.ReasonCode < 0x80) return "CONNACK Reason Code 0x" + p.ReasonCode.ToString("X2") + " (section 3.2.2.2)";
                    if (p.ReasonCode != 0 && p.SessionPresent) return "session present with a refusal [MQTT-3.2.2-6]";
                    break;
                case 3:
                    if (v.ClientMaxPacketSize > 0 && raw.Length > v.ClientMaxPacketSize)
                    {
                        return "PUBLISH of " + raw.Length + " bytes over the client's Maximum Packet Size " + v.ClientMaxPacketSize + " [MQTT-3.1.2-24]";
                    }
                    if (p.Qos == 3) return "PUBLISH QoS 3 [MQTT-3.3.1-4]";
                    if (p.Qos > 0 && p.PacketId == 0) return "PUBLISH without a packet identifier [MQTT-2.2.1-3]";
                    if (p.Qos == 0 && p.Dup) return "DUP at QoS 0 [MQTT-3.3.1-2]";
                    if (props.Has(0x23))
                    {
                        int alias = (int)props.Number(0x23);
                        if (alias == 0 || alias > v.ClientTopicAliasMaximum)
                        {
                            return "Topic Alias " + alias + " outside 1.." + v.ClientTopicAliasMaximum + ", the client's Topic Alias Maximum [MQTT-3.3.2-10, MQTT-3.3.2-8]";
                        }
                        if (p.Topic.Length > 0)
                        {
                            aliases[alias] = p.Topic;
                        }
                        else if (aliases[alias] == null)
                        {
                            return "empty Topic Name with a Topic Alias the broker never set (section 3.3.2.3.4)";
                        }
                    }
                    else if (!FuzzValidator.IsTopicName(p.Topic, 0, p.Topic.Length))
                    {
                        return "PUBLISH Topic Name not a topic name [MQTT-3.3.2-2, MQTT-4.7.3-1]";
                    }
                    if (props.Has(0x0B))
                    {
                        for (int k = 0; k < props.CountOf(0x0B); k++)
                        {
                            if (props.NumberAt(0x0B, k) == 0) return "Subscription Identifier 0 in a PUBLISH (section 3.3.2.3.8)";
                        }
                    }
                    break;
                case 4:
                case 5:
                    if (p.ReasonCode != 0x00 && p.ReasonCode != 0x10 && p.ReasonCode != 0x80 && p.ReasonCode != 0x83 && p.ReasonCode != 0x87
                        && p.ReasonCode != 0x90 && p.ReasonCode != 0x91 && p.ReasonCode != 0x97 && p.ReasonCode != 0x99)
                    {
                        return "PUBACK/PUBREC Reason Code 0x" + p.ReasonCode.ToString("X2") + " (section 3.4.2.1)";
                    }
                    break;
                case 6:
                case 7:
                    if (p.ReasonCode != 0x00 && p.ReasonCode != 0x92) return "PUBREL/PUBCOMP Reason Code 0x" + p.ReasonCode.ToString("X2") + " (section 3.6.2.1)";
                    break;
                case 9:
                    for (int k = 0; k < p.ReasonCodes.Length; k++)
                    {
                        int c = p.ReasonCodes[k];
                        if (!(c <= 2 || c == 0x80 || c == 0x83 || c == 0x87 || c == 0x8F || c == 0x91 || c == 0x97 || c == 0x9E || c == 0xA1 || c == 0xA2))
                        {
                            return "SUBACK Reason Code 0x" + c.ToString("X2") + " (section 3.9.3)";
                        }
                    }
                    if (p.ReasonCodes.Length == 0) return "SUBACK without a Reason Code [MQTT-3.8.4-6]";
                    break;
                case 11:
                    for (int k = 0; k < p.ReasonCodes.Length; k++)
                    {
                        int c = p.ReasonCodes[k];
                        if (!(c == 0 || c == 0x11 || c == 0x80 || c == 0x83 || c == 0x87 || c == 0x8F || c == 0x91))
                        {
                            return "UNSUBACK Reason Code 0x" + c.ToString("X2") + " (section 3.11.3)";
                        }
                    }
                    if (p.ReasonCodes.Length == 0) return "UNSUBACK without a Reason Code [MQTT-3.10.4-5]";
                    break;
                case 14:
                    if (p.ReasonCode < 0x80 && p.ReasonCode != 0) return "server DISCONNECT Reason Code 0x" + p.ReasonCode.ToString("X2") + " (section 3.14.2.1)";
                    break;
            }
            return null;
        }

        // Table 2-4, for the packets a server sends.
        private static bool ServerMaySend(int id, int type)
        {
            switch (id)
            {
                case 0x01:
                case 0x02:
                case 0x03:
                case 0x08:
                case 0x09:
                case 0x0B:
                case 0x23:
                    return type == 3;
                case 0x11:
                    return type == 2 || type == 14;
                case 0x12:
                case 0x13:
                case 0x1A:
                case 0x21:
                case 0x22:
                case 0x24:
                case 0x25:
                case 0x27:
                case 0x28:
                case 0x29:
                case 0x2A:
                    return type == 2;
                case 0x15:
                case 0x16:
                    return type == 2 || type == 15;
                case 0x1C:
                    return type == 2 || type == 14;
                case 0x1F:
                    return type != 3 && type != 13;
                case 0x26:
                    return type != 13;
                default:
                    return false;
            }
        }

        private static int IndexOf(int[] values, int count, int value)
        {
            for (int i = 0; i < count; i++)
            {
                if (values[i] == value)
                {
                    return i;
                }
            }
            return -1;
        }

        private static int Remove(int[] values, int count, int value)
        {
            int i = IndexOf(values, count, value);
            if (i < 0)
            {
                return count;
            }
            values[i] = values[count - 1];
            return count - 1;
        }

        private static bool VarInt(byte[] s, ref int p, int end, out int value)
        {
            value = 0;
            for (int i = 0; i < 4; i++)
            {
                if (p >= end)
                {
                    return false;
                }
                int b = s[p++];
                value |= (b & 0x7F) << (7 * i);
                if ((b & 0x80) == 0)
                {
                    return true;
                }
            }
            return false;
        }

        /// <summary>The properties a block held, and the values the reading needs.</summary>
        private sealed class Props
        {
            private long seen;
            public long SessionExpiry;
            public int TopicAliasMaximum;
            public int MaximumPacketSize;
            public int TopicAlias;

            public bool Has(int id)
            {
                return id < 64 && (seen & (1L << id)) != 0;
            }

            public void Mark(int id)
            {
                seen |= 1L << id;
            }
        }

        /// <summary>Why a packet ends the connection, and the DISCONNECT reason codes the broker may send for it.</summary>
        private sealed class Problem
        {
            public string Why;
            public int[] Reasons;

            public void Set(string why, int[] reasons)
            {
                Why = why;
                Reasons = reasons;
            }

            /// <summary>
            /// A further error of the same packet: the first one stays the reason given, and the codes of both are
            /// allowed, as a server may check the packet's parts in any order.
            /// </summary>
            public void Add(string why, int[] reasons)
            {
                if (Why == null)
                {
                    Set(why, reasons);
                    return;
                }
                int[] union = new int[Reasons.Length + reasons.Length];
                int n = 0;
                for (int i = 0; i < Reasons.Length + reasons.Length; i++)
                {
                    int code = i < Reasons.Length ? Reasons[i] : reasons[i - Reasons.Length];
                    bool seen = false;
                    for (int k = 0; k < n; k++)
                    {
                        seen |= union[k] == code;
                    }
                    if (!seen)
                    {
                        union[n++] = code;
                    }
                }
                Reasons = new int[n];
                System.Array.Copy(union, Reasons, n);
            }
        }
    }
}
