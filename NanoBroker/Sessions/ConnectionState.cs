namespace NanoBroker.Sessions
{
    /// <summary>Where a connection slot is in its life.</summary>
    public enum ConnectionState
    {
        /// <summary>The slot is unused.</summary>
        Free = 0,

        /// <summary>Open; the first packet must be CONNECT.</summary>
        AwaitingConnect = 1,

        /// <summary>
        /// MQTT 5.0 enhanced authentication under way (section 4.12): CONNECT began it, only AUTH may come until
        /// CONNACK; the connect timeout still runs.
        /// </summary>
        Authenticating = 4,
        /// <summary>CONNECT accepted; the connection is attached to a session.</summary>
        Connected = 2,

        /// <summary>The engine is done with it: the edge sends what is left in the outbox, closes the socket and calls Broker.Closed.</summary>
        Closing = 3,
    }
}
