namespace NanoBroker.Web
{
    /// <summary>Writes the few HTTP/1.1 responses and WebSocket frame headers the web port sends, from ASCII literals, allocating nothing.</summary>
    public static class HttpWriter
    {
        // Section 1.3: the GUID appended to the client's key before hashing.
        private const string AcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

        /// <summary>The bytes <see cref="AcceptValue"/> hashes: the key and the GUID.</summary>
        public const int AcceptInputBytes = UpgradeRequest.KeyChars + 36;

        /// <summary>The length of a Sec-WebSocket-Accept value.</summary>
        public const int AcceptChars = 28;

        /// <summary>
        /// Writes Sec-WebSocket-Accept for <paramref name="key"/> at <paramref name="at"/> (section 4.2.2, item 5.4):
        /// base64(SHA-1(key + GUID)); <paramref name="scratch"/> holds <see cref="AcceptInputBytes"/> + 20 bytes.
        /// Returns the characters written (<see cref="AcceptChars"/>).
        /// </summary>
        public static int AcceptValue(byte[] key, Sha1 sha1, byte[] scratch, byte[] into, int at)
        {
            System.Array.Copy(key, 0, scratch, 0, UpgradeRequest.KeyChars);
            Ascii(AcceptGuid, scratch, UpgradeRequest.KeyChars);
            sha1.Hash(scratch, 0, AcceptInputBytes, scratch, AcceptInputBytes);
            return NanoBroker.Security.Base64.Encode(scratch, AcceptInputBytes, Sha1.HashBytes, into, at);
        }

        /// <summary>The 101 response accepting the upgrade with the subprotocol chosen; returns the bytes written.</summary>
        public static int SwitchingProtocols(UpgradeRequest request, Sha1 sha1, byte[] scratch, byte[] into, int at)
        {
            int start = at;
            at += Ascii("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ", into, at);
            at += AcceptValue(request.Key, sha1, scratch, into, at);
            at += Ascii(request.Protocol == UpgradeRequest.ProtocolMqtt ? "\r\nSec-WebSocket-Protocol: mqtt\r\n\r\n" : "\r\nSec-WebSocket-Protocol: mqttv3.1\r\n\r\n", into, at);
            return at - start;
        }

        /// <summary>The head of the status page's response (the page follows); returns the bytes written.</summary>
        public static int PageHead(int pageBytes, byte[] into, int at)
        {
            int start = at;
            at += Ascii("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nCache-Control: no-cache\r\nConnection: close\r\nContent-Length: ", into, at);
            at += Decimal(pageBytes, into, at);
            at += Ascii("\r\n\r\n", into, at);
            return at - start;
        }

        /// <summary>A refusal with <paramref name="status"/> and no body, the connection then closed; returns the bytes written.</summary>
        public static int Refusal(int status, byte[] into, int at)
        {
            int start = at;
            at += Ascii("HTTP/1.1 ", into, at);
            at += Decimal(status, into, at);
            at += Ascii(status == 404 ? " Not Found" : status == 405 ? " Method Not Allowed" : status == 414 ? " URI Too Long"
                : status == 426 ? " Upgrade Required\r\nSec-WebSocket-Version: 13" : status == 431 ? " Request Header Fields Too Large"
                : status == 503 ? " Service Unavailable" : " Bad Request", into, at);
            at += Ascii("\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", into, at);
            return at - start;
        }

        /// <summary>A frame header from the server (FIN set, not masked: section 5.1) for <paramref name="length"/> bytes; returns its bytes.</summary>
        public static int FrameHeader(int opcode, int length, byte[] into, int at)
        {
            into[at] = (byte)(0x80 | opcode);
            if (length < 126)
            {
                into[at + 1] = (byte)length;
                return 2;
            }
            if (length < 65536)
            {
                into[at + 1] = 126;
                into[at + 2] = (byte)(length >> 8);
                into[at + 3] = (byte)length;
                return 4;
            }
            into[at + 1] = 127;
            for (int i = 0; i < 8; i++)
            {
                into[at + 9 - i] = (byte)(i < 4 ? length >> (8 * i) : 0);
            }
            return 10;
        }

        private static int Ascii(string text, byte[] into, int at)
        {
            for (int i = 0; i < text.Length; i++)
            {
                into[at + i] = (byte)text[i];
            }
            return text.Length;
        }

        private static int Decimal(int value, byte[] into, int at)
        {
            int digits = 1;
            for (int v = value; v >= 10; v /= 10)
            {
                digits++;
            }
            for (int i = digits - 1; i >= 0; i--)
            {
                into[at + i] = (byte)('0' + value % 10);
                value /= 10;
            }
            return digits;
        }
    }
}
