using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Threading;

namespace LoadGenerator
{
    /// <summary>One measured value of one broker.</summary>
    public sealed class Row
    {
        public string Id { get; set; }
        public string Label { get; set; }
        public string Unit { get; set; }
        public bool HigherIsBetter { get; set; }
        public double Value { get; set; }
        public bool Valid { get; set; }
        public string Note { get; set; }
    }

    public sealed class BrokerResults
    {
        public string Broker { get; set; }
        public List<Row> Rows { get; set; } = new List<Row>();
    }

    public static class Program
    {
        private const string Usage =
            "usage:\n" +
            "  LoadGenerator run --name NAME --port PORT [--host 127.0.0.1] [--seconds 3] [--pubs 4] [--subs 4]\n" +
            "                    [--only ID,ID,...] [--max-connections 1000] [--window-bytes 32768] [--out FILE.json]\n" +
            "                    [--mqtt 3.1.1|5]\n" +
            "  LoadGenerator report --md OUT.md --svg OUT.svg [--machine INFO.md] RESULTS.json...   (first = NanoBroker)\n" +
            "scenario ids: q{0,1,2}-{16,64,256,4096}, lat-q0, lat-q1, subs-{1000,5000,10000}, conn-rate, conn-held, ack-lat,\n" +
            "              scale-1000, scale-5000 (only when named in --only)\n" +
            "--mqtt 5: every client connects at MQTT 5.0 (protocol level 5; PUBLISH with an empty property block), and\n" +
            "          q{0,1,2}-SIZE-props (Message Expiry, Content Type and a User Property on every PUBLISH, checked by every\n" +
            "          subscriber) and q{0,1,2}-SIZE-alias (a Topic Alias set by the first PUBLISH, then an empty topic) run too:\n" +
            "          at 64 B by default, at any size when named in --only. Exit code 3 when the broker refuses a 5.0 client.";

        public static int Main(string[] args)
        {
            if (args.Length == 0)
            {
                Console.Error.WriteLine(Usage);
                return 2;
            }
            try
            {
                if (args[0] == "run") return RunAll(args);
                if (args[0] == "report") return Report.Write(args);
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine("loadgen: " + e.Message);
                Console.Error.WriteLine(Usage);
                return 2;
            }
            Console.Error.WriteLine(Usage);
            return 2;
        }

        private static string Option(string[] args, string name, string fallback)
        {
            for (int i = 1; i + 1 < args.Length; i++)
            {
                if (args[i] == name) return args[i + 1];
            }
            return fallback;
        }

        private static int RunAll(string[] args)
        {
            string name = Option(args, "--name", "broker");
            IPAddress host = IPAddress.Parse(Option(args, "--host", "127.0.0.1"));
            int port = int.Parse(Option(args, "--port", "1883"), CultureInfo.InvariantCulture);
            double seconds = double.Parse(Option(args, "--seconds", "3"), CultureInfo.InvariantCulture);
            int pubs = int.Parse(Option(args, "--pubs", "4"), CultureInfo.InvariantCulture);
            int subs = int.Parse(Option(args, "--subs", "4"), CultureInfo.InvariantCulture);
            int maxConnections = int.Parse(Option(args, "--max-connections", "1000"), CultureInfo.InvariantCulture);
            string only = Option(args, "--only", null);
            int windowBytes = int.Parse(Option(args, "--window-bytes", "32768"), CultureInfo.InvariantCulture);
            string outFile = Option(args, "--out", null);
            Protocol protocol = Protocol.Parse(Option(args, "--mqtt", "3.1.1"));
            if (!protocol.IsMqtt5 && only != null && (only.Contains("-props") || only.Contains("-alias")))
            {
                throw new ArgumentException("the -props and -alias scenarios need --mqtt 5");
            }
            IPEndPoint broker = new IPEndPoint(host, port);
            HashSet<string> selected = only == null ? null : new HashSet<string>(only.Split(','));
            BrokerResults results = new BrokerResults { Broker = name };
            string stamp = DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture);
            string shape = pubs + "x" + subs;

            Console.WriteLine("== " + name + " at " + broker + " (" + (protocol.IsMqtt5 ? protocol.Name + ", " : "") + shape + ", "
                + seconds.ToString(CultureInfo.InvariantCulture) + " s per scenario)");
            if (protocol.IsMqtt5)
            {
                ConnAck limits = Probe(broker, protocol, stamp + "probe");
                if (limits == null || limits.Code != 0)
                {
                    Console.WriteLine("  " + name + " refuses MQTT 5.0 clients: " + Protocol.Refusal(limits));
                    return 3;
                }
                Console.WriteLine("  CONNACK: Topic Alias Maximum " + limits.TopicAliasMaximum + ", Receive Maximum " + limits.ReceiveMaximum + ", Maximum QoS " + limits.MaximumQos);
            }
            // Throughput: the main 64 B scenarios first, then the payload sizes; at 5.0 each with properties and with topic aliases too.
            int[] sizes = { 64, 16, 256, 4096 };
            PublishExtras[] variants = protocol.IsMqtt5
                ? new[] { PublishExtras.None, PublishExtras.Properties, PublishExtras.Alias }
                : new[] { PublishExtras.None };
            foreach (int size in sizes)
            {
                foreach (PublishExtras extras in variants)
                {
                    for (int qos = 0; qos <= 2; qos++)
                    {
                        string id = "q" + qos + "-" + size + Suffix(extras);
                        if (selected != null ? !selected.Contains(id) : extras != PublishExtras.None && size != 64) continue;
                        Flow flow = new Flow
                        {
                            Publishers = pubs, Subscribers = subs, Qos = qos, Payload = size, Seconds = seconds, EndToEndWindowBytes = windowBytes,
                            Protocol = protocol, Extras = extras,
                        };
                        Flow.Outcome o = flow.Run(broker, stamp + id);
                        Add(results, id, "deliveries/s, QoS " + qos + ", " + Size(size) + Describe(extras) + ", " + shape, "msg/s", true, o.DeliveriesPerSecond, o,
                            o.Deliveries + " deliveries");
                        Pause();
                    }
                }
            }
            // Latency at a moderate fixed rate: 1000 messages/s per publisher.
            for (int qos = 0; qos <= 1; qos++)
            {
                string id = "lat-q" + qos;
                if (selected != null && !selected.Contains(id)) continue;
                Flow flow = new Flow { Publishers = pubs, Subscribers = subs, Qos = qos, Payload = 64, Seconds = seconds, RatePerPublisher = 1000, Protocol = protocol };
                Flow.Outcome o = flow.Run(broker, stamp + id);
                string note = o.Deliveries + " deliveries at " + (pubs * 1000) + " msg/s published";
                Add(results, id + "-p50", "latency p50, QoS " + qos + ", 64 B, " + shape + " at 1000 msg/s per publisher", "µs", false, o.P50Us, o, note);
                Add(results, id + "-p99", "latency p99, QoS " + qos + ", 64 B, " + shape + " at 1000 msg/s per publisher", "µs", false, o.P99Us, o, note);
                Pause();
            }
            // Routing beside many subscriptions: 100 subscribers hold N filters between them, one QoS 1
            // publisher's every message matches exactly one (the subscribing happens before the clock starts).
            foreach (int n in new[] { 1000, 5000, 10000 })
            {
                string id = "subs-" + n;
                if (selected != null && !selected.Contains(id)) continue;
                Flow flow = new Flow { Publishers = 1, Subscribers = 100, Filters = n, Qos = 1, Payload = 64, Seconds = seconds, EndToEndWindowBytes = windowBytes, Protocol = protocol };
                Flow.Outcome o = flow.Run(broker, stamp + id);
                Add(results, id, "deliveries/s, QoS 1, 64 B, 1 publisher, 100 subscribers holding " + n.ToString("#,0", CultureInfo.InvariantCulture)
                    + " filters, each message matching one", "msg/s", true, o.DeliveriesPerSecond, o, o.Deliveries + " deliveries");
                Pause();
            }
            if (selected == null || selected.Contains("conn-rate"))
            {
                Flow.Outcome o = Connections.Rate(broker, protocol, stamp + "cr", seconds, 2);
                Add(results, "conn-rate", "connections/s (CONNECT, CONNACK, DISCONNECT; 2 clients in parallel)", "conn/s", true, o.DeliveriesPerSecond, o, o.Deliveries + " connections");
                Pause();
            }
            if (selected == null || selected.Contains("conn-held"))
            {
                string stoppedBy;
                Flow.Outcome o = Connections.Held(broker, protocol, stamp + "ch", maxConnections, out stoppedBy);
                Add(results, "conn-held", "concurrent connections held (up to " + maxConnections + ", stop at first refusal)", "conn", true, o.DeliveriesPerSecond, o, stoppedBy);
            }
            if (selected == null || selected.Contains("ack-lat"))
            {
                Scale.AckLatencies[] o = Scale.AckLatency(broker, protocol, stamp + "al", 25);
                string[] what = { "CONNACK of a persistent session", "SUBACK of a persistent session", "PUBACK of a retained QoS 1 message" };
                string[] ids = { "ack-connack", "ack-suback", "ack-puback" };
                for (int k = 0; k < 3; k++)
                {
                    Add(results, ids[k], "latency p50 at idle: " + what[k], "ms", false, o[k].MedianMs, o[k].Outcome,
                        o[k].Outcome.Deliveries + " tries, one client at a time; max " + Report.Format(o[k].MaxMs) + " ms");
                }
                Pause();
            }
            foreach (int n in new[] { 1000, 5000 })
            {
                string id = "scale-" + n;
                if (selected == null || !selected.Contains(id)) continue;
                Flow.Outcome[] o = Scale.Held(broker, protocol, stamp + "s" + n, n, seconds, pubs, subs);
                Add(results, id + "-conn", "connects/s opening " + n + " idle connections (CONNECT, CONNACK; 4 in parallel)", "conn/s", true, o[0].DeliveriesPerSecond, o[0], n + " connections held");
                Add(results, id + "-q0", "deliveries/s, QoS 0, 64 B, " + shape + " beside " + n + " idle connections", "msg/s", true, o[1].DeliveriesPerSecond, o[1], o[1].Deliveries + " deliveries");
                Pause();
            }
            if (outFile != null)
            {
                File.WriteAllText(outFile, JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true }));
            }
            return 0;
        }

        // One 5.0 client's CONNACK: whether the broker speaks 5.0 at all, and the limits it announces.
        private static ConnAck Probe(IPEndPoint broker, Protocol protocol, string clientId)
        {
            using (Socket s = Wire.Open(broker, 5000))
            {
                ConnAck a = protocol.Handshake(s, clientId);
                if (a != null && a.Code == 0) Wire.SendAll(s, new byte[] { Wire.Disconnect << 4, 0 }, 0, 2);
                return a;
            }
        }

        private static string Suffix(PublishExtras extras)
        {
            return extras == PublishExtras.Properties ? "-props" : extras == PublishExtras.Alias ? "-alias" : "";
        }

        private static string Describe(PublishExtras extras)
        {
            if (extras == PublishExtras.Properties) return " + Message Expiry, Content Type and User Property";
            return extras == PublishExtras.Alias ? " + Topic Alias (empty topic after the first)" : "";
        }

        // Lets the broker settle (closed connections, freed sessions) between scenarios.
        private static void Pause()
        {
            Thread.Sleep(300);
        }

        private static string Size(int bytes)
        {
            return bytes >= 1024 ? (bytes / 1024) + " KB" : bytes + " B";
        }

        private static void Add(BrokerResults results, string id, string label, string unit, bool higherIsBetter, double value, Flow.Outcome o, string note)
        {
            Row row = new Row { Id = id, Label = label, Unit = unit, HigherIsBetter = higherIsBetter, Value = value, Valid = o.Valid };
            row.Note = o.Valid ? (o.Problem == null ? note : note + "; " + o.Problem) : o.Problem;
            if (!o.Valid && o.Problem != null && o.Problem.StartsWith("missing", StringComparison.Ordinal)) row.Note = o.Problem;
            results.Rows.Add(row);
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "  {0,-13} {1,12} {2,-7} {3}", id,
                o.Valid ? Report.Format(value) : "INVALID", unit, row.Note));
        }
    }
}
