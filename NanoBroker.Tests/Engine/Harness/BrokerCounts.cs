namespace NanoBroker.Tests.Engine.Harness
{
    /// <summary>
    /// The engine's pools and tables as counts, to compare before and after a workload: whatever a workload takes
    /// must come back (connection slots, message blocks and slots, subscriptions, sessions, retained messages,
    /// topic-tree nodes and level bytes).
    /// </summary>
    public static class BrokerCounts
    {
        /// <summary>What each count of <see cref="Of"/> is, in order.</summary>
        public static readonly string[] Names =
        {
            "FreeConnections", "Messages.FreeBlocks", "Messages.FreeMessages", "Subscriptions.Count", "SessionCount",
            "ConnectedClients", "Retained.Count", "Subscriptions.Nodes.Count", "Subscriptions.Nodes.BytesUsed",
        };

        public static int[] Of(Broker b)
        {
            return new int[]
            {
                b.FreeConnections, b.Messages.FreeBlocks, b.Messages.FreeMessages, b.Subscriptions.Count, b.SessionCount,
                b.ConnectedClients, b.Retained.Count, b.Subscriptions.Nodes.Count, b.Subscriptions.Nodes.BytesUsed,
            };
        }
    }
}
