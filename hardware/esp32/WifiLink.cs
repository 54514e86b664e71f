using System;
using System.Device.Wifi;
using System.Net;
using System.Net.NetworkInformation;
using System.Threading;

namespace NanoBroker.Esp32
{
    /// <summary>
    /// Joins the Wi-Fi network and keeps the board on it: retries with back-off (2 s doubling to 60 s)
    /// until an address comes, and watches from a thread of its own so that a dropped network is joined
    /// again while the broker keeps running (its listener is bound to any address).
    /// A reconnect costs neither heap nor flash: the board's one WifiAdapter is made once (each new one joins
    /// a static event listener's list for good, WifiAdapter.cs of System.Device.Wifi), and nothing is saved
    /// (WifiNetworkHelper.ConnectDhcp made a WifiAdapter and saved the Wi-Fi configuration to flash at every
    /// attempt; WifiAdapter.Connect with WifiReconnectionKind.Automatic saves nothing: Target_Network.cpp
    /// stores the configuration only for NETWORK_CONNECT_SAVE_CONFIG).
    /// </summary>
    public sealed class WifiLink
    {
        private const int FirstRetryMs = 2000;
        private const int MaxRetryMs = 60000;
        private const int AttemptTimeoutMs = 20000;
        private const int AddressPollMs = 250;
        private const int WatchIntervalMs = 5000;
        private const string NoAddress = "0.0.0.0";

        private readonly string ssid;
        private readonly string password;
        private readonly StatusLed led;
        private readonly IBrokerLog log;
        private WifiAdapter adapter;
        private string lastFailure;
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
                log.Warning("Wi-Fi: not connected (" + lastFailure + "); next try in " + (delay / 1000) + " s");
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
            if (Address() != NoAddress)
            {
                // The firmware reconnected by itself (WifiReconnectionKind.Automatic).
                return true;
            }
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
            if (name == null)
            {
                log.Warning("Wi-Fi: no network configured: put ssid= and password= into " + DeviceSettings.DefaultPath
                    + " or deploy them with flash.ps1 -WifiSsid; waiting for the firmware's own connection");
                return AddressWithin(AttemptTimeoutMs);
            }
            try
            {
                if (adapter == null)
                {
                    adapter = WifiAdapter.FindAllAdapters()[0];
                }
                WifiConnectionStatus status = adapter.Connect(name, WifiReconnectionKind.Automatic, secret).ConnectionStatus;
                if (status != WifiConnectionStatus.Success)
                {
                    lastFailure = StatusText(status) + " joining " + name;
                    return false;
                }
            }
            catch (Exception e)
            {
                lastFailure = "error: " + e.Message;
                return false;
            }
            return AddressWithin(AttemptTimeoutMs);
        }

        // Waits for DHCP (or the firmware's own connection) to give the board an address.
        private bool AddressWithin(int timeoutMs)
        {
            for (int waited = 0; waited < timeoutMs; waited += AddressPollMs)
            {
                if (Address() != NoAddress)
                {
                    return true;
                }
                Thread.Sleep(AddressPollMs);
            }
            lastFailure = "no address within " + (timeoutMs / 1000) + " s";
            return false;
        }

        private static string StatusText(WifiConnectionStatus status)
        {
            switch (status)
            {
                case WifiConnectionStatus.InvalidCredential: return "wrong password";
                case WifiConnectionStatus.NetworkNotAvailable: return "network not found";
                case WifiConnectionStatus.Timeout: return "timed out";
                case WifiConnectionStatus.UnsupportedAuthenticationProtocol: return "unsupported authentication";
                default: return "status " + (int)status;
            }
        }
    }
}
