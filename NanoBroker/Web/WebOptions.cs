namespace NanoBroker.Web
{
    /// <summary>
    /// The settings of the web port (MQTT over WebSockets and the status page), each with what happens when it is
    /// reached. The port's memory is allocated at start from these, a session per client (about 1 KB each).
    /// </summary>
    public sealed class WebOptions
    {
        /// <summary>The TCP port; 0 = no web port (the default on the ESP32-C3 and the desktop).</summary>
        public int Port;

        /// <summary>
        /// WebSocket clients and page requests held at once; each also takes one of the engine's connection slots. A
        /// client beyond it is closed when accepted; 0 turns the web port off as <see cref="Port"/> 0 does.
        /// </summary>
        public int MaxClients;

        /// <summary>The most bytes of an HTTP request head. Beyond it: 431 and the connection closed.</summary>
        public int MaxRequestBytes;

        /// <summary>
        /// How long a client has to send its whole request, and to take a refusal, the page or a close frame, in ms.
        /// Beyond it: the connection is closed.
        /// </summary>
        public int TimeoutMs;

        /// <summary>The largest WebSocket frame payload a client may send. Beyond it: close 1009 (RFC 6455 section 7.4.1).</summary>
        public int MaxFrameBytes;

        /// <summary>Defaults for an ESP32: the page and 2 WebSocket clients on port 80.</summary>
        public static WebOptions Esp32()
        {
            WebOptions o = new WebOptions();
            o.Port = 80;
            o.MaxClients = 2;
            o.MaxRequestBytes = 2048;
            o.TimeoutMs = 10000;
            o.MaxFrameBytes = 65536;
            return o;
        }

        /// <summary>Defaults for an ESP32-C3 (about 54 KB of heap): off; <see cref="Port"/> turns it on with the ESP32's sizes.</summary>
        public static WebOptions Esp32C3()
        {
            WebOptions o = Esp32();
            o.Port = 0;
            return o;
        }

        /// <summary>Defaults for the desktop host: off; port 9001 (mosquitto's customary WebSocket port) when asked for.</summary>
        public static WebOptions Desktop()
        {
            WebOptions o = new WebOptions();
            o.Port = 0;
            o.MaxClients = 64;
            o.MaxRequestBytes = 8192;
            o.TimeoutMs = 10000;
            o.MaxFrameBytes = 4194304;
            return o;
        }

        /// <summary>True when the port is to be opened.</summary>
        public bool Enabled { get { return Port > 0 && MaxClients > 0; } }

        /// <summary>Null when the settings are usable, otherwise what is wrong.</summary>
        public string Validate()
        {
            if (Port < 0 || Port > 65535) return "web port must be 0 to 65535";
            if (MaxClients < 0) return "max web clients must be 0 or more";
            if (MaxRequestBytes < 256) return "web request bytes must be at least 256";
            if (TimeoutMs < 1) return "web timeout must be at least 1 ms";
            if (MaxFrameBytes < 1) return "web frame bytes must be at least 1";
            return null;
        }
    }
}
