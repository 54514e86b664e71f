using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace NanoBroker.Tests.Integration
{
    /// <summary>
    /// MQTT 5.0 through real clients: mosquitto_pub/mosquitto_sub -V mqttv5, MQTTnet with MqttProtocolVersion.V500,
    /// paho-mqtt for Python (1.6, protocol=MQTTv5) and MQTT.js 5 (protocolVersion 5), and 3.1.1 clients beside them.
    /// Written before the broker spoke 5.0 and checked against mosquitto 2.0, which they still pass:
    ///   /usr/sbin/mosquitto -p 18831 &amp;
    ///   NANOBROKER_MQTT5_TEST_PORT=18831 dotnet test NanoBroker.Tests/NanoBroker.Tests.csproj --filter "FullyQualifiedName~Mqtt5ClientTests"
    /// </summary>
    [TestClass]
    [TestCategory("mqtt5")]
    public class Mqtt5ClientTests : Mqtt5Test
    {
        private const string Python = "/usr/bin/python3";
        private static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(8);

        private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(700);

        // mosquitto_sub -F: topic, payload, user properties (name:value, space separated), content type, response
        // topic, correlation data, message expiry interval, payload format indicator, subscription identifier, QoS, retain.
        private const string PropertiesFormat = "%t|%p|%P|%C|%R|%D|%E|%F|%S|%q|%r";

        private static ReadOnlyMemory<byte> Utf8(string text)
        {
            return Encoding.UTF8.GetBytes(text);
        }

        private string[] Args(params string[] arguments)
        {
            return new[] { "-h", TestBroker.Host, "-p", PortText }.Concat(arguments).ToArray();
        }

        private async Task<ChildProcess> PubAsync(params string[] arguments)
        {
            ChildProcess pub = await ChildProcess.RunAsync(ExitWait, "mosquitto_pub", Args(arguments));
            Assert.AreEqual(0, pub.ExitCode, "mosquitto_pub failed" + pub.Transcript());
            return pub;
        }

        /// <summary>mosquitto_sub -d, line-buffered, returned once its SUBACK arrived.</summary>
        private async Task<ChildProcess> StartSubAsync(params string[] arguments)
        {
            ChildProcess sub = ChildProcess.Start("stdbuf", new[] { "-oL", "mosquitto_sub" }.Concat(Args(arguments)).Append("-d").ToArray());
            try
            {
                await sub.WaitForLineAsync(l => l.StartsWith("Subscribed (mid", StringComparison.Ordinal), Wait, "SUBACK");
                return sub;
            }
            catch
            {
                sub.Dispose();
                throw;
            }
        }

        private static bool IsMessageLine(string line)
        {
            return !line.StartsWith("Client ", StringComparison.Ordinal) && !line.StartsWith("Subscribed (mid", StringComparison.Ordinal);
        }

        // ---- mosquitto_pub / mosquitto_sub -V mqttv5

        // [MQTT-3.3.2-17] user properties, [MQTT-3.3.2-20] content type, response topic, correlation data and the
        // payload format indicator [MQTT-3.3.2-4] are forwarded unaltered; the message expiry interval is sent as
        // what is left of it [MQTT-3.3.2-6]; the subscription identifier of the matching subscription is added [MQTT-3.3.4-3].
        [TestMethod]
        [Timeout(15000)]
        public async Task MosquittoV5_PublishPropertiesReachTheSubscriberWithItsSubscriptionIdentifier_MQTT_3_3_2_17()
        {
            string topic = Unique("v5/mosquitto");
            using ChildProcess sub = await StartSubAsync("-V", "mqttv5", "-t", topic + "/#", "-q", "1", "-F", PropertiesFormat,
                "-D", "subscribe", "subscription-identifier", "5");
            await PubAsync("-V", "mqttv5", "-t", topic + "/a", "-m", "hello", "-q", "1",
                "-D", "publish", "user-property", "a", "b", "-D", "publish", "user-property", "c", "d",
                "-D", "publish", "content-type", "text/plain", "-D", "publish", "response-topic", topic + "/reply",
                "-D", "publish", "correlation-data", "c1", "-D", "publish", "message-expiry-interval", "10",
                "-D", "publish", "payload-format-indicator", "1");
            string[] f = (await sub.WaitForLineAsync(IsMessageLine, Wait, "message line")).Split('|');
            Assert.AreEqual(topic + "/a", f[0]);
            Assert.AreEqual("hello", f[1]);
            Assert.AreEqual("a:b c:d", f[2], "user properties in order [MQTT-3.3.2-18]");
            Assert.AreEqual("text/plain", f[3]);
            Assert.AreEqual(topic + "/reply", f[4]);
            Assert.AreEqual("c1", f[5]);
            int expiry = int.Parse(f[6]);
            Assert.IsTrue(expiry >= 9 && expiry <= 10, "expiry interval left: " + f[6]);
            Assert.AreEqual("1", f[7]);
            Assert.AreEqual("5", f[8]);
            Assert.AreEqual("1", f[9]);
            Assert.AreEqual("0", f[10]);
        }

        // [MQTT-3.1.2-23] session expiry 60 and Clean Start 0: the subscription outlives the connection, a QoS 1
        // message published meanwhile is kept and delivered on return [MQTT-3.1.2-5].
        [TestMethod]
        [Timeout(20000)]
        public async Task MosquittoV5_SessionExpiryKeepsTheSessionAcrossReconnect_MQTT_3_1_2_23()
        {
            string topic = Unique("v5/session");
            string id = Unique("mosq-v5-session");
            using (ChildProcess first = await ChildProcess.RunAsync(ExitWait, "mosquitto_sub",
                Args("-V", "mqttv5", "-i", id, "-c", "-x", "60", "-q", "1", "-t", topic, "-E")))
            {
                Assert.AreEqual(0, first.ExitCode, first.Transcript());
            }
            await PubAsync("-V", "mqttv5", "-t", topic, "-m", "while away", "-q", "1");
            using ChildProcess again = await ChildProcess.RunAsync(ExitWait, "mosquitto_sub",
                Args("-V", "mqttv5", "-i", id, "-c", "-x", "0", "-q", "1", "-t", topic, "-C", "1", "-W", "5", "-v"));
            Assert.AreEqual(0, again.ExitCode, "no queued message" + again.Transcript());
            Assert.AreEqual(topic + " while away", again.Output.Trim());
        }

        // [MQTT-3.3.2-5] a retained message whose expiry interval has passed is not delivered to a later subscriber;
        // one still in date is, with what is left of its interval [MQTT-3.3.2-6].
        [TestMethod]
        [Timeout(20000)]
        public async Task MosquittoV5_ExpiredRetainedMessageIsNotDelivered_MQTT_3_3_2_5()
        {
            string topic = Unique("v5/expiry");
            await PubAsync("-V", "mqttv5", "-t", topic + "/short", "-m", "gone", "-r", "-q", "1", "-D", "publish", "message-expiry-interval", "1");
            await PubAsync("-V", "mqttv5", "-t", topic + "/long", "-m", "kept", "-r", "-q", "1", "-D", "publish", "message-expiry-interval", "60");
            await Task.Delay(2500);
            using ChildProcess later = await ChildProcess.RunAsync(ExitWait, "mosquitto_sub",
                Args("-V", "mqttv5", "-t", topic + "/#", "-q", "1", "-F", PropertiesFormat, "-W", "2"));
            string[] lines = later.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.HasCount(1, lines, later.Transcript());
            string[] f = lines[0].Split('|');
            Assert.AreEqual(topic + "/long", f[0]);
            Assert.AreEqual("kept", f[1]);
            int left = int.Parse(f[6]);
            Assert.IsTrue(left >= 56 && left <= 60, "expiry interval left: " + f[6]);
            Assert.AreEqual("1", f[10], "retained");
        }

        // A 3.1.1 publisher and a 5.0 subscriber, and the other way: the message crosses versions; a 3.1.1
        // subscriber gets the payload of a 5.0 message without its properties (3.1.1 has none).
        [TestMethod]
        [Timeout(15000)]
        public async Task MosquittoV311AndV5_MessagesCrossVersionsBothWays()
        {
            string topic = Unique("v5/cross");
            using ChildProcess v5 = await StartSubAsync("-V", "mqttv5", "-t", topic + "/to5", "-F", PropertiesFormat);
            using ChildProcess v311 = await StartSubAsync("-V", "mqttv311", "-t", topic + "/to311", "-v");
            await PubAsync("-V", "mqttv311", "-t", topic + "/to5", "-m", "from 3.1.1");
            await PubAsync("-V", "mqttv5", "-t", topic + "/to311", "-m", "from 5.0", "-D", "publish", "user-property", "k", "v");
            string[] f = (await v5.WaitForLineAsync(IsMessageLine, Wait, "message line")).Split('|');
            Assert.AreEqual(topic + "/to5", f[0]);
            Assert.AreEqual("from 3.1.1", f[1]);
            Assert.AreEqual("", f[2], "no user properties on a 3.1.1 message");
            Assert.AreEqual(topic + "/to311 from 5.0", await v311.WaitForLineAsync(IsMessageLine, Wait, "message line"));
        }

        // ---- MQTTnet, MqttProtocolVersion.V500

        // [MQTT-3.3.2-17] [MQTT-3.3.2-18] [MQTT-3.3.2-20] every application property of a PUBLISH reaches the subscriber.
        [TestMethod]
        [Timeout(10000)]
        public async Task MqttNetV5_ApplicationPropertiesAreForwarded_MQTT_3_3_2_17()
        {
            string topic = Unique("v5/net/props");
            await using MqttNet5Peer sub = await MqttNet5Peer.ConnectAsync(Port, Unique("net-sub"), cancel: Timeout);
            await sub.SubscribeAsync(topic, MqttQualityOfServiceLevel.AtLeastOnce, cancel: Timeout);
            await using MqttNet5Peer pub = await MqttNet5Peer.ConnectAsync(Port, Unique("net-pub"), cancel: Timeout);
            await pub.PublishAsync(topic, "{\"on\":true}", MqttQualityOfServiceLevel.AtLeastOnce, m => m
                .WithUserProperty("unit", Utf8("celsius")).WithUserProperty("unit", Utf8("kelvin")).WithUserProperty("z", Utf8("1"))
                .WithContentType("application/json").WithResponseTopic(topic + "/reply")
                .WithCorrelationData(new byte[] { 0, 1, 2, 255 }).WithPayloadFormatIndicator(MqttPayloadFormatIndicator.CharacterData)
                .WithMessageExpiryInterval(100), Timeout);
            Received5 m = await sub.NextAsync(Wait);
            Assert.AreEqual(topic, m.Topic);
            Assert.AreEqual("{\"on\":true}", m.Text);
            CollectionAssert.AreEqual(new[] { "unit=celsius", "unit=kelvin", "z=1" }, m.UserProperties.Select(p => p.Name + "=" + p.Value).ToArray(),
                "user properties kept in order, repeats included [MQTT-3.3.2-18]");
            Assert.AreEqual("application/json", m.ContentType);
            Assert.AreEqual(topic + "/reply", m.ResponseTopic);
            CollectionAssert.AreEqual(new byte[] { 0, 1, 2, 255 }, m.CorrelationData);
            Assert.AreEqual(MqttPayloadFormatIndicator.CharacterData, m.PayloadFormat);
            Assert.IsTrue(m.MessageExpiryInterval >= 99 && m.MessageExpiryInterval <= 100, "expiry left: " + m.MessageExpiryInterval);
        }

        // [MQTT-3.3.4-3] overlapping subscriptions with identifiers 1 and 2: whether the broker sends one copy with
        // both identifiers or one copy per subscription [MQTT-3.3.4-5], identifiers 1 and 2 both arrive, and a
        // subscription without identifier adds none [MQTT-3.3.4-4].
        [TestMethod]
        [Timeout(10000)]
        public async Task MqttNetV5_SubscriptionIdentifiersOfEveryMatchingSubscriptionArrive_MQTT_3_3_4_3()
        {
            string topic = Unique("v5/net/ids");
            await using MqttNet5Peer sub = await MqttNet5Peer.ConnectAsync(Port, Unique("net-ids"), cancel: Timeout);
            Assert.IsTrue(sub.ConnectResult.SubscriptionIdentifiersAvailable, "CONNACK: subscription identifiers available");
            await sub.SubscribeAsync(topic + "/+", MqttQualityOfServiceLevel.AtMostOnce, 1, Timeout);
            await sub.SubscribeAsync(topic + "/#", MqttQualityOfServiceLevel.AtMostOnce, 2, Timeout);
            await sub.SubscribeAsync(topic + "/plain/#", MqttQualityOfServiceLevel.AtMostOnce, 0, Timeout);
            await sub.PublishAsync(topic + "/a", "both", MqttQualityOfServiceLevel.AtMostOnce, cancel: Timeout);
            List<Received5> copies = new List<Received5> { await sub.NextAsync(Wait) };
            while (copies.SelectMany(c => c.SubscriptionIdentifiers).Distinct().Count() < 2)
            {
                copies.Add(await sub.NextAsync(Wait, "the copy for the other subscription"));
            }
            CollectionAssert.AreEquivalent(new uint[] { 1, 2 }, copies.SelectMany(c => c.SubscriptionIdentifiers).ToArray(), string.Join("; ", copies));

            await sub.PublishAsync(topic + "/plain/x", "one id", MqttQualityOfServiceLevel.AtMostOnce, cancel: Timeout);
            List<Received5> plain = new List<Received5> { await sub.NextAsync(Wait) };
            await Task.Delay(Quiet);
            plain.AddRange(sub.Drain());
            CollectionAssert.AreEquivalent(new uint[] { 2 }, plain.SelectMany(c => c.SubscriptionIdentifiers).ToArray(), string.Join("; ", plain));
        }

        // [MQTT-3.8.3-3] No Local: a client's own messages are not sent back to it on that subscription; others' are.
        [TestMethod]
        [Timeout(10000)]
        public async Task MqttNetV5_NoLocalSubscriptionDoesNotReceiveOwnMessages_MQTT_3_8_3_3()
        {
            string topic = Unique("v5/net/nolocal");
            await using MqttNet5Peer self = await MqttNet5Peer.ConnectAsync(Port, Unique("net-self"), cancel: Timeout);
            await self.SubscribeAsync(f => f.WithTopic(topic).WithNoLocal(true).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce), cancel: Timeout);
            await using MqttNet5Peer other = await MqttNet5Peer.ConnectAsync(Port, Unique("net-other"), cancel: Timeout);
            await self.PublishAsync(topic, "mine", MqttQualityOfServiceLevel.AtLeastOnce, cancel: Timeout);
            await other.PublishAsync(topic, "theirs", MqttQualityOfServiceLevel.AtLeastOnce, cancel: Timeout);
            Assert.AreEqual("theirs", (await self.NextAsync(Wait)).Text);
            await self.ExpectNothingAsync(Quiet, "No Local");
        }

        // [MQTT-3.3.1-12] Retain As Published 0: a message forwarded to an existing subscription has RETAIN 0;
        // [MQTT-3.3.1-13] Retain As Published 1: RETAIN as the publisher set it.
        [TestMethod]
        [Timeout(10000)]
        public async Task MqttNetV5_RetainAsPublishedKeepsTheRetainFlagOnLiveMessages_MQTT_3_3_1_12()
        {
            string topic = Unique("v5/net/rap");
            await using MqttNet5Peer plain = await MqttNet5Peer.ConnectAsync(Port, Unique("net-rap0"), cancel: Timeout);
            await plain.SubscribeAsync(f => f.WithTopic(topic).WithRetainAsPublished(false), cancel: Timeout);
            await using MqttNet5Peer asPublished = await MqttNet5Peer.ConnectAsync(Port, Unique("net-rap1"), cancel: Timeout);
            await asPublished.SubscribeAsync(f => f.WithTopic(topic).WithRetainAsPublished(true), cancel: Timeout);
            await using MqttNet5Peer pub = await MqttNet5Peer.ConnectAsync(Port, Unique("net-rap-pub"), cancel: Timeout);
            await pub.PublishAsync(topic, "kept", MqttQualityOfServiceLevel.AtLeastOnce, m => m.WithRetainFlag(true), Timeout);
            Assert.IsFalse((await plain.NextAsync(Wait)).Retain, "RAP 0 [MQTT-3.3.1-12]");
            Assert.IsTrue((await asPublished.NextAsync(Wait)).Retain, "RAP 1 [MQTT-3.3.1-13]");
            await pub.PublishAsync(topic, "", MqttQualityOfServiceLevel.AtLeastOnce, m => m.WithRetainFlag(true), Timeout);
        }

        // [MQTT-3.3.1-9] Retain Handling 0: retained messages at every subscribe; [MQTT-3.3.1-10] 1: only when the
        // subscription is new; [MQTT-3.3.1-11] 2: never at subscribe. A retained message sent because of a
        // subscription has RETAIN 1 [MQTT-3.3.1-8].
        [TestMethod]
        [Timeout(15000)]
        public async Task MqttNetV5_RetainHandlingDecidesWhenRetainedMessagesAreSent_MQTT_3_3_1_9()
        {
            string topic = Unique("v5/net/rh");
            await using MqttNet5Peer pub = await MqttNet5Peer.ConnectAsync(Port, Unique("net-rh-pub"), cancel: Timeout);
            await pub.PublishAsync(topic, "retained", MqttQualityOfServiceLevel.AtLeastOnce, m => m.WithRetainFlag(true), Timeout);
            await using MqttNet5Peer sub = await MqttNet5Peer.ConnectAsync(Port, Unique("net-rh-sub"), cancel: Timeout);

            await sub.SubscribeAsync(f => f.WithTopic(topic).WithRetainHandling(MqttRetainHandling.SendAtSubscribe), cancel: Timeout);
            Received5 first = await sub.NextAsync(Wait, "retained message (RH 0)");
            Assert.AreEqual("retained", first.Text);
            Assert.IsTrue(first.Retain, "[MQTT-3.3.1-8]");
            await sub.SubscribeAsync(f => f.WithTopic(topic).WithRetainHandling(MqttRetainHandling.SendAtSubscribe), cancel: Timeout);
            Assert.AreEqual("retained", (await sub.NextAsync(Wait, "retained message again (RH 0, existing subscription)")).Text);

            await sub.SubscribeAsync(f => f.WithTopic(topic).WithRetainHandling(MqttRetainHandling.SendAtSubscribeIfNewSubscriptionOnly), cancel: Timeout);
            await sub.ExpectNothingAsync(Quiet, "RH 1 on an existing subscription [MQTT-3.3.1-10]");
            // "#" also matches its parent level [MQTT-4.7.1-2]: a new subscription that takes the same topic.
            await sub.SubscribeAsync(f => f.WithTopic(topic + "/#").WithRetainHandling(MqttRetainHandling.SendAtSubscribeIfNewSubscriptionOnly), cancel: Timeout);
            Assert.AreEqual("retained", (await sub.NextAsync(Wait, "retained message (RH 1, new subscription)")).Text);

            await sub.SubscribeAsync(f => f.WithTopic("+" + topic.Substring(topic.IndexOf('/'))).WithRetainHandling(MqttRetainHandling.DoNotSendOnSubscribe), cancel: Timeout);
            await sub.ExpectNothingAsync(Quiet, "RH 2 [MQTT-3.3.1-11]");
            await pub.PublishAsync(topic, "", MqttQualityOfServiceLevel.AtLeastOnce, m => m.WithRetainFlag(true), Timeout);
        }

        // [MQTT-4.8.2] shared subscriptions: two MQTTnet clients in the group "$share/workers/{topic}" share the
        // messages, each one to exactly one of them; a normal subscriber of the same topic gets every one.
        [TestMethod]
        [Timeout(15000)]
        public async Task MqttNetV5_SharedSubscriptionGivesEachMessageToOneMember_MQTT_4_8_2()
        {
            string topic = Unique("v5/net/shared");
            await using MqttNet5Peer one = await MqttNet5Peer.ConnectAsync(Port, Unique("net-share1"), cancel: Timeout);
            Assert.IsTrue(one.ConnectResult.SharedSubscriptionAvailable, "CONNACK: shared subscriptions available");
            await one.SubscribeAsync("$share/workers/" + topic, MqttQualityOfServiceLevel.AtLeastOnce, cancel: Timeout);
            await using MqttNet5Peer two = await MqttNet5Peer.ConnectAsync(Port, Unique("net-share2"), cancel: Timeout);
            await two.SubscribeAsync("$share/workers/" + topic, MqttQualityOfServiceLevel.AtLeastOnce, cancel: Timeout);
            await using MqttNet5Peer all = await MqttNet5Peer.ConnectAsync(Port, Unique("net-share-all"), cancel: Timeout);
            await all.SubscribeAsync(topic, MqttQualityOfServiceLevel.AtLeastOnce, cancel: Timeout);
            await using MqttNet5Peer pub = await MqttNet5Peer.ConnectAsync(Port, Unique("net-share-pub"), cancel: Timeout);
            const int Count = 6;
            for (int i = 0; i < Count; i++)
            {
                await pub.PublishAsync(topic, "m" + i, MqttQualityOfServiceLevel.AtLeastOnce, cancel: Timeout);
            }
            List<string> everyone = new List<string>();
            for (int i = 0; i < Count; i++)
            {
                everyone.Add((await all.NextAsync(Wait, "the normal subscriber's copy")).Text);
            }
            await Task.Delay(Quiet);
            List<Received5> toOne = one.Drain();
            List<Received5> toTwo = two.Drain();
            List<string> shared = toOne.Concat(toTwo).Select(m => m.Text).ToList();
            CollectionAssert.AreEquivalent(everyone, shared, "each message to exactly one member: " + string.Join(",", shared));
            Assert.IsTrue(toOne.Count > 0 && toTwo.Count > 0, "both members take turns (" + toOne.Count + "/" + toTwo.Count + ")");
        }

        // [MQTT-3.3.2-12] a client may publish with a topic alias once the server allows it (CONNACK Topic Alias
        // Maximum > 0): the first PUBLISH sets alias 1, the next uses it with an empty topic name; the subscriber
        // gets the full topic both times (the server's own aliases toward it are its choice [MQTT-3.3.2-11]).
        [TestMethod]
        [Timeout(10000)]
        public async Task MqttNetV5_TopicAliasFromTheClientIsResolved_MQTT_3_3_2_12()
        {
            string topic = Unique("v5/net/alias");
            await using MqttNet5Peer sub = await MqttNet5Peer.ConnectAsync(Port, Unique("net-alias-sub"), cancel: Timeout);
            await sub.SubscribeAsync(topic, MqttQualityOfServiceLevel.AtLeastOnce, cancel: Timeout);
            await using MqttNet5Peer pub = await MqttNet5Peer.ConnectAsync(Port, Unique("net-alias-pub"), cancel: Timeout);
            Assert.IsTrue(pub.ConnectResult.TopicAliasMaximum > 0, "CONNACK Topic Alias Maximum: " + pub.ConnectResult.TopicAliasMaximum);
            await pub.PublishAsync(topic, "set alias", MqttQualityOfServiceLevel.AtLeastOnce, m => m.WithTopicAlias(1), Timeout);
            await pub.PublishAsync("", "use alias", MqttQualityOfServiceLevel.AtLeastOnce, m => m.WithTopicAlias(1), Timeout);
            Received5 a = await sub.NextAsync(Wait);
            Received5 b = await sub.NextAsync(Wait);
            Assert.AreEqual(topic + " set alias", a.Topic + " " + a.Text);
            Assert.AreEqual(topic + " use alias", b.Topic + " " + b.Text);
        }

        // [MQTT-3.1.2-23] Session Expiry Interval 60 with Clean Start 0: session present on return [MQTT-3.2.2-3] with the
        // subscription and the QoS 1 message published meanwhile; [MQTT-3.1.2-11] with 0 (the default) the session ends
        // with the connection: no session on return.
        [TestMethod]
        [Timeout(15000)]
        public async Task MqttNetV5_SessionExpiryDecidesWhetherTheSessionSurvivesReconnect_MQTT_3_1_2_23()
        {
            string topic = Unique("v5/net/session");
            string kept = Unique("net-kept");
            string gone = Unique("net-gone");
            await using (MqttNet5Peer k = await MqttNet5Peer.ConnectAsync(Port, kept, configure: o => o.WithCleanStart(true).WithSessionExpiryInterval(60), cancel: Timeout))
            {
                await k.SubscribeAsync(topic, MqttQualityOfServiceLevel.AtLeastOnce, cancel: Timeout);
                await k.DisconnectAsync();
            }
            await using (MqttNet5Peer g = await MqttNet5Peer.ConnectAsync(Port, gone, configure: o => o.WithCleanStart(true), cancel: Timeout))
            {
                await g.SubscribeAsync(topic, MqttQualityOfServiceLevel.AtLeastOnce, cancel: Timeout);
                await g.DisconnectAsync();
            }
            await using (MqttNet5Peer pub = await MqttNet5Peer.ConnectAsync(Port, Unique("net-session-pub"), cancel: Timeout))
            {
                await pub.PublishAsync(topic, "while away", MqttQualityOfServiceLevel.AtLeastOnce, cancel: Timeout);
            }

            await using MqttNet5Peer k2 = await MqttNet5Peer.ConnectAsync(Port, kept, configure: o => o.WithCleanStart(false).WithSessionExpiryInterval(60), cancel: Timeout);
            Assert.IsTrue(k2.ConnectResult.IsSessionPresent, "session present [MQTT-3.2.2-3]");
            Received5 m = await k2.NextAsync(Wait, "the queued message");
            Assert.AreEqual("while away", m.Text);
            Assert.AreEqual(MqttQualityOfServiceLevel.AtLeastOnce, m.Qos);
            await k2.DisconnectAsync(0);

            await using MqttNet5Peer g2 = await MqttNet5Peer.ConnectAsync(Port, gone, configure: o => o.WithCleanStart(false), cancel: Timeout);
            Assert.IsFalse(g2.ConnectResult.IsSessionPresent, "session expiry 0: no session kept [MQTT-3.1.2-11]");
            await g2.ExpectNothingAsync(Quiet, "no session, so nothing queued");
        }

        // A 3.1.1 MQTTnet client and a 5.0 one on one broker, each subscribed to what the other publishes at QoS 1.
        [TestMethod]
        [Timeout(10000)]
        public async Task MqttNetV311AndV5_ExchangeMessagesBothWays()
        {
            string topic = Unique("v5/net/cross");
            await using MqttNet5Peer v311 = await MqttNet5Peer.ConnectAsync(Port, Unique("net-311"), MqttProtocolVersion.V311, cancel: Timeout);
            await using MqttNet5Peer v5 = await MqttNet5Peer.ConnectAsync(Port, Unique("net-5"), cancel: Timeout);
            await v311.SubscribeAsync(topic + "/to311", MqttQualityOfServiceLevel.AtLeastOnce, cancel: Timeout);
            await v5.SubscribeAsync(topic + "/to5", MqttQualityOfServiceLevel.AtLeastOnce, 9, Timeout);
            await v5.PublishAsync(topic + "/to311", "from 5.0", MqttQualityOfServiceLevel.AtLeastOnce, m => m.WithUserProperty("k", Utf8("v")).WithContentType("text/plain"), Timeout);
            await v311.PublishAsync(topic + "/to5", "from 3.1.1", MqttQualityOfServiceLevel.AtLeastOnce, cancel: Timeout);
            Received5 at311 = await v311.NextAsync(Wait);
            Assert.AreEqual("from 5.0", at311.Text);
            Assert.AreEqual(MqttQualityOfServiceLevel.AtLeastOnce, at311.Qos);
            Assert.HasCount(0, at311.UserProperties, "3.1.1 has no properties");
            Received5 at5 = await v5.NextAsync(Wait);
            Assert.AreEqual("from 3.1.1", at5.Text);
            CollectionAssert.AreEqual(new uint[] { 9 }, at5.SubscriptionIdentifiers);
        }

        // ---- paho-mqtt for Python 1.6, protocol=MQTTv5

        private const string PahoScript = @"
import sys, threading
import paho.mqtt.client as mqtt
from paho.mqtt.properties import Properties
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.subscribeoptions import SubscribeOptions
host, port, topic, prefix = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
lock = threading.Lock()
def say(*words):
    with lock:
        sys.stdout.write(' '.join(str(w) for w in words) + '\n'); sys.stdout.flush()
def wait(event, what):
    if not event.wait(5):
        say('TIMEOUT', what); sys.exit(3)
connected, subscribed, received, published = threading.Event(), threading.Event(), threading.Event(), threading.Event()
def on_connect(c, userdata, flags, reason, properties):
    say('CONNACK', reason.getName(), 'session_present=%d' % flags['session present'])
    connected.set()
def on_subscribe(c, userdata, mid, reasons, properties):
    say('SUBACK', reasons[0].value); subscribed.set()
def on_message(c, userdata, m):
    p = m.properties
    say('MESSAGE', m.topic, m.qos, m.payload.decode(),
        'user=' + ','.join('%s:%s' % kv for kv in getattr(p, 'UserProperty', [])),
        'content=' + getattr(p, 'ContentType', ''), 'response=' + getattr(p, 'ResponseTopic', ''),
        'correlation=' + getattr(p, 'CorrelationData', b'').decode(),
        'ids=' + ','.join(str(i) for i in getattr(p, 'SubscriptionIdentifier', [])))
    received.set()
def on_publish(c, userdata, mid):
    published.set()
sub = mqtt.Client(client_id=prefix + '-sub', protocol=mqtt.MQTTv5)
sub.on_connect, sub.on_subscribe, sub.on_message = on_connect, on_subscribe, on_message
sub.connect(host, port, 30, clean_start=True)
sub.loop_start(); wait(connected, 'CONNACK')
props = Properties(PacketTypes.SUBSCRIBE); props.SubscriptionIdentifier = 42
sub.subscribe(topic, options=SubscribeOptions(qos=1, noLocal=False), properties=props)
wait(subscribed, 'SUBACK')
pub = mqtt.Client(client_id=prefix + '-pub', protocol=mqtt.MQTTv5)
pub.on_publish = on_publish
connect = Properties(PacketTypes.CONNECT); connect.SessionExpiryInterval = 0
pub.connect(host, port, 30, clean_start=True, properties=connect)
pub.loop_start()
p = Properties(PacketTypes.PUBLISH)
p.UserProperty = [('a', 'b'), ('a', 'c')]
p.ContentType = 'text/plain'
p.ResponseTopic = topic + '/reply'
p.CorrelationData = b'req-1'
pub.publish(topic, b'hello paho', qos=1, properties=p)
wait(published, 'PUBACK'); wait(received, 'message')
pub.disconnect(); sub.disconnect(); pub.loop_stop(); sub.loop_stop()
say('DONE')
";

        // paho v5 to paho v5: CONNACK reason Success, SUBACK granted QoS 1, the publish properties and the
        // subscriber's subscription identifier on the message [MQTT-3.3.2-17] [MQTT-3.3.4-3].
        [TestMethod]
        [Timeout(15000)]
        public async Task PahoV5_PublishPropertiesAndSubscriptionIdentifierReachPahoSubscriber_MQTT_3_3_2_17()
        {
            string topic = Unique("v5/paho");
            using ChildProcess script = await ChildProcess.RunAsync(ExitWait, Python, "-c", PahoScript, TestBroker.Host, PortText, topic, Unique("paho5"));
            Assert.AreEqual(0, script.ExitCode, script.Transcript());
            string[] lines = script.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            CollectionAssert.Contains(lines, "CONNACK Success session_present=0", script.Transcript());
            CollectionAssert.Contains(lines, "SUBACK 1", script.Transcript());
            CollectionAssert.Contains(lines, "MESSAGE " + topic + " 1 hello paho user=a:b,a:c content=text/plain response=" + topic
                + "/reply correlation=req-1 ids=42", script.Transcript());
            Assert.AreEqual("DONE", lines[^1], script.Transcript());
        }

        // ---- MQTT.js 5, protocolVersion 5 (and 4, to mix versions)

        // MQTT.js v5 publisher and subscriber: properties and the subscription identifier arrive [MQTT-3.3.2-17] [MQTT-3.3.4-3].
        [TestMethod]
        [Timeout(15000)]
        public async Task MqttJsV5_PublishPropertiesAndSubscriptionIdentifierReachMqttJsSubscriber_MQTT_3_3_2_17()
        {
            string topic = Unique("v5/js");
            using ChildProcess sub = MqttJs.Start(new
            {
                host = TestBroker.Host, port = Port, protocolVersion = 5, clientId = Unique("js-sub"),
                steps = new object[]
                {
                    new { subscribe = topic + "/#", qos = 1, properties = new { subscriptionIdentifier = 7 } },
                    new { messages = 1, seconds = 5 },
                },
            });
            await sub.WaitForLineAsync(l => MqttJs.IsEvent(l, "suback"), Wait, "SUBACK");
            using ChildProcess pub = MqttJs.Start(new
            {
                host = TestBroker.Host, port = Port, protocolVersion = 5, clientId = Unique("js-pub"),
                properties = new { sessionExpiryInterval = 0, receiveMaximum = 10 },
                steps = new object[]
                {
                    new
                    {
                        publish = topic + "/a", payload = "hello js", qos = 1,
                        properties = new
                        {
                            userProperties = new { a = "b" }, contentType = "text/plain", responseTopic = topic + "/reply",
                            correlationData = "corr-1", payloadFormatIndicator = true, messageExpiryInterval = 30,
                        },
                    },
                },
            });
            Assert.AreEqual(0, await pub.WaitForExitAsync(ExitWait), pub.Transcript());
            Assert.AreEqual(0, await sub.WaitForExitAsync(ExitWait), sub.Transcript());
            JsonElement connack = MqttJs.Events(pub).First(e => e.GetProperty("event").GetString() == "connack");
            Assert.AreEqual(0, connack.GetProperty("reasonCode").GetInt32(), pub.Transcript());
            Assert.AreEqual("[1]", MqttJs.Events(sub).First(e => e.GetProperty("event").GetString() == "suback").GetProperty("granted").GetRawText());
            JsonElement m = MqttJs.Events(sub).Single(e => e.GetProperty("event").GetString() == "message");
            Assert.AreEqual(topic + "/a", m.GetProperty("topic").GetString());
            Assert.AreEqual("hello js", m.GetProperty("payload").GetString());
            Assert.AreEqual(1, m.GetProperty("qos").GetInt32());
            JsonElement p = m.GetProperty("properties");
            Assert.AreEqual("b", p.GetProperty("userProperties").GetProperty("a").GetString());
            Assert.AreEqual("text/plain", p.GetProperty("contentType").GetString());
            Assert.AreEqual(topic + "/reply", p.GetProperty("responseTopic").GetString());
            Assert.AreEqual("corr-1", p.GetProperty("correlationData").GetString());
            Assert.IsTrue(p.GetProperty("payloadFormatIndicator").GetBoolean());
            int expiry = p.GetProperty("messageExpiryInterval").GetInt32();
            Assert.IsTrue(expiry >= 29 && expiry <= 30, "expiry left: " + expiry);
            Assert.AreEqual(7, p.GetProperty("subscriptionIdentifier").GetInt32());
        }

        // MQTT.js 3.1.1 (protocolVersion 4) and MQTT.js 5.0 on one broker, each receiving what the other publishes:
        // the 3.1.1 client subscribes first; the 5.0 one subscribes, then publishes to it; the 3.1.1 one answers once
        // that message has come (so each publish follows the other's SUBACK).
        [TestMethod]
        [Timeout(15000)]
        public async Task MqttJsV4AndV5_ExchangeMessagesBothWays()
        {
            string topic = Unique("v5/js/cross");
            using ChildProcess v4 = MqttJs.Start(new
            {
                host = TestBroker.Host, port = Port, protocolVersion = 4, clientId = Unique("js-v4"),
                steps = new object[]
                {
                    new { subscribe = topic + "/to4", qos = 1 },
                    new { messages = 1, seconds = 5 },
                    new { publish = topic + "/to5", payload = "from 3.1.1", qos = 1 },
                },
            });
            await v4.WaitForLineAsync(l => MqttJs.IsEvent(l, "suback"), Wait, "SUBACK of the 3.1.1 client");
            using ChildProcess v5 = MqttJs.Start(new
            {
                host = TestBroker.Host, port = Port, protocolVersion = 5, clientId = Unique("js-v5"),
                steps = new object[]
                {
                    new { subscribe = topic + "/to5", qos = 1 },
                    new { publish = topic + "/to4", payload = "from 5.0", qos = 1, properties = new { userProperties = new { k = "v" } } },
                    new { messages = 1, seconds = 5 },
                },
            });
            Assert.AreEqual(0, await v4.WaitForExitAsync(ExitWait), v4.Transcript());
            Assert.AreEqual(0, await v5.WaitForExitAsync(ExitWait), v5.Transcript());
            JsonElement at4 = MqttJs.Events(v4).Single(e => e.GetProperty("event").GetString() == "message");
            Assert.AreEqual("from 5.0", at4.GetProperty("payload").GetString());
            JsonElement at5 = MqttJs.Events(v5).Single(e => e.GetProperty("event").GetString() == "message");
            Assert.AreEqual("from 3.1.1", at5.GetProperty("payload").GetString());
        }
        // ---- enhanced authentication (5.0 section 4.12): SCRAM-SHA-256 against the host's password file

        // [MQTT-4.12.0-2, MQTT-4.12.0-5] CONNECT with the method and client-first, AUTH 0x18 both ways, CONNACK 0x00 with the
        // server-final message, which proves the broker knows alice's password; the session works as any other.
        [TestMethod]
        [Timeout(15000)]
        public async Task MqttNetV5_ScramSha256EnhancedAuthenticationConnects_MQTT_4_12_0_5()
        {
            using HostAccess access = new HostAccess("user alice\ntopic readwrite #\n", false);
            StartBroker(null, access.Control);
            ScramSha256Client scram = new ScramSha256Client("alice", "secret");
            await using MqttNet5Peer peer = await MqttNet5Peer.ConnectAsync(Port, Unique("scram"),
                configure: b => b.WithEnhancedAuthentication(ScramSha256Client.Method, scram.ClientFirst()).WithEnhancedAuthenticationHandler(scram));
            Assert.AreEqual(ScramSha256Client.Method, peer.ConnectResult.AuthenticationMethod);
            Assert.IsTrue(scram.VerifyServerFinal(peer.ConnectResult.AuthenticationData), "CONNACK's server-final message");
            string topic = Unique("scram/t");
            await peer.SubscribeAsync(topic, MqttQualityOfServiceLevel.AtLeastOnce);
            await peer.PublishAsync(topic, "hello", MqttQualityOfServiceLevel.AtLeastOnce);
            Assert.AreEqual("hello", (await peer.NextAsync(Wait)).Text);
        }

        // A wrong password and an unknown user end alike: CONNACK 0x87, nothing told of which check failed.
        [TestMethod]
        [Timeout(15000)]
        public async Task MqttNetV5_ScramSha256WithAWrongPasswordIsRefusedWith0x87_MQTT_4_12_0_4()
        {
            using HostAccess access = new HostAccess("", false);
            StartBroker(null, access.Control);
            foreach ((string user, string password) in new[] { ("alice", "wrong"), ("mallory", "secret") })
            {
                ScramSha256Client scram = new ScramSha256Client(user, password);
                using IMqttClient client = new MqttClientFactory().CreateMqttClient();
                MqttClientOptions options = new MqttClientOptionsBuilder()
                    .WithTcpServer(TestBroker.Host, Port).WithClientId(Unique("scram-" + user)).WithProtocolVersion(MqttProtocolVersion.V500)
                    .WithTimeout(TimeSpan.FromSeconds(5))
                    .WithEnhancedAuthentication(ScramSha256Client.Method, scram.ClientFirst()).WithEnhancedAuthenticationHandler(scram).Build();
                string outcome;
                try
                {
                    outcome = (await client.ConnectAsync(options, Timeout)).ResultCode.ToString();
                }
                catch (MQTTnet.Adapter.MqttConnectingFailedException e)
                {
                    outcome = e.Message;
                }
                StringAssert.Contains(outcome, "NotAuthorized", user + "/" + password);
            }
        }
        // [MQTT-3.1.3-9] mosquitto_sub -V mqttv5 with a Will Delay Interval of 2 s, killed (no DISCONNECT): its will is
        // published after the delay, not at once; killed again and back within the delay, nothing is published.
        [TestMethod]
        [Timeout(20000)]
        public async Task MosquittoV5_WillWaitsItsDelayAndAReturnWithinItCancelsIt_MQTT_3_1_3_9()
        {
            string topic = Unique("v5/wills");
            string id = Unique("mosq-v5-dying");
            string[] dying = { "-V", "mqttv5", "-i", id, "-c", "-x", "60", "-t", Unique("v5/anything"), "--will-topic", topic,
                "--will-payload", "gone", "--will-qos", "1", "-D", "will", "will-delay-interval", "2" };
            using ChildProcess watcher = await StartSubAsync("-V", "mqttv5", "-t", topic, "-v", "-q", "1");
            using (ChildProcess first = await StartSubAsync(dying))
            {
                first.Kill();
            }
            DateTime killed = DateTime.UtcNow;
            string line = await watcher.WaitForLineAsync(l => IsMessageLine(l), TimeSpan.FromSeconds(6), "the will");
            Assert.AreEqual(topic + " gone", line);
            Assert.IsTrue(DateTime.UtcNow - killed >= TimeSpan.FromSeconds(1.5), "published after the 2 s delay, not at once");

            using (ChildProcess second = await StartSubAsync(dying))
            {
                second.Kill();
            }
            using (ChildProcess back = await StartSubAsync(dying))
            {
                await Task.Delay(TimeSpan.FromSeconds(3));
                Assert.AreEqual(1, watcher.Output.Split('\n').Count(l => l.Length > 0 && IsMessageLine(l)), "the client came back within the delay: no will" + watcher.Transcript());
            }
        }
    }
}
