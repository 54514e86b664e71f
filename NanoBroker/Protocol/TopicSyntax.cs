namespace NanoBroker.Protocol
{
    /// <summary>
    /// The syntax of topic names, topic filters and shared subscriptions (sections 4.7 and, in 5.0, 4.8.2) as
    /// UTF-8 bytes. Matching and the topic tree live in Routing/, above this layer.
    /// </summary>
    public static class TopicSyntax
    {
        private const byte Separator = (byte)'/';
        private const byte SingleLevel = (byte)'+';
        private const byte MultiLevel = (byte)'#';

        private static readonly byte[] SharePrefix = { (byte)'$', (byte)'s', (byte)'h', (byte)'a', (byte)'r', (byte)'e', (byte)'/' };

        /// <summary>
        /// A topic name: at least one byte [MQTT-4.7.3-1], valid UTF-8 [MQTT-1.5.3-1/2] and no
        /// wildcard characters [MQTT-3.3.2-2].
        /// </summary>
        public static bool IsValidName(byte[] bytes, int offset, int count)
        {
            if (count < 1)
            {
                return false;
            }
            for (int i = offset; i < offset + count; i++)
            {
                if (bytes[i] == SingleLevel || bytes[i] == MultiLevel)
                {
                    return false;
                }
            }
            return Utf8.IsValid(bytes, offset, count);
        }

        /// <summary>
        /// A topic filter: at least one byte [MQTT-4.7.3-1], valid UTF-8, '+' alone in its level
        /// [MQTT-4.7.1-3], '#' alone in the last level [MQTT-4.7.1-2].
        /// </summary>
        public static bool IsValidFilter(byte[] bytes, int offset, int count)
        {
            if (count < 1)
            {
                return false;
            }
            int end = offset + count;
            for (int i = offset; i < end; i++)
            {
                byte b = bytes[i];
                if (b != SingleLevel && b != MultiLevel)
                {
                    continue;
                }
                bool levelStart = i == offset || bytes[i - 1] == Separator;
                bool levelEnd = i + 1 == end || bytes[i + 1] == Separator;
                if (!levelStart || !levelEnd || (b == MultiLevel && i + 1 != end))
                {
                    return false;
                }
            }
            return Utf8.IsValid(bytes, offset, count);
        }

        /// <summary>True when the filter starts with "$share/": a shared subscription in MQTT 5.0 (section 4.8.2).</summary>
        public static bool IsShared(byte[] bytes, int offset, int count)
        {
            return count >= SharePrefix.Length && Wire.Equal(bytes, offset, SharePrefix.Length, SharePrefix, 0, SharePrefix.Length);
        }

        /// <summary>
        /// Splits a shared subscription "$share/{ShareName}/{filter}" (check <see cref="IsShared"/> first). False when
        /// the ShareName is empty or holds '+' or '#' [MQTT-4.8.2-1, MQTT-4.8.2-2], or no valid filter follows it.
        /// </summary>
        public static bool SplitShared(byte[] bytes, int offset, int count, out int shareStart, out int shareLength, out int filterStart, out int filterLength)
        {
            shareStart = offset + SharePrefix.Length;
            int end = offset + count;
            int i = shareStart;
            while (i < end && bytes[i] != Separator)
            {
                if (bytes[i] == SingleLevel || bytes[i] == MultiLevel)
                {
                    break;
                }
                i++;
            }
            shareLength = i - shareStart;
            filterStart = i + 1;
            filterLength = end - filterStart;
            return shareLength > 0 && i < end && bytes[i] == Separator && Utf8.IsValid(bytes, shareStart, shareLength)
                && IsValidFilter(bytes, filterStart, filterLength);
        }
    }
}
