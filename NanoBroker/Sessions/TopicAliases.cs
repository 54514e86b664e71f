namespace NanoBroker.Sessions
{
    /// <summary>
    /// One direction's MQTT 5.0 Topic Alias mappings of a connection (section 3.3.2.3.4): per alias 1..Capacity the
    /// topic it stands for, as start and length in a fixed arena of topic bytes. A topic set anew takes new arena
    /// bytes; when the arena has no room at its end it is compacted (the live topics moved to its start). Allocated
    /// at start and lent to one connection at a time (<see cref="TopicAliasPool"/>), cleared for each, as mappings never
    /// outlive their network connection [MQTT-3.3.2-7].
    /// </summary>
    public sealed class TopicAliases
    {
        private readonly byte[] arena;
        private readonly int[] start;
        private readonly int[] length;

        // Outbound only (null inbound): when each alias was last used, for least-recently-used replacement.
        private readonly int[] used;
        private int clock;
        private int end;

        /// <summary>The table of a direction without aliases, shared by every connection slot (it holds nothing).</summary>
        public static readonly TopicAliases None = new TopicAliases(0, 0, false);

        /// <summary>
        /// Mappings for aliases 1..<paramref name="capacity"/> over an arena of <paramref name="arenaBytes"/> bytes; those the
        /// broker sets (<paramref name="outbound"/>) also remember when each was last used.
        /// </summary>
        public TopicAliases(int capacity, int arenaBytes, bool outbound)
        {
            arena = new byte[capacity > 0 ? arenaBytes : 0];
            start = new int[capacity];
            length = new int[capacity];
            used = outbound ? new int[capacity] : null;
        }

        /// <summary>The largest alias this table can hold.</summary>
        public int Capacity { get { return start.Length; } }

        /// <summary>The topic bytes; a mapped alias's topic is at <see cref="StartOf"/> for <see cref="LengthOf"/> bytes.</summary>
        public byte[] Arena { get { return arena; } }

        /// <summary>Forgets every mapping (a last-use time counts only while its alias is mapped, so they stay).</summary>
        public void Clear()
        {
            for (int i = 0; i < length.Length; i++)
            {
                length[i] = 0;
            }
            end = 0;
            clock = 0;
        }

        /// <summary>The topic length alias <paramref name="alias"/> (1..Capacity) stands for; 0 when it is not mapped (a topic is never empty).</summary>
        public int LengthOf(int alias) { return length[alias - 1]; }

        /// <summary>Where the topic of alias <paramref name="alias"/> starts in <see cref="Arena"/>.</summary>
        public int StartOf(int alias) { return start[alias - 1]; }

        /// <summary>
        /// Maps <paramref name="alias"/> to the topic at <paramref name="topic"/>[<paramref name="topicStart"/>..]; false,
        /// with the alias unmapped, when the topic does not fit in the arena beside the other mappings.
        /// </summary>
        public bool Set(int alias, byte[] topic, int topicStart, int topicLength)
        {
            int i = alias - 1;
            length[i] = 0;
            if (end + topicLength > arena.Length)
            {
                Compact();
                if (end + topicLength > arena.Length)
                {
                    return false;
                }
            }
            System.Array.Copy(topic, topicStart, arena, end, topicLength);
            start[i] = end;
            length[i] = topicLength;
            end += topicLength;
            return true;
        }

        /// <summary>True when the arena could hold a topic of <paramref name="topicLength"/> bytes in place of alias <paramref name="alias"/>'s.</summary>
        public bool Fits(int alias, int topicLength)
        {
            int live = 0;
            for (int i = 0; i < length.Length; i++)
            {
                if (i != alias - 1)
                {
                    live += length[i];
                }
            }
            return live + topicLength <= arena.Length;
        }

        /// <summary>Outbound: marks <paramref name="alias"/> used now.</summary>
        public void Touch(int alias)
        {
            used[alias - 1] = ++clock;
        }

        /// <summary>
        /// Outbound: the alias to map a new topic to among 1..<paramref name="maximum"/>: an unmapped one, else the
        /// least recently used.
        /// </summary>
        public int Victim(int maximum)
        {
            int best = 1;
            for (int a = 1; a <= maximum; a++)
            {
                if (length[a - 1] == 0)
                {
                    return a;
                }
                if (used[a - 1] < used[best - 1])
                {
                    best = a;
                }
            }
            return best;
        }

        // Moves the live topics to the arena's start, in place (in order of their position, so none overwrites another).
        private void Compact()
        {
            int at = 0;
            while (true)
            {
                int next = -1;
                for (int i = 0; i < start.Length; i++)
                {
                    if (length[i] > 0 && start[i] >= at && (next < 0 || start[i] < start[next]))
                    {
                        next = i;
                    }
                }
                if (next < 0)
                {
                    break;
                }
                System.Array.Copy(arena, start[next], arena, at, length[next]);
                start[next] = at;
                at += length[next];
            }
            end = at;
        }
    }
}
