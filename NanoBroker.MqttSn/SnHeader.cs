namespace NanoBroker.MqttSn
{
    /// <summary>
    /// The MQTT-SN message header (v1.2 section 5.2): a Length octet, or 0x01 followed by a two-octet Length for
    /// messages of 256 octets or more, then MsgType. Length counts the whole message, header included.
    /// </summary>
    public static class SnHeader
    {
        /// <summary>
        /// The offset of the MsgType octet of the datagram at <paramref name="offset"/>, or -1 when the Length field does
        /// not match the datagram's size (UDP carries one message per datagram: any other length is malformed).
        /// </summary>
        public static int TypeAt(byte[] buffer, int offset, int count)
        {
            if (count < 2)
            {
                return -1;
            }
            if (buffer[offset] != 0x01)
            {
                return buffer[offset] == count ? offset + 1 : -1;
            }
            if (count < 4)
            {
                return -1;
            }
            int length = (buffer[offset + 1] << 8) | buffer[offset + 2];
            return length == count && length >= 256 ? offset + 3 : -1;
        }

        /// <summary>The header's size for a message of <paramref name="bodyBytes"/> after MsgType.</summary>
        public static int Size(int bodyBytes)
        {
            return bodyBytes + 2 < 256 ? 2 : 4;
        }

        /// <summary>Writes the header of a message with <paramref name="bodyBytes"/> after MsgType; returns where the body starts.</summary>
        public static int Write(byte[] buffer, int at, byte type, int bodyBytes)
        {
            int total = bodyBytes + Size(bodyBytes);
            if (total < 256)
            {
                buffer[at] = (byte)total;
                buffer[at + 1] = type;
                return at + 2;
            }
            buffer[at] = 0x01;
            buffer[at + 1] = (byte)(total >> 8);
            buffer[at + 2] = (byte)total;
            buffer[at + 3] = type;
            return at + 4;
        }

        /// <summary>Reads a big-endian two-octet field.</summary>
        public static int ReadUInt16(byte[] buffer, int at)
        {
            return (buffer[at] << 8) | buffer[at + 1];
        }
    }
}
