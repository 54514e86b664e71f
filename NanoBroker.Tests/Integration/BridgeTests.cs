using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MQTTnet.Protocol;

namespace NanoBroker.Tests.Integration
{
    /// <summary>
    /// The bridge against a real mosquitto upstream, each test with its own mosquitto and desktop broker processes on free
    /// ports (<see cref="BridgeRig"/>): both directions without loops, store and forward through an upstream outage, a
    /// SIGKILL of the broker with messages still queued for the upstream (QoS 2: exactly once, [MQTT-4.3.3]), and TLS.
    /// </summary>
    [TestClass]
    public class BridgeTests
    {
        private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);

        [TestMethod]
        [Timeout(90000, CooperativeCancellation = true)]
        public async Task CarriesBothWaysWithPrefixesAndNeverLoops()
        {
            // MQTT 3.1.1 upstream with mosquitto's bridge flag (try_private).
            await BothWaysOnceAsync("New bridge connected from", "bridge.up.topic=# both 1 site/ cloud/");
        }

        [TestMethod]
        [Timeout(90000, CooperativeCancellation = true)]
        public async Task OverMqtt5UpstreamNoLocalKeepsItsOwnMessagesFromComingBack_MQTT_3_8_3_1()
        {
            await BothWaysOnceAsync("as nanobroker-up (p5", "bridge.up.topic=# both 1 site/ cloud/", "bridge.up.protocol_version=mqttv50");
        }

        // The bridge connects as mosquitto's log says (upstreamSays), carries a message each way once, and $SYS counts them.
        private static async Task BothWaysOnceAsync(string upstreamSays, params string[] bridgeLines)
        {
            using BridgeRig rig = new BridgeRig(bridgeLines);
            try
            {
                await using StickyClient up = await StickyClient.ConnectAsync(rig.UpstreamPort, "up-sub", "cloud/#");
                await using StickyClient local = await StickyClient.ConnectAsync(rig.Port, "local-sub", "site/#");
                await using StickyClient sys = await StickyClient.ConnectAsync(rig.Port, "sys", "$SYS/broker/bridge/up/#", MqttQualityOfServiceLevel.AtMostOnce, clean: true);
                await sys.WaitForAsync(r => r.Contains("$SYS/broker/bridge/up/connected 1"), Within, "$SYS/broker/bridge/up/connected 1");

                await local.PublishAsync("site/a", "from-local", MqttQualityOfServiceLevel.AtLeastOnce);
                await up.PublishAsync("cloud/b", "from-up", MqttQualityOfServiceLevel.AtLeastOnce);
                await up.WaitForAsync(r => r.Contains("cloud/a from-local") && r.Contains("cloud/b from-up"), Within, "both messages upstream");
                await local.WaitForAsync(r => r.Contains("site/a from-local") && r.Contains("site/b from-up"), Within, "both messages here");
                // A loop would bring each message back to the side it came from: give it the time to.
                await Task.Delay(1000);
                CollectionAssert.AreEquivalent(new[] { "cloud/a from-local", "cloud/b from-up" }, up.Received.ToArray());
                CollectionAssert.AreEquivalent(new[] { "site/a from-local", "site/b from-up" }, local.Received.ToArray());
                await sys.WaitForAsync(r => r.Contains("$SYS/broker/bridge/up/sent 1") && r.Contains("$SYS/broker/bridge/up/received 1"), Within, "$SYS sent 1, received 1");
                StringAssert.Contains(BridgePeers.LogOf(rig.Upstream), upstreamSays);
            }
            catch (AssertFailedException e)
            {
                throw new AssertFailedException(e.Message + rig.Logs);
            }
        }

        [TestMethod]
        [Timeout(120000, CooperativeCancellation = true)]
        public async Task UpstreamStoppedMidStream_ThousandQos1PublishedMeanwhileArriveInOrder()
        {
            using BridgeRig rig = new BridgeRig("queue_depth=4000", "bridge.up.topic=out/# out 1");
            try
            {
                await using StickyClient up = await StickyClient.ConnectAsync(rig.UpstreamPort, "up-sub", "out/#");
                await using StickyClient publisher = await StickyClient.ConnectAsync(rig.Port, "publisher", clean: true);
                await rig.BridgeUpAsync(Within);

                // Mid-stream: 200 go out, and the upstream stops while they cross.
                for (int i = 0; i < 200; i++)
                {
                    await publisher.PublishAsync("out/n", i.ToString(), MqttQualityOfServiceLevel.AtLeastOnce);
                }
                BridgePeers.Stop(rig.Upstream);
                // 1,000 while it is away: acknowledged by this broker, queued for the bridge.
                for (int i = 200; i < 1200; i++)
                {
                    await publisher.PublishAsync("out/n", i.ToString(), MqttQualityOfServiceLevel.AtLeastOnce);
                }
                rig.StartUpstream();
                await up.WaitForAsync(r => Numbers(r).Distinct().Count() == 1200, Within, "all 1,200 upstream");
                List<int> first = Numbers(up.Received.ToArray()).Distinct().ToList();
                CollectionAssert.AreEqual(Enumerable.Range(0, 1200).ToList(), first, "in order (duplicates, which QoS 1 allows, aside)");
            }
            catch (AssertFailedException e)
            {
                throw new AssertFailedException(e.Message + rig.Logs);
            }
        }

        [TestMethod]
        [Timeout(120000, CooperativeCancellation = true)]
        public async Task SigkilledWithQos2QueuedForUpstream_AllArriveExactlyOnce()
        {
            const int Count = 600;
            using BridgeRig rig = new BridgeRig("bridge.up.topic=q2/# out 2");
            try
            {
                await using StickyClient up = await StickyClient.ConnectAsync(rig.UpstreamPort, "up-sub", "q2/#", MqttQualityOfServiceLevel.ExactlyOnce);
                await using (StickyClient publisher = await StickyClient.ConnectAsync(rig.Port, "publisher", clean: true))
                {
                    await rig.BridgeUpAsync(Within);
                    // The upstream away: every message is acknowledged here and queued for the bridge.
                    BridgePeers.Stop(rig.Upstream);
                    for (int i = 0; i < Count; i++)
                    {
                        await publisher.PublishAsync("q2/n", i.ToString(), MqttQualityOfServiceLevel.ExactlyOnce);
                    }
                }
                // Killed with all of them queued; the upstream back; the broker back.
                BridgePeers.Stop(rig.Broker, kill: true);
                rig.StartUpstream();
                rig.StartBroker();
                // Killed again while it drains (some sent, some PUBREC'd, some complete), and back.
                await up.WaitForAsync(r => Numbers(r).Count() >= Count / 4, Within, "a quarter upstream");
                BridgePeers.Stop(rig.Broker, kill: true);
                rig.StartBroker();
                await up.WaitForAsync(r => Numbers(r).Distinct().Count() == Count, Within, "all upstream");
                await Task.Delay(1500);
                List<int> got = Numbers(up.Received.ToArray()).ToList();
                List<int> twice = got.GroupBy(n => n).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
                Assert.AreEqual(0, twice.Count, "QoS 2 is exactly once [MQTT-4.3.3]; twice: " + string.Join(", ", twice.Take(20)));
                CollectionAssert.AreEqual(Enumerable.Range(0, Count).ToList(), got, "in order");
            }
            catch (AssertFailedException e)
            {
                throw new AssertFailedException(e.Message + rig.Logs);
            }
        }

        [TestMethod]
        [Timeout(60000, CooperativeCancellation = true)]
        public async Task OverTlsToAnUpstreamWhoseCertificateTheGivenCaSigned()
        {
            string certificates = BridgePeers.TempFolder("tls");
            TlsTests.WriteCertificates(certificates);
            if (!OperatingSystem.IsWindows())
            {
                // mosquitto, started as root, reads its key as its own user.
                File.SetUnixFileMode(certificates, (UnixFileMode)0x1ED);
                File.SetUnixFileMode(Path.Combine(certificates, "server.key"), (UnixFileMode)0x1A4);
            }
            int tlsPort = FreePort.Next();
            string config = Path.Combine(certificates, "tls.conf");
            File.WriteAllLines(config, new[]
            {
                "listener " + tlsPort + " 127.0.0.1", "allow_anonymous true", "certfile " + Path.Combine(certificates, "server.pem"),
                "keyfile " + Path.Combine(certificates, "server.key"),
            });
            System.Diagnostics.Process upstream = BridgePeers.StartProcess("mosquitto", "-c", config);
            using BridgeRig rig = new BridgeRig("bridge.tls.address=localhost:" + tlsPort, "bridge.tls.tls=true",
                "bridge.tls.tls_ca=" + Path.Combine(certificates, "ca.pem"), "bridge.tls.topic=tls/# out 1", "bridge.up.topic=unused/# out 0");
            try
            {
                await using (StickyClient sys = await StickyClient.ConnectAsync(rig.Port, "sys", "$SYS/broker/bridge/tls/connected", MqttQualityOfServiceLevel.AtMostOnce, clean: true))
                {
                    await sys.WaitForAsync(r => r.Contains("$SYS/broker/bridge/tls/connected 1"), Within, "the TLS bridge connected");
                }
                using ChildProcess sub = ChildProcess.Start("mosquitto_sub", "-h", "localhost", "-p", tlsPort.ToString(), "--cafile",
                    Path.Combine(certificates, "ca.pem"), "-t", "tls/#", "-q", "1", "-C", "1");
                await Task.Delay(500);
                await using StickyClient publisher = await StickyClient.ConnectAsync(rig.Port, "publisher", clean: true);
                await publisher.PublishAsync("tls/a", "secret", MqttQualityOfServiceLevel.AtLeastOnce);
                Assert.AreEqual(0, await sub.WaitForExitAsync(TimeSpan.FromSeconds(20)), sub.Transcript());
                Assert.AreEqual("secret", sub.Output.Trim());
            }
            catch (AssertFailedException e)
            {
                throw new AssertFailedException(e.Message + rig.Logs + "\ntls upstream:\n" + BridgePeers.LogOf(upstream));
            }
            finally
            {
                BridgePeers.Stop(upstream);
                BridgePeers.Delete(certificates);
            }
        }

        // The sequence numbers among received "topic payload" lines.
        private static IEnumerable<int> Numbers(string[] received)
        {
            foreach (string line in received)
            {
                int n;
                if (int.TryParse(line.Substring(line.IndexOf(' ') + 1), out n))
                {
                    yield return n;
                }
            }
        }
    }
}
