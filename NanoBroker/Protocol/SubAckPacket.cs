namespace NanoBroker.Protocol
{
    /// <summary>
    /// SUBACK (section 3.9), encoder: one code per filter, in order [MQTT-3.8.4-6 in 5.0; MQTT-3.8.4-5 in 3.1.1].
    /// The engine gives 5.0 codes (a granted QoS, or a refusal of 0x80 or more); <see cref="Code"/> maps them per version.
    /// </summary>
    public static class SubAckPacket
    {
        private const byte Failure = 0x80;

        /// <summary>The size of a SUBACK for <paramref name="count"/> filters (5.0: with an empty property block).</summary>
        public static int SizeOf(int version, int count)
        {
            int remaining = Remaining(version, count);
            return 1 + RemainingLength.SizeOf(remaining) + remaining;
        }

        private static int Remaining(int version, int count)
        {
            return 2 + (version == ProtocolVersion.Mqtt5 ? 1 : 0) + count;
        }

        /// <summary>
        /// The byte sent for a filter: 5.0 sends <paramref name="reasonCode"/>; 3.1.1 sends a refusal as 0x80; 3.1 has
        /// no failure code, so its client is told the QoS it asked for, <paramref name="requestedQos"/>, as mosquitto does.
        /// </summary>
        public static byte Code(int version, byte reasonCode, int requestedQos)
        {
            if (reasonCode < Failure || version == ProtocolVersion.Mqtt5)
            {
                return reasonCode;
            }
            return version == ProtocolVersion.Mqtt31 ? (byte)requestedQos : Failure;
        }

        /// <summary>
        /// Writes everything before the return codes of a SUBACK for <paramref name="count"/> filters (the 5.0 property
        /// block empty); returns where the caller writes each filter's <see cref="Code"/>, in order. Lets the engine
        /// write the codes straight into its outbox as it acts on each filter, with no array per packet.
        /// </summary>
        public static int WriteHeader(int version, byte[] buffer, int at, int packetId, int count)
        {
            buffer[at++] = PacketType.SubAck << 4;
            at = Wire.WriteVarInt(buffer, at, Remaining(version, count));
            Wire.WriteUInt16(buffer, at, packetId);
            at += 2;
            if (version == ProtocolVersion.Mqtt5)
            {
                buffer[at++] = 0;
            }
            return at;
        }

        /// <summary>
        /// Writes the SUBACK for the first <paramref name="count"/> of <paramref name="codes"/> (5.0 codes) and
        /// <paramref name="requestedQos"/> (each filter's requested QoS, for 3.1). Returns the position after it.
        /// </summary>
        public static int Write(int version, byte[] buffer, int at, int packetId, byte[] codes, byte[] requestedQos, int count)
        {
            at = WriteHeader(version, buffer, at, packetId, count);
            for (int i = 0; i < count; i++)
            {
                buffer[at++] = Code(version, codes[i], requestedQos[i]);
            }
            return at;
        }
    }
}
