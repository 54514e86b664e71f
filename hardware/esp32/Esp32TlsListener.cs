using System;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using NanoBroker.Net;

namespace NanoBroker.Esp32
{
    /// <summary>
    /// MQTT over TLS on the board (tls_port, 8883): its own listener, and nanoFramework's SslStream over each
    /// connection's socket. The socket loop gives a TLS connection an engine slot when it is accepted (so the
    /// engine's CONNECT timeout bounds the whole setup) and hands the slot's reads, sends and close to this
    /// class.
    ///
    /// nanoFramework runs the server handshake as one blocking native call that stops every managed thread
    /// (hardware/README.md, "TLS"). So the handshake starts only when the client's whole ClientHello is
    /// buffered (a silent or trickling client never starts it), and meanwhile TCP keepalive probes the
    /// client every second, so one that vanishes mid-handshake releases the board within seconds. A client
    /// that keeps its TCP connection alive yet never sends its second flight holds the board until it
    /// gives up: the firmware offers no way to bound that.
    /// </summary>
    public sealed class Esp32TlsListener
    {
        /// <summary>
        /// Plaintext bytes per SslStream.Write: as for plain sockets (SocketLoop.MaxSendBytes), a record the socket
        /// takes at once after polling writable, mbedTLS adding under 100 bytes. Here it matters more: the
        /// firmware's TLS write does not wait for room but spins until the socket took the whole record.
        /// </summary>
        private const int MaxWriteBytes = SocketLoop.MaxSendBytes;

        /// <summary>
        /// How long SslStream.Read may wait for the rest of a record that arrived in part (the socket's
        /// ReceiveTimeout): then it throws TimedOut, the loop goes on and mbedTLS keeps the part.
        /// </summary>
        private const int ReadWaitMs = 1;

        // TCP keepalive during the handshake: 2 s idle, then 3 probes 1 s apart. The lwIP option numbers
        // (lwip/sockets.h), which nf-interpreter passes through (GetNativeTcpOption in lwIP_Sockets.cpp).
        private const int TcpKeepIdle = 0x03;
        private const int TcpKeepInterval = 0x04;
        private const int TcpKeepCount = 0x05;
        private const int KeepIdleSeconds = 2;
        private const int KeepIntervalSeconds = 1;
        private const int KeepProbes = 3;

        private readonly Socket listener;
        private readonly X509Certificate certificate;
        private readonly int maxClients;
        private readonly IBrokerLog log;

        // Per engine slot: whether it is a TLS connection, and its stream once the handshake is done.
        private readonly bool[] isTls;
        private readonly SslStream[] streams;
        private readonly byte[] head = new byte[TlsClientHello.HeaderBytes];
        private int clients;
        private bool keepAliveWarned;

        public Esp32TlsListener(Socket listener, X509Certificate certificate, int maxClients, int slotCount, IBrokerLog log)
        {
            this.listener = listener;
            this.certificate = certificate;
            this.maxClients = maxClients;
            this.log = log;
            isTls = new bool[slotCount];
            streams = new SslStream[slotCount];
        }

        /// <summary>
        /// The certificate (chain) and private key from two PEM or DER files on the board, checked now so that a bad
        /// file stops the board at start. <paramref name="keyPassword"/> is null for an unencrypted key.
        /// </summary>
        public static X509Certificate2 LoadCertificate(string certificateFile, string keyFile, string keyPassword, int maxFileBytes)
        {
            byte[] certificate = Terminated(DeviceFiles.Read(certificateFile, "tls_certificate", maxFileBytes));
            byte[] key = Terminated(DeviceFiles.Read(keyFile, "tls_key", maxFileBytes));
            return new X509Certificate2(certificate, key, keyPassword);
        }

        /// <summary>A connection waiting on the TLS port, when a TLS client may be added; else null.</summary>
        public Socket Accept()
        {
            while (true)
            {
                Socket socket;
                try
                {
                    if (!listener.Poll(0, SelectMode.SelectRead))
                    {
                        return null;
                    }
                    socket = listener.Accept();
                }
                catch (Exception)
                {
                    // The peer gave up between Poll and Accept, or the listener is in error: try on the next pass.
                    return null;
                }
                if (clients < maxClients)
                {
                    return socket;
                }
                // Each TLS client holds mbedTLS buffers on the native heap: the limit keeps it from running out.
                log.Warning("tls: refused a connection: tls_max_clients (" + maxClients + ") reached");
                SocketLoop.CloseQuietly(socket);
            }
        }

        /// <summary>Slot <paramref name="slot"/> now carries the TLS connection <see cref="Accept"/> returned.</summary>
        public void Adopt(int slot)
        {
            isTls[slot] = true;
            clients++;
        }

        public bool Owns(int slot)
        {
            return isTls[slot];
        }

        /// <summary>True for a TLS slot that has not done its handshake yet.</summary>
        public bool AwaitsHandshake(int slot)
        {
            return isTls[slot] && streams[slot] == null;
        }

        /// <summary>
        /// Runs the handshake once the whole ClientHello is there. False when the connection must close (not TLS,
        /// closed, or the handshake failed); true when it is done or still waiting for the ClientHello.
        /// </summary>
        public bool TryHandshake(int slot, Socket socket)
        {
            switch (TlsHandshakeGate.Check(socket, head))
            {
                case TlsHandshakeGate.Waiting:
                    return true;
                case TlsHandshakeGate.Ready:
                    return Handshake(slot, socket);
                case TlsHandshakeGate.NotTls:
                    log.Warning("tls: closed a connection on the TLS port that does not start with a TLS ClientHello (plain MQTT?)");
                    return false;
                default:
                    return false;
            }
        }

        public bool IsReadable(int slot, Socket socket)
        {
            SslStream stream = streams[slot];
            if (stream == null)
            {
                return false;
            }
            try
            {
                // Bytes mbedTLS decrypted and still holds, or a record (or the end) on the socket.
                return stream.DataAvailable || socket.Poll(0, SelectMode.SelectRead);
            }
            catch (Exception)
            {
                // Let Receive meet the failure and close the slot.
                return true;
            }
        }

        /// <summary>As SocketLoop.Receive: the bytes read, 0 when the client closed, or SocketLoop.NothingYet.</summary>
        public int Receive(int slot, byte[] buffer, int offset, int count)
        {
            try
            {
                return streams[slot].Read(buffer, offset, count);
            }
            catch (SocketException e)
            {
                if (e.ErrorCode == (int)SocketError.TimedOut)
                {
                    return SocketLoop.NothingYet;
                }
                throw;
            }
            catch (Exception)
            {
                // mbedTLS failures surface as other exceptions: the connection is lost all the same.
                throw new SocketException(SocketError.ConnectionReset);
            }
        }

        /// <summary>As SocketLoop.TrySend: what the socket took, 0 when it has no room.</summary>
        public int TrySend(int slot, Socket socket, byte[] buffer, int offset, int count)
        {
            if (!socket.Poll(0, SelectMode.SelectWrite))
            {
                return 0;
            }
            int size = count < MaxWriteBytes ? count : MaxWriteBytes;
            try
            {
                streams[slot].Write(buffer, offset, size);
            }
            catch (SocketException)
            {
                throw;
            }
            catch (Exception)
            {
                throw new SocketException(SocketError.ConnectionReset);
            }
            // SslStream.Write (System.Net 1.11.54) drops what the native write returns, and the firmware's
            // ssl_write_internal returned 0 on an mbedTLS error until nf-interpreter #3476 (July 2026): a write
            // that failed looks sent. A failed send (MBEDTLS_ERR_NET_SEND_FAILED) leaves the socket in error,
            // and nanoFramework's Poll throws for a socket in error (Helper__SelectSocket): the slot is closed
            // then, and the engine does not count the bytes as sent. Any other mbedTLS failure breaks the
            // session, which the next read meets.
            socket.Poll(0, SelectMode.SelectWrite);
            return size;
        }

        /// <summary>Closes slot <paramref name="slot"/>'s TLS connection (close_notify when it got that far).</summary>
        public void Close(int slot, Socket socket)
        {
            SslStream stream = streams[slot];
            streams[slot] = null;
            isTls[slot] = false;
            clients--;
            try
            {
                if (stream != null)
                {
                    // Sends close_notify, closes the socket and frees the mbedTLS context.
                    stream.Dispose();
                }
                else
                {
                    socket.Close();
                }
            }
            catch (Exception)
            {
                // The connection is gone whatever failed in taking it down.
            }
        }

        private bool Handshake(int slot, Socket socket)
        {
            SslStream stream = null;
            long started = Environment.TickCount64;
            try
            {
                KeepAlive(socket, true);
                stream = new SslStream(socket);
                // A server asks for no client certificate (the default, CertificateRequired, would).
                stream.SslVerification = SslVerification.NoVerification;
                stream.AuthenticateAsServer(certificate, SslProtocols.Tls12 | SslProtocols.Tls13);
                KeepAlive(socket, false);
                socket.ReceiveTimeout = ReadWaitMs;
            }
            catch (Exception e)
            {
                log.Warning("tls: handshake failed after " + (Environment.TickCount64 - started) + " ms: " + e.Message);
                if (stream != null)
                {
                    stream.Dispose();
                }
                return false;
            }
            streams[slot] = stream;
            if (log.Verbose)
            {
                log.Info("tls: handshake done in " + (Environment.TickCount64 - started) + " ms");
            }
            return true;
        }

        private void KeepAlive(Socket socket, bool on)
        {
            try
            {
                if (on)
                {
                    socket.SetSocketOption(SocketOptionLevel.Tcp, (SocketOptionName)TcpKeepIdle, KeepIdleSeconds);
                    socket.SetSocketOption(SocketOptionLevel.Tcp, (SocketOptionName)TcpKeepInterval, KeepIntervalSeconds);
                    socket.SetSocketOption(SocketOptionLevel.Tcp, (SocketOptionName)TcpKeepCount, KeepProbes);
                }
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, on);
            }
            catch (SocketException e)
            {
                // Serve all the same: only a client that vanishes mid-handshake then holds the board longer.
                if (!keepAliveWarned)
                {
                    log.Warning("tls: this firmware refused the TCP keepalive settings (" + e.ErrorCode + ")");
                    keepAliveWarned = true;
                }
            }
        }

        // mbedTLS parses PEM only with its terminating 0 counted (X509Certificate(string) in nanoFramework adds it too).
        private static byte[] Terminated(byte[] file)
        {
            bool pem = file.Length > 5 && file[0] == (byte)'-' && file[1] == (byte)'-' && file[2] == (byte)'-';
            if (!pem || file[file.Length - 1] == 0)
            {
                return file;
            }
            byte[] terminated = new byte[file.Length + 1];
            Array.Copy(file, terminated, file.Length);
            return terminated;
        }
    }
}
