namespace NanoBroker.Bridge
{
    /// <summary>Which way a bridge topic rule carries messages (mosquitto's <c>out</c>, <c>in</c>, <c>both</c>).</summary>
    public enum BridgeDirection
    {
        /// <summary>From this broker to the upstream broker.</summary>
        Out = 1,

        /// <summary>From the upstream broker to this broker.</summary>
        In = 2,

        /// <summary>Both ways.</summary>
        Both = 3,
    }
}
