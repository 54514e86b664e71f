namespace NanoBroker.Tests.Engine.Harness
{
    /// <summary>
    /// The properties of one MQTT 5.0 packet the broker sent, in the order they came, looked up by identifier
    /// (<see cref="V5Property"/>). Numbers (byte, two-byte, four-byte and Variable Byte Integer values) are read
    /// as <c>long</c>, strings as text, binary data as bytes; a User Property is a name and a value.
    /// </summary>
    public sealed class V5ReceivedProperties
    {
        private int count;
        private int[] ids = new int[4];
        private long[] numbers = new long[4];
        private byte[][] values = new byte[4][];
        private byte[][] pairValues = new byte[4][];

        /// <summary>How many properties the packet carried (repeats counted).</summary>
        public int Count { get { return count; } }

        /// <summary>Identifier of the property at <paramref name="index"/> in the order received.</summary>
        public int IdAt(int index) { return ids[index]; }

        public bool Has(int id) { return IndexOf(id, 0) >= 0; }

        /// <summary>How many times property <paramref name="id"/> came (User Property and Subscription Identifier may repeat).</summary>
        public int CountOf(int id)
        {
            int n = 0;
            for (int i = 0; i < count; i++)
            {
                if (ids[i] == id) n++;
            }
            return n;
        }

        /// <summary>The numeric value of the first property <paramref name="id"/>, or -1 when absent.</summary>
        public long Number(int id) { return NumberAt(id, 0); }

        /// <summary>The numeric value of occurrence <paramref name="occurrence"/> (from 0) of property <paramref name="id"/>, or -1.</summary>
        public long NumberAt(int id, int occurrence)
        {
            int i = IndexOf(id, occurrence);
            return i < 0 ? -1 : numbers[i];
        }

        /// <summary>A UTF-8 string property as text, or null when absent.</summary>
        public string Text(int id)
        {
            byte[] b = Binary(id);
            return b == null ? null : NanoBroker.Protocol.Utf8.GetString(b, 0, b.Length);
        }

        /// <summary>A binary (or string) property's bytes, or null when absent.</summary>
        public byte[] Binary(int id)
        {
            int i = IndexOf(id, 0);
            return i < 0 ? null : values[i];
        }

        public int UserPropertyCount { get { return CountOf(V5Property.UserProperty); } }

        /// <summary>Name of User Property number <paramref name="occurrence"/> (from 0), or null.</summary>
        public string UserPropertyName(int occurrence)
        {
            int i = IndexOf(V5Property.UserProperty, occurrence);
            return i < 0 ? null : NanoBroker.Protocol.Utf8.GetString(values[i], 0, values[i].Length);
        }

        /// <summary>Value of User Property number <paramref name="occurrence"/> (from 0), or null.</summary>
        public string UserPropertyValue(int occurrence)
        {
            int i = IndexOf(V5Property.UserProperty, occurrence);
            return i < 0 ? null : NanoBroker.Protocol.Utf8.GetString(pairValues[i], 0, pairValues[i].Length);
        }

        /// <summary>Adds one property as read (by <see cref="V5Packet"/>).</summary>
        public void Add(int id, long number, byte[] value, byte[] pairValue)
        {
            if (count == ids.Length)
            {
                int size = count * 2;
                int[] moreIds = new int[size];
                long[] moreNumbers = new long[size];
                byte[][] moreValues = new byte[size][];
                byte[][] morePairs = new byte[size][];
                System.Array.Copy(ids, moreIds, count);
                System.Array.Copy(numbers, moreNumbers, count);
                System.Array.Copy(values, moreValues, count);
                System.Array.Copy(pairValues, morePairs, count);
                ids = moreIds;
                numbers = moreNumbers;
                values = moreValues;
                pairValues = morePairs;
            }
            ids[count] = id;
            numbers[count] = number;
            values[count] = value;
            pairValues[count] = pairValue;
            count++;
        }

        private int IndexOf(int id, int occurrence)
        {
            for (int i = 0; i < count; i++)
            {
                if (ids[i] == id)
                {
                    if (occurrence == 0) return i;
                    occurrence--;
                }
            }
            return -1;
        }
    }
}
