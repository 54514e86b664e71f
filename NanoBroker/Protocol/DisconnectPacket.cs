namespace NanoBroker.Protocol
{
    /// <summary>
    /// DISCONNECT (section 3.14): empty in 3.x; in 5.0 an optional reason code and properties (Session Expiry
    /// Interval, Reason String, User Property, Server Reference). Decoder, and the encoder of the server's 5.0
    /// DISCONNECT. One instance is reused.
    /// </summary>
    public sealed class DisconnectPacket
    {
        /// <summary>The reason code: Success (normal disconnection) when absent.</summary>
        public byte ReasonCode;

        /// <summary>The properties (5.0; an empty block when absent or for 3.x).</summary>
        public readonly Properties Properties;

        /// <summary>A view whose properties are decoded into <paramref name="properties"/>, which views of packets never handled at the same time may share.</summary>
        public DisconnectPacket(Properties properties)
        {
            Properties = properties;
        }

        /// <summary>The violated statement when <see cref="Decode"/> did not return Success.</summary>
        public string Problem;

        /// <summary>
        /// Decodes the DISCONNECT whose body lies in <paramref name="b"/>[<paramref name="p"/>, <paramref name="end"/>).
        /// Returns Success, MalformedPacket or ProtocolError.
        /// </summary>
        public byte Decode(int version, int flags, byte[] b, int p, int end)
        {
            Problem = null;
            ReasonCode = Protocol.ReasonCode.Success;
            Properties.Clear(b, p);
            if (flags != 0)
            {
                return Fail(Protocol.ReasonCode.MalformedPacket, "invalid DISCONNECT fixed header flags [MQTT-3.14.1-1]");
            }
            if (version != ProtocolVersion.Mqtt5 || p == end)
            {
                return p == end ? Protocol.ReasonCode.Success : Fail(Protocol.ReasonCode.MalformedPacket, "DISCONNECT with a body");
            }
            ReasonCode = b[p++];
            if (!Allowed(ReasonCode))
            {
                return Fail(Protocol.ReasonCode.ProtocolError, "reason code not defined for DISCONNECT (5.0 section 3.14.2.1)");
            }
            if (p == end)
            {
                // Remaining length 1: no properties (5.0 section 3.14.2.2.1).
                return Protocol.ReasonCode.Success;
            }
            byte code = Properties.Decode(PacketType.Disconnect, b, p, end, out p);
            if (code != Protocol.ReasonCode.Success)
            {
                Problem = Properties.Problem;
                return code;
            }
            return p == end ? Protocol.ReasonCode.Success : Fail(Protocol.ReasonCode.MalformedPacket, "bytes after the DISCONNECT properties");
        }

        // The DISCONNECT reason codes of 5.0 section 3.14.2.1 (either direction).
        private static bool Allowed(byte code)
        {
            switch (code)
            {
                case Protocol.ReasonCode.Success:
                case Protocol.ReasonCode.DisconnectWithWill:
                case Protocol.ReasonCode.UnspecifiedError:
                case Protocol.ReasonCode.MalformedPacket:
                case Protocol.ReasonCode.ProtocolError:
                case Protocol.ReasonCode.ImplementationSpecificError:
                case Protocol.ReasonCode.NotAuthorized:
                case Protocol.ReasonCode.ServerBusy:
                case Protocol.ReasonCode.ServerShuttingDown:
                case Protocol.ReasonCode.KeepAliveTimeout:
                case Protocol.ReasonCode.SessionTakenOver:
                case Protocol.ReasonCode.TopicFilterInvalid:
                case Protocol.ReasonCode.TopicNameInvalid:
                case Protocol.ReasonCode.ReceiveMaximumExceeded:
                case Protocol.ReasonCode.TopicAliasInvalid:
                case Protocol.ReasonCode.PacketTooLarge:
                case Protocol.ReasonCode.MessageRateTooHigh:
                case Protocol.ReasonCode.QuotaExceeded:
                case Protocol.ReasonCode.AdministrativeAction:
                case Protocol.ReasonCode.PayloadFormatInvalid:
                case Protocol.ReasonCode.RetainNotSupported:
                case Protocol.ReasonCode.QosNotSupported:
                case Protocol.ReasonCode.UseAnotherServer:
                case Protocol.ReasonCode.ServerMoved:
                case Protocol.ReasonCode.SharedSubscriptionsNotSupported:
                case Protocol.ReasonCode.ConnectionRateExceeded:
                case Protocol.ReasonCode.MaximumConnectTime:
                case Protocol.ReasonCode.SubscriptionIdentifiersNotSupported:
                case Protocol.ReasonCode.WildcardSubscriptionsNotSupported:
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

        /// <summary>The size of the server's 5.0 DISCONNECT with a Reason String of <paramref name="reasonStringLength"/> bytes (0: none).</summary>
        public static int SizeOf(int reasonStringLength)
        {
            int remaining = Remaining(reasonStringLength);
            return 1 + RemainingLength.SizeOf(remaining) + remaining;
        }

        // The reason code, then (with a Reason String) the property block.
        private static int Remaining(int reasonStringLength)
        {
            return reasonStringLength == 0 ? 1 : 1 + Properties.SizeOfBlock(Properties.SizeOfField(reasonStringLength));
        }

        /// <summary>
        /// Writes the server's 5.0 DISCONNECT: the reason code and, when <paramref name="reasonStringLength"/> &gt; 0, a
        /// Reason String copied from <paramref name="source"/>. Returns the position after it.
        /// </summary>
        public static int Write(byte[] buffer, int at, byte reasonCode, byte[] source, int reasonStringStart, int reasonStringLength)
        {
            buffer[at++] = PacketType.Disconnect << 4;
            at = Wire.WriteVarInt(buffer, at, Remaining(reasonStringLength));
            buffer[at++] = reasonCode;
            if (reasonStringLength == 0)
            {
                return at;
            }
            at = Wire.WriteVarInt(buffer, at, Properties.SizeOfField(reasonStringLength));
            return Properties.WriteField(buffer, at, PropertyId.ReasonString, source, reasonStringStart, reasonStringLength);
        }
    }
}
