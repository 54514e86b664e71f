using NanoBroker.Protocol;

namespace NanoBroker.Tests.Engine.Harness
{
    /// <summary>
    /// One MQTT 5.0 packet the broker wrote, parsed by hand from the specification (not by the engine's decoders):
    /// CONNACK, PUBLISH, PUBACK/PUBREC/PUBREL/PUBCOMP, SUBACK, UNSUBACK, PINGRESP, DISCONNECT and AUTH, each into its
    /// fields and <see cref="Properties"/>. A packet that does not follow the specification is not thrown at:
    /// <see cref="Problem"/> says what is wrong, so a test asserts it is null.
    /// </summary>
    public sealed class V5Packet
    {
        /// <summary>The whole packet as written.</summary>
        public byte[] Raw;
        public int Type;
        public int Flags;
        public int RemainingLength;

        /// <summary>Null for a well-formed packet, else what is wrong with it.</summary>
        public string Problem;

        /// <summary>PUBLISH with QoS 1/2, the acknowledgements, SUBACK, UNSUBACK.</summary>
        public int PacketId;

        /// <summary>CONNACK's Session Present flag.</summary>
        public bool SessionPresent;

        /// <summary>The one reason code of CONNACK, PUBACK, PUBREC, PUBREL, PUBCOMP, DISCONNECT and AUTH (0 when left out, as section 3.4.2.1 allows).</summary>
        public int ReasonCode;

        /// <summary>SUBACK's and UNSUBACK's reason codes, one per topic filter.</summary>
        public byte[] ReasonCodes;

        // PUBLISH
        public byte[] Topic;
        public byte[] Payload;

        /// <summary>The packet's properties (none for PINGRESP or where the properties block was left out).</summary>
        public V5ReceivedProperties Properties = new V5ReceivedProperties();

        public int Qos { get { return (Flags >> 1) & 0x03; } }

        public bool Retain { get { return (Flags & 0x01) != 0; } }

        public bool Dup { get { return (Flags & 0x08) != 0; } }

        public string TopicText { get { return Topic == null ? null : Utf8.GetString(Topic, 0, Topic.Length); } }

        public string PayloadText { get { return Payload == null ? null : Utf8.GetString(Payload, 0, Payload.Length); } }

        // Parsing state.
        private int at;
        private int end;

        /// <summary>Parses a packet the 3.1.1 reader (<see cref="Packet"/>, from <see cref="TestClient.Read"/>) took out of the outbox.</summary>
        public static V5Packet Parse(Packet packet)
        {
            return packet == null ? null : Parse(packet.Raw);
        }

        /// <summary>Parses the whole packet in <paramref name="raw"/>.</summary>
        public static V5Packet Parse(byte[] raw)
        {
            V5Packet p = new V5Packet();
            p.Raw = raw;
            p.end = raw.Length;
            if (raw.Length < 2)
            {
                p.Problem = "shorter than a fixed header";
                return p;
            }
            p.Type = raw[0] >> 4;
            p.Flags = raw[0] & 0x0F;
            p.at = 1;
            p.RemainingLength = (int)p.VarInt();
            if (p.Problem == null && p.at + p.RemainingLength != raw.Length)
            {
                p.Problem = "remaining length " + p.RemainingLength + " but " + (raw.Length - p.at) + " bytes follow the fixed header";
            }
            if (p.Problem == null)
            {
                p.ParseBody();
            }
            if (p.Problem == null && p.at != p.end)
            {
                p.Problem = (p.end - p.at) + " bytes left over after the last field";
            }
            return p;
        }

        private void ParseBody()
        {
            switch (Type)
            {
                case PacketType.ConnAck:
                    int acknowledgeFlags = Byte();
                    if ((acknowledgeFlags & 0xFE) != 0) Problem = "CONNACK's reserved flag bits are set [MQTT-3.2.2-1]";
                    SessionPresent = (acknowledgeFlags & 0x01) != 0;
                    ReasonCode = Byte();
                    ReadProperties();
                    break;
                case PacketType.Publish:
                    Topic = Field();
                    if (Qos > 0) PacketId = UInt16();
                    ReadProperties();
                    if (Problem == null)
                    {
                        Payload = Take(end - at);
                    }
                    break;
                case PacketType.PubAck:
                case PacketType.PubRec:
                case PacketType.PubRel:
                case PacketType.PubComp:
                    PacketId = UInt16();
                    if (at < end) ReasonCode = Byte();
                    if (at < end) ReadProperties();
                    break;
                case PacketType.SubAck:
                case PacketType.UnsubAck:
                    PacketId = UInt16();
                    ReadProperties();
                    if (Problem == null)
                    {
                        ReasonCodes = Take(end - at);
                    }
                    break;
                case PacketType.PingResp:
                    break;
                case PacketType.Disconnect:
                case V5Packets.AuthType:
                    if (at < end) ReasonCode = Byte();
                    if (at < end) ReadProperties();
                    break;
                default:
                    Problem = "packet type " + Type + " is not one a server sends";
                    break;
            }
        }

        private void ReadProperties()
        {
            int length = (int)VarInt();
            if (Problem != null)
            {
                return;
            }
            int blockEnd = at + length;
            if (blockEnd > end)
            {
                Problem = "property length " + length + " runs past the packet";
                return;
            }
            int packetEnd = end;
            end = blockEnd;
            while (Problem == null && at < end)
            {
                int id = (int)VarInt();
                switch (V5Property.FormOf(id))
                {
                    case V5Property.FormByte: Properties.Add(id, Byte(), null, null); break;
                    case V5Property.FormTwoBytes: Properties.Add(id, UInt16(), null, null); break;
                    case V5Property.FormFourBytes: Properties.Add(id, UInt32(), null, null); break;
                    case V5Property.FormVarInt: Properties.Add(id, VarInt(), null, null); break;
                    case V5Property.FormText:
                    case V5Property.FormBinary: Properties.Add(id, -1, Field(), null); break;
                    case V5Property.FormTextPair:
                        byte[] name = Field();
                        Properties.Add(id, -1, name, Field());
                        break;
                    default:
                        if (Problem == null) Problem = "unknown property identifier 0x" + id.ToString("X2");
                        break;
                }
            }
            end = packetEnd;
        }

        private bool Need(int bytes, string what)
        {
            if (Problem == null && at + bytes > end)
            {
                Problem = what + " runs past the end (" + (end - at) + " of " + bytes + " bytes there)";
            }
            return Problem == null;
        }

        private int Byte()
        {
            return Need(1, "a byte") ? Raw[at++] : 0;
        }

        private int UInt16()
        {
            if (!Need(2, "a two-byte integer")) return 0;
            int v = (Raw[at] << 8) | Raw[at + 1];
            at += 2;
            return v;
        }

        private long UInt32()
        {
            if (!Need(4, "a four-byte integer")) return 0;
            long v = ((long)Raw[at] << 24) | ((long)Raw[at + 1] << 16) | ((long)Raw[at + 2] << 8) | Raw[at + 3];
            at += 4;
            return v;
        }

        /// <summary>A Variable Byte Integer (section 1.5.5): at most four bytes [MQTT-1.5.5-1].</summary>
        private long VarInt()
        {
            long value = 0;
            for (int i = 0; i < 4; i++)
            {
                if (!Need(1, "a variable byte integer")) return 0;
                int b = Raw[at++];
                value |= (long)(b & 0x7F) << (7 * i);
                if ((b & 0x80) == 0)
                {
                    return value;
                }
            }
            if (Problem == null) Problem = "a variable byte integer longer than four bytes";
            return 0;
        }

        /// <summary>A two-byte length then that many bytes (UTF-8 string or binary data, sections 1.5.4 and 1.5.6).</summary>
        private byte[] Field()
        {
            int length = UInt16();
            return Need(length, "a string or binary field") ? Take(length) : null;
        }

        private byte[] Take(int count)
        {
            byte[] r = new byte[count];
            System.Array.Copy(Raw, at, r, 0, count);
            at += count;
            return r;
        }
    }
}
