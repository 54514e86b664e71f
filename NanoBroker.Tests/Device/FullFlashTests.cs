using System;
using System.Diagnostics;
using System.IO;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoBroker.Esp32;
using NanoBroker.Protocol;
using NanoBroker.Storage;
using NanoBroker.Tests.Engine.Harness;

namespace NanoBroker.Tests.Device
{
    /// <summary>
    /// The board's FlashStorage over a file system that really fills up: a tmpfs of the size of the ESP32's I:\
    /// partition (256 KB; tmpfs counts whole 4 KB pages, as littlefs counts 4 KB blocks), mounted for the test
    /// (Linux, as root, as CI runs; elsewhere the tests are inconclusive). A firmware configuration file shares it.
    /// </summary>
    [TestClass]
    public class FullFlashTests
    {
        private const int PartitionBytes = 262144;

        [TestMethod]
        public void OnAFlashThatFillsUpTheBrokerKeepsRunningRefusesNewDurableStateAndRecoversWithRoom()
        {
            string folder = MountPartition();
            try
            {
                BrokerOptions options = TestBroker.SmallOptions();
                options.StorageCommitDelayMs = 0;
                // Beyond the file system: here the file system fills up before the bound is reached.
                options.MaxStorageBytes = 4 * PartitionBytes;
                TestBroker b = TestBroker.Restored(new FlashStorage(folder), options);
                TestClient sleeper = b.Connect("sleeper", false);
                b.Subscribe(sleeper, "cmd/#", 1);
                sleeper.Disconnect();
                TestClient watcher = b.Subscriber("watcher", "home/#", 0);

                // Other files take all but 12 KB (4 KB pages: the log's pages, and the page being appended to).
                string filler = folder + "other.bin";
                File.WriteAllBytes(filler, new byte[PartitionBytes - 12288 - 8192]);

                TestClient publisher = b.Connect("pub", false);
                int acknowledged = -1;
                int i = 0;
                for (; i < 1000; i++)
                {
                    publisher.Publish("home/counter", "value " + i + " " + new string('x', 200), 1, true, 1 + i % 60000);
                    Expect.Publish(watcher.Read(), "home/counter", "value " + i + " " + new string('x', 200), 0, false);
                    b.CommitStorage();
                    Packet ack = publisher.Read();
                    if (ack == null)
                    {
                        break;
                    }
                    Expect.Ack(ack, PacketType.PubAck, 1 + i % 60000);
                    acknowledged = i;
                }
                Assert.IsTrue(acknowledged > 0 && i < 1000, "the file system filled up after " + acknowledged + " commits");
                Assert.AreEqual((int)StorageState.Failing, (int)b.Broker.StorageState);
                Assert.IsTrue(publisher.IsClosing, "the PUBLISH whose record could not be written is not acknowledged");

                // The broker goes on, and answers what needs the flash with the limits' answers.
                TestClient clean = b.Connect("clean");
                clean.Publish("alerts/smoke", "kitchen", 1, false, 9);
                Expect.Ack(clean.Read(), PacketType.PubAck, 9);
                TestClient fresh = b.Open();
                fresh.Send(Packets.Connect("fresh", false, 0));
                b.ExpectConnAck(fresh, ConnectReturnCode.ServerUnavailable);
                TestClient willing = b.Open();
                willing.Send(Packets.Connect("willing", true, 60, "status/willing", "gone", 1, false));
                b.ExpectConnAck(willing, ConnectReturnCode.ServerUnavailable);
                TestClient resumed = b.Resume("sleeper");
                resumed.Subscribe(2, "alerts/#", 1);
                Expect.AreEqual(0x80, resumed.Read().ReturnCodes[0], "SUBACK for a new subscription of a persistent session");
                clean.Publish("home/lamp", "on", 0, true, 0);
                Expect.Publish(watcher.Read(), "home/lamp", "on", 0, false);
                Assert.IsNull(b.Subscriber("late", "home/lamp", 0).Read(), "delivered, not stored");

                // Room again: the retry writes the log whole from memory, and durable state is taken again.
                File.Delete(filler);
                b.Tick(Broker.StorageRetryMs);
                Assert.AreEqual((int)StorageState.Ok, (int)b.Broker.StorageState);
                b.Connect("fresh", false);

                // A restart (the board's reset) finds every value the broker held, and no torn record.
                TestBroker after = TestBroker.Restored(new FlashStorage(folder), options);
                Assert.IsTrue(after.RestoreSummary.IndexOf("cut") < 0, after.RestoreSummary);
                Expect.Publish(after.Subscriber("reader", "home/#", 0).Read(), "home/counter", "value " + i + " " + new string('x', 200), 0, true);
                after.Resume("sleeper");
                after.Resume("fresh");
            }
            finally
            {
                Unmount(folder);
            }
        }

        [TestMethod]
        public void TheBoardsMaxStorageBytesLeavesTheFirmwareItsRoomOnAFullBroker()
        {
            string folder = MountPartition();
            try
            {
                // The board's defaults, with room for far more retained state than the flash bound allows.
                BrokerOptions options = TestBroker.SmallOptions();
                options.StorageCommitDelayMs = 0;
                options.MaxRetainedMessages = 200;
                options.MaxRetainedBytes = 200000;
                options.MaxStoredMessages = 400;
                options.MessageStoreBytes = 262144;
                Assert.AreEqual(131072, options.MaxStorageBytes, "the board's default");
                File.WriteAllBytes(folder + "con_wireless80211_0.sys", new byte[108]);
                TestBroker b = TestBroker.Restored(new FlashStorage(folder), options);
                TestClient publisher = b.Connect("pub");
                long most = 0;
                for (int i = 0; i < 150; i++)
                {
                    publisher.Publish("sensor/" + i, new string('v', 700), 1, true, i + 1);
                    b.CommitStorage();
                    Expect.Ack(publisher.Read(), PacketType.PubAck, i + 1);
                    long used = BrokerFileBytes(folder);
                    most = used > most ? used : most;
                }
                Assert.AreEqual((int)StorageState.Full, (int)b.Broker.StorageState);
                Assert.IsTrue(most <= options.MaxStorageBytes, "the log and its compaction copy took " + most + " bytes");

                // The firmware saves its Wi-Fi configuration again (as at every connect) and a certificate fits too.
                File.WriteAllBytes(folder + "con_wireless80211_0.sys", new byte[108]);
                File.WriteAllBytes(folder + "con_x509certificate_0.sys", new byte[16384]);
                Assert.AreEqual((int)StorageState.Full, (int)b.Broker.StorageState, "full, not failing: the file system never filled");
            }
            finally
            {
                Unmount(folder);
            }
        }

        private static long BrokerFileBytes(string folder)
        {
            long bytes = 0;
            foreach (string name in new[] { RecordLog.FileName, RecordLog.CompactionFileName })
            {
                FileInfo f = new FileInfo(folder + name);
                if (f.Exists)
                {
                    bytes += f.Length;
                }
            }
            return bytes;
        }

        // A fresh tmpfs of PartitionBytes; the test is inconclusive where none can be mounted.
        private static string MountPartition()
        {
            string folder = Path.Combine(Path.GetTempPath(), "nanobroker-partition-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            string output;
            int code = Run("mount", "-t tmpfs -o size=" + PartitionBytes + ",mode=0700 nanobroker-test " + folder, out output);
            if (code != 0)
            {
                Directory.Delete(folder);
                Assert.Inconclusive("a tmpfs cannot be mounted here (Linux and root are needed): " + output);
            }
            return folder + Path.DirectorySeparatorChar;
        }

        private static void Unmount(string folder)
        {
            string output;
            if (Run("umount", folder, out output) != 0)
            {
                Run("umount", "-l " + folder, out output);
            }
            Directory.Delete(folder, true);
        }

        private static int Run(string command, string arguments, out string output)
        {
            try
            {
                ProcessStartInfo start = new ProcessStartInfo(command, arguments);
                start.RedirectStandardError = true;
                start.RedirectStandardOutput = true;
                using (Process p = Process.Start(start))
                {
                    output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
                    p.WaitForExit();
                    return p.ExitCode;
                }
            }
            catch (Exception e)
            {
                output = e.Message;
                return -1;
            }
        }
    }
}
