using System;
using System.Text;
using System.Threading.Tasks;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MQTTnet;
using MQTTnet.Protocol;

namespace NanoBroker.Tests.Integration
{
    /// <summary>
    /// What outlives a connection, seen by MQTTnet 5 clients: wills, persistent sessions and their queues,
    /// and a second connection taking over a client identifier.
    /// </summary>
    [TestClass]
    public class MqttNetSessionTests : BrokerTest
    {
        private async Task<MqttNetPeer> WatcherAsync(string filter)
        {
            MqttNetPeer watcher = await MqttNetPeer.ConnectAsync(Broker, "watcher", cancel: Timeout);
            await watcher.SubscribeAsync(filter, MqttQualityOfServiceLevel.ExactlyOnce, Timeout);
            return watcher;
        }

        // [MQTT-3.1.2-8] the will is published when the network connection closes without DISCONNECT;
        // it goes out with its QoS [MQTT-3.1.2-14 ff.] and RETAIN 0 to an existing subscription [MQTT-3.3.1-9].
        [TestMethod]
        [Timeout(10000)]
        public async Task Will_IsPublishedWhenConnectionClosesWithoutDisconnect_MQTT_3_1_2_8()
        {
            await using MqttNetPeer watcher = await WatcherAsync("status/#");
            using RawMqttClient device = await RawMqttClient.ConnectAsync(Broker,
                RawMqttClient.Connect("dev1", willTopic: "status/dev1", willPayload: Encoding.UTF8.GetBytes("offline"), willQos: 1), Timeout);
            await watcher.ExpectNothingAsync(TimeSpan.FromMilliseconds(200));

            device.CloseWithoutDisconnect();

            ReceivedMessage will = await watcher.NextAsync(Wait, "the will");
            Assert.AreEqual("status/dev1", will.Topic);
            Assert.AreEqual("offline", will.Text);
            Assert.AreEqual(MqttQualityOfServiceLevel.AtLeastOnce, will.Qos, "will QoS");
            Assert.IsFalse(will.Retain);
            await watcher.ExpectNothingAsync(TimeSpan.FromMilliseconds(200));
        }

        // [MQTT-3.1.2-8] also when the connection is reset (a crashed client); with Will Retain the will
        // becomes the retained message of its topic [MQTT-3.1.2-17].
        [TestMethod]
        [Timeout(10000)]
        public async Task Will_IsPublishedAndRetainedWhenConnectionIsReset_MQTT_3_1_2_17()
        {
            await using MqttNetPeer watcher = await WatcherAsync("status/#");
            using RawMqttClient device = await RawMqttClient.ConnectAsync(Broker,
                RawMqttClient.Connect("dev2", willTopic: "status/dev2", willPayload: new byte[] { 0, 1, 0xFF }, willQos: 2, willRetain: true), Timeout);

            device.Abort();

            ReceivedMessage will = await watcher.NextAsync(Wait, "the will");
            Assert.AreEqual("status/dev2", will.Topic);
            CollectionAssert.AreEqual(new byte[] { 0, 1, 0xFF }, will.Payload);
            Assert.AreEqual(MqttQualityOfServiceLevel.ExactlyOnce, will.Qos);

            await using MqttNetPeer later = await MqttNetPeer.ConnectAsync(Broker, "later", cancel: Timeout);
            await later.SubscribeAsync("status/+", MqttQualityOfServiceLevel.AtLeastOnce, Timeout);
            ReceivedMessage retained = await later.NextAsync(Wait, "the retained will");
            Assert.AreEqual("status/dev2", retained.Topic);
            Assert.IsTrue(retained.Retain, "the will was published with RETAIN");
            Assert.AreEqual(MqttQualityOfServiceLevel.AtLeastOnce, retained.Qos, "min(will QoS 2, granted 1)");
        }

        // [MQTT-3.1.2-24] no packet for 1.5 keep-alive periods: the broker disconnects the client, and
        // as that is not a DISCONNECT, publishes its will [MQTT-3.1.2-8].
        [TestMethod]
        [Timeout(10000)]
        public async Task Will_IsPublishedWhenKeepAliveExpires_MQTT_3_1_2_24()
        {
            await using MqttNetPeer watcher = await WatcherAsync("status/#");
            using RawMqttClient device = await RawMqttClient.ConnectAsync(Broker,
                RawMqttClient.Connect("dev3", keepAliveSeconds: 1, willTopic: "status/dev3", willPayload: Encoding.UTF8.GetBytes("timed out")), Timeout);
            DateTime connected = DateTime.UtcNow;

            // The device stays silent.
            await device.ExpectClosedAsync(TimeSpan.FromSeconds(4), "keep-alive of 1 s expired");
            TimeSpan silent = DateTime.UtcNow - connected;
            Assert.IsTrue(silent >= TimeSpan.FromMilliseconds(1400), "closed after " + silent.TotalMilliseconds + " ms, before 1.5 keep-alive periods");

            ReceivedMessage will = await watcher.NextAsync(Wait, "the will");
            Assert.AreEqual("timed out", will.Text);
        }

        // [MQTT-3.1.2-10] after DISCONNECT the will is discarded, not published. The marker published
        // afterwards must be the first thing the watcher sees.
        [TestMethod]
        [Timeout(10000)]
        public async Task Will_IsNotPublishedAfterCleanDisconnect_MQTT_3_1_2_10()
        {
            await using MqttNetPeer watcher = await WatcherAsync("status/#");
            MqttNetPeer device = await MqttNetPeer.ConnectAsync(Broker, "dev4", configure: b => b
                .WithWillTopic("status/dev4")
                .WithWillPayload(Encoding.UTF8.GetBytes("offline"))
                .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .WithWillRetain(true), cancel: Timeout);
            await device.DisconnectAsync();
            await device.DisposeAsync();
            await Task.Delay(300, Timeout);

            await using MqttNetPeer publisher = await MqttNetPeer.ConnectAsync(Broker, "pub", cancel: Timeout);
            await publisher.PublishAsync("status/marker", "marker", MqttQualityOfServiceLevel.AtLeastOnce, cancel: Timeout);
            ReceivedMessage m = await watcher.NextAsync(Wait, "the marker");
            Assert.AreEqual("status/marker", m.Topic, "the will was published after a clean DISCONNECT: " + m);

            // Nor was it retained.
            await using MqttNetPeer later = await MqttNetPeer.ConnectAsync(Broker, "later", cancel: Timeout);
            await later.SubscribeAsync("status/#", MqttQualityOfServiceLevel.AtLeastOnce, Timeout);
            await later.ExpectNothingAsync(TimeSpan.FromMilliseconds(300));
        }

        // [MQTT-3.1.2-4, MQTT-3.1.2-5] a session with CleanSession 0 keeps its subscriptions and the QoS 1
        // messages published while it is offline; [MQTT-3.2.2-2] CONNACK says the session is present;
        // [MQTT-4.6.0-6] the messages come in the order they were published.
        [TestMethod]
        [Timeout(10000)]
        public async Task PersistentSession_ReceivesQueuedQos1MessagesInOrderAfterReconnect_MQTT_3_1_2_4()
        {
            MqttNetPeer first = await MqttNetPeer.ConnectAsync(Broker, "persistent", cleanSession: false, cancel: Timeout);
            Assert.IsFalse(first.ConnectResult.IsSessionPresent, "a new session is not present [MQTT-3.2.2-3]");
            await first.SubscribeAsync("queue/#", MqttQualityOfServiceLevel.AtLeastOnce, Timeout);
            await first.DisconnectAsync();
            await first.DisposeAsync();

            await using MqttNetPeer publisher = await MqttNetPeer.ConnectAsync(Broker, "pub", cancel: Timeout);
            for (int i = 0; i < 50; i++)
            {
                await publisher.PublishAsync("queue/" + (i % 3), "m" + i, i % 2 == 0 ? MqttQualityOfServiceLevel.AtLeastOnce : MqttQualityOfServiceLevel.ExactlyOnce, cancel: Timeout);
            }

            await using MqttNetPeer again = await MqttNetPeer.ConnectAsync(Broker, "persistent", cleanSession: false, cancel: Timeout);
            Assert.IsTrue(again.ConnectResult.IsSessionPresent, "CONNACK session present for a resumed session [MQTT-3.2.2-2]");
            for (int i = 0; i < 50; i++)
            {
                ReceivedMessage m = await again.NextAsync(Wait, "queued message m" + i);
                Assert.AreEqual("m" + i, m.Text, "queued messages out of order");
                Assert.AreEqual("queue/" + (i % 3), m.Topic);
                Assert.AreEqual(MqttQualityOfServiceLevel.AtLeastOnce, m.Qos, "granted QoS 1");
            }
            await again.ExpectNothingAsync(TimeSpan.FromMilliseconds(200));

            // The subscription survived too: live messages still arrive.
            await publisher.PublishAsync("queue/live", "live", MqttQualityOfServiceLevel.AtLeastOnce, cancel: Timeout);
            Assert.AreEqual("live", (await again.NextAsync(Wait, "a live message")).Text);
        }

        // [MQTT-3.1.2-6] CleanSession 1 discards the stored session (its subscriptions and queued
        // messages); [MQTT-3.2.2-1] its CONNACK says no session present.
        [TestMethod]
        [Timeout(10000)]
        public async Task CleanSession_DiscardsStoredSessionAndQueue_MQTT_3_1_2_6()
        {
            MqttNetPeer first = await MqttNetPeer.ConnectAsync(Broker, "c1", cleanSession: false, cancel: Timeout);
            await first.SubscribeAsync("queue/#", MqttQualityOfServiceLevel.AtLeastOnce, Timeout);
            await first.DisconnectAsync();
            await first.DisposeAsync();
            await using MqttNetPeer publisher = await MqttNetPeer.ConnectAsync(Broker, "pub", cancel: Timeout);
            await publisher.PublishAsync("queue/a", "queued", MqttQualityOfServiceLevel.AtLeastOnce, cancel: Timeout);

            MqttNetPeer clean = await MqttNetPeer.ConnectAsync(Broker, "c1", cleanSession: true, cancel: Timeout);
            Assert.IsFalse(clean.ConnectResult.IsSessionPresent, "[MQTT-3.2.2-1]");
            await clean.ExpectNothingAsync(TimeSpan.FromMilliseconds(300));
            await clean.DisconnectAsync();
            await clean.DisposeAsync();

            await publisher.PublishAsync("queue/a", "after", MqttQualityOfServiceLevel.AtLeastOnce, cancel: Timeout);
            await using MqttNetPeer resumed = await MqttNetPeer.ConnectAsync(Broker, "c1", cleanSession: false, cancel: Timeout);
            Assert.IsFalse(resumed.ConnectResult.IsSessionPresent, "the session was discarded, and a clean session is not kept");
            await resumed.ExpectNothingAsync(TimeSpan.FromMilliseconds(300));
        }

        // [MQTT-3.1.4-2] a second connection with a client id already connected: the broker disconnects
        // the first; the second works. With CleanSession 1 the old session's subscriptions are gone.
        [TestMethod]
        [Timeout(10000)]
        public async Task Takeover_SecondConnectionWithSameClientIdDisconnectsFirst_MQTT_3_1_4_2()
        {
            await using MqttNetPeer first = await MqttNetPeer.ConnectAsync(Broker, "same-id", cancel: Timeout);
            await first.SubscribeAsync("old/#", MqttQualityOfServiceLevel.AtLeastOnce, Timeout);

            await using MqttNetPeer second = await MqttNetPeer.ConnectAsync(Broker, "same-id", cancel: Timeout);
            Task done = await Task.WhenAny(first.Disconnected, Task.Delay(Wait, Timeout));
            Assert.AreSame(first.Disconnected, done, "the first client was not disconnected");
            Assert.IsTrue(second.Client.IsConnected);

            await second.SubscribeAsync("new/#", MqttQualityOfServiceLevel.AtLeastOnce, Timeout);
            await second.PublishAsync("old/x", "old", MqttQualityOfServiceLevel.AtLeastOnce, cancel: Timeout);
            await second.PublishAsync("new/x", "new", MqttQualityOfServiceLevel.AtLeastOnce, cancel: Timeout);
            ReceivedMessage m = await second.NextAsync(Wait);
            Assert.AreEqual("new/x", m.Topic, "the old clean session's subscription survived the takeover");
            await second.ExpectNothingAsync(TimeSpan.FromMilliseconds(200));
        }

        // [MQTT-3.1.4-2] with a persistent session the second connection takes the session over
        // [MQTT-3.2.2-2]: its subscriptions keep delivering to the new connection.
        [TestMethod]
        [Timeout(10000)]
        public async Task Takeover_OfPersistentSessionKeepsSubscriptions_MQTT_3_2_2_2()
        {
            await using MqttNetPeer first = await MqttNetPeer.ConnectAsync(Broker, "same-id", cleanSession: false, cancel: Timeout);
            await first.SubscribeAsync("kept/#", MqttQualityOfServiceLevel.AtLeastOnce, Timeout);

            await using MqttNetPeer second = await MqttNetPeer.ConnectAsync(Broker, "same-id", cleanSession: false, cancel: Timeout);
            Assert.IsTrue(second.ConnectResult.IsSessionPresent);
            Task done = await Task.WhenAny(first.Disconnected, Task.Delay(Wait, Timeout));
            Assert.AreSame(first.Disconnected, done, "the first client was not disconnected");

            await using MqttNetPeer publisher = await MqttNetPeer.ConnectAsync(Broker, "pub", cancel: Timeout);
            await publisher.PublishAsync("kept/x", "to the new connection", MqttQualityOfServiceLevel.AtLeastOnce, cancel: Timeout);
            Assert.AreEqual("to the new connection", (await second.NextAsync(Wait)).Text);
            Assert.IsEmpty(first.Drain(), "the old connection received after the takeover");
        }
    }
}
