using System;
using System.Threading.Tasks;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MQTTnet;
using MQTTnet.Protocol;

namespace NanoBroker.Tests.Integration
{
    /// <summary>
    /// Authentication and topic rules seen from real clients (mosquitto_pub/sub, MQTTnet), with the access
    /// control the host builds from a password file, an ACL file and --allow-anonymous false.
    /// </summary>
    [TestClass]
    public class AuthTests : AccessControlledTest
    {
        // alice reads and writes sensors/#; bob only reads sensors/#; everyone may write their own clients/%c.
        protected override string Acl =>
            "# test rules\n" +
            "user alice\n" +
            "topic readwrite sensors/#\n" +
            "user bob\n" +
            "topic read sensors/#\n" +
            "pattern write clients/%c\n";

        protected override bool AllowAnonymous => false;

        // [MQTT-3.1.3-11] a user name and password the broker knows: accepted, and what alice publishes
        // to a topic she may write reaches a subscriber that may read it.
        [TestMethod]
        [Timeout(15000)]
        public async Task MosquittoWithTheRightPassword_IsAcceptedAndDelivers()
        {
            using ChildProcess sub = await StartSubAsync("-u", "bob", "-P", "hunter2", "-t", "sensors/#", "-v");
            using ChildProcess pub = await PubAsync("-u", "alice", "-P", "secret", "-t", "sensors/t1", "-m", "21.5");
            Assert.AreEqual(0, pub.ExitCode, "mosquitto_pub -u alice -P secret" + pub.Transcript());
            Assert.AreEqual("sensors/t1 21.5", await sub.WaitForLineAsync(IsMessageLine, Wait, "alice's message"));
        }

        // CONNACK 4: "Connection Refused: bad user name or password" [MQTT-3.2.2-5: then the connection closes].
        [TestMethod]
        [Timeout(15000)]
        public async Task MosquittoWithAWrongPassword_IsRefusedWithCode4()
        {
            using ChildProcess pub = await PubAsync("-u", "alice", "-P", "wrong", "-t", "sensors/t1", "-m", "x");
            Assert.AreNotEqual(0, pub.ExitCode, "mosquitto_pub with a wrong password" + pub.Transcript());
            StringAssert.Contains(pub.Error + pub.Output, "Connection Refused: bad user name or password", pub.Transcript());
            using ChildProcess stranger = await PubAsync("-u", "mallory", "-P", "secret", "-t", "sensors/t1", "-m", "x");
            StringAssert.Contains(stranger.Error + stranger.Output, "Connection Refused: bad user name or password", "an unknown user" + stranger.Transcript());
            Assert.IsTrue(Broker.Logged("refused (CONNACK 4): bad user name or password"), Broker.LogText);
        }

        // --allow-anonymous false: a client without a user name gets CONNACK 5 (not authorised).
        [TestMethod]
        [Timeout(15000)]
        public async Task MosquittoWithoutCredentials_IsRefusedWithCode5()
        {
            using ChildProcess pub = await PubAsync("-t", "sensors/t1", "-m", "x");
            Assert.AreNotEqual(0, pub.ExitCode, "anonymous mosquitto_pub" + pub.Transcript());
            StringAssert.Contains(pub.Error + pub.Output, "Connection Refused: not authorised", pub.Transcript());
            Assert.IsTrue(Broker.Logged("refused (CONNACK 5): anonymous clients are not allowed"), Broker.LogText);
        }

        // A filter the rules do not let the client read: SUBACK 0x80 [MQTT-3.9.3-2], which mosquitto_sub reports.
        [TestMethod]
        [Timeout(15000)]
        public async Task MosquittoSubscriptionToAForbiddenFilter_GetsSubAck0x80()
        {
            using ChildProcess sub = ChildProcess.Start("stdbuf", SubArgs("-u", "bob", "-P", "hunter2", "-t", "secret/#", "-W", "3"));
            await sub.WaitForExitAsync(ExitWait);
            StringAssert.Contains(sub.Error + sub.Output, "All subscription requests were denied.", sub.Transcript());
            Assert.IsTrue(Broker.Logged("refused subscription to secret/#: not allowed to read it"), Broker.LogText);
        }

        // A publish the rules forbid is acknowledged (MQTT 3.1.1 cannot refuse it) but reaches nobody.
        [TestMethod]
        [Timeout(15000)]
        public async Task MosquittoForbiddenPublish_IsNotDelivered()
        {
            using ChildProcess sub = await StartSubAsync("-u", "alice", "-P", "secret", "-t", "sensors/#", "-v", "-q", "1");
            using (ChildProcess forbidden = await PubAsync("-u", "bob", "-P", "hunter2", "-t", "sensors/t1", "-m", "from-bob", "-q", "1"))
            {
                Assert.AreEqual(0, forbidden.ExitCode, "bob's publish is acknowledged" + forbidden.Transcript());
            }
            using (ChildProcess allowed = await PubAsync("-u", "alice", "-P", "secret", "-t", "sensors/t1", "-m", "from-alice", "-q", "1"))
            {
                Assert.AreEqual(0, allowed.ExitCode, allowed.Transcript());
            }
            // Messages from one connection to another arrive in order: had bob's been delivered, it would come first.
            Assert.AreEqual("sensors/t1 from-alice", await sub.WaitForLineAsync(IsMessageLine, Wait, "alice's message"));
            Assert.IsTrue(Broker.Logged("may not publish to sensors/t1"), Broker.LogText);
        }

        // MQTTnet with a user name and password: connects, and the rules apply (pattern %c).
        [TestMethod]
        [Timeout(15000)]
        public async Task MqttNetWithCredentials_ConnectsAndFollowsTheRules()
        {
            await using MqttNetPeer alice = await MqttNetPeer.ConnectAsync(Broker, "alice-1",
                configure: b => b.WithCredentials("alice", "secret"), cancel: Timeout);
            await alice.SubscribeAsync("sensors/#", MqttQualityOfServiceLevel.AtLeastOnce, Timeout);
            await alice.PublishAsync("sensors/t2", "19", MqttQualityOfServiceLevel.AtLeastOnce, cancel: Timeout);
            ReceivedMessage m = await alice.NextAsync(Wait, "sensors/t2");
            Assert.AreEqual("19", m.Text);

            // clients/%c: bob may write clients/bob-1, not clients/someone-else; alice reads neither.
            await using MqttNetPeer bob = await MqttNetPeer.ConnectAsync(Broker, "bob-1",
                configure: b => b.WithCredentials("bob", "hunter2"), cancel: Timeout);
            await bob.PublishAsync("clients/bob-1", "mine", MqttQualityOfServiceLevel.AtLeastOnce, cancel: Timeout);
            await bob.PublishAsync("clients/alice-1", "not mine", MqttQualityOfServiceLevel.AtLeastOnce, cancel: Timeout);
            Assert.AreEqual(1L, CountLogged("may not publish to clients/alice-1"), Broker.LogText);
            Assert.AreEqual(0L, CountLogged("may not publish to clients/bob-1"), Broker.LogText);

            // A wrong password: MQTTnet reports CONNACK 4.
            IMqttClient wrong = new MqttClientFactory().CreateMqttClient();
            try
            {
                MqttClientOptions options = new MqttClientOptionsBuilder()
                    .WithTcpServer(TestBroker.Host, Broker.Port)
                    .WithClientId("alice-2")
                    .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V311)
                    .WithCredentials("alice", "not-secret")
                    .WithTimeout(TimeSpan.FromSeconds(5))
                    .Build();
                string outcome;
                try
                {
                    outcome = (await wrong.ConnectAsync(options, Timeout)).ResultCode.ToString();
                }
                catch (MQTTnet.Adapter.MqttConnectingFailedException e)
                {
                    outcome = e.Message;
                }
                StringAssert.Contains(outcome, "BadUserNameOrPassword", "MQTTnet with a wrong password");
            }
            finally
            {
                wrong.Dispose();
            }
        }

        private long CountLogged(string text)
        {
            long n = 0;
            foreach (string line in Broker.LogText.Split('\n'))
            {
                if (line.Contains(text, StringComparison.Ordinal))
                {
                    n++;
                }
            }
            return n;
        }
    }
}
