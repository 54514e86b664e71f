namespace NanoBroker.Sessions
{
    /// <summary>
    /// The MQTT 5.0 Topic Alias tables, for fewer connections than there are slots (MaxTopicAliasClients): a 5.0
    /// connection borrows a pair (the aliases its client sets, those the broker sets toward it) when its CONNECT is
    /// accepted, while one is free, and gives it back when it ends. A connection without tables keeps
    /// <see cref="TopicAliases.None"/>: its CONNACK announces no Topic Alias Maximum, so its client may send no alias
    /// [MQTT-3.3.2-9], and the broker sends it none.
    /// </summary>
    internal sealed class TopicAliasPool
    {
        private readonly TopicAliases[] inbound;
        private readonly TopicAliases[] outbound;

        // The connection each pair is lent to, or null.
        private readonly Connection[] borrower;

        /// <summary>
        /// <paramref name="pairs"/> pairs of tables: <paramref name="inboundAliases"/> aliases the client may set and
        /// <paramref name="outboundAliases"/> the broker may use, each over <paramref name="aliasBytes"/> of topics.
        /// </summary>
        internal TopicAliasPool(int pairs, int inboundAliases, int outboundAliases, int aliasBytes)
        {
            if (inboundAliases == 0 && outboundAliases == 0)
            {
                pairs = 0;
            }
            inbound = new TopicAliases[pairs];
            outbound = new TopicAliases[pairs];
            borrower = new Connection[pairs];
            for (int i = 0; i < pairs; i++)
            {
                inbound[i] = inboundAliases > 0 ? new TopicAliases(inboundAliases, aliasBytes, false) : TopicAliases.None;
                outbound[i] = outboundAliases > 0 ? new TopicAliases(outboundAliases, aliasBytes, true) : TopicAliases.None;
            }
        }

        /// <summary>Lends <paramref name="c"/> a free pair, cleared [MQTT-3.3.2-7]; with none free it keeps none.</summary>
        internal void Lend(Connection c)
        {
            for (int i = 0; i < borrower.Length; i++)
            {
                if (borrower[i] == null)
                {
                    borrower[i] = c;
                    inbound[i].Clear();
                    outbound[i].Clear();
                    c.InboundAliases = inbound[i];
                    c.OutboundAliases = outbound[i];
                    return;
                }
            }
        }

        /// <summary>The pair <paramref name="c"/> borrowed, if any, comes back.</summary>
        internal void GiveBack(Connection c)
        {
            for (int i = 0; i < borrower.Length; i++)
            {
                if (borrower[i] == c)
                {
                    borrower[i] = null;
                }
            }
            c.InboundAliases = TopicAliases.None;
            c.OutboundAliases = TopicAliases.None;
        }
    }
}
