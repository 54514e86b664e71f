using System.Collections;

namespace NanoBroker.Bridge
{
    /// <summary>
    /// The bridges of a settings file: lines <c>bridge.&lt;name&gt;.&lt;key&gt;=value</c>, the same on the board
    /// (nanobroker.ini) and in the host's --config file. Keys are mosquitto's bridge keys: address, clientid,
    /// username, password, cleansession, keepalive_interval, try_private, protocol_version, restart_timeout, local_clientid,
    /// local_username, local_password, tls, tls_ca, tls_insecure, and topic (repeatable).
    /// A bridge line is read whole: in a topic rule # is a wildcard, and a comment starts at a later word beginning with #.
    /// </summary>
    public sealed class BridgeConfig
    {
        private const string Prefix = "bridge.";

        private readonly ArrayList bridges = new ArrayList();

        /// <summary>True when <paramref name="line"/> (trimmed) is a bridge line, which <see cref="Read"/> takes.</summary>
        public static bool IsBridgeLine(string line)
        {
            return line.Length > Prefix.Length && line.Substring(0, Prefix.Length).ToLower() == Prefix;
        }

        /// <summary>The bridges read, in the order their names first came.</summary>
        public int Count { get { return bridges.Count; } }

        public BridgeSettings At(int i)
        {
            return (BridgeSettings)bridges[i];
        }

        /// <summary>Reads one bridge line; returns null, or what is wrong with it.</summary>
        public string Read(string line)
        {
            int eq = line.IndexOf('=');
            int dot = line.IndexOf('.', Prefix.Length);
            if (eq < 0 || dot < 0 || dot > eq || dot == Prefix.Length)
            {
                return "a bridge line is bridge.<name>.<key>=value: " + line;
            }
            string name = line.Substring(Prefix.Length, dot - Prefix.Length);
            string key = line.Substring(dot + 1, eq - dot - 1).Trim().ToLower();
            string value = line.Substring(eq + 1).Trim();
            if (key != "topic")
            {
                // Outside topic rules # starts a comment, as everywhere in the file.
                int hash = value.IndexOf('#');
                if (hash >= 0)
                {
                    value = value.Substring(0, hash).Trim();
                }
            }
            BridgeSettings b = Find(name);
            string where = "bridge." + name + "." + key + ": ";
            switch (key)
            {
                case "address": return Address(b, value, where);
                case "clientid": b.ClientId = NullIfEmpty(value); return null;
                case "username": b.Username = NullIfEmpty(value); return null;
                case "password": b.Password = NullIfEmpty(value); return null;
                case "local_clientid": b.LocalClientId = NullIfEmpty(value); return null;
                case "local_username": b.LocalUsername = NullIfEmpty(value); return null;
                case "local_password": b.LocalPassword = NullIfEmpty(value); return null;
                case "tls_ca": b.TlsCaFile = NullIfEmpty(value); return null;
                case "cleansession": return Bool(value, where, ref b.CleanSession);
                case "try_private": return Bool(value, where, ref b.TryPrivate);
                case "tls": return Bool(value, where, ref b.Tls);
                case "tls_insecure": return Bool(value, where, ref b.TlsInsecure);
                case "keepalive_interval": return Number(value, where, 1, 65535, ref b.KeepAliveSeconds);
                case "restart_timeout": return RestartTimeout(b, value, where);
                case "protocol_version":
                    if (value != "mqttv311" && value != "mqttv50")
                    {
                        return where + "takes mqttv311 or mqttv50, not '" + value + "'";
                    }
                    b.Mqtt5 = value == "mqttv50";
                    return null;
                case "topic":
                    string problem;
                    BridgeRule rule = BridgeRule.Parse(value, out problem);
                    if (rule == null)
                    {
                        return where + problem;
                    }
                    b.Add(rule);
                    return null;
                default: return "unknown bridge key " + key + " (bridge." + name + "." + key + ")";
            }
        }

        /// <summary>Null when every bridge can run, else the first problem.</summary>
        public string Validate()
        {
            for (int i = 0; i < bridges.Count; i++)
            {
                string problem = At(i).Validate();
                if (problem != null)
                {
                    return problem;
                }
            }
            return null;
        }

        private BridgeSettings Find(string name)
        {
            for (int i = 0; i < bridges.Count; i++)
            {
                if (At(i).Name == name)
                {
                    return At(i);
                }
            }
            BridgeSettings b = new BridgeSettings(name);
            bridges.Add(b);
            return b;
        }

        private static string Address(BridgeSettings b, string value, string where)
        {
            int colon = value.LastIndexOf(':');
            b.Host = colon > 0 ? value.Substring(0, colon) : value;
            if (colon < 0)
            {
                b.Port = 0;
                return null;
            }
            int port = 0;
            if (Number(value.Substring(colon + 1), where, 1, 65535, ref port) != null)
            {
                return where + "takes host[:port], not '" + value + "'";
            }
            b.Port = port;
            return null;
        }

        private static string RestartTimeout(BridgeSettings b, string value, string where)
        {
            int colon = value.IndexOf(':');
            int min = 0;
            int max = 0;
            string problem = Number(colon < 0 ? value : value.Substring(0, colon), where, 1, int.MaxValue, ref min);
            if (problem == null)
            {
                max = min > b.ReconnectMaxMs ? min : b.ReconnectMaxMs;
                if (colon >= 0)
                {
                    problem = Number(value.Substring(colon + 1), where, min, int.MaxValue, ref max);
                }
            }
            if (problem != null)
            {
                return where + "takes min[:max] milliseconds, not '" + value + "'";
            }
            b.ReconnectMinMs = min;
            b.ReconnectMaxMs = max;
            return null;
        }

        private static string Bool(string value, string where, ref bool field)
        {
            if (value != "true" && value != "false")
            {
                return where + "takes true or false, not '" + value + "'";
            }
            field = value == "true";
            return null;
        }

        private static string Number(string value, string where, int min, int max, ref int field)
        {
            // At most 10 digits: a value that fits a long, compared with the bounds before it becomes an int.
            bool digits = value.Length > 0 && value.Length <= 10;
            long v = 0;
            for (int i = 0; digits && i < value.Length; i++)
            {
                digits = value[i] >= '0' && value[i] <= '9';
                v = v * 10 + (value[i] - '0');
            }
            if (!digits || v < min || v > max)
            {
                return where + "takes a number from " + min + " to " + max + ", not '" + value + "'";
            }
            field = (int)v;
            return null;
        }

        private static string NullIfEmpty(string value)
        {
            return value.Length > 0 ? value : null;
        }
    }
}
