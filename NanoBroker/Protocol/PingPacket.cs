namespace NanoBroker.Protocol
{
    /// <summary>PINGREQ and PINGRESP (sections 3.12, 3.13): a fixed header and nothing else, in every version.</summary>
    public static class PingPacket
    {
        /// <summary>The size of a PINGRESP.</summary>
        public const int Size = 2;

        /// <summary>Checks a PINGREQ: flags 0 [MQTT-2.2.2-2] and no body. Success or MalformedPacket.</summary>
        public static byte DecodeRequest(int flags, int body, int end)
        {
            return flags == 0 && body == end ? ReasonCode.Success : ReasonCode.MalformedPacket;
        }

        /// <summary>Writes a PINGRESP at <paramref name="at"/>; returns the position after it.</summary>
        public static int WriteResponse(byte[] buffer, int at)
        {
            buffer[at] = PacketType.PingResp << 4;
            buffer[at + 1] = 0;
            return at + 2;
        }
    }
}
