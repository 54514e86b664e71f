using System.Text;
using System.Threading.Tasks;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MQTTnet.Protocol;

namespace NanoBroker.Tests.Integration
{
    /// <summary>
    /// A retained update the broker cannot store (MaxRetainedBytes reached) must not leave the topic's old
    /// value behind for new subscribers: the stored value is replaced [MQTT-3.3.1-5], and a QoS 0 retained
    /// message makes the server discard any message previously retained for that topic [MQTT-3.3.1-7].
    /// When the new value cannot be kept, the topic is left with none. Issue #10.
    ///
    /// Whether a late subscriber got nothing for "door" is seen without waiting: it subscribes to "door",
    /// then (a second SUBSCRIBE) to "probe", which holds a retained message. Retained messages of the first
    /// subscription come before those of the second, so the first message it gets must be the probe's.
    /// $SYS statistics are off here (their retained messages would take the small budgets; SysRetainedBudgetTests).
    /// </summary>
    [TestClass]
    public class RetainedNeverStaleTests : MosquittoTest
    {
        private const int Limit = 64;

        private static readonly string Big = new string('x', 200);

        private static MqttQualityOfServiceLevel Qos(int qos)
        {
            return (MqttQualityOfServiceLevel)qos;
        }

        // door=open retained, then door=<200 bytes> retained beyond MaxRetainedBytes: the live subscriber gets
        // both, a new subscriber to door gets no retained message (not the stale "open").
        [TestMethod]
        [Timeout(15000)]
        [DataRow(0)] // QoS 0 [MQTT-3.3.1-7]
        [DataRow(1)] // QoS 1 [MQTT-3.3.1-5]
        public async Task RetainedUpdateBeyondMaxRetainedBytes_ClearsTheOldValue(int qos)
        {
            StartBroker(o => { o.MaxRetainedBytes = Limit; o.SysIntervalMs = 0; });
            await using MqttNetPeer live = await MqttNetPeer.ConnectAsync(Broker, "live", cancel: Timeout);
            await live.SubscribeAsync("#", MqttQualityOfServiceLevel.AtLeastOnce, Timeout);
            await using MqttNetPeer publisher = await MqttNetPeer.ConnectAsync(Broker, "publisher", cancel: Timeout);

            // Each publish is awaited at the live subscriber, so the broker has handled it before the next step.
            await publisher.PublishAsync("probe", "p", Qos(qos), retain: true, cancel: Timeout);
            Assert.AreEqual("p", (await live.NextAsync(Wait, "probe")).Text);
            await publisher.PublishAsync("door", "open", Qos(qos), retain: true, cancel: Timeout);
            Assert.AreEqual("open", (await live.NextAsync(Wait, "door=open")).Text);
            Assert.IsTrue("door".Length + Big.Length > Limit, "the update must exceed MaxRetainedBytes");
            await publisher.PublishAsync("door", Big, Qos(qos), retain: true, cancel: Timeout);
            ReceivedMessage update = await live.NextAsync(Wait, "the large door update");
            Assert.AreEqual(Big, update.Text, "the live subscriber still gets the update it could not store: " + update);
            Assert.IsFalse(update.Retain, "[MQTT-3.3.1-9] RETAIN 0 on an established subscription");

            await using MqttNetPeer late = await MqttNetPeer.ConnectAsync(Broker, "late", cancel: Timeout);
            await late.SubscribeAsync("door", MqttQualityOfServiceLevel.AtLeastOnce, Timeout);
            await late.SubscribeAsync("probe", MqttQualityOfServiceLevel.AtLeastOnce, Timeout);
            ReceivedMessage m = await late.NextAsync(Wait, "a retained message");
            Assert.AreEqual("probe", m.Topic, "a new subscriber to door got a stale retained value: " + m);
            Assert.IsTrue(m.Retain, "[MQTT-3.3.1-8] " + m);
        }

        // The same with mosquitto_pub -r (QoS 0, each value from a new client): the old value goes.
        [TestMethod]
        [Timeout(15000)]
        public async Task RetainedUpdateFromAnotherClientBeyondMaxRetainedBytes_ClearsTheOldValue_MQTT_3_3_1_7()
        {
            StartBroker(o => { o.MaxRetainedBytes = Limit; o.SysIntervalMs = 0; });
            await using MqttNetPeer live = await MqttNetPeer.ConnectAsync(Broker, "live", cancel: Timeout);
            await live.SubscribeAsync("#", MqttQualityOfServiceLevel.AtLeastOnce, Timeout);
            foreach ((string topic, string payload) in new[] { ("probe", "p"), ("door", "open"), ("door", Big) })
            {
                using ChildProcess pub = await PubAsync("-t", topic, "-m", payload, "-r");
                Assert.AreEqual(0, pub.ExitCode, pub.Transcript());
                Assert.AreEqual(payload, (await live.NextAsync(Wait, topic + " from mosquitto_pub")).Text);
            }

            await using MqttNetPeer late = await MqttNetPeer.ConnectAsync(Broker, "late", cancel: Timeout);
            await late.SubscribeAsync("door", MqttQualityOfServiceLevel.AtMostOnce, Timeout);
            await late.SubscribeAsync("probe", MqttQualityOfServiceLevel.AtMostOnce, Timeout);
            ReceivedMessage m = await late.NextAsync(Wait, "a retained message");
            Assert.AreEqual("probe", m.Topic, "a new subscriber to door got a stale retained value: " + m);
        }

        // The count limit only refuses new topics: an update of a topic already retained replaces it even when
        // MaxRetainedMessages is reached (no clearing where storing is possible), and a new topic is not stored.
        [TestMethod]
        [Timeout(15000)]
        public async Task RetainedUpdateWithTheCountLimitReached_ReplacesTheValue_MQTT_3_3_1_5()
        {
            StartBroker(o => { o.MaxRetainedMessages = 2; o.SysIntervalMs = 0; });
            await using MqttNetPeer publisher = await MqttNetPeer.ConnectAsync(Broker, "publisher", cancel: Timeout);
            await publisher.PublishAsync("probe", "p", MqttQualityOfServiceLevel.AtLeastOnce, retain: true, cancel: Timeout);
            await publisher.PublishAsync("door", "open", MqttQualityOfServiceLevel.AtLeastOnce, retain: true, cancel: Timeout);
            await publisher.PublishAsync("door", "closed", MqttQualityOfServiceLevel.AtLeastOnce, retain: true, cancel: Timeout);
            await publisher.PublishAsync("window", "open", MqttQualityOfServiceLevel.AtLeastOnce, retain: true, cancel: Timeout);

            await using MqttNetPeer late = await MqttNetPeer.ConnectAsync(Broker, "late", cancel: Timeout);
            await late.SubscribeAsync("window", MqttQualityOfServiceLevel.AtLeastOnce, Timeout);
            await late.SubscribeAsync("door", MqttQualityOfServiceLevel.AtLeastOnce, Timeout);
            ReceivedMessage m = await late.NextAsync(Wait, "door's retained message");
            Assert.AreEqual("door", m.Topic, "a third retained topic was stored beyond MaxRetainedMessages = 2: " + m);
            Assert.AreEqual("closed", m.Text, "the update of door replaces its value: " + m);
            Assert.IsTrue(m.Retain, m.ToString());
        }
    }
}
