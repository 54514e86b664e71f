using NanoBroker.Protocol;

namespace NanoBroker.Routing
{
    /// <summary>Topic names and topic filters as UTF-8 bytes: validation and matching (MQTT 3.1.1 section 4.7).</summary>
    public static class Topic
    {
        public const byte Separator = (byte)'/';
        public const byte SingleLevel = (byte)'+';
        public const byte MultiLevel = (byte)'#';
        public const byte Dollar = (byte)'$';

        /// <summary>A topic name (see <see cref="TopicSyntax.IsValidName"/>).</summary>
        public static bool IsValidName(byte[] bytes, int offset, int count)
        {
            return TopicSyntax.IsValidName(bytes, offset, count);
        }

        /// <summary>A topic filter (see <see cref="TopicSyntax.IsValidFilter"/>).</summary>
        public static bool IsValidFilter(byte[] bytes, int offset, int count)
        {
            return TopicSyntax.IsValidFilter(bytes, offset, count);
        }

        /// <summary>
        /// True when the topic name matches the filter. A name starting with '$' is not matched by
        /// a filter starting with a wildcard [MQTT-4.7.2-1]; "a/#" also matches "a" (section 4.7.1.2).
        /// </summary>
        public static bool Matches(byte[] filter, int filterOffset, int filterLength, byte[] topic, int topicOffset, int topicLength)
        {
            if (topicLength > 0 && topic[topicOffset] == Dollar && (filter[filterOffset] == SingleLevel || filter[filterOffset] == MultiLevel))
            {
                return false;
            }
            int f = filterOffset;
            int fEnd = filterOffset + filterLength;
            int t = topicOffset;
            int tEnd = topicOffset + topicLength;
            while (f < fEnd)
            {
                byte c = filter[f];
                if (c == MultiLevel)
                {
                    return true;
                }
                if (c == SingleLevel)
                {
                    while (t < tEnd && topic[t] != Separator)
                    {
                        t++;
                    }
                    f++;
                }
                else
                {
                    while (f < fEnd && filter[f] != Separator)
                    {
                        if (t == tEnd || topic[t] != filter[f])
                        {
                            return false;
                        }
                        f++;
                        t++;
                    }
                    if (t < tEnd && topic[t] != Separator)
                    {
                        return false;
                    }
                }
                // Both stand at the end of a level: at a separator or at their end.
                if (f == fEnd)
                {
                    return t == tEnd;
                }
                if (t == tEnd)
                {
                    return f + 2 == fEnd && filter[f + 1] == MultiLevel;
                }
                f++;
                t++;
            }
            return t == tEnd;
        }

        /// <summary>True for "$SYS" and the topics under "$SYS/", which only the broker publishes.</summary>
        public static bool IsSys(byte[] bytes, int offset, int count)
        {
            return count >= 4 && bytes[offset] == Dollar && bytes[offset + 1] == (byte)'S' && bytes[offset + 2] == (byte)'Y'
                && bytes[offset + 3] == (byte)'S' && (count == 4 || bytes[offset + 4] == Separator);
        }

        /// <summary>Byte-wise equality of two ranges.</summary>
        public static bool Equal(byte[] a, int aOffset, int aCount, byte[] b, int bOffset, int bCount)
        {
            return Wire.Equal(a, aOffset, aCount, b, bOffset, bCount);
        }
    }
}
