using System.Device.Wifi;
using System.Net;
using System.Net.NetworkInformation;
using System.Threading;
using nanoFramework.Networking;

namespace NanoBroker.Esp32
{
    /// <summary>
    /// Joins the Wi-Fi network and keeps the board on it: retries with back-off (2 s doubling to 60 s)
    /// until an address comes, and watches from a thread of its own so that a dropped network is joined
    /// again while the broker keeps running (its listener is bound to any address).
    /// </summary>
    public sealed class WifiLink
    {
        private const int FirstRetryMs = 2000;
        private const int MaxRetryMs = 60000;
        private const int AttemptTimeoutMs = 20000;
        private const int WatchIntervalMs = 5000;
        private const string NoAddress = "0.0.0.0";

        private readonly string ssid;
        private readonly string password;
        private readonly StatusLed led;
        private readonly IBrokerLog log;
        private Thread watcher;

        public WifiLink(DeviceSettings settings, StatusLed led, IBrokerLog log)
        {
            ssid = settings.Ssid;
            password = settings.Password;
            this.led = led;
            this.log = log;
        }

        /// <summary>The board's IPv4 address, or "0.0.0.0" without one.</summary>
        public static string Address()
        {
            return IPAddress.GetDefaultLocalAddress().ToString();
        }

        /// <summary>Blocks until the board has an address, retrying with back-off; returns the address.</summary>
        public string Connect()
        {
            int delay = FirstRetryMs;
            while (true)
            {
                led.Pattern = LedPattern.Connecting;
                if (TryConnect())
                {
                    return Address();
                }
                log.Warning("Wi-Fi: not connected (" + StatusText() + "); next try in " + (delay / 1000) + " s");
                Thread.Sleep(delay);
                delay = delay * 2 > MaxRetryMs ? MaxRetryMs : delay * 2;
            }
        }

        /// <summary>Starts the thread that joins the network again when the address is lost.</summary>
        public void StartWatching()
        {
            watcher = new Thread(Watch);
            watcher.Start();
        }

        private void Watch()
        {
            while (true)
            {
                Thread.Sleep(WatchIntervalMs);
                if (Address() != NoAddress)
                {
                    continue;
                }
                log.Warning("Wi-Fi: connection lost; joining again");
                string address = Connect();
                log.Info("Wi-Fi: connected again, address " + address);
                led.Pattern = LedPattern.Running;
            }
        }

        private bool TryConnect()
        {
            string name = ssid;
            string secret = password;
            if (name == null)
            {
                // The credentials stored on the device, e.g. by nanoff --networkdeployment.
                Wireless80211Configuration[] stored = Wireless80211Configuration.GetAllWireless80211Configurations();
                if (stored.Length > 0 && stored[0].Ssid != null && stored[0].Ssid.Length > 0)
                {
                    name = stored[0].Ssid;
                    secret = stored[0].Password;
                }
            }
            CancellationTokenSource timeout = new CancellationTokenSource(AttemptTimeoutMs);
            try
            {
                if (name == null)
                {
                    log.Warning("Wi-Fi: no network configured: put ssid= and password= into " + DeviceSettings.DefaultPath
                        + " or deploy them with flash.ps1 -WifiSsid; waiting for the firmware's own connection");
                    return WifiNetworkHelper.Reconnect(false, 0, timeout.Token);
                }
                return WifiNetworkHelper.ConnectDhcp(name, secret, WifiReconnectionKind.Automatic, false, 0, timeout.Token);
            }
            finally
            {
                timeout.Dispose();
            }
        }

        private static string StatusText()
        {
            NetworkHelperStatus status = WifiNetworkHelper.Status;
            switch (status)
            {
                case NetworkHelperStatus.TokenExpiredWaitingIPAddress: return "no address within " + (AttemptTimeoutMs / 1000) + " s";
                case NetworkHelperStatus.FailedNoNetworkInterface: return "no Wi-Fi interface";
                case NetworkHelperStatus.ExceptionOccurred: return "error: " + WifiNetworkHelper.HelperException;
                default: return "status " + (int)status;
            }
        }
    }
}
