using System;
using System.IO;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using NanoBroker.Bridge;

namespace NanoBroker.Host
{
    /// <summary>
    /// The desktop edge of one bridge: the upstream socket (TLS through SslStream) with a thread that connects, one that
    /// reads and one that writes, so the socket loop's thread, where <see cref="Step"/> runs the bridge with the engine,
    /// never waits on the network. The threads only move bytes through two bounded buffers and wake the loop.
    /// </summary>
    public sealed class BridgeLink
    {
        private const int ConnectTimeoutMs = 10000;
        private const int BufferBytes = 1 << 20;

        private readonly global::NanoBroker.Bridge.Bridge bridge;
        private readonly Action wake;
        private readonly object gate = new object();

        // Guarded by gate: bytes read and not yet taken by the bridge; bytes the bridge gave and not yet written.
        private readonly byte[] inbound = new byte[BufferBytes];
        private int inboundCount;
        private readonly byte[] outbound = new byte[BufferBytes];
        private int outboundCount;
        // Which connection the threads belong to: a thread of an older one stops at its next look.
        private int generation;
        private string failure;
        private Stream connectedStream;
        private string connectFailure;

        private bool connecting;
        private long lastNow;
        private Socket socket;
        private Stream stream;

        public BridgeLink(global::NanoBroker.Bridge.Bridge bridge, Action wake)
        {
            this.bridge = bridge;
            this.wake = wake;
        }

        /// <summary>The bridge it carries.</summary>
        public global::NanoBroker.Bridge.Bridge Bridge { get { return bridge; } }

        /// <summary>On the loop's thread: connects, hands bytes both ways, closes, and steps the bridge.</summary>
        public void Step(long now)
        {
            lastNow = now;
            if (bridge.State == BridgeState.Connecting && !connecting)
            {
                StartConnect();
            }
            if (connecting)
            {
                FinishConnect(now);
            }
            TakeInbound(now);
            string failed;
            lock (gate)
            {
                failed = inboundCount == 0 ? failure : null;
            }
            if (failed != null)
            {
                Close();
                bridge.Disconnected(now, failed);
            }
            bridge.Step(now);
            if (bridge.State == BridgeState.Closing)
            {
                Close();
                bridge.Disconnected(now, null);
            }
            GiveOutbound(now);
        }

        /// <summary>Closes the upstream connection (the host stops; the loop has stopped).</summary>
        public void Stop()
        {
            Close();
            bridge.Disconnected(lastNow, null);
        }

        private void StartConnect()
        {
            connecting = true;
            int current;
            lock (gate)
            {
                current = ++generation;
                connectedStream = null;
                connectFailure = null;
                failure = null;
            }
            BridgeSettings s = bridge.Settings;
            Thread t = new Thread(() => Connect(current, s)) { IsBackground = true, Name = "bridge " + s.Name + " connect" };
            t.Start();
        }

        // On the connect thread: DNS, TCP and TLS, each as long as it takes (up to the timeout), away from the loop.
        private void Connect(int current, BridgeSettings s)
        {
            Socket sock = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            Stream result = null;
            string problem = null;
            try
            {
                using (CancellationTokenSource timeout = new CancellationTokenSource(ConnectTimeoutMs))
                {
                    sock.ConnectAsync(s.Host, s.UpstreamPort, timeout.Token).AsTask().GetAwaiter().GetResult();
                }
                Stream net = new NetworkStream(sock, true);
                if (s.Tls)
                {
                    SslStream tls = new SslStream(net, false);
                    SslClientAuthenticationOptions options = new SslClientAuthenticationOptions { TargetHost = s.Host };
                    options.RemoteCertificateValidationCallback = Validator(s);
                    tls.AuthenticateAsClient(options);
                    net = tls;
                }
                result = net;
            }
            catch (Exception e)
            {
                problem = "cannot connect to " + s.Host + ":" + s.UpstreamPort + ": " + (e is OperationCanceledException ? "timed out" : e.Message);
                sock.Close();
            }
            lock (gate)
            {
                if (current != generation)
                {
                    result?.Dispose();
                    return;
                }
                connectedStream = result;
                connectFailure = problem;
                socket = result != null ? sock : null;
            }
            wake();
        }

        // tls_ca: the upstream's chain must end at that authority; tls_insecure: anything goes; neither: the system's roots.
        private static RemoteCertificateValidationCallback Validator(BridgeSettings s)
        {
            if (s.TlsInsecure)
            {
                return (sender, certificate, chain, errors) => true;
            }
            if (s.TlsCaFile == null)
            {
                return null;
            }
            X509Certificate2 ca = X509Certificate2.CreateFromPem(File.ReadAllText(s.TlsCaFile));
            return (sender, certificate, chain, errors) =>
            {
                if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0 || certificate == null)
                {
                    return false;
                }
                using (X509Chain custom = new X509Chain())
                {
                    custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    custom.ChainPolicy.CustomTrustStore.Add(ca);
                    custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return custom.Build(new X509Certificate2(certificate));
                }
            };
        }

        private void FinishConnect(long now)
        {
            Stream ready;
            string problem;
            int current;
            lock (gate)
            {
                ready = connectedStream;
                problem = connectFailure;
                current = generation;
                connectedStream = null;
                connectFailure = null;
            }
            if (ready == null && problem == null)
            {
                return;
            }
            connecting = false;
            if (ready == null)
            {
                bridge.Disconnected(now, problem);
                return;
            }
            stream = ready;
            new Thread(() => Read(current, ready)) { IsBackground = true, Name = "bridge " + bridge.Settings.Name + " read" }.Start();
            new Thread(() => Write(current, ready)) { IsBackground = true, Name = "bridge " + bridge.Settings.Name + " write" }.Start();
            bridge.Connected(now);
        }

        private void Read(int current, Stream from)
        {
            byte[] chunk = new byte[65536];
            try
            {
                while (true)
                {
                    int n = from.Read(chunk, 0, chunk.Length);
                    if (n <= 0)
                    {
                        Failed(current, "the upstream closed the connection");
                        return;
                    }
                    lock (gate)
                    {
                        while (current == generation && inboundCount + n > inbound.Length)
                        {
                            Monitor.Wait(gate);
                        }
                        if (current != generation)
                        {
                            return;
                        }
                        Array.Copy(chunk, 0, inbound, inboundCount, n);
                        inboundCount += n;
                    }
                    wake();
                }
            }
            catch (Exception e)
            {
                Failed(current, "upstream connection failed: " + e.Message);
            }
        }

        private void Write(int current, Stream to)
        {
            byte[] chunk = new byte[BufferBytes];
            try
            {
                while (true)
                {
                    int n;
                    lock (gate)
                    {
                        while (current == generation && outboundCount == 0)
                        {
                            Monitor.Wait(gate);
                        }
                        if (current != generation)
                        {
                            return;
                        }
                        n = outboundCount;
                        Array.Copy(outbound, 0, chunk, 0, n);
                        outboundCount = 0;
                        Monitor.PulseAll(gate);
                    }
                    to.Write(chunk, 0, n);
                    to.Flush();
                    // The bridge may have more for the room just made.
                    wake();
                }
            }
            catch (Exception e)
            {
                Failed(current, "upstream connection failed: " + e.Message);
            }
        }

        private void Failed(int current, string reason)
        {
            lock (gate)
            {
                if (current == generation && failure == null)
                {
                    failure = reason;
                }
            }
            wake();
        }

        // Upstream bytes into the bridge, as far as its input has room.
        private void TakeInbound(long now)
        {
            while (bridge.State >= BridgeState.AwaitingConnAck && bridge.State <= BridgeState.Ready)
            {
                int n;
                lock (gate)
                {
                    n = Math.Min(inboundCount, bridge.InputSpace);
                    if (n == 0)
                    {
                        return;
                    }
                    Array.Copy(inbound, 0, bridge.Input, bridge.InputOffset, n);
                    Array.Copy(inbound, n, inbound, 0, inboundCount - n);
                    inboundCount -= n;
                    Monitor.PulseAll(gate);
                }
                bridge.Received(n, now);
            }
        }

        // The bridge's output to the writer, as far as its buffer has room.
        private void GiveOutbound(long now)
        {
            while (stream != null && bridge.OutputCount > 0)
            {
                int n;
                lock (gate)
                {
                    n = Math.Min(bridge.OutputCount, outbound.Length - outboundCount);
                    if (n == 0)
                    {
                        return;
                    }
                    Array.Copy(bridge.Output, bridge.OutputStart, outbound, outboundCount, n);
                    outboundCount += n;
                    Monitor.PulseAll(gate);
                }
                bridge.Sent(n, now);
            }
        }

        private void Close()
        {
            Stream closing;
            Socket sock;
            lock (gate)
            {
                generation++;
                inboundCount = 0;
                outboundCount = 0;
                failure = null;
                closing = stream;
                sock = socket;
                socket = null;
                Monitor.PulseAll(gate);
            }
            stream = null;
            connecting = false;
            try
            {
                sock?.Close(0);
                closing?.Dispose();
            }
            catch (Exception)
            {
            }
        }
    }
}
