namespace NanoBroker.Protocol
{
    /// <summary>
    /// PUBACK, PUBREC, PUBREL and PUBCOMP (sections 3.4 to 3.7): a packet identifier and, in 5.0, an optional
    /// reason code and properties (Reason String, User Property). Decoder and encoder. One instance is reused.
    /// </summary>
    public sealed class AckPacket
    {
        public int PacketId;

        /// <summary>The reason code: Success when absent (5.0, remaining length 2) and always for 3.x.</summary>
        public byte ReasonCode;

        /// <summary>The properties (5.0; an empty block when absent or for 3.x).</summary>
        public readonly Properties Properties;

        /// <summary>A view whose properties are decoded into <paramref name="properties"/>, which views of packets never handled at the same time may share.</summary>
        public AckPacket(Properties properties)
        {
            Properties = properties;
        }

        /// <summary>The violated statement when <see cref="Decode"/> did not return Success.</summary>
        public string Problem;

        /// <summary>
        /// Decodes the acknowledgement of <paramref name="type"/> whose body lies in <paramref name="b"/>[<paramref name="p"/>,
        /// <paramref name="end"/>). Returns Success, MalformedPacket or ProtocolError.
        /// </summary>
        public byte Decode(int version, int type, int flags, byte[] b, int p, int end)
        {
            Problem = null;
            ReasonCode = Protocol.ReasonCode.Success;
            if (flags != PacketType.RequiredFlags(type))
            {
                return Fail(Protocol.ReasonCode.MalformedPacket, "invalid fixed header flags [MQTT-2.2.2-2]");
            }
            if (!Wire.ReadUInt16(b, ref p, end, out PacketId))
            {
                return Fail(Protocol.ReasonCode.MalformedPacket, "acknowledgement without a packet identifier");
            }
            Properties.Clear(b, p);
            if (version != ProtocolVersion.Mqtt5)
            {
                return p == end ? Protocol.ReasonCode.Success : Fail(Protocol.ReasonCode.MalformedPacket, "acknowledgement with a remaining length other than 2");
            }
            if (PacketId == 0)
            {
                return Fail(Protocol.ReasonCode.ProtocolError, "acknowledgement of packet identifier 0 (5.0 section 2.2.1)");
            }
            if (p == end)
            {
                return Protocol.ReasonCode.Success;
            }
            ReasonCode = b[p++];
            if (!Allowed(type, ReasonCode))
            {
                return Fail(Protocol.ReasonCode.ProtocolError, "reason code not defined for this acknowledgement (5.0 sections 3.4.2.1 to 3.7.2.1)");
            }
            if (p == end)
            {
                // Remaining length 3: no properties (5.0 section 3.4.2.2.1).
                return Protocol.ReasonCode.Success;
            }
            byte code = Properties.Decode(type, b, p, end, out p);
            if (code != Protocol.ReasonCode.Success)
            {
                Problem = Properties.Problem;
                return code;
            }
            return p == end ? Protocol.ReasonCode.Success : Fail(Protocol.ReasonCode.MalformedPacket, "bytes after the acknowledgement's properties");
        }

        // PUBACK and PUBREC: 0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99; PUBREL and PUBCOMP: 0x00, 0x92.
        private static bool Allowed(int type, byte code)
        {
            if (type == PacketType.PubRel || type == PacketType.PubComp)
            {
                return code == Protocol.ReasonCode.Success || code == Protocol.ReasonCode.PacketIdentifierNotFound;
            }
            switch (code)
            {
                case Protocol.ReasonCode.Success:
                case Protocol.ReasonCode.NoMatchingSubscribers:
                case Protocol.ReasonCode.UnspecifiedError:
                case Protocol.ReasonCode.ImplementationSpecificError:
                case Protocol.ReasonCode.NotAuthorized:
                case Protocol.ReasonCode.TopicNameInvalid:
                case Protocol.ReasonCode.PacketIdentifierInUse:
                case Protocol.ReasonCode.QuotaExceeded:
                case Protocol.ReasonCode.PayloadFormatInvalid:
                    return true;
                default:
                    return false;
            }
        }

        private byte Fail(byte code, string problem)
        {
            Problem = problem;
            return code;
        }

        /// <summary>
        /// True when a PUBREC with <paramref name="reasonCode"/> ends the QoS 2 exchange: a 5.0 failure code, after
        /// which no PUBREL comes (section 4.3.3); a 3.x PUBREC carries no code and always awaits its PUBREL.
        /// </summary>
        public static bool EndsExchange(int version, byte reasonCode)
        {
            return version == ProtocolVersion.Mqtt5 && reasonCode >= Protocol.ReasonCode.UnspecifiedError;
        }

        /// <summary>The size of the acknowledgement: 4 bytes, or 5 for a 5.0 reason code other than Success.</summary>
        public static int SizeOf(int version, byte reasonCode)
        {
            return version == ProtocolVersion.Mqtt5 && reasonCode != Protocol.ReasonCode.Success ? 5 : 4;
        }

        /// <summary>
        /// Writes the acknowledgement of <paramref name="type"/> (PUBREL with its flags 0010 [MQTT-3.6.1-1]); in 5.0 the
        /// reason code follows unless Success, and no properties (5.0 section 3.4.2.1). Returns the position after it.
        /// </summary>
        public static int Write(int version, int type, byte[] buffer, int at, int packetId, byte reasonCode)
        {
            int size = SizeOf(version, reasonCode);
            buffer[at] = (byte)((type << 4) | PacketType.RequiredFlags(type));
            buffer[at + 1] = (byte)(size - 2);
            Wire.WriteUInt16(buffer, at + 2, packetId);
            if (size == 5)
            {
                buffer[at + 4] = reasonCode;
            }
            return at + size;
        }
    }
}
