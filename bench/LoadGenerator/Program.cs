using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net;
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
            "  LoadGenerator report --md OUT.md --svg OUT.svg [--machine INFO.md] RESULTS.json...   (first = NanoBroker)\n" +
            "scenario ids: q{0,1,2}-{16,64,256,4096}, lat-q0, lat-q1, subs-{1000,5000,10000}, conn-rate, conn-held, ack-lat,\n" +
            "              scale-1000, scale-5000 (only when named in --only)";

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
            IPEndPoint broker = new IPEndPoint(host, port);
            HashSet<string> selected = only == null ? null : new HashSet<string>(only.Split(','));
            BrokerResults results = new BrokerResults { Broker = name };
            string stamp = DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture);
            string shape = pubs + "x" + subs;

            Console.WriteLine("== " + name + " at " + broker + " (" + shape + ", " + seconds.ToString(CultureInfo.InvariantCulture) + " s per scenario)");
            // Throughput: the main 64 B scenarios first, then the payload sizes.
            int[] sizes = { 64, 16, 256, 4096 };
            foreach (int size in sizes)
            {
                for (int qos = 0; qos <= 2; qos++)
                {
                    string id = "q" + qos + "-" + size;
                    if (selected != null && !selected.Contains(id)) continue;
                    Flow flow = new Flow { Publishers = pubs, Subscribers = subs, Qos = qos, Payload = size, Seconds = seconds, EndToEndWindowBytes = windowBytes };
                    Flow.Outcome o = flow.Run(broker, stamp + id);
                    Add(results, id, "deliveries/s, QoS " + qos + ", " + Size(size) + ", " + shape, "msg/s", true, o.DeliveriesPerSecond, o,
                        o.Deliveries + " deliveries");
                    Pause();
                }
            }
            // Latency at a moderate fixed rate: 1000 messages/s per publisher.
            for (int qos = 0; qos <= 1; qos++)
            {
                string id = "lat-q" + qos;
                if (selected != null && !selected.Contains(id)) continue;
                Flow flow = new Flow { Publishers = pubs, Subscribers = subs, Qos = qos, Payload = 64, Seconds = seconds, RatePerPublisher = 1000 };
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
                Flow flow = new Flow { Publishers = 1, Subscribers = 100, Filters = n, Qos = 1, Payload = 64, Seconds = seconds, EndToEndWindowBytes = windowBytes };
                Flow.Outcome o = flow.Run(broker, stamp + id);
                Add(results, id, "deliveries/s, QoS 1, 64 B, 1 publisher, 100 subscribers holding " + n.ToString("#,0", CultureInfo.InvariantCulture)
                    + " filters, each message matching one", "msg/s", true, o.DeliveriesPerSecond, o, o.Deliveries + " deliveries");
                Pause();
            }
            if (selected == null || selected.Contains("conn-rate"))
            {
                Flow.Outcome o = Connections.Rate(broker, stamp + "cr", seconds, 2);
                Add(results, "conn-rate", "connections/s (CONNECT, CONNACK, DISCONNECT; 2 clients in parallel)", "conn/s", true, o.DeliveriesPerSecond, o, o.Deliveries + " connections");
                Pause();
            }
            if (selected == null || selected.Contains("conn-held"))
            {
                string stoppedBy;
                Flow.Outcome o = Connections.Held(broker, stamp + "ch", maxConnections, out stoppedBy);
                Add(results, "conn-held", "concurrent connections held (up to " + maxConnections + ", stop at first refusal)", "conn", true, o.DeliveriesPerSecond, o, stoppedBy);
            }
            if (selected == null || selected.Contains("ack-lat"))
            {
                Scale.AckLatencies[] o = Scale.AckLatency(broker, stamp + "al", 25);
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
                Flow.Outcome[] o = Scale.Held(broker, stamp + "s" + n, n, seconds, pubs, subs);
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
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "  {0,-10} {1,12} {2,-7} {3}", id,
                o.Valid ? Report.Format(value) : "INVALID", unit, row.Note));
        }
    }
}
