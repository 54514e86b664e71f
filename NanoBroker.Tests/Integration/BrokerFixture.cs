using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Net;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoBroker.Host;

namespace NanoBroker.Tests.Integration
{
    /// <summary>
    /// A real <see cref="BrokerServer"/> on 127.0.0.1 and a free port, with modest limits and a log kept
    /// in memory (written to the test output when a test fails). One per test: no state leaks between tests.
    /// </summary>
    public sealed class TestBroker : IDisposable
    {
        public const string Host = "127.0.0.1";

        private readonly MemoryLog log = new MemoryLog();
        private bool stopped;

        private TestBroker(BrokerOptions options, NanoBroker.Security.AccessControl access, bool portableLoop, string dataFolder = null, NanoBroker.Tokens.JwtVerifier tokens = null, NanoBroker.MqttSn.MqttSnOptions mqttSn = null)
        {
            Options = options;
            Server = new BrokerServer(IPAddress.Loopback, 0, options, log, dataFolder, access, portableLoop, tokens, null, mqttSn);
            Server.Start();
        }

        public BrokerServer Server { get; }

        /// <summary>The limits this broker was started with.</summary>
        public BrokerOptions Options { get; }

        public int Port { get { return Server.Port; } }

        public string PortText { get { return Server.Port.ToString(); } }

        /// <summary>Desktop defaults scaled down for tests: 64 clients, a 4 MB message store.</summary>
        public static BrokerOptions DefaultOptions()
        {
            BrokerOptions o = BrokerOptions.Desktop();
            o.MaxClients = 64;
            o.MaxSessions = 256;
            o.MessageStoreBytes = 4 * 1024 * 1024;
            return o;
        }

        public static TestBroker Start(Action<BrokerOptions> configure = null)
        {
            return Start(configure, null);
        }

        /// <summary>
        /// A broker that checks credentials and topic rules with <paramref name="access"/> (null: everyone may do
        /// anything); with <paramref name="portableLoop"/>, served by the ESP32's socket loop (BrokerServer).
        /// </summary>
        public static TestBroker Start(Action<BrokerOptions> configure, NanoBroker.Security.AccessControl access, bool portableLoop = false, NanoBroker.Tokens.JwtVerifier tokens = null)
        {
            BrokerOptions options = DefaultOptions();
            configure?.Invoke(options);
            return new TestBroker(options, access, portableLoop, null, tokens);
        }

        /// <summary>A broker with its MQTT-SN gateway on UDP (mqttSn.Port), the engine's access rules <paramref name="access"/>.</summary>
        public static TestBroker StartWithMqttSn(NanoBroker.MqttSn.MqttSnOptions mqttSn, NanoBroker.Security.AccessControl access = null)
        {
            return new TestBroker(DefaultOptions(), access, false, null, null, mqttSn);
        }

        /// <summary>A broker with the desktop defaults (scaled as <see cref="DefaultOptions"/>) keeping its state in <paramref name="dataFolder"/>.</summary>
        public static TestBroker StartWithData(string dataFolder, bool portableLoop = false)
        {
            return new TestBroker(DefaultOptions(), null, portableLoop, dataFolder);
        }

        /// <summary>Every line the broker logged (verbose: connects, disconnects with reasons, subscriptions).</summary>
        public string LogText { get { return string.Join("\n", log.Lines); } }

        /// <summary>True when the broker logged a line containing <paramref name="text"/>.</summary>
        public bool Logged(string text)
        {
            foreach (string line in log.Lines)
            {
                if (line.Contains(text, StringComparison.Ordinal))
                {
                    return true;
                }
            }
            return false;
        }

        /// <summary>Stops the loop; fails the test if the loop died of an exception while serving it.</summary>
        public void Stop()
        {
            if (stopped)
            {
                return;
            }
            stopped = true;
            Server.Stop();
            if (Server.Failure != null)
            {
                throw new AssertFailedException("the broker's socket loop failed: " + Server.Failure + "\n--- broker log:\n" + LogText);
            }
        }

        public void Dispose()
        {
            Stop();
        }

        private sealed class MemoryLog : IBrokerLog
        {
            public readonly ConcurrentQueue<string> Lines = new ConcurrentQueue<string>();

            public bool Verbose { get { return true; } }

            public void Info(string line)
            {
                Lines.Enqueue(DateTime.Now.ToString("HH:mm:ss.fff") + " " + line);
            }

            public void Warning(string line)
            {
                Lines.Enqueue(DateTime.Now.ToString("HH:mm:ss.fff") + " warning: " + line);
            }
        }
    }

    /// <summary>
    /// Base of the integration test classes: <see cref="Broker"/> is a fresh broker per test (started on first
    /// use, or by <see cref="StartBroker"/> with other limits), stopped after the test; on failure its log goes
    /// to the test output. Each test also gets <see cref="Timeout"/>, a token that ends its waiting.
    /// </summary>
    public abstract class BrokerTest
    {
        /// <summary>The longest a single wait in a test may take.</summary>
        protected static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

        private TestBroker broker;
        private CancellationTokenSource timeout;

        public TestContext TestContext { get; set; }

        protected TestBroker Broker
        {
            get { return broker ??= TestBroker.Start(null, null, BoardLoop); }
        }

        /// <summary>
        /// True to serve the test's broker with the ESP32's socket loop and the board's send buffers
        /// (BrokerServer's portableLoop) instead of the desktop's: BoardLoopTests reruns suites that way.
        /// </summary>
        protected virtual bool BoardLoop
        {
            get { return false; }
        }

        /// <summary>Cancelled 10 s after the test started: every network wait of the test is bounded by it.</summary>
        protected CancellationToken Timeout
        {
            get { return timeout.Token; }
        }

        protected TestBroker StartBroker(Action<BrokerOptions> configure, NanoBroker.Security.AccessControl access = null, NanoBroker.Tokens.JwtVerifier tokens = null)
        {
            Assert.IsNull(broker, "the broker of this test was already started");
            broker = TestBroker.Start(configure, access, BoardLoop, tokens);
            return broker;
        }

        /// <summary>The test's broker with an MQTT-SN gateway (see <see cref="TestBroker.StartWithMqttSn"/>).</summary>
        protected TestBroker StartBrokerWithMqttSn(NanoBroker.MqttSn.MqttSnOptions mqttSn, NanoBroker.Security.AccessControl access = null)
        {
            Assert.IsNull(broker, "the broker of this test was already started");
            broker = TestBroker.StartWithMqttSn(mqttSn, access);
            return broker;
        }

        [TestInitialize]
        public void StartTimeout()
        {
            timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        }

        [TestCleanup]
        public void StopBroker()
        {
            timeout.Dispose();
            if (broker == null)
            {
                return;
            }
            try
            {
                broker.Stop();
            }
            finally
            {
                if (TestContext.CurrentTestOutcome != UnitTestOutcome.Passed)
                {
                    TestContext.WriteLine("--- broker log:\n" + broker.LogText);
                }
                broker = null;
            }
        }
    }
}
