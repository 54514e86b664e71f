using System;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MQTTnet;
using MQTTnet.Formatter;
using NanoBroker.Net;

namespace NanoBroker.Tests.Integration
{
    /// <summary>
    /// The gate the board passes before its blocking TLS handshake (<see cref="TlsHandshakeGate"/>), on real TCP
    /// connections: real TLS clients (mosquitto_pub, paho over Python's ssl, MQTTnet over .NET's SslStream) are
    /// let through exactly when their whole ClientHello is buffered, and clients that would stall the handshake
    /// (silent, trickling) are not; plain MQTT and closed connections are told apart.
    /// </summary>
    [TestClass]
    public class TlsHandshakeGateTests
    {
        private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

        // After its ClientHello, how long a TLS client must stay silent (it waits for the ServerHello).
        private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

        [TestMethod]
        [Timeout(20000, CooperativeCancellation = true)]
        public async Task MosquittoPubIsLetThroughWithItsWholeClientHello()
        {
            using Gate gate = new Gate();
            using ChildProcess client = ChildProcess.Start("mosquitto_pub", "-h", "localhost", "-p", gate.Port.ToString(), "--cafile", "/etc/ssl/certs/ca-certificates.crt", "-t", "a", "-m", "b");
            await gate.ExpectWholeClientHello();
        }

        [TestMethod]
        [Timeout(20000, CooperativeCancellation = true)]
        public async Task PahoIsLetThroughWithItsWholeClientHello()
        {
            const string script = "import sys, paho.mqtt.client as mqtt\n"
                + "c = mqtt.Client(client_id='hello', protocol=mqtt.MQTTv311)\n"
                + "c.tls_set()\n"
                + "c.connect('localhost', int(sys.argv[1]))\n";
            using Gate gate = new Gate();
            using ChildProcess client = ChildProcess.Start("/usr/bin/python3", "-c", script, gate.Port.ToString());
            await gate.ExpectWholeClientHello();
        }

        [TestMethod]
        [Timeout(20000, CooperativeCancellation = true)]
        public async Task MqttNetIsLetThroughWithItsWholeClientHello()
        {
            using Gate gate = new Gate();
            using CancellationTokenSource stop = new CancellationTokenSource();
            using IMqttClient client = new MqttClientFactory().CreateMqttClient();
            MqttClientOptions options = new MqttClientOptionsBuilder()
                .WithTcpServer("localhost", gate.Port)
                .WithProtocolVersion(MqttProtocolVersion.V311)
                .WithTlsOptions(o => o.UseTls())
                .Build();
            Task connecting = client.ConnectAsync(options, stop.Token);
            await gate.ExpectWholeClientHello();
            stop.Cancel();
            gate.Dispose();
            // The gate's side closed mid-handshake: the connect fails, as it must; only its end is awaited.
            await Task.WhenAny(connecting, Task.Delay(Patience));
            Assert.IsTrue(connecting.IsCompleted);
        }

        [TestMethod]
        [Timeout(20000, CooperativeCancellation = true)]
        public async Task AClientThatSendsNothingIsKeptWaiting()
        {
            using Gate gate = new Gate();
            using TcpClient client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, gate.Port);
            await gate.Accept();
            Stopwatch watch = Stopwatch.StartNew();
            while (watch.Elapsed < TimeSpan.FromSeconds(1))
            {
                Assert.AreEqual(TlsHandshakeGate.Waiting, gate.Check());
                await Task.Delay(50);
            }
        }

        [TestMethod]
        [Timeout(30000, CooperativeCancellation = true)]
        public async Task AClientHelloSentAByteAtATimeIsLetThroughOnlyWithItsLastByte()
        {
            // A ClientHello of mosquitto_pub's header and length (the body is not looked at before the handshake).
            byte[] hello = new byte[5 + 306];
            new byte[] { 0x16, 0x03, 0x01, 0x01, 0x32, 0x01, 0x00, 0x01, 0x2e }.CopyTo(hello, 0);
            using Gate gate = new Gate();
            using TcpClient client = new TcpClient { NoDelay = true };
            await client.ConnectAsync(IPAddress.Loopback, gate.Port);
            await gate.Accept();
            NetworkStream stream = client.GetStream();
            for (int sent = 1; sent <= hello.Length; sent++)
            {
                await stream.WriteAsync(hello, sent - 1, 1);
                // Until the byte is buffered on the gate's side the gate must not move; once it is, the answer is final.
                await gate.WaitForBuffered(sent);
                Assert.AreEqual(sent == hello.Length ? TlsHandshakeGate.Ready : TlsHandshakeGate.Waiting, gate.Check(), "after " + sent + " bytes");
            }
        }

        [TestMethod]
        [Timeout(20000, CooperativeCancellation = true)]
        public async Task PlainMqttOnTheTlsPortIsNotTls()
        {
            using Gate gate = new Gate();
            using ChildProcess client = ChildProcess.Start("mosquitto_pub", "-h", "localhost", "-p", gate.Port.ToString(), "-t", "a", "-m", "b");
            await gate.Accept();
            Assert.AreEqual(TlsHandshakeGate.NotTls, await gate.WaitForDecision());
        }

        [TestMethod]
        [Timeout(20000, CooperativeCancellation = true)]
        public async Task AClientThatLeavesIsClosed()
        {
            using Gate gate = new Gate();
            using (TcpClient client = new TcpClient())
            {
                await client.ConnectAsync(IPAddress.Loopback, gate.Port);
                await gate.Accept();
            }
            Assert.AreEqual(TlsHandshakeGate.Closed, await gate.WaitForDecision());
        }

        /// <summary>A listener whose one accepted connection is checked by the gate, as the board's socket loop does.</summary>
        private sealed class Gate : IDisposable
        {
            private readonly Socket listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            private readonly byte[] head = new byte[TlsClientHello.HeaderBytes];
            private Socket accepted;

            public Gate()
            {
                listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                listener.Listen(1);
            }

            public int Port { get { return ((IPEndPoint)listener.LocalEndPoint).Port; } }

            public async Task Accept()
            {
                accepted = await listener.AcceptAsync().WaitAsync(Patience);
            }

            public int Check()
            {
                return TlsHandshakeGate.Check(accepted, head);
            }

            /// <summary>Asks the gate on each pass until it says something else than Waiting.</summary>
            public async Task<int> WaitForDecision()
            {
                Stopwatch watch = Stopwatch.StartNew();
                int answer;
                while ((answer = Check()) == TlsHandshakeGate.Waiting)
                {
                    Assert.IsTrue(watch.Elapsed < Patience, "the gate kept waiting");
                    await Task.Delay(5);
                }
                return answer;
            }

            public async Task WaitForBuffered(int bytes)
            {
                Stopwatch watch = Stopwatch.StartNew();
                while (accepted.Available < bytes)
                {
                    Assert.IsTrue(watch.Elapsed < Patience, "the bytes did not arrive");
                    await Task.Delay(1);
                }
            }

            /// <summary>
            /// The gate waits while the ClientHello is incomplete and lets it through once it is all there: then
            /// exactly one record is buffered, and the client sends nothing more before the server answers.
            /// </summary>
            public async Task ExpectWholeClientHello()
            {
                await Accept();
                Assert.AreEqual(TlsHandshakeGate.Ready, await WaitForDecision());
                byte[] buffered = new byte[accepted.Available];
                int peeked = accepted.Receive(buffered, SocketFlags.Peek);
                Assert.AreEqual(buffered.Length, peeked);
                Assert.AreEqual(TlsClientHello.RecordBytes(buffered, peeked), peeked, "the first flight is one ClientHello record: " + Convert.ToHexString(buffered));
                await Task.Delay(Quiet);
                Assert.AreEqual(peeked, accepted.Available, "the client sent more before the server answered");
            }

            public void Dispose()
            {
                accepted?.Dispose();
                listener.Dispose();
            }
        }
    }
}
