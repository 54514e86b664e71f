namespace NanoBroker.Protocol
{
    /// <summary>
    /// CONNACK (section 3.2), encoder. The engine speaks 5.0 reason codes; for 3.x they are mapped to the return
    /// codes of 3.1.1 section 3.2.2.3, as MQTTnet's MqttConnectReasonCodeConverter does.
    /// </summary>
    public static class ConnAckPacket
    {
        /// <summary>The size of the CONNACK: 4 bytes for 3.x; for 5.0 with the properties set (null: none).</summary>
        public static int SizeOf(int version, ConnAckProperties properties)
        {
            int remaining = Remaining(version, properties);
            return 1 + RemainingLength.SizeOf(remaining) + remaining;
        }

        private static int Remaining(int version, ConnAckProperties properties)
        {
            return version == ProtocolVersion.Mqtt5 ? 2 + Properties.SizeOfBlock(properties == null ? 0 : properties.Length) : 2;
        }

        /// <summary>
        /// Writes the CONNACK: session present (false with any refusal [MQTT-3.2.2-4; 5.0: MQTT-3.2.2-6]) and the
        /// reason code, mapped by <see cref="ReturnCode"/> for 3.x; for 5.0 the properties set. Returns the position after it.
        /// </summary>
        public static int Write(int version, byte[] buffer, int at, bool sessionPresent, byte reasonCode, ConnAckProperties properties)
        {
            bool v5 = version == ProtocolVersion.Mqtt5;
            buffer[at++] = PacketType.ConnAck << 4;
            at = Wire.WriteVarInt(buffer, at, Remaining(version, properties));
            buffer[at++] = (byte)(sessionPresent ? 1 : 0);
            buffer[at++] = v5 ? reasonCode : ReturnCode(reasonCode);
            if (!v5)
            {
                return at;
            }
            at = Wire.WriteVarInt(buffer, at, properties == null ? 0 : properties.Length);
            return properties == null ? at : properties.Write(buffer, at);
        }

        /// <summary>
        /// The 3.x return code for a 5.0 reason code: 0x84 → 1, 0x85 → 2, 0x86 → 4, 0x87, 0x8A (banned) and
        /// 0x8C (bad authentication method) → 5, Success → 0, any other refusal → 3 (server unavailable).
        /// </summary>
        public static byte ReturnCode(byte reasonCode)
        {
            switch (reasonCode)
            {
                case ReasonCode.Success: return ConnectReturnCode.Accepted;
                case ReasonCode.UnsupportedProtocolVersion: return ConnectReturnCode.UnacceptableProtocolVersion;
                case ReasonCode.ClientIdentifierNotValid: return ConnectReturnCode.IdentifierRejected;
                case ReasonCode.BadUserNameOrPassword: return ConnectReturnCode.BadUserNameOrPassword;
                case ReasonCode.NotAuthorized:
                case ReasonCode.Banned:
                case ReasonCode.BadAuthenticationMethod:
                    return ConnectReturnCode.NotAuthorized;
                default: return ConnectReturnCode.ServerUnavailable;
            }
        }
    }
}
