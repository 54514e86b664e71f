#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Net;
using NanoBroker.Protocol;

namespace NanoBroker.Tests.Engine.Net
{
    /// <summary>
    /// The check that lets the board start a blocking TLS handshake only once the client's whole ClientHello
    /// has arrived. The headers are those of real clients (captured from mosquitto_pub 2.0 and Python 3.11's
    /// ssl, which paho uses); Integration/TlsClientHelloTests checks live clients of each kind.
    /// </summary>
    [TestClass]
    public class TlsClientHelloTests
    {
        // Record header (handshake, TLS 1.0 legacy version, 306 bytes) and ClientHello header (302 bytes).
        private static readonly byte[] MosquittoPub = new byte[] { 0x16, 0x03, 0x01, 0x01, 0x32, 0x01, 0x00, 0x01, 0x2e };

        // 512-byte record, 508-byte ClientHello (padded by OpenSSL).
        private static readonly byte[] PythonSsl = new byte[] { 0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc };

        [TestMethod]
        public void TheRecordOfARealClientHelloIsItsHeaderAndLength()
        {
            Assert.AreEqual(5 + 306, TlsClientHello.RecordBytes(MosquittoPub, MosquittoPub.Length));
            Assert.AreEqual(5 + 512, TlsClientHello.RecordBytes(PythonSsl, PythonSsl.Length));
        }

        [TestMethod]
        public void FewerThanTheHeaderBytesAreNotEnoughToTell()
        {
            for (int count = 0; count < TlsClientHello.HeaderBytes; count++)
            {
                Assert.AreEqual(0, TlsClientHello.RecordBytes(MosquittoPub, count), "after " + count + " bytes");
            }
        }

        [TestMethod]
        public void PlainMqttOnTheTlsPortIsNotTlsFromItsFirstByte()
        {
            // An MQTT CONNECT starts with 0x10; a client that forgot --cafile sends one.
            byte[] connect = new byte[] { 0x10, 0x10, 0x00, 0x04, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 0x04 };
            Assert.AreEqual(TlsClientHello.NotTls, TlsClientHello.RecordBytes(connect, 1));
            Assert.AreEqual(TlsClientHello.NotTls, TlsClientHello.RecordBytes(connect, connect.Length));
            byte[] http = Utf8.GetBytes("GET / HTTP/1.1\r\n");
            Assert.AreEqual(TlsClientHello.NotTls, TlsClientHello.RecordBytes(http, http.Length));
        }

        [TestMethod]
        public void AHandshakeRecordThatIsNoClientHelloIsRefused()
        {
            byte[] serverHello = Copy(MosquittoPub);
            serverHello[5] = 2;
            Assert.AreEqual(TlsClientHello.NotTls, TlsClientHello.RecordBytes(serverHello, serverHello.Length));
            byte[] badVersion = Copy(MosquittoPub);
            badVersion[1] = 2;
            Assert.AreEqual(TlsClientHello.NotTls, TlsClientHello.RecordBytes(badVersion, badVersion.Length));
        }

        [TestMethod]
        public void RecordsLongerThanTlsAllowsAreRefused()
        {
            // RFC 8446 section 5.1: a record of more than 2^14 bytes is a record_overflow.
            byte[] head = Copy(MosquittoPub);
            head[3] = 0x40;
            head[4] = 0x00;
            head[6] = 0x00;
            head[7] = 0x3F;
            head[8] = 0xFC;
            Assert.AreEqual(5 + 16384, TlsClientHello.RecordBytes(head, head.Length));
            head[4] = 0x01;
            Assert.AreEqual(TlsClientHello.NotTls, TlsClientHello.RecordBytes(head, head.Length));
            head[3] = 0x00;
            head[4] = 0x03;
            Assert.AreEqual(TlsClientHello.NotTls, TlsClientHello.RecordBytes(head, head.Length), "shorter than a handshake header");
        }

        [TestMethod]
        public void AClientHelloSplitOverRecordsIsRefused()
        {
            // The record ends before the message: the handshake would wait, blocking, for the next record.
            byte[] head = Copy(MosquittoPub);
            head[8] = 0x2F;
            Assert.AreEqual(TlsClientHello.NotTls, TlsClientHello.RecordBytes(head, head.Length));
        }

        private static byte[] Copy(byte[] source)
        {
            byte[] copy = new byte[source.Length];
            System.Array.Copy(source, copy, source.Length);
            return copy;
        }
    }
}
