using System.Collections;

namespace NanoBroker.Bridge
{
    /// <summary>
    /// One bridge: the upstream broker it connects to as a client and the topic rules it carries. Read from
    /// <c>bridge.&lt;name&gt;.&lt;key&gt;=value</c> lines (<see cref="BridgeConfig"/>) on the board and in the host's --config file.
    /// </summary>
    public sealed class BridgeSettings
    {
        /// <summary>The bridge's name: its $SYS/broker/bridge/&lt;name&gt;/... topics and its default client ids.</summary>
        public readonly string Name;

        /// <summary>address: the upstream's host name or IP address.</summary>
        public string Host;

        /// <summary>The upstream's port (address host:port; 1883, or 8883 with TLS, when left out).</summary>
        public int Port;

        /// <summary>clientid: the client identifier upstream (default: nanobroker-&lt;name&gt;).</summary>
        public string ClientId;

        /// <summary>username and password upstream, or null.</summary>
        public string Username;
        public string Password;

        /// <summary>
        /// cleansession: start a new upstream session at each connect (true), or keep one (false, the default), so
        /// the upstream keeps the bridge's subscriptions and messages for it while the link is down.
        /// </summary>
        public bool CleanSession;

        /// <summary>keepalive_interval: seconds between packets upstream before a PINGREQ (default 60).</summary>
        public int KeepAliveSeconds = 60;

        /// <summary>
        /// try_private: connect with mosquitto's bridge flag (protocol level | 0x80), so a mosquitto upstream sends
        /// nothing back that came from the bridge. An upstream that refuses it is connected again without it. Default true.
        /// </summary>
        public bool TryPrivate = true;

        /// <summary>
        /// protocol_version: mqttv311 (default) or mqttv50 upstream. With 5.0 the bridge's upstream subscriptions have No Local
        /// (no bridge flag, no echo filter needed) and it keeps within the upstream's Receive Maximum.
        /// </summary>
        public bool Mqtt5;

        /// <summary>tls: connect with TLS (desktop: .NET's SslStream; the board: see README).</summary>
        public bool Tls;

        /// <summary>tls_ca: a PEM file of the certificate authority to trust upstream (null: the system's).</summary>
        public string TlsCaFile;

        /// <summary>tls_insecure: skip the check of the upstream's certificate and host name (tests only).</summary>
        public bool TlsInsecure;

        /// <summary>local_clientid: the client identifier of the bridge's session in this broker (default: bridge-&lt;name&gt;).</summary>
        public string LocalClientId;

        /// <summary>local_username and local_password: what the bridge's local session authenticates with, or null.</summary>
        public string LocalUsername;
        public string LocalPassword;

        /// <summary>restart_timeout: the first and the longest wait before connecting again, in milliseconds (doubled each failure, with jitter).</summary>
        public int ReconnectMinMs = 1000;
        public int ReconnectMaxMs = 30000;

        /// <summary>The longest name: its $SYS topics and values fit Broker.AddOnSysBytes.</summary>
        public const int MaxNameLength = 40;

        private readonly ArrayList rules = new ArrayList();

        public BridgeSettings(string name)
        {
            Name = name;
        }

        /// <summary>Adds a topic rule (in the order given: a message crosses by the first rule that matches).</summary>
        public void Add(BridgeRule rule)
        {
            rules.Add(rule);
        }

        /// <summary>The topic rules.</summary>
        public int RuleCount { get { return rules.Count; } }

        public BridgeRule Rule(int i)
        {
            return (BridgeRule)rules[i];
        }

        /// <summary>The upstream port: the one given, else 1883 (8883 with TLS).</summary>
        public int UpstreamPort { get { return Port != 0 ? Port : Tls ? 8883 : 1883; } }

        /// <summary>The client identifier upstream.</summary>
        public string RemoteClientIdOrDefault { get { return ClientId != null ? ClientId : "nanobroker-" + Name; } }

        /// <summary>The client identifier of the local session.</summary>
        public string LocalClientIdOrDefault { get { return LocalClientId != null ? LocalClientId : "bridge-" + Name; } }

        /// <summary>Null when the bridge can run, else what is missing or wrong.</summary>
        public string Validate()
        {
            string at = "bridge." + Name + ": ";
            if (Name.Length == 0 || Name.Length > MaxNameLength || Name.IndexOf('/') >= 0 || Name.IndexOf('+') >= 0 || Name.IndexOf('#') >= 0)
            {
                return at + "a bridge's name is 1 to " + MaxNameLength + " characters without / + # (it is a level of its $SYS topics)";
            }
            if (Host == null || Host.Length == 0) return at + "address (host:port) is missing";
            if (Port < 0 || Port > 65535) return at + "the port must be between 1 and 65535";
            if (rules.Count == 0) return at + "no topic rule (topic=<pattern> [out|in|both] [qos] [local-prefix] [remote-prefix])";
            if (KeepAliveSeconds < 1 || KeepAliveSeconds > 65535) return at + "keepalive_interval must be between 1 and 65535";
            if (ReconnectMinMs < 1 || ReconnectMaxMs < ReconnectMinMs) return at + "restart_timeout takes min[:max] milliseconds, min at least 1";
            return null;
        }
    }
}
