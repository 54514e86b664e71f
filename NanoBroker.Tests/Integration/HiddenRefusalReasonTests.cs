using System.Threading.Tasks;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace NanoBroker.Tests.Integration
{
    /// <summary>
    /// --hide-refusal-reasons true: what the rules refuse gets MQTT 5.0's 0x80 Unspecified error, the code of a server
    /// that "does not wish to reveal the reason" [MQTT 5.0 3.9.3, 3.4.2.1], in place of 0x87 (DenyRuleTests), seen
    /// from mosquitto_sub/mosquitto_pub -V mqttv5.
    /// </summary>
    [TestClass]
    public class HiddenRefusalReasonTests : AccessControlledTest
    {
        protected override string Acl =>
            "user alice\n" +
            "topic readwrite #\n" +
            "topic deny secret/#\n";

        protected override bool AllowAnonymous => false;

        protected override string[] MoreOptions => new[] { "--hide-refusal-reasons", "true" };

        [TestMethod]
        [Timeout(15000)]
        public async Task ADeniedSubscriptionGetsSubAck0x80()
        {
            using ChildProcess sub = ChildProcess.Start("stdbuf", SubArgs("-V", "mqttv5", "-d", "-u", "alice", "-P", "secret", "-t", "secret/plans", "-W", "3"));
            await sub.WaitForExitAsync(ExitWait);
            StringAssert.Contains(sub.Output, "Subscribed (mid: 1): 128", sub.Transcript());
        }

        [TestMethod]
        [Timeout(15000)]
        public async Task ADeniedPublishGetsPubAck0x80()
        {
            using ChildProcess pub = await PubAsync("-V", "mqttv5", "-d", "-u", "alice", "-P", "secret", "-t", "secret/plans", "-m", "x", "-q", "1");
            StringAssert.Contains(pub.Output + pub.Error, "Warning: Publish 1 failed: Unspecified error.", pub.Transcript());
        }
    }
}
