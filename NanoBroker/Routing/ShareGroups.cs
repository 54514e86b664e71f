namespace NanoBroker.Routing
{
    /// <summary>
    /// The shared subscription groups [MQTT-4.8.2]: a group is a ShareName with a filter, its members the
    /// <see cref="SubscriptionTree"/> entries at the filter's node that name it. The ShareName is kept once, as the
    /// node of "$share/{ShareName}" in the <see cref="TopicNodes"/> tree (held while the group has members; it has no
    /// entries of its own, so matching never delivers through it). Preallocated: <c>max_share_groups</c> groups.
    /// </summary>
    public sealed class ShareGroups
    {
        private readonly TopicNodes nodes;

        /// <summary>The node of "$share/{ShareName}"; None for a free group.</summary>
        internal readonly int[] ShareNode;

        /// <summary>The node of the group's filter (where its members are).</summary>
        internal readonly int[] FilterNode;

        /// <summary>The member a message went to last (round robin); None when none has yet or it left.</summary>
        internal readonly int[] Cursor;

        /// <summary>The route that reached the group last (Router: each message goes to one member per group).</summary>
        internal readonly int[] RouteStamp;

        private readonly int[] members;

        public ShareGroups(TopicNodes nodes, int maxGroups)
        {
            this.nodes = nodes;
            ShareNode = new int[maxGroups];
            FilterNode = new int[maxGroups];
            Cursor = new int[maxGroups];
            RouteStamp = new int[maxGroups];
            members = new int[maxGroups];
            for (int g = 0; g < maxGroups; g++)
            {
                ShareNode[g] = TopicNodes.None;
                Cursor[g] = TopicNodes.None;
            }
        }

        /// <summary>Groups the broker can hold.</summary>
        public int Capacity { get { return ShareNode.Length; } }

        /// <summary>Groups with members.</summary>
        public int Count { get; private set; }

        /// <summary>The group of "$share/{ShareName}" (<paramref name="share"/>) and the filter node, or None.</summary>
        internal int Find(byte[] share, int offset, int count, int filterNode)
        {
            int shareNode = nodes.Find(share, offset, count);
            return shareNode == TopicNodes.None ? TopicNodes.None : FindByNodes(shareNode, filterNode);
        }

        /// <summary>One member more in the group (made when it is the first); the group, or None when no group or node is free.</summary>
        internal int Join(byte[] share, int offset, int count, int filterNode)
        {
            int group = Find(share, offset, count, filterNode);
            if (group == TopicNodes.None)
            {
                group = FindByNodes(TopicNodes.None, TopicNodes.None);
                if (group == TopicNodes.None)
                {
                    return TopicNodes.None;
                }
                int shareNode = nodes.Add(share, offset, count);
                if (shareNode == TopicNodes.None)
                {
                    return TopicNodes.None;
                }
                ShareNode[group] = shareNode;
                FilterNode[group] = filterNode;
                Cursor[group] = TopicNodes.None;
                Count++;
            }
            members[group]++;
            return group;
        }

        /// <summary>A member left the group; the last one frees it.</summary>
        internal void Leave(int group, int entry)
        {
            if (Cursor[group] == entry)
            {
                Cursor[group] = TopicNodes.None;
            }
            if (--members[group] == 0)
            {
                nodes.Release(ShareNode[group]);
                ShareNode[group] = TopicNodes.None;
                FilterNode[group] = TopicNodes.None;
                Count--;
            }
        }

        // A free group has no share node (and no filter node).
        private int FindByNodes(int shareNode, int filterNode)
        {
            for (int g = 0; g < ShareNode.Length; g++)
            {
                if (ShareNode[g] == shareNode && (shareNode == TopicNodes.None || FilterNode[g] == filterNode))
                {
                    return g;
                }
            }
            return TopicNodes.None;
        }
    }
}
