using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MQTTnet.Protocol;

namespace NanoBroker.Tests.Integration
{
    /// <summary>Publish and subscribe through the broker with MQTTnet 5 clients: QoS, payloads, retained messages, topic matching.</summary>
    [TestClass]
    public class MqttNetDeliveryTests : BrokerTest
    {
        // Every byte value, then a longer stretch: the payload must arrive byte for byte.
        private static byte[] BinaryPayload()
        {
            byte[] payload = new byte[256 + 3000];
            for (int i = 0; i < payload.Length; i++)
            {
                payload[i] = (byte)(i < 256 ? i : (i * 31 + 7) % 251);
            }
            return payload;
        }

        // [MQTT-3.8.4-6] delivered at the minimum of the published QoS and the granted QoS;
        // [MQTT-3.3.1-9] RETAIN is 0 on delivery to an established subscription; the payload is unchanged.
        [TestMethod]
        [Timeout(10000)]
        [DataRow(0, 0)]
        [DataRow(0, 1)]
        [DataRow(0, 2)]
        [DataRow(1, 0)]
        [DataRow(1, 1)]
        [DataRow(1, 2)]
        [DataRow(2, 0)]
        [DataRow(2, 1)]
        [DataRow(2, 2)]
        public async Task RoundTrip_DeliversExactPayloadAtMinimumQos_MQTT_3_8_4_6(int publishedQos, int subscribedQos)
        {
            await using MqttNetPeer subscriber = await MqttNetPeer.ConnectAsync(Broker, "sub", cancel: Timeout);
            await using MqttNetPeer publisher = await MqttNetPeer.ConnectAsync(Broker, "pub", cancel: Timeout);
            await subscriber.SubscribeAsync("qos/test", (MqttQualityOfServiceLevel)subscribedQos, Timeout);

            byte[] payload = BinaryPayload();
            await publisher.PublishAsync("qos/test", payload, (MqttQualityOfServiceLevel)publishedQos, cancel: Timeout);

            ReceivedMessage m = await subscriber.NextAsync(Wait);
            Assert.AreEqual("qos/test", m.Topic);
            CollectionAssert.AreEqual(payload, m.Payload, "payload bytes");
            Assert.AreEqual(Math.Min(publishedQos, subscribedQos), (int)m.Qos, "delivered QoS");
            Assert.IsFalse(m.Retain, "RETAIN on delivery to an established subscription [MQTT-3.3.1-9]");
            Assert.IsFalse(m.Dup, "DUP on a first delivery");
            // Exactly once, also for QoS 1 and 2 (no re-delivery).
            await subscriber.ExpectNothingAsync(TimeSpan.FromMilliseconds(200));
        }

        // [MQTT-3.3.1-6] a new subscription gets the retained message; [MQTT-3.3.1-8] with RETAIN set.
        [TestMethod]
        [Timeout(10000)]
        public async Task Retained_IsDeliveredToLaterSubscriberWithRetainFlag_MQTT_3_3_1_6()
        {
            await using (MqttNetPeer publisher = await MqttNetPeer.ConnectAsync(Broker, "pub", cancel: Timeout))
            {
                await publisher.PublishAsync("home/temp", "21.5", MqttQualityOfServiceLevel.AtLeastOnce, retain: true, cancel: Timeout);
                await publisher.DisconnectAsync();
            }

            await using MqttNetPeer subscriber = await MqttNetPeer.ConnectAsync(Broker, "sub", cancel: Timeout);
            await subscriber.SubscribeAsync("home/#", MqttQualityOfServiceLevel.AtLeastOnce, Timeout);
            ReceivedMessage m = await subscriber.NextAsync(Wait, "retained message");
            Assert.AreEqual("home/temp", m.Topic);
            Assert.AreEqual("21.5", m.Text);
            Assert.IsTrue(m.Retain, "RETAIN flag on a retained message sent for a new subscription [MQTT-3.3.1-8]");
            Assert.AreEqual(MqttQualityOfServiceLevel.AtLeastOnce, m.Qos);
            await subscriber.ExpectNothingAsync(TimeSpan.FromMilliseconds(200));
        }

        // [MQTT-3.3.1-5] a new retained message replaces the one kept for its topic.
        [TestMethod]
        [Timeout(10000)]
        public async Task Retained_IsReplacedByNewerRetainedMessage_MQTT_3_3_1_5()
        {
            await using MqttNetPeer publisher = await MqttNetPeer.ConnectAsync(Broker, "pub", cancel: Timeout);
            await publisher.PublishAsync("home/temp", "first", MqttQualityOfServiceLevel.AtLeastOnce, retain: true, cancel: Timeout);
            await publisher.PublishAsync("home/temp", "second", MqttQualityOfServiceLevel.AtLeastOnce, retain: true, cancel: Timeout);
            // A non-retained message does not replace it.
            await publisher.PublishAsync("home/temp", "not kept", MqttQualityOfServiceLevel.AtLeastOnce, retain: false, cancel: Timeout);

            await using MqttNetPeer subscriber = await MqttNetPeer.ConnectAsync(Broker, "sub", cancel: Timeout);
            await subscriber.SubscribeAsync("home/temp", MqttQualityOfServiceLevel.AtMostOnce, Timeout);
            ReceivedMessage m = await subscriber.NextAsync(Wait, "retained message");
            Assert.AreEqual("second", m.Text);
            Assert.IsTrue(m.Retain);
            Assert.AreEqual(MqttQualityOfServiceLevel.AtMostOnce, m.Qos, "retained message at the granted QoS");
            await subscriber.ExpectNothingAsync(TimeSpan.FromMilliseconds(200));
        }

        // [MQTT-3.3.1-10] a retained PUBLISH with an empty payload removes the retained message and is
        // delivered as normal; [MQTT-3.3.1-11] it is not stored itself.
        [TestMethod]
        [Timeout(10000)]
        public async Task Retained_IsClearedByEmptyPayload_MQTT_3_3_1_10()
        {
            await using MqttNetPeer publisher = await MqttNetPeer.ConnectAsync(Broker, "pub", cancel: Timeout);
            await using MqttNetPeer existing = await MqttNetPeer.ConnectAsync(Broker, "existing", cancel: Timeout);
            await existing.SubscribeAsync("home/#", MqttQualityOfServiceLevel.AtLeastOnce, Timeout);
            await publisher.PublishAsync("home/temp", "21.5", MqttQualityOfServiceLevel.AtLeastOnce, retain: true, cancel: Timeout);
            await publisher.PublishAsync("home/temp", Array.Empty<byte>(), MqttQualityOfServiceLevel.AtLeastOnce, retain: true, cancel: Timeout);
            // Another retained topic stays.
            await publisher.PublishAsync("home/light", "on", MqttQualityOfServiceLevel.AtLeastOnce, retain: true, cancel: Timeout);

            Assert.AreEqual("21.5", (await existing.NextAsync(Wait)).Text);
            ReceivedMessage clear = await existing.NextAsync(Wait, "the empty retained message");
            Assert.AreEqual("home/temp", clear.Topic);
            Assert.IsEmpty(clear.Payload, "the empty message is delivered as normal");
            Assert.AreEqual("on", (await existing.NextAsync(Wait)).Text);

            await using MqttNetPeer later = await MqttNetPeer.ConnectAsync(Broker, "later", cancel: Timeout);
            await later.SubscribeAsync("home/#", MqttQualityOfServiceLevel.AtLeastOnce, Timeout);
            ReceivedMessage only = await later.NextAsync(Wait, "the remaining retained message");
            Assert.AreEqual("home/light", only.Topic, "home/temp was cleared, home/light stays");
            Assert.IsTrue(only.Retain);
            await later.ExpectNothingAsync(TimeSpan.FromMilliseconds(300));
        }

        // Section 4.7.1: '+' matches one level, '#' any number of levels including the parent; a topic
        // starting with '/' has an empty first level. Each subscriber gets exactly its matches, in order.
        [TestMethod]
        [Timeout(10000)]
        public async Task Wildcards_PlusAndHash_RouteExactlyTheMatchingTopics_MQTT_4_7_1()
        {
            Dictionary<string, string[]> expected = new Dictionary<string, string[]>
            {
                ["sport/+/player1"] = new[] { "sport/tennis/player1", "sport/golf/player1" },
                ["sport/#"] = new[] { "sport", "sport/tennis", "sport/tennis/player1", "sport/golf/player1", "sport/tennis/player1/ranking", "sport/tennis/player2" },
                ["sport/tennis/#"] = new[] { "sport/tennis", "sport/tennis/player1", "sport/tennis/player1/ranking", "sport/tennis/player2" },
                ["+"] = new[] { "sport" },
                ["+/+"] = new[] { "sport/tennis", "other/x", "/sport" },
                ["#"] = new[] { "sport", "sport/tennis", "sport/tennis/player1", "sport/golf/player1", "sport/tennis/player1/ranking", "sport/tennis/player2", "other/x", "/sport" },
                ["sport/tennis/player1"] = new[] { "sport/tennis/player1" },
            };
            string[] published = { "sport", "sport/tennis", "sport/tennis/player1", "sport/golf/player1", "sport/tennis/player1/ranking", "sport/tennis/player2", "other/x", "/sport" };

            List<MqttNetPeer> subscribers = new List<MqttNetPeer>();
            try
            {
                int n = 0;
                foreach (string filter in expected.Keys)
                {
                    MqttNetPeer s = await MqttNetPeer.ConnectAsync(Broker, "sub" + n++, cancel: Timeout);
                    subscribers.Add(s);
                    await s.SubscribeAsync(filter, MqttQualityOfServiceLevel.AtLeastOnce, Timeout);
                    await s.SubscribeAsync("done", MqttQualityOfServiceLevel.AtLeastOnce, Timeout);
                }
                await using MqttNetPeer publisher = await MqttNetPeer.ConnectAsync(Broker, "pub", cancel: Timeout);
                foreach (string topic in published)
                {
                    await publisher.PublishAsync(topic, topic, MqttQualityOfServiceLevel.AtLeastOnce, cancel: Timeout);
                }
                await publisher.PublishAsync("done", "done", MqttQualityOfServiceLevel.AtLeastOnce, cancel: Timeout);

                int i = 0;
                foreach (KeyValuePair<string, string[]> e in expected)
                {
                    List<string> got = new List<string>();
                    while (true)
                    {
                        ReceivedMessage m = await subscribers[i].NextAsync(Wait, "'done' after the matches of " + e.Key);
                        if (m.Topic == "done")
                        {
                            // Also matched by '#', but delivered once [MQTT-3.3.5-1]: the last message.
                            break;
                        }
                        Assert.AreEqual(m.Topic, m.Text, "payload of " + m.Topic);
                        got.Add(m.Topic);
                    }
                    CollectionAssert.AreEqual(e.Value, got, "topics delivered for filter '" + e.Key + "': " + string.Join(", ", got));
                    await subscribers[i].ExpectNothingAsync(TimeSpan.FromMilliseconds(100));
                    i++;
                }
            }
            finally
            {
                foreach (MqttNetPeer s in subscribers)
                {
                    await s.DisposeAsync();
                }
            }
        }

        // [MQTT-3.3.5-1] a client whose subscriptions overlap gets the message once, at the highest QoS of
        // the matching subscriptions (the broker's choice among the options the spec allows).
        [TestMethod]
        [Timeout(10000)]
        public async Task OverlappingSubscriptions_DeliverOnceAtHighestQos_MQTT_3_3_5_1()
        {
            await using MqttNetPeer subscriber = await MqttNetPeer.ConnectAsync(Broker, "sub", cancel: Timeout);
            await subscriber.SubscribeAsync("a/+", MqttQualityOfServiceLevel.AtMostOnce, Timeout);
            await subscriber.SubscribeAsync("a/#", MqttQualityOfServiceLevel.ExactlyOnce, Timeout);
            await subscriber.SubscribeAsync("a/b", MqttQualityOfServiceLevel.AtLeastOnce, Timeout);
            await using MqttNetPeer publisher = await MqttNetPeer.ConnectAsync(Broker, "pub", cancel: Timeout);
            await publisher.PublishAsync("a/b", "x", MqttQualityOfServiceLevel.ExactlyOnce, cancel: Timeout);

            ReceivedMessage m = await subscriber.NextAsync(Wait);
            Assert.AreEqual("a/b", m.Topic);
            Assert.AreEqual(MqttQualityOfServiceLevel.ExactlyOnce, m.Qos);
            await subscriber.ExpectNothingAsync(TimeSpan.FromMilliseconds(300));
        }

        // [MQTT-4.7.2-1] filters starting with a wildcard do not match topics starting with '$';
        // "$SYS/#" does. Clients cannot publish into $SYS (the broker owns it).
        [TestMethod]
        [Timeout(10000)]
        public async Task SysTopics_AreNotMatchedByLeadingWildcards_MQTT_4_7_2_1()
        {
            StartBroker(o => o.SysIntervalMs = 200);
            await using MqttNetPeer all = await MqttNetPeer.ConnectAsync(Broker, "all", cancel: Timeout);
            await all.SubscribeAsync("#", MqttQualityOfServiceLevel.AtLeastOnce, Timeout);
            await using MqttNetPeer plus = await MqttNetPeer.ConnectAsync(Broker, "plus", cancel: Timeout);
            await plus.SubscribeAsync("+/broker/#", MqttQualityOfServiceLevel.AtLeastOnce, Timeout);
            await using MqttNetPeer sys = await MqttNetPeer.ConnectAsync(Broker, "sys", cancel: Timeout);
            await sys.SubscribeAsync("$SYS/#", MqttQualityOfServiceLevel.AtLeastOnce, Timeout);
            await sys.SubscribeAsync("x/#", MqttQualityOfServiceLevel.AtLeastOnce, Timeout);

            // The retained statistics come at once; live ones every 200 ms.
            ReceivedMessage first = await sys.NextAsync(Wait, "$SYS message");
            Assert.StartsWith("$SYS/broker/", first.Topic);
            await Task.Delay(700, Timeout);

            await using MqttNetPeer publisher = await MqttNetPeer.ConnectAsync(Broker, "pub", cancel: Timeout);
            await publisher.PublishAsync("$SYS/fake", "spoofed", MqttQualityOfServiceLevel.AtLeastOnce, cancel: Timeout);
            await publisher.PublishAsync("x/broker/marker", "marker", MqttQualityOfServiceLevel.AtLeastOnce, cancel: Timeout);

            ReceivedMessage m = await all.NextAsync(Wait, "the marker");
            Assert.AreEqual("x/broker/marker", m.Topic, "'#' received something before the marker");
            m = await plus.NextAsync(Wait, "the marker");
            Assert.AreEqual("x/broker/marker", m.Topic, "'+/broker/#' received something before the marker");

            List<string> sysTopics = new List<string> { first.Topic };
            bool live = false;
            while (true)
            {
                m = await sys.NextAsync(Wait, "the marker");
                if (m.Topic == "x/broker/marker")
                {
                    break;
                }
                sysTopics.Add(m.Topic);
                live |= !m.Retain;
            }
            CollectionAssert.Contains(sysTopics, "$SYS/broker/version");
            CollectionAssert.Contains(sysTopics, "$SYS/broker/clients/connected");
            Assert.IsTrue(live, "periodic $SYS messages to an existing '$SYS/#' subscription");
            CollectionAssert.DoesNotContain(sysTopics, "$SYS/fake", "a client's PUBLISH to $SYS was routed");
            Assert.IsTrue(sysTopics.All(t => t.StartsWith("$SYS/broker/", StringComparison.Ordinal)));
        }
    }
}
