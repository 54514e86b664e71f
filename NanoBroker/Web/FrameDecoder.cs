namespace NanoBroker.Web
{
    /// <summary>
    /// Decodes the frames a WebSocket client sends (RFC 6455 section 5), in place: the unmasked payload of binary
    /// frames, continuations included, is written over the raw bytes it came in (payload never outruns the bytes
    /// read), so the engine's receive buffer is also the frame buffer. A frame header cut between two reads is kept
    /// here (14 bytes at most), and so is the payload of a control frame (125 bytes at most). It stops after each
    /// control frame so that its caller answers it; it stops for good at a close frame or a protocol error
    /// (<see cref="CloseCode"/>). Allocates nothing after construction.
    /// </summary>
    public sealed class FrameDecoder
    {
        /// <summary>Close code (section 7.4.1): a normal closure.</summary>
        public const int NormalClosure = 1000;

        /// <summary>Close code: a protocol error.</summary>
        public const int ProtocolError = 1002;

        /// <summary>Close code: data of a type not accepted (a text frame: MQTT is carried in binary frames, [MQTT-6.0.0-1]).</summary>
        public const int UnsupportedData = 1003;

        /// <summary>Close code: a message too big to process.</summary>
        public const int MessageTooBig = 1009;

        /// <summary>Opcodes (section 5.2).</summary>
        public const int Continuation = 0x0, Text = 0x1, Binary = 0x2, Close = 0x8, Ping = 0x9, Pong = 0xA;

        /// <summary>The most payload a control frame has (section 5.5).</summary>
        public const int MaxControlBytes = 125;

        private readonly long maxFrameBytes;
        private readonly byte[] header = new byte[14];
        private int headerHave;
        private int headerNeed;
        private long payloadLeft;
        private int maskAt;
        private int opcode;
        private bool inPayload;
        // A data message whose last frame has not come yet (FIN clear).
        private bool inMessage;

        /// <summary>The payload of the last control frame.</summary>
        public readonly byte[] Control = new byte[MaxControlBytes];

        /// <summary>The bytes of <see cref="Control"/> set.</summary>
        public int ControlLength { get; private set; }

        /// <summary>The opcode of a control frame just completed (Ping, Pong, Close), or 0; cleared by the next Decode.</summary>
        public int ControlOpcode { get; private set; }

        /// <summary>
        /// 0 while frames may follow. Otherwise the code to close with: the peer's own (echoed, section 5.5.1;
        /// 1000 when it gave none) after a close frame, or the error found.
        /// </summary>
        public int CloseCode { get; private set; }

        /// <summary>Where the last <see cref="Decode"/> stopped reading.</summary>
        public int ReadEnd { get; private set; }

        /// <param name="maxFrameBytes">The largest frame payload accepted; a larger one closes with 1009.</param>
        public FrameDecoder(long maxFrameBytes)
        {
            this.maxFrameBytes = maxFrameBytes;
        }

        /// <summary>Ready for a new connection.</summary>
        public void Reset()
        {
            headerHave = 0;
            headerNeed = 2;
            payloadLeft = 0;
            inPayload = false;
            inMessage = false;
            ControlLength = 0;
            ControlOpcode = 0;
            CloseCode = 0;
        }

        /// <summary>
        /// Reads raw bytes buffer[from..end) and writes the data payload found at <paramref name="writeAt"/> (at most
        /// where reading is: in place); returns where the payload written ends. Stops early after a control frame
        /// (<see cref="ControlOpcode"/>, <see cref="ReadEnd"/> says where) or at a close (<see cref="CloseCode"/>).
        /// </summary>
        public int Decode(byte[] buffer, int from, int end, int writeAt)
        {
            ControlOpcode = 0;
            int r = from;
            int w = writeAt;
            while (r < end && CloseCode == 0 && ControlOpcode == 0)
            {
                if (!inPayload)
                {
                    header[headerHave++] = buffer[r++];
                    if (headerHave == 2)
                    {
                        headerNeed = FirstTwoBytes();
                    }
                    if (CloseCode == 0 && headerHave == headerNeed)
                    {
                        StartPayload();
                    }
                    continue;
                }
                int n = end - r;
                if (n > payloadLeft)
                {
                    n = (int)payloadLeft;
                }
                int maskStart = headerNeed - 4;
                if (opcode >= Close)
                {
                    for (int i = 0; i < n; i++)
                    {
                        Control[ControlLength++] = (byte)(buffer[r++] ^ header[maskStart + (maskAt++ & 3)]);
                    }
                }
                else
                {
                    for (int i = 0; i < n; i++)
                    {
                        buffer[w++] = (byte)(buffer[r++] ^ header[maskStart + (maskAt++ & 3)]);
                    }
                }
                payloadLeft -= n;
                if (payloadLeft == 0)
                {
                    EndFrame();
                }
            }
            ReadEnd = r;
            return w;
        }

        // Checks the first two header bytes; returns the header's length (with the 4 mask bytes).
        private int FirstTwoBytes()
        {
            int b0 = header[0];
            int b1 = header[1];
            bool fin = (b0 & 0x80) != 0;
            opcode = b0 & 0x0F;
            int length7 = b1 & 0x7F;
            if ((b0 & 0x70) != 0)
            {
                // Section 5.2: no extension was negotiated, so RSV1-3 must be 0.
                CloseCode = ProtocolError;
            }
            else if ((b1 & 0x80) == 0)
            {
                // Section 5.1: the server closes on a frame from the client that is not masked.
                CloseCode = ProtocolError;
            }
            else if (opcode >= Close)
            {
                // Section 5.5: control frames are not fragmented and carry 125 bytes at most.
                if (opcode > Pong || !fin || length7 > MaxControlBytes)
                {
                    CloseCode = ProtocolError;
                }
            }
            else if (opcode == Text)
            {
                CloseCode = UnsupportedData;
            }
            else if (opcode == Continuation ? !inMessage : (opcode != Binary || inMessage))
            {
                // Section 5.4: a continuation only inside a fragmented message, a new message only outside one.
                CloseCode = ProtocolError;
            }
            else
            {
                inMessage = !fin;
            }
            return 2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0) + 4;
        }

        private void StartPayload()
        {
            int length7 = header[1] & 0x7F;
            long length = length7;
            if (length7 == 126)
            {
                length = (header[2] << 8) | header[3];
                if (length < 126)
                {
                    // Section 5.2: the minimal number of bytes must be used to encode the length.
                    CloseCode = ProtocolError;
                }
            }
            else if (length7 == 127)
            {
                if ((header[2] & 0x80) != 0)
                {
                    // Section 5.2: the most significant bit of a 64-bit length must be 0.
                    CloseCode = ProtocolError;
                    return;
                }
                length = 0;
                for (int i = 2; i < 10; i++)
                {
                    length = (length << 8) | header[i];
                }
                if (length < 65536)
                {
                    CloseCode = ProtocolError;
                }
            }
            if (CloseCode == 0 && length > maxFrameBytes)
            {
                CloseCode = MessageTooBig;
            }
            if (CloseCode != 0)
            {
                return;
            }
            payloadLeft = length;
            maskAt = 0;
            inPayload = true;
            if (opcode >= Close)
            {
                ControlLength = 0;
            }
            if (length == 0)
            {
                EndFrame();
            }
        }

        private void EndFrame()
        {
            inPayload = false;
            headerHave = 0;
            headerNeed = 2;
            if (opcode < Close)
            {
                return;
            }
            ControlOpcode = opcode;
            if (opcode == Close)
            {
                CloseCode = PeerCloseCode();
            }
        }

        // Section 5.5.1 and 7.4: the code a close frame gives, or why it is wrong.
        private int PeerCloseCode()
        {
            if (ControlLength == 0)
            {
                return NormalClosure;
            }
            if (ControlLength == 1)
            {
                return ProtocolError;
            }
            int code = (Control[0] << 8) | Control[1];
            bool valid = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1011) || (code >= 3000 && code <= 4999);
            return valid ? code : ProtocolError;
        }
    }
}
