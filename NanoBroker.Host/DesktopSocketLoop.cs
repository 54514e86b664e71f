using System.Collections;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using NanoBroker.Net;

namespace NanoBroker.Host
{
    /// <summary>
    /// The portable socket loop with .NET's scalable readiness: each socket has one zero-byte receive outstanding
    /// (SocketAsyncEventArgs, which .NET runs on epoll on Linux, kqueue on macOS, IOCP on Windows) and the listener
    /// one accept; their completions, on .NET's I/O threads, only put the slot (or the accepted socket) on a ready
    /// queue and wake the loop. The engine stays on the loop's thread and reads the slots in the order of that queue,
    /// the order their bytes came. A pass costs what is ready, not a Select list of every connection rebuilt and
    /// polled (the loop's visits of its slot array are a few array reads each).
    /// Sends are non-blocking, so one slow reader never stalls the others; the few sockets with output the kernel
    /// did not take are polled for room (Select over those only).
    /// </summary>
    public sealed class DesktopSocketLoop : SocketLoop
    {
        // How often the sockets waiting for room to send are polled while something else is awaited.
        private const int WritePollMs = 1;

        // How long a closed connection's late bytes are read and dropped before the socket closes (DrainThenClose).
        private const int LingerMs = 2000;

        // Where they go; shared by every lingering close, as nothing reads it.
        private static readonly byte[] DrainSink = new byte[4096];

        private readonly Stopwatch clock = Stopwatch.StartNew();
        private readonly bool[] readable;
        // The slots to read in the next pass, in the order their bytes came (each at most once: listed[slot]).
        private readonly int[] readOrder;
        private readonly bool[] listed;
        private int readOrderCount;
        private readonly Readiness[] armed;
        private readonly ConcurrentQueue<Readiness> ready = new ConcurrentQueue<Readiness>();
        private readonly ConcurrentQueue<Socket> accepted = new ConcurrentQueue<Socket>();
        private readonly ConcurrentQueue<Socket> acceptedWeb = new ConcurrentQueue<Socket>();
        private readonly ManualResetEventSlim wake = new ManualResetEventSlim(false);
        private readonly ArrayList writeList = new ArrayList();
        private SocketAsyncEventArgs acceptArgs;
        private SocketAsyncEventArgs webAcceptArgs;
        // A receive completed at once (bytes left; set on the loop's thread), or the accept must be tried again
        // (set on an I/O thread).
        private bool readyNow;
        private volatile bool retryAccept;
        // Set by Wake (a bridge's I/O thread): the next wait returns at once.
        private volatile bool woken;

        // The completions only queue a slot and wake the loop: run them on .NET's socket engine threads instead of
        // handing each to the thread pool first (a hop that cost about a fifth of the QoS 1 throughput on 2 cores).
        // .NET reads this once, when the first asynchronous socket operation of the process starts (so it must be
        // set before the first loop starts; the host creates its loop before the TLS relay). Set it to 0 to keep
        // the thread pool hop (e.g. with many TLS connections, whose relay work then also runs inline).
        private const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

        static DesktopSocketLoop()
        {
            if (System.Environment.GetEnvironmentVariable(InlineCompletions) == null)
            {
                System.Environment.SetEnvironmentVariable(InlineCompletions, "1");
            }
        }

        public DesktopSocketLoop(Broker broker, Socket listener)
            : base(broker, listener)
        {
            readable = new bool[Sockets.Length];
            readOrder = new int[Sockets.Length];
            listed = new bool[Sockets.Length];
            armed = new Readiness[Sockets.Length];
        }

        /// <summary>Work on the loop's thread once per pass, after the sends (the bridges: BridgeLink.Step); null for none.</summary>
        public System.Action<long> Idle { get; set; }

        /// <summary>Ends the loop's current wait; safe from any thread (a bridge's socket has bytes, or took them).</summary>
        public void Wake()
        {
            woken = true;
            wake.Set();
        }

        protected override void OnIdle(long now)
        {
            Idle?.Invoke(now);
        }

        protected override long NowMs()
        {
            return clock.ElapsedMilliseconds;
        }

        /// <summary>Whether an edge served in <see cref="Idle"/> has work now (read before each wait: the loop then does not
        /// wait; the MQTT-SN gateway's UDP socket), or null.</summary>
        public System.Func<bool> Pending;

        protected override void Wait(int timeoutMs)
        {
            if (acceptArgs == null && Listener != null)
            {
                acceptArgs = new SocketAsyncEventArgs();
                acceptArgs.Completed += (sender, e) => AcceptCompleted(Listener, e, true);
                Accept(Listener, acceptArgs);
            }
            if (webAcceptArgs == null && WebListener != null)
            {
                webAcceptArgs = new SocketAsyncEventArgs();
                webAcceptArgs.Completed += (sender, e) => AcceptCompleted(WebListener, e, true);
                Accept(WebListener, webAcceptArgs);
            }
            if (retryAccept)
            {
                retryAccept = false;
                Accept(Listener, acceptArgs);
                Accept(WebListener, webAcceptArgs);
            }
            long deadline = clock.ElapsedMilliseconds + timeoutMs;
            if (readyNow)
            {
                // A socket read in the last pass still has bytes: no waiting.
                readyNow = false;
                deadline = 0;
            }
            while (true)
            {
                wake.Reset();
                if (!ready.IsEmpty || !accepted.IsEmpty || !acceptedWeb.IsEmpty || woken || (Pending != null && Pending()))
                {
                    woken = false;
                    break;
                }
                long left = deadline - clock.ElapsedMilliseconds;
                if (left <= 0)
                {
                    break;
                }
                if (!AnyWaitingForRoom())
                {
                    wake.Wait((int)left);
                    continue;
                }
                // Room to send is polled: the sockets with output pending are few (slow readers).
                Socket.Select(null, writeList, null, (int)(left < WritePollMs ? left : WritePollMs) * 1000);
                if (writeList.Count > 0)
                {
                    break;
                }
            }
            Socket socket;
            while (accepted.TryDequeue(out socket))
            {
                int slot = Admit(socket, NowMs());
                if (slot >= 0)
                {
                    Arm(slot);
                }
            }
            while (acceptedWeb.TryDequeue(out socket))
            {
                int slot = AdmitWeb(socket, NowMs());
                if (slot >= 0)
                {
                    Arm(slot);
                }
            }
            KeepUnread();
            Readiness r;
            while (ready.TryDequeue(out r))
            {
                if (armed[r.Slot] == r)
                {
                    MarkReadable(r.Slot);
                }
            }
        }

        protected override int ReadCandidates()
        {
            return readOrderCount;
        }

        protected override int ReadCandidate(int k)
        {
            return readOrder[k];
        }

        // Marks a slot readable, after those already waiting: the completions come in the order the bytes did.
        private void MarkReadable(int slot)
        {
            readable[slot] = true;
            if (!listed[slot])
            {
                listed[slot] = true;
                readOrder[readOrderCount++] = slot;
            }
        }

        // Drops from the read order the slots read in the last pass; those with bytes left stay first, in their order.
        private void KeepUnread()
        {
            int kept = 0;
            for (int k = 0; k < readOrderCount; k++)
            {
                int slot = readOrder[k];
                if (readable[slot])
                {
                    readOrder[kept++] = slot;
                }
                else
                {
                    listed[slot] = false;
                }
            }
            readOrderCount = kept;
        }

        // True when some socket has output the kernel did not take; writeList is then those sockets.
        private bool AnyWaitingForRoom()
        {
            writeList.Clear();
            for (int i = 0; i < Sockets.Length; i++)
            {
                if (HasPendingOutput(i))
                {
                    writeList.Add(Sockets[i]);
                }
            }
            return writeList.Count > 0;
        }

        protected override bool ListenerReadable(Socket listener)
        {
            // Connections come from the accept outstanding on the listener (Wait admits them).
            return false;
        }

        protected override bool IsReadable(int slot)
        {
            return readable[slot];
        }

        protected override int Receive(int slot, byte[] buffer, int offset, int count)
        {
            readable[slot] = false;
            SocketError error;
            int received = Sockets[slot].Receive(buffer, offset, count, SocketFlags.None, out error);
            if (error == SocketError.WouldBlock)
            {
                received = NothingYet;
            }
            else if (error != SocketError.Success)
            {
                throw new SocketException((int)error);
            }
            if (received != 0)
            {
                // Await the next bytes (at once ready again when some are left).
                Arm(slot);
            }
            return received;
        }

        protected override int TrySend(int slot, byte[] buffer, int offset, int count)
        {
            SocketError error;
            int sent = Sockets[slot].Send(buffer, offset, count, SocketFlags.None, out error);
            if (error == SocketError.WouldBlock)
            {
                return 0;
            }
            if (error != SocketError.Success)
            {
                throw new SocketException((int)error);
            }
            return sent;
        }

        protected override void Configure(Socket socket)
        {
            base.Configure(socket);
            socket.Blocking = false;
        }

        protected override void CloseSocket(int slot)
        {
            readable[slot] = false;
            Readiness r = armed[slot];
            armed[slot] = null;
            // .NET closes a socket abortively (RST) when the close cancels an operation, as the pending zero-byte
            // receive, unless its sending side was shut down: the peer gets a FIN after the last bytes, as before.
            Socket socket = Sockets[slot];
            try
            {
                socket.Shutdown(SocketShutdown.Send);
            }
            catch (SocketException)
            {
            }
            _ = DrainThenClose(socket);
            // A receive still pending ends with the socket: its completion finds it no longer armed, and .NET defers
            // the dispose until then.
            r?.Args.Dispose();
        }

        // A lingering close: after the broker's last bytes (a DISCONNECT with its reason code, a CONNACK refusing),
        // what the peer still sends is read and dropped until it closes too, for at most LingerMs. Closing at once
        // with bytes unread, or arriving later, answers them with a reset, which makes the peer's next send fail
        // before it reads the reason (Paho's test_flow_control2: PUBREL after DISCONNECT 0x93), and on Windows
        // discards the bytes it had not read yet.
        private static async Task DrainThenClose(Socket socket)
        {
            try
            {
                using CancellationTokenSource linger = new CancellationTokenSource(LingerMs);
                while (await socket.ReceiveAsync(DrainSink, SocketFlags.None, linger.Token) > 0)
                {
                }
            }
            catch (System.Exception)
            {
                // Timed out, reset or failed: closed all the same.
            }
            socket.Close();
        }

        // Starts (or restarts) the zero-byte receive of slot: it completes when the socket has bytes, an end or an error.
        private void Arm(int slot)
        {
            Socket socket = Sockets[slot];
            Readiness r = armed[slot];
            if (r == null)
            {
                r = new Readiness(this, slot);
                armed[slot] = r;
            }
            bool pending;
            try
            {
                pending = socket.ReceiveAsync(r.Args);
            }
            catch (System.Exception)
            {
                // A socket already failed: the next Receive meets the error and closes the slot.
                pending = false;
            }
            if (!pending)
            {
                MarkReadable(slot);
                readyNow = true;
            }
        }

        private void Accept(Socket listener, SocketAsyncEventArgs args)
        {
            while (args != null)
            {
                args.AcceptSocket = null;
                bool pending;
                try
                {
                    pending = listener.AcceptAsync(args);
                }
                catch (System.Exception)
                {
                    // The listener is closed: the broker is stopping.
                    return;
                }
                if (pending || !AcceptCompleted(listener, args, false))
                {
                    return;
                }
            }
        }

        // Queues an accepted socket; false when the listener is done. Called from an I/O thread when asynchronous.
        private bool AcceptCompleted(Socket listener, SocketAsyncEventArgs e, bool asynchronous)
        {
            if (e.SocketError == SocketError.OperationAborted || e.SocketError == SocketError.Shutdown)
            {
                return false;
            }
            if (e.SocketError == SocketError.Success && e.AcceptSocket != null)
            {
                (listener == Listener ? accepted : acceptedWeb).Enqueue(e.AcceptSocket);
                wake.Set();
            }
            else if (e.SocketError != SocketError.ConnectionReset && e.SocketError != SocketError.ConnectionAborted)
            {
                // e.g. out of file descriptors: tried again on the loop's next pass (at most a tick away), not in a tight loop.
                retryAccept = true;
                return false;
            }
            if (asynchronous)
            {
                Accept(listener, e);
            }
            return true;
        }

        // One connection's zero-byte receive, reused for each wait of that connection.
        private sealed class Readiness
        {
            public readonly int Slot;
            public readonly SocketAsyncEventArgs Args = new SocketAsyncEventArgs();
            private readonly DesktopSocketLoop loop;

            public Readiness(DesktopSocketLoop loop, int slot)
            {
                this.loop = loop;
                Slot = slot;
                Args.SetBuffer(System.Array.Empty<byte>(), 0, 0);
                Args.Completed += Completed;
            }

            private void Completed(object sender, SocketAsyncEventArgs e)
            {
                loop.ready.Enqueue(this);
                loop.wake.Set();
            }
        }
    }
}
