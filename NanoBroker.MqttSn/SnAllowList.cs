using NanoBroker.Protocol;

namespace NanoBroker.MqttSn
{
    /// <summary>
    /// Who may use the gateway. MQTT-SN has no password (v1.2 section 5.4.4), so on an open network the gateway is
    /// restricted by the source networks datagrams may come from (mqttsn_networks) and the client ids a CONNECT may
    /// carry (mqttsn_client_ids, a trailing * matching a prefix); beyond that the engine's access rules for the user
    /// the gateway connects as (mqttsn_user, or anonymous) decide what each client may publish and read.
    /// </summary>
    public sealed class SnAllowList
    {
        private readonly long[] networks;
        private readonly long[] masks;
        private readonly byte[][] clientIds;
        private readonly bool[] prefix;

        public SnAllowList(string networkSetting, string clientIdSetting)
        {
            string[] nets = PredefinedTopicTable.Split(networkSetting);
            networks = new long[nets.Length];
            masks = new long[nets.Length];
            for (int i = 0; i < nets.Length; i++)
            {
                ParseNetwork(nets[i], out networks[i], out masks[i]);
            }
            string[] ids = PredefinedTopicTable.Split(clientIdSetting);
            clientIds = new byte[ids.Length][];
            prefix = new bool[ids.Length];
            for (int i = 0; i < ids.Length; i++)
            {
                prefix[i] = ids[i].EndsWith("*");
                clientIds[i] = Utf8.GetBytes(prefix[i] ? ids[i].Substring(0, ids[i].Length - 1) : ids[i]);
            }
        }

        /// <summary>Whether datagrams from <paramref name="address"/> (<see cref="SnAddress"/>) are accepted.</summary>
        public bool AllowsAddress(long address)
        {
            if (networks.Length == 0)
            {
                return true;
            }
            long ip = SnAddress.Ip(address);
            for (int i = 0; i < networks.Length; i++)
            {
                if ((ip & masks[i]) == networks[i])
                {
                    return true;
                }
            }
            return false;
        }

        /// <summary>Whether a CONNECT may carry the client id at <paramref name="start"/>.</summary>
        public bool AllowsClientId(byte[] buffer, int start, int length)
        {
            if (clientIds.Length == 0)
            {
                return true;
            }
            for (int i = 0; i < clientIds.Length; i++)
            {
                byte[] id = clientIds[i];
                if (prefix[i] ? length >= id.Length && PredefinedTopicTable.SameBytes(id, buffer, start, id.Length) : PredefinedTopicTable.SameBytes(id, buffer, start, length))
                {
                    return true;
                }
            }
            return false;
        }

        /// <summary>Why <paramref name="setting"/> is not a list of a.b.c.d or a.b.c.d/bits, or null.</summary>
        public static string CheckNetworks(string setting)
        {
            string[] nets = PredefinedTopicTable.Split(setting);
            for (int i = 0; i < nets.Length; i++)
            {
                long network;
                long mask;
                if (!ParseNetwork(nets[i], out network, out mask))
                {
                    return "not a.b.c.d or a.b.c.d/bits: " + nets[i];
                }
            }
            return null;
        }

        private static bool ParseNetwork(string text, out long network, out long mask)
        {
            network = 0;
            mask = 0xFFFFFFFFL;
            int slash = text.IndexOf('/');
            string ip = slash < 0 ? text : text.Substring(0, slash);
            if (slash >= 0)
            {
                int bits = 0;
                string b = text.Substring(slash + 1);
                for (int k = 0; k < b.Length; k++)
                {
                    if (b[k] < '0' || b[k] > '9')
                    {
                        return false;
                    }
                    bits = bits * 10 + (b[k] - '0');
                }
                if (b.Length == 0 || b.Length > 2 || bits > 32)
                {
                    return false;
                }
                mask = bits == 0 ? 0 : (0xFFFFFFFFL << (32 - bits)) & 0xFFFFFFFFL;
            }
            string[] octets = ip.Split('.');
            if (octets.Length != 4)
            {
                return false;
            }
            for (int i = 0; i < 4; i++)
            {
                int v = 0;
                if (octets[i].Length == 0 || octets[i].Length > 3)
                {
                    return false;
                }
                for (int k = 0; k < octets[i].Length; k++)
                {
                    if (octets[i][k] < '0' || octets[i][k] > '9')
                    {
                        return false;
                    }
                    v = v * 10 + (octets[i][k] - '0');
                }
                if (v > 255)
                {
                    return false;
                }
                network = (network << 8) | (long)v;
            }
            network &= mask;
            return true;
        }
    }
}
