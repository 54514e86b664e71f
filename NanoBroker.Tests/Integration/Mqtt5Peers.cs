using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace NanoBroker.Tests.Integration
{
    /// <summary>
    /// Base of the MQTT 5.0 client tests: the broker they talk to is a NanoBroker started per test, or, when the
    /// environment variable NANOBROKER_MQTT5_TEST_PORT is set, a broker already listening on 127.0.0.1 at that
    /// port (mosquitto 2.0, to check the tests themselves). That broker outlives each test, so every test names
    /// its topics and client ids with <see cref="Unique"/>.
    /// </summary>
    public abstract class Mqtt5Test : BrokerTest
    {
        private static readonly string ExternalPort = Environment.GetEnvironmentVariable("NANOBROKER_MQTT5_TEST_PORT");

        private readonly string run = Guid.NewGuid().ToString("N").Substring(0, 8);

        /// <summary>The port of the broker under test.</summary>
        protected int Port
        {
            get { return ExternalPort != null ? int.Parse(ExternalPort) : Broker.Port; }
        }

        protected string PortText
        {
            get { return Port.ToString(); }
        }

        /// <summary><paramref name="name"/> made unique to this test run (topics, client ids).</summary>
        protected string Unique(string name)
        {
            return name + "-" + run;
        }
    }

    /// <summary>A message as an MQTTnet client received it, with its MQTT 5.0 properties (copied: MQTTnet reuses buffers).</summary>
    public sealed record Received5(string Topic, string Text, MqttQualityOfServiceLevel Qos, bool Retain,
        string ContentType, string ResponseTopic, byte[] CorrelationData, uint MessageExpiryInterval,
        MqttPayloadFormatIndicator PayloadFormat, uint[] SubscriptionIdentifiers, (string Name, string Value)[] UserProperties)
    {
        public string CorrelationText { get { return CorrelationData == null ? null : Encoding.UTF8.GetString(CorrelationData); } }

        public override string ToString()
        {
            return Topic + " '" + Text + "' (QoS " + (int)Qos + (Retain ? ", retained" : "") + ", subscription ids ["
                + string.Join(",", SubscriptionIdentifiers) + "], user properties [" + string.Join(",", UserProperties.Select(p => p.Name + "=" + p.Value)) + "])";
        }
    }

    /// <summary>
    /// The client side of SCRAM-SHA-256 (RFC 5802, RFC 7677) for MQTTnet's enhanced authentication, written from the
    /// RFC with .NET's own PBKDF2, HMAC-SHA-256 and SHA-256: an implementation independent of the broker's.
    /// </summary>
    public sealed class ScramSha256Client : IMqttEnhancedAuthenticationHandler
    {
        public const string Method = "SCRAM-SHA-256";

        private readonly string user;
        private readonly string password;
        private readonly string clientNonce = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(18));
        private byte[] expectedServerSignature;

        public ScramSha256Client(string user, string password)
        {
            this.user = user;
            this.password = password;
        }

        private string ClientFirstBare { get { return "n=" + user + ",r=" + clientNonce; } }

        /// <summary>The CONNECT's Authentication Data: gs2 header "n,," (no channel binding) and client-first-bare.</summary>
        public byte[] ClientFirst()
        {
            return Encoding.UTF8.GetBytes("n,," + ClientFirstBare);
        }

        /// <summary>Whether the server proved it knows the password: CONNACK's Authentication Data is "v=" + ServerSignature.</summary>
        public bool VerifyServerFinal(byte[] serverFinal)
        {
            return serverFinal != null && expectedServerSignature != null
                && Encoding.UTF8.GetString(serverFinal) == "v=" + Convert.ToBase64String(expectedServerSignature);
        }

        /// <summary>The server-first message came in AUTH 0x18: answers with the client-final message.</summary>
        public async Task HandleEnhancedAuthenticationAsync(MqttEnhancedAuthenticationEventArgs e)
        {
            string serverFirst = Encoding.UTF8.GetString(e.AuthenticationData);
            Dictionary<string, string> fields = serverFirst.Split(',').ToDictionary(f => f.Substring(0, 1), f => f.Substring(2));
            string nonce = fields["r"];
            Assert.IsTrue(nonce.StartsWith(clientNonce, StringComparison.Ordinal) && nonce.Length > clientNonce.Length, "the server's nonce follows the client's");
            byte[] salted = System.Security.Cryptography.Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), Convert.FromBase64String(fields["s"]),
                int.Parse(fields["i"]), System.Security.Cryptography.HashAlgorithmName.SHA256, 32);
            string withoutProof = "c=biws,r=" + nonce;
            byte[] authMessage = Encoding.UTF8.GetBytes(ClientFirstBare + "," + serverFirst + "," + withoutProof);
            byte[] clientKey = System.Security.Cryptography.HMACSHA256.HashData(salted, Encoding.UTF8.GetBytes("Client Key"));
            byte[] storedKey = System.Security.Cryptography.SHA256.HashData(clientKey);
            byte[] signature = System.Security.Cryptography.HMACSHA256.HashData(storedKey, authMessage);
            byte[] proof = clientKey.Select((b, i) => (byte)(b ^ signature[i])).ToArray();
            byte[] serverKey = System.Security.Cryptography.HMACSHA256.HashData(salted, Encoding.UTF8.GetBytes("Server Key"));
            expectedServerSignature = System.Security.Cryptography.HMACSHA256.HashData(serverKey, authMessage);
            await e.SendAsync(new SendMqttEnhancedAuthenticationDataOptions { Data = Encoding.UTF8.GetBytes(withoutProof + ",p=" + Convert.ToBase64String(proof)) }, e.CancellationToken);
        }
    }

    /// <summary>An MQTTnet 5 client speaking MQTT 5.0 (or 3.1.1, to mix versions) to the broker under test.</summary>
    public sealed class MqttNet5Peer : IAsyncDisposable
    {
        private readonly Channel<Received5> received = Channel.CreateUnbounded<Received5>();

        private MqttNet5Peer(string clientId)
        {
            ClientId = clientId;
            Client = new MqttClientFactory().CreateMqttClient();
            Client.ApplicationMessageReceivedAsync += e =>
            {
                MqttApplicationMessage m = e.ApplicationMessage;
                received.Writer.TryWrite(new Received5(m.Topic, Encoding.UTF8.GetString(m.Payload.ToArray()), m.QualityOfServiceLevel, m.Retain,
                    m.ContentType, m.ResponseTopic, (byte[])m.CorrelationData?.Clone(), m.MessageExpiryInterval, m.PayloadFormatIndicator,
                    m.SubscriptionIdentifiers?.ToArray() ?? new uint[0],
                    m.UserProperties?.Select(p => (p.Name, p.ReadValueAsString())).ToArray() ?? new (string, string)[0]));
                return Task.CompletedTask;
            };
        }

        public IMqttClient Client { get; }

        public string ClientId { get; }

        public MqttClientConnectResult ConnectResult { get; private set; }

        /// <summary>Connects (MQTT 5.0 unless <paramref name="version"/> says otherwise); fails the test unless CONNACK accepts.</summary>
        public static async Task<MqttNet5Peer> ConnectAsync(int port, string clientId, MqttProtocolVersion version = MqttProtocolVersion.V500,
            Action<MqttClientOptionsBuilder> configure = null, CancellationToken cancel = default)
        {
            MqttNet5Peer peer = new MqttNet5Peer(clientId);
            MqttClientOptionsBuilder builder = new MqttClientOptionsBuilder()
                .WithTcpServer(TestBroker.Host, port)
                .WithClientId(clientId)
                .WithCleanStart(true)
                .WithProtocolVersion(version)
                .WithKeepAlivePeriod(TimeSpan.FromSeconds(30))
                .WithTimeout(TimeSpan.FromSeconds(5));
            configure?.Invoke(builder);
            try
            {
                peer.ConnectResult = await peer.Client.ConnectAsync(builder.Build(), cancel);
            }
            catch
            {
                peer.Client.Dispose();
                throw;
            }
            Assert.AreEqual(MqttClientConnectResultCode.Success, peer.ConnectResult.ResultCode, clientId + ": CONNACK");
            return peer;
        }

        /// <summary>Subscribes to one filter (its options set by <paramref name="filter"/>); returns the SUBACK reason code.</summary>
        public async Task<MqttClientSubscribeResultCode> SubscribeAsync(Action<MqttTopicFilterBuilder> filter, uint subscriptionIdentifier = 0, CancellationToken cancel = default)
        {
            MqttClientSubscribeOptionsBuilder builder = new MqttClientSubscribeOptionsBuilder().WithTopicFilter(filter);
            if (subscriptionIdentifier != 0)
            {
                builder.WithSubscriptionIdentifier(subscriptionIdentifier);
            }
            MqttClientSubscribeResult result = await Client.SubscribeAsync(builder.Build(), cancel);
            return result.Items.Single().ResultCode;
        }

        /// <summary>Subscribes at <paramref name="qos"/> and checks that it was granted.</summary>
        public async Task SubscribeAsync(string filter, MqttQualityOfServiceLevel qos, uint subscriptionIdentifier = 0, CancellationToken cancel = default)
        {
            MqttClientSubscribeResultCode code = await SubscribeAsync(f => f.WithTopic(filter).WithQualityOfServiceLevel(qos), subscriptionIdentifier, cancel);
            // [MQTT-3.9.3-1] the SUBACK reason code of a success is the QoS granted.
            Assert.AreEqual((int)qos, (int)code, ClientId + ": SUBACK for " + filter);
        }

        /// <summary>Publishes a message built by <paramref name="message"/> on <paramref name="topic"/>; checks the acknowledgement.</summary>
        public async Task PublishAsync(string topic, string payload, MqttQualityOfServiceLevel qos, Action<MqttApplicationMessageBuilder> message = null, CancellationToken cancel = default)
        {
            MqttApplicationMessageBuilder builder = new MqttApplicationMessageBuilder()
                .WithTopic(topic)
                .WithPayload(payload)
                .WithQualityOfServiceLevel(qos);
            message?.Invoke(builder);
            MqttClientPublishResult result = await Client.PublishAsync(builder.Build(), cancel);
            Assert.IsTrue(result.IsSuccess, ClientId + ": publish to " + topic + " failed: " + result.ReasonCode);
        }

        /// <summary>The next message received; fails the test when none comes within <paramref name="timeout"/>.</summary>
        public async Task<Received5> NextAsync(TimeSpan timeout, string what = "a message")
        {
            using CancellationTokenSource cancel = new CancellationTokenSource(timeout);
            try
            {
                return await received.Reader.ReadAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail(ClientId + " received no " + what + " within " + timeout.TotalMilliseconds + " ms");
                return null;
            }
        }

        /// <summary>Fails the test if a message arrives within <paramref name="during"/>.</summary>
        public async Task ExpectNothingAsync(TimeSpan during, string why)
        {
            using CancellationTokenSource cancel = new CancellationTokenSource(during);
            try
            {
                Received5 m = await received.Reader.ReadAsync(cancel.Token);
                Assert.Fail(ClientId + " received " + m + " but expected nothing: " + why);
            }
            catch (OperationCanceledException)
            {
            }
        }

        /// <summary>Messages received and not read yet, without waiting.</summary>
        public List<Received5> Drain()
        {
            List<Received5> messages = new List<Received5>();
            while (received.Reader.TryRead(out Received5 m))
            {
                messages.Add(m);
            }
            return messages;
        }

        /// <summary>DISCONNECT (with a session expiry interval when given), then the connection closes.</summary>
        public async Task DisconnectAsync(uint? sessionExpiryInterval = null)
        {
            MqttClientDisconnectOptionsBuilder builder = new MqttClientDisconnectOptionsBuilder();
            if (sessionExpiryInterval.HasValue)
            {
                builder.WithSessionExpiryInterval(sessionExpiryInterval.Value);
            }
            await Client.DisconnectAsync(builder.Build());
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                if (Client.IsConnected)
                {
                    using CancellationTokenSource cancel = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                    await Client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), cancel.Token);
                }
            }
            catch (Exception)
            {
                // The broker may already be gone; the socket is closed by Dispose either way.
            }
            Client.Dispose();
        }
    }

    /// <summary>
    /// MQTT.js (npm mqtt 5.x, installed by test.sh into Integration/js) run through js/mqttjs-client.js: one
    /// client per process, driven by a JSON script, printing one JSON event per line.
    /// </summary>
    public static class MqttJs
    {
        private static readonly Lazy<string> Script = new Lazy<string>(FindScript);

        /// <summary>Starts the client; <paramref name="script"/> is serialized as the helper's JSON script.</summary>
        public static ChildProcess Start(object script)
        {
            return ChildProcess.Start("node", Script.Value, JsonSerializer.Serialize(script));
        }

        /// <summary>The folder of the helper scripts (js/), with their node_modules.</summary>
        public static string Folder { get { return Path.GetDirectoryName(Script.Value); } }

        /// <summary>The events the client printed, parsed.</summary>
        public static List<JsonElement> Events(ChildProcess client)
        {
            List<JsonElement> events = new List<JsonElement>();
            foreach (string line in client.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (line.StartsWith("{", StringComparison.Ordinal))
                {
                    events.Add(JsonDocument.Parse(line).RootElement.Clone());
                }
            }
            return events;
        }

        /// <summary>True for an event line of this kind ("connack", "suback", "message", "done", ...).</summary>
        public static bool IsEvent(string line, string kind)
        {
            return line.StartsWith("{\"event\":\"" + kind + "\"", StringComparison.Ordinal);
        }

        private static string FindScript()
        {
            for (DirectoryInfo dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "NanoBroker.Tests", "Integration", "js", "mqttjs-client.js");
                if (File.Exists(candidate))
                {
                    Assert.IsTrue(Directory.Exists(Path.Combine(Path.GetDirectoryName(candidate), "node_modules", "mqtt")),
                        "MQTT.js is not installed: run test.sh, or npm ci in " + Path.GetDirectoryName(candidate));
                    return candidate;
                }
            }
            Assert.Fail("NanoBroker.Tests/Integration/js/mqttjs-client.js not found above " + AppContext.BaseDirectory);
            return null;
        }
    }
}
