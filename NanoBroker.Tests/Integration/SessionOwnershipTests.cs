using System;
using System.Threading.Tasks;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MQTTnet;
using MQTTnet.Protocol;

namespace NanoBroker.Tests.Integration
{
    /// <summary>
    /// A session belongs to the identity that made it (a user name, or anonymous). With access control, a
    /// CONNECT naming a client id whose session (online, or persistent and offline) another identity made
    /// is refused with CONNACK 5, not authorized (MQTT 3.1.1 section 3.1.4 step 2: the Server MAY perform
    /// authorization checks, and if they fail it SHOULD send a non-zero CONNACK and MUST close the connection,
    /// before step 3's takeover [MQTT-3.1.4-2]; section 5.4.2, authorization may use the client identifier).
    /// The session, its connection and its queued messages are untouched. Issue #10.
    /// </summary>
    [TestClass]
    public class SessionOwnershipTests : AccessControlledTest
    {
        // Anonymous clients (rules before any "user" line), alice and bob all use public/#; only alice reads secret/#.
        protected override string Acl =>
            "topic readwrite public/#\n" +
            "user alice\n" +
            "topic readwrite secret/#\n" +
            "topic readwrite public/#\n" +
            "user bob\n" +
            "topic readwrite public/#\n";

        protected override bool AllowAnonymous => true;

        private static Action<MqttClientOptionsBuilder> As(string user, string password)
        {
            return b => b.WithCredentials(user, password);
        }

        // alice makes the persistent session dev1 with secret/# at QoS 1, leaves with DISCONNECT, and a QoS 1
        // message is published to secret/x while she is away.
        private async Task AliceLeavesDev1WithAQueuedMessageAsync()
        {
            await using (MqttNetPeer alice = await MqttNetPeer.ConnectAsync(Broker, "dev1", cleanSession: false, configure: As("alice", "secret"), cancel: Timeout))
            {
                Assert.IsFalse(alice.ConnectResult.IsSessionPresent, "a new session [MQTT-3.2.2-3]");
                await alice.SubscribeAsync("secret/#", MqttQualityOfServiceLevel.AtLeastOnce, Timeout);
                await alice.DisconnectAsync();
            }
            using ChildProcess pub = await PubAsync("-u", "alice", "-P", "secret", "-i", "alice-pub", "-t", "secret/x", "-m", "queued", "-q", "1");
            Assert.AreEqual(0, pub.ExitCode, pub.Transcript());
        }

        // alice comes back to dev1: the session is present [MQTT-3.2.2-2] and the queued message arrives [MQTT-3.1.2-5].
        private async Task AliceResumesDev1AndGetsTheQueuedMessageAsync()
        {
            await using MqttNetPeer alice = await MqttNetPeer.ConnectAsync(Broker, "dev1", cleanSession: false, configure: As("alice", "secret"), cancel: Timeout);
            Assert.IsTrue(alice.ConnectResult.IsSessionPresent, "alice's session dev1 is still there [MQTT-3.2.2-2]");
            ReceivedMessage m = await alice.NextAsync(Wait, "the message queued for alice's session");
            Assert.AreEqual("secret/x", m.Topic, m.ToString());
            Assert.AreEqual("queued", m.Text, m.ToString());
        }

        // The example of issue #10 with mosquitto_sub: bob (who may not read secret/#) asks for alice's offline
        // session dev1 with clean session 0. He is refused with CONNACK 5 and gets nothing; alice resumes it.
        [TestMethod]
        [Timeout(20000)]
        public async Task OtherUserResumingAnOfflineSession_IsRefusedWithCode5_AndTheOwnerKeepsItsQueuedMessage()
        {
            await AliceLeavesDev1WithAQueuedMessageAsync();

            using (ChildProcess bob = ChildProcess.Start("stdbuf", SubArgs("-u", "bob", "-P", "hunter2", "-i", "dev1", "-c", "-q", "1", "-t", "secret/#", "-v", "-C", "1", "-W", "3")))
            {
                await bob.WaitForExitAsync(ExitWait);
                StringAssert.Contains(bob.Error + bob.Output, "Connection Refused: not authorised", "bob asking for alice's session" + bob.Transcript());
                Assert.DoesNotContain("secret/x", bob.Output, "bob received alice's queued message" + bob.Transcript());
            }

            await AliceResumesDev1AndGetsTheQueuedMessageAsync();
        }

        // bob with clean session 1 under alice's online client id: refused, and alice is not disconnected
        // (no takeover [MQTT-3.1.4-2] for a refused CONNECT); her connection still delivers.
        [TestMethod]
        [Timeout(20000)]
        public async Task OtherUserWithCleanSessionOnAnOnlineSession_IsRefused_AndDoesNotDisconnectTheOwner()
        {
            await using MqttNetPeer alice = await MqttNetPeer.ConnectAsync(Broker, "dev1", cleanSession: false, configure: As("alice", "secret"), cancel: Timeout);
            await alice.SubscribeAsync("public/#", MqttQualityOfServiceLevel.AtLeastOnce, Timeout);

            using (ChildProcess bob = await PubAsync("-u", "bob", "-P", "hunter2", "-i", "dev1", "-t", "public/x", "-m", "from-bob", "-q", "1"))
            {
                Assert.AreNotEqual(0, bob.ExitCode, "bob's CONNECT under alice's client id was accepted" + bob.Transcript());
                StringAssert.Contains(bob.Error + bob.Output, "Connection Refused: not authorised", bob.Transcript());
            }

            using (ChildProcess pub = await PubAsync("-u", "alice", "-P", "secret", "-i", "alice-pub", "-t", "public/x", "-m", "after", "-q", "1"))
            {
                Assert.AreEqual(0, pub.ExitCode, pub.Transcript());
            }
            Task<ReceivedMessage> next = alice.NextAsync(Wait, "the message published after bob's attempt");
            Task first = await Task.WhenAny(next, alice.Disconnected);
            if (first == alice.Disconnected)
            {
                Assert.Fail("alice's connection was closed by bob's refused CONNECT: " + alice.Disconnected.Result.Reason);
            }
            ReceivedMessage m = await next;
            Assert.AreEqual("after", m.Text, "bob's message came through: " + m);
            Assert.IsTrue(alice.Client.IsConnected, "alice is still connected");
        }

        // bob with clean session 1 under alice's offline persistent session: refused with CONNACK 5
        // (session present 0), and the session with its queued message is not discarded [MQTT-3.1.2-6 does not apply].
        [TestMethod]
        [Timeout(20000)]
        public async Task OtherUserWithCleanSessionOnAnOfflineSession_IsRefused_AndTheSessionIsKept()
        {
            await AliceLeavesDev1WithAQueuedMessageAsync();
            await HostAccess.ExpectRefusedAsync(Broker, RawMqttClient.Connect("dev1", cleanSession: true, user: "bob", password: "hunter2"), 5, "bob, clean session 1", Timeout);
            await AliceResumesDev1AndGetsTheQueuedMessageAsync();
        }

        // An anonymous client (no user name) is another identity than alice: refused with CONNACK 5 for her
        // offline session, with clean session 0 and 1 alike.
        [TestMethod]
        [Timeout(20000)]
        public async Task AnonymousClientOnANamedUsersSession_IsRefusedWithCode5()
        {
            await AliceLeavesDev1WithAQueuedMessageAsync();
            await HostAccess.ExpectRefusedAsync(Broker, RawMqttClient.Connect("dev1", cleanSession: false), 5, "anonymous, clean session 0", Timeout);
            await HostAccess.ExpectRefusedAsync(Broker, RawMqttClient.Connect("dev1", cleanSession: true), 5, "anonymous, clean session 1", Timeout);
            await AliceResumesDev1AndGetsTheQueuedMessageAsync();
        }

        // The other way round: a session made anonymously is refused to alice, and its connection stays.
        [TestMethod]
        [Timeout(20000)]
        public async Task NamedUserOnAnAnonymousSession_IsRefusedWithCode5_AndTheAnonymousClientStays()
        {
            await using MqttNetPeer anonymous = await MqttNetPeer.ConnectAsync(Broker, "dev-anon", cleanSession: false, cancel: Timeout);
            await anonymous.SubscribeAsync("public/#", MqttQualityOfServiceLevel.AtLeastOnce, Timeout);

            await HostAccess.ExpectRefusedAsync(Broker, RawMqttClient.Connect("dev-anon", cleanSession: false, user: "alice", password: "secret"), 5, "alice on an anonymous session", Timeout);

            using (ChildProcess pub = await PubAsync("-u", "alice", "-P", "secret", "-i", "alice-pub", "-t", "public/y", "-m", "still there", "-q", "1"))
            {
                Assert.AreEqual(0, pub.ExitCode, pub.Transcript());
            }
            Task<ReceivedMessage> next = anonymous.NextAsync(Wait, "a message after alice's refused CONNECT");
            Task first = await Task.WhenAny(next, anonymous.Disconnected);
            if (first == anonymous.Disconnected)
            {
                Assert.Fail("the anonymous client was disconnected by alice's refused CONNECT: " + anonymous.Disconnected.Result.Reason);
            }
            Assert.AreEqual("still there", (await next).Text);
        }

        // The owner comes back as before: offline resume with session present 1 and the queued message
        // [MQTT-3.1.2-4, MQTT-3.2.2-2]; and taking over her own online session [MQTT-3.1.4-2] still works.
        [TestMethod]
        [Timeout(20000)]
        public async Task SameUserReconnect_ResumesTheSession_MQTT_3_2_2_2()
        {
            await AliceLeavesDev1WithAQueuedMessageAsync();
            await AliceResumesDev1AndGetsTheQueuedMessageAsync();

            await using MqttNetPeer first = await MqttNetPeer.ConnectAsync(Broker, "dev1", cleanSession: false, configure: As("alice", "secret"), cancel: Timeout);
            Assert.IsTrue(first.ConnectResult.IsSessionPresent, "[MQTT-3.2.2-2]");
            await using MqttNetPeer second = await MqttNetPeer.ConnectAsync(Broker, "dev1", cleanSession: false, configure: As("alice", "secret"), cancel: Timeout);
            Assert.IsTrue(second.ConnectResult.IsSessionPresent, "alice's own takeover resumes her session [MQTT-3.2.2-2]");
            Task gone = await Task.WhenAny(first.Disconnected, Task.Delay(Wait, Timeout));
            Assert.AreSame(first.Disconnected, gone, "alice's first connection was not disconnected by her takeover [MQTT-3.1.4-2]");
        }
    }
}
