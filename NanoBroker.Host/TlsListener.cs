using System;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;

namespace NanoBroker.Host
{
    /// <summary>
    /// The TLS listener (8883): terminates TLS with SslStream and relays the plain MQTT bytes of each
    /// connection to the broker's own listener on loopback, so the single-threaded engine and its
    /// socket loop stay the same for TLS and plain clients. It holds at most as many connections as the
    /// engine has slots (handshakes included), closing any beyond at once, so a flood of connections
    /// costs bounded memory.
    /// </summary>
    public sealed class TlsListener : IDisposable
    {
        // A client that does not finish the handshake in this time is dropped.
        private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

        private readonly TcpListener listener;
        private readonly X509Certificate2 certificate;
        private readonly IPEndPoint broker;
        private readonly int maxConnections;
        private readonly CancellationTokenSource stopping = new CancellationTokenSource();
        private Task accepting;
        // Connections held (in the handshake or relaying); changed with Interlocked by the relays.
        private int connections;

        /// <param name="maxConnections">Connections held at once; the broker's connection slots (Broker.ConnectionSlots).</param>
        public TlsListener(IPAddress bind, int port, X509Certificate2 certificate, IPEndPoint broker, int maxConnections)
        {
            this.certificate = certificate;
            this.broker = broker;
            this.maxConnections = maxConnections;
            listener = new TcpListener(bind, port);
            listener.Start();
            Endpoint = (IPEndPoint)listener.LocalEndpoint;
        }

        public IPEndPoint Endpoint { get; }

        /// <summary>Loads a PEM certificate (chain) and its PEM private key.</summary>
        public static X509Certificate2 LoadCertificate(string certificatePem, string keyPem)
        {
            using (X509Certificate2 pem = X509Certificate2.CreateFromPemFile(certificatePem, keyPem))
            {
                // Through PKCS#12 so the private key is usable by SslStream on every platform.
                return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
            }
        }

        public void Start()
        {
            accepting = AcceptAsync();
        }

        public void Dispose()
        {
            stopping.Cancel();
            listener.Stop();
            try
            {
                accepting?.Wait(TimeSpan.FromSeconds(5));
            }
            catch (AggregateException)
            {
                // The accept loop ends with the cancellation.
            }
        }

        private async Task AcceptAsync()
        {
            while (!stopping.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await listener.AcceptTcpClientAsync(stopping.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                catch (SocketException)
                {
                    continue;
                }
                if (Interlocked.Increment(ref connections) > maxConnections)
                {
                    // The broker could not take it either.
                    Interlocked.Decrement(ref connections);
                    client.Dispose();
                    continue;
                }
                _ = RelayAsync(client);
            }
        }

        private async Task RelayAsync(TcpClient client)
        {
            using (client)
            using (SslStream tls = new SslStream(client.GetStream(), false))
            using (TcpClient plain = new TcpClient())
            {
                try
                {
                    using (CancellationTokenSource handshake = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token))
                    {
                        handshake.CancelAfter(HandshakeTimeout);
                        await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                        {
                            ServerCertificate = certificate,
                            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                        }, handshake.Token);
                    }
                    plain.NoDelay = true;
                    client.NoDelay = true;
                    await plain.ConnectAsync(broker, stopping.Token);
                    NetworkStream toBroker = plain.GetStream();
                    Task up = CopyThenCloseAsync(tls, toBroker, plain.Client);
                    Task down = CopyThenCloseAsync(toBroker, tls, client.Client);
                    await Task.WhenAny(up, down);
                }
                catch (Exception e) when (e is IOException || e is AuthenticationException || e is SocketException || e is OperationCanceledException || e is ObjectDisposedException)
                {
                    // A failed handshake or a dropped peer ends this relay only.
                }
                finally
                {
                    Interlocked.Decrement(ref connections);
                }
            }
        }

        // Copies until the source ends, then shuts the destination's socket so the other side sees the end.
        private async Task CopyThenCloseAsync(Stream from, Stream to, Socket toSocket)
        {
            try
            {
                await from.CopyToAsync(to, 16384, stopping.Token);
            }
            finally
            {
                try
                {
                    toSocket.Shutdown(SocketShutdown.Both);
                }
                catch (SocketException)
                {
                }
                catch (ObjectDisposedException)
                {
                }
            }
        }
    }
}
