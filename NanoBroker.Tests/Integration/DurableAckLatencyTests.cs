using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace NanoBroker.Tests.Integration
{
    /// <summary>
    /// At idle with the desktop defaults (StorageCommitDelayMs 5 ms), the acknowledgements that wait for a storage
    /// commit (a persistent CONNACK, its SUBACK, a retained QoS 1 PUBACK) come within a few milliseconds over real TCP:
    /// the loop wakes when the commit is due (Broker.NextStorageCommitMs), not at its next 100 ms tick. The board's
    /// loop (1 ms sleeps, no Select) keeps the commit delay too.
    /// </summary>
    [TestClass]
    public class DurableAckLatencyTests
    {
        private const int Tries = 7;
        private const double BoundMs = 50;

        [TestMethod]
        public Task DesktopLoopAcknowledgesDurableStateWithinTheCommitDelay()
        {
            return Measure(false);
        }

        [TestMethod]
        public Task BoardLoopAcknowledgesDurableStateWithinTheCommitDelay()
        {
            return Measure(true);
        }

        private static async Task Measure(bool boardLoop)
        {
            string folder = Path.Combine(Path.GetTempPath(), "nanobroker-acklat-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            TestBroker broker = TestBroker.StartWithData(folder, boardLoop);
            try
            {
                Assert.AreEqual(5, broker.Options.StorageCommitDelayMs, "the desktop default");
                double[] connack = new double[Tries], suback = new double[Tries], puback = new double[Tries];
                using CancellationTokenSource cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                for (int i = 0; i < Tries; i++)
                {
                    // Idle between tries, at no fixed phase of the loop's tick.
                    await Task.Delay(20 + 13 * i);
                    RawMqttClient client = await RawMqttClient.OpenAsync(broker, cancel.Token);
                    using (client)
                    {
                        Stopwatch watch = Stopwatch.StartNew();
                        await client.SendAsync(RawMqttClient.Connect("acklat-" + i, cleanSession: false), cancel.Token);
                        await client.ExpectPacketAsync(0x20, "CONNACK");
                        connack[i] = watch.Elapsed.TotalMilliseconds;

                        watch.Restart();
                        await client.SendAsync(RawMqttClient.Subscribe(1, "acklat/" + i, 1), cancel.Token);
                        await client.ExpectPacketAsync(0x90, "SUBACK");
                        suback[i] = watch.Elapsed.TotalMilliseconds;

                        watch.Restart();
                        await client.SendAsync(RawMqttClient.Publish("acklat/retained/" + i, new byte[] { 1 }, 1, packetId: 2, retain: true), cancel.Token);
                        await client.ExpectPacketAsync(0x40, "PUBACK");
                        puback[i] = watch.Elapsed.TotalMilliseconds;
                        await client.SendAsync(new byte[] { 0xE0, 0 }, cancel.Token);
                    }
                }
                string figures = "CONNACK " + Median(connack) + " ms, SUBACK " + Median(suback) + " ms, PUBACK " + Median(puback) + " ms (medians of " + Tries + ")";
                Console.WriteLine(figures);
                Assert.IsTrue(Median(connack) < BoundMs && Median(suback) < BoundMs && Median(puback) < BoundMs, figures + "; bound " + BoundMs + " ms");
            }
            finally
            {
                broker.Stop();
                Directory.Delete(folder, true);
            }
        }

        private static double Median(double[] values)
        {
            double[] sorted = (double[])values.Clone();
            Array.Sort(sorted);
            return Math.Round(sorted[sorted.Length / 2], 2);
        }
    }
}
