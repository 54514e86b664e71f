namespace NanoBroker.Web
{
    /// <summary>
    /// Reads one HTTP/1.1 request head, a byte at a time as it comes, and decides what it asks: the WebSocket upgrade
    /// for MQTT (RFC 6455 section 4.2.1), the status page, or something refused. Bounded whatever the peer sends: a
    /// line is kept up to <see cref="LineBytes"/> (longer header lines nobody reads are skipped, a longer request
    /// line or read header is refused), the whole head up to the limit given, and only the few values it needs are
    /// kept. Allocates nothing after construction; <see cref="Reset"/> makes it ready for the next connection.
    /// </summary>
    public sealed class UpgradeRequest
    {
        /// <summary>The longest line kept.</summary>
        public const int LineBytes = 256;

        /// <summary>The length of a Sec-WebSocket-Key: 16 bytes in base64 (section 4.2.1, item 5).</summary>
        public const int KeyChars = 24;

        /// <summary><see cref="Status"/> of a valid upgrade to MQTT over WebSockets.</summary>
        public const int SwitchingProtocols = 101;

        /// <summary><see cref="Status"/> of a GET of the status page ("/").</summary>
        public const int PageRequest = 200;

        /// <summary>The subprotocol chosen: MQTT's "mqtt" (MQTT 3.1.1 section 6, [MQTT-6.0.0-3]).</summary>
        public const int ProtocolMqtt = 1;

        /// <summary>The subprotocol chosen: "mqttv3.1", which MQTT 3.1 clients (older Paho JavaScript, MQTT.js with MQIsdp) offer.</summary>
        public const int ProtocolMqttV31 = 2;

        private readonly int maxRequestBytes;
        private readonly byte[] line = new byte[LineBytes];
        private int lineLength;
        private bool lineTooLong;
        private int requestBytes;
        private bool requestLineSeen;
        private bool host;
        private bool upgradeSeen;
        private bool upgradeWebSocket;
        private bool connectionUpgrade;
        private bool versionSeen;
        private bool version13;
        private bool isGet;
        private bool rootTarget;

        /// <summary>The Sec-WebSocket-Key's characters (<see cref="KeyLength"/> of them).</summary>
        public readonly byte[] Key = new byte[KeyChars];

        /// <summary>How many characters of <see cref="Key"/> are set; 0 without the header.</summary>
        public int KeyLength { get; private set; }

        /// <summary>0, <see cref="ProtocolMqtt"/> or <see cref="ProtocolMqttV31"/>.</summary>
        public int Protocol { get; private set; }

        /// <summary>
        /// 0 while the head is incomplete; then <see cref="SwitchingProtocols"/>, <see cref="PageRequest"/>, or the
        /// HTTP status refusing it: 400 malformed or a WebSocket request without what RFC 6455 requires (or without
        /// the mqtt subprotocol), 404 another path, 405 not GET, 414 a request line over <see cref="LineBytes"/>,
        /// 426 a WebSocket version other than 13 (section 4.2.2), 431 the head over its limit.
        /// </summary>
        public int Status { get; private set; }

        /// <param name="maxRequestBytes">The most bytes a request head may have (request line, headers, blank line).</param>
        public UpgradeRequest(int maxRequestBytes)
        {
            this.maxRequestBytes = maxRequestBytes;
        }

        /// <summary>Forgets the last request.</summary>
        public void Reset()
        {
            lineLength = 0;
            lineTooLong = false;
            requestBytes = 0;
            requestLineSeen = host = upgradeSeen = upgradeWebSocket = connectionUpgrade = false;
            versionSeen = version13 = isGet = rootTarget = false;
            KeyLength = 0;
            Protocol = 0;
            Status = 0;
        }

        /// <summary>
        /// Reads bytes of the head; returns how many it took: all of them, or fewer when the head ended (or was
        /// refused) before them, <see cref="Status"/> then set. The bytes after the head are the first WebSocket frames.
        /// </summary>
        public int Read(byte[] buffer, int offset, int count)
        {
            int i = 0;
            while (i < count && Status == 0)
            {
                if (requestBytes == maxRequestBytes)
                {
                    Status = 431;
                    break;
                }
                requestBytes++;
                byte b = buffer[offset + i++];
                if (b != (byte)'\n')
                {
                    if (lineLength < LineBytes)
                    {
                        line[lineLength++] = b;
                    }
                    else
                    {
                        lineTooLong = true;
                    }
                    continue;
                }
                // RFC 9112 section 2.2: a bare LF ends a line too.
                int length = lineLength > 0 && line[lineLength - 1] == (byte)'\r' ? lineLength - 1 : lineLength;
                bool tooLong = lineTooLong;
                lineLength = 0;
                lineTooLong = false;
                if (!requestLineSeen)
                {
                    requestLineSeen = true;
                    Status = tooLong ? 414 : RequestLine(length);
                }
                else if (length == 0 && !tooLong)
                {
                    Status = Decide();
                }
                else
                {
                    Status = HeaderLine(length, tooLong);
                }
            }
            return i;
        }

        // "GET /path HTTP/1.1" (RFC 9112 section 3); 0 when acceptable so far.
        private int RequestLine(int length)
        {
            int firstSpace = IndexOf((byte)' ', 0, length);
            int secondSpace = firstSpace < 0 ? -1 : IndexOf((byte)' ', firstSpace + 1, length);
            if (secondSpace < 0 || !Is("HTTP/1.1", secondSpace + 1, length - secondSpace - 1))
            {
                return 400;
            }
            isGet = Is("GET", 0, firstSpace);
            int targetLength = secondSpace - firstSpace - 1;
            rootTarget = Is("/", firstSpace + 1, targetLength) || Is("/index.html", firstSpace + 1, targetLength);
            return 0;
        }

        // "Name: value" (RFC 9112 section 5); 0 when acceptable so far.
        private int HeaderLine(int length, bool tooLong)
        {
            if (line[0] == (byte)' ' || line[0] == (byte)'\t')
            {
                // Obsolete line folding (RFC 9112 section 5.2): refused, as a server outside a message/http may.
                return 400;
            }
            int colon = IndexOf((byte)':', 0, length);
            if (colon <= 0 || IndexOf((byte)' ', 0, colon) >= 0)
            {
                return tooLong ? 431 : 400;
            }
            int start = colon + 1;
            int end = length;
            while (start < end && (line[start] == (byte)' ' || line[start] == (byte)'\t'))
            {
                start++;
            }
            while (end > start && (line[end - 1] == (byte)' ' || line[end - 1] == (byte)'\t'))
            {
                end--;
            }
            bool read = true;
            if (IsName("host", colon))
            {
                host = end > start;
            }
            else if (IsName("upgrade", colon))
            {
                upgradeSeen = true;
                upgradeWebSocket |= HasToken("websocket", start, end, true);
            }
            else if (IsName("connection", colon))
            {
                connectionUpgrade |= HasToken("upgrade", start, end, true);
            }
            else if (IsName("sec-websocket-key", colon))
            {
                if (end - start != KeyChars || KeyLength != 0)
                {
                    return 400;
                }
                System.Array.Copy(line, start, Key, 0, KeyChars);
                KeyLength = KeyChars;
            }
            else if (IsName("sec-websocket-version", colon))
            {
                versionSeen = true;
                version13 = Is("13", start, end - start);
            }
            else if (IsName("sec-websocket-protocol", colon))
            {
                if (HasToken("mqtt", start, end, false))
                {
                    Protocol = ProtocolMqtt;
                }
                else if (Protocol == 0 && HasToken("mqttv3.1", start, end, false))
                {
                    Protocol = ProtocolMqttV31;
                }
            }
            else
            {
                read = false;
            }
            return read && tooLong ? 431 : 0;
        }

        // The head is complete: what it asks.
        private int Decide()
        {
            if (!isGet)
            {
                return 405;
            }
            if (!host)
            {
                // RFC 9112 section 3.2: a request without Host gets 400.
                return 400;
            }
            if (!upgradeSeen && KeyLength == 0)
            {
                return rootTarget ? PageRequest : 404;
            }
            if (versionSeen && !version13)
            {
                return 426;
            }
            if (!upgradeWebSocket || !connectionUpgrade || !versionSeen || !KeyIsSixteenBytes() || Protocol == 0)
            {
                return 400;
            }
            return SwitchingProtocols;
        }

        // Section 4.2.1, item 5: the key decodes to 16 bytes (22 base64 letters and "==").
        private bool KeyIsSixteenBytes()
        {
            if (KeyLength != KeyChars || Key[22] != (byte)'=' || Key[23] != (byte)'=')
            {
                return false;
            }
            for (int i = 0; i < 22; i++)
            {
                byte c = Key[i];
                bool letter = (c >= (byte)'A' && c <= (byte)'Z') || (c >= (byte)'a' && c <= (byte)'z') || (c >= (byte)'0' && c <= (byte)'9') || c == (byte)'+' || c == (byte)'/';
                if (!letter)
                {
                    return false;
                }
            }
            return true;
        }

        // True when the comma-separated list in line[start..end) holds token (ignoring case when asked).
        private bool HasToken(string token, int start, int end, bool ignoreCase)
        {
            int at = start;
            while (at < end)
            {
                int comma = IndexOf((byte)',', at, end);
                int itemEnd = comma < 0 ? end : comma;
                int s = at;
                int e = itemEnd;
                while (s < e && (line[s] == (byte)' ' || line[s] == (byte)'\t'))
                {
                    s++;
                }
                while (e > s && (line[e - 1] == (byte)' ' || line[e - 1] == (byte)'\t'))
                {
                    e--;
                }
                if (ignoreCase ? IsName(token, s, e - s) : Is(token, s, e - s))
                {
                    return true;
                }
                at = itemEnd + 1;
            }
            return false;
        }

        private int IndexOf(byte b, int from, int end)
        {
            for (int i = from; i < end; i++)
            {
                if (line[i] == b)
                {
                    return i;
                }
            }
            return -1;
        }

        // line[at..at+length) is exactly text.
        private bool Is(string text, int at, int length)
        {
            if (length != text.Length)
            {
                return false;
            }
            for (int i = 0; i < length; i++)
            {
                if (line[at + i] != (byte)text[i])
                {
                    return false;
                }
            }
            return true;
        }

        // line[0..length) is the lower-case name, ignoring ASCII case (header names are case-insensitive).
        private bool IsName(string lower, int length)
        {
            return IsName(lower, 0, length);
        }

        private bool IsName(string lower, int at, int length)
        {
            if (length != lower.Length)
            {
                return false;
            }
            for (int i = 0; i < length; i++)
            {
                int c = line[at + i];
                if (c >= 'A' && c <= 'Z')
                {
                    c += 'a' - 'A';
                }
                if (c != lower[i])
                {
                    return false;
                }
            }
            return true;
        }
    }
}
