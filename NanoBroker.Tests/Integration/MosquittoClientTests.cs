using System;
using System.Threading.Tasks;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace NanoBroker.Tests.Integration
{
    /// <summary>The broker driven by mosquitto_pub and mosquitto_sub, as the README shows them.</summary>
    [TestClass]
    public class MosquittoClientTests : MosquittoTest
    {
        private async Task PubOkAsync(params string[] arguments)
        {
            using ChildProcess pub = await PubAsync(arguments);
            Assert.AreEqual(0, pub.ExitCode, "mosquitto_pub failed" + pub.Transcript());
        }

        private async Task<string> NextMessageAsync(ChildProcess sub)
        {
            return await sub.WaitForLineAsync(IsMessageLine, Wait, "message line");
        }

        // README, "Try it with mosquitto_pub and mosquitto_sub": terminal 2 prints "test/a hello".
        [TestMethod]
        [Timeout(10000)]
        public async Task ReadmeWalkthrough_SubscriberOfTestHashPrintsTopicAndMessage()
        {
            using ChildProcess sub = await StartSubAsync("-t", "test/#", "-v");
            await PubOkAsync("-t", "test/a", "-m", "hello");
            Assert.AreEqual("test/a hello", await NextMessageAsync(sub));
            await PubOkAsync("-t", "other/a", "-m", "not for test/#");
            await PubOkAsync("-t", "test/b/c", "-m", "deeper");
            Assert.AreEqual("test/b/c deeper", await NextMessageAsync(sub));
        }

        // [MQTT-4.3.3-*] QoS 2 both ways: mosquitto_pub completes PUBLISH/PUBREC/PUBREL/PUBCOMP with the
        // broker, and the broker delivers at QoS 2 and completes the same flow with mosquitto_sub.
        [TestMethod]
        [Timeout(10000)]
        public async Task Qos2_PublishAndDeliveryCompleteTheExactlyOnceFlow_MQTT_4_3_3()
        {
            using ChildProcess sub = await StartSubAsync("-t", "q2/t", "-q", "2", "-v");
            using ChildProcess pub = await PubAsync("-t", "q2/t", "-m", "exactly once", "-q", "2", "-d");
            Assert.AreEqual(0, pub.ExitCode, pub.Transcript());
            StringAssert.Contains(pub.Output, "received PUBREC");
            StringAssert.Contains(pub.Output, "sending PUBREL");
            StringAssert.Contains(pub.Output, "received PUBCOMP");

            string publish = await sub.WaitForLineAsync(l => l.Contains("received PUBLISH"), Wait, "PUBLISH");
            StringAssert.Contains(publish, "q2", "delivered at QoS 2: " + publish);
            await sub.WaitForLineAsync(l => l.Contains("sending PUBREC"), Wait, "PUBREC");
            await sub.WaitForLineAsync(l => l.Contains("received PUBREL"), Wait, "PUBREL from the broker");
            await sub.WaitForLineAsync(l => l.Contains("sending PUBCOMP"), Wait, "PUBCOMP");
            // libmosquitto hands a QoS 2 message to the application once the flow is complete.
            Assert.AreEqual("q2/t exactly once", await NextMessageAsync(sub));
        }

        // README "More to try": a retained message is printed at once by a later `mosquitto_sub -C 1`
        // [MQTT-3.3.1-6] with the retain flag [MQTT-3.3.1-8]; `-r -n` clears it [MQTT-3.3.1-10].
        [TestMethod]
        [Timeout(10000)]
        public async Task Retained_IsPrintedByLaterSubscriberAndClearedByEmptyMessage_MQTT_3_3_1_6()
        {
            await PubOkAsync("-t", "home/lamp", "-m", "on", "-r", "-q", "1");
            using (ChildProcess later = await ChildProcess.RunAsync(ExitWait, "stdbuf", SubArgs("-t", "home/lamp", "-C", "1", "-v", "-d", "-W", "4")))
            {
                Assert.AreEqual(0, later.ExitCode, "mosquitto_sub -C 1 got no message" + later.Transcript());
                StringAssert.Contains(later.Output, "home/lamp on");
                StringAssert.Contains(later.Output, "r1,", "RETAIN set on the retained message: " + later.Output);
            }

            await PubOkAsync("-t", "home/lamp", "-r", "-n");
            await PubOkAsync("-t", "home/kept", "-m", "still here", "-r");
            using (ChildProcess after = await ChildProcess.RunAsync(ExitWait, "stdbuf", SubArgs("-t", "home/#", "-C", "1", "-v", "-W", "4")))
            {
                Assert.AreEqual(0, after.ExitCode, after.Transcript());
                Assert.AreEqual("home/kept still here", after.Output.Trim(), "home/lamp was cleared, so the first retained message is home/kept");
            }
        }

        // MQTT 3.1 clients (protocol name "MQIsdp", level 3) are accepted and interoperate with 3.1.1 ones.
        [TestMethod]
        [Timeout(10000)]
        public async Task Mqtt31Clients_PublishAndSubscribe()
        {
            using ChildProcess sub31 = await StartSubAsync("-V", "mqttv31", "-i", "sub-v31", "-t", "v31/#", "-q", "1", "-v");
            using ChildProcess sub311 = await StartSubAsync("-V", "mqttv311", "-i", "sub-v311", "-t", "v31/#", "-v");
            await PubOkAsync("-V", "mqttv31", "-i", "pub-v31", "-t", "v31/a", "-m", "from 3.1", "-q", "1");
            await PubOkAsync("-V", "mqttv311", "-t", "v31/b", "-m", "from 3.1.1");
            Assert.AreEqual("v31/a from 3.1", await NextMessageAsync(sub31));
            Assert.AreEqual("v31/b from 3.1.1", await NextMessageAsync(sub31));
            Assert.AreEqual("v31/a from 3.1", await NextMessageAsync(sub311));
            Assert.AreEqual("v31/b from 3.1.1", await NextMessageAsync(sub311));
            Assert.IsTrue(Broker.Logged("client sub-v31 connected (connection") && Broker.Logged("MQTT 3.1, clean"), "the broker saw an MQTT 3.1 connection");
        }

        // MQTT 3.1 allows client identifiers of at most 23 bytes: a longer one gets CONNACK 2 (identifier rejected).
        [TestMethod]
        [Timeout(10000)]
        public async Task Mqtt31_ClientIdLongerThan23Bytes_IsRejected()
        {
            using ChildProcess pub = await PubAsync("-V", "mqttv31", "-i", "a-client-id-of-30-bytes-000000", "-t", "x", "-m", "y");
            Assert.AreNotEqual(0, pub.ExitCode, pub.Transcript());
            StringAssert.Contains(pub.Error, "identifier rejected", pub.Transcript());
        }

        // [MQTT-3.1.2-8] mosquitto_sub killed with SIGKILL sends no DISCONNECT: its will is published.
        [TestMethod]
        [Timeout(10000)]
        public async Task Will_OfKilledMosquittoSubIsPublished_MQTT_3_1_2_8()
        {
            using ChildProcess watcher = await StartSubAsync("-t", "wills/#", "-v");
            using ChildProcess dying = await StartSubAsync("-i", "dying", "-t", "anything", "--will-topic", "wills/dying", "--will-payload", "gone", "--will-qos", "1");
            dying.Kill();
            Assert.AreEqual("wills/dying gone", await NextMessageAsync(watcher));
            Assert.IsTrue(Broker.Logged("client dying disconnected: connection closed by the network"), "broker log:\n" + Broker.LogText);
        }

        // [MQTT-3.1.2-10] mosquitto_sub ending by itself (-C 1) sends DISCONNECT: no will.
        [TestMethod]
        [Timeout(10000)]
        public async Task Will_OfMosquittoSubEndingNormallyIsNotPublished_MQTT_3_1_2_10()
        {
            using ChildProcess watcher = await StartSubAsync("-t", "wills/#", "-v");
            using ChildProcess leaving = await StartSubAsync("-i", "leaving", "-t", "go", "-C", "1", "--will-topic", "wills/leaving", "--will-payload", "gone");
            await PubOkAsync("-t", "go", "-m", "now");
            Assert.AreEqual(0, await leaving.WaitForExitAsync(ExitWait), leaving.Transcript());
            await Task.Delay(300, Timeout);
            await PubOkAsync("-t", "wills/marker", "-m", "marker");
            Assert.AreEqual("wills/marker marker", await NextMessageAsync(watcher), "the will was published after DISCONNECT");
        }

        // README: `mosquitto_sub -i sensor-1 -c -q 1 -t 'cmd/#'` is a persistent session [MQTT-3.1.2-4]:
        // killed, then messages published at QoS 1, started again, it prints them in order [MQTT-4.6.0-6].
        [TestMethod]
        [Timeout(10000)]
        public async Task PersistentSession_KilledSubscriberGetsQueuedMessagesWhenStartedAgain_MQTT_3_1_2_4()
        {
            using (ChildProcess first = await StartSubAsync("-i", "sensor-1", "-c", "-q", "1", "-t", "cmd/#", "-v"))
            {
                first.Kill();
            }
            for (int i = 1; i <= 3; i++)
            {
                await PubOkAsync("-t", "cmd/x", "-m", "command " + i, "-q", "1");
            }
            // The queued messages may come before the SUBACK of the repeated subscription: no waiting for it.
            using ChildProcess again = ChildProcess.Start("stdbuf", SubArgs("-d", "-i", "sensor-1", "-c", "-q", "1", "-t", "cmd/#", "-v"));
            for (int i = 1; i <= 3; i++)
            {
                Assert.AreEqual("cmd/x command " + i, await NextMessageAsync(again));
            }
            await again.WaitForLineAsync(l => l.StartsWith("Subscribed (mid", StringComparison.Ordinal), Wait, "SUBACK");
            Assert.IsTrue(Broker.Logged("client sensor-1 connected") && Broker.Logged("session resumed"), "broker log:\n" + Broker.LogText);
        }

        // A packet larger than MaxPacketSize closes the publisher's connection before the rest is read
        // (the broker's documented limit); the message goes nowhere and the broker keeps serving others.
        [TestMethod]
        [Timeout(10000)]
        public async Task OversizedPublish_ClosesThatConnectionAndBrokerKeepsServing()
        {
            StartBroker(o => o.MaxPacketSize = 1024);
            using ChildProcess sub = await StartSubAsync("-t", "big/#", "-v");

            using (ChildProcess big = await PubAsync("-t", "big/t", "-q", "1", "-m", new string('x', 5000)))
            {
                Assert.AreNotEqual(0, big.ExitCode, "mosquitto_pub of 5000 bytes at QoS 1 was acknowledged" + big.Transcript());
                StringAssert.Contains(big.Error, "connection was lost", big.Transcript());
            }
            Assert.IsTrue(Broker.Logged("exceeds the maximum packet size 1024"), "broker log:\n" + Broker.LogText);

            await PubOkAsync("-t", "big/t", "-q", "1", "-m", new string('y', 900));
            Assert.AreEqual("big/t " + new string('y', 900), await NextMessageAsync(sub), "the oversized message was delivered, or the next one was not");
        }
    }
}
