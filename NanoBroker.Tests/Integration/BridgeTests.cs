using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MQTTnet.Protocol;

namespace NanoBroker.Tests.Integration
{
    /// <summary>
    /// The bridge against a real mosquitto upstream, each test with its own mosquitto and desktop broker processes on free
    /// ports: both directions without loops, store and forward through an upstream outage, and a SIGKILL of the broker with
    /// messages still queued for the upstream (QoS 2: exactly once, [MQTT-4.3.3]).
    /// </summary>
    [TestClass]
    public class BridgeTests
    {
        private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);

        [TestMethod]
        [Timeout(90000, CooperativeCancellation = true)]
        public async Task CarriesBothWaysWithPrefixesAndNeverLoops()
        {
            int upPort = FreePort.Next();
            int port = FreePort.Next();
            string store = BridgePeers.TempFolder("mosquitto");
            string data = BridgePeers.TempFolder("broker");
            Process upstream = BridgePeers.StartMosquitto(upPort, store);
            Process broker = BridgePeers.StartBroker(port, data,
                "bridge.up.address=127.0.0.1:" + upPort, "bridge.up.topic=# both 1 site/ cloud/", "bridge.up.restart_timeout=200:1000");
            try
            {
                await using StickyClient up = await StickyClient.ConnectAsync(upPort, "up-sub", "cloud/#");
                await using StickyClient local = await StickyClient.ConnectAsync(port, "local-sub", "site/#");
                await using StickyClient sys = await StickyClient.ConnectAsync(port, "sys", "$SYS/broker/bridge/up/#", MqttQualityOfServiceLevel.AtMostOnce, clean: true);
                await sys.WaitForAsync(r => r.Contains("$SYS/broker/bridge/up/connected 1"), Within, "$SYS/broker/bridge/up/connected 1");

                await local.PublishAsync("site/a", "from-local", MqttQualityOfServiceLevel.AtLeastOnce);
                await up.PublishAsync("cloud/b", "from-up", MqttQualityOfServiceLevel.AtLeastOnce);
                await up.WaitForAsync(r => r.Contains("cloud/a from-local") && r.Contains("cloud/b from-up"), Within, "both messages upstream");
                await local.WaitForAsync(r => r.Contains("site/a from-local") && r.Contains("site/b from-up"), Within, "both messages here");
                // A loop would bring each message back to the side it came from: give it the time to.
                await Task.Delay(1000);
                CollectionAssert.AreEquivalent(new[] { "cloud/a from-local", "cloud/b from-up" }, up.Received.ToArray(), BridgePeers.LogOf(broker));
                CollectionAssert.AreEquivalent(new[] { "site/a from-local", "site/b from-up" }, local.Received.ToArray(), BridgePeers.LogOf(broker));
                await sys.WaitForAsync(r => r.Contains("$SYS/broker/bridge/up/sent 1") && r.Contains("$SYS/broker/bridge/up/received 1"), Within, "$SYS sent 1, received 1");
            }
            catch (AssertFailedException e)
            {
                throw new AssertFailedException(e.Message + "\nbroker:\n" + BridgePeers.LogOf(broker) + "\nupstream:\n" + BridgePeers.LogOf(upstream));
            }
            finally
            {
                BridgePeers.Stop(broker);
                BridgePeers.Stop(upstream);
                BridgePeers.Delete(store);
                BridgePeers.Delete(data);
            }
        }

        [TestMethod]
        [Timeout(120000, CooperativeCancellation = true)]
        public async Task UpstreamStoppedMidStream_ThousandQos1PublishedMeanwhileArriveInOrder()
        {
            int upPort = FreePort.Next();
            int port = FreePort.Next();
            string store = BridgePeers.TempFolder("mosquitto");
            string data = BridgePeers.TempFolder("broker");
            Process upstream = BridgePeers.StartMosquitto(upPort, store);
            Process broker = BridgePeers.StartBroker(port, data,
                "queue_depth=4000", "bridge.up.address=127.0.0.1:" + upPort, "bridge.up.topic=out/# out 1", "bridge.up.restart_timeout=200:1000");
            try
            {
                await using StickyClient up = await StickyClient.ConnectAsync(upPort, "up-sub", "out/#");
                await using StickyClient publisher = await StickyClient.ConnectAsync(port, "publisher", clean: true);
                await BridgeUpAsync(port);

                // Mid-stream: 200 go out, and the upstream stops while they cross.
                for (int i = 0; i < 200; i++)
                {
                    await publisher.PublishAsync("out/n", i.ToString(), MqttQualityOfServiceLevel.AtLeastOnce);
                }
                BridgePeers.Stop(upstream);
                // 1,000 while it is away: acknowledged by this broker, queued for the bridge.
                for (int i = 200; i < 1200; i++)
                {
                    await publisher.PublishAsync("out/n", i.ToString(), MqttQualityOfServiceLevel.AtLeastOnce);
                }
                upstream = BridgePeers.StartMosquitto(upPort, store);
                await up.WaitForAsync(r => Numbers(r).Distinct().Count() == 1200, Within, "all 1,200 upstream");
                List<int> first = Numbers(up.Received.ToArray()).Distinct().ToList();
                CollectionAssert.AreEqual(Enumerable.Range(0, 1200).ToList(), first, "in order (duplicates, which QoS 1 allows, aside)");
            }
            catch (AssertFailedException e)
            {
                throw new AssertFailedException(e.Message + "\nbroker:\n" + BridgePeers.LogOf(broker) + "\nupstream:\n" + BridgePeers.LogOf(upstream));
            }
            finally
            {
                BridgePeers.Stop(broker);
                BridgePeers.Stop(upstream);
                BridgePeers.Delete(store);
                BridgePeers.Delete(data);
            }
        }

        [TestMethod]
        [Timeout(120000, CooperativeCancellation = true)]
        public async Task SigkilledWithQos2QueuedForUpstream_AllArriveExactlyOnce()
        {
            int upPort = FreePort.Next();
            int port = FreePort.Next();
            string store = BridgePeers.TempFolder("mosquitto");
            string data = BridgePeers.TempFolder("broker");
            string[] config = { "bridge.up.address=127.0.0.1:" + upPort, "bridge.up.topic=q2/# out 2", "bridge.up.restart_timeout=200:1000" };
            Process upstream = BridgePeers.StartMosquitto(upPort, store);
            Process broker = BridgePeers.StartBroker(port, data, config);
            const int Count = 600;
            try
            {
                await using (StickyClient up = await StickyClient.ConnectAsync(upPort, "up-sub", "q2/#", MqttQualityOfServiceLevel.ExactlyOnce))
                {
                    await using (StickyClient publisher = await StickyClient.ConnectAsync(port, "publisher", clean: true))
                    {
                        await BridgeUpAsync(port);
                        // The upstream away: every message is acknowledged here and queued for the bridge.
                        BridgePeers.Stop(upstream);
                        for (int i = 0; i < Count; i++)
                        {
                            await publisher.PublishAsync("q2/n", i.ToString(), MqttQualityOfServiceLevel.ExactlyOnce);
                        }
                    }
                    // Killed with all of them queued; the upstream back; the broker back.
                    BridgePeers.Stop(broker, kill: true);
                    upstream = BridgePeers.StartMosquitto(upPort, store);
                    broker = BridgePeers.StartBroker(port, data, config);
                    // Killed again while it drains (some sent, some PUBREC'd, some complete), and back.
                    await up.WaitForAsync(r => Numbers(r).Count() >= Count / 4, Within, "a quarter upstream");
                    BridgePeers.Stop(broker, kill: true);
                    broker = BridgePeers.StartBroker(port, data, config);
                    await up.WaitForAsync(r => Numbers(r).Distinct().Count() == Count, Within, "all upstream");
                    await Task.Delay(1500);
                    List<int> got = Numbers(up.Received.ToArray()).ToList();
                    List<int> twice = got.GroupBy(n => n).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
                    Assert.AreEqual(0, twice.Count, "QoS 2 is exactly once [MQTT-4.3.3]; twice: " + string.Join(", ", twice.Take(20)) + "\n" + BridgePeers.LogOf(broker));
                    CollectionAssert.AreEqual(Enumerable.Range(0, Count).ToList(), got, "in order");
                }
            }
            catch (AssertFailedException e)
            {
                throw new AssertFailedException(e.Message + "\nbroker:\n" + BridgePeers.LogOf(broker) + "\nupstream:\n" + BridgePeers.LogOf(upstream));
            }
            finally
            {
                BridgePeers.Stop(broker);
                BridgePeers.Stop(upstream);
                BridgePeers.Delete(store);
                BridgePeers.Delete(data);
            }
        }

        [TestMethod]
        [Timeout(60000, CooperativeCancellation = true)]
        public async Task OverTlsToAnUpstreamWhoseCertificateTheGivenCaSigned()
        {
            int upPort = FreePort.Next();
            int port = FreePort.Next();
            string store = BridgePeers.TempFolder("mosquitto");
            string data = BridgePeers.TempFolder("broker");
            TlsTests.WriteCertificates(store);
            if (!OperatingSystem.IsWindows())
            {
                // mosquitto, started as root, reads its key as its own user.
                System.IO.File.SetUnixFileMode(System.IO.Path.Combine(store, "server.key"), (System.IO.UnixFileMode)0x1A4);
            }
            string config = System.IO.Path.Combine(store, "tls.conf");
            System.IO.File.WriteAllLines(config, new[]
            {
                "listener " + upPort + " 127.0.0.1", "allow_anonymous true", "certfile " + System.IO.Path.Combine(store, "server.pem"),
                "keyfile " + System.IO.Path.Combine(store, "server.key"),
            });
            Process upstream = BridgePeers.StartProcess("mosquitto", "-c", config);
            Process broker = BridgePeers.StartBroker(port, data, "bridge.up.address=localhost:" + upPort, "bridge.up.tls=true",
                "bridge.up.tls_ca=" + System.IO.Path.Combine(store, "ca.pem"), "bridge.up.topic=tls/# out 1", "bridge.up.restart_timeout=200:1000");
            try
            {
                await BridgeUpAsync(port);
                using ChildProcess sub = ChildProcess.Start("mosquitto_sub", "-h", "localhost", "-p", upPort.ToString(), "--cafile",
                    System.IO.Path.Combine(store, "ca.pem"), "-t", "tls/#", "-q", "1", "-C", "1");
                await Task.Delay(500);
                await using StickyClient publisher = await StickyClient.ConnectAsync(port, "publisher", clean: true);
                await publisher.PublishAsync("tls/a", "secret", MqttQualityOfServiceLevel.AtLeastOnce);
                Assert.AreEqual(0, await sub.WaitForExitAsync(TimeSpan.FromSeconds(20)), sub.Transcript());
                Assert.AreEqual("secret", sub.Output.Trim());
            }
            catch (AssertFailedException e)
            {
                throw new AssertFailedException(e.Message + "\nbroker:\n" + BridgePeers.LogOf(broker) + "\nupstream:\n" + BridgePeers.LogOf(upstream));
            }
            finally
            {
                BridgePeers.Stop(broker);
                BridgePeers.Stop(upstream);
                BridgePeers.Delete(store);
                BridgePeers.Delete(data);
            }
        }

        // Until $SYS says the bridge is connected (and so has subscribed on this side).
        private static async Task BridgeUpAsync(int port)
        {
            await using StickyClient sys = await StickyClient.ConnectAsync(port, "sys", "$SYS/broker/bridge/up/connected", MqttQualityOfServiceLevel.AtMostOnce, clean: true);
            await sys.WaitForAsync(r => r.Contains("$SYS/broker/bridge/up/connected 1"), Within, "$SYS/broker/bridge/up/connected 1");
        }

        // The sequence numbers among received "topic payload" lines (the probe left out).
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
