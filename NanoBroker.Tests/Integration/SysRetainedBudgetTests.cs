using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MQTTnet.Protocol;

namespace NanoBroker.Tests.Integration
{
    /// <summary>
    /// The broker's own $SYS statistics (retained, republished every SysIntervalMs) do not take the users'
    /// retained budget: with MaxRetainedMessages = 32, 32 user topics are all stored [MQTT-3.3.1-5] and all
    /// reach a late subscriber [MQTT-3.3.1-6]; the limit still applies to the users' 33rd topic. Issue #10.
    /// </summary>
    [TestClass]
    public class SysRetainedBudgetTests : BrokerTest
    {
        private const int Topics = 32;

        [TestMethod]
        [Timeout(20000)]
        public async Task SysStatistics_DoNotTakeTheUsersRetainedSlots_MQTT_3_3_1_5()
        {
            StartBroker(o =>
            {
                o.MaxRetainedMessages = Topics;
                o.SysIntervalMs = 200;
            });
            // $SYS is published (a first uptime arrives, retained or live) before the users' messages.
            await using MqttNetPeer sys = await MqttNetPeer.ConnectAsync(Broker, "sys-watcher", cancel: Timeout);
            await sys.SubscribeAsync("$SYS/broker/uptime", MqttQualityOfServiceLevel.AtMostOnce, Timeout);
            await sys.NextAsync(Wait, "$SYS/broker/uptime");

            await using (MqttNetPeer publisher = await MqttNetPeer.ConnectAsync(Broker, "publisher", cancel: Timeout))
            {
                for (int i = 0; i < Topics; i++)
                {
                    await publisher.PublishAsync("r/" + i, "value " + i, MqttQualityOfServiceLevel.AtLeastOnce, retain: true, cancel: Timeout);
                }
            }
            // One more round of $SYS after the users' messages were stored: it must not displace them either.
            sys.Drain();
            await sys.NextAsync(Wait, "a later $SYS/broker/uptime");

            await using MqttNetPeer late = await MqttNetPeer.ConnectAsync(Broker, "late", cancel: Timeout);
            await late.SubscribeAsync("r/#", MqttQualityOfServiceLevel.AtLeastOnce, Timeout);
            List<ReceivedMessage> got = await Collect.MessagesAsync(late, Topics, TimeSpan.FromSeconds(5));
            Assert.HasCount(Topics, got, got.Count + " of " + Topics + " user retained messages were stored:" + Collect.Describe(got));
            CollectionAssert.AreEquivalent(Enumerable.Range(0, Topics).Select(i => "r/" + i).ToList(), got.Select(m => m.Topic).ToList());
            Assert.IsTrue(got.All(m => m.Retain), "[MQTT-3.3.1-8]" + Collect.Describe(got));

            // The users' budget is still 32: a 33rd topic is delivered but not stored. A subscriber to r/32 and
            // then (second SUBSCRIBE) r/31 gets r/31's retained message first.
            await using (MqttNetPeer publisher = await MqttNetPeer.ConnectAsync(Broker, "publisher", cancel: Timeout))
            {
                await publisher.PublishAsync("r/" + Topics, "one too many", MqttQualityOfServiceLevel.AtLeastOnce, retain: true, cancel: Timeout);
            }
            await using MqttNetPeer check = await MqttNetPeer.ConnectAsync(Broker, "check", cancel: Timeout);
            await check.SubscribeAsync("r/" + Topics, MqttQualityOfServiceLevel.AtLeastOnce, Timeout);
            await check.SubscribeAsync("r/" + (Topics - 1), MqttQualityOfServiceLevel.AtLeastOnce, Timeout);
            ReceivedMessage first = await check.NextAsync(Wait, "r/31's retained message");
            Assert.AreEqual("r/" + (Topics - 1), first.Topic, "a 33rd user topic was stored beyond MaxRetainedMessages: " + first);
        }
    }
}
