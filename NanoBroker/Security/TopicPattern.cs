using NanoBroker.Routing;

namespace NanoBroker.Security
{
    /// <summary>
    /// Access-rule topics: a filter in which "%c" and "%u" stand for the client id and the user name
    /// (as in mosquitto's ACL files), expanded into a caller's buffer without allocating.
    /// </summary>
    public static class TopicPattern
    {
        /// <summary>
        /// Writes the pattern with %c and %u replaced into <paramref name="output"/>; returns the length,
        /// or -1 when it does not fit, or when a substituted value holds a wildcard or '/' (which would
        /// widen the rule).
        /// </summary>
        public static int Expand(byte[] pattern, int start, int length, byte[] clientId, int clientIdStart, int clientIdLength, byte[] user, int userLength, byte[] output)
        {
            int n = 0;
            for (int i = start; i < start + length; i++)
            {
                byte b = pattern[i];
                if (b == (byte)'%' && i + 1 < start + length && (pattern[i + 1] == (byte)'c' || pattern[i + 1] == (byte)'u'))
                {
                    bool isClient = pattern[i + 1] == (byte)'c';
                    byte[] value = isClient ? clientId : user;
                    int from = isClient ? clientIdStart : 0;
                    int count = isClient ? clientIdLength : userLength;
                    if (value == null || n + count > output.Length || !IsPlainLevel(value, from, count))
                    {
                        return -1;
                    }
                    System.Array.Copy(value, from, output, n, count);
                    n += count;
                    i++;
                    continue;
                }
                if (n == output.Length)
                {
                    return -1;
                }
                output[n++] = b;
            }
            return n;
        }

        /// <summary>
        /// True when every topic the subscription filter can match is also matched by the rule filter,
        /// so granting the subscription grants nothing the rule does not.
        /// </summary>
        public static bool Covers(byte[] rule, int ruleStart, int ruleLength, byte[] filter, int filterStart, int filterLength)
        {
            int r = ruleStart;
            int rEnd = ruleStart + ruleLength;
            int f = filterStart;
            int fEnd = filterStart + filterLength;
            if (filterLength > 0 && filter[filterStart] == Topic.Dollar && ruleLength > 0 && (rule[ruleStart] == Topic.SingleLevel || rule[ruleStart] == Topic.MultiLevel))
            {
                return false;
            }
            while (true)
            {
                int rLevelEnd = LevelEnd(rule, r, rEnd);
                int fLevelEnd = LevelEnd(filter, f, fEnd);
                bool ruleMulti = rLevelEnd - r == 1 && rule[r] == Topic.MultiLevel;
                if (ruleMulti)
                {
                    return true;
                }
                bool filterMulti = fLevelEnd - f == 1 && filter[f] == Topic.MultiLevel;
                bool ruleSingle = rLevelEnd - r == 1 && rule[r] == Topic.SingleLevel;
                if (filterMulti)
                {
                    return false;
                }
                bool filterSingle = fLevelEnd - f == 1 && filter[f] == Topic.SingleLevel;
                if (!ruleSingle && (filterSingle || !Topic.Equal(rule, r, rLevelEnd - r, filter, f, fLevelEnd - f)))
                {
                    return false;
                }
                bool ruleDone = rLevelEnd == rEnd;
                bool filterDone = fLevelEnd == fEnd;
                if (filterDone && !ruleDone)
                {
                    // "a/#" also covers "a".
                    return rEnd - rLevelEnd == 2 && rule[rLevelEnd + 1] == Topic.MultiLevel;
                }
                if (ruleDone || filterDone)
                {
                    return ruleDone && filterDone;
                }
                r = rLevelEnd + 1;
                f = fLevelEnd + 1;
            }
        }

        /// <summary>
        /// True when some topic name matches both filters (a deny rule that overlaps a subscription leaves part of it
        /// readable, so each message through it is checked). Wildcards at the first level do not reach "$" topics.
        /// </summary>
        public static bool Overlaps(byte[] a, int aStart, int aLength, byte[] b, int bStart, int bLength)
        {
            if (aLength == 0 || bLength == 0)
            {
                return false;
            }
            if ((a[aStart] == Topic.Dollar && IsWildcardLevel(b, bStart, bStart + bLength))
                || (b[bStart] == Topic.Dollar && IsWildcardLevel(a, aStart, aStart + aLength)))
            {
                return false;
            }
            int x = aStart;
            int xEnd = aStart + aLength;
            int y = bStart;
            int yEnd = bStart + bLength;
            while (true)
            {
                int xLevelEnd = LevelEnd(a, x, xEnd);
                int yLevelEnd = LevelEnd(b, y, yEnd);
                if (IsLevel(a, x, xLevelEnd, Topic.MultiLevel) || IsLevel(b, y, yLevelEnd, Topic.MultiLevel))
                {
                    return true;
                }
                if (!IsLevel(a, x, xLevelEnd, Topic.SingleLevel) && !IsLevel(b, y, yLevelEnd, Topic.SingleLevel)
                    && !Topic.Equal(a, x, xLevelEnd - x, b, y, yLevelEnd - y))
                {
                    return false;
                }
                bool aDone = xLevelEnd == xEnd;
                bool bDone = yLevelEnd == yEnd;
                if (aDone || bDone)
                {
                    // Both end here, or the longer one goes on with "/#" only ("a/#" matches "a").
                    return aDone && bDone
                        || (aDone && yEnd - yLevelEnd == 2 && b[yLevelEnd + 1] == Topic.MultiLevel)
                        || (bDone && xEnd - xLevelEnd == 2 && a[xLevelEnd + 1] == Topic.MultiLevel);
                }
                x = xLevelEnd + 1;
                y = yLevelEnd + 1;
            }
        }

        // True when the level [at, end) is the one byte `wildcard`.
        private static bool IsLevel(byte[] bytes, int at, int end, byte wildcard)
        {
            return end - at == 1 && bytes[at] == wildcard;
        }

        // True when the first level of the filter is a wildcard.
        private static bool IsWildcardLevel(byte[] bytes, int at, int end)
        {
            int levelEnd = LevelEnd(bytes, at, end);
            return IsLevel(bytes, at, levelEnd, Topic.SingleLevel) || IsLevel(bytes, at, levelEnd, Topic.MultiLevel);
        }

        private static int LevelEnd(byte[] bytes, int at, int end)
        {
            while (at < end && bytes[at] != Topic.Separator)
            {
                at++;
            }
            return at;
        }

        private static bool IsPlainLevel(byte[] value, int start, int count)
        {
            for (int i = start; i < start + count; i++)
            {
                byte b = value[i];
                if (b == Topic.Separator || b == Topic.SingleLevel || b == Topic.MultiLevel)
                {
                    return false;
                }
            }
            return true;
        }
    }
}
