namespace NanoBroker.Protocol
{
    /// <summary>
    /// UNSUBACK (section 3.11), encoder: the packet identifier; in 5.0 also an empty property block and one
    /// reason code per filter, in order [MQTT-3.11.3-1] (Success, NoSubscriptionExisted, NotAuthorized, …).
    /// </summary>
    public static class UnsubAckPacket
    {
        /// <summary>The size of an UNSUBACK for <paramref name="count"/> filters.</summary>
        public static int SizeOf(int version, int count)
        {
            int remaining = Remaining(version, count);
            return 1 + RemainingLength.SizeOf(remaining) + remaining;
        }

        private static int Remaining(int version, int count)
        {
            return version == ProtocolVersion.Mqtt5 ? 3 + count : 2;
        }

        /// <summary>
        /// Writes everything before the reason codes of an UNSUBACK for <paramref name="count"/> filters (the 5.0
        /// property block empty); returns where the caller writes one reason code per filter, in order (5.0 only:
        /// a 3.x UNSUBACK ends here).
        /// </summary>
        public static int WriteHeader(int version, byte[] buffer, int at, int packetId, int count)
        {
            buffer[at++] = PacketType.UnsubAck << 4;
            at = Wire.WriteVarInt(buffer, at, Remaining(version, count));
            Wire.WriteUInt16(buffer, at, packetId);
            at += 2;
            if (version == ProtocolVersion.Mqtt5)
            {
                buffer[at++] = 0;
            }
            return at;
        }

        /// <summary>Writes the UNSUBACK (3.x: <paramref name="codes"/> unused, may be null). Returns the position after it.</summary>
        public static int Write(int version, byte[] buffer, int at, int packetId, byte[] codes, int count)
        {
            at = WriteHeader(version, buffer, at, packetId, count);
            if (version != ProtocolVersion.Mqtt5)
            {
                return at;
            }
            for (int i = 0; i < count; i++)
            {
                buffer[at++] = codes[i];
            }
            return at;
        }
    }
}
