using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading.Tasks;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using NanoBroker.Host;

namespace NanoBroker.Tests.Integration
{
    /// <summary>MQTT over TLS with real TLS clients: mosquitto_pub/sub --cafile and MQTTnet, through the host's TLS listener.</summary>
    [TestClass]
    public class TlsTests
    {
        private static string folder;

        [ClassInitialize]
        public static void MakeCertificates(TestContext context)
        {
            folder = Path.Combine(Path.GetTempPath(), "nanobroker-tls-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            WriteCertificates(folder);
        }

        /// <summary>A test CA and a server certificate for localhost and 127.0.0.1, written as PEM files like a user's: ca.pem, server.pem, server.key.</summary>
        public static void WriteCertificates(string folder)
        {
            using RSA caKey = RSA.Create(2048);
            CertificateRequest caRequest = new CertificateRequest("CN=NanoBroker Test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
            // One "now" for both: the server certificate must not outlive its issuer.
            DateTimeOffset now = DateTimeOffset.UtcNow;
            using X509Certificate2 ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(3));

            using RSA serverKey = RSA.Create(2048);
            CertificateRequest request = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            SubjectAlternativeNameBuilder names = new SubjectAlternativeNameBuilder();
            names.AddDnsName("localhost");
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new Oid("1.3.6.1.5.5.7.3.1") }, false));
            using X509Certificate2 server = request.Create(ca, now.AddDays(-1), now.AddDays(2), new byte[] { 1, 2, 3, 4 });

            File.WriteAllText(Path.Combine(folder, "ca.pem"), ca.ExportCertificatePem());
            File.WriteAllText(Path.Combine(folder, "server.pem"), server.ExportCertificatePem());
            File.WriteAllText(Path.Combine(folder, "server.key"), serverKey.ExportPkcs8PrivateKeyPem());
        }

        [ClassCleanup]
        public static void RemoveCertificates()
        {
            Directory.Delete(folder, true);
        }

        private static string CaPem { get { return Path.Combine(folder, "ca.pem"); } }

        private static string ServerPem { get { return Path.Combine(folder, "server.pem"); } }

        private static string ServerKeyPem { get { return Path.Combine(folder, "server.key"); } }

        [TestMethod]
        [Timeout(20000, CooperativeCancellation = true)]
        public async Task MosquittoClientsTalkOverTlsVerifyingTheServerCertificate()
        {
            using TestBroker broker = TestBroker.Start();
            using TlsListener tls = StartTls(broker);
            string port = tls.Endpoint.Port.ToString();
            using ChildProcess subscriber = ChildProcess.Start("stdbuf", "-oL", "mosquitto_sub", "-h", "localhost", "-p", port, "--cafile", CaPem, "-t", "secure/#", "-v", "-C", "1", "-d");
            await subscriber.WaitForLineAsync(line => line.Contains("SUBACK"), TimeSpan.FromSeconds(10), "SUBACK over TLS");
            using ChildProcess publisher = await ChildProcess.RunAsync(TimeSpan.FromSeconds(10), "mosquitto_pub", "-h", "localhost", "-p", port, "--cafile", CaPem, "-t", "secure/a", "-m", "over tls", "-q", "1");
            Assert.AreEqual(0, publisher.ExitCode, publisher.Transcript());
            await subscriber.WaitForLineAsync(line => line == "secure/a over tls", TimeSpan.FromSeconds(10), "the message over TLS");
        }

        [TestMethod]
        [Timeout(20000, CooperativeCancellation = true)]
        public async Task AClientThatDoesNotTrustTheCertificateCannotConnect()
        {
            using TestBroker broker = TestBroker.Start();
            using TlsListener tls = StartTls(broker);
            // The system's trust store does not hold the test CA.
            using ChildProcess publisher = await ChildProcess.RunAsync(TimeSpan.FromSeconds(10), "mosquitto_pub", "-h", "localhost", "-p", tls.Endpoint.Port.ToString(), "--capath", "/etc/ssl/certs", "-t", "secure/a", "-m", "x");
            Assert.AreNotEqual(0, publisher.ExitCode, publisher.Transcript());
            Assert.IsFalse(broker.Logged("connected ("), broker.LogText);
        }

        [TestMethod]
        [Timeout(20000, CooperativeCancellation = true)]
        public async Task MqttNetPublishesAndReceivesOverTls()
        {
            using TestBroker broker = TestBroker.Start();
            using TlsListener tls = StartTls(broker);
            using X509Certificate2 ca = X509CertificateLoader.LoadCertificateFromFile(CaPem);
            IMqttClient client = new MqttClientFactory().CreateMqttClient();
            TaskCompletionSource<string> received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            client.ApplicationMessageReceivedAsync += e =>
            {
                received.TrySetResult(e.ApplicationMessage.Topic + " " + Encoding.UTF8.GetString(e.ApplicationMessage.Payload));
                return Task.CompletedTask;
            };
            MqttClientOptions options = new MqttClientOptionsBuilder()
                .WithTcpServer("localhost", tls.Endpoint.Port)
                .WithProtocolVersion(MqttProtocolVersion.V311)
                .WithClientId("tls-mqttnet")
                .WithTlsOptions(o => o.UseTls().WithTrustChain(new X509Certificate2Collection(ca)))
                .Build();
            MqttClientConnectResult connected = await client.ConnectAsync(options);
            Assert.AreEqual(MqttClientConnectResultCode.Success, connected.ResultCode);
            await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("secure/#", MqttQualityOfServiceLevel.ExactlyOnce).Build());
            await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("secure/b").WithPayload("exactly once").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.ExactlyOnce).Build());
            Assert.AreEqual("secure/b exactly once", await received.Task.WaitAsync(TimeSpan.FromSeconds(10)));
            await client.DisconnectAsync();
            client.Dispose();
        }

        [TestMethod]
        [Timeout(30000, CooperativeCancellation = true)]
        public async Task TlsConnectionsBeyondTheBrokersSlotsAreClosedAtOnceAndFreedWhenOthersLeave()
        {
            // 2 clients: 4 engine slots (the refusing CONNACK and the takeover spares), so 4 TLS connections at once.
            using TestBroker broker = TestBroker.Start(o => o.MaxClients = 2);
            using TlsListener tls = StartTls(broker);
            int slots = broker.Server.Broker.ConnectionSlots;
            List<TcpClient> silent = new List<TcpClient>();
            try
            {
                for (int i = 0; i < slots; i++)
                {
                    TcpClient client = new TcpClient();
                    await client.ConnectAsync(IPAddress.Loopback, tls.Endpoint.Port);
                    silent.Add(client);
                }
                using (TcpClient beyond = new TcpClient())
                {
                    await beyond.ConnectAsync(IPAddress.Loopback, tls.Endpoint.Port);
                    byte[] buffer = new byte[1];
                    int read = await beyond.GetStream().ReadAsync(buffer, 0, 1).WaitAsync(TimeSpan.FromSeconds(5));
                    Assert.AreEqual(0, read, "the connection beyond the limit was not closed");
                }
                // Silent connections hold their place until they leave (or the 10 s handshake timeout).
                silent[0].Dispose();
                silent.RemoveAt(0);
                ChildProcess publisher = null;
                for (int attempt = 0; attempt < 10; attempt++)
                {
                    publisher?.Dispose();
                    publisher = await ChildProcess.RunAsync(TimeSpan.FromSeconds(10), "mosquitto_pub", "-h", "localhost", "-p", tls.Endpoint.Port.ToString(), "--cafile", CaPem, "-t", "secure/a", "-m", "x");
                    if (publisher.ExitCode == 0)
                    {
                        break;
                    }
                    await Task.Delay(100);
                }
                Assert.AreEqual(0, publisher.ExitCode, publisher.Transcript());
                publisher.Dispose();
            }
            finally
            {
                silent.ForEach(c => c.Dispose());
            }
        }

        private static TlsListener StartTls(TestBroker broker)
        {
            TlsListener tls = new TlsListener(IPAddress.Loopback, 0, TlsListener.LoadCertificate(ServerPem, ServerKeyPem), broker.Server.Endpoint, broker.Server.Broker.ConnectionSlots);
            tls.Start();
            return tls;
        }
    }
}
