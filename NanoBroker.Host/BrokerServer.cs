using System;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using NanoBroker.Net;
using NanoBroker.Security;
using NanoBroker.Storage;

namespace NanoBroker.Host
{
    /// <summary>A broker engine and its socket loop on a thread of its own: what the host runs and the integration tests start.</summary>
    public sealed class BrokerServer : IDisposable
    {
        private readonly Socket listener;
        private readonly Socket webListener;
        private readonly SocketLoop loop;
        private readonly Thread thread;
        private readonly FileStorage storage;
        private readonly IBrokerLog log;
        private BridgeLink[] bridges = new BridgeLink[0];
        private readonly MqttSnUdpEdge mqttsn;

        // lwIP's TCP_SND_BUF on the ESP32 (ESP-IDF's default, which nf-interpreter keeps).
        private const int BoardSendBufferBytes = 5760;

        /// <summary>
        /// Listens on <paramref name="bind"/>:<paramref name="port"/>. With a <paramref name="dataFolder"/>, the
        /// broker's durable state is restored from it first and kept there. With <paramref name="portableLoop"/>,
        /// the sockets are served by the loop the ESP32 runs (polls and blocking sends, no Select) instead of the
        /// desktop's, with the board's small send buffers, to try its network edge over real TCP. With
        /// <paramref name="mqttSn"/> and its port set, the MQTT-SN gateway listens on that UDP port (desktop loop only).
        /// </summary>
        public BrokerServer(IPAddress bind, int port, BrokerOptions options, IBrokerLog log, string dataFolder = null, AccessControl access = null, bool portableLoop = false, NanoBroker.Tokens.JwtVerifier tokens = null, NanoBroker.Web.WebOptions web = null, NanoBroker.MqttSn.MqttSnOptions mqttSn = null)
        {
            listener = new Socket(bind.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            BindExclusively(listener);
            if (portableLoop)
            {
                // Accepted sockets inherit it.
                listener.SendBufferSize = BoardSendBufferBytes;
            }
            listener.Bind(new IPEndPoint(bind, port));
            listener.Listen(128);
            Endpoint = (IPEndPoint)listener.LocalEndPoint;
            this.log = log;
            // The status page lists the clients from $SYS/broker/clients/list.
            options.SysClientList |= web != null && web.Enabled;
            Broker = new Broker(options, 0, log);
            Broker.HeapBytesInUse = () => GC.GetTotalMemory(false);
            Broker.Access = access;
            Broker.Random = new SystemRandomSource();
            if (tokens != null)
            {
                Broker.Tokens = tokens;
            }
            if (dataFolder != null)
            {
                storage = new FileStorage(dataFolder);
                RestoreSummary = Broker.Restore(new RecordLog(storage, options.StorageBatchBytes));
            }
            loop = portableLoop ? new SocketLoop(Broker, listener) : new DesktopSocketLoop(Broker, listener);
            if (web != null && web.Enabled)
            {
                webListener = new Socket(bind.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    BindExclusively(webListener);
                    webListener.Bind(new IPEndPoint(bind, web.Port));
                    webListener.Listen(128);
                }
                catch (SocketException e)
                {
                    listener.Close();
                    webListener.Close();
                    // For the host's message: this port, not the MQTT one.
                    e.Data[WebPortFailed] = true;
                    throw;
                }
                WebEndpoint = (IPEndPoint)webListener.LocalEndPoint;
                loop.ServeWeb(webListener, new NanoBroker.Web.WebPort(web, new NanoBroker.Web.PageBytes(StatusPage.Bytes())));
            }
            if (mqttSn != null && mqttSn.Port > 0 && loop is DesktopSocketLoop desktop)
            {
                // The MQTT-SN gateway on UDP, on the loop's thread (the portable loop has none).
                mqttsn = new MqttSnUdpEdge(bind, Broker, mqttSn, log, desktop.Wake);
                desktop.Idle = mqttsn.Poll;
                desktop.Pending = mqttsn.Pending;
            }
            // Token expiry is Unix time: tie it to the loop's clock (a stopwatch from 0 here; the portable loop's DateTime).
            Broker.SetUnixTime(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), portableLoop ? DateTime.UtcNow.Ticks / TimeSpan.TicksPerMillisecond : 0);
            thread = new Thread(Run) { IsBackground = true, Name = "nanobroker" };
        }

        /// <summary>
        /// One listener per port, whoever else holds it. On Unix .NET's ReuseAddress sets SO_REUSEPORT too, which
        /// lets a second process listen on the same port and split the clients: only the plain SO_REUSEADDR is set
        /// (a restart may bind over connections in TIME_WAIT; Linux still refuses a second listener). On Windows
        /// SO_EXCLUSIVEADDRUSE keeps other sockets off the port.
        /// </summary>
        public static void BindExclusively(Socket socket)
        {
            if (OperatingSystem.IsWindows())
            {
                socket.ExclusiveAddressUse = true;
            }
            else
            {
                int level = OperatingSystem.IsLinux() ? 1 : 0xffff;       // SOL_SOCKET
                int reuseAddress = OperatingSystem.IsLinux() ? 2 : 0x0004; // SO_REUSEADDR
                socket.SetRawSocketOption(level, reuseAddress, BitConverter.GetBytes(1));
            }
        }

        /// <summary>Where the broker listens (the real port when 0 was asked for).</summary>
        public IPEndPoint Endpoint { get; }

        public int Port { get { return Endpoint.Port; } }

        /// <summary>The key a SocketException thrown by the constructor has in its Data when the web port could not be opened.</summary>
        public const string WebPortFailed = "WebPortFailed";

        /// <summary>Where the web port (MQTT over WebSockets, the status page) listens, or null without one.</summary>
        public IPEndPoint WebEndpoint { get; }

        /// <summary>The engine; read it only when the loop is stopped (it is single-threaded).</summary>
        public Broker Broker { get; }

        /// <summary>What was restored from the data folder, or null without one.</summary>
        public string RestoreSummary { get; }

        /// <summary>The MQTT-SN gateway's UDP edge, or null when mqttsn_port is 0.</summary>
        public MqttSnUdpEdge MqttSn { get { return mqttsn; } }

        /// <summary>Set when the loop died of an exception.</summary>
        public Exception Failure { get; private set; }

        /// <summary>
        /// Adds a bridge to an upstream broker, run on the loop's thread (the desktop loop only); call before <see cref="Start"/>.
        /// Its queue survives a restart when the options keep queued messages (PersistQueuedMessages).
        /// </summary>
        public NanoBroker.Bridge.Bridge AddBridge(NanoBroker.Bridge.BridgeSettings settings)
        {
            DesktopSocketLoop desktop = loop as DesktopSocketLoop;
            if (desktop == null)
            {
                throw new InvalidOperationException("bridges run on the desktop socket loop");
            }
            NanoBroker.Bridge.Bridge bridge = new NanoBroker.Bridge.Bridge(settings, Broker, log, BridgeEchoWindow, 0);
            BridgeLink[] more = new BridgeLink[bridges.Length + 1];
            Array.Copy(bridges, more, bridges.Length);
            more[bridges.Length] = new BridgeLink(bridge, desktop.Wake);
            bridges = more;
            desktop.Idle = now =>
            {
                mqttsn?.Poll(now);
                for (int i = 0; i < bridges.Length; i++)
                {
                    bridges[i].Step(now);
                }
            };
            return bridge;
        }

        // Messages sent upstream a bridge remembers to drop their echoes (3.1.1 upstreams other than mosquitto).
        private const int BridgeEchoWindow = 1024;

        public void Start()
        {
            mqttsn?.Start();
            thread.Start();
        }

        /// <summary>Stops the loop and closes every socket.</summary>
        public void Stop()
        {
            loop.Stop();
            if (thread.IsAlive)
            {
                thread.Join();
            }
            listener.Close();
            webListener?.Close();
            for (int i = 0; i < bridges.Length; i++)
            {
                bridges[i].Stop();
            }
            mqttsn?.Dispose();
            if (storage != null)
            {
                // What still waits for its commit delay (a retained QoS 0 message, the wills of the connections
                // just closed) is written before the files close, as if the delay had passed: a clean stop keeps everything.
                long due = Broker.NextStorageCommitMs;
                if (due != long.MaxValue)
                {
                    Broker.CommitStorageIfDue(due);
                }
                storage.Dispose();
            }
        }

        public void Dispose()
        {
            Stop();
        }

        private void Run()
        {
            try
            {
                loop.Run();
            }
            catch (Exception e)
            {
                Failure = e;
                Trace.TraceError("nanobroker: socket loop failed: " + e);
                Console.Error.WriteLine("nanobroker: socket loop failed: " + e);
            }
        }
    }
}
