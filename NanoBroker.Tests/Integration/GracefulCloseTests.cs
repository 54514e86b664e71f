using System.Net;
using System.Net.Sockets;
using System.Threading;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace NanoBroker.Tests.Integration
{
    /// <summary>
    /// The broker ends a connection with a FIN after its last bytes, never a reset: after a DISCONNECT, and after a
    /// refusing CONNACK that the client must still read. (The desktop loop keeps a receive pending on every socket,
    /// which .NET would close abortively.)
    /// </summary>
    [TestClass]
    public class GracefulCloseTests : BrokerTest
    {
        private const int Rounds = 40;

        [TestMethod]
        public void ADisconnectedClientSeesTheConnectionEndWithoutAReset()
        {
            for (int i = 0; i < Rounds; i++)
            {
                using Socket s = Open();
                Send(s, RawMqttClient.Connect("graceful-" + i));
                byte[] connack = Read(s, 4);
                Assert.AreEqual(0x20, connack[0]);
                Send(s, new byte[] { 0xE0, 0 });
                s.Shutdown(SocketShutdown.Send);
                Assert.AreEqual(0, s.Receive(new byte[16]), "round " + i + ": the broker closes with a FIN");
            }
        }

        [TestMethod]
        public void ARefusingConnAckReachesTheClientBeforeTheEnd()
        {
            for (int i = 0; i < Rounds; i++)
            {
                using Socket s = Open();
                // Protocol level 9: refused with CONNACK 1, then closed.
                Send(s, RawMqttClient.Connect("refused-" + i, protocolName: "MQTT", level: 9));
                byte[] connack = Read(s, 4);
                Assert.AreEqual(0x20, connack[0], "round " + i);
                Assert.AreEqual(1, connack[3], "round " + i + ": unacceptable protocol version");
                Assert.AreEqual(0, s.Receive(new byte[16]), "round " + i + ": the broker closes with a FIN");
            }
        }

        [TestMethod]
        public void BytesTheClientSendsAfterTheEndAreDroppedWithoutAReset()
        {
            using Socket s = Open();
            Send(s, RawMqttClient.Connect("late-bytes", protocolName: "MQTT", level: 9));
            // The broker has answered and closed by now; the client, not having read yet, goes on sending (as Paho's
            // harness does: PUBREL after DISCONNECT 0x93). A socket closed outright answers with a reset and the
            // second send fails; a lingering close reads and drops them.
            Thread.Sleep(300);
            Send(s, new byte[] { 0xC0, 0 });
            Thread.Sleep(200);
            Send(s, new byte[] { 0xC0, 0 });
            byte[] connack = Read(s, 4);
            Assert.AreEqual(1, connack[3], "the refusing CONNACK is still read");
            s.Shutdown(SocketShutdown.Send);
            Assert.AreEqual(0, s.Receive(new byte[16]), "then the broker's FIN");
        }

        private Socket Open()
        {
            Socket s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveTimeout = 5000 };
            s.Connect(new IPEndPoint(IPAddress.Loopback, Broker.Port));
            return s;
        }

        private static void Send(Socket s, byte[] bytes)
        {
            int sent = 0;
            while (sent < bytes.Length)
            {
                sent += s.Send(bytes, sent, bytes.Length - sent, SocketFlags.None);
            }
        }

        private static byte[] Read(Socket s, int count)
        {
            byte[] b = new byte[count];
            int got = 0;
            while (got < count)
            {
                int n = s.Receive(b, got, count - got, SocketFlags.None);
                Assert.IsTrue(n > 0, "closed after " + got + " of " + count + " bytes");
                got += n;
            }
            return b;
        }
    }
}
