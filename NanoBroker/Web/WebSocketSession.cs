namespace NanoBroker.Web
{
    /// <summary>
    /// One connection of the web port, between its socket's bytes and an engine connection: reads the HTTP request,
    /// answers it (the upgrade, the status page, or a refusal), then turns the client's WebSocket frames into the
    /// MQTT bytes the engine reads (in place, in its receive buffer) and the engine's outbox into binary frames (a
    /// short run copied whole behind its header, a long one sent from the outbox itself after its header), answering
    /// pings and the close handshake. Sans-IO: the socket loop reads and sends (<see cref="Pump"/>); the time is passed in.
    /// </summary>
    public sealed class WebSocketSession
    {
        // The largest run of outbox bytes framed at once (a 4-byte header).
        private const int MaxFramePayload = 65535;

        private const int Handshake = 0, Open = 1, ServingPage = 2, Closing = 3;

        private readonly WebPort port;
        private readonly UpgradeRequest request;
        private readonly FrameDecoder decoder;
        // What the session sends itself, before any more outbox bytes: the response head, control frames, frame
        // headers, and the page a chunk at a time.
        private readonly byte[] own = new byte[512];
        private int ownStart;
        private int ownCount;
        // The part of the page still to read into own, after the response head.
        private int pageAt;
        private int pageEnd;
        private readonly byte[] pong = new byte[FrameDecoder.MaxControlBytes];
        private int pongLength = -1;
        private int closeCode;
        private bool closeSent;
        private int frameLeft;
        private int state;
        private long deadline;

        internal WebSocketSession(WebPort port)
        {
            this.port = port;
            request = new UpgradeRequest(port.MaxRequestBytes);
            decoder = new FrameDecoder(port.MaxFrameBytes);
        }

        /// <summary>True once the upgrade is done and MQTT flows.</summary>
        public bool IsOpen { get { return state == Open; } }

        /// <summary>True when everything the session had to send is sent and its socket is to be closed.</summary>
        public bool Finished
        {
            get { return (state == Closing || state == ServingPage) && ownCount == 0 && pageAt == pageEnd && (closeCode == 0 || closeSent) && pongLength < 0; }
        }

        /// <summary>The close code sent or to send (RFC 6455 section 7.4.1); 0 while none.</summary>
        public int CloseCode { get { return closeCode; } }

        /// <summary>Starts a connection: the request must be complete within the port's timeout.</summary>
        public void Start(long now)
        {
            request.Reset();
            decoder.Reset();
            ownStart = ownCount = 0;
            pageAt = pageEnd = 0;
            pongLength = -1;
            closeCode = 0;
            closeSent = false;
            frameLeft = 0;
            state = Handshake;
            deadline = now + port.TimeoutMs;
        }

        /// <summary>
        /// True when the request was not complete in time, or a refusal, the page or a close was not taken by the
        /// peer in time after: the socket is to be closed.
        /// </summary>
        public bool Expired(long now)
        {
            return state != Open && now >= deadline;
        }

        /// <summary>
        /// Takes <paramref name="count"/> raw bytes read into buffer at <paramref name="offset"/> (the engine's
        /// receive buffer, at its receive offset) and rewrites them there as MQTT bytes; returns how many there are
        /// for the engine now (often 0: a request, a frame header, a ping).
        /// </summary>
        public int Received(byte[] buffer, int offset, int count, long now)
        {
            int at = offset;
            int end = offset + count;
            if (state == Handshake)
            {
                at += request.Read(buffer, at, count);
                if (request.Status == 0)
                {
                    return 0;
                }
                Answer(now);
            }
            if (state != Open)
            {
                // After a close, a refusal or the page request, whatever else comes is not read (section 1.4).
                return 0;
            }
            int written = offset;
            while (at < end && closeCode == 0)
            {
                written = decoder.Decode(buffer, at, end, written);
                at = decoder.ReadEnd;
                if (decoder.ControlOpcode == FrameDecoder.Ping)
                {
                    // Section 5.5.3: a pong with the ping's payload, as soon as practical (the latest ping only).
                    System.Array.Copy(decoder.Control, 0, pong, 0, decoder.ControlLength);
                    pongLength = decoder.ControlLength;
                }
                if (decoder.CloseCode != 0)
                {
                    StartClosing(decoder.CloseCode, now);
                }
            }
            return written - offset;
        }

        /// <summary>
        /// The engine closes the connection (its outbox sent): the close handshake is started with 1000 (or, before
        /// the upgrade was done, the socket just closes).
        /// </summary>
        public void EngineClosing(long now)
        {
            if (state == Open)
            {
                StartClosing(FrameDecoder.NormalClosure, now);
            }
            else if (state == Handshake)
            {
                state = Closing;
            }
        }

        /// <summary>How many of the session's own bytes are to be sent before any more outbox bytes (from <see cref="OwnBuffer"/> at <see cref="OwnStart"/>).</summary>
        public int OwnCount()
        {
            if (ownCount == 0 && frameLeft == 0)
            {
                QueueControl();
            }
            if (ownCount == 0 && pageAt < pageEnd)
            {
                int n = port.Page.Read(pageAt, own, 0, pageEnd - pageAt < own.Length ? pageEnd - pageAt : own.Length);
                // A page that cannot be read any further ends here (the client sees fewer bytes than announced).
                pageEnd = n > 0 ? pageEnd : pageAt;
                pageAt += n;
                ownCount = n;
            }
            return ownCount;
        }

        /// <summary>The array the session's own bytes are in (<see cref="OwnCount"/>).</summary>
        public byte[] OwnBuffer { get { return own; } }

        /// <summary>Where they start.</summary>
        public int OwnStart { get { return ownStart; } }

        /// <summary>Reports <paramref name="sent"/> of the session's own bytes sent.</summary>
        public void OwnSent(int sent)
        {
            ownStart += sent;
            ownCount -= sent;
            if (ownCount == 0)
            {
                ownStart = 0;
            }
        }

        /// <summary>
        /// How many of the <paramref name="sendable"/> outbox bytes may be sent now as frame payload. Starts a frame
        /// when none is open, which puts its header first (<see cref="OwnCount"/> is then not 0: send that, then ask again).
        /// </summary>
        public int Payload(int sendable)
        {
            if (frameLeft > 0)
            {
                // The frame begun is finished, even after a close began: its header announced these bytes.
                return sendable < frameLeft ? sendable : frameLeft;
            }
            if (state != Open || closeCode != 0 || sendable == 0 || OwnCount() > 0)
            {
                return 0;
            }
            frameLeft = sendable < MaxFramePayload ? sendable : MaxFramePayload;
            ownCount = HttpWriter.FrameHeader(FrameDecoder.Binary, frameLeft, own, 0);
            return 0;
        }

        /// <summary>
        /// Frames up to <paramref name="sendable"/> outbox bytes from <paramref name="start"/> whole into the session's
        /// own bytes, header and payload together, so that a small packet leaves in one send (one TCP segment, not
        /// a header alone and then its payload); returns how many it took (the engine's outbox may let them go), or 0
        /// when they do not fit (or a frame is open, or own bytes wait): then <see cref="Payload"/> frames them in place.
        /// </summary>
        public int FrameCopy(byte[] outbox, int start, int sendable)
        {
            if (state != Open || closeCode != 0 || frameLeft != 0 || OwnCount() != 0 || sendable == 0 || sendable > own.Length - 4)
            {
                return 0;
            }
            ownCount = HttpWriter.FrameHeader(FrameDecoder.Binary, sendable, own, 0);
            System.Array.Copy(outbox, start, own, ownCount, sendable);
            ownCount += sendable;
            return sendable;
        }

        /// <summary>Reports <paramref name="sent"/> outbox bytes sent as payload of the open frame.</summary>
        public void PayloadSent(int sent)
        {
            frameLeft -= sent;
        }

        /// <summary>
        /// Sends what the socket of <paramref name="slot"/> takes: the session's own bytes first, then the engine's
        /// outbox (<paramref name="sendable"/> bytes of <paramref name="outbox"/> from <paramref name="start"/>) as
        /// frames. Returns how many outbox bytes it took (the caller reports them to the engine, then calls again with
        /// the outbox as it then is), 0 when the socket takes no more or nothing is left. With
        /// <paramref name="engineClosing"/> (the engine closes the connection, nothing of its outbox held back), the
        /// close handshake starts once the outbox is sent or the socket stalls.
        /// </summary>
        public int Pump(ISlotSender sender, int slot, byte[] outbox, int start, int sendable, bool engineClosing, long now)
        {
            while (true)
            {
                int count = OwnCount();
                if (count > 0)
                {
                    int sent = sender.TrySend(slot, own, ownStart, count);
                    if (sent <= 0)
                    {
                        return Stalled(engineClosing, now);
                    }
                    OwnSent(sent);
                    continue;
                }
                int copied = FrameCopy(outbox, start, sendable);
                if (copied > 0)
                {
                    return copied;
                }
                int payload = Payload(sendable);
                if (OwnCount() > 0)
                {
                    // A frame header first.
                    continue;
                }
                if (payload > 0)
                {
                    int sent = sender.TrySend(slot, outbox, start, payload);
                    if (sent <= 0)
                    {
                        return Stalled(engineClosing, now);
                    }
                    PayloadSent(sent);
                    return sent;
                }
                if (!engineClosing || state == Closing || state == ServingPage)
                {
                    return 0;
                }
                EngineClosing(now);
            }
        }

        // The socket takes no more for now: a connection the engine closes starts its close handshake anyway (and
        // is closed when that times out).
        private int Stalled(bool engineClosing, long now)
        {
            if (engineClosing)
            {
                EngineClosing(now);
            }
            return 0;
        }

        private void Answer(long now)
        {
            int status = request.Status;
            if (status == UpgradeRequest.SwitchingProtocols)
            {
                ownCount = HttpWriter.SwitchingProtocols(request, port.Sha1, port.Scratch, own, 0);
                state = Open;
                return;
            }
            if (status == UpgradeRequest.PageRequest && port.Page != null)
            {
                ownCount = HttpWriter.PageHead(port.Page.Length, own, 0);
                pageAt = 0;
                pageEnd = port.Page.Length;
                state = ServingPage;
            }
            else
            {
                ownCount = HttpWriter.Refusal(status == UpgradeRequest.PageRequest ? 404 : status, own, 0);
                state = Closing;
            }
            deadline = now + port.TimeoutMs;
        }

        private void StartClosing(int code, long now)
        {
            closeCode = code;
            state = Closing;
            deadline = now + port.TimeoutMs;
        }

        // Writes the owed pong and close frames (between data frames only).
        private void QueueControl()
        {
            if (pongLength >= 0 && closeCode == 0)
            {
                ownCount = HttpWriter.FrameHeader(FrameDecoder.Pong, pongLength, own, 0);
                System.Array.Copy(pong, 0, own, ownCount, pongLength);
                ownCount += pongLength;
            }
            pongLength = -1;
            if (closeCode != 0 && !closeSent)
            {
                int at = ownCount;
                at += HttpWriter.FrameHeader(FrameDecoder.Close, 2, own, at);
                own[at] = (byte)(closeCode >> 8);
                own[at + 1] = (byte)closeCode;
                ownCount = at + 2;
                closeSent = true;
            }
        }
    }
}
