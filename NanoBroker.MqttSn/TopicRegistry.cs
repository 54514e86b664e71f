using NanoBroker.Protocol;

namespace NanoBroker.MqttSn
{
    /// <summary>
    /// One client's normal topic ids (MQTT-SN v1.2 section 6.5): the names registered by the client (REGISTER → REGACK)
    /// or by the gateway before its first PUBLISH on a topic (section 6.10), id i+1 for entry i, names in one arena.
    /// Emptied when the client connects: ids live as long as one connection, as in section 6.5.
    /// </summary>
    public sealed class TopicRegistry
    {
        private readonly int[] starts;
        private readonly int[] lengths;
        private readonly byte[] arena;
        private int count;
        private int used;

        public TopicRegistry(int ids, int bytes)
        {
            starts = new int[ids];
            lengths = new int[ids];
            arena = new byte[bytes];
        }

        /// <summary>The arena the names live in (for <see cref="Start"/>/<see cref="Length"/>).</summary>
        public byte[] Names { get { return arena; } }

        public void Clear()
        {
            count = 0;
            used = 0;
        }

        /// <summary>Whether <paramref name="id"/> is registered.</summary>
        public bool Has(int id)
        {
            return id >= 1 && id <= count;
        }

        public int Start(int id)
        {
            return starts[id - 1];
        }

        public int Length(int id)
        {
            return lengths[id - 1];
        }

        /// <summary>The id of the name at <paramref name="start"/>, or 0.</summary>
        public int Find(byte[] buffer, int start, int length)
        {
            for (int i = 0; i < count; i++)
            {
                if (Wire.Equal(arena, starts[i], lengths[i], buffer, start, length))
                {
                    return i + 1;
                }
            }
            return 0;
        }

        /// <summary>The id of the name (registered now if new), or 0 when the table or the arena is full.</summary>
        public int Register(byte[] buffer, int start, int length)
        {
            int id = Find(buffer, start, length);
            if (id != 0)
            {
                return id;
            }
            if (count == starts.Length || used + length > arena.Length)
            {
                return 0;
            }
            System.Array.Copy(buffer, start, arena, used, length);
            starts[count] = used;
            lengths[count] = length;
            used += length;
            count++;
            return count;
        }

        /// <summary>Forgets the last registered id when it is <paramref name="id"/> (the client refused the gateway's REGISTER).</summary>
        public void DropLast(int id)
        {
            if (id == count && id > 0)
            {
                count--;
                used = starts[count];
            }
        }
    }
}
