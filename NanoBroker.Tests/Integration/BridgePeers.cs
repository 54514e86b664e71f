using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MQTTnet;
using MQTTnet.Protocol;

namespace NanoBroker.Tests.Integration
{
    /// <summary>
    /// What the bridge tests run: the desktop broker as a process with a --config file (so it can be SIGKILLed),
    /// mosquitto and nats-server as upstreams, and an MQTTnet client that keeps its session and reconnects by itself.
    /// </summary>
    public static class BridgePeers
    {
        /// <summary>A fresh folder under the temp folder, for a broker's data or a server's store.</summary>
        public static string TempFolder(string what)
        {
            string folder = Path.Combine(Path.GetTempPath(), "nanobroker-bridge-" + what + "-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            return folder;
        }

        /// <summary>Starts the desktop broker on <paramref name="port"/> with the settings lines given (written to a --config file in <paramref name="data"/>).</summary>
        public static Process StartBroker(int port, string data, params string[] configLines)
        {
            string config = Path.Combine(data, "nanobroker.ini");
            File.WriteAllLines(config, new[] { "port=" + port, "sys_interval_ms=500" }.Concat(configLines));
            return StartProcess("dotnet", Path.Combine(AppContext.BaseDirectory, "NanoBroker.Host.dll"), "--config", config, "--data", Path.Combine(data, "state"), "--verbose");
        }

        /// <summary>Starts mosquitto on <paramref name="port"/>, its persistence in <paramref name="store"/> (saved when it stops).</summary>
        public static Process StartMosquitto(int port, string store)
        {
            // Started as root, mosquitto drops to its own user: it must be able to write its database here.
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(store, (UnixFileMode)0x1FF);
            string config = Path.Combine(store, "mosquitto.conf");
            File.WriteAllLines(config, new[]
            {
                "listener " + port + " 127.0.0.1", "allow_anonymous true", "persistence true", "persistence_location " + store + "/",
                "max_queued_messages 100000", "max_inflight_messages 100",
            });
            return StartProcess("mosquitto", "-c", config);
        }

        /// <summary>Starts a process whose output is read and dropped (kept in <see cref="Logs"/> for failure messages).</summary>
        public static Process StartProcess(string file, params string[] arguments)
        {
            ProcessStartInfo info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (string a in arguments)
            {
                info.ArgumentList.Add(a);
            }
            Process process = Process.Start(info);
            StringBuilder log = new StringBuilder();
            process.OutputDataReceived += (s, e) => { lock (log) { log.AppendLine(e.Data); } };
            process.ErrorDataReceived += (s, e) => { lock (log) { log.AppendLine(e.Data); } };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            Logs[process.Id] = log;
            return process;
        }

        /// <summary>What each process started here wrote, by process id.</summary>
        public static readonly ConcurrentDictionary<int, StringBuilder> Logs = new ConcurrentDictionary<int, StringBuilder>();

        public static string LogOf(Process p)
        {
            StringBuilder log;
            if (!Logs.TryGetValue(p.Id, out log)) return "";
            lock (log) { string text = log.ToString(); return text.Length > 4000 ? text.Substring(text.Length - 4000) : text; }
        }

        /// <summary>Stops a process: SIGKILL when <paramref name="kill"/>, else SIGTERM and a wait for its clean stop.</summary>
        public static void Stop(Process p, bool kill = false)
        {
            if (p == null || p.HasExited) return;
            if (kill)
            {
                p.Kill(true);
            }
            else
            {
                Process.Start("kill", "-TERM " + p.Id).WaitForExit();
                if (!p.WaitForExit(10000)) p.Kill(true);
            }
            p.WaitForExit();
        }

        /// <summary>Deletes a folder, ignoring what cannot be.</summary>
        public static void Delete(string folder)
        {
            try { Directory.Delete(folder, true); } catch (Exception) { }
        }
    }

    /// <summary>
    /// A desktop broker bridged to a mosquitto upstream, each a process on a free port with its own folder, for one test:
    /// either can be stopped (or the broker SIGKILLed) and started again on the same port and data; disposing stops both
    /// and deletes the folders. <see cref="Logs"/> says what both wrote, for a failure message.
    /// </summary>
    public sealed class BridgeRig : IDisposable
    {
        private readonly string[] config;

        public readonly int UpstreamPort = FreePort.Next();
        public readonly int Port = FreePort.Next();
        public readonly string Store = BridgePeers.TempFolder("mosquitto");
        public readonly string Data = BridgePeers.TempFolder("broker");
        public Process Upstream;
        public Process Broker;

        /// <summary>Starts mosquitto, then the broker with <paramref name="bridgeLines"/> (bridge "up" to the upstream is added) and the other settings lines.</summary>
        public BridgeRig(params string[] bridgeLines)
        {
            config = new[] { "bridge.up.address=127.0.0.1:" + UpstreamPort, "bridge.up.restart_timeout=200:1000" }.Concat(bridgeLines).ToArray();
            StartUpstream();
            StartBroker();
        }

        public void StartUpstream()
        {
            Upstream = BridgePeers.StartMosquitto(UpstreamPort, Store);
        }

        public void StartBroker()
        {
            Broker = BridgePeers.StartBroker(Port, Data, config);
        }

        /// <summary>Until $SYS says the bridge is connected (and so has subscribed on this side).</summary>
        public async Task BridgeUpAsync(TimeSpan within)
        {
            await using StickyClient sys = await StickyClient.ConnectAsync(Port, "sys", "$SYS/broker/bridge/up/connected", MqttQualityOfServiceLevel.AtMostOnce, clean: true);
            await sys.WaitForAsync(r => r.Contains("$SYS/broker/bridge/up/connected 1"), within, "$SYS/broker/bridge/up/connected 1");
        }

        public string Logs { get { return "\nbroker:\n" + BridgePeers.LogOf(Broker) + "\nupstream:\n" + BridgePeers.LogOf(Upstream); } }

        public void Dispose()
        {
            BridgePeers.Stop(Broker);
            BridgePeers.Stop(Upstream);
            BridgePeers.Delete(Store);
            BridgePeers.Delete(Data);
        }
    }

    /// <summary>An MQTTnet 3.1.1 client with a persistent session that reconnects whenever it is cut off, collecting what it receives.</summary>
    public sealed class StickyClient : IAsyncDisposable
    {
        private readonly IMqttClient client = new MqttClientFactory().CreateMqttClient();
        private readonly MqttClientOptions options;
        private readonly CancellationTokenSource stop = new CancellationTokenSource();

        /// <summary>Payloads received, in order, as text.</summary>
        public readonly ConcurrentQueue<string> Received = new ConcurrentQueue<string>();

        private StickyClient(int port, string clientId, bool clean)
        {
            options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId(clientId).WithCleanSession(clean)
                .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V311).WithTimeout(TimeSpan.FromSeconds(5)).Build();
            client.ApplicationMessageReceivedAsync += e =>
            {
                Received.Enqueue(e.ApplicationMessage.Topic + " " + e.ApplicationMessage.ConvertPayloadToString());
                return Task.CompletedTask;
            };
        }

        // Connects again whenever the connection is gone, until disposed.
        private async Task KeepConnectedAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(200, stop.Token);
                    if (!client.IsConnected)
                    {
                        await client.ConnectAsync(options, stop.Token);
                    }
                }
                catch (Exception)
                {
                }
            }
        }

        public IMqttClient Client { get { return client; } }

        /// <summary>Connects (retrying for up to 20 s while the server starts) and subscribes to <paramref name="filter"/> when given.</summary>
        public static async Task<StickyClient> ConnectAsync(int port, string clientId, string filter = null, MqttQualityOfServiceLevel qos = MqttQualityOfServiceLevel.AtLeastOnce, bool clean = false)
        {
            StickyClient c = new StickyClient(port, clientId, clean);
            Stopwatch waited = Stopwatch.StartNew();
            while (true)
            {
                try
                {
                    await c.client.ConnectAsync(c.options);
                    break;
                }
                catch (Exception) when (waited.ElapsedMilliseconds < 20000)
                {
                    await Task.Delay(100);
                }
            }
            _ = Task.Run(c.KeepConnectedAsync);
            if (filter != null)
            {
                await c.client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(f => f.WithTopic(filter).WithQualityOfServiceLevel(qos)).Build());
            }
            return c;
        }

        /// <summary>Publishes and waits for its acknowledgement (QoS 1/2), retrying through a reconnect.</summary>
        public async Task PublishAsync(string topic, string payload, MqttQualityOfServiceLevel qos)
        {
            MqttApplicationMessage m = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(qos).Build();
            await client.PublishAsync(m);
        }

        /// <summary>Waits until <paramref name="done"/> holds for what was received, or fails after <paramref name="within"/>.</summary>
        public async Task WaitForAsync(Func<string[], bool> done, TimeSpan within, string what)
        {
            Stopwatch clock = Stopwatch.StartNew();
            while (!done(Received.ToArray()))
            {
                if (clock.Elapsed > within)
                {
                    Assert.Fail(what + ": not within " + within.TotalSeconds + " s; received " + Received.Count + ": " + string.Join(", ", Received.Take(20)));
                }
                await Task.Delay(50);
            }
        }

        public async ValueTask DisposeAsync()
        {
            stop.Cancel();
            try
            {
                if (client.IsConnected) await client.DisconnectAsync();
            }
            catch (Exception)
            {
            }
            client.Dispose();
        }
    }
}
