using System;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoBroker.Net;

namespace NanoBroker.Tests.Integration
{
    /// <summary>
    /// A peer that connects and resets at once (a port scanner, a crashing client) must cost the board that
    /// connection only, never its socket loop: before, the exception of the first socket option on such a socket
    /// left the loop, and the ESP32 app restarted the board. Issue #11.
    /// </summary>
    [TestClass]
    public class ResettingPeerTests
    {
        private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

        /// <summary>
        /// The board's socket loop, with lwIP's answer for a connection reset before it was accepted: lwIP frees
        /// the connection's pcb on the RST and lwip_setsockopt answers EINVAL for TCP_NODELAY without one, which
        /// nanoFramework throws as a SocketException. Linux keeps the socket and takes the option, so this loop
        /// throws as lwIP does when the peer is already gone (readable with nothing to read).
        /// </summary>
        private sealed class LwipLikeLoop : SocketLoop
        {
            private int refused;

            public LwipLikeLoop(Broker broker, Socket listener) : base(broker, listener)
            {
            }

            /// <summary>Accepted sockets whose options failed as on the board.</summary>
            public int Refused { get { return Volatile.Read(ref refused); } }

            protected override void Configure(Socket socket)
            {
                if (socket.Poll(0, SelectMode.SelectRead) && socket.Available == 0)
                {
                    Interlocked.Increment(ref refused);
                    throw new SocketException((int)SocketError.InvalidArgument);
                }
                base.Configure(socket);
            }
        }

        [TestMethod]
        [Timeout(30000)]
        public async Task PeersThatResetRightAfterConnectingNeverStopTheBoardsLoop()
        {
            using Socket listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(128);
            int port = ((IPEndPoint)listener.LocalEndPoint).Port;
            Broker broker = new Broker(BrokerOptions.Esp32(), 0, null);
            LwipLikeLoop loop = new LwipLikeLoop(broker, listener);
            Exception failure = null;
            Thread thread = new Thread(() =>
            {
                try
                {
                    loop.Run();
                }
                catch (Exception e)
                {
                    failure = e;
                }
            }) { IsBackground = true };
            thread.Start();
            try
            {
                // Bursts of connect-and-reset until some reached the loop already reset.
                DateTime deadline = DateTime.UtcNow + Wait;
                while (loop.Refused == 0 && failure == null && DateTime.UtcNow < deadline)
                {
                    for (int i = 0; i < 20; i++)
                    {
                        Socket peer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                        peer.Connect(IPAddress.Loopback, port);
                        peer.LingerState = new LingerOption(true, 0);
                        peer.Close();
                    }
                    await Task.Delay(50);
                }
                Assert.IsNull(failure, "the socket loop stopped: " + failure);
                Assert.IsTrue(loop.Refused > 0, "no peer reached the loop already reset");

                // The loop still serves: a subscriber gets what a publisher sends.
                using CancellationTokenSource cancel = new CancellationTokenSource(Wait);
                using RawMqttClient subscriber = await RawMqttClient.ConnectAsync(port, RawMqttClient.Connect("sub"), cancel.Token);
                await subscriber.SendAsync(RawMqttClient.Subscribe(1, "t", 0), cancel.Token);
                await subscriber.ExpectPacketAsync(0x90, "SUBACK");
                using RawMqttClient publisher = await RawMqttClient.ConnectAsync(port, RawMqttClient.Connect("pub"), cancel.Token);
                await publisher.SendAsync(RawMqttClient.Publish("t", Encoding.UTF8.GetBytes("still up"), 0), cancel.Token);
                RawMqttClient.Packet message = await subscriber.ExpectPacketAsync(0x30, "the PUBLISH");
                StringAssert.Contains(Encoding.UTF8.GetString(message.Body), "still up");
                Assert.IsNull(failure, "the socket loop stopped: " + failure);
            }
            finally
            {
                loop.Stop();
                thread.Join(Wait);
            }
        }
    }
}
