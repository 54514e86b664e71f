using System;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Threading;
using NanoBroker.Bridge;
using NanoBroker.Net;

namespace NanoBroker.Esp32
{
    /// <summary>
    /// The board's edge of one bridge, stepped by the socket loop (Esp32SocketLoop.OnIdle): it reads and writes the
    /// upstream socket only when Poll says it will not wait, and hands the connect to a worker thread, as
    /// nanoFramework's Socket.Connect waits in Poll(-1) (System.Net 1.11.54, Sockets/Socket.cs), which lets the
    /// loop's thread run meanwhile (nf-interpreter's native poll waits with WaitEvents).
    /// </summary>
    /// <remarks>
    /// Two steps of a connect stop the whole interpreter, whatever thread makes them, as the nanoCLR runs every managed
    /// thread on one native thread: a DNS lookup (Dns.GetHostEntry calls lwip_getaddrinfo, which waits for the answer:
    /// nf-interpreter src/PAL/Lwip/lwIP_Sockets.cpp) and the TLS handshake (SslNative.SecureConnect runs mbedTLS's whole
    /// client handshake in one blocking call: sys_net_native_System_Net_Security_SslNative.cpp). So the address is
    /// looked up once and kept (again only after a connect to it failed), an IP address in the settings needs no lookup
    /// at all, and TLS upstream costs the loop one handshake per connect (TCP keepalive bounds a peer that goes silent
    /// mid-handshake to about 5 s).
    /// </remarks>
    public sealed class Esp32BridgeLink
    {
        private readonly Bridge.Bridge bridge;
        private readonly object gate = new object();
        private Thread connector;
        // Set by the connect thread, taken by the loop: the connected socket (and stream), or why it failed.
        private Socket connected;
        private SslStream connectedTls;
        private string failure;
        private IPAddress resolved;

        private Socket socket;
        private SslStream tls;

        public Esp32BridgeLink(Bridge.Bridge bridge)
        {
            this.bridge = bridge;
        }

        /// <summary>On the loop's thread, once per pass: never waits.</summary>
        public void Step(long now)
        {
            if (bridge.State == BridgeState.Connecting && connector == null && socket == null)
            {
                connector = new Thread(Connect);
                connector.Start();
            }
            if (connector != null)
            {
                TakeConnect(now);
            }
            if (socket != null)
            {
                Read(now);
            }
            bridge.Step(now);
            if (bridge.State == BridgeState.Closing)
            {
                Close();
                bridge.Disconnected(now, null);
            }
            if (socket != null)
            {
                Write(now);
            }
        }

        // On the connect thread.
        private void Connect()
        {
            BridgeSettings s = bridge.Settings;
            Socket sock = null;
            SslStream stream = null;
            string problem = null;
            try
            {
                if (resolved == null)
                {
                    resolved = IsAddress(s.Host) ? IPAddress.Parse(s.Host) : Dns.GetHostEntry(s.Host).AddressList[0];
                }
                sock = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                sock.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.NoDelay, true);
                sock.Connect(new IPEndPoint(resolved, s.UpstreamPort));
                if (s.Tls)
                {
                    stream = new SslStream(sock);
                    stream.SslVerification = s.TlsInsecure ? SslVerification.NoVerification : SslVerification.CertificateRequired;
                    stream.AuthenticateAsClient(s.Host, SslProtocols.Tls12);
                    // Reads after the handshake wait at most 1 ms for the rest of a record (as Esp32TlsListener's).
                    sock.ReceiveTimeout = 1;
                }
            }
            catch (Exception e)
            {
                problem = "cannot connect to " + s.Host + ":" + s.UpstreamPort + ": " + e.Message;
                resolved = null;
                if (sock != null)
                {
                    SocketLoop.CloseQuietly(sock);
                }
                sock = null;
            }
            lock (gate)
            {
                connected = sock;
                connectedTls = stream;
                failure = problem;
            }
        }

        private void TakeConnect(long now)
        {
            Socket sock;
            string problem;
            lock (gate)
            {
                sock = connected;
                problem = failure;
                if (sock != null)
                {
                    tls = connectedTls;
                }
                connected = null;
                connectedTls = null;
                failure = null;
            }
            if (sock == null && problem == null)
            {
                return;
            }
            connector = null;
            if (sock == null)
            {
                bridge.Disconnected(now, problem);
                return;
            }
            socket = sock;
            bridge.Connected(now);
        }

        private void Read(long now)
        {
            while (bridge.InputSpace > 0 && bridge.State >= BridgeState.AwaitingConnAck && bridge.State <= BridgeState.Ready)
            {
                int n;
                try
                {
                    if (!socket.Poll(0, SelectMode.SelectRead) && (tls == null || !tls.DataAvailable))
                    {
                        return;
                    }
                    n = tls != null ? tls.Read(bridge.Input, bridge.InputOffset, bridge.InputSpace)
                        : socket.Receive(bridge.Input, bridge.InputOffset, Min(socket.Available, bridge.InputSpace), SocketFlags.None);
                }
                catch (Exception e)
                {
                    Lost(now, "upstream connection failed: " + e.Message);
                    return;
                }
                if (n <= 0)
                {
                    Lost(now, "the upstream closed the connection");
                    return;
                }
                bridge.Received(n, now);
            }
        }

        private void Write(long now)
        {
            while (bridge.OutputCount > 0)
            {
                try
                {
                    if (!socket.Poll(0, SelectMode.SelectWrite))
                    {
                        return;
                    }
                    // At most what lwIP reports free when writable: a Send that never waits (SocketLoop.MaxSendBytes).
                    int n = Min(bridge.OutputCount, SocketLoop.MaxSendBytes);
                    if (tls != null)
                    {
                        tls.Write(bridge.Output, bridge.OutputStart, n);
                    }
                    else
                    {
                        n = socket.Send(bridge.Output, bridge.OutputStart, n, SocketFlags.None);
                    }
                    bridge.Sent(n, now);
                }
                catch (Exception e)
                {
                    Lost(now, "upstream connection failed: " + e.Message);
                    return;
                }
            }
        }

        private void Lost(long now, string reason)
        {
            Close();
            bridge.Disconnected(now, reason);
        }

        private void Close()
        {
            if (tls != null)
            {
                try
                {
                    tls.Dispose();
                }
                catch (Exception)
                {
                }
            }
            if (socket != null)
            {
                SocketLoop.CloseQuietly(socket);
            }
            tls = null;
            socket = null;
        }

        private static bool IsAddress(string host)
        {
            for (int i = 0; i < host.Length; i++)
            {
                if (host[i] != '.' && (host[i] < '0' || host[i] > '9'))
                {
                    return false;
                }
            }
            return true;
        }

        private static int Min(int a, int b)
        {
            return a < b ? a : b;
        }
    }
}
