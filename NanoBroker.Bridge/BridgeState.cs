namespace NanoBroker.Bridge
{
    /// <summary>Where a bridge's upstream connection stands; the edge acts on <see cref="Connecting"/> and <see cref="Closing"/>.</summary>
    public enum BridgeState
    {
        /// <summary>Not connected: waiting out the back-off before the next attempt.</summary>
        Waiting = 0,

        /// <summary>The edge is to open the connection (DNS, TCP, TLS) and call Connected or Disconnected.</summary>
        Connecting = 1,

        /// <summary>CONNECT sent; waiting for CONNACK.</summary>
        AwaitingConnAck = 2,

        /// <summary>Connected; SUBSCRIBE for the in rules sent, waiting for SUBACK before messages go up.</summary>
        Subscribing = 3,

        /// <summary>Messages flow both ways.</summary>
        Ready = 4,

        /// <summary>The bridge gave up on the connection: the edge closes it and calls Disconnected.</summary>
        Closing = 5,
    }
}
