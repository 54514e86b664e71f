using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using nanoFramework.Runtime.Native;
using NanoBroker.Security;
using NanoBroker.Storage;

namespace NanoBroker.Esp32
{
    /// <summary>
    /// NanoBroker on an ESP32: reads I:\nanobroker.ini and the access files (I:\passwords.txt, I:\acl.txt),
    /// joins Wi-Fi, restores the broker's durable state from I:\broker.log and serves MQTT on port 1883.
    /// All broker logic is in the engine (NanoBroker); this is the thin device edge.
    /// </summary>
    public static class Program
    {
        private const string DataFolder = "I:\\";

        // Sockets the firmware has (CONFIG_LWIP_MAX_SOCKETS in nf-interpreter targets/ESP32/_IDF/sdkconfig.default*).
        private const int SocketsEsp32 = 16;
        private const int SocketsEsp32C3 = 8;

        // The socket loop keeps two slots beyond MaxClients (a refusing CONNACK, a takeover) plus the listener;
        // the mDNS responder takes one more (unless mdns=false).
        private const int SocketsBeyondClients = 3;

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
            led.Pattern = LedPattern.Connecting;

            try
            {
                BrokerOptions options = OptionsFor(SystemInfo.TargetName, settings, log);
                // Before anything else: a bad password or rule file stops the board rather than let it serve
                // with other rules than those asked for.
                AccessControl access = DeviceAccess.Load(settings, options.MaxPacketSize, log);
                Broker broker = new Broker(options, Esp32SocketLoop.Now(), log);
                broker.Access = access;
                log.Info(broker.Restore(new RecordLog(new FlashStorage(DataFolder), options.StorageBatchBytes)));
                broker.HeapBytesInUse = HeapInUse;
                log.Info("broker tables take " + HeapInUse() + " bytes; " + nanoFramework.Runtime.Native.GC.Run(false) + " bytes free");

                WifiLink wifi = new WifiLink(settings, led, log);
                string address = wifi.Connect();
                wifi.StartWatching();

                Socket listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                listener.Bind(new IPEndPoint(IPAddress.Any, settings.Port));
                listener.Listen(4);
                log.Info("listening on " + address + ":" + settings.Port + " (up to " + options.MaxClients + " clients)");
                // mDNS / DNS-SD: one more socket, polled by the socket loop (mdns=false in the settings: none).
                MdnsAnnouncer mdns = settings.Mdns ? new MdnsAnnouncer(settings.Port, log) : null;
                led.Pattern = LedPattern.Running;

                new Esp32SocketLoop(broker, listener, mdns).Run();
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

        /// <summary>
        /// BrokerOptions.Esp32(), fitted to the board: the ESP32-C3 firmware has 8 sockets and about half the
        /// heap, so fewer clients and a smaller store; max_clients in the settings file overrides.
        /// </summary>
        private static BrokerOptions OptionsFor(string target, DeviceSettings settings, IBrokerLog log)
        {
            BrokerOptions o = BrokerOptions.Esp32();
            int sockets = SocketsEsp32;
            if (target != null && target.IndexOf("C3") >= 0)
            {
                sockets = SocketsEsp32C3;
                o.MaxClients = 4;
                o.MaxSessions = 8;
                o.OutboxBytes = 1024;
                o.MaxSubscriptions = 32;
                o.SubscriptionBytes = 1024;
                o.MaxRetainedMessages = 16;
                o.MaxRetainedBytes = 2048;
                o.MaxStoredMessages = 64;
                o.MessageStoreBytes = 6144;
            }
            if (settings.MaxClients > 0)
            {
                o.MaxClients = settings.MaxClients;
                if (o.MaxSessions < o.MaxClients)
                {
                    o.MaxSessions = o.MaxClients;
                }
            }
            int needed = o.MaxClients + SocketsBeyondClients + (settings.Mdns ? 1 : 0);
            if (needed > sockets)
            {
                log.Warning("max_clients " + o.MaxClients + (settings.Mdns ? " with mdns" : "") + " needs " + needed
                    + " sockets; this firmware has " + sockets + ": connections beyond them are refused by the network stack");
            }
            return o;
        }

        /// <summary>Managed heap held since start (the broker's tables and the app), after a collection.</summary>
        private static long HeapInUse()
        {
            uint free = nanoFramework.Runtime.Native.GC.Run(false);
            return free < freeAtStart ? (long)(freeAtStart - free) : 0;
        }
    }
}
