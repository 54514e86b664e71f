using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Threading.Tasks;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MQTTnet.Protocol;

namespace NanoBroker.Tests.Integration
{
    /// <summary>
    /// [MQTT-3.3.1-6] when a new subscription is made, the last retained message on each matching topic
    /// MUST be sent to the subscriber, with RETAIN set [MQTT-3.3.1-8], at the lower of the message's and the
    /// subscription's QoS [MQTT-3.3.5-1]: all of them, also when they are more than the connection's outbox,
    /// inflight window and queue hold at once. With the ESP32's limits (BrokerOptions.Esp32()). Issue #10.
    /// </summary>
    [TestClass]
    public class RetainedDeliveryTests : MosquittoTest
    {
        private const int Topics = 32;

        /// <summary>Every limit as on the board (OutboxBytes 1536, InflightWindow 4, QueueDepth 16, MaxRetainedMessages 32, $SYS on).</summary>
        private static void BoardDefaults(BrokerOptions o)
        {
            BrokerOptions esp32 = BrokerOptions.Esp32();
            foreach (FieldInfo field in typeof(BrokerOptions).GetFields(BindingFlags.Public | BindingFlags.Instance))
            {
                field.SetValue(o, field.GetValue(esp32));
            }
            Assert.AreEqual(1536, o.OutboxBytes);
            Assert.AreEqual(4, o.InflightWindow);
            Assert.AreEqual(16, o.QueueDepth);
            Assert.AreEqual(32, o.MaxRetainedMessages);
            Assert.IsTrue(o.SysIntervalMs > 0, "$SYS statistics on, as on the board");
        }

        // About 20 bytes: "retained value 07 ..".
        private static string SmallPayload(int i)
        {
            return "retained value " + i.ToString("D2") + " ..";
        }

        // 200 bytes.
        private static string LargePayload(int i)
        {
            return ("large retained " + i.ToString("D2") + " ").PadRight(200, '.');
        }

        // The 32 retained messages r/0..r/31 at QoS 2 (each publish awaits PUBCOMP, so all are stored before the subscriber comes).
        private async Task PublishRetainedAsync(Func<int, string> payload)
        {
            await using MqttNetPeer publisher = await MqttNetPeer.ConnectAsync(Broker, "retainer", cancel: Timeout);
            for (int i = 0; i < Topics; i++)
            {
                await publisher.PublishAsync("r/" + i, payload(i), MqttQualityOfServiceLevel.ExactlyOnce, retain: true, cancel: Timeout);
            }
        }

        // mosquitto_sub -C 32 -q N -t r/# prints each retained message with its retain flag and QoS (-F "%r %q %t %p").
        [TestMethod]
        [Timeout(20000)]
        [DataRow(0)]
        [DataRow(1)]
        [DataRow(2)]
        public async Task MosquittoSub_GetsAll32RetainedMessages_WithTheBoardsDefaults_MQTT_3_3_1_6(int qos)
        {
            StartBroker(BoardDefaults);
            await PublishRetainedAsync(SmallPayload);

            using ChildProcess sub = await ChildProcess.RunAsync(TimeSpan.FromSeconds(8), "mosquitto_sub",
                Args("-i", "late-sub", "-t", "r/#", "-q", qos.ToString(), "-C", Topics.ToString(), "-W", "5", "-F", "%r %q %t %p"));
            string[] lines = sub.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            string[] expected = Enumerable.Range(0, Topics).Select(i => "1 " + qos + " r/" + i + " " + SmallPayload(i)).ToArray();
            string[] missing = expected.Except(lines).ToArray();
            Assert.IsEmpty(missing, lines.Length + " of " + Topics + " retained messages arrived at QoS " + qos + "; missing:\n  " + string.Join("\n  ", missing) + sub.Transcript());
            Assert.HasCount(Topics, lines, "each once" + sub.Transcript());
            Assert.AreEqual(0, sub.ExitCode, sub.Transcript());
        }

        // The same with MQTTnet as the late subscriber.
        [TestMethod]
        [Timeout(20000)]
        [DataRow(0)]
        [DataRow(1)]
        [DataRow(2)]
        public async Task MqttNet_GetsAll32RetainedMessages_WithTheBoardsDefaults_MQTT_3_3_1_6(int qos)
        {
            StartBroker(BoardDefaults);
            await PublishRetainedAsync(SmallPayload);
            await ExpectAllRetainedAsync(qos, SmallPayload);
        }

        // Far more retained bytes than the outbox holds: 32 payloads of 200 bytes (about 6.9 KB) through a
        // 1536-byte outbox. The retained budget and the message store are raised so that all 32 are stored.
        [TestMethod]
        [Timeout(20000)]
        [DataRow(0)]
        [DataRow(1)]
        [DataRow(2)]
        public async Task LargeRetainedMessagesBeyondTheOutbox_AllArrive_MQTT_3_3_1_6(int qos)
        {
            StartBroker(o =>
            {
                BoardDefaults(o);
                o.MaxRetainedBytes = 16384;
                o.MessageStoreBytes = 32768;
            });
            await PublishRetainedAsync(LargePayload);
            await ExpectAllRetainedAsync(qos, LargePayload);
        }

        private async Task ExpectAllRetainedAsync(int qos, Func<int, string> payload)
        {
            await using MqttNetPeer late = await MqttNetPeer.ConnectAsync(Broker, "late", cancel: Timeout);
            await late.SubscribeAsync("r/#", (MqttQualityOfServiceLevel)qos, Timeout);
            List<ReceivedMessage> got = await Collect.MessagesAsync(late, Topics, TimeSpan.FromSeconds(6));
            Assert.HasCount(Topics, got, got.Count + " of " + Topics + " retained messages arrived at QoS " + qos + ":" + Collect.Describe(got));
            CollectionAssert.AreEquivalent(Enumerable.Range(0, Topics).Select(i => "r/" + i).ToList(), got.Select(m => m.Topic).ToList(), "each topic once");
            foreach (ReceivedMessage m in got)
            {
                Assert.AreEqual(payload(int.Parse(m.Topic.Substring(2))), m.Text, m.ToString());
                Assert.IsTrue(m.Retain, "[MQTT-3.3.1-8] RETAIN set: " + m);
                Assert.AreEqual(qos, (int)m.Qos, "[MQTT-3.3.5-1] delivered at the subscription's QoS: " + m);
            }
            Assert.IsTrue(late.Client.IsConnected, "the subscriber is still connected");
        }
    }
}
