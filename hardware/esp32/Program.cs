using System;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using nanoFramework.Runtime.Native;
using NanoBroker.Bridge;
using NanoBroker.MqttSn;
using NanoBroker.Security;
using NanoBroker.Storage;

namespace NanoBroker.Esp32
{
    /// <summary>
    /// NanoBroker on an ESP32: reads I:\nanobroker.ini, the access files (I:\passwords.txt, I:\acl.txt) and the
    /// TLS certificate and key (I:\server.crt, I:\server.key), joins Wi-Fi, restores the broker's durable state
    /// from I:\broker.log and serves MQTT on port 1883, and over TLS on 8883 when it has a certificate.
    /// All broker logic is in the engine (NanoBroker); this is the thin device edge.
    /// </summary>
    public static class Program
    {
        private const string DataFolder = "I:\\";

        // Sockets the firmware has (CONFIG_LWIP_MAX_SOCKETS in nf-interpreter targets/ESP32/_IDF/sdkconfig.default*).
        private const int SocketsEsp32 = 16;
        private const int SocketsEsp32C3 = 8;

        // The socket loop keeps two slots beyond MaxClients (a refusing CONNACK, a takeover); each listener
        // (plain, TLS) and the mDNS responder (unless mdns=false) take one more.
        private const int SpareSlots = 2;

        // A certificate chain or key larger than this would not fit the heap beside the broker.
        private const int MaxTlsFileBytes = 8192;

        private const int ListenBacklog = 4;

        private static uint freeAtStart;

        public static void Main()
        {
            freeAtStart = nanoFramework.Runtime.Native.GC.Run(true);
            Console.WriteLine("nanobroker: NanoBroker " + BrokerVersion.Text + " on " + SystemInfo.TargetName
                + ", " + freeAtStart + " bytes of managed heap free");

            DeviceSettings settings = DeviceSettings.Load(DeviceSettings.DefaultPath);
            SerialLog log = new SerialLog(settings.Verbose);
            if (settings.Problems != null)
            {
                log.Warning(DeviceSettings.DefaultPath + ": " + settings.Problems);
            }
            StatusLed led = new StatusLed(settings.LedPin, settings.LedActiveLow);
            if (led.Problem != null)
            {
                log.Warning(DeviceSettings.DefaultPath + ": " + led.Problem);
            }
            led.Pattern = LedPattern.Connecting;

            try
            {
                // Before anything else: a bad certificate, password or rule file stops the board rather than let
                // it serve otherwise than asked.
                X509Certificate2 certificate = LoadTlsCertificate(settings, log);
                BrokerOptions options = OptionsFor(SystemInfo.TargetName, settings, certificate != null, log);
                NanoBroker.Tokens.JwtVerifier tokens = DeviceTokens.Load(settings, log);
                AccessControl access = DeviceAccess.Load(settings, options.MaxPacketSize, log, tokens != null);
                Broker broker = CreateBroker(options, SystemInfo.TargetName, settings, log);
                options = broker.Options;
                broker.Access = access;
                broker.Tokens = tokens;
                broker.Random = new BoardRandomSource();
                log.Info(broker.Restore(new RecordLog(new FlashStorage(DataFolder), options.StorageBatchBytes)));
                broker.HeapBytesInUse = HeapInUse;
                log.Info("broker tables take " + HeapInUse() + " bytes; " + nanoFramework.Runtime.Native.GC.Run(false) + " bytes free");

                WifiLink wifi = new WifiLink(settings, led, log);
                string address = wifi.Connect();
                wifi.StartWatching();

                Socket listener = null;
                if (certificate == null || !settings.TlsOnly)
                {
                    listener = Listen(settings.Port);
                    log.Info("listening on " + address + ":" + settings.Port + " (up to " + options.MaxClients + " clients)");
                }
                Esp32TlsListener tls = null;
                if (certificate != null)
                {
                    tls = new Esp32TlsListener(Listen(settings.TlsPort), certificate, settings.TlsMaxClients, broker.ConnectionSlots, log);
                    log.Info("listening for MQTT over TLS on " + address + ":" + settings.TlsPort + " (up to " + settings.TlsMaxClients
                        + " TLS clients of the " + options.MaxClients + ")");
                }
                // mDNS / DNS-SD: one more socket, polled by the socket loop (mdns=false in the settings: none).
                MdnsAnnouncer mdns = settings.Mdns ? new MdnsAnnouncer(settings.Port, log) : null;
                Esp32SocketLoop loop = new Esp32SocketLoop(broker, listener, tls, mdns, Bridges(settings, broker, log));
                NanoBroker.Web.WebOptions web = WebOptionsFor(SystemInfo.TargetName, settings, log);
                if (web.Enabled)
                {
                    // The page lists the clients from $SYS/broker/clients/list.
                    options.SysClientList = true;
                    // The page is read from flash a chunk at a time as it is sent (FlashPage): it takes no heap.
                    FlashPage page = FlashPage.Open(FlashPage.DefaultPath);
                    loop.ServeWeb(Listen(web.Port), new NanoBroker.Web.WebPort(web, page));
                    log.Info("MQTT over WebSockets and the status page on http://" + address + ":" + web.Port + "/ (up to " + web.MaxClients
                        + " web clients of the " + options.MaxClients + (page != null ? ")" : "; no " + FlashPage.DefaultPath + ": the page is 404)"));
                }
                // MQTT-SN: one UDP socket more, and its tables, only when mqttsn_port is set (hardware/README.md).
                MqttSnOptions mqttSn = IsC3(SystemInfo.TargetName) ? MqttSnOptions.ForEsp32C3() : MqttSnOptions.ForEsp32();
                settings.ApplyMqttSn(mqttSn);
                if (mqttSn.Port > 0)
                {
                    loop.MqttSn = new MqttSnUdp(broker, mqttSn, log, Esp32SocketLoop.Now());
                    log.Info("MQTT-SN gateway on UDP " + address + ":" + mqttSn.Port + " (up to " + mqttSn.MaxClients + " clients)");
                }
                led.Pattern = LedPattern.Running;

                loop.Run();
            }
            catch (Exception e)
            {
                // The durable state is in I:\broker.log: a restart restores it and publishes the wills.
                led.Pattern = LedPattern.Fault;
                log.Warning("stopped: " + e.Message + "; restarting in 10 s");
                Thread.Sleep(10000);
                Power.RebootDevice();
            }
        }

        // The bridges of the settings file (bridge.<name>.<key> lines), each with its edge; none without such lines.
        private static Esp32BridgeLink[] Bridges(DeviceSettings settings, Broker broker, IBrokerLog log)
        {
            string problem = settings.Bridges.Validate();
            if (problem != null)
            {
                log.Warning(DeviceSettings.DefaultPath + ": " + problem + "; no bridge runs");
                return new Esp32BridgeLink[0];
            }
            Esp32BridgeLink[] links = new Esp32BridgeLink[settings.Bridges.Count];
            for (int i = 0; i < links.Length; i++)
            {
                BridgeSettings b = settings.Bridges.At(i);
                links[i] = new Esp32BridgeLink(new NanoBroker.Bridge.Bridge(b, broker, log, BridgeEchoWindow, Esp32SocketLoop.Now()));
                log.Info("bridge " + b.Name + " to " + b.Host + ":" + b.UpstreamPort + (b.Tls ? " (TLS)" : ""));
            }
            return links;
        }

        // Messages sent upstream a bridge remembers to drop their echoes (3.1.1 upstreams other than mosquitto).
        private const int BridgeEchoWindow = 32;

        /// <summary>
        /// BrokerOptions.Esp32(), fitted to the board: the ESP32-C3 firmware has 8 sockets and about half the
        /// heap, so fewer clients and a smaller store.
        /// </summary>
        private static BrokerOptions BoardDefaults(string target)
        {
            BrokerOptions o = BrokerOptions.Esp32();
            if (IsC3(target))
            {
                o.MaxClients = 4;
                o.MaxSessions = 6;
                o.OutboxBytes = 1024;
                o.MaxSubscriptions = 32;
                o.MaxTopicNodes = 64;
                o.TopicLevelBytes = 1024;
                o.MaxRetainedMessages = 16;
                o.MaxRetainedBytes = 2048;
                o.MaxStoredMessages = 64;
                o.MessageStoreBytes = 4096;
                o.MaxTopicAliasClients = 2;
                // Records up to MaxPacketSize + MaxClientIdBytes + overhead (1 110 bytes) still fit a batch.
                o.StorageBatchBytes = 1152;
            }
            return o;
        }

        /// <summary>
        /// The board's defaults with the limits of the settings file (max_clients, max_packet_size, ...); the
        /// defaults alone when those do not fit together.
        /// </summary>
        private static BrokerOptions OptionsFor(string target, DeviceSettings settings, bool tls, IBrokerLog log)
        {
            BrokerOptions o = BoardDefaults(target);
            settings.ApplyLimits(o);
            if (settings.Sets("max_clients") && !settings.Sets("max_sessions") && o.MaxSessions < o.MaxClients)
            {
                o.MaxSessions = o.MaxClients;
            }
            string problem = o.Validate();
            if (problem != null)
            {
                log.Warning(DeviceSettings.DefaultPath + ": the limits do not fit together (" + problem + "); using the board's defaults");
                o = BoardDefaults(target);
            }
            // A bridge's store and forward is the engine's queue of its session, kept on flash; its $SYS values need room.
            int bridges = settings.Bridges.Validate() == null ? settings.Bridges.Count : 0;
            if (bridges > 0)
            {
                o.PersistQueuedMessages = true;
                o.AddOnSysTopics = 5 * bridges;
            }
            int sockets = IsC3(target) ? SocketsEsp32C3 : SocketsEsp32;
            int listeners = (tls ? 1 : 0) + (tls && settings.TlsOnly ? 0 : 1) + (WebOptionsFor(target, settings, null).Enabled ? 1 : 0);
            int needed = o.MaxClients + SpareSlots + listeners + (settings.Mdns ? 1 : 0) + bridges;
            if (needed > sockets)
            {
                log.Warning("max_clients " + o.MaxClients + (settings.Mdns ? " with mdns" : "") + (tls ? " and TLS" : "") + " needs " + needed
                    + " sockets; this firmware has " + sockets + ": connections beyond them are refused by the network stack");
            }
            return o;
        }

        /// <summary>
        /// The engine with <paramref name="options"/>; when the settings file's limits need more heap than the board
        /// has, the engine with the board's defaults instead (logged), rather than a restart loop.
        /// </summary>
        private static Broker CreateBroker(BrokerOptions options, string target, DeviceSettings settings, IBrokerLog log)
        {
            try
            {
                return new Broker(options, Esp32SocketLoop.Now(), log);
            }
            catch (OutOfMemoryException)
            {
                if (!settings.SetsLimits)
                {
                    throw;
                }
            }
            log.Warning(DeviceSettings.DefaultPath + ": its limits need more memory than the board has (" + nanoFramework.Runtime.Native.GC.Run(true)
                + " bytes free); using the board's defaults");
            return new Broker(BoardDefaults(target), Esp32SocketLoop.Now(), log);
        }

        /// <summary>
        /// The web port's settings: the file's, with the board's default port (80 on the ESP32; off on the ESP32-C3,
        /// whose heap has no room for it beside the broker's defaults) when it gives none; off when they are wrong.
        /// </summary>
        private static NanoBroker.Web.WebOptions WebOptionsFor(string target, DeviceSettings settings, IBrokerLog log)
        {
            NanoBroker.Web.WebOptions web = settings.Web;
            if (!settings.WsPortGiven)
            {
                web.Port = IsC3(target) ? NanoBroker.Web.WebOptions.Esp32C3().Port : NanoBroker.Web.WebOptions.Esp32().Port;
            }
            string problem = web.Validate();
            if (problem != null)
            {
                if (log != null)
                {
                    log.Warning(DeviceSettings.DefaultPath + ": " + problem + "; no web port");
                }
                web.Port = 0;
            }
            return web;
        }

        private static bool IsC3(string target)
        {
            return target != null && target.IndexOf("C3") >= 0;
        }

        /// <summary>
        /// The TLS certificate and key when both files are there (tls_certificate, tls_key; by default I:\server.crt
        /// and I:\server.key), else null. Throws when only one is, or when mbedTLS cannot parse them: the board then
        /// stops rather than serve without the TLS it was given.
        /// </summary>
        private static X509Certificate2 LoadTlsCertificate(DeviceSettings settings, IBrokerLog log)
        {
            string certificateFile = DeviceFiles.Resolve(settings.TlsCertificate, DeviceSettings.DefaultTlsCertificate);
            string keyFile = DeviceFiles.Resolve(settings.TlsKey, DeviceSettings.DefaultTlsKey);
            if (certificateFile == null && keyFile == null)
            {
                if (settings.TlsOnly)
                {
                    throw new Exception("tls_only=true but there is no certificate (" + DeviceSettings.DefaultTlsCertificate + ")");
                }
                return null;
            }
            if (certificateFile == null || keyFile == null)
            {
                throw new Exception("TLS needs both a certificate and its key: " + (certificateFile == null ? "no tls_certificate" : "no tls_key")
                    + "; deploy both (flash.ps1 -TlsCertificate FILE -TlsKey FILE -SkipFirmware -SkipApp)");
            }
            X509Certificate2 certificate;
            try
            {
                certificate = Esp32TlsListener.LoadCertificate(certificateFile, keyFile, settings.TlsKeyPassword, MaxTlsFileBytes);
            }
            catch (Exception e)
            {
                throw new Exception(certificateFile + " and " + keyFile + " are no certificate and key mbedTLS can use (" + e.Message
                    + "); PEM or DER, the key unencrypted or with tls_key_password");
            }
            log.Info("tls: certificate " + certificate.Subject + ", valid until " + certificate.GetExpirationDate().ToString("yyyy-MM-dd"));
            return certificate;
        }

        private static Socket Listen(int port)
        {
            Socket listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Bind(new IPEndPoint(IPAddress.Any, port));
            listener.Listen(ListenBacklog);
            return listener;
        }

        /// <summary>Managed heap held since start (the broker's tables and the app), after a collection.</summary>
        private static long HeapInUse()
        {
            uint free = nanoFramework.Runtime.Native.GC.Run(false);
            return free < freeAtStart ? (long)(freeAtStart - free) : 0;
        }
    }
}
