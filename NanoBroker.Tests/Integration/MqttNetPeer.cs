using System;
using System.Buffers;
using System.Collections.Generic;
using System.Text;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace NanoBroker.Tests.Integration
{
    /// <summary>A message as an MQTTnet client received it (copied: MQTTnet may reuse its buffers).</summary>
    public sealed record ReceivedMessage(string Topic, byte[] Payload, MqttQualityOfServiceLevel Qos, bool Retain, bool Dup)
    {
        public string Text { get { return Encoding.UTF8.GetString(Payload); } }

        public override string ToString()
        {
            return Topic + " '" + Text + "' (QoS " + (int)Qos + (Retain ? ", retained" : "") + ")";
        }
    }

    /// <summary>
    /// An MQTTnet 5 client speaking MQTT 3.1.1 to the test broker: received messages go into a queue the
    /// test reads with a timeout, and a disconnect the client did not ask for is recorded.
    /// </summary>
    public sealed class MqttNetPeer : IAsyncDisposable
    {
        private readonly Channel<ReceivedMessage> received = Channel.CreateUnbounded<ReceivedMessage>();
        private readonly TaskCompletionSource<MqttClientDisconnectedEventArgs> disconnected =
            new TaskCompletionSource<MqttClientDisconnectedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);

        private MqttNetPeer(string clientId)
        {
            ClientId = clientId;
            Client = new MqttClientFactory().CreateMqttClient();
            Client.ApplicationMessageReceivedAsync += e =>
            {
                MqttApplicationMessage m = e.ApplicationMessage;
                received.Writer.TryWrite(new ReceivedMessage(m.Topic, m.Payload.ToArray(), m.QualityOfServiceLevel, m.Retain, m.Dup));
                return Task.CompletedTask;
            };
            Client.DisconnectedAsync += e =>
            {
                disconnected.TrySetResult(e);
                return Task.CompletedTask;
            };
        }

        public IMqttClient Client { get; }

        public string ClientId { get; }

        public MqttClientConnectResult ConnectResult { get; private set; }

        /// <summary>Completes when the connection ends (by the broker, the network, or our own DISCONNECT).</summary>
        public Task<MqttClientDisconnectedEventArgs> Disconnected { get { return disconnected.Task; } }

        /// <summary>Connects with MQTT 3.1.1; <paramref name="configure"/> adds a will or other options. Fails the test unless CONNACK accepts.</summary>
        public static async Task<MqttNetPeer> ConnectAsync(TestBroker broker, string clientId, bool cleanSession = true,
            Action<MqttClientOptionsBuilder> configure = null, CancellationToken cancel = default)
        {
            MqttNetPeer peer = new MqttNetPeer(clientId);
            MqttClientOptionsBuilder builder = new MqttClientOptionsBuilder()
                .WithTcpServer(TestBroker.Host, broker.Port)
                .WithClientId(clientId)
                .WithCleanSession(cleanSession)
                .WithProtocolVersion(MqttProtocolVersion.V311)
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

        /// <summary>Subscribes and checks the granted QoS is the requested one.</summary>
        public async Task SubscribeAsync(string filter, MqttQualityOfServiceLevel qos, CancellationToken cancel = default)
        {
            MqttClientSubscribeOptions options = new MqttClientSubscribeOptionsBuilder()
                .WithTopicFilter(f => f.WithTopic(filter).WithQualityOfServiceLevel(qos))
                .Build();
            MqttClientSubscribeResult result = await Client.SubscribeAsync(options, cancel);
            List<MqttClientSubscribeResultItem> items = new List<MqttClientSubscribeResultItem>(result.Items);
            Assert.HasCount(1, items, "SUBACK return codes");
            // [MQTT-3.9.3-2] the SUBACK return code is the QoS granted.
            Assert.AreEqual((int)qos, (int)items[0].ResultCode, ClientId + ": SUBACK for " + filter);
        }

        /// <summary>Publishes; for QoS 1 and 2 this returns after PUBACK or PUBCOMP.</summary>
        public async Task PublishAsync(string topic, byte[] payload, MqttQualityOfServiceLevel qos, bool retain = false, CancellationToken cancel = default)
        {
            MqttApplicationMessage message = new MqttApplicationMessageBuilder()
                .WithTopic(topic)
                .WithPayload(payload)
                .WithQualityOfServiceLevel(qos)
                .WithRetainFlag(retain)
                .Build();
            MqttClientPublishResult result = await Client.PublishAsync(message, cancel);
            Assert.IsTrue(result.IsSuccess, ClientId + ": publish to " + topic + " failed: " + result.ReasonCode);
        }

        public Task PublishAsync(string topic, string payload, MqttQualityOfServiceLevel qos, bool retain = false, CancellationToken cancel = default)
        {
            return PublishAsync(topic, Encoding.UTF8.GetBytes(payload), qos, retain, cancel);
        }

        /// <summary>The next message received; fails the test when none comes within <paramref name="timeout"/>.</summary>
        public async Task<ReceivedMessage> NextAsync(TimeSpan timeout, string what = "a message")
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
        public async Task ExpectNothingAsync(TimeSpan during)
        {
            using CancellationTokenSource cancel = new CancellationTokenSource(during);
            try
            {
                ReceivedMessage m = await received.Reader.ReadAsync(cancel.Token);
                Assert.Fail(ClientId + " received " + m + " but expected nothing");
            }
            catch (OperationCanceledException)
            {
            }
        }

        /// <summary>Messages received and not read yet, without waiting.</summary>
        public List<ReceivedMessage> Drain()
        {
            List<ReceivedMessage> messages = new List<ReceivedMessage>();
            while (received.Reader.TryRead(out ReceivedMessage m))
            {
                messages.Add(m);
            }
            return messages;
        }

        /// <summary>A clean end: DISCONNECT, then the connection closes.</summary>
        public async Task DisconnectAsync()
        {
            await Client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build());
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
}
