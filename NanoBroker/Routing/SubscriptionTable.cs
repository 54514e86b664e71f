namespace NanoBroker.Routing
{
    /// <summary>
    /// Every subscription of every session, in fixed-size parallel arrays with the filter bytes packed
    /// in one arena. Sized once at start; a full table (entries or bytes) refuses new filters.
    /// </summary>
    public sealed class SubscriptionTable
    {
        // Entries 0..Count-1 are live; removal moves the last entry into the hole.
        internal readonly int[] FilterStart;
        internal readonly int[] FilterLength;
        internal readonly int[] FirstLevel;
        internal readonly byte[] Qos;
        internal readonly int[] Session;

        // The access rules no longer grant the filter to its session (checked when restored from the log): the
        // entry stays, so that a rule granted again at a later start takes effect, but nothing is delivered.
        internal readonly bool[] Denied;

        // Retained messages still to be sent for a new subscription: those set no later than this
        // RetainedStore stamp (later ones reached the subscription live); 0 when none is left to send.
        internal readonly long[] RetainedUntil;

        // The entry whose retained messages its session is sending now (Session.RetainedSlot is its place).
        internal readonly bool[] RetainedSending;

        internal readonly byte[] Arena;
        private int arenaUsed;

        public SubscriptionTable(int maxEntries, int arenaBytes)
        {
            FilterStart = new int[maxEntries];
            FilterLength = new int[maxEntries];
            FirstLevel = new int[maxEntries];
            Qos = new byte[maxEntries];
            Session = new int[maxEntries];
            Denied = new bool[maxEntries];
            RetainedUntil = new long[maxEntries];
            RetainedSending = new bool[maxEntries];
            Arena = new byte[arenaBytes];
        }

        /// <summary>Live entries.</summary>
        public int Count { get; private set; }

        /// <summary>Entries the table can hold.</summary>
        public int Capacity { get { return Session.Length; } }

        /// <summary>Filter bytes in use in the arena.</summary>
        public int BytesUsed { get { return arenaUsed; } }

        /// <summary>The entry of this session with exactly this filter, or -1.</summary>
        public int Find(int session, byte[] filter, int offset, int count)
        {
            for (int i = 0; i < Count; i++)
            {
                if (Session[i] == session && Topic.Equal(Arena, FilterStart[i], FilterLength[i], filter, offset, count))
                {
                    return i;
                }
            }
            return -1;
        }

        /// <summary>Adds an entry; returns its index, or -1 when the entries or the arena are full.</summary>
        public int Add(int session, byte[] filter, int offset, int count, int qos)
        {
            if (Count == Session.Length || arenaUsed + count > Arena.Length)
            {
                return -1;
            }
            int i = Count;
            System.Array.Copy(filter, offset, Arena, arenaUsed, count);
            FilterStart[i] = arenaUsed;
            FilterLength[i] = count;
            FirstLevel[i] = Topic.FirstLevelHash(filter, offset, count);
            Qos[i] = (byte)qos;
            Session[i] = session;
            Denied[i] = false;
            RetainedUntil[i] = 0;
            RetainedSending[i] = false;
            arenaUsed += count;
            Count++;
            return i;
        }

        /// <summary>Removes the entry at <paramref name="index"/> and closes its gap in the arena.</summary>
        public void RemoveAt(int index)
        {
            int start = FilterStart[index];
            int length = FilterLength[index];
            System.Array.Copy(Arena, start + length, Arena, start, arenaUsed - start - length);
            arenaUsed -= length;
            int last = Count - 1;
            for (int i = 0; i <= last; i++)
            {
                if (FilterStart[i] > start)
                {
                    FilterStart[i] -= length;
                }
            }
            FilterStart[index] = FilterStart[last];
            FilterLength[index] = FilterLength[last];
            FirstLevel[index] = FirstLevel[last];
            Qos[index] = Qos[last];
            Session[index] = Session[last];
            Denied[index] = Denied[last];
            RetainedUntil[index] = RetainedUntil[last];
            RetainedSending[index] = RetainedSending[last];
            Count = last;
        }

        /// <summary>Removes every entry of a session; returns how many.</summary>
        public int RemoveSession(int session)
        {
            int removed = 0;
            for (int i = Count - 1; i >= 0; i--)
            {
                if (Session[i] == session)
                {
                    RemoveAt(i);
                    removed++;
                }
            }
            return removed;
        }

        /// <summary>Number of entries a session holds.</summary>
        public int CountOf(int session)
        {
            int n = 0;
            for (int i = 0; i < Count; i++)
            {
                if (Session[i] == session)
                {
                    n++;
                }
            }
            return n;
        }

        /// <summary>True when the entry's filter matches the topic; <paramref name="topicFirstLevel"/> is the pre-check.</summary>
        public bool Matches(int index, int topicFirstLevel, byte[] topic, int offset, int count)
        {
            int first = FirstLevel[index];
            if (first != 0 && first != topicFirstLevel)
            {
                return false;
            }
            return Topic.Matches(Arena, FilterStart[index], FilterLength[index], topic, offset, count);
        }
    }
}
