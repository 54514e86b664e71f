namespace NanoBroker.Routing
{
    /// <summary>
    /// Every subscription of every session, each an entry at its filter's node of the <see cref="TopicNodes"/>
    /// tree, in fixed-size arrays with a free list. An entry is in two lists: its node's (the sessions that
    /// subscribed to that filter) and its session's (to remove them all without searching). A session is an int
    /// here. Entries keep their index for their life.
    ///
    /// Matching walks the tree along the topic's levels: at each node the literal child of the next level, the
    /// '+' child, and the '#' child (which matches what is left, none included: "a/#" matches "a"), without
    /// recursion: the walk climbs back through the parents and recomputes the topic's offsets, so its state is a
    /// few fields, whatever the topic's depth, and it climbs only while a '+' branch is left to try. Its cost
    /// follows the topic's levels and the branches that match, not the number of subscriptions.
    /// </summary>
    public sealed class SubscriptionTree
    {
        public const int None = TopicNodes.None;

        // The steps of the walk at a node: its own entries (when the topic ends there), its '#' child's entries,
        // into its literal child, into its '+' child, back up.
        private const int StepOwn = 0;
        private const int StepHash = 1;
        private const int StepLiteral = 2;
        private const int StepPlus = 3;
        private const int StepUp = 4;

        private readonly TopicNodes nodes;

        internal readonly int[] Session;
        internal readonly byte[] Qos;
        private readonly int[] entryNode;

        /// <summary>5.0 option bits of an entry, as the SubscriptionSet record's flags (docs/record-format.md).</summary>
        public const int NoLocal = 0x04;
        public const int RetainAsPublished = 0x08;

        // The entry's 5.0 options (NoLocal, RetainAsPublished), its Subscription Identifier (0: none), and its
        // shared subscription group in Groups (None: not shared).
        internal readonly byte[] Options;
        internal readonly int[] Identifier;
        internal readonly int[] Group;

        /// <summary>The shared subscription groups the shared entries belong to.</summary>
        public readonly ShareGroups Groups;

        // What the access rules give the entry's session through its filter, a Security.SubscribeAccess value:
        // Granted; Checked (a deny rule overlaps it: each message is checked); Refused (the rules no longer grant it
        // when restored from the log: the entry stays, so that a rule granted again at a later start takes effect,
        // but nothing is delivered).
        internal readonly byte[] Access;

        // Retained messages still to be sent for a new subscription: those set no later than this RetainedTree
        // stamp (later ones reached the subscription live); 0 when none is left to send.
        internal readonly long[] RetainedUntil;

        // The node whose retained message the subscription sends next (held in the tree), or None before the first.
        internal readonly int[] RetainedCursor;

        private readonly int[] nextInNode;
        private readonly int[] prevInNode;
        private readonly int[] nextOfSession;
        private readonly int[] prevOfSession;
        private readonly int[] firstInNode;
        private readonly int[] firstOfSession;
        private int freeHead;

        // The match in progress: the topic, the node the walk stands on, the offsets of the topic level its
        // children match (past the end when the topic ends at the node), the next step there, the next entry,
        // and how many nodes above it have a '+' child still to try.
        private byte[] matchTopic;
        private int matchStart;
        private int matchEnd;
        private int matchNode;
        private int matchLevel;
        private int matchLevelEnd;
        private int matchStep;
        private int matchEntry;
        private int matchPending;

        public SubscriptionTree(TopicNodes nodes, int maxEntries, int maxSessions)
            : this(nodes, maxEntries, maxSessions, 0)
        {
        }

        /// <summary>A tree with room for <paramref name="maxShareGroups"/> shared subscription groups.</summary>
        public SubscriptionTree(TopicNodes nodes, int maxEntries, int maxSessions, int maxShareGroups)
        {
            this.nodes = nodes;
            Session = new int[maxEntries];
            Qos = new byte[maxEntries];
            Options = new byte[maxEntries];
            Identifier = new int[maxEntries];
            Group = new int[maxEntries];
            Groups = new ShareGroups(nodes, maxShareGroups);
            entryNode = new int[maxEntries];
            Access = new byte[maxEntries];
            RetainedUntil = new long[maxEntries];
            RetainedCursor = new int[maxEntries];
            nextInNode = new int[maxEntries];
            prevInNode = new int[maxEntries];
            nextOfSession = new int[maxEntries];
            prevOfSession = new int[maxEntries];
            firstInNode = new int[nodes.Slots];
            firstOfSession = new int[maxSessions];
            for (int e = 0; e < maxEntries; e++)
            {
                entryNode[e] = None;
                nextOfSession[e] = e + 1 < maxEntries ? e + 1 : None;
            }
            for (int n = 0; n < firstInNode.Length; n++)
            {
                firstInNode[n] = None;
            }
            for (int s = 0; s < maxSessions; s++)
            {
                firstOfSession[s] = None;
            }
            matchNode = None;
            matchEntry = None;
        }

        /// <summary>Live entries.</summary>
        public int Count { get; private set; }

        /// <summary>Entries the tree can hold.</summary>
        public int Capacity { get { return Session.Length; } }

        /// <summary>The tree's nodes, shared with the retained messages.</summary>
        public TopicNodes Nodes { get { return nodes; } }

        /// <summary>The node of the entry's filter in <see cref="Nodes"/>; None for a free entry.</summary>
        public int NodeOf(int entry)
        {
            return entryNode[entry];
        }

        /// <summary>The first entry of a session, or None; <see cref="NextOf"/> gives the rest.</summary>
        public int FirstOf(int session)
        {
            return firstOfSession[session];
        }

        /// <summary>The entry after <paramref name="entry"/> in its session's list, or None.</summary>
        public int NextOf(int entry)
        {
            return nextOfSession[entry];
        }

        /// <summary>The first entry at a node (its filter's subscriptions), or None; <see cref="NextInNode"/> gives the rest.</summary>
        public int FirstInNode(int node)
        {
            return firstInNode[node];
        }

        /// <summary>The entry after <paramref name="entry"/> at its node, or None.</summary>
        public int NextInNode(int entry)
        {
            return nextInNode[entry];
        }

        /// <summary>The (not shared) entry of this session with exactly this filter, or None.</summary>
        public int Find(int session, byte[] filter, int offset, int count)
        {
            return FindIn(session, nodes.Find(filter, offset, count), None);
        }

        /// <summary>
        /// The shared entry of this session in the group of <paramref name="share"/> ("$share/{ShareName}") and the
        /// filter, or None.
        /// </summary>
        public int FindShared(int session, byte[] share, int shareOffset, int shareCount, byte[] filter, int offset, int count)
        {
            int node = nodes.Find(filter, offset, count);
            int group = node == None ? None : Groups.Find(share, shareOffset, shareCount, node);
            return group == None ? None : FindIn(session, node, group);
        }

        private int FindIn(int session, int node, int group)
        {
            if (node == None)
            {
                return None;
            }
            for (int e = firstInNode[node]; e != None; e = nextInNode[e])
            {
                if (Session[e] == session && Group[e] == group)
                {
                    return e;
                }
            }
            return None;
        }

        /// <summary>Adds an entry; returns its index, or None when the entries, the nodes or the level arena are full.</summary>
        public int Add(int session, byte[] filter, int offset, int count, int qos)
        {
            if (freeHead == None)
            {
                return None;
            }
            int node = nodes.Add(filter, offset, count);
            if (node == None)
            {
                return None;
            }
            int e = freeHead;
            freeHead = nextOfSession[e];
            Session[e] = session;
            Qos[e] = (byte)qos;
            Options[e] = 0;
            Identifier[e] = 0;
            Group[e] = None;
            entryNode[e] = node;
            Access[e] = 0; // SubscribeAccess.Granted until the engine sets what the rules give
            RetainedUntil[e] = 0;
            RetainedCursor[e] = None;
            Push(firstInNode, node, nextInNode, prevInNode, e);
            Push(firstOfSession, session, nextOfSession, prevOfSession, e);
            Count++;
            return e;
        }

        /// <summary>
        /// Adds a shared entry: the filter's subscription in the group of <paramref name="share"/> ("$share/{ShareName}",
        /// made when it is the first member); None when the entries, the groups, the nodes or the level arena are full.
        /// </summary>
        public int AddShared(int session, byte[] share, int shareOffset, int shareCount, byte[] filter, int offset, int count, int qos)
        {
            int e = Add(session, filter, offset, count, qos);
            if (e == None)
            {
                return None;
            }
            int group = Groups.Join(share, shareOffset, shareCount, entryNode[e]);
            if (group == None)
            {
                Remove(e);
                return None;
            }
            Group[e] = group;
            return e;
        }

        /// <summary>Sets an entry's 5.0 options and Subscription Identifier; false when they were those already.</summary>
        public bool SetOptions(int entry, int options, int identifier)
        {
            bool changed = Options[entry] != options || Identifier[entry] != identifier;
            Options[entry] = (byte)options;
            Identifier[entry] = identifier;
            return changed;
        }

        /// <summary>Sets an entry's granted QoS; false when it was that already.</summary>
        public bool SetQos(int entry, int qos)
        {
            bool changed = Qos[entry] != qos;
            Qos[entry] = (byte)qos;
            return changed;
        }

        /// <summary>Removes an entry.</summary>
        public void Remove(int entry)
        {
            MoveRetainedCursor(entry, None);
            int node = entryNode[entry];
            Unlink(firstInNode, node, nextInNode, prevInNode, entry);
            Unlink(firstOfSession, Session[entry], nextOfSession, prevOfSession, entry);
            entryNode[entry] = None;
            if (Group[entry] != None)
            {
                Groups.Leave(Group[entry], entry);
                Group[entry] = None;
            }
            nextOfSession[entry] = freeHead;
            freeHead = entry;
            Count--;
            nodes.Release(node);
        }

        /// <summary>Removes every entry of a session; returns how many.</summary>
        public int RemoveSession(int session)
        {
            int removed = 0;
            while (firstOfSession[session] != None)
            {
                Remove(firstOfSession[session]);
                removed++;
            }
            return removed;
        }

        /// <summary>The length of what <see cref="CopyFilter"/> writes.</summary>
        internal int FilterLength(int entry)
        {
            int length = nodes.PathLength(entryNode[entry]);
            return Group[entry] != None ? length + 1 + nodes.PathLength(Groups.ShareNode[Group[entry]]) : length;
        }

        /// <summary>Writes the entry's filter at <paramref name="offset"/> ("$share/{ShareName}/{filter}" when shared); returns its length.</summary>
        public int CopyFilter(int entry, byte[] buffer, int offset)
        {
            int at = offset;
            if (Group[entry] != None)
            {
                at += nodes.CopyPath(Groups.ShareNode[Group[entry]], buffer, at);
                buffer[at++] = Topic.Separator;
            }
            return at - offset + nodes.CopyPath(entryNode[entry], buffer, at);
        }

        /// <summary>The entry is to get the retained messages set no later than <paramref name="until"/>, from the first one on.</summary>
        public void StartRetained(int entry, long until)
        {
            RetainedUntil[entry] = until;
            MoveRetainedCursor(entry, None);
        }

        /// <summary>The entry has no retained message left to get.</summary>
        public void RetainedSent(int entry)
        {
            RetainedUntil[entry] = 0;
        }

        /// <summary>What the access rules give the entry's session through its filter (a Security.SubscribeAccess value).</summary>
        public void SetAccess(int entry, byte access)
        {
            Access[entry] = access;
        }

        /// <summary>Moves the entry's retained cursor to <paramref name="node"/> (None: no node), holding it in the tree.</summary>
        public void MoveRetainedCursor(int entry, int node)
        {
            int old = RetainedCursor[entry];
            if (node != None)
            {
                nodes.AddRef(node);
            }
            RetainedCursor[entry] = node;
            if (old != None)
            {
                nodes.Release(old);
            }
        }

        /// <summary>
        /// Starts a walk over the entries whose filter matches the topic [MQTT-4.7.1]; <see cref="NextMatch"/> gives
        /// them one by one. The tree must not change until the walk ends.
        /// </summary>
        public void StartMatch(byte[] topic, int offset, int count)
        {
            matchTopic = topic;
            matchStart = offset;
            matchEnd = offset + count;
            matchNode = TopicNodes.RootOf(topic, offset, count);
            matchLevel = offset;
            matchStep = StepHash;
            matchEntry = None;
            matchPending = 0;
        }

        /// <summary>The next entry matching the topic of <see cref="StartMatch"/>, or None when there is none left.</summary>
        public int NextMatch()
        {
            while (true)
            {
                if (matchEntry != None)
                {
                    int e = matchEntry;
                    matchEntry = nextInNode[e];
                    return e;
                }
                if (matchNode == None)
                {
                    return None;
                }
                int node = matchNode;
                bool topicEnds = matchLevel > matchEnd;
                switch (matchStep)
                {
                    case StepOwn:
                        matchStep = StepHash;
                        if (topicEnds)
                        {
                            matchEntry = firstInNode[node];
                        }
                        break;
                    case StepHash:
                        // '#' matches the levels left, and none: "a/#" matches "a" (section 4.7.1.2).
                        matchStep = StepLiteral;
                        int hash = nodes.HashChild(node);
                        if (hash != None)
                        {
                            matchEntry = firstInNode[hash];
                        }
                        break;
                    case StepLiteral:
                        matchStep = StepPlus;
                        if (!topicEnds)
                        {
                            matchLevelEnd = TopicNodes.LevelEnd(matchTopic, matchLevel, matchEnd);
                            int child = nodes.FindChild(node, matchTopic, matchLevel, matchLevelEnd - matchLevel);
                            if (child != None && nodes.HasPlusChild(node))
                            {
                                matchPending++;
                            }
                            Enter(child, matchLevelEnd);
                        }
                        break;
                    case StepPlus:
                        matchStep = StepUp;
                        if (!topicEnds)
                        {
                            Enter(nodes.PlusChild(node), matchLevelEnd);
                        }
                        break;
                    default:
                        // Nothing is left above this node (nor at the root) unless a '+' branch is.
                        if (matchPending == 0)
                        {
                            matchNode = None;
                            break;
                        }
                        // Back to the parent, whose children match the level this node matched.
                        int parent = nodes.Parent[node];
                        int levelEnd = topicEnds ? matchEnd : matchLevel - 1;
                        int levelStart = levelEnd;
                        while (levelStart > matchStart && matchTopic[levelStart - 1] != Topic.Separator)
                        {
                            levelStart--;
                        }
                        matchNode = parent;
                        matchLevel = levelStart;
                        matchLevelEnd = levelEnd;
                        matchStep = StepUp;
                        if (!nodes.IsPlus(node))
                        {
                            matchStep = StepPlus;
                            if (nodes.HasPlusChild(parent))
                            {
                                matchPending--;
                            }
                        }
                        break;
                }
            }
        }

        // Steps into a child that matched the topic level ending at `levelEnd`; nothing when there is no child.
        private void Enter(int child, int levelEnd)
        {
            if (child == None)
            {
                return;
            }
            matchNode = child;
            matchLevel = levelEnd + 1;
            matchStep = StepOwn;
        }

        private static void Push(int[] heads, int head, int[] next, int[] prev, int e)
        {
            int first = heads[head];
            next[e] = first;
            prev[e] = None;
            if (first != None)
            {
                prev[first] = e;
            }
            heads[head] = e;
        }

        private static void Unlink(int[] heads, int head, int[] next, int[] prev, int e)
        {
            if (prev[e] != None)
            {
                next[prev[e]] = next[e];
            }
            else
            {
                heads[head] = next[e];
            }
            if (next[e] != None)
            {
                prev[next[e]] = prev[e];
            }
        }
    }
}
