using System.Net.Sockets;

namespace NanoBroker.Net
{
    /// <summary>
    /// Decides, without blocking, whether a TLS server handshake may start on a freshly accepted socket: only
    /// once the client's whole ClientHello record is buffered (<see cref="TlsClientHello"/>). For TLS libraries
    /// whose handshake is one blocking call (nanoFramework's SslStream), so that a client that sends nothing,
    /// or its ClientHello in pieces, never holds the thread. Uses only Socket members nanoFramework and .NET share.
    /// </summary>
    public static class TlsHandshakeGate
    {
        /// <summary>The ClientHello is not all there yet: ask again on a later pass.</summary>
        public const int Waiting = 0;

        /// <summary>The whole ClientHello is buffered: the handshake will not wait for it.</summary>
        public const int Ready = 1;

        /// <summary>The client closed or reset the connection.</summary>
        public const int Closed = 2;

        /// <summary>The client sent something else than a TLS ClientHello (plain MQTT on the TLS port, say).</summary>
        public const int NotTls = 3;

        /// <param name="socket">A connection accepted on the TLS port that has not begun its handshake.</param>
        /// <param name="head">Scratch of at least <see cref="TlsClientHello.HeaderBytes"/> bytes.</param>
        public static int Check(Socket socket, byte[] head)
        {
            int available;
            int peeked;
            try
            {
                available = socket.Available;
                if (available == 0)
                {
                    // Readable with nothing to read: the client closed.
                    return socket.Poll(0, SelectMode.SelectRead) ? Closed : Waiting;
                }
                // lwIP peeks into its first buffer only: the header of a ClientHello sent in one piece.
                peeked = socket.Receive(head, 0, TlsClientHello.HeaderBytes, SocketFlags.Peek);
            }
            catch (System.Exception)
            {
                return Closed;
            }
            int record = TlsClientHello.RecordBytes(head, peeked);
            if (record == TlsClientHello.NotTls)
            {
                return NotTls;
            }
            return record > 0 && available >= record ? Ready : Waiting;
        }
    }
}
