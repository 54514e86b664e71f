namespace NanoBroker.Protocol
{
    /// <summary>
    /// What SUBSCRIBE and UNSUBSCRIBE open with (sections 3.8.1-3.8.2, 3.10.1-3.10.2): fixed-header flags 0010, a non-zero
    /// packet identifier and, in 5.0, a property block. Their filter lists follow.
    /// </summary>
    internal static class FilterPacketHeader
    {
        /// <summary>
        /// Decodes the opening of a SUBSCRIBE or UNSUBSCRIBE (<paramref name="type"/>) into <paramref name="packetId"/>
        /// and <paramref name="properties"/>; <paramref name="p"/> ends at its first filter. Returns Success,
        /// MalformedPacket or ProtocolError with the violated statement in <paramref name="problem"/>.
        /// </summary>
        internal static byte Decode(int version, int type, int flags, byte[] b, ref int p, int end, Properties properties, out int packetId, out string problem)
        {
            bool subscribe = type == PacketType.Subscribe;
            packetId = 0;
            problem = null;
            if (flags != PacketType.RequiredFlags(type))
            {
                problem = subscribe ? "invalid SUBSCRIBE fixed header flags [MQTT-3.8.1-1]" : "invalid UNSUBSCRIBE fixed header flags [MQTT-3.10.1-1]";
                return ReasonCode.MalformedPacket;
            }
            if (!Wire.ReadUInt16(b, ref p, end, out packetId))
            {
                problem = subscribe ? "SUBSCRIBE without a packet identifier [MQTT-2.3.1-1]" : "UNSUBSCRIBE without a packet identifier [MQTT-2.3.1-1]";
                return ReasonCode.MalformedPacket;
            }
            if (packetId == 0)
            {
                problem = subscribe ? "SUBSCRIBE with packet identifier 0 [MQTT-2.3.1-1]" : "UNSUBSCRIBE with packet identifier 0 [MQTT-2.3.1-1]";
                return ReasonCode.ProtocolError;
            }
            if (version != ProtocolVersion.Mqtt5)
            {
                properties.Clear(b, p);
                return ReasonCode.Success;
            }
            byte code = properties.Decode(type, b, p, end, out p);
            problem = properties.Problem;
            return code;
        }
    }
}
