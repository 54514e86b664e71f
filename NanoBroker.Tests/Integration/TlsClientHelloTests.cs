using System;
using System.IO;
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
    /// The board starts its blocking TLS handshake once <see cref="TlsClientHello.RecordBytes"/> says the whole
    /// ClientHello is there. Real TLS clients (mosquitto_pub, paho over Python's ssl, MQTTnet over .NET's
    /// SslStream) connect to a bare TCP listener here; the first bytes each sends must be exactly one
    /// ClientHello record of the announced length, after which the client waits for the server.
    /// </summary>
    [TestClass]
    public class TlsClientHelloTests
    {
        // After the record, how long the client must stay silent (it waits for the ServerHello).
        private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

        [TestMethod]
        [Timeout(20000, CooperativeCancellation = true)]
        public async Task MosquittoPubSendsOneWholeClientHelloRecordThenWaits()
        {
            await CheckFirstFlight(port => ChildProcess.Start("mosquitto_pub", "-h", "localhost", "-p", port.ToString(), "--cafile", "/etc/ssl/certs/ca-certificates.crt", "-t", "a", "-m", "b"));
        }

        [TestMethod]
        [Timeout(20000, CooperativeCancellation = true)]
        public async Task PahoSendsOneWholeClientHelloRecordThenWaits()
        {
            const string script = "import sys, paho.mqtt.client as mqtt\n"
                + "c = mqtt.Client(client_id='hello', protocol=mqtt.MQTTv311)\n"
                + "c.tls_set()\n"
                + "c.connect('localhost', int(sys.argv[1]))\n";
            await CheckFirstFlight(port => ChildProcess.Start("/usr/bin/python3", "-c", script, port.ToString()));
        }

        [TestMethod]
        [Timeout(20000, CooperativeCancellation = true)]
        public async Task MqttNetSendsOneWholeClientHelloRecordThenWaits()
        {
            using CancellationTokenSource stop = new CancellationTokenSource();
            IMqttClient client = new MqttClientFactory().CreateMqttClient();
            Task connecting = null;
            await CheckFirstFlight(port =>
            {
                MqttClientOptions options = new MqttClientOptionsBuilder()
                    .WithTcpServer("localhost", port)
                    .WithProtocolVersion(MqttProtocolVersion.V311)
                    .WithTlsOptions(o => o.UseTls())
                    .Build();
                connecting = client.ConnectAsync(options, stop.Token);
                return null;
            });
            stop.Cancel();
            try
            {
                await connecting;
            }
            catch (Exception)
            {
                // The listener closed the connection mid-handshake: the connect fails, as it must.
            }
            client.Dispose();
        }

        /// <summary>Accepts the one connection <paramref name="startClient"/> makes and checks its first flight.</summary>
        private static async Task CheckFirstFlight(Func<int, ChildProcess> startClient)
        {
            TcpListener listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            ChildProcess client = null;
            try
            {
                client = startClient(((IPEndPoint)listener.LocalEndpoint).Port);
                using TcpClient accepted = await listener.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(10));
                NetworkStream stream = accepted.GetStream();
                byte[] received = new byte[TlsClientHello.MaxRecordLength + 5];
                int count = 0;
                int record = 0;
                while (record <= 0 || count < record)
                {
                    int n = await stream.ReadAsync(received, count, received.Length - count).WaitAsync(TimeSpan.FromSeconds(10));
                    Assert.AreNotEqual(0, n, "the client closed after " + count + " bytes");
                    count += n;
                    record = TlsClientHello.RecordBytes(received, count);
                    Assert.AreNotEqual(TlsClientHello.NotTls, record, "not a ClientHello: " + Convert.ToHexString(received, 0, count));
                }
                Assert.AreEqual(record, count, "more than the ClientHello record in the first flight");
                using CancellationTokenSource quiet = new CancellationTokenSource(Quiet);
                try
                {
                    int more = await stream.ReadAsync(received, 0, received.Length, quiet.Token);
                    Assert.Fail("the client sent " + more + " more bytes before the server answered");
                }
                catch (OperationCanceledException)
                {
                }
                for (int prefix = 0; prefix < TlsClientHello.HeaderBytes; prefix++)
                {
                    Assert.AreEqual(0, TlsClientHello.RecordBytes(received, prefix));
                }
            }
            finally
            {
                listener.Stop();
                client?.Dispose();
            }
        }
    }
}
