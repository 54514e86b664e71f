using System.Threading.Tasks;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace NanoBroker.Tests.Integration
{
    /// <summary>
    /// "topic deny" carving an exception out of a broad grant, seen from mosquitto_pub/sub (issue #18): alice may read
    /// and write everything but secret/#, which bob may write.
    /// </summary>
    [TestClass]
    public class DenyRuleTests : AccessControlledTest
    {
        protected override string Acl =>
            "user alice\n" +
            "topic readwrite #\n" +
            "topic deny secret/#\n" +
            "user bob\n" +
            "topic write secret/#\n";

        protected override bool AllowAnonymous => false;

        // A subscription the deny covers whole: SUBACK 0x80 [MQTT-3.9.3-2], which mosquitto_sub reports.
        [TestMethod]
        [Timeout(15000)]
        public async Task SubscriptionToADeniedFilter_GetsSubAck0x80()
        {
            using ChildProcess sub = ChildProcess.Start("stdbuf", SubArgs("-u", "alice", "-P", "secret", "-t", "secret/plans", "-W", "3"));
            await sub.WaitForExitAsync(ExitWait);
            StringAssert.Contains(sub.Error + sub.Output, "All subscription requests were denied.", sub.Transcript());
        }

        // In 5.0 the SUBACK says why: 0x87 Not authorized [MQTT-3.9.3-1], as mosquitto does (mosquitto_sub -d prints it).
        [TestMethod]
        [Timeout(15000)]
        public async Task SubscriptionToADeniedFilterIn5_GetsSubAck0x87()
        {
            using ChildProcess sub = ChildProcess.Start("stdbuf", SubArgs("-V", "mqttv5", "-d", "-u", "alice", "-P", "secret", "-t", "secret/plans", "-W", "3"));
            await sub.WaitForExitAsync(ExitWait);
            StringAssert.Contains(sub.Output, "Subscribed (mid: 1): 135", sub.Transcript());
        }

        // '#' is granted; what the deny takes out of it is neither written by alice nor read by her when bob writes it.
        [TestMethod]
        [Timeout(15000)]
        public async Task BroadSubscriptionGetsAllButTheDeniedTopics()
        {
            using ChildProcess sub = await StartSubAsync("-u", "alice", "-P", "secret", "-t", "#", "-v", "-q", "1");
            using (ChildProcess denied = await PubAsync("-u", "alice", "-P", "secret", "-t", "secret/plans", "-m", "hidden", "-q", "1"))
            {
                Assert.AreEqual(0, denied.ExitCode, "acknowledged (3.1.1 cannot refuse a PUBLISH)" + denied.Transcript());
            }
            using (ChildProcess bobs = await PubAsync("-u", "bob", "-P", "hunter2", "-t", "secret/plans", "-m", "bob's", "-q", "1"))
            {
                Assert.AreEqual(0, bobs.ExitCode, bobs.Transcript());
            }
            using (ChildProcess allowed = await PubAsync("-u", "alice", "-P", "secret", "-t", "home/door", "-m", "open", "-q", "1"))
            {
                Assert.AreEqual(0, allowed.ExitCode, allowed.Transcript());
            }
            // Sent before it and routed at once: had either secret/plans been delivered, it would come first.
            Assert.AreEqual("home/door open", await sub.WaitForLineAsync(IsMessageLine, Wait, "the allowed message"));
            Assert.IsTrue(Broker.Logged("may not publish to secret/plans"), Broker.LogText);
        }
    }
}
