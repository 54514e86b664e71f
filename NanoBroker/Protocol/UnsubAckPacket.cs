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

        /// <summary>Writes the UNSUBACK (3.x: <paramref name="codes"/> unused, may be null). Returns the position after it.</summary>
        public static int Write(int version, byte[] buffer, int at, int packetId, byte[] codes, int count)
        {
            buffer[at++] = PacketType.UnsubAck << 4;
            at = Wire.WriteVarInt(buffer, at, Remaining(version, count));
            Wire.WriteUInt16(buffer, at, packetId);
            at += 2;
            if (version != ProtocolVersion.Mqtt5)
            {
                return at;
            }
            buffer[at++] = 0;
            for (int i = 0; i < count; i++)
            {
                buffer[at++] = codes[i];
            }
            return at;
        }
    }
}
