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
            "bytes of all topic filters; beyond: SUBACK 0x80",
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
            "longest a retained message at QoS 0 waits to be written",
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
                int limit = arg.StartsWith("--", StringComparison.Ordinal) ? BrokerLimits.Find(arg.Substring(2).Replace('-', '_')) : -1;
                if (limit < 0)
                {
                    throw new ArgumentException("unknown option '" + arg + "' (see --help)");
                }
                BrokerLimits.Set(c.Broker, limit, Int(arg, Value(args, ref i), 0, int.MaxValue));
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
            for (int limit = 0; limit < BrokerLimits.Count; limit++)
            {
                s.AppendLine(string.Format(CultureInfo.InvariantCulture, "  {0,-28}{1} (default {2})",
                    OptionName(limit) + " N", LimitHelp[limit], BrokerLimits.Get(defaults, limit)));
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
