namespace NanoBroker.Tests.Engine.Web
{
    /// <summary>What a WebSocket client sends, built for the web tests: upgrade requests and masked frames (RFC 6455 section 5.2).</summary>
    public static class WsClient
    {
        /// <summary>The key of RFC 6455 section 1.3's example, and the accept value it gives.</summary>
        public const string SampleKey = "dGhlIHNhbXBsZSBub25jZQ==";
        public const string SampleAccept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

        /// <summary>The opening handshake of RFC 6455 section 1.2 (subprotocol mqtt), as a browser would send it.</summary>
        public static string Request(string protocol)
        {
            return "GET /mqtt HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + SampleKey + "\r\nOrigin: http://example.com\r\n"
                + (protocol == null ? "" : "Sec-WebSocket-Protocol: " + protocol + "\r\n")
                + "Sec-WebSocket-Version: 13\r\n\r\n";
        }

        /// <summary>A frame with FIN, opcode and payload masked with mask key 37 fa 21 3d (section 5.7's example).</summary>
        public static byte[] Frame(bool fin, int opcode, byte[] payload)
        {
            return Frame(fin, opcode, payload, true);
        }

        public static byte[] Frame(bool fin, int opcode, byte[] payload, bool masked)
        {
            int n = payload.Length;
            int lengthBytes = n < 126 ? 0 : n < 65536 ? 2 : 8;
            byte[] frame = new byte[2 + lengthBytes + (masked ? 4 : 0) + n];
            frame[0] = (byte)((fin ? 0x80 : 0) | opcode);
            frame[1] = (byte)((masked ? 0x80 : 0) | (lengthBytes == 0 ? n : lengthBytes == 2 ? 126 : 127));
            for (int i = 0; i < lengthBytes; i++)
            {
                frame[2 + lengthBytes - 1 - i] = (byte)(i < 4 ? n >> (8 * i) : 0);
            }
            int at = 2 + lengthBytes;
            byte[] mask = new byte[] { 0x37, 0xfa, 0x21, 0x3d };
            if (masked)
            {
                System.Array.Copy(mask, 0, frame, at, 4);
                at += 4;
            }
            for (int i = 0; i < n; i++)
            {
                frame[at + i] = masked ? (byte)(payload[i] ^ mask[i & 3]) : payload[i];
            }
            return frame;
        }

        /// <summary>Text of the bytes (ASCII), for comparing responses.</summary>
        public static string Text(byte[] bytes, int offset, int count)
        {
            char[] chars = new char[count];
            for (int i = 0; i < count; i++)
            {
                chars[i] = (char)bytes[offset + i];
            }
            return new string(chars);
        }

        /// <summary>The text with its first <paramref name="old"/> replaced (nanoFramework's string has no Replace).</summary>
        public static string Replace(string text, string old, string replacement)
        {
            int at = text.IndexOf(old);
            return at < 0 ? text : text.Substring(0, at) + replacement + text.Substring(at + old.Length);
        }
    }
}
