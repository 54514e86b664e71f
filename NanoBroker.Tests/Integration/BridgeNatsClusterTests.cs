using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MQTTnet.Protocol;

namespace NanoBroker.Tests.Integration
{
    /// <summary>
    /// Two desktop brokers bridged to different nodes of a three-node NATS cluster (nats-server with JetStream and its
    /// MQTT listener, which speaks 3.1.1 at QoS 0/1 and does not take mosquitto's bridge flag): a message published on
    /// one broker reaches a subscriber of the other, both ways, once (the bridge drops the echo NATS sends back of what
    /// it sent up). The cluster is started once for the class.
    /// </summary>
    [TestClass]
    public class BridgeNatsClusterTests
    {
        private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);
        private static readonly List<Process> nodes = new List<Process>();
        private static readonly int[] mqttPorts = new int[3];
        private static string store;

        [ClassInitialize]
        public static async Task StartCluster(TestContext context)
        {
            store = BridgePeers.TempFolder("nats");
            int[] clientPorts = new int[3];
            int[] routePorts = new int[3];
            for (int i = 0; i < 3; i++)
            {
                clientPorts[i] = FreePort.Next();
                routePorts[i] = FreePort.Next();
                mqttPorts[i] = FreePort.Next();
            }
            string routes = string.Join(", ", routePorts.Select(p => "nats-route://127.0.0.1:" + p));
            for (int i = 0; i < 3; i++)
            {
                string config = Path.Combine(store, "n" + i + ".conf");
                File.WriteAllLines(config, new[]
                {
                    "server_name: n" + i,
                    "listen: 127.0.0.1:" + clientPorts[i],
                    "jetstream { store_dir: \"" + Path.Combine(store, "s" + i) + "\", max_mem: 64MB, max_file: 256MB }",
                    "cluster { name: nanobroker, listen: 127.0.0.1:" + routePorts[i] + ", routes: [" + routes + "] }",
                    "mqtt { listen: 127.0.0.1:" + mqttPorts[i] + " }",
                });
                nodes.Add(BridgePeers.StartProcess("nats-server", "-c", config));
            }
            // The MQTT listener works once JetStream's cluster has a leader: until a message crosses from node 0 to node 1.
            Stopwatch waited = Stopwatch.StartNew();
            while (true)
            {
                try
                {
                    await using StickyClient sub = await StickyClient.ConnectAsync(mqttPorts[1], "probe-sub", "probe", clean: true);
                    await using StickyClient pub = await StickyClient.ConnectAsync(mqttPorts[0], "probe-pub", clean: true);
                    await pub.PublishAsync("probe", "x", MqttQualityOfServiceLevel.AtLeastOnce);
                    await sub.WaitForAsync(r => r.Length > 0, TimeSpan.FromSeconds(3), "probe");
                    return;
                }
                catch (Exception) when (waited.Elapsed < TimeSpan.FromSeconds(45))
                {
                    await Task.Delay(500);
                }
            }
        }

        [ClassCleanup]
        public static void StopCluster()
        {
            foreach (Process p in nodes)
            {
                BridgePeers.Stop(p, kill: true);
            }
            nodes.Clear();
            BridgePeers.Delete(store);
        }

        [TestMethod]
        [Timeout(90000, CooperativeCancellation = true)]
        public async Task TwoBrokersOnDifferentNodes_MessagesCrossBothWaysOnce()
        {
            int portA = FreePort.Next();
            int portB = FreePort.Next();
            string dataA = BridgePeers.TempFolder("site-a");
            string dataB = BridgePeers.TempFolder("site-b");
            Process a = BridgePeers.StartBroker(portA, dataA, "bridge.nats.address=127.0.0.1:" + mqttPorts[0], "bridge.nats.clientid=site-a",
                "bridge.nats.topic=plant/# both 1", "bridge.nats.restart_timeout=200:1000");
            Process b = BridgePeers.StartBroker(portB, dataB, "bridge.nats.address=127.0.0.1:" + mqttPorts[1], "bridge.nats.clientid=site-b",
                "bridge.nats.topic=plant/# both 1", "bridge.nats.restart_timeout=200:1000");
            try
            {
                await using StickyClient onA = await StickyClient.ConnectAsync(portA, "reader-a", "plant/#");
                await using StickyClient onB = await StickyClient.ConnectAsync(portB, "reader-b", "plant/#");
                foreach (int port in new[] { portA, portB })
                {
                    await using StickyClient sys = await StickyClient.ConnectAsync(port, "sys", "$SYS/broker/bridge/nats/connected", MqttQualityOfServiceLevel.AtMostOnce, clean: true);
                    await sys.WaitForAsync(r => r.Contains("$SYS/broker/bridge/nats/connected 1"), Within, "bridge connected on port " + port);
                }
                // NATS subscriptions propagate through the cluster: wait until a first message crosses A to B.
                await using StickyClient pubA = await StickyClient.ConnectAsync(portA, "writer-a", clean: true);
                await using StickyClient pubB = await StickyClient.ConnectAsync(portB, "writer-b", clean: true);
                Stopwatch waited = Stopwatch.StartNew();
                int k = 0;
                while (!onB.Received.Any(m => m.StartsWith("plant/warmup ")))
                {
                    Assert.IsTrue(waited.Elapsed < Within, "no warm-up message crossed from A to B");
                    await pubA.PublishAsync("plant/warmup", (k++).ToString(), MqttQualityOfServiceLevel.AtLeastOnce);
                    await Task.Delay(300);
                }
                await pubA.PublishAsync("plant/a", "from-a", MqttQualityOfServiceLevel.AtLeastOnce);
                await pubB.PublishAsync("plant/b", "from-b", MqttQualityOfServiceLevel.AtLeastOnce);
                await onB.WaitForAsync(r => r.Contains("plant/a from-a") && r.Contains("plant/b from-b"), Within, "both on B");
                await onA.WaitForAsync(r => r.Contains("plant/a from-a") && r.Contains("plant/b from-b"), Within, "both on A");
                // An echo not dropped, or a loop, would bring a message a second time: give it the time to.
                await Task.Delay(1500);
                foreach (StickyClient reader in new[] { onA, onB })
                {
                    string[] got = reader.Received.Where(m => !m.StartsWith("plant/warmup ")).ToArray();
                    CollectionAssert.AreEquivalent(new[] { "plant/a from-a", "plant/b from-b" }, got, BridgePeers.LogOf(a) + BridgePeers.LogOf(b));
                }
            }
            finally
            {
                BridgePeers.Stop(a);
                BridgePeers.Stop(b);
                BridgePeers.Delete(dataA);
                BridgePeers.Delete(dataB);
            }
        }
    }
}
