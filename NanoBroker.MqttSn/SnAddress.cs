namespace NanoBroker.MqttSn
{
    /// <summary>
    /// A UDP peer as the gateway keys it: an IPv4 address and a port packed into a long, (address &lt;&lt; 16) | port,
    /// the address's first octet highest. The edges convert their endpoints to and from it; the core compares longs.
    /// </summary>
    public static class SnAddress
    {
        /// <summary>The key of <paramref name="ipv4"/> (four octets, network order) and <paramref name="port"/>.</summary>
        public static long Make(byte[] ipv4, int port)
        {
            long a = ((long)ipv4[0] << 24) | ((long)ipv4[1] << 16) | ((long)ipv4[2] << 8) | ipv4[3];
            return (a << 16) | (long)(port & 0xFFFF);
        }

        /// <summary>The IPv4 address of a key, as an unsigned 32-bit value in a long.</summary>
        public static long Ip(long address)
        {
            return (address >> 16) & 0xFFFFFFFFL;
        }

        public static int Port(long address)
        {
            return (int)(address & 0xFFFF);
        }

        /// <summary>Writes the four octets of the key's address into <paramref name="into"/>.</summary>
        public static void IpBytes(long address, byte[] into)
        {
            long ip = Ip(address);
            into[0] = (byte)(ip >> 24);
            into[1] = (byte)(ip >> 16);
            into[2] = (byte)(ip >> 8);
            into[3] = (byte)ip;
        }

        /// <summary>"a.b.c.d:port", for logs.</summary>
        public static string ToText(long address)
        {
            long ip = Ip(address);
            return ((ip >> 24) & 0xFF).ToString() + "." + ((ip >> 16) & 0xFF).ToString() + "." + ((ip >> 8) & 0xFF).ToString() + "." + (ip & 0xFF).ToString() + ":" + Port(address).ToString();
        }
    }
}
