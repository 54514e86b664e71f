namespace NanoBroker.MqttSn
{
    /// <summary>
    /// The MQTT-SN gateway's settings, spelt as in the board's <c>I:\nanobroker.ini</c> (<c>mqttsn_port=1884</c>) and on
    /// the host's command line (<c>--mqttsn-port 1884</c>). Every table is allocated at start from these; each limit
    /// says what happens when it is reached. MQTT-SN clients also take the engine's connection slots (max_clients).
    /// </summary>
    public sealed class MqttSnOptions
    {
        /// <summary>mqttsn_port: the UDP port; 0 (the default) leaves the gateway off. 1884 is MQTT-SN's customary port.</summary>
        public int Port;

        /// <summary>mqttsn_max_clients: MQTT-SN clients at once, asleep ones included. Beyond it: CONNACK 0x01 (congestion).</summary>
        public int MaxClients = 64;

        /// <summary>mqttsn_topic_ids: topic ids per client (registered by either side). Beyond it: REGACK 0x01 to the client; a message
        /// on a further topic for it is dropped and counted.</summary>
        public int TopicIdsPerClient = 32;

        /// <summary>mqttsn_topic_bytes: bytes of topic names per client's registered ids. Beyond it: as mqttsn_topic_ids.</summary>
        public int TopicBytesPerClient = 1024;

        /// <summary>mqttsn_datagram_bytes: the largest datagram received or sent (per client: one retransmission buffer of this size).
        /// A larger one received is dropped and counted; a message for a client that would need a larger one is dropped and counted.</summary>
        public int DatagramBytes = 1024;

        /// <summary>mqttsn_gateway_id: the GwId in ADVERTISE and GWINFO.</summary>
        public int GatewayId = 1;

        /// <summary>mqttsn_advertise_s: seconds between ADVERTISE broadcasts (section 6.1); 0: none.</summary>
        public int AdvertiseSeconds = 900;

        /// <summary>mqttsn_retry_ms: Tretry, how long the gateway waits for an acknowledgement before sending again (section 6.13: 10-15 s).</summary>
        public int RetryMs = 10000;

        /// <summary>mqttsn_retries: Nretry, how often it sends again before it takes the client as lost (section 6.13: 3-5).</summary>
        public int Retries = 3;

        /// <summary>mqttsn_predefined: predefined topic ids, "1=sensors/a,2=sensors/b" (section 6.7).</summary>
        public string PredefinedTopics = "";

        /// <summary>mqttsn_networks: the source networks datagrams are accepted from, "192.168.1.0/24,10.0.0.7"; empty: any.</summary>
        public string Networks = "";

        /// <summary>mqttsn_client_ids: the client ids accepted in CONNECT, "sensor1,sensor2" (a trailing * matches a prefix); empty: any.</summary>
        public string ClientIds = "";

        /// <summary>mqttsn_user and mqttsn_password: the user MQTT-SN clients connect to the engine as (its access rules apply);
        /// empty: anonymous (the anonymous rules apply, and allow_anonymous must be on).</summary>
        public string User = "";

        public string Password = "";

        /// <summary>The ESP32's defaults (the gateway is off until mqttsn_port is set: then these tables take memory).</summary>
        public static MqttSnOptions ForEsp32()
        {
            MqttSnOptions o = new MqttSnOptions();
            o.MaxClients = 4;
            o.TopicIdsPerClient = 8;
            o.TopicBytesPerClient = 192;
            o.DatagramBytes = 256;
            return o;
        }

        /// <summary>The ESP32-C3's defaults (about half the ESP32's heap).</summary>
        public static MqttSnOptions ForEsp32C3()
        {
            MqttSnOptions o = ForEsp32();
            o.MaxClients = 2;
            return o;
        }

        /// <summary>How many settings there are (<see cref="Name"/>).</summary>
        public const int Count = 14;

        /// <summary>
        /// The name of setting <paramref name="index"/> as in nanobroker.ini, or null. A switch, not a static array: a
        /// board that leaves the gateway off pays nothing for the names at start.
        /// </summary>
        public static string Name(int index)
        {
            switch (index)
            {
                case 0: return "mqttsn_port";
                case 1: return "mqttsn_max_clients";
                case 2: return "mqttsn_topic_ids";
                case 3: return "mqttsn_topic_bytes";
                case 4: return "mqttsn_datagram_bytes";
                case 5: return "mqttsn_gateway_id";
                case 6: return "mqttsn_advertise_s";
                case 7: return "mqttsn_retry_ms";
                case 8: return "mqttsn_retries";
                case 9: return "mqttsn_predefined";
                case 10: return "mqttsn_networks";
                case 11: return "mqttsn_client_ids";
                case 12: return "mqttsn_user";
                case 13: return "mqttsn_password";
                default: return null;
            }
        }

        /// <summary>
        /// Sets the setting <paramref name="name"/> (one of <see cref="Name"/>) from its text. Returns null when set, else
        /// why not (an unknown name, a number out of range, a list that does not parse), as one line.
        /// </summary>
        public string Set(string name, string value)
        {
            int index = IndexOf(name);
            if (index < 0)
            {
                return "unknown setting " + name;
            }
            if (index >= 9)
            {
                string problem = index == 9 ? PredefinedTopicTable.Check(value) : index == 10 ? SnAllowList.CheckNetworks(value) : null;
                if (problem != null)
                {
                    return name + ": " + problem;
                }
                switch (index)
                {
                    case 9: PredefinedTopics = value; break;
                    case 10: Networks = value; break;
                    case 11: ClientIds = value; break;
                    case 12: User = value; break;
                    default: Password = value; break;
                }
                return null;
            }
            int n;
            if (!TryParse(value, out n))
            {
                return name + ": not a whole number: " + value;
            }
            int min = index == 0 || index == 6 ? 0 : index == 4 ? 16 : 1;
            int max = index == 0 ? 65535 : index == 5 ? 255 : index == 4 ? 65535 : int.MaxValue;
            if (n < min || n > max)
            {
                return name + ": " + value + " is out of range (" + min + ".." + max + ")";
            }
            switch (index)
            {
                case 0: Port = n; break;
                case 1: MaxClients = n; break;
                case 2: TopicIdsPerClient = n; break;
                case 3: TopicBytesPerClient = n; break;
                case 4: DatagramBytes = n; break;
                case 5: GatewayId = n; break;
                case 6: AdvertiseSeconds = n; break;
                case 7: RetryMs = n; break;
                default: Retries = n; break;
            }
            return null;
        }

        /// <summary>The index of the setting <paramref name="name"/> (<see cref="Name"/>), or -1.</summary>
        public static int IndexOf(string name)
        {
            for (int i = 0; i < Count; i++)
            {
                if (Name(i) == name)
                {
                    return i;
                }
            }
            return -1;
        }

        private static bool TryParse(string text, out int value)
        {
            value = 0;
            if (text == null || text.Length == 0 || text.Length > 9)
            {
                return false;
            }
            for (int i = 0; i < text.Length; i++)
            {
                if (text[i] < '0' || text[i] > '9')
                {
                    return false;
                }
                value = value * 10 + (text[i] - '0');
            }
            return true;
        }
    }
}
