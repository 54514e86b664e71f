using NanoBroker.Messages;

namespace NanoBroker.Routing
{
    /// <summary>
    /// The retained message of each topic [MQTT-3.3.1-5], as a message-pool handle on the topic's node of the
    /// <see cref="TopicNodes"/> tree, within a count and a byte budget. The broker's own $SYS topics have a
    /// budget of their own, and their nodes are made at start and kept, so that the user's limits hold for the
    /// user's messages and the user's subscriptions cannot crowd $SYS out. Each message records when it was
    /// set, so a delivery that walks the tree over several calls sends every message that was there when it
    /// started, once.
    ///
    /// A new subscription's retained messages are found by walking its filter down the tree, as mosquitto's
    /// retain__search does: a literal level follows one child, '+' every literal child, '#' the whole subtree.
    /// Every node counts the retained messages at and below it, so the walk skips branches that hold none. The
    /// walk is resumable from any node it returned (a cursor the caller holds in the tree): children are
    /// visited before siblings, siblings oldest first, and whatever was added since the walk began holds only
    /// messages set after it, which the walk's stamp leaves out.
    /// </summary>
    public sealed class RetainedTree
    {
        public const int None = TopicNodes.None;

        private readonly TopicNodes nodes;
        private readonly MessagePool pool;
        private readonly int[] message;
        private readonly long[] setAt;
        private readonly int[] below;
        private readonly int maxMessages;
        private readonly int maxBytes;
        private readonly int maxSysMessages;
        private readonly int maxSysBytes;
        private int sysCount;
        private int sysBytes;

        public RetainedTree(TopicNodes nodes, MessagePool pool, int maxMessages, int maxBytes, int maxSysMessages, int maxSysBytes)
        {
            this.nodes = nodes;
            this.pool = pool;
            this.maxMessages = maxMessages;
            this.maxBytes = maxBytes;
            this.maxSysMessages = maxSysMessages;
            this.maxSysBytes = maxSysBytes;
            message = new int[nodes.Slots];
            setAt = new long[nodes.Slots];
            below = new int[nodes.Slots];
            for (int n = 0; n < message.Length; n++)
            {
                message[n] = None;
            }
        }

        /// <summary>Retained messages of the users' topics ($SYS not counted).</summary>
        public int Count { get; private set; }

        /// <summary>Topic and payload bytes of the users' retained messages ($SYS not counted).</summary>
        public int Bytes { get; private set; }

        /// <summary>The stamp of the latest <see cref="Set"/>; stamps only grow.</summary>
        public long Stamp { get; private set; }

        /// <summary>
        /// Makes a $SYS topic's nodes at start and keeps them, so that its message never waits for room in the
        /// tree (the tree is sized for them with <see cref="TopicNodes.Measure"/>).
        /// </summary>
        public void Reserve(byte[] topic)
        {
            nodes.Add(topic, 0, topic.Length);
        }

        /// <summary>The pool handle of a node's retained message, or None.</summary>
        public int MessageAt(int node)
        {
            return message[node];
        }

        /// <summary>The <see cref="Stamp"/> of the Set that put the node's message there.</summary>
        public long SetAt(int node)
        {
            return setAt[node];
        }

        /// <summary>The node after <paramref name="node"/> (None: from the start) that holds a retained message, or None.</summary>
        public int Next(int node)
        {
            for (int n = node + 1; n < message.Length; n++)
            {
                if (message[n] != None)
                {
                    return n;
                }
            }
            return None;
        }

        /// <summary>The node of the topic when it holds a retained message, or None.</summary>
        public int Find(byte[] topic, int offset, int count)
        {
            int node = nodes.Find(topic, offset, count);
            return node != None && message[node] != None ? node : None;
        }

        /// <summary>
        /// Makes <paramref name="handle"/> the retained message of its topic, replacing any earlier one.
        /// Returns false when the count or byte budget, or the tree, does not hold it; the topic's earlier
        /// message is removed then as well (<paramref name="removedEarlier"/>), so that no older value outlives
        /// a newer publish.
        /// </summary>
        public bool Set(int handle, byte[] topic, int offset, int count, out bool removedEarlier)
        {
            removedEarlier = false;
            bool sys = Topic.IsSys(topic, offset, count);
            int size = SizeOf(handle);
            int existing = Find(topic, offset, count);
            int freed = existing != None ? SizeOf(message[existing]) : 0;
            int inUse = sys ? sysCount : Count;
            int bytesInUse = sys ? sysBytes : Bytes;
            int node = existing;
            if (bytesInUse - freed + size > (sys ? maxSysBytes : maxBytes) || (existing == None && inUse == (sys ? maxSysMessages : maxMessages))
                || (existing == None && (node = nodes.Add(topic, offset, count)) == None))
            {
                if (existing != None)
                {
                    Remove(existing);
                    removedEarlier = true;
                }
                return false;
            }
            pool.AddRef(handle);
            if (existing != None)
            {
                pool.Release(message[existing]);
            }
            else
            {
                CountBelow(node, 1);
                if (sys)
                {
                    sysCount++;
                }
                else
                {
                    Count++;
                }
            }
            message[node] = handle;
            setAt[node] = ++Stamp;
            if (sys)
            {
                sysBytes += size - freed;
            }
            else
            {
                Bytes += size - freed;
            }
            return true;
        }

        /// <summary>Removes the retained message of a topic [MQTT-3.3.1-10]; false when there was none.</summary>
        public bool Clear(byte[] topic, int offset, int count)
        {
            int node = Find(topic, offset, count);
            if (node == None)
            {
                return false;
            }
            Remove(node);
            return true;
        }

        /// <summary>Removes the retained message of a node (one that expired); the count and bytes follow.</summary>
        public void ClearAt(int node)
        {
            Remove(node);
        }

        /// <summary>
        /// The next node, after <paramref name="after"/> (None: from the start), in the walk of the filter at
        /// <paramref name="filter"/> that holds a retained message set no later than <paramref name="until"/>;
        /// None when the walk is over [MQTT-3.3.1-6, MQTT-3.8.4-3]. A node it returns may be passed back as
        /// <paramref name="after"/> while the caller holds it in the tree, however the tree changed meanwhile.
        /// </summary>
        public int NextMatch(int filter, int after, long until)
        {
            int levels = nodes.DepthOf(filter);
            // From this depth on the filter's '#' matches any level; past the filter's depth without one, nothing.
            int anyFrom = nodes.IsHash(filter) ? levels : int.MaxValue;
            int root = nodes.Up(filter, levels);
            int node = after == None ? root : after;
            int depth = after == None ? 0 : nodes.DepthOf(after);
            while (true)
            {
                int next = FirstChildFor(node, depth + 1, filter, levels, anyFrom);
                if (next != None)
                {
                    depth++;
                }
                else
                {
                    while (node != root && (next = NextSiblingFor(node, depth, filter, levels, anyFrom)) == None)
                    {
                        node = nodes.Parent[node];
                        depth--;
                    }
                    if (node == root)
                    {
                        return None;
                    }
                }
                node = next;
                bool matches = depth == levels || depth >= anyFrom - 1;
                if (matches && message[node] != None && setAt[node] <= until)
                {
                    return node;
                }
            }
        }

        // The first child of `node`, at `depth`, that the filter's level there admits and that holds retained messages.
        private int FirstChildFor(int node, int depth, int filter, int levels, int anyFrom)
        {
            if (depth > levels && depth < anyFrom)
            {
                return None;
            }
            int level = depth >= anyFrom ? None : nodes.Up(filter, levels - depth);
            if (level != None && nodes.IsLiteral(level))
            {
                int child = nodes.FindChild(node, nodes.Arena, nodes.LevelStart[level], nodes.LevelLength[level]);
                return child != None && below[child] > 0 ? child : None;
            }
            return WithRetained(nodes.FirstChild[node]);
        }

        // The next sibling of `node`, at `depth`, that the filter's level admits: none for a literal level.
        private int NextSiblingFor(int node, int depth, int filter, int levels, int anyFrom)
        {
            if (depth < anyFrom && nodes.IsLiteral(nodes.Up(filter, levels - depth)))
            {
                return None;
            }
            return WithRetained(nodes.NextSibling[node]);
        }

        private int WithRetained(int node)
        {
            while (node != None && below[node] == 0)
            {
                node = nodes.NextSibling[node];
            }
            return node;
        }

        private void Remove(int node)
        {
            int handle = message[node];
            if (IsSys(node))
            {
                sysCount--;
                sysBytes -= SizeOf(handle);
            }
            else
            {
                Count--;
                Bytes -= SizeOf(handle);
            }
            pool.Release(handle);
            message[node] = None;
            CountBelow(node, -1);
            nodes.Release(node);
        }

        private void CountBelow(int node, int change)
        {
            for (int n = node; n != None; n = nodes.Parent[n])
            {
                below[n] += change;
            }
        }

        private bool IsSys(int node)
        {
            int first = nodes.Up(node, nodes.DepthOf(node) - 1);
            return Topic.IsSys(nodes.Arena, nodes.LevelStart[first], nodes.LevelLength[first]);
        }

        private int SizeOf(int handle)
        {
            return pool.TopicLength(handle) + pool.PayloadLength(handle);
        }
    }
}
