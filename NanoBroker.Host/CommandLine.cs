using System;
using System.Globalization;
using System.Net;
using System.Text;

namespace NanoBroker.Host
{
    /// <summary>The host's settings, read from the command line.</summary>
    public sealed class CommandLine
    {
        // What each engine limit bounds, by BrokerLimits index: the option is --NAME with dashes (--max-clients).
        private static readonly string[] LimitHelp =
        {
            "connected clients; beyond: CONNACK 3",
            "sessions kept (connected + persistent offline)",
            "largest packet in bytes; beyond: disconnect",
            "send buffer per connection",
            "longest client id; beyond: CONNACK 2",
            "subscriptions of all clients; beyond: SUBACK 0x80",
            "levels of the topic tree, shared by filters and retained topics; beyond: SUBACK 0x80, retained not stored",
            "bytes of the topic tree's levels (each level once, plus 4); beyond: as --max-topic-nodes",
            "unacknowledged QoS 1/2 messages per client and direction",
            "queued QoS 1/2 messages per session",
            "retained messages; beyond: delivered, not stored",
            "bytes of all retained messages",
            "messages held for queues, inflight, retained and wills",
            "bytes of the message store",
            "block size of the message store",
            "time to send CONNECT after connecting",
            "time a client may stall its send buffer or hold publishers back",
            "interval of $SYS statistics; 0 = off",
            "records written together (group commit)",
            "longest a stored change (and its ack) waits to be written",
            "log size that triggers compaction",
            "bytes of the log and its compaction copy; live state over a quarter: storage full",
            "longest a retained message waits to be written (longer than the commit delay: its ack does not wait either)",
            "own receive buffer per connection (0 = max packet size); larger packets borrow a large buffer",
            "large receive buffers (max packet size each) lent for one packet; none free: that client waits",
            "large send buffers (max packet size each) lent to an outbox; none free: QoS 0 dropped, QoS 1/2 wait",
            "MQTT 5.0 topic aliases a client may set per connection; 0 = none; beyond: DISCONNECT 0x94",
            "MQTT 5.0 topic aliases the broker uses toward a client per connection; 0 = none",
            "bytes of aliased topics per connection and direction; beyond: inbound DISCONNECT 0x97, outbound no alias",
            "longest MQTT 5.0 session expiry interval in seconds; 2147483647 = no cap",
            "longest keep-alive in seconds (5.0: Server Keep Alive; 3.x asking more: CONNACK 2); 0 = no cap",
            "5.0 shared subscription groups ($share/name/filter); 0 = shared subscriptions not available",
            "MQTT 5.0 SCRAM-SHA-256 exchanges at once (beyond: CONNACK 0x89); 0 = enhanced authentication off",
            "MQTT 5.0 connections with topic alias tables at once; others are announced no topic aliases",
        };

        public IPAddress Bind = IPAddress.Loopback;
        public int Port = 1883;
        public string DataFolder = "data";
        public bool Verbose;
        public bool ShowHelp;
        public bool ShowVersion;
        public BrokerOptions Broker = BrokerOptions.Desktop();

        /// <summary>The MQTT-SN gateway's settings (--mqttsn-port and the rest; mqttsn_port in a settings file); off with port 0.</summary>
        public NanoBroker.MqttSn.MqttSnOptions MqttSn = new NanoBroker.MqttSn.MqttSnOptions();
        public string PasswordFile;
        public string CertificateFile;
        public string KeyFile;
        public int TlsPort = 8883;

        /// <summary>The web port (MQTT over WebSockets, the status page): --ws-port (0 = off), --max-web-clients, ...</summary>
        public NanoBroker.Web.WebOptions Web = NanoBroker.Web.WebOptions.Desktop();

        /// <summary>The TLS web port (wss and https), relayed to the web port as 8883 is to the MQTT port; 0 = none.</summary>
        public int WssPort;

        /// <summary>Only TLS clients: the plain listener moves to an internal loopback port the TLS listener relays to.</summary>
        public bool TlsOnly;
        public string AclFile;

        /// <summary>Token authentication's settings (files read by TokenLoader); on when a secret or public key is given.</summary>
        public NanoBroker.Tokens.TokenSettings Tokens = new NanoBroker.Tokens.TokenSettings { MaxRsaBits = 4096 };
        public string TokenSecret;
        public string TokenSecretFile;
        public string TokenPublicKeyFile;

        /// <summary>True when clients may authenticate with a JWT.</summary>
        public bool TokensOn { get { return TokenSecret != null || TokenSecretFile != null || TokenPublicKeyFile != null; } }

        /// <summary>Anonymous clients may connect: on by default only when listening on a loopback address.</summary>
        public bool AllowAnonymous;
        private bool? allowAnonymousOption;

        /// <summary>5.0 refusals by the rules get 0x80 Unspecified error, not 0x87 (AccessControl.HidesRefusalReasons).</summary>
        public bool HideRefusalReasons;

        // What validation accepts for each limit, by BrokerLimits index (BrokerOptions.Validate), for --help.
        private static readonly string[] LimitRule =
        {
            "at least 1",
            "at least --max-clients",
            "16 to 268435455",
            "at least 16; at least --max-packet-size unless --large-send-buffers is 1 or more",
            "at least 23",
            "at least 1",
            "at least 1",
            "at least 1",
            "1 to 65535",
            "at least 1",
            "0 or more",
            "0 or more",
            "at least 1",
            "at least --max-packet-size",
            "at least 8",
            "at least 1",
            "at least 1",
            "0 or more; 0 = off",
            "at least --max-packet-size + --max-client-id-bytes + " + NanoBroker.Storage.Record.Overhead,
            "0 or more",
            "at least --storage-batch-bytes",
            "at least 8 x --storage-batch-bytes",
            "0 or more",
            "0 (= --max-packet-size) or at least 16; below --max-packet-size needs --large-receive-buffers 1 or more",
            "0 or more; at least 1 when --receive-buffer-bytes is below --max-packet-size",
            "0 or more; at least 1 when --outbox-bytes is below --max-packet-size",
            "0 to 65535",
            "0 to 65535",
            "0 or more",
            "0 or more",
            "0 to 65535",
            "0 or more",
            "0 or more",
            "0 or more",
        };

        // The BrokerOptions property of each limit, by BrokerLimits index: Validate names properties, the user typed options.
        private static readonly string[] LimitProperty =
        {
            "MaxClients", "MaxSessions", "MaxPacketSize", "OutboxBytes", "MaxClientIdBytes", "MaxSubscriptions",
            "MaxTopicNodes", "TopicLevelBytes", "InflightWindow", "QueueDepth", "MaxRetainedMessages", "MaxRetainedBytes",
            "MaxStoredMessages", "MessageStoreBytes", "MessageBlockBytes", "ConnectTimeoutMs", "SlowClientTimeoutMs",
            "SysIntervalMs", "StorageBatchBytes", "StorageCommitDelayMs", "StorageCompactBytes", "MaxStorageBytes",
            "StorageRetainedDelayMs", "ReceiveBufferBytes", "LargeReceiveBuffers", "LargeSendBuffers", "MaxTopicAliases",
            "MaxOutboundTopicAliases", "TopicAliasBytes", "MaxSessionExpirySeconds", "MaxKeepAliveSeconds",
            "MaxShareGroups",
            "MaxAuthExchanges",
            "MaxTopicAliasClients",
        };

        /// <summary>The smallest value validation accepts for limit <paramref name="limit"/> alone, or -1 when it depends on others.</summary>
        public static int Minimum(int limit)
        {
            string rule = LimitRule[limit];
            if (rule.Contains("--"))
            {
                return -1;
            }
            if (rule.StartsWith("0 or more", StringComparison.Ordinal))
            {
                return 0;
            }
            string digits = rule.StartsWith("at least ", StringComparison.Ordinal) ? rule.Substring(9) : rule.Substring(0, rule.IndexOf(' '));
            return int.Parse(digits, CultureInfo.InvariantCulture);
        }

        /// <summary>Keys of the board's settings file that the desktop has no use for (Wi-Fi, LED, mDNS, mbedTLS): read and reported, not applied.</summary>
        public static readonly string[] BoardOnlyKeys = { "ssid", "password", "led_pin", "led_active_low", "mdns", "tls_key_password", "tls_max_clients" };

        /// <summary>The bridges to upstream brokers (bridge.&lt;name&gt;.&lt;key&gt; lines of the --config file).</summary>
        public readonly NanoBroker.Bridge.BridgeConfig Bridges = new NanoBroker.Bridge.BridgeConfig();

        /// <summary>The --config file, or null.</summary>
        public string ConfigFile;

        /// <summary>Board-only keys the --config file set (see <see cref="BoardOnlyKeys"/>), for the log; null when none.</summary>
        public string IgnoredKeys;

        /// <summary>Parses the arguments; throws <see cref="ArgumentException"/> with a message for the user.</summary>
        public static CommandLine Parse(string[] args)
        {
            CommandLine c = new CommandLine();
            // The settings file first, then the command line over it.
            for (int i = 0; i < args.Length; i++)
            {
                if (args[i] == "--config")
                {
                    c.ConfigFile = Value(args, ref i);
                }
            }
            if (c.ConfigFile != null)
            {
                c.ReadConfig(c.ConfigFile);
            }
            for (int i = 0; i < args.Length; i++)
            {
                string arg = args[i];
                switch (arg)
                {
                    case "-h":
                    case "--help": c.ShowHelp = true; continue;
                    case "--version": c.ShowVersion = true; continue;
                    case "-v":
                    case "--verbose": c.Verbose = true; continue;
                    case "--tls-only": c.TlsOnly = true; continue;
                    case "--config": i++; continue;
                    case "-p": c.Set("-p", "--port", Value(args, ref i)); continue;
                }
                if (!arg.StartsWith("--", StringComparison.Ordinal) || !c.Set(arg, arg, Value(args, ref i)))
                {
                    throw new ArgumentException("unknown option '" + arg + "' (see --help)");
                }
            }
            if (c.ShowHelp || c.ShowVersion)
            {
                return c;
            }
            string problem = c.Broker.Validate();
            if (problem != null)
            {
                throw new ArgumentException(OptionNames(problem));
            }
            problem = c.Bridges.Validate();
            if (problem != null)
            {
                throw new ArgumentException("--config " + c.ConfigFile + ": " + problem);
            }
            if (c.Bridges.Count > 0)
            {
                // A bridge's store and forward is the engine's queue of its session: kept in the log, so it survives a restart.
                c.Broker.PersistQueuedMessages = true;
                c.Broker.AddOnSysTopics = 5 * c.Bridges.Count;
            }
            if ((c.CertificateFile == null) != (c.KeyFile == null) || (c.TlsOnly && c.CertificateFile == null))
            {
                throw new ArgumentException("TLS needs both --cert and --key (PEM files)");
            }
            if (c.Web.Validate() != null || (c.WssPort != 0 && (c.CertificateFile == null || !c.Web.Enabled)))
            {
                throw new ArgumentException(c.Web.Validate() ?? "--wss-port needs --cert and --key, and --ws-port (the web port it relays to)");
            }
            c.AllowAnonymous = c.allowAnonymousOption ?? IPAddress.IsLoopback(c.Bind);
            if (!IPAddress.IsLoopback(c.Bind) && c.PasswordFile == null && !c.TokensOn && !c.AllowAnonymous)
            {
                throw new ArgumentException("listening on " + c.Bind + " needs --password-file or token authentication, or --allow-anonymous true to let anyone on the network in");
            }
            return c;
        }

        /// <summary>
        /// Applies one setting that takes a value: <paramref name="option"/> is its command-line form (--port),
        /// <paramref name="name"/> what the user wrote (-p, --port, or port in a settings file) for messages.
        /// False when there is no such option.
        /// </summary>
        private bool Set(string name, string option, string value)
        {
            switch (option)
            {
                case "--port": Port = Int(name, value, 0, 65535); return true;
                case "--bind":
                    IPAddress address;
                    if (!IPAddress.TryParse(value, out address))
                    {
                        throw new ArgumentException(name + " needs an IP address, not '" + value + "'");
                    }
                    Bind = address;
                    return true;
                case "--data":
                    if (value.Trim().Length == 0)
                    {
                        throw new ArgumentException(name + " needs a folder, not an empty name");
                    }
                    DataFolder = value;
                    return true;
                case "--password-file": PasswordFile = FileName(name, value); return true;
                case "--cert": CertificateFile = FileName(name, value); return true;
                case "--key": KeyFile = FileName(name, value); return true;
                case "--tls-port": TlsPort = Int(name, value, 0, 65535); return true;
                case "--ws-port": Web.Port = Int(name, value, 0, 65535); return true;
                case "--wss-port": WssPort = Int(name, value, 0, 65535); return true;
                case "--max-web-clients": Web.MaxClients = Int(name, value, 0, 65535); return true;
                case "--web-request-bytes": Web.MaxRequestBytes = Int(name, value, 256, 65536); return true;
                case "--web-timeout-ms": Web.TimeoutMs = Int(name, value, 1, int.MaxValue); return true;
                case "--web-frame-bytes": Web.MaxFrameBytes = Int(name, value, 1, int.MaxValue); return true;
                case "--acl-file": AclFile = FileName(name, value); return true;
                case "--allow-anonymous": allowAnonymousOption = Bool(name, value); return true;
                case "--hide-refusal-reasons": HideRefusalReasons = Bool(name, value); return true;
                case "--persist-queued": Broker.PersistQueuedMessages = Bool(name, value); return true;
                case "--verbose": Verbose = Bool(name, value); return true;
                case "--tls-only": TlsOnly = Bool(name, value); return true;
                case "--token-secret": TokenSecret = value.Length > 0 ? value : null; return true;
                case "--token-secret-file": TokenSecretFile = FileName(name, value); return true;
                case "--token-public-key": TokenPublicKeyFile = FileName(name, value); return true;
                case "--token-algorithms":
                    int algorithms = NanoBroker.Tokens.TokenAlgorithms.Parse(value);
                    if (algorithms < 0)
                    {
                        throw new ArgumentException(name + " takes HS256, RS256, ES256 or a comma-separated list of them, not '" + value + "'");
                    }
                    Tokens.Algorithms = algorithms;
                    return true;
                case "--token-identity-claim": Tokens.IdentityClaim = value; return true;
                case "--token-rules-claim": Tokens.RulesClaim = value; return true;
                case "--token-issuer": Tokens.Issuer = value.Length > 0 ? value : null; return true;
                case "--token-audience": Tokens.Audience = value.Length > 0 ? value : null; return true;
                case "--token-skew": Tokens.SkewSeconds = Int(name, value, 0, 86400); return true;
                case "--token-rule-bytes": Tokens.MaxClaimRuleBytes = Int(name, value, 0, 65536); return true;
                case "--token-before-clock":
                    if (Is(value, "refuse")) Tokens.TrustBeforeClockSet = false;
                    else if (Is(value, "trust")) Tokens.TrustBeforeClockSet = true;
                    else throw new ArgumentException(name + " takes refuse or trust, not '" + value + "'");
                    return true;
                case "--token-username":
                    if (Is(value, "any")) Tokens.UserNameIsIdentity = false;
                    else if (Is(value, "identity")) Tokens.UserNameIsIdentity = true;
                    else throw new ArgumentException(name + " takes any or identity, not '" + value + "'");
                    return true;
                case "--queue-full":
                    if (Is(value, "backpressure")) Broker.QueueFull = QueueFullPolicy.Backpressure;
                    else if (Is(value, "drop")) Broker.QueueFull = QueueFullPolicy.DropOldest;
                    else throw new ArgumentException(name + " takes backpressure or drop, not '" + value + "'");
                    return true;
            }
            string key = option.Substring(2).Replace('-', '_');
            if (NanoBroker.MqttSn.MqttSnOptions.IndexOf(key) >= 0)
            {
                string problem = MqttSn.Set(key, value);
                if (problem != null)
                {
                    throw new ArgumentException(name + problem.Substring(key.Length));
                }
                return true;
            }
            int limit = BrokerLimits.Find(key);
            if (limit < 0)
            {
                return false;
            }
            BrokerLimits.Set(Broker, limit, Int(name, value, 0, int.MaxValue));
            return true;
        }

        /// <summary>
        /// Reads a settings file in the board's format (I:\nanobroker.ini): one key=value a line, # starts a
        /// comment, keys are the command line's options without the dashes and with underscores
        /// (max_clients), tls_certificate and tls_key for --cert and --key. An empty file setting means none, as
        /// on the board. Throws <see cref="ArgumentException"/> naming the line of an unknown key or a bad value.
        /// </summary>
        private void ReadConfig(string file)
        {
            string[] lines;
            try
            {
                lines = System.IO.File.ReadAllLines(file);
            }
            catch (Exception e) when (e is System.IO.FileNotFoundException || e is System.IO.DirectoryNotFoundException)
            {
                throw new ArgumentException("--config " + file + ": no such file");
            }
            catch (Exception e) when (e is System.IO.IOException || e is UnauthorizedAccessException)
            {
                throw new ArgumentException("--config " + file + ": cannot read it (" + e.Message + ")");
            }
            for (int n = 0; n < lines.Length; n++)
            {
                string line = lines[n];
                if (NanoBroker.Bridge.BridgeConfig.IsBridgeLine(line.Trim()))
                {
                    string bridgeProblem = Bridges.Read(line.Trim());
                    if (bridgeProblem != null)
                    {
                        throw new ArgumentException("--config " + file + " line " + (n + 1) + ": " + bridgeProblem);
                    }
                    continue;
                }
                int hash = line.IndexOf('#');
                if (hash >= 0)
                {
                    line = line.Substring(0, hash);
                }
                line = line.Trim();
                if (line.Length == 0)
                {
                    continue;
                }
                string where = "--config " + file + " line " + (n + 1) + ": ";
                int eq = line.IndexOf('=');
                if (eq <= 0)
                {
                    throw new ArgumentException(where + "not key=value: " + line);
                }
                string key = line.Substring(0, eq).Trim().ToLowerInvariant();
                string value = line.Substring(eq + 1).Trim();
                if (Array.IndexOf(BoardOnlyKeys, key) >= 0)
                {
                    IgnoredKeys = IgnoredKeys == null ? key : IgnoredKeys + ", " + key;
                    continue;
                }
                string option = key == "tls_certificate" ? "--cert" : key == "tls_key" ? "--key" : "--" + key.Replace('_', '-');
                if (key.Contains('-'))
                {
                    throw new ArgumentException(where + "unknown key " + key);
                }
                bool known;
                try
                {
                    known = Set(key, option, value);
                }
                catch (ArgumentException e)
                {
                    throw new ArgumentException(where + e.Message);
                }
                if (!known)
                {
                    throw new ArgumentException(where + "unknown key " + key);
                }
            }
        }

        /// <summary>A settings file leaves a file setting empty for none; the command line needs a name.</summary>
        private static string FileName(string name, string value)
        {
            if (value.Length > 0)
            {
                return value;
            }
            if (name.StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException(name + " needs a file name");
            }
            return null;
        }

        private static bool Bool(string name, string value)
        {
            if (!Is(value, "true") && !Is(value, "false"))
            {
                throw new ArgumentException(name + " takes true or false, not '" + value + "'");
            }
            return Is(value, "true");
        }

        // Words are taken in any case, as the board's settings file does.
        private static bool Is(string value, string word)
        {
            return string.Equals(value, word, StringComparison.OrdinalIgnoreCase);
        }

        /// <summary>A message of BrokerOptions.Validate with the options' names for the properties' (MaxClients: --max-clients).</summary>
        public static string OptionNames(string problem)
        {
            for (int i = 0; i < LimitProperty.Length; i++)
            {
                problem = System.Text.RegularExpressions.Regex.Replace(problem, "\\b" + LimitProperty[i] + "\\b", OptionName(i));
            }
            return problem;
        }

        public static string Help()
        {
            BrokerOptions defaults = BrokerOptions.Desktop();
            StringBuilder s = new StringBuilder();
            s.AppendLine("nanobroker " + BrokerVersion.Text + " - an MQTT 3.1.1 broker (the NanoBroker engine on the desktop)");
            s.AppendLine();
            s.AppendLine("usage: dotnet run --project NanoBroker.Host -- [options]");
            s.AppendLine("       NanoBroker.Host [options]   (a published binary: README.md, \"Running it as a service\")");
            s.AppendLine("       dotnet run --project NanoBroker.Host -- passwd -b FILE USER PASSWORD [ITERATIONS]   (adds or replaces a user)");
            s.AppendLine();
            s.AppendLine("  --config FILE               settings in the board's nanobroker.ini format (key=value, # comments;");
            s.AppendLine("                              keys are these options without dashes: max_clients=8, port=1883,");
            s.AppendLine("                              tls_certificate/tls_key for --cert/--key); options given here override it");
            s.AppendLine("  -p, --port N                TCP port, 0 to 65535 (default 1883)");
            s.AppendLine("  --bind ADDRESS              address to listen on (default 127.0.0.1)");
            s.AppendLine("  --data FOLDER               folder for the broker's data (default ./data); one broker per folder");
            s.AppendLine("  -v, --verbose               log connects, disconnects with reasons, subscriptions, refusals");
            s.AppendLine("  --cert FILE, --key FILE     PEM certificate (chain) and private key: also listen for MQTT over TLS");
            s.AppendLine("  --tls-port N                TLS port, 0 to 65535 (default 8883)");
            s.AppendLine("  --tls-only                  no plain listener for clients (it stays on an internal loopback port)");
            s.AppendLine("  --ws-port N                 MQTT over WebSockets and the status page (http://host:N/), 0 to 65535;");
            s.AppendLine("                              0 = off (default; 9001 is mosquitto's customary port)");
            s.AppendLine("  --wss-port N                the same over TLS (wss://, https://) with --cert/--key; 0 = off (default)");
            s.AppendLine("  --max-web-clients N         WebSocket clients and page requests at once, each also a client slot;");
            s.AppendLine("                              beyond: closed when accepted; 0 = web port off (default 64)");
            s.AppendLine("  --web-request-bytes N       most bytes of an HTTP request head, 256 to 65536; beyond: 431 (default 8192)");
            s.AppendLine("  --web-timeout-ms N          time to send the request (and to take a reply or close); beyond: closed (default 10000)");
            s.AppendLine("  --web-frame-bytes N         largest WebSocket frame from a client; beyond: close 1009 (default 4194304)");
            s.AppendLine("  --password-file FILE        users and password hashes (make entries with: passwd -b FILE USER PASSWORD)");
            s.AppendLine("  --acl-file FILE             topic access rules per user (mosquitto acl_file syntax, %c and %u)");
            s.AppendLine("  --allow-anonymous BOOL      clients without a user name may connect (default: true on a loopback");
            s.AppendLine("                              address, false otherwise; a non-loopback address with anonymous access");
            s.AppendLine("                              needs it said explicitly)");
            s.AppendLine("  --hide-refusal-reasons BOOL a SUBSCRIBE or PUBLISH the rules refuse gets MQTT 5.0's 0x80 Unspecified");
            s.AppendLine("                              error, not 0x87 Not authorized, so clients cannot probe the rules (default false)");
            s.AppendLine("  --token-secret TEXT         JWT authentication, HS256: the shared secret (32 bytes at least); a CONNECT");
            s.AppendLine("                              whose user name is not in the password file has its password verified as a");
            s.AppendLine("                              token (README.md, \"Token authentication\")");
            s.AppendLine("  --token-secret-file FILE    the HS256 secret as a file's bytes (a trailing line break is dropped)");
            s.AppendLine("  --token-public-key FILE     JWT authentication, RS256 or ES256: the issuer's RSA (2048 to 4096 bits) or EC P-256 public key (PEM)");
            s.AppendLine("  --token-algorithms LIST     HS256, RS256, ES256, comma-separated (default: all three); an algorithm also needs its key");
            s.AppendLine("  --token-identity-claim NAME the claim that is the client's user for %u and session ownership (default sub)");
            s.AppendLine("  --token-rules-claim NAME    the claim of topic rules {\"pub\":[..],\"sub\":[..],\"all\":[..]} (default acl)");
            s.AppendLine("  --token-issuer TEXT         the iss a token must carry (default: not checked)");
            s.AppendLine("  --token-audience TEXT       a value the token's aud must hold (default: not checked)");
            s.AppendLine("  --token-skew SECONDS        clock difference tolerated on exp and nbf (default 30)");
            s.AppendLine("  --token-rule-bytes N        room for one identity's rules claim, kept for max-sessions + max-clients (default 256)");
            s.AppendLine("  --token-before-clock POLICY refuse (default) or trust tokens before the clock is set (the board before SNTP)");
            s.AppendLine("  --token-username POLICY     any (default): the user name is not looked at; identity: it must be the identity");
            s.AppendLine("  --queue-full POLICY         backpressure (default): hold publishers while a subscriber's queue is full;");
            s.AppendLine("                              drop: drop the oldest queued message and count it");
            s.AppendLine("  --persist-queued BOOL       keep QoS 1/2 messages queued for offline sessions in the data folder");
            s.AppendLine("                              (default true)");
            s.AppendLine("  --mqttsn-port N             the MQTT-SN v1.2 gateway's UDP port (1884 is customary; default 0: off)");
            s.AppendLine("  --mqttsn-user NAME, --mqttsn-password TEXT  the user MQTT-SN clients act as (its rules apply; default anonymous)");
            s.AppendLine("  --mqttsn-client-ids LIST    client ids MQTT-SN may use, comma-separated, a trailing * for a prefix (default any)");
            s.AppendLine("  --mqttsn-networks LIST      source networks accepted, a.b.c.d/bits, comma-separated (default any)");
            s.AppendLine("  --mqttsn-predefined LIST    predefined topic ids, id=topic, comma-separated");
            s.AppendLine("  --mqttsn-max-clients N      MQTT-SN clients at once, asleep ones too (default 64; each also takes an engine");
            s.AppendLine("                              connection slot of --max-clients); beyond: CONNACK congestion");
            s.AppendLine("  --mqttsn-topic-ids N, --mqttsn-topic-bytes N  topic ids and their names' bytes per client (default 32, 1024)");
            s.AppendLine("  --mqttsn-datagram-bytes N   largest datagram (default 1024); --mqttsn-gateway-id N (default 1)");
            s.AppendLine("  --mqttsn-advertise-s N      seconds between ADVERTISE broadcasts, 0 for none (default 900)");
            s.AppendLine("  --mqttsn-retry-ms N, --mqttsn-retries N  Tretry and Nretry of the gateway's messages (default 10000, 3)");
            s.AppendLine("  --version, -h/--help");
            s.AppendLine();
            s.AppendLine("limits (defaults for the desktop; the ESP32 defaults are in README.md; each accepts the range in []):");
            for (int limit = 0; limit < BrokerLimits.Count; limit++)
            {
                s.AppendLine(string.Format(CultureInfo.InvariantCulture, "  {0,-28}{1} (default {2}) [{3}]",
                    OptionName(limit) + " N", LimitHelp[limit], BrokerLimits.Get(defaults, limit), LimitRule[limit]));
            }
            return s.ToString();
        }

        private static string Value(string[] args, ref int i)
        {
            if (i + 1 >= args.Length)
            {
                throw new ArgumentException(args[i] + " needs a value");
            }
            return args[++i];
        }

        private static int Int(string option, string text, int min, int max)
        {
            int value;
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value) || value < min || value > max)
            {
                throw new ArgumentException(option + " needs a whole number from " + min + " to " + max + ", not '" + text + "'");
            }
            return value;
        }

        /// <summary>The option of limit <paramref name="limit"/>: --max-clients for max_clients.</summary>
        private static string OptionName(int limit)
        {
            return "--" + BrokerLimits.Name(limit).Replace('_', '-');
        }
    }
}
