using System;
using System.IO;
using NanoBroker.Protocol;

namespace NanoBroker.Esp32
{
    /// <summary>
    /// The board's settings, read from a small text file on the internal flash (<c>I:\nanobroker.ini</c>):
    /// one <c>key=value</c> a line, <c>#</c> starts a comment. Every key is optional.
    /// <code>
    /// ssid=MyNetwork          # else the credentials stored by nanoff --networkdeployment
    /// password=secret
    /// led_pin=2               # GPIO of the status LED; -1 for none
    /// led_active_low=false
    /// port=1883
    /// max_clients=8           # at most the firmware's sockets less the listener and 2 spare slots
    /// max_packet_size=1024    # and every other limit of BrokerOptions by its BrokerLimits name
    /// queue_full=backpressure # or drop
    /// persist_queued=false    # keep QoS 1/2 messages queued for offline sessions on flash too
    /// verbose=false           # log every connect and disconnect
    /// allow_anonymous=false   # clients without a user name may connect (off by default: the board is on the LAN)
    /// password_file=I:\passwords.txt   # default: that file if present; empty: none
    /// acl_file=I:\acl.txt     # default: that file if present; empty: none
    /// hide_refusal_reasons=false  # 5.0 refusals by the rules get 0x80 Unspecified error, not 0x87 Not authorized
    /// token_secret_file=I:\jwt.secret  # JWT authentication, HS256: the shared secret (32 bytes at least); empty: none
    /// token_public_key=I:\jwt.pem      # JWT authentication, RS256 or ES256: the issuer's RSA or EC P-256 public key (PEM); empty: none
    /// token_algorithms=HS256,RS256,ES256 # those allowed (each also needs its key)
    /// token_identity_claim=sub        # the claim that is the client's user (%u, session ownership)
    /// token_rules_claim=acl           # {"pub":[..],"sub":[..],"all":[..]} topic filters, with the rule file
    /// token_issuer=                   # the iss a token must carry; empty: not checked
    /// token_audience=                 # a value its aud must hold; empty: not checked
    /// token_skew=30                   # seconds tolerated on exp and nbf
    /// token_rule_bytes=64             # room for one identity's rules claim (x max_sessions + max_clients identities)
    /// token_before_clock=refuse       # or trust: tokens before SNTP has set the clock
    /// token_username=any              # or identity: the user name must be the identity claim
    /// mdns=true               # announce _mqtt._tcp.local over mDNS (DNS-SD)
    /// tls_certificate=I:\server.crt   # MQTT over TLS when this and tls_key exist (PEM or DER); empty: no TLS
    /// tls_key=I:\server.key
    /// tls_key_password=       # for an encrypted key
    /// tls_port=8883
    /// tls_only=false          # true: no plain listener on port
    /// tls_max_clients=2       # TLS clients at once (each holds mbedTLS buffers on the native heap)
    /// ws_port=80              # MQTT over WebSockets and the status page (I:\status.html); 0: off (the ESP32-C3's default)
    /// max_web_clients=2       # WebSocket clients and page requests at once, each also one of max_clients; 0: off
    /// web_request_bytes=2048  # most bytes of an HTTP request head (beyond: 431)
    /// web_timeout_ms=10000    # time to send the request (and to take a reply or close)
    /// web_frame_bytes=65536   # largest WebSocket frame from a client (beyond: close 1009)
    /// bridge.cloud.address=192.168.1.10:1883   # a bridge to an upstream broker (README "Bridge to a cluster")
    /// bridge.cloud.topic=# both 1 "" site1/    # mosquitto's topic rule: pattern [out|in|both] [qos] [local-prefix] [remote-prefix]
    /// mqttsn_port=0           # the MQTT-SN gateway's UDP port (1884 is customary); 0: off. Its other settings:
    ///                         # mqttsn_max_clients, _topic_ids, _topic_bytes, _datagram_bytes, _gateway_id, _advertise_s,
    ///                         # _retry_ms, _retries, _predefined, _networks, _client_ids, _user, _password (README)
    /// </code>
    /// </summary>
    public sealed class DeviceSettings
    {
        public const string DefaultPath = "I:\\nanobroker.ini";

        /// <summary>The password file used when the settings name none (and it exists).</summary>
        public const string DefaultPasswordFile = "I:\\passwords.txt";

        /// <summary>The topic rule file used when the settings name none (and it exists).</summary>
        public const string DefaultAclFile = "I:\\acl.txt";

        /// <summary>The TLS certificate used when the settings name none (and it exists).</summary>
        public const string DefaultTlsCertificate = "I:\\server.crt";

        /// <summary>The TLS private key used when the settings name none (and it exists).</summary>
        public const string DefaultTlsKey = "I:\\server.key";

        /// <summary>Wi-Fi network, or null to use the one stored on the device.</summary>
        public string Ssid;

        public string Password = "";

        /// <summary>GPIO of the status LED, or -1.</summary>
        public int LedPin = 2;

        public bool LedActiveLow;

        public int Port = 1883;

        // The BrokerLimits the file sets, by index.
        private readonly int[] limits = new int[BrokerLimits.Count];
        private readonly bool[] limitGiven = new bool[BrokerLimits.Count];

        // The mqttsn_* settings as written, by MqttSnOptions.Name index (applied to the target's defaults by ApplyMqttSn);
        // made at the first such key, so a board without MQTT-SN pays two fields.
        private string[] mqttSnValues;
        private bool[] mqttSnGiven;

        /// <summary>queue_full: -1 when absent, else a QueueFullPolicy.</summary>
        private int queueFull = -1;

        /// <summary>persist_queued: -1 when absent, else 0 or 1.</summary>
        private int persistQueued = -1;

        public bool Verbose;

        /// <summary>
        /// Clients without a user name may connect. Off unless the file says allow_anonymous=true: the board
        /// listens on the LAN, and anonymous access on a non-loopback address must be asked for.
        /// </summary>
        public bool AllowAnonymous;

        /// <summary>hide_refusal_reasons: what the rules refuse gets 0x80, not 0x87 (AccessControl.HidesRefusalReasons).</summary>
        public bool HideRefusalReasons;

        /// <summary>password_file: null when the key is absent (then <see cref="DefaultPasswordFile"/> if present), "" for none.</summary>
        public string PasswordFile;

        /// <summary>acl_file: null when the key is absent (then <see cref="DefaultAclFile"/> if present), "" for none.</summary>
        public string AclFile;

        /// <summary>Token authentication's settings; its keys are read by <see cref="DeviceTokens"/>.</summary>
        public readonly NanoBroker.Tokens.TokenSettings Tokens = new NanoBroker.Tokens.TokenSettings { MaxClaimRuleBytes = 64 };

        /// <summary>token_secret_file: the HS256 secret's file, or null.</summary>
        public string TokenSecretFile;

        /// <summary>token_public_key: the RS256 (RSA) or ES256 (EC P-256) key's PEM file, or null.</summary>
        public string TokenPublicKeyFile;

        /// <summary>Announce the broker over mDNS / DNS-SD (<c>_mqtt._tcp.local</c>); on unless mdns=false.</summary>
        public bool Mdns = true;

        /// <summary>tls_certificate: null when the key is absent (then <see cref="DefaultTlsCertificate"/> if present), "" for none.</summary>
        public string TlsCertificate;

        /// <summary>tls_key: null when the key is absent (then <see cref="DefaultTlsKey"/> if present), "" for none.</summary>
        public string TlsKey;

        /// <summary>The password of an encrypted TLS key, or null.</summary>
        public string TlsKeyPassword;

        public int TlsPort = 8883;

        /// <summary>Serve MQTT over TLS only: no plain listener.</summary>
        public bool TlsOnly;

        /// <summary>TLS clients at once; each holds mbedTLS buffers on the native heap, beside the managed heap.</summary>
        public int TlsMaxClients = 2;

        /// <summary>The web port's settings (ws_port, max_web_clients, web_*): the ESP32's defaults until read.</summary>
        public readonly NanoBroker.Web.WebOptions Web = NanoBroker.Web.WebOptions.Esp32();

        /// <summary>True when the file gives ws_port (else the board's default: on for the ESP32, off for the ESP32-C3).</summary>
        public bool WsPortGiven;
        /// <summary>bridge.&lt;name&gt;.&lt;key&gt;: the bridges to upstream brokers (none by default).</summary>
        public readonly NanoBroker.Bridge.BridgeConfig Bridges = new NanoBroker.Bridge.BridgeConfig();

        /// <summary>What was wrong with the file (unknown keys, bad numbers), or null.</summary>
        public string Problems;

        /// <summary>The largest settings file read; a larger one is not read at all.</summary>
        public const int MaxFileBytes = 8192;

        /// <summary>
        /// Reads the file; a missing file gives the defaults, and so does one that cannot be read or is larger than
        /// <see cref="MaxFileBytes"/> (said in <see cref="Problems"/>). Never throws: the broker starts regardless.
        /// </summary>
        public static DeviceSettings Load(string path)
        {
            DeviceSettings s = new DeviceSettings();
            byte[] bytes;
            try
            {
                if (!File.Exists(path))
                {
                    return s;
                }
                bytes = DeviceFiles.Read(path, "settings", MaxFileBytes);
            }
            catch (Exception e)
            {
                s.Problem("not read (" + e.Message + "); using the defaults");
                return s;
            }
            // A UTF-8 byte order mark (Windows editors write one) is not part of the first key.
            int lineStart = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
            for (int i = 0; i <= bytes.Length; i++)
            {
                if (i == bytes.Length || bytes[i] == (byte)'\n')
                {
                    s.ApplyLine(Utf8.GetString(bytes, lineStart, i - lineStart));
                    lineStart = i + 1;
                }
            }
            return s;
        }

        private void ApplyLine(string line)
        {
            if (NanoBroker.Bridge.BridgeConfig.IsBridgeLine(line.Trim()))
            {
                // Read whole: # is a wildcard in a topic rule.
                string problem = Bridges.Read(line.Trim());
                if (problem != null)
                {
                    Problem(problem);
                }
                return;
            }
            int hash = line.IndexOf('#');
            if (hash >= 0)
            {
                line = line.Substring(0, hash);
            }
            line = line.Trim();
            if (line.Length == 0)
            {
                return;
            }
            int eq = line.IndexOf('=');
            if (eq <= 0)
            {
                Problem("not key=value: " + line);
                return;
            }
            string key = line.Substring(0, eq).Trim().ToLower();
            string value = line.Substring(eq + 1).Trim();
            switch (key)
            {
                case "ssid": Ssid = value.Length > 0 ? value : null; break;
                case "password": Password = value; break;
                case "led_pin": LedPin = Number(key, value, LedPin); break;
                case "led_active_low": LedActiveLow = Bool(key, value, LedActiveLow); break;
                case "port": Port = Number(key, value, Port); break;
                case "queue_full": QueueFullPolicyOf(value); break;
                case "persist_queued": PersistQueuedOf(value); break;
                case "verbose": Verbose = Bool(key, value, Verbose); break;
                case "allow_anonymous": AllowAnonymous = Bool(key, value, AllowAnonymous); break;
                case "hide_refusal_reasons": HideRefusalReasons = Bool(key, value, HideRefusalReasons); break;
                case "password_file": PasswordFile = value; break;
                case "acl_file": AclFile = value; break;
                case "mdns": Mdns = Bool(key, value, Mdns); break;
                case "token_secret_file": TokenSecretFile = value.Length > 0 ? value : null; break;
                case "token_public_key": TokenPublicKeyFile = value.Length > 0 ? value : null; break;
                case "token_algorithms":
                    int algorithms = NanoBroker.Tokens.TokenAlgorithms.Parse(value);
                    if (algorithms < 0) Problem("token_algorithms takes HS256, RS256, ES256 or a comma-separated list of them, not '" + value + "'");
                    else Tokens.Algorithms = algorithms;
                    break;
                case "token_identity_claim": if (value.Length > 0) Tokens.IdentityClaim = value; break;
                case "token_rules_claim": if (value.Length > 0) Tokens.RulesClaim = value; break;
                case "token_issuer": Tokens.Issuer = value.Length > 0 ? value : null; break;
                case "token_audience": Tokens.Audience = value.Length > 0 ? value : null; break;
                case "token_skew": Tokens.SkewSeconds = Number(key, value, Tokens.SkewSeconds); break;
                case "token_rule_bytes": Tokens.MaxClaimRuleBytes = Number(key, value, Tokens.MaxClaimRuleBytes); break;
                case "token_before_clock":
                    if (value == "trust" || value == "refuse") Tokens.TrustBeforeClockSet = value == "trust";
                    else Problem("token_before_clock takes refuse or trust, not '" + value + "' (refuse kept)");
                    break;
                case "token_username":
                    if (value == "any" || value == "identity") Tokens.UserNameIsIdentity = value == "identity";
                    else Problem("token_username takes any or identity, not '" + value + "' (any kept)");
                    break;
                case "tls_certificate": TlsCertificate = value; break;
                case "tls_key": TlsKey = value; break;
                case "tls_key_password": TlsKeyPassword = value.Length > 0 ? value : null; break;
                case "tls_port": TlsPort = Number(key, value, TlsPort); break;
                case "tls_only": TlsOnly = Bool(key, value, TlsOnly); break;
                case "tls_max_clients": TlsMaxClients = Number(key, value, TlsMaxClients); break;
                case "ws_port": Web.Port = Number(key, value, Web.Port); WsPortGiven = true; break;
                case "max_web_clients": Web.MaxClients = Number(key, value, Web.MaxClients); break;
                case "web_request_bytes": Web.MaxRequestBytes = Number(key, value, Web.MaxRequestBytes); break;
                case "web_timeout_ms": Web.TimeoutMs = Number(key, value, Web.TimeoutMs); break;
                case "web_frame_bytes": Web.MaxFrameBytes = Number(key, value, Web.MaxFrameBytes); break;
                default:
                    int sn = NanoBroker.MqttSn.MqttSnOptions.IndexOf(key);
                    if (sn >= 0)
                    {
                        if (mqttSnGiven == null)
                        {
                            mqttSnValues = new string[NanoBroker.MqttSn.MqttSnOptions.Count];
                            mqttSnGiven = new bool[NanoBroker.MqttSn.MqttSnOptions.Count];
                        }
                        mqttSnValues[sn] = value;
                        mqttSnGiven[sn] = true;
                    }
                    else
                    {
                        Limit(key, value);
                    }
                    break;
            }
        }

        /// <summary>Writes the mqttsn_* settings the file gives into <paramref name="options"/>; a bad one is said in Problems and left out.</summary>
        public void ApplyMqttSn(NanoBroker.MqttSn.MqttSnOptions options)
        {
            for (int i = 0; mqttSnGiven != null && i < mqttSnGiven.Length; i++)
            {
                string problem = mqttSnGiven[i] ? options.Set(NanoBroker.MqttSn.MqttSnOptions.Name(i), mqttSnValues[i]) : null;
                if (problem != null)
                {
                    Problem(problem + " (default kept)");
                }
            }
        }

        /// <summary>True when the file sets any broker limit (or queue_full, persist_queued).</summary>
        public bool SetsLimits
        {
            get
            {
                for (int i = 0; i < BrokerLimits.Count; i++)
                {
                    if (limitGiven[i])
                    {
                        return true;
                    }
                }
                return queueFull >= 0 || persistQueued >= 0;
            }
        }

        /// <summary>True when the file sets the limit called <paramref name="name"/>.</summary>
        public bool Sets(string name)
        {
            int index = BrokerLimits.Find(name);
            return index >= 0 && limitGiven[index];
        }

        /// <summary>Writes the limits the file sets into <paramref name="options"/>; the others keep their values.</summary>
        public void ApplyLimits(BrokerOptions options)
        {
            for (int i = 0; i < BrokerLimits.Count; i++)
            {
                if (limitGiven[i])
                {
                    BrokerLimits.Set(options, i, limits[i]);
                }
            }
            if (queueFull >= 0)
            {
                options.QueueFull = (QueueFullPolicy)queueFull;
            }
            if (persistQueued >= 0)
            {
                options.PersistQueuedMessages = persistQueued == 1;
            }
        }

        private void Limit(string key, string value)
        {
            int index = BrokerLimits.Find(key);
            if (index < 0)
            {
                Problem("unknown key " + key);
                return;
            }
            int n;
            if (!int.TryParse(value, out n) || n < 0)
            {
                Problem(key + " is not a number of 0 or more: " + value);
                return;
            }
            limits[index] = n;
            limitGiven[index] = true;
        }

        private void PersistQueuedOf(string value)
        {
            string v = value.ToLower();
            if (v == "true" || v == "false")
            {
                persistQueued = v == "true" ? 1 : 0;
            }
            else
            {
                Problem("persist_queued is not true or false: " + value);
            }
        }

        private void QueueFullPolicyOf(string value)
        {
            string v = value.ToLower();
            if (v == "backpressure")
            {
                queueFull = (int)QueueFullPolicy.Backpressure;
            }
            else if (v == "drop")
            {
                queueFull = (int)QueueFullPolicy.DropOldest;
            }
            else
            {
                Problem("queue_full is not backpressure or drop: " + value);
            }
        }

        private int Number(string key, string value, int fallback)
        {
            int n;
            if (int.TryParse(value, out n))
            {
                return n;
            }
            Problem(key + " is not a number: " + value);
            return fallback;
        }

        // Only true or false: a typo must not switch anything on (allow_anonymous keeps its default, false).
        private bool Bool(string key, string value, bool fallback)
        {
            string v = value.ToLower();
            if (v == "true" || v == "false")
            {
                return v == "true";
            }
            Problem(key + " is not true or false: " + value);
            return fallback;
        }

        private void Problem(string text)
        {
            Problems = Problems == null ? text : Problems + "; " + text;
        }
    }
}
