using System;
using System.IO;
using System.Text;
using NanoBroker;

namespace FlashWear
{
    /// <summary>
    /// Writes the trace of one workload (README.md):
    ///   dotnet run --project bench/FlashWear -c Release -- --workload d [--days 7] [--qos 0] [--set storage_compact_bytes=16384] [--out d.trace]
    /// </summary>
    public static class Program
    {
        public static int Main(string[] args)
        {
            string workload = null;
            string outPath = null;
            double days = 7;
            int qos = 0;
            BrokerOptions options = BrokerOptions.Esp32();
            StringBuilder changed = new StringBuilder();
            for (int i = 0; i < args.Length; i++)
            {
                string value = i + 1 < args.Length ? args[i + 1] : null;
                switch (args[i])
                {
                    case "--workload": workload = value; i++; break;
                    case "--days": days = double.Parse(value, System.Globalization.CultureInfo.InvariantCulture); i++; break;
                    case "--qos": qos = int.Parse(value); i++; break;
                    case "--out": outPath = value; i++; break;
                    case "--set":
                        {
                            int eq = value == null ? -1 : value.IndexOf('=');
                            int index = eq < 0 ? -1 : BrokerLimits.Find(value.Substring(0, eq));
                            if (index < 0)
                            {
                                Console.Error.WriteLine("--set takes a limit of BrokerLimits, e.g. storage_commit_delay_ms=1000");
                                return 1;
                            }
                            BrokerLimits.Set(options, index, int.Parse(value.Substring(eq + 1)));
                            changed.Append(" " + value);
                            i++;
                            break;
                        }
                    default:
                        Console.Error.WriteLine("unknown argument " + args[i]);
                        return 1;
                }
            }
            string description = workload == null ? null : Workloads.Describe(workload, qos);
            if (description == null || (qos != 0 && qos != 1))
            {
                Console.Error.WriteLine("usage: FlashWear --workload a|b|c|d [--days N] [--qos 0|1] [--set limit=value]... [--out FILE]");
                return 1;
            }
            Workloads.Adjust(workload, options);
            string problem = options.Validate();
            if (problem != null)
            {
                Console.Error.WriteLine(problem);
                return 1;
            }

            string folder = Path.Combine(Path.GetTempPath(), "flashwear-" + Guid.NewGuid().ToString("N")) + Path.DirectorySeparatorChar;
            Directory.CreateDirectory(folder);
            TextWriter output = outPath == null ? Console.Out : new StreamWriter(outPath, false, new UTF8Encoding(false), 1 << 16);
            try
            {
                TraceWriter trace = new TraceWriter(output);
                trace.Comment("NanoBroker flash trace v1 (bench/FlashWear/README.md)");
                trace.Comment("workload " + workload + ": " + description + "; " + days + " days");
                trace.Comment("options: BrokerOptions.Esp32()" + (changed.Length > 0 ? " with" + changed : "") + (options.PersistQueuedMessages ? ", PersistQueuedMessages" : "")
                    + "; StorageCommitDelayMs " + options.StorageCommitDelayMs + ", StorageBatchBytes " + options.StorageBatchBytes + ", StorageCompactBytes " + options.StorageCompactBytes);
                Simulation sim = new Simulation(options, folder, trace);
                long end = (long)(days * 24 * Workloads.Hour);
                Workloads.Schedule(workload, sim, end, qos);
                sim.RunUntil(end);
                trace.Now = end;
                output.WriteLine("t " + end);
                string summary = "records " + sim.Log.Appended + ", commits " + sim.Log.Commits + ", bytes " + sim.Log.BytesWritten
                    + ", file opens " + trace.Opens + ", calls " + trace.Calls + " in " + days + " simulated days ("
                    + (sim.Log.Commits / (days * 24)).ToString("0.0") + " commits an hour); messages routed " + sim.Broker.Stats.MessagesReceived;
                trace.Comment(summary);
                Console.Error.WriteLine("workload " + workload + ": " + summary);
            }
            finally
            {
                output.Flush();
                if (outPath != null)
                {
                    output.Dispose();
                }
                Directory.Delete(folder, true);
            }
            return 0;
        }
    }
}
