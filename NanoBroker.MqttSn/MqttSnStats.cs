namespace NanoBroker.MqttSn
{
    /// <summary>
    /// The gateway's counters. Malformed datagrams and dropped messages also count in the broker's
    /// <c>BrokerStats.MessagesDropped</c>, which <c>$SYS/broker/messages/dropped</c> publishes.
    /// </summary>
    public sealed class MqttSnStats
    {
        /// <summary>Datagrams received (accepted or not).</summary>
        public long DatagramsReceived;

        /// <summary>Datagrams sent.</summary>
        public long DatagramsSent;

        /// <summary>Malformed datagrams dropped: wrong length field, unknown type, a field out of range.</summary>
        public long Malformed;

        /// <summary>Datagrams from a source the allow-list refuses, and CONNECTs with a client id it refuses.</summary>
        public long Refused;

        /// <summary>Datagrams from an address with no connected client (answered with DISCONNECT), and claims on another
        /// address's client (a CONNECT or wake-up PINGREQ for a client id connected from elsewhere).</summary>
        public long Unknown;

        /// <summary>Messages dropped: to a client (no topic id left, too large for a datagram) or from one (no room in the engine).</summary>
        public long Dropped;

        /// <summary>Retransmissions (section 6.13).</summary>
        public long Retransmissions;

        /// <summary>Clients lost: keep-alive or sleep duration overrun, or retries exhausted (their wills are published).</summary>
        public long Lost;
    }
}
