using NanoBroker.Protocol;
using NanoBroker.Routing;

namespace NanoBroker.Bridge
{
    /// <summary>
    /// One topic rule of a bridge, in mosquitto's form <c>pattern [out|in|both] [qos] [local-prefix] [remote-prefix]</c>:
    /// the local side subscribes to local-prefix + pattern, the remote side to remote-prefix + pattern, and a topic
    /// crossing over swaps one prefix for the other. <c>""</c> stands for an empty prefix, as in mosquitto.conf.
    /// </summary>
    public sealed class BridgeRule
    {
        /// <summary>The topic filter on this broker: local prefix + pattern (UTF-8).</summary>
        public readonly byte[] LocalFilter;

        /// <summary>The topic filter on the upstream broker: remote prefix + pattern (UTF-8).</summary>
        public readonly byte[] RemoteFilter;

        /// <summary>Bytes of the local prefix (the start of <see cref="LocalFilter"/>).</summary>
        public readonly int LocalPrefixLength;

        /// <summary>Bytes of the remote prefix (the start of <see cref="RemoteFilter"/>).</summary>
        public readonly int RemotePrefixLength;

        /// <summary>Which way messages go.</summary>
        public readonly BridgeDirection Direction;

        /// <summary>The QoS of both subscriptions: the most a message crossing by this rule keeps.</summary>
        public readonly int Qos;

        private BridgeRule(byte[] localFilter, int localPrefixLength, byte[] remoteFilter, int remotePrefixLength, BridgeDirection direction, int qos)
        {
            LocalFilter = localFilter;
            LocalPrefixLength = localPrefixLength;
            RemoteFilter = remoteFilter;
            RemotePrefixLength = remotePrefixLength;
            Direction = direction;
            Qos = qos;
        }

        /// <summary>True when the rule carries messages from this broker upstream.</summary>
        public bool Out { get { return (Direction & BridgeDirection.Out) != 0; } }

        /// <summary>True when the rule carries messages from upstream to this broker.</summary>
        public bool In { get { return (Direction & BridgeDirection.In) != 0; } }

        /// <summary>
        /// Parses <paramref name="text"/> (the words after <c>topic</c>); null with <paramref name="problem"/> set when it is
        /// not a rule. Direction defaults to out and QoS to 0, as in mosquitto; a word starting with # after the pattern
        /// starts a comment (the pattern itself may be #).
        /// </summary>
        public static BridgeRule Parse(string text, out string problem)
        {
            string[] words = Words(text);
            problem = null;
            if (words.Length == 0)
            {
                problem = "a topic rule needs a pattern: topic <pattern> [out|in|both] [qos] [local-prefix] [remote-prefix]";
                return null;
            }
            if (words.Length > 5)
            {
                problem = "a topic rule has at most 5 words: <pattern> [out|in|both] [qos] [local-prefix] [remote-prefix]";
                return null;
            }
            string pattern = Unquote(words[0]);
            BridgeDirection direction = BridgeDirection.Out;
            if (words.Length > 1)
            {
                if (words[1] == "out") direction = BridgeDirection.Out;
                else if (words[1] == "in") direction = BridgeDirection.In;
                else if (words[1] == "both") direction = BridgeDirection.Both;
                else
                {
                    problem = "a topic rule's direction is out, in or both, not '" + words[1] + "'";
                    return null;
                }
            }
            int qos = 0;
            if (words.Length > 2)
            {
                if (words[2] != "0" && words[2] != "1" && words[2] != "2")
                {
                    problem = "a topic rule's qos is 0, 1 or 2, not '" + words[2] + "'";
                    return null;
                }
                qos = words[2][0] - '0';
            }
            string localPrefix = words.Length > 3 ? Unquote(words[3]) : "";
            string remotePrefix = words.Length > 4 ? Unquote(words[4]) : "";
            byte[] local = Utf8.GetBytes(localPrefix + pattern);
            byte[] remote = Utf8.GetBytes(remotePrefix + pattern);
            if (!Topic.IsValidFilter(local, 0, local.Length) || !Topic.IsValidFilter(remote, 0, remote.Length))
            {
                problem = "'" + localPrefix + pattern + "' or '" + remotePrefix + pattern + "' is not a valid topic filter";
                return null;
            }
            return new BridgeRule(local, Utf8.GetBytes(localPrefix).Length, remote, Utf8.GetBytes(remotePrefix).Length, direction, qos);
        }

        /// <summary>True when a local topic goes upstream by this rule.</summary>
        public bool MatchesLocal(byte[] topic, int offset, int count)
        {
            return Out && Topic.Matches(LocalFilter, 0, LocalFilter.Length, topic, offset, count);
        }

        /// <summary>True when an upstream topic comes here by this rule.</summary>
        public bool MatchesRemote(byte[] topic, int offset, int count)
        {
            return In && Topic.Matches(RemoteFilter, 0, RemoteFilter.Length, topic, offset, count);
        }

        // The words of a line, split at spaces and tabs, up to the first word after the first that starts with #.
        private static string[] Words(string text)
        {
            string[] all = text.Trim().Split(' ', '\t');
            int count = 0;
            for (int i = 0; i < all.Length; i++)
            {
                if (all[i].Length == 0)
                {
                    continue;
                }
                if (count > 0 && all[i][0] == '#')
                {
                    break;
                }
                all[count++] = all[i];
            }
            string[] words = new string[count];
            System.Array.Copy(all, words, count);
            return words;
        }

        private static string Unquote(string word)
        {
            return word == "\"\"" ? "" : word;
        }
    }
}
