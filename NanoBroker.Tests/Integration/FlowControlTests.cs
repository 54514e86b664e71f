using System;
using System.Diagnostics;
using System.Threading.Tasks;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MQTTnet.Protocol;

namespace NanoBroker.Tests.Integration
{
    /// <summary>
    /// The broker's documented limits on queues (BrokerOptions.QueueDepth, SlowClientTimeoutMs), seen from
    /// real clients: not MQTT statements, the broker's own promises.
    /// </summary>
    [TestClass]
    public class FlowControlTests : BrokerTest
    {
        // QueueDepth: "offline, the oldest is dropped and counted": a persistent session that comes back
        // gets the newest QueueDepth messages, in order.
        [TestMethod]
        [Timeout(10000)]
        public async Task OfflineQueue_WhenFull_DropsTheOldestMessages()
        {
            StartBroker(o => o.QueueDepth = 5);
            MqttNetPeer first = await MqttNetPeer.ConnectAsync(Broker, "offline", cleanSession: false, cancel: Timeout);
            await first.SubscribeAsync("q/#", MqttQualityOfServiceLevel.AtLeastOnce, Timeout);
            await first.DisconnectAsync();
            await first.DisposeAsync();

            await using MqttNetPeer publisher = await MqttNetPeer.ConnectAsync(Broker, "pub", cancel: Timeout);
            for (int i = 0; i < 8; i++)
            {
                await publisher.PublishAsync("q/a", "m" + i, MqttQualityOfServiceLevel.AtLeastOnce, cancel: Timeout);
            }

            await using MqttNetPeer again = await MqttNetPeer.ConnectAsync(Broker, "offline", cleanSession: false, cancel: Timeout);
            Assert.IsTrue(again.ConnectResult.IsSessionPresent);
            for (int i = 3; i < 8; i++)
            {
                Assert.AreEqual("m" + i, (await again.NextAsync(Wait, "m" + i)).Text);
            }
            await again.ExpectNothingAsync(TimeSpan.FromMilliseconds(300));
        }

        // Backpressure: a subscriber that never acknowledges fills its inflight window and queue; the publisher
        // is then held (no PUBACK) until SlowClientTimeoutMs, when the broker disconnects the slow subscriber
        // and lets the publisher go on. A healthy subscriber gets every message, in order.
        [TestMethod]
        [Timeout(10000)]
        public async Task SlowSubscriber_HoldsPublisherBackThenIsDisconnected()
        {
            StartBroker(o =>
            {
                o.InflightWindow = 2;
                o.QueueDepth = 4;
                o.SlowClientTimeoutMs = 1000;
            });
            await using MqttNetPeer healthy = await MqttNetPeer.ConnectAsync(Broker, "healthy", cancel: Timeout);
            await healthy.SubscribeAsync("flow/#", MqttQualityOfServiceLevel.AtLeastOnce, Timeout);
            using RawMqttClient slow = await RawMqttClient.ConnectAsync(Broker, RawMqttClient.Connect("slow"), Timeout);
            await slow.SendAsync(RawMqttClient.Subscribe(1, "flow/#", 1), Timeout);
            await slow.ExpectPacketAsync(0x90, "SUBACK");
            // From here on the slow client reads nothing and acknowledges nothing.

            await using MqttNetPeer publisher = await MqttNetPeer.ConnectAsync(Broker, "pub", cancel: Timeout);
            Stopwatch clock = Stopwatch.StartNew();
            long heldMs = 0;
            for (int i = 0; i < 12; i++)
            {
                long before = clock.ElapsedMilliseconds;
                await publisher.PublishAsync("flow/x", "m" + i, MqttQualityOfServiceLevel.AtLeastOnce, cancel: Timeout);
                heldMs = Math.Max(heldMs, clock.ElapsedMilliseconds - before);
            }
            // 2 inflight + 4 queued: the 7th message waits for room until the slow client is dropped.
            Assert.IsTrue(heldMs >= 800, "the publisher was never held back (longest PUBACK wait " + heldMs + " ms)");
            Assert.IsTrue(Broker.Logged("client slow disconnected: too slow"), "broker log:\n" + Broker.LogText);

            for (int i = 0; i < 12; i++)
            {
                Assert.AreEqual("m" + i, (await healthy.NextAsync(Wait, "m" + i)).Text);
            }
        }
    }
}
