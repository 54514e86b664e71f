namespace NanoBroker.Net
{
    /// <summary>
    /// Reads the first bytes a TLS client sent (RFC 8446 section 5.1, RFC 5246 section 6.2.1): a handshake
    /// record whose first message is a ClientHello. An app whose TLS library runs the server handshake as
    /// one blocking call (nanoFramework's SslStream) starts it only once the whole record has arrived, so
    /// a client that sends nothing, or its ClientHello a byte at a time, never holds the broker.
    /// </summary>
    public static class TlsClientHello
    {
        /// <summary>Bytes to look at: the record header (5) and the handshake message header (4).</summary>
        public const int HeaderBytes = 9;

        /// <summary>What <see cref="RecordBytes"/> returns when the bytes are no TLS ClientHello.</summary>
        public const int NotTls = -1;

        /// <summary>The largest record a peer may send (2^14 bytes of plaintext, RFC 8446 section 5.1).</summary>
        public const int MaxRecordLength = 16384;

        private const byte HandshakeRecord = 22;
        private const byte ClientHelloMessage = 1;
        private const int RecordHeaderBytes = 5;
        private const int HandshakeHeaderBytes = 4;

        /// <summary>
        /// From the first <paramref name="count"/> bytes of a connection: how many bytes the record holding the
        /// ClientHello takes (header included), 0 when fewer than <see cref="HeaderBytes"/> are known, or
        /// <see cref="NotTls"/> (plain MQTT on the TLS port, another protocol, or a ClientHello split over
        /// several records, which the handshake would then wait for).
        /// </summary>
        public static int RecordBytes(byte[] head, int count)
        {
            if (count > 0 && head[0] != HandshakeRecord)
            {
                return NotTls;
            }
            if (count < HeaderBytes)
            {
                return 0;
            }
            // legacy_record_version: 3.x for every SSL 3 / TLS version.
            if (head[1] != 3)
            {
                return NotTls;
            }
            int length = (head[3] << 8) | head[4];
            if (length < HandshakeHeaderBytes || length > MaxRecordLength || head[5] != ClientHelloMessage)
            {
                return NotTls;
            }
            int messageLength = (head[6] << 16) | (head[7] << 8) | head[8];
            if (HandshakeHeaderBytes + messageLength > length)
            {
                return NotTls;
            }
            return RecordHeaderBytes + length;
        }
    }
}
