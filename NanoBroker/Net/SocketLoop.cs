using System;
using System.Net.Sockets;
using System.Threading;
using NanoBroker.Sessions;
using NanoBroker.Web;

namespace NanoBroker.Net
{
    /// <summary>
    /// The network edge: one thread accepts connections, moves bytes between sockets and the engine,
    /// closes what the engine is done with, and ticks the clock. It uses only the Socket members that
    /// nanoFramework and .NET share (Poll, Available, Receive, Send, Accept, Close); the desktop host
    /// overrides the waiting and sending to use Select and non-blocking sends, and the board carries TLS
    /// connections in some slots by overriding the per-slot reads, sends and closes. Every call on one socket
    /// is contained to it: whatever a peer does (reset at once, fail mid-send) closes that slot, never the loop.
    /// </summary>
    public class SocketLoop
    {
        /// <summary>How often the engine's timers run.</summary>
        protected const int TickIntervalMs = 100;

        /// <summary>
        /// The most bytes sent at once after the socket polled writable. nanoFramework's Socket.Send returns only
        /// when every byte is out, waiting for room as long as that takes (SendRecvHelper in nf-interpreter), and
        /// lwIP polls writable with more than TCP_SNDLOWAT bytes free (2,881 with ESP-IDF's defaults): a send of
        /// at most this never waits, so a client that stops reading never stalls the loop.
        /// </summary>
        public const int MaxSendBytes = 2048;

        /// <summary>What <see cref="Receive"/> returns when a slot has nothing for the engine yet but stays open.</summary>
        public const int NothingYet = -1;

        protected readonly Broker Broker;

        /// <summary>The plain MQTT listener, or null when the app accepts connections only elsewhere (TLS only).</summary>
        protected readonly Socket Listener;

        /// <summary>The socket of each engine connection slot, or null.</summary>
        protected readonly Socket[] Sockets;

        private readonly Connection[] slots;

        // The web port (MQTT over WebSockets and the status page; ServeWeb), and the session of each slot it serves.
        private Socket webListener;
        private WebPort web;
        private WebSocketSession[] webSessions;
        private WebSender webSender;

        // Bytes read between two flushes of the outboxes: a quarter of one outbox, so a subscriber whose
        // socket keeps up never has its outbox filled (and QoS 0 dropped) within one pass of reads.
        private readonly int flushEveryBytes;
        // 1 while Run should go on; read and written with Interlocked (Stop comes from another thread).
        private int running;
        private long nextTickMs;

        public SocketLoop(Broker broker, Socket listener)
        {
            Broker = broker;
            Listener = listener;
            int slotCount = broker.ConnectionSlots;
            Sockets = new Socket[slotCount];
            slots = new Connection[slotCount];
            flushEveryBytes = broker.Options.OutboxBytes / 4;
        }

        /// <summary>
        /// Serves clients accepted on <paramref name="listener"/> through <paramref name="port"/>'s sessions (HTTP,
        /// then MQTT over WebSockets) in slots of the same engine; call it before <see cref="Run"/>.
        /// </summary>
        public void ServeWeb(Socket listener, WebPort port)
        {
            webListener = listener;
            web = port;
            webSessions = new WebSocketSession[Sockets.Length];
            webSender = new WebSender(this);
        }

        /// <summary>The web port's listener, or null (<see cref="ServeWeb"/>).</summary>
        protected Socket WebListener { get { return webListener; } }

        /// <summary>Runs until <see cref="Stop"/> is called; then closes every socket.</summary>
        public void Run()
        {
            Interlocked.Exchange(ref running, 1);
            nextTickMs = NowMs();
            try
            {
                while (Interlocked.CompareExchange(ref running, 1, 1) == 1)
                {
                    Wait(WaitMs(NowMs()));
                    long now = NowMs();
                    AcceptPending(now);
                    ReceiveAll(now);
                    Broker.CommitStorageIfDue(now);
                    if (now >= nextTickMs)
                    {
                        Broker.Tick(now);
                        ExpireWebSessions(now);
                        nextTickMs = now + TickIntervalMs;
                    }
                    SendAll(now);
                    OnIdle(now);
                }
            }
            finally
            {
                CloseAll();
            }
        }

        /// <summary>
        /// How long the loop may wait for sockets from <paramref name="now"/>: until the next tick (keep-alive and
        /// connect timeouts, slow clients, $SYS: checked every <see cref="TickIntervalMs"/>) or the engine's next
        /// storage commit (<see cref="NanoBroker.Broker.NextStorageCommitMs"/>), whichever comes first; 0 when due.
        /// </summary>
        protected int WaitMs(long now)
        {
            long until = nextTickMs;
            long commit = Broker.NextStorageCommitMs;
            if (commit < until)
            {
                until = commit;
            }
            long wait = until - now;
            if (wait <= 0)
            {
                return 0;
            }
            return wait > TickIntervalMs ? TickIntervalMs : (int)wait;
        }

        /// <summary>Asks <see cref="Run"/> to return; safe from another thread.</summary>
        public void Stop()
        {
            Interlocked.Exchange(ref running, 0);
        }

        /// <summary>
        /// Called once per pass of the loop, after the sends, for other non-blocking work of the app on this
        /// thread (e.g. a UDP responder). It must return at once. Nothing by default.
        /// </summary>
        protected virtual void OnIdle(long now)
        {
        }

        /// <summary>Monotonic milliseconds.</summary>
        protected virtual long NowMs()
        {
            return System.DateTime.UtcNow.Ticks / System.TimeSpan.TicksPerMillisecond;
        }

        /// <summary>
        /// Blocks until a socket may be readable or <paramref name="timeoutMs"/> passes. nanoFramework has no
        /// Select, so the portable wait only sleeps (1 ms) when nothing is pending: the loop passes through
        /// CommitStorageIfDue at least every few milliseconds, so a commit is never later than its delay by more.
        /// </summary>
        protected virtual void Wait(int timeoutMs)
        {
            if (!ListenerReadable(Listener) && !ListenerReadable(webListener) && !AnyReadable())
            {
                System.Threading.Thread.Sleep(1);
            }
        }

        /// <summary>
        /// How many slots this pass of reads visits; <see cref="ReadCandidate"/> names them in the order they are read.
        /// By default every slot in index order: nanoFramework's Poll tells that bytes are there, not when they came.
        /// </summary>
        protected virtual int ReadCandidates()
        {
            return Sockets.Length;
        }

        /// <summary>The slot read <paramref name="k"/>th in this pass (a loop that knows when bytes came reads the earliest first).</summary>
        protected virtual int ReadCandidate(int k)
        {
            return k;
        }

        /// <summary>True when the socket of slot <paramref name="slot"/> has bytes (or an end, or an error) to read.</summary>
        protected virtual bool IsReadable(int slot)
        {
            try
            {
                return Sockets[slot].Poll(0, SelectMode.SelectRead);
            }
            catch (Exception)
            {
                // nanoFramework's Poll throws for a socket in error with nothing to read (Helper__SelectSocket in
                // nf-interpreter): the Receive that follows meets the error and closes this slot only.
                return true;
            }
        }

        /// <summary>
        /// Reads what slot <paramref name="slot"/> has, up to <paramref name="count"/> bytes: the bytes read, 0 when
        /// the peer closed, or <see cref="NothingYet"/>; a SocketException when the connection failed.
        /// </summary>
        protected virtual int Receive(int slot, byte[] buffer, int offset, int count)
        {
            return Sockets[slot].Receive(buffer, offset, count, SocketFlags.None);
        }

        /// <summary>Sends what slot <paramref name="slot"/> takes without blocking; returns the bytes sent (0 when it is full).</summary>
        protected virtual int TrySend(int slot, byte[] buffer, int offset, int count)
        {
            Socket socket = Sockets[slot];
            if (!socket.Poll(0, SelectMode.SelectWrite))
            {
                return 0;
            }
            return socket.Send(buffer, offset, count < MaxSendBytes ? count : MaxSendBytes, SocketFlags.None);
        }

        /// <summary>Closes the socket of slot <paramref name="slot"/> (and whatever the app layered on it).</summary>
        protected virtual void CloseSocket(int slot)
        {
            Sockets[slot].Close();
        }

        /// <summary>Called for each accepted socket before use (socket options); may throw for a peer already gone.</summary>
        protected virtual void Configure(Socket socket)
        {
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.NoDelay, true);
        }

        /// <summary>True when slot <paramref name="slot"/> is in use and the engine takes bytes from it.</summary>
        protected bool WantsToRead(int slot)
        {
            return Sockets[slot] != null && slots[slot].ReceiveSpace > 0;
        }

        /// <summary>True when slot <paramref name="slot"/> has bytes the socket did not take yet.</summary>
        protected bool HasPendingOutput(int slot)
        {
            return Sockets[slot] != null && slots[slot].Outbox.Sendable > 0;
        }

        private bool AnyReadable()
        {
            for (int i = 0; i < Sockets.Length; i++)
            {
                if (WantsToRead(i) && IsReadable(i))
                {
                    return true;
                }
            }
            return false;
        }

        /// <summary>
        /// Gives an accepted socket an engine connection (whose CONNECT timeout starts now); returns its slot, or
        /// -1 when the engine has no free connection (the socket is then closed).
        /// </summary>
        protected int Admit(Socket socket, long now)
        {
            try
            {
                Configure(socket);
            }
            catch (Exception)
            {
                // A peer that connected and reset at once: lwIP has freed the connection, so setting an option
                // fails (EINVAL), as any other call on it would. It never reaches the engine.
                CloseQuietly(socket);
                return -1;
            }
            Connection connection = Broker.Open(now);
            if (connection == null)
            {
                CloseQuietly(socket);
                return -1;
            }
            Sockets[connection.Id] = socket;
            slots[connection.Id] = connection;
            return connection.Id;
        }

        /// <summary>
        /// Admits a socket accepted on the web port with a session of its own; -1 when the port's sessions (its limit
        /// of clients) or the engine's connections are all in use (the socket is then closed).
        /// </summary>
        protected int AdmitWeb(Socket socket, long now)
        {
            WebSocketSession session = web.Take(now);
            if (session == null)
            {
                CloseQuietly(socket);
                return -1;
            }
            int slot = Admit(socket, now);
            if (slot < 0)
            {
                web.Release(session);
                return -1;
            }
            webSessions[slot] = session;
            return slot;
        }

        private void AcceptPending(long now)
        {
            Socket socket;
            while ((socket = AcceptFrom(Listener)) != null)
            {
                Admit(socket, now);
            }
            while ((socket = AcceptFrom(webListener)) != null)
            {
                AdmitWeb(socket, now);
            }
        }

        private Socket AcceptFrom(Socket listener)
        {
            try
            {
                return ListenerReadable(listener) ? listener.Accept() : null;
            }
            catch (Exception)
            {
                // The peer gave up between Poll and Accept.
                return null;
            }
        }

        /// <summary>True when <paramref name="listener"/> (null: none) has a connection to accept (the desktop loop accepts by other means: false).</summary>
        protected virtual bool ListenerReadable(Socket listener)
        {
            try
            {
                return listener != null && listener.Poll(0, SelectMode.SelectRead);
            }
            catch (Exception)
            {
                // A listener in error has nothing to accept now; it is polled again on the next pass.
                return false;
            }
        }

        /// <summary>Closes a socket whatever state it is in.</summary>
        public static void CloseQuietly(Socket socket)
        {
            try
            {
                socket.Close();
            }
            catch (Exception)
            {
            }
        }

        // Reads each readable slot once, in ReadCandidate's order: where the loop knows it, a packet that came first
        // is handled first (a SUBSCRIBE sent just before another client's PUBLISH then gets that PUBLISH).
        private void ReceiveAll(long now)
        {
            int sinceFlush = 0;
            int candidates = ReadCandidates();
            for (int k = 0; k < candidates; k++)
            {
                int i = ReadCandidate(k);
                if (!WantsToRead(i) || !IsReadable(i))
                {
                    continue;
                }
                Connection connection = slots[i];
                int received;
                try
                {
                    int space = connection.ReceiveSpace;
                    received = Receive(i, connection.ReceiveBuffer, connection.ReceiveOffset, space < flushEveryBytes ? space : flushEveryBytes);
                }
                catch (Exception)
                {
                    received = 0;
                }
                if (received == NothingYet)
                {
                    continue;
                }
                if (received <= 0)
                {
                    // Readable with nothing to read: the peer closed, or the socket failed.
                    CloseSlot(i, now);
                    continue;
                }
                WebSocketSession session = webSessions == null ? null : webSessions[i];
                int count = session == null ? received : session.Received(connection.ReceiveBuffer, connection.ReceiveOffset, received, now);
                if (count > 0)
                {
                    Broker.Received(connection, count, now);
                }
                sinceFlush += received;
                if (sinceFlush >= flushEveryBytes)
                {
                    SendAll(now);
                    sinceFlush = 0;
                }
            }
        }

        private void SendAll(long now)
        {
            for (int i = 0; i < Sockets.Length; i++)
            {
                if (Sockets[i] == null)
                {
                    continue;
                }
                Connection connection = slots[i];
                Outbox outbox = connection.Outbox;
                if (webSessions != null && webSessions[i] != null)
                {
                    SendWeb(i, connection, webSessions[i], now);
                    continue;
                }
                while (outbox.Sendable > 0)
                {
                    int sent;
                    try
                    {
                        sent = TrySend(i, outbox.Buffer, outbox.Start, outbox.Sendable);
                    }
                    catch (Exception)
                    {
                        CloseSlot(i, now);
                        break;
                    }
                    if (sent <= 0)
                    {
                        break;
                    }
                    Broker.Sent(connection, sent, now);
                }
                if (Sockets[i] != null && connection.IsClosing && outbox.Sendable == outbox.Count)
                {
                    // Whatever the peer did not take of the last packets (a refusing CONNACK) is lost with it.
                    CloseSlot(i, now);
                }
            }
        }

        // Sends a web slot's own bytes and its outbox as WebSocket frames (WebSocketSession.Pump).
        private void SendWeb(int i, Connection connection, WebSocketSession session, long now)
        {
            Outbox outbox = connection.Outbox;
            try
            {
                int taken;
                while ((taken = session.Pump(webSender, i, outbox.Buffer, outbox.Start, outbox.Sendable, connection.IsClosing && outbox.Sendable == outbox.Count, now)) > 0)
                {
                    Broker.Sent(connection, taken, now);
                }
            }
            catch (Exception)
            {
                CloseSlot(i, now);
                return;
            }
            if (session.Finished)
            {
                CloseSlot(i, now);
            }
        }

        // The web sessions' way to this loop's (overridable) sends.
        private sealed class WebSender : ISlotSender
        {
            private readonly SocketLoop loop;

            public WebSender(SocketLoop loop)
            {
                this.loop = loop;
            }

            public int TrySend(int slot, byte[] buffer, int offset, int count)
            {
                return loop.TrySend(slot, buffer, offset, count);
            }
        }

        private void ExpireWebSessions(long now)
        {
            for (int i = 0; webSessions != null && i < webSessions.Length; i++)
            {
                if (webSessions[i] != null && webSessions[i].Expired(now))
                {
                    CloseSlot(i, now);
                }
            }
        }

        /// <summary>Closes slot <paramref name="slot"/> and tells the engine its connection is gone.</summary>
        protected void CloseSlot(int slot, long now)
        {
            try
            {
                CloseSocket(slot);
            }
            catch (Exception)
            {
            }
            Sockets[slot] = null;
            if (webSessions != null && webSessions[slot] != null)
            {
                web.Release(webSessions[slot]);
                webSessions[slot] = null;
            }
            Broker.Closed(slots[slot], now);
            slots[slot] = null;
        }

        private void CloseAll()
        {
            long now = NowMs();
            for (int i = 0; i < Sockets.Length; i++)
            {
                if (Sockets[i] != null)
                {
                    CloseSlot(i, now);
                }
            }
        }
    }
}
