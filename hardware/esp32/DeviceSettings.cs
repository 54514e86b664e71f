using System.IO;
using NanoBroker.Protocol;

namespace NanoBroker.Esp32
{
    /// <summary>
    /// The board's settings, read from a small text file on the internal flash (<c>I:\nanobroker.ini</c>):
    /// one <c>key=value</c> a line, <c>#</c> starts a comment. Every key is optional.
    /// <code>
    /// ssid=MyNetwork          # else the credentials stored by nanoff --networkdeployment
    /// password=secret
    /// led_pin=2               # GPIO of the status LED; -1 for none
    /// led_active_low=false
    /// port=1883
    /// max_clients=8           # at most the firmware's sockets less the listener and 2 spare slots
    /// verbose=false           # log every connect and disconnect
    /// </code>
    /// </summary>
    public sealed class DeviceSettings
    {
        public const string DefaultPath = "I:\\nanobroker.ini";

        /// <summary>Wi-Fi network, or null to use the one stored on the device.</summary>
        public string Ssid;

        public string Password = "";

        /// <summary>GPIO of the status LED, or -1.</summary>
        public int LedPin = 2;

        public bool LedActiveLow;

        public int Port = 1883;

        /// <summary>Overrides BrokerOptions.MaxClients when above 0.</summary>
        public int MaxClients;

        public bool Verbose;

        /// <summary>What was wrong with the file (unknown keys, bad numbers), or null.</summary>
        public string Problems;

        /// <summary>Reads the file; a missing file gives the defaults.</summary>
        public static DeviceSettings Load(string path)
        {
            DeviceSettings s = new DeviceSettings();
            if (!File.Exists(path))
            {
                return s;
            }
            byte[] bytes = File.ReadAllBytes(path);
            int lineStart = 0;
            for (int i = 0; i <= bytes.Length; i++)
            {
                if (i == bytes.Length || bytes[i] == (byte)'\n')
                {
                    s.ApplyLine(Utf8.GetString(bytes, lineStart, i - lineStart));
                    lineStart = i + 1;
                }
            }
            return s;
        }

        private void ApplyLine(string line)
        {
            int hash = line.IndexOf('#');
            if (hash >= 0)
            {
                line = line.Substring(0, hash);
            }
            line = line.Trim();
            if (line.Length == 0)
            {
                return;
            }
            int eq = line.IndexOf('=');
            if (eq <= 0)
            {
                Problem("not key=value: " + line);
                return;
            }
            string key = line.Substring(0, eq).Trim().ToLower();
            string value = line.Substring(eq + 1).Trim();
            switch (key)
            {
                case "ssid": Ssid = value.Length > 0 ? value : null; break;
                case "password": Password = value; break;
                case "led_pin": LedPin = Number(key, value, LedPin); break;
                case "led_active_low": LedActiveLow = value.ToLower() == "true"; break;
                case "port": Port = Number(key, value, Port); break;
                case "max_clients": MaxClients = Number(key, value, MaxClients); break;
                case "verbose": Verbose = value.ToLower() == "true"; break;
                default: Problem("unknown key " + key); break;
            }
        }

        private int Number(string key, string value, int fallback)
        {
            int n;
            if (int.TryParse(value, out n))
            {
                return n;
            }
            Problem(key + " is not a number: " + value);
            return fallback;
        }

        private void Problem(string text)
        {
            Problems = Problems == null ? text : Problems + "; " + text;
        }
    }
}
