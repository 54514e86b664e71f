namespace NanoBroker.Protocol
{
    /// <summary>
    /// AUTH (5.0 section 3.15): a reason code (Success, Continue authentication, Re-authenticate) and properties
    /// (Authentication Method, Authentication Data, Reason String, User Property). Decoder and encoder. One instance is reused.
    /// </summary>
    public sealed class AuthPacket
    {
        /// <summary>The reason code: Success when the remaining length is 0 (5.0 section 3.15.2.1).</summary>
        public byte ReasonCode;

        /// <summary>The properties (an empty block when absent).</summary>
        public readonly Properties Properties;

        /// <summary>A view whose properties are decoded into <paramref name="properties"/>, which views of packets never handled at the same time may share.</summary>
        public AuthPacket(Properties properties)
        {
            Properties = properties;
        }

        /// <summary>The violated statement when <see cref="Decode"/> did not return Success.</summary>
        public string Problem;

        /// <summary>
        /// Decodes the AUTH whose body lies in <paramref name="b"/>[<paramref name="p"/>, <paramref name="end"/>).
        /// Returns Success, MalformedPacket or ProtocolError (AUTH from a 3.x client is a ProtocolError: no such packet there).
        /// </summary>
        public byte Decode(int version, int flags, byte[] b, int p, int end)
        {
            Problem = null;
            ReasonCode = Protocol.ReasonCode.Success;
            Properties.Clear(b, p);
            if (version != ProtocolVersion.Mqtt5)
            {
                return Fail(Protocol.ReasonCode.ProtocolError, "AUTH is not an MQTT 3.x packet");
            }
            if (flags != 0)
            {
                return Fail(Protocol.ReasonCode.MalformedPacket, "invalid AUTH fixed header flags [MQTT-3.15.1-1]");
            }
            if (p == end)
            {
                return Protocol.ReasonCode.Success;
            }
            ReasonCode = b[p++];
            if (ReasonCode != Protocol.ReasonCode.Success && ReasonCode != Protocol.ReasonCode.ContinueAuthentication && ReasonCode != Protocol.ReasonCode.ReAuthenticate)
            {
                return Fail(Protocol.ReasonCode.ProtocolError, "reason code not defined for AUTH [MQTT-3.15.2-1]");
            }
            if (p < end)
            {
                byte code = Properties.Decode(PacketType.Auth, b, p, end, out p);
                if (code != Protocol.ReasonCode.Success)
                {
                    Problem = Properties.Problem;
                    return code;
                }
            }
            if (!Properties.Has(PropertyId.AuthenticationMethod))
            {
                return Fail(Protocol.ReasonCode.ProtocolError, "AUTH without Authentication Method (5.0 section 3.15.2.2.2)");
            }
            return p == end ? Protocol.ReasonCode.Success : Fail(Protocol.ReasonCode.MalformedPacket, "bytes after the AUTH properties");
        }

        private byte Fail(byte code, string problem)
        {
            Problem = problem;
            return code;
        }

        /// <summary>The size of an AUTH with an Authentication Method of <paramref name="methodLength"/> bytes and Authentication Data of <paramref name="dataLength"/> (-1: none).</summary>
        public static int SizeOf(int methodLength, int dataLength)
        {
            int remaining = Remaining(methodLength, dataLength);
            return 1 + RemainingLength.SizeOf(remaining) + remaining;
        }

        private static int Remaining(int methodLength, int dataLength)
        {
            return 1 + Properties.SizeOfBlock(PropertiesLength(methodLength, dataLength));
        }

        private static int PropertiesLength(int methodLength, int dataLength)
        {
            return Properties.SizeOfField(methodLength) + (dataLength >= 0 ? Properties.SizeOfField(dataLength) : 0);
        }

        /// <summary>
        /// Writes an AUTH with <paramref name="reasonCode"/>, the Authentication Method [MQTT-3.15.2-1 requires it] and,
        /// unless <paramref name="dataLength"/> is -1, the Authentication Data, both copied from <paramref name="source"/>.
        /// Returns the position after it.
        /// </summary>
        public static int Write(byte[] buffer, int at, byte reasonCode, byte[] source, int methodStart, int methodLength, int dataStart, int dataLength)
        {
            buffer[at++] = PacketType.Auth << 4;
            at = Wire.WriteVarInt(buffer, at, Remaining(methodLength, dataLength));
            buffer[at++] = reasonCode;
            at = Wire.WriteVarInt(buffer, at, PropertiesLength(methodLength, dataLength));
            at = Properties.WriteField(buffer, at, PropertyId.AuthenticationMethod, source, methodStart, methodLength);
            return dataLength >= 0 ? Properties.WriteField(buffer, at, PropertyId.AuthenticationData, source, dataStart, dataLength) : at;
        }
    }
}
