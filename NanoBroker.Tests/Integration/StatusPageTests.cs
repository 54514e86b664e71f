using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoBroker.Host;

namespace NanoBroker.Tests.Integration
{
    /// <summary>
    /// The status page in a real browser: headless Chromium (Debian's, installed by test.sh) driven by playwright-core
    /// (js/status-page.js) loads it from the broker's web port; the page speaks MQTT over a WebSocket to the same port.
    /// A TCP client (mosquitto_pub) publishes and the message is found in the page's DOM; a screenshot of the page is
    /// written beside the test results (status-page.png) as an artefact.
    /// </summary>
    [TestClass]
    public class StatusPageTests
    {
        private static readonly TimeSpan Wait = TimeSpan.FromSeconds(40);

        public TestContext TestContext { get; set; }

        private static ChildProcess Page(object script)
        {
            Assert.IsTrue(Directory.Exists(Path.Combine(MqttJs.Folder, "node_modules", "playwright-core")),
                "playwright-core is not installed: run test.sh, or npm ci in " + MqttJs.Folder);
            return ChildProcess.Start("node", Path.Combine(MqttJs.Folder, "status-page.js"), JsonSerializer.Serialize(script));
        }

        private static async Task Publish(BrokerServer server, string topic, string message, bool retain, params string[] more)
        {
            string[] args = new[] { "-h", "127.0.0.1", "-p", server.Port.ToString(), "-t", topic, "-m", message, "-q", "1" }
                .Concat(retain ? new[] { "-r" } : new string[0]).Concat(more).ToArray();
            using ChildProcess pub = await ChildProcess.RunAsync(TimeSpan.FromSeconds(10), "mosquitto_pub", args);
            Assert.AreEqual(0, pub.ExitCode, pub.Transcript());
        }

        [TestMethod]
        public async Task ThePageShowsSysFiguresClientsRetainedTopicsAndALiveMessageFromATcpClient()
        {
            using BrokerServer server = WebSocketTests.Start(null, 500);
            await Publish(server, "house/boiler/state", "on", true);
            // A client the page lists with its subscription ($SYS/broker/clients/list).
            using ChildProcess sub = ChildProcess.Start("mosquitto_sub", "-h", "127.0.0.1", "-p", server.Port.ToString(), "-i", "thermostat",
                "-t", "house/heating/#", "-q", "1");
            string screenshot = Path.Combine(TestContext.TestRunResultsDirectory ?? Path.GetTempPath(), "status-page.png");
            using ChildProcess page = Page(new
            {
                url = "http://127.0.0.1:" + server.WebEndpoint.Port + "/",
                filter = "house/#",
                sys = true,
                client = "thermostat",
                expect = "21.5 °C",
                screenshot,
            });
            await page.WaitForLineAsync(l => l.Contains("\"event\":\"watching\""), Wait, "the page watching house/#");
            await Publish(server, "house/kitchen/temperature", "21.5 °C", false);
            Assert.AreEqual(0, await page.WaitForExitAsync(Wait), page.Transcript());
            StringAssert.Contains(page.Output, "{\"event\":\"found\",\"topic\":\"house/kitchen/temperature\",\"payload\":\"21.5 °C\"", page.Transcript());
            StringAssert.Contains(page.Output, "\"house/boiler/state\"", page.Transcript());
            StringAssert.Contains(page.Output, "{\"event\":\"client\",\"id\":\"thermostat\",\"state\":\"online\",\"subscriptions\":\"house/heating/# (QoS 1)\"}", page.Transcript());
            Assert.IsTrue(new FileInfo(screenshot).Length > 10000, "screenshot " + screenshot);
            TestContext.AddResultFile(screenshot);
        }

        [TestMethod]
        public async Task WithUsersThePageAsksForThemAndTheRulesApplyToIt()
        {
            // alice may read house/# only, bob may write anything; anonymous clients may not connect.
            using HostAccess access = new HostAccess("user alice\ntopic read house/#\nuser bob\ntopic write #\n", false);
            using BrokerServer server = WebSocketTests.Start(access.Control, 500);
            using ChildProcess page = Page(new
            {
                url = "http://127.0.0.1:" + server.WebEndpoint.Port + "/",
                user = "alice",
                password = "secret",
                refused = new[] { "#", "garden/#" },
                filter = "house/#",
                expect = "allowed",
            });
            await page.WaitForLineAsync(l => l.Contains("\"event\":\"watching\""), Wait, "the page watching house/#");
            await Publish(server, "garden/secret", "hidden", false, "-u", "bob", "-P", "hunter2");
            await Publish(server, "house/secret", "hidden", false, "-u", "alice", "-P", "secret");
            await Publish(server, "house/door", "allowed", false, "-u", "bob", "-P", "hunter2");
            Assert.AreEqual(0, await page.WaitForExitAsync(Wait), page.Transcript());
            StringAssert.Contains(page.Output, "\"event\":\"login\"", page.Transcript());
            StringAssert.Contains(page.Output, "connected as alice", page.Transcript());
            // Subscribing to # or garden/# was refused (SUBACK 0x80, shown by the page); house/# got bob's message, not
            // alice's own attempt to write (she may only read).
            StringAssert.Contains(page.Output, "{\"event\":\"refused\",\"filter\":\"garden/#\"}", page.Transcript());
            StringAssert.Contains(page.Output, "\"payloads\":[\"allowed\"]", page.Transcript());
        }
    }
}
