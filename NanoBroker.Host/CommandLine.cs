using System;
using System.Globalization;
using System.Net;
using System.Text;

namespace NanoBroker.Host
{
    /// <summary>The host's settings, read from the command line.</summary>
    public sealed class CommandLine
    {
        // One option per engine limit: name, what it bounds, and where it lives in BrokerOptions.
        private static readonly Limit[] Limits =
        {
            new Limit("--max-clients", "connected clients; beyond: CONNACK 3", o => o.MaxClients, (o, v) => o.MaxClients = v),
            new Limit("--max-sessions", "sessions kept (connected + persistent offline)", o => o.MaxSessions, (o, v) => o.MaxSessions = v),
            new Limit("--max-packet-size", "largest packet in bytes; beyond: disconnect", o => o.MaxPacketSize, (o, v) => o.MaxPacketSize = v),
            new Limit("--outbox-bytes", "send buffer per connection", o => o.OutboxBytes, (o, v) => o.OutboxBytes = v),
            new Limit("--max-client-id-bytes", "longest client id; beyond: CONNACK 2", o => o.MaxClientIdBytes, (o, v) => o.MaxClientIdBytes = v),
            new Limit("--max-subscriptions", "subscriptions of all clients; beyond: SUBACK 0x80", o => o.MaxSubscriptions, (o, v) => o.MaxSubscriptions = v),
            new Limit("--subscription-bytes", "bytes of all topic filters; beyond: SUBACK 0x80", o => o.SubscriptionBytes, (o, v) => o.SubscriptionBytes = v),
            new Limit("--inflight", "unacknowledged QoS 1/2 messages per client and direction", o => o.InflightWindow, (o, v) => o.InflightWindow = v),
            new Limit("--queue-depth", "queued QoS 1/2 messages per session", o => o.QueueDepth, (o, v) => o.QueueDepth = v),
            new Limit("--max-retained", "retained messages; beyond: delivered, not stored", o => o.MaxRetainedMessages, (o, v) => o.MaxRetainedMessages = v),
            new Limit("--max-retained-bytes", "bytes of all retained messages", o => o.MaxRetainedBytes, (o, v) => o.MaxRetainedBytes = v),
            new Limit("--max-stored-messages", "messages held for queues, inflight, retained and wills", o => o.MaxStoredMessages, (o, v) => o.MaxStoredMessages = v),
            new Limit("--store-bytes", "bytes of the message store", o => o.MessageStoreBytes, (o, v) => o.MessageStoreBytes = v),
            new Limit("--store-block-bytes", "block size of the message store", o => o.MessageBlockBytes, (o, v) => o.MessageBlockBytes = v),
            new Limit("--connect-timeout-ms", "time to send CONNECT after connecting", o => o.ConnectTimeoutMs, (o, v) => o.ConnectTimeoutMs = v),
            new Limit("--slow-client-timeout-ms", "time a client may stall its send buffer or hold publishers back", o => o.SlowClientTimeoutMs, (o, v) => o.SlowClientTimeoutMs = v),
            new Limit("--sys-interval-ms", "interval of $SYS statistics; 0 = off", o => o.SysIntervalMs, (o, v) => o.SysIntervalMs = v),
            new Limit("--storage-batch-bytes", "records written together (group commit)", o => o.StorageBatchBytes, (o, v) => o.StorageBatchBytes = v),
            new Limit("--storage-commit-delay-ms", "longest a stored change (and its ack) waits to be written", o => o.StorageCommitDelayMs, (o, v) => o.StorageCommitDelayMs = v),
            new Limit("--storage-compact-bytes", "log size that triggers compaction", o => o.StorageCompactBytes, (o, v) => o.StorageCompactBytes = v),
        };

        public IPAddress Bind = IPAddress.Loopback;
        public int Port = 1883;
        public string DataFolder = "data";
        public bool Verbose;
        public bool ShowHelp;
        public bool ShowVersion;
        public BrokerOptions Broker = BrokerOptions.Desktop();
        public string PasswordFile;
        public string CertificateFile;
        public string KeyFile;
        public int TlsPort = 8883;

        /// <summary>Only TLS clients: the plain listener moves to an internal loopback port the TLS listener relays to.</summary>
        public bool TlsOnly;
        public string AclFile;

        /// <summary>Anonymous clients may connect: on by default only when listening on a loopback address.</summary>
        public bool AllowAnonymous;
        private bool? allowAnonymousOption;

        /// <summary>Parses the arguments; throws <see cref="ArgumentException"/> with a message for the user.</summary>
        public static CommandLine Parse(string[] args)
        {
            CommandLine c = new CommandLine();
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
                    case "-p":
                    case "--port": c.Port = Int(arg, Value(args, ref i), 0, 65535); continue;
                    case "--bind":
                        IPAddress address;
                        string text = Value(args, ref i);
                        if (!IPAddress.TryParse(text, out address))
                        {
                            throw new ArgumentException("--bind needs an IP address, not '" + text + "'");
                        }
                        c.Bind = address;
                        continue;
                    case "--data": c.DataFolder = Value(args, ref i); continue;
                    case "--password-file": c.PasswordFile = Value(args, ref i); continue;
                    case "--cert": c.CertificateFile = Value(args, ref i); continue;
                    case "--key": c.KeyFile = Value(args, ref i); continue;
                    case "--tls-port": c.TlsPort = Int(arg, Value(args, ref i), 0, 65535); continue;
                    case "--tls-only": c.TlsOnly = true; continue;
                    case "--acl-file": c.AclFile = Value(args, ref i); continue;
                    case "--allow-anonymous":
                        string allow = Value(args, ref i);
                        if (allow != "true" && allow != "false")
                        {
                            throw new ArgumentException("--allow-anonymous takes true or false, not '" + allow + "'");
                        }
                        c.allowAnonymousOption = allow == "true";
                        continue;
                    case "--persist-queued":
                        string persist = Value(args, ref i);
                        if (persist != "true" && persist != "false")
                        {
                            throw new ArgumentException("--persist-queued takes true or false, not '" + persist + "'");
                        }
                        c.Broker.PersistQueuedMessages = persist == "true";
                        continue;
                    case "--queue-full":
                        string policy = Value(args, ref i);
                        if (policy == "backpressure") c.Broker.QueueFull = QueueFullPolicy.Backpressure;
                        else if (policy == "drop") c.Broker.QueueFull = QueueFullPolicy.DropOldest;
                        else throw new ArgumentException("--queue-full takes backpressure or drop, not '" + policy + "'");
                        continue;
                }
                Limit limit = Array.Find(Limits, l => l.Name == arg);
                if (limit == null)
                {
                    throw new ArgumentException("unknown option '" + arg + "' (see --help)");
                }
                limit.Set(c.Broker, Int(arg, Value(args, ref i), 0, int.MaxValue));
            }
            string problem = c.Broker.Validate();
            if (problem != null)
            {
                throw new ArgumentException(problem);
            }
            if ((c.CertificateFile == null) != (c.KeyFile == null) || (c.TlsOnly && c.CertificateFile == null))
            {
                throw new ArgumentException("TLS needs both --cert and --key (PEM files)");
            }
            c.AllowAnonymous = c.allowAnonymousOption ?? IPAddress.IsLoopback(c.Bind);
            if (!IPAddress.IsLoopback(c.Bind) && c.PasswordFile == null && !c.AllowAnonymous)
            {
                throw new ArgumentException("listening on " + c.Bind + " needs --password-file, or --allow-anonymous true to let anyone on the network in");
            }
            return c;
        }

        public static string Help()
        {
            BrokerOptions defaults = BrokerOptions.Desktop();
            StringBuilder s = new StringBuilder();
            s.AppendLine("nanobroker " + BrokerVersion.Text + " - an MQTT 3.1.1 broker (the NanoBroker engine on the desktop)");
            s.AppendLine();
            s.AppendLine("usage: dotnet run --project NanoBroker.Host -- [options]");
            s.AppendLine("       dotnet run --project NanoBroker.Host -- passwd -b FILE USER PASSWORD [ITERATIONS]   (adds or replaces a user)");
            s.AppendLine();
            s.AppendLine("  -p, --port N                TCP port (default 1883)");
            s.AppendLine("  --bind ADDRESS              address to listen on (default 127.0.0.1)");
            s.AppendLine("  --data FOLDER               folder for the broker's data (default ./data)");
            s.AppendLine("  -v, --verbose               log connects, disconnects with reasons, subscriptions, refusals");
            s.AppendLine("  --cert FILE, --key FILE     PEM certificate (chain) and private key: also listen for MQTT over TLS");
            s.AppendLine("  --tls-port N                TLS port (default 8883)");
            s.AppendLine("  --tls-only                  no plain listener for clients (it stays on an internal loopback port)");
            s.AppendLine("  --password-file FILE        users and password hashes (make entries with: passwd -b FILE USER PASSWORD)");
            s.AppendLine("  --acl-file FILE             topic access rules per user (mosquitto acl_file syntax, %c and %u)");
            s.AppendLine("  --allow-anonymous BOOL      clients without a user name may connect (default: true on a loopback");
            s.AppendLine("                              address, false otherwise; a non-loopback address with anonymous access");
            s.AppendLine("                              needs it said explicitly)");
            s.AppendLine("  --queue-full POLICY         backpressure (default): hold publishers while a subscriber's queue is full;");
            s.AppendLine("                              drop: drop the oldest queued message and count it");
            s.AppendLine("  --persist-queued BOOL       keep QoS 1/2 messages queued for offline sessions in the data folder");
            s.AppendLine("                              (default true)");
            s.AppendLine("  --version, -h/--help");
            s.AppendLine();
            s.AppendLine("limits (defaults for the desktop; the ESP32 defaults are in README.md):");
            foreach (Limit limit in Limits)
            {
                s.AppendLine(string.Format(CultureInfo.InvariantCulture, "  {0,-28}{1} (default {2})", limit.Name + " N", limit.Help, limit.Get(defaults)));
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

        private sealed class Limit
        {
            public readonly string Name;
            public readonly string Help;
            public readonly Func<BrokerOptions, int> Get;
            public readonly Action<BrokerOptions, int> Set;

            public Limit(string name, string help, Func<BrokerOptions, int> get, Action<BrokerOptions, int> set)
            {
                Name = name;
                Help = help;
                Get = get;
                Set = set;
            }
        }
    }
}
