namespace NanoBroker.Routing
{
    /// <summary>
    /// The topic tree: one node per topic level, shared by the subscriptions' filters and the retained
    /// messages' topics, in arrays sized once at start. A path from a root to a node spells a filter or a
    /// topic, one level per node:
    /// <code>
    ///   Plain root ── "site" ── "+" ── "state"         filter site/+/state
    ///                    │      └── "#"                filter site/+/#
    ///                    └── "dev3" ── "state"         topic site/dev3/state (retained), filter site/dev3/state
    ///   Dollar root ── "$SYS" ── "broker" ── ...       topics and filters whose first level starts with '$'
    /// </code>
    /// A node's children, '+' and '#' among them as in mosquitto, are kept in a list (to enumerate them) and
    /// found by level bytes through one open-addressing index keyed by (parent, level): linear probing, with
    /// backward-shift deletion so that no tombstones build up. A level "+" or "#" can only be a wildcard (a
    /// topic name has none, and a filter has them alone in their level [MQTT-4.7.1-2, MQTT-4.7.1-3]).
    /// Filters and topics starting with '$' hang under a root of their own, so that a filter starting with a
    /// wildcard never reaches them [MQTT-4.7.2-1], as mosquitto's empty first level does. An empty level
    /// ("a//b") is an ordinary literal node.
    ///
    /// A node lives while something uses it: a child, a subscription, a retained message, a reader's cursor.
    /// When its last use goes it is unlinked and freed, and its parent loses a use in turn.
    ///
    /// A literal level's bytes sit once in the level arena, after a 4-byte header naming the owning node; a freed
    /// level's header holds its size instead (negated), so that when the arena runs out, one pass can slide the
    /// live levels down over the gaps. The arena's first two bytes are "+" and "#", the level of every wildcard node.
    /// </summary>
    public sealed class TopicNodes
    {
        public const int None = -1;

        /// <summary>The root of filters and topics whose first level does not start with '$'.</summary>
        public const int PlainRoot = 0;

        /// <summary>The root of filters and topics whose first level starts with '$' (only literal children).</summary>
        public const int DollarRoot = 1;

        private const int HeaderBytes = 4;

        // Bits of `wildcards`: the node has a '+' child, a '#' child.
        private const byte HasPlus = 1;
        private const byte HasHash = 2;

        // Arena offsets of the wildcard levels, and where the stored levels begin.
        private const int PlusAt = 0;
        private const int HashAt = 1;
        private const int LevelsAt = 2;

        internal readonly int[] Parent;
        internal readonly int[] FirstChild;
        internal readonly int[] NextSibling;
        private readonly int[] prevSibling;
        internal readonly int[] LevelStart;
        internal readonly int[] LevelLength;
        internal readonly byte[] Arena;
        private readonly int[] uses;

        // Which wildcard children a node has: most have none, and routing asks at every level of every topic.
        private readonly byte[] wildcards;

        // Child nodes by (parent, level) hash; None marks an empty slot. A power of two with a quarter more slots
        // than nodes or more: at most 80 % full, so probes stay short.
        private readonly int[] index;
        private readonly int indexMask;

        private int freeHead;
        private int arenaUsed;
        private int arenaGarbage;

        public TopicNodes(int maxNodes, int levelBytes)
        {
            int capacity = maxNodes + 2;
            Parent = new int[capacity];
            FirstChild = new int[capacity];
            NextSibling = new int[capacity];
            prevSibling = new int[capacity];
            LevelStart = new int[capacity];
            LevelLength = new int[capacity];
            uses = new int[capacity];
            wildcards = new byte[capacity];
            Arena = new byte[LevelsAt + levelBytes];
            Arena[PlusAt] = Topic.SingleLevel;
            Arena[HashAt] = Topic.MultiLevel;
            arenaUsed = LevelsAt;
            int slots = 4;
            while (slots < capacity + capacity / 4)
            {
                slots <<= 1;
            }
            index = new int[slots];
            indexMask = slots - 1;
            for (int i = 0; i < slots; i++)
            {
                index[i] = None;
            }
            for (int n = 0; n < capacity; n++)
            {
                Parent[n] = None;
                FirstChild[n] = None;
                prevSibling[n] = None;
                NextSibling[n] = n + 1 < capacity ? n + 1 : None;
            }
            // The roots are never freed.
            NextSibling[PlainRoot] = None;
            NextSibling[DollarRoot] = None;
            freeHead = 2;
        }

        /// <summary>Nodes in use, the two roots not counted.</summary>
        public int Count { get; private set; }

        /// <summary>Nodes the tree can hold beside its roots.</summary>
        public int Capacity { get { return uses.Length - 2; } }

        /// <summary>Node indexes run from 0 to this less one (roots included): the size of arrays kept per node.</summary>
        public int Slots { get { return uses.Length; } }

        /// <summary>Bytes the stored levels take in the level arena, their headers included.</summary>
        public int BytesUsed { get { return arenaUsed - arenaGarbage - LevelsAt; } }

        /// <summary>The nodes and level-arena bytes these topics take together (a level shared by several counted once).</summary>
        public static void Measure(byte[][] topics, out int nodeCount, out int levelBytes)
        {
            nodeCount = 0;
            levelBytes = 0;
            for (int i = 0; i < topics.Length; i++)
            {
                byte[] t = topics[i];
                for (int start = 0; start <= t.Length; start++)
                {
                    int end = LevelEnd(t, start, t.Length);
                    if (!PrefixOfEarlier(topics, i, end))
                    {
                        nodeCount++;
                        levelBytes += end > start ? HeaderBytes + end - start : 0;
                    }
                    start = end;
                }
            }
        }

        // True when a topic before topics[i] has the levels topics[i] has up to `end`.
        private static bool PrefixOfEarlier(byte[][] topics, int i, int end)
        {
            byte[] t = topics[i];
            for (int j = 0; j < i; j++)
            {
                byte[] other = topics[j];
                if (other.Length >= end && (other.Length == end || other[end] == Topic.Separator) && Topic.Equal(other, 0, end, t, 0, end))
                {
                    return true;
                }
            }
            return false;
        }

        /// <summary>The root a filter or topic starting with these bytes hangs under.</summary>
        internal static int RootOf(byte[] bytes, int offset, int count)
        {
            return count > 0 && bytes[offset] == Topic.Dollar ? DollarRoot : PlainRoot;
        }

        /// <summary>True for a '+' node.</summary>
        internal bool IsPlus(int node)
        {
            return LevelStart[node] == PlusAt && LevelLength[node] == 1;
        }

        /// <summary>True for a '#' node.</summary>
        internal bool IsHash(int node)
        {
            return LevelStart[node] == HashAt && LevelLength[node] == 1;
        }

        /// <summary>True for a literal level (not a root, '+' or '#').</summary>
        internal bool IsLiteral(int node)
        {
            return Parent[node] != None && !IsPlus(node) && !IsHash(node);
        }

        /// <summary>True when the node has a '+' child.</summary>
        internal bool HasPlusChild(int node)
        {
            return (wildcards[node] & HasPlus) != 0;
        }

        /// <summary>The '+' child of a node, or None.</summary>
        internal int PlusChild(int node)
        {
            return HasPlusChild(node) ? FindChild(node, Arena, PlusAt, 1) : None;
        }

        /// <summary>The '#' child of a node, or None.</summary>
        internal int HashChild(int node)
        {
            return (wildcards[node] & HasHash) != 0 ? FindChild(node, Arena, HashAt, 1) : None;
        }

        /// <summary>Levels from the root to the node: 0 for a root.</summary>
        internal int DepthOf(int node)
        {
            int depth = 0;
            for (int n = Parent[node]; n != None; n = Parent[n])
            {
                depth++;
            }
            return depth;
        }

        /// <summary>The ancestor of <paramref name="node"/> (itself included) that stands <paramref name="levels"/> levels up.</summary>
        internal int Up(int node, int levels)
        {
            for (; levels > 0; levels--)
            {
                node = Parent[node];
            }
            return node;
        }

        /// <summary>The literal child of <paramref name="parent"/> whose level is these bytes, or None.</summary>
        internal int FindChild(int parent, byte[] level, int offset, int count)
        {
            for (int i = Hash(parent, level, offset, count) & indexMask; index[i] != None; i = (i + 1) & indexMask)
            {
                int n = index[i];
                if (Parent[n] == parent && Topic.Equal(Arena, LevelStart[n], LevelLength[n], level, offset, count))
                {
                    return n;
                }
            }
            return None;
        }

        /// <summary>
        /// The node of the filter or topic, or None when the tree has no such path. A filter's '+' and '#'
        /// levels are its wildcard nodes; a topic has only literal levels.
        /// </summary>
        internal int Find(byte[] bytes, int offset, int count)
        {
            int node = RootOf(bytes, offset, count);
            int end = offset + count;
            for (int start = offset; node != None; start++)
            {
                int stop = LevelEnd(bytes, start, end);
                node = FindChild(node, bytes, start, stop - start);
                start = stop;
                if (start == end)
                {
                    return node;
                }
            }
            return None;
        }

        /// <summary>
        /// The node of the filter or topic, made with every missing level, holding one use for the caller
        /// (give it back with <see cref="Release"/>). None, with nothing changed, when the nodes or the level
        /// arena cannot hold the missing levels.
        /// </summary>
        internal int Add(byte[] bytes, int offset, int count)
        {
            int node = RootOf(bytes, offset, count);
            int end = offset + count;
            uses[node]++;
            for (int start = offset; ; start++)
            {
                int stop = LevelEnd(bytes, start, end);
                int child = FindChild(node, bytes, start, stop - start);
                if (child == None && (child = NewChild(node, bytes, start, stop - start)) == None)
                {
                    // The levels made so far are used by nothing else: releasing the hold frees them.
                    Release(node);
                    return None;
                }
                uses[child]++;
                Release(node);
                node = child;
                start = stop;
                if (start == end)
                {
                    return node;
                }
            }
        }

        /// <summary>One more use of a node, which keeps it (and so its ancestors) in the tree.</summary>
        internal void AddRef(int node)
        {
            uses[node]++;
        }

        /// <summary>One use less; a node left unused is freed, and its parent loses the use its child was.</summary>
        internal void Release(int node)
        {
            while (--uses[node] == 0 && node > DollarRoot)
            {
                int parent = Parent[node];
                Unlink(parent, node);
                Free(node);
                node = parent;
            }
        }

        /// <summary>The length of the filter or topic the node spells.</summary>
        internal int PathLength(int node)
        {
            int length = -1;
            for (int n = node; Parent[n] != None; n = Parent[n])
            {
                length += 1 + LevelLength[n];
            }
            return length;
        }

        /// <summary>Writes the filter or topic the node spells at <paramref name="offset"/>; returns its length.</summary>
        internal int CopyPath(int node, byte[] buffer, int offset)
        {
            int length = PathLength(node);
            int at = offset + length;
            for (int n = node; Parent[n] != None; n = Parent[n])
            {
                at -= LevelLength[n];
                System.Array.Copy(Arena, LevelStart[n], buffer, at, LevelLength[n]);
                if (at > offset)
                {
                    buffer[--at] = Topic.Separator;
                }
            }
            return length;
        }

        /// <summary>Where the level starting at <paramref name="start"/> ends: at its separator, or at <paramref name="end"/>.</summary>
        internal static int LevelEnd(byte[] bytes, int start, int end)
        {
            while (start < end && bytes[start] != Topic.Separator)
            {
                start++;
            }
            return start;
        }

        private static bool IsWildcard(byte[] bytes, int start, int length, byte wildcard)
        {
            return length == 1 && bytes[start] == wildcard;
        }

        private int NewChild(int parent, byte[] bytes, int start, int length)
        {
            bool plus = IsWildcard(bytes, start, length, Topic.SingleLevel);
            bool hash = IsWildcard(bytes, start, length, Topic.MultiLevel);
            if (freeHead == None || (!plus && !hash && !ReserveLevel(length)))
            {
                return None;
            }
            int n = freeHead;
            freeHead = NextSibling[n];
            Parent[n] = parent;
            FirstChild[n] = None;
            uses[n] = 0;
            wildcards[n] = 0;
            uses[parent]++;
            Count++;
            if (plus || hash)
            {
                LevelStart[n] = plus ? PlusAt : HashAt;
                LevelLength[n] = 1;
                wildcards[parent] |= plus ? HasPlus : HasHash;
            }
            else
            {
                StoreLevel(n, bytes, start, length);
            }
            AppendChild(parent, n);
            int i = Hash(parent, bytes, start, length) & indexMask;
            while (index[i] != None)
            {
                i = (i + 1) & indexMask;
            }
            index[i] = n;
            return n;
        }

        private void Unlink(int parent, int node)
        {
            if (IsPlus(node) || IsHash(node))
            {
                wildcards[parent] &= (byte)~(IsPlus(node) ? HasPlus : HasHash);
            }
            RemoveChild(parent, node);
            RemoveFromIndex(node);
            FreeLevel(node);
        }

        // Literal children in the order they came, so that retained messages go out oldest level first as
        // mosquitto's do. The first child's prevSibling is the last child: appending needs no walk and no field.
        private void AppendChild(int parent, int child)
        {
            int first = FirstChild[parent];
            NextSibling[child] = None;
            if (first == None)
            {
                FirstChild[parent] = child;
                prevSibling[child] = child;
                return;
            }
            int last = prevSibling[first];
            NextSibling[last] = child;
            prevSibling[child] = last;
            prevSibling[first] = child;
        }

        private void RemoveChild(int parent, int child)
        {
            int first = FirstChild[parent];
            int next = NextSibling[child];
            if (child == first)
            {
                FirstChild[parent] = next;
                if (next != None)
                {
                    prevSibling[next] = prevSibling[child];
                }
                return;
            }
            int prev = prevSibling[child];
            NextSibling[prev] = next;
            if (next != None)
            {
                prevSibling[next] = prev;
            }
            else
            {
                prevSibling[first] = prev;
            }
        }

        private void Free(int node)
        {
            Parent[node] = None;
            NextSibling[node] = freeHead;
            freeHead = node;
            Count--;
        }

        // Linear probing's deletion: later entries of the probe run move back into the hole unless their home
        // slot lies cyclically after it, so every entry stays reachable from its home without tombstones.
        private void RemoveFromIndex(int node)
        {
            int hole = Hash(Parent[node], Arena, LevelStart[node], LevelLength[node]) & indexMask;
            while (index[hole] != node)
            {
                hole = (hole + 1) & indexMask;
            }
            for (int j = (hole + 1) & indexMask; index[j] != None; j = (j + 1) & indexMask)
            {
                int moved = index[j];
                int home = Hash(Parent[moved], Arena, LevelStart[moved], LevelLength[moved]) & indexMask;
                bool stays = hole <= j ? hole < home && home <= j : hole < home || home <= j;
                if (!stays)
                {
                    index[hole] = moved;
                    hole = j;
                }
            }
            index[hole] = None;
        }

        private bool ReserveLevel(int length)
        {
            if (length == 0)
            {
                return true;
            }
            int size = HeaderBytes + length;
            if (arenaUsed + size <= Arena.Length)
            {
                return true;
            }
            if (arenaUsed - arenaGarbage + size > Arena.Length)
            {
                return false;
            }
            Compact();
            return true;
        }

        private void StoreLevel(int node, byte[] bytes, int start, int length)
        {
            LevelStart[node] = LevelsAt;
            LevelLength[node] = length;
            if (length == 0)
            {
                return;
            }
            WriteHeader(arenaUsed, node);
            System.Array.Copy(bytes, start, Arena, arenaUsed + HeaderBytes, length);
            LevelStart[node] = arenaUsed + HeaderBytes;
            LevelLength[node] = length;
            arenaUsed += HeaderBytes + length;
        }

        private void FreeLevel(int node)
        {
            int length = LevelLength[node];
            if (length == 0 || LevelStart[node] < LevelsAt)
            {
                return;
            }
            int at = LevelStart[node] - HeaderBytes;
            int size = HeaderBytes + length;
            if (at + size == arenaUsed)
            {
                arenaUsed = at;
            }
            else
            {
                WriteHeader(at, -size);
                arenaGarbage += size;
            }
        }

        // Slides the live levels down over the freed ones: once per arena's worth of freed bytes at most.
        private void Compact()
        {
            int write = LevelsAt;
            for (int read = LevelsAt; read < arenaUsed;)
            {
                int owner = ReadHeader(read);
                int size = owner >= 0 ? HeaderBytes + LevelLength[owner] : -owner;
                if (owner >= 0)
                {
                    if (write != read)
                    {
                        System.Array.Copy(Arena, read, Arena, write, size);
                    }
                    LevelStart[owner] = write + HeaderBytes;
                    write += size;
                }
                read += size;
            }
            arenaUsed = write;
            arenaGarbage = 0;
        }

        private void WriteHeader(int at, int value)
        {
            Arena[at] = (byte)value;
            Arena[at + 1] = (byte)(value >> 8);
            Arena[at + 2] = (byte)(value >> 16);
            Arena[at + 3] = (byte)(value >> 24);
        }

        private int ReadHeader(int at)
        {
            return Arena[at] | (Arena[at + 1] << 8) | (Arena[at + 2] << 16) | (Arena[at + 3] << 24);
        }

        // FNV-1a over the parent's index and the level's bytes.
        private static int Hash(int parent, byte[] bytes, int offset, int count)
        {
            int hash = unchecked(((int)2166136261 ^ parent) * 16777619);
            for (int i = offset; i < offset + count; i++)
            {
                hash = unchecked((hash ^ bytes[i]) * 16777619);
            }
            return hash ^ (hash >> 16);
        }
    }
}
