using System.Text;
using System.Threading.Tasks;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MQTTnet;
using MQTTnet.Protocol;

namespace NanoBroker.Tests.Integration
{
    /// <summary>
    /// A takeover [MQTT-3.1.4-2] and the old connection's will, by MQTT 5.0's rule [MQTT-3.1.2-8] (5.0: the
    /// will is published when the connection closes and the session ends or the will delay elapses, unless
    /// a new network connection for the client id comes first), which mosquitto also follows for 3.1.1:
    /// a client that comes back with the same client id and clean session 0 to its persistent session while
    /// its old connection is still open does not publish the old will; when the session ends (clean session 1
    /// on either side) the will is published. Issue #10.
    ///
    /// The old connection is held open with a raw socket (or MQTTnet). Whether a will came is seen without
    /// waiting: after the takeover the new connection publishes a marker on the will's topic, and the
    /// watcher's next message must be the will (when one is due) or the marker (when none is).
    /// </summary>
    [TestClass]
    public class WillTakeoverTests : BrokerTest
    {
        private const string WillTopic = "will/dev-w";

        private async Task<MqttNetPeer> WatcherAsync()
        {
            MqttNetPeer watcher = await MqttNetPeer.ConnectAsync(Broker, "watcher", cancel: Timeout);
            await watcher.SubscribeAsync("will/#", MqttQualityOfServiceLevel.AtLeastOnce, Timeout);
            return watcher;
        }

        private static byte[] ConnectWithWill(bool cleanSession, string will)
        {
            return RawMqttClient.Connect("dev-w", cleanSession, willTopic: WillTopic, willPayload: Encoding.UTF8.GetBytes(will), willQos: 1);
        }

        private async Task PublishMarkerAsync(RawMqttClient client)
        {
            // At QoS 1 like the wills, so it cannot overtake one on its way to the watcher.
            await client.SendAsync(RawMqttClient.Publish(WillTopic, Encoding.UTF8.GetBytes("marker"), 1, packetId: 1), Timeout);
            Assert.AreEqual(1, (await client.ExpectPacketAsync(0x40, "PUBACK of the marker")).AckId);
        }

        // Clean session 0 on both connections: the session goes on, the old will is not published; the new
        // connection's will still stands and is published when that connection is lost [MQTT-3.1.2-8].
        [TestMethod]
        [Timeout(15000)]
        public async Task TakeoverOfAPersistentSession_DoesNotPublishTheOldWill_MQTT5_3_1_2_8()
        {
            await using MqttNetPeer watcher = await WatcherAsync();
            using RawMqttClient old = await RawMqttClient.ConnectAsync(Broker, ConnectWithWill(false, "old will"), Timeout);
            using RawMqttClient newer = await RawMqttClient.ConnectAsync(Broker, ConnectWithWill(false, "new will"), Timeout, sessionPresent: true);
            await old.ExpectClosedAsync(Wait, "session taken over [MQTT-3.1.4-2]");

            await PublishMarkerAsync(newer);
            ReceivedMessage m = await watcher.NextAsync(Wait, "the marker");
            Assert.AreEqual("marker", m.Text, "the old connection's will was published on a takeover of its persistent session: " + m);

            newer.Abort();
            ReceivedMessage will = await watcher.NextAsync(Wait, "the new connection's will");
            Assert.AreEqual("new will", will.Text, will.ToString());
        }

        // The same with MQTTnet clients: the first is disconnected by the second, no will.
        [TestMethod]
        [Timeout(15000)]
        public async Task MqttNetTakeoverOfAPersistentSession_DoesNotPublishTheOldWill_MQTT5_3_1_2_8()
        {
            await using MqttNetPeer watcher = await WatcherAsync();
            await using MqttNetPeer first = await MqttNetPeer.ConnectAsync(Broker, "dev-w", cleanSession: false, configure: b => b
                .WithWillTopic(WillTopic)
                .WithWillPayload(Encoding.UTF8.GetBytes("old will"))
                .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce), cancel: Timeout);
            await using MqttNetPeer second = await MqttNetPeer.ConnectAsync(Broker, "dev-w", cleanSession: false, cancel: Timeout);
            Assert.IsTrue(second.ConnectResult.IsSessionPresent, "[MQTT-3.2.2-2]");
            Task gone = await Task.WhenAny(first.Disconnected, Task.Delay(Wait, Timeout));
            Assert.AreSame(first.Disconnected, gone, "the first connection was not closed by the takeover [MQTT-3.1.4-2]");

            await second.PublishAsync(WillTopic, "marker", MqttQualityOfServiceLevel.AtLeastOnce, cancel: Timeout);
            ReceivedMessage m = await watcher.NextAsync(Wait, "the marker");
            Assert.AreEqual("marker", m.Text, "the old connection's will was published on a takeover of its persistent session: " + m);
        }

        // Clean session 1 on the new connection: the old session ends, so its will is published.
        [TestMethod]
        [Timeout(15000)]
        public async Task TakeoverWithCleanSessionOnTheNewConnection_PublishesTheOldWill_MQTT5_3_1_2_8()
        {
            await using MqttNetPeer watcher = await WatcherAsync();
            using RawMqttClient old = await RawMqttClient.ConnectAsync(Broker, ConnectWithWill(false, "old will"), Timeout);
            using RawMqttClient newer = await RawMqttClient.ConnectAsync(Broker, RawMqttClient.Connect("dev-w", cleanSession: true), Timeout);
            await old.ExpectClosedAsync(Wait, "session taken over [MQTT-3.1.4-2]");

            await ExpectWillThenMarkerAsync(watcher, newer);
        }

        // Clean session 1 on the old connection: its session ends with that connection whatever the new one asks.
        [TestMethod]
        [Timeout(15000)]
        [DataRow(false)] // new connection with clean session 0
        [DataRow(true)] // new connection with clean session 1
        public async Task TakeoverOfACleanSession_PublishesTheOldWill_MQTT5_3_1_2_8(bool newCleanSession)
        {
            await using MqttNetPeer watcher = await WatcherAsync();
            using RawMqttClient old = await RawMqttClient.ConnectAsync(Broker, ConnectWithWill(true, "old will"), Timeout);
            // [MQTT-3.2.2-1, MQTT-3.2.2-3] no session was kept for a clean session, so none is present.
            using RawMqttClient newer = await RawMqttClient.ConnectAsync(Broker, RawMqttClient.Connect("dev-w", cleanSession: newCleanSession), Timeout);
            await old.ExpectClosedAsync(Wait, "session taken over [MQTT-3.1.4-2]");

            await ExpectWillThenMarkerAsync(watcher, newer);
        }

        // The old will came, once: it is ahead of a marker the new connection publishes after the takeover.
        private async Task ExpectWillThenMarkerAsync(MqttNetPeer watcher, RawMqttClient newer)
        {
            await PublishMarkerAsync(newer);
            ReceivedMessage will = await watcher.NextAsync(Wait, "the old will");
            Assert.AreEqual("old will", will.Text, "the session ended, so its will is due: " + will);
            ReceivedMessage m = await watcher.NextAsync(Wait, "the marker");
            Assert.AreEqual("marker", m.Text, "the will once: " + m);
        }
    }
}
