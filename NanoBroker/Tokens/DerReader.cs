namespace NanoBroker.Tokens
{
    /// <summary>
    /// A cursor over DER (ITU-T X.690) for the few types a public key needs: a tag and a definite length in short or
    /// long form (at most 4 length bytes). Start-up code: it reads a key file once.
    /// </summary>
    internal sealed class DerReader
    {
        internal const int Integer = 0x02;
        internal const int BitString = 0x03;
        internal const int Null = 0x05;
        internal const int ObjectIdentifier = 0x06;
        internal const int Sequence = 0x30;

        private readonly byte[] bytes;
        private int at;
        private readonly int end;

        internal DerReader(byte[] bytes, int start, int end)
        {
            this.bytes = bytes;
            at = start;
            this.end = end;
        }

        internal int Position { get { return at; } }

        internal bool AtEnd { get { return at == end; } }

        /// <summary>Reads the header of an element of <paramref name="tag"/>: its content's start (the position after) and length, or -1.</summary>
        internal int Enter(int tag)
        {
            if (at + 2 > end || bytes[at] != tag)
            {
                return -1;
            }
            int first = bytes[at + 1];
            at += 2;
            int length;
            if (first < 0x80)
            {
                length = first;
            }
            else
            {
                int count = first & 0x7F;
                if (count == 0 || count > 4 || at + count > end)
                {
                    return -1;
                }
                length = 0;
                for (int i = 0; i < count; i++)
                {
                    length = (length << 8) | bytes[at++];
                }
            }
            return length < 0 || at + length > end ? -1 : length;
        }

        /// <summary>Moves past <paramref name="count"/> content bytes.</summary>
        internal void Skip(int count)
        {
            at += count;
        }
    }
}
