using System;
using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using LoadGenerator;
using NanoBroker;
using NanoBroker.Sessions;

namespace EngineBench
{
    public static class Program
    {
        public static int Main(string[] args)
        {
            if (Array.IndexOf(args, "--memory") >= 0)
            {
                return Memory.Run();
            }
            string artifacts = "BenchmarkDotNet.Artifacts";
            int i = Array.IndexOf(args, "--artifacts");
            if (i >= 0 && i + 1 < args.Length)
            {
                artifacts = args[i + 1];
                args = Remove(args, i, 2);
            }
            // A short job, in process: a few seconds per benchmark instead of minutes.
            IConfig config = DefaultConfig.Instance
                .AddJob(Job.Default
                    .WithLaunchCount(1)
                    .WithWarmupCount(3)
                    .WithIterationCount(8)
                    .WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(250))
                    .WithToolchain(new InProcessEmitToolchain(TimeSpan.FromMinutes(5), true))
                    .WithId("short"))
                .WithArtifactsPath(artifacts)
                .WithOptions(ConfigOptions.DisableLogFile);
            if (args.Length == 0)
            {
                args = new[] { "--filter", "*" };
            }
            BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
            return 0;
        }

        private static string[] Remove(string[] args, int at, int count)
        {
            string[] r = new string[args.Length - count];
            Array.Copy(args, 0, r, 0, at);
            Array.Copy(args, at + count, r, at, args.Length - at - count);
            return r;
        }
    }

    /// <summary>
    /// Heap the engine takes, measured by constructing brokers (no BenchmarkDotNet): the whole broker for the
    /// ESP32 and desktop defaults, and the marginal bytes of each limit by differencing two constructions.
    /// Numbers are for 64-bit .NET (object headers and array lengths are larger than on nanoFramework).
    /// </summary>
    public static class Memory
    {
        public static int Run()
        {
            new Broker(BrokerOptions.Esp32(), 0, null); // JIT and static constructors out of the way
            Console.WriteLine("NanoBroker engine heap (64-bit .NET " + Environment.Version + ")");
            Console.WriteLine();
            Console.WriteLine("| what | allocated by the constructor | live heap after GC |");
            Console.WriteLine("|---|---:|---:|");
            Whole("new Broker(BrokerOptions.Esp32())", BrokerOptions.Esp32);
            Whole("new Broker(BrokerOptions.Desktop())", BrokerOptions.Desktop);
            Console.WriteLine();
            Console.WriteLine("Marginal bytes per unit of each limit, from the ESP32 defaults (differencing two brokers, +100 units unless noted):");
            Console.WriteLine();
            Console.WriteLine("| added | bytes each | with the ESP32 defaults |");
            Console.WriteLine("|---|---:|---|");
            Marginal("client (MaxClients and MaxSessions +1)", 100, (o, n) => { o.MaxClients += n; o.MaxSessions += n; }, "MaxPacketSize 1024, OutboxBytes 1536, InflightWindow 4, QueueDepth 16");
            Marginal("connection slot (MaxClients +1)", 100, (o, n) => { o.MaxClients += n; o.MaxSessions += n; }, null, (o, n) => { o.MaxSessions += n; });
            Marginal("session slot (MaxSessions +1)", 100, (o, n) => o.MaxSessions += n, "incl. its queue of QueueDepth 16 and inflight of 4");
            Marginal("subscription (MaxSubscriptions +1)", 100, (o, n) => o.MaxSubscriptions += n, "its filter's levels are topic tree levels");
            Marginal("topic tree level (MaxTopicNodes +1)", 100, (o, n) => o.MaxTopicNodes += n, "shared by filters and retained topics; its bytes counted separately");
            Marginal("topic level byte (TopicLevelBytes +1)", 1000, (o, n) => o.TopicLevelBytes += n, null);
            Marginal("queued message slot (QueueDepth +1, per session)", 100, (o, n) => o.QueueDepth += n, "bytes per queue slot of one session; x MaxSessions in all", null, 16);
            Marginal("inflight slot (InflightWindow +1, per session)", 10, (o, n) => o.InflightWindow += n, "bytes per slot of one session, both directions; x MaxSessions in all", null, 16);
            Marginal("stored message (MaxStoredMessages +1)", 100, (o, n) => o.MaxStoredMessages += n, "message slot; its bytes come from the store");
            Marginal("message store byte (MessageStoreBytes +1)", 6400, (o, n) => o.MessageStoreBytes += n, "in blocks of MessageBlockBytes 64");
            Marginal("retained message (MaxRetainedMessages +1)", 100, (o, n) => o.MaxRetainedMessages += n, "held on its topic's tree level; its bytes come from the store");
            Console.WriteLine();
            SteadyState(false); // first time: JIT and static constructors
            SteadyState(true);
            return 0;
        }

        private static void Whole(string what, Func<BrokerOptions> options)
        {
            long live;
            long allocated = Construct(options(), out live);
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "| {0} | {1:#,0} B | {2:#,0} B |", what, allocated, live));
        }

        private static void Marginal(string what, int units, Action<BrokerOptions, int> grow, string note, Action<BrokerOptions, int> baseGrow = null, int perSessions = 1)
        {
            BrokerOptions a = BrokerOptions.Esp32();
            BrokerOptions b = BrokerOptions.Esp32();
            if (baseGrow != null) baseGrow(a, units);
            grow(b, units);
            long live;
            long small = Construct(a, out live);
            long large = Construct(b, out live);
            double each = (large - small) / (double)units / perSessions;
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "| {0} | {1:0.#} B | {2} |", what, each, note ?? ""));
        }

        private static long Construct(BrokerOptions options, out long live)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            long heapBefore = GC.GetTotalMemory(true);
            long before = GC.GetAllocatedBytesForCurrentThread();
            Broker broker = new Broker(options, 0, null);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            live = GC.GetTotalMemory(true) - heapBefore;
            GC.KeepAlive(broker);
            return allocated;
        }

        // After construction nothing more should be allocated: connect the ESP32's 8 clients, subscribe,
        // and route QoS 0, 1 and 2 traffic, counting the bytes allocated on the way (packets built beforehand).
        private static void SteadyState(bool print)
        {
            Harness h = new Harness(BrokerOptions.Esp32());
            byte[][] connects = new byte[8][];
            for (int i = 0; i < 8; i++) connects[i] = Wire.ConnectPacket("client" + i, 60);
            byte[] subscribe = Wire.SubscribePacket(1, new[] { "sensors/#" }, 2);
            byte[][] publishes = new byte[3][];
            for (int q = 0; q < 3; q++) publishes[q] = Harness.Publish("sensors/kitchen/temperature", q, 1, 64, false);
            byte[] ack = new byte[4];
            Connection[] c = new Connection[8];
            int rounds = 1000;
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 8; i++)
            {
                c[i] = h.Broker.Open(h.Now);
                h.Feed(c[i], connects[i]);
                h.Drain(c[i]);
                if (i > 0)
                {
                    h.Feed(c[i], subscribe);
                    h.Drain(c[i]);
                }
            }
            long connected = GC.GetAllocatedBytesForCurrentThread();
            for (int r = 0; r < rounds; r++)
            {
                int q = r % 3;
                h.Feed(c[0], publishes[q]);
                h.Drain(c[0]);
                if (q == 2)
                {
                    Wire.WriteAck(ack, 0, Wire.PubRel, 1);
                    h.Feed(c[0], ack);
                    h.Drain(c[0]);
                }
                for (int i = 1; i < 8; i++)
                {
                    if (q == 0)
                    {
                        h.Drain(c[i]);
                        continue;
                    }
                    int id = Harness.HeadPacketId(c[i]);
                    h.Drain(c[i]);
                    Wire.WriteAck(ack, 0, q == 1 ? Wire.PubAck : Wire.PubRec, id);
                    h.Feed(c[i], ack);
                    if (q == 2)
                    {
                        h.Drain(c[i]);
                        Wire.WriteAck(ack, 0, Wire.PubComp, id);
                        h.Feed(c[i], ack);
                    }
                }
            }
            long after = GC.GetAllocatedBytesForCurrentThread();
            if (!print) return;
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture,
                "Allocated after construction (ESP32 defaults): {0:#,0} B while 8 clients connected and 7 subscribed; {1:#,0} B while routing {2} messages (QoS 0/1/2 in turn) to 7 subscribers ({3:0.###} B per routed message).",
                connected - before, after - connected, rounds, (after - connected) / (double)(rounds * 7)));
            Console.WriteLine("Messages received by the engine: " + h.Broker.Stats.MessagesReceived + ".");
        }
    }
}
