using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MQTTnet.Protocol;

namespace NanoBroker.Tests.Integration
{
    /// <summary>Many messages from several publishers to several subscribers at once: nothing lost, nothing doubled, order kept.</summary>
    [TestClass]
    public class MqttNetLoadTests : BrokerTest
    {
        private const int Publishers = 4;
        private const int Subscribers = 3;
        private const int MessagesPerPublisher = 500;

        // [MQTT-4.3.2-*] QoS 1 is at least once, and with no reconnect no duplicate is expected;
        // [MQTT-4.6.0-6] messages of one publisher on one topic reach each subscriber in publish order.
        [TestMethod]
        [Timeout(10000)]
        public async Task ManyQos1Messages_FromSeveralPublishers_AllArriveInOrderPerPublisher_MQTT_4_6_0_6()
        {
            List<MqttNetPeer> peers = new List<MqttNetPeer>();
            try
            {
                MqttNetPeer[] subscribers = new MqttNetPeer[Subscribers];
                for (int s = 0; s < Subscribers; s++)
                {
                    subscribers[s] = await MqttNetPeer.ConnectAsync(Broker, "sub" + s, cancel: Timeout);
                    peers.Add(subscribers[s]);
                    await subscribers[s].SubscribeAsync("load/#", MqttQualityOfServiceLevel.AtLeastOnce, Timeout);
                }
                MqttNetPeer[] publishers = new MqttNetPeer[Publishers];
                for (int p = 0; p < Publishers; p++)
                {
                    publishers[p] = await MqttNetPeer.ConnectAsync(Broker, "pub" + p, cancel: Timeout);
                    peers.Add(publishers[p]);
                }

                Stopwatch clock = Stopwatch.StartNew();
                // Each publisher sends its messages one after the other (awaiting PUBACK), all publishers at once.
                Task[] publishing = publishers.Select((publisher, p) => Task.Run(async () =>
                {
                    string padding = new string((char)('a' + p), 100);
                    for (int i = 0; i < MessagesPerPublisher; i++)
                    {
                        await publisher.PublishAsync("load/p" + p, p + ":" + i + ":" + padding, MqttQualityOfServiceLevel.AtLeastOnce, cancel: Timeout);
                    }
                })).ToArray();
                Task<string>[] receiving = subscribers.Select(subscriber => Task.Run(() => ReceiveAllAsync(subscriber))).ToArray();

                await Task.WhenAll(publishing);
                string[] problems = await Task.WhenAll(receiving);
                TestContext.WriteLine(Publishers * MessagesPerPublisher + " messages to " + Subscribers + " subscribers in " + clock.ElapsedMilliseconds + " ms");
                foreach (string problem in problems)
                {
                    Assert.IsNull(problem);
                }
                foreach (MqttNetPeer subscriber in subscribers)
                {
                    Assert.IsEmpty(subscriber.Drain(), subscriber.ClientId + " received more than was published");
                }
            }
            finally
            {
                foreach (MqttNetPeer peer in peers)
                {
                    await peer.DisposeAsync();
                }
            }
        }

        // Null when every publisher's messages arrived once each and in order, else what went wrong.
        private static async Task<string> ReceiveAllAsync(MqttNetPeer subscriber)
        {
            int[] next = new int[Publishers];
            for (int n = 0; n < Publishers * MessagesPerPublisher; n++)
            {
                ReceivedMessage m = await subscriber.NextAsync(TimeSpan.FromSeconds(5), "message " + (n + 1) + " of " + Publishers * MessagesPerPublisher);
                string[] parts = m.Text.Split(':');
                int p = int.Parse(parts[0]);
                int i = int.Parse(parts[1]);
                if (m.Topic != "load/p" + p || m.Qos != MqttQualityOfServiceLevel.AtLeastOnce || parts[2].Length != 100)
                {
                    return subscriber.ClientId + ": unexpected " + m;
                }
                if (i != next[p])
                {
                    return subscriber.ClientId + ": from publisher " + p + " expected message " + next[p] + " but got " + i + " (after " + n + " messages)";
                }
                next[p]++;
            }
            return null;
        }
    }
}
