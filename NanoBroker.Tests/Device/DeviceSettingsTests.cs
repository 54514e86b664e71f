using System;
using System.IO;
using System.Text;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoBroker.Esp32;

namespace NanoBroker.Tests.Device
{
    /// <summary>The board's I:\nanobroker.ini reader (hardware/esp32/DeviceSettings.cs), on files written as a user would.</summary>
    [TestClass]
    public class DeviceSettingsTests
    {
        private string folder;

        [TestInitialize]
        public void MakeFolder()
        {
            folder = Path.Combine(Path.GetTempPath(), "nanobroker-settings-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
        }

        [TestCleanup]
        public void RemoveFolder()
        {
            Directory.Delete(folder, true);
        }

        private DeviceSettings Load(string text, bool byteOrderMark = false)
        {
            string path = Path.Combine(folder, "nanobroker.ini");
            File.WriteAllText(path, text, new UTF8Encoding(byteOrderMark));
            return DeviceSettings.Load(path);
        }

        [TestMethod]
        public void BridgeLinesAreReadWholeSoATopicRuleKeepsItsWildcard()
        {
            DeviceSettings s = Load("port=1883\nbridge.cloud.address=10.0.0.5:1884\nbridge.cloud.topic=# both 1 \"\" site1/  # comment\nbridge.cloud.clientid=board-1\n");
            Assert.IsNull(s.Problems, s.Problems);
            Assert.AreEqual(1, s.Bridges.Count);
            Assert.AreEqual("10.0.0.5", s.Bridges.At(0).Host);
            Assert.AreEqual(1884, s.Bridges.At(0).UpstreamPort);
            Assert.AreEqual("site1/#", System.Text.Encoding.UTF8.GetString(s.Bridges.At(0).Rule(0).RemoteFilter));
            Assert.AreEqual("board-1", s.Bridges.At(0).ClientId);
            Assert.IsNotNull(Load("bridge.cloud.colour=blue\n").Problems);
        }

        [TestMethod]
        public void AMissingFileGivesTheDefaults()
        {
            DeviceSettings s = DeviceSettings.Load(Path.Combine(folder, "none.ini"));
            Assert.AreEqual(1883, s.Port);
            Assert.AreEqual(8883, s.TlsPort);
            Assert.AreEqual(2, s.TlsMaxClients);
            Assert.IsFalse(s.AllowAnonymous);
            Assert.IsFalse(s.SetsLimits);
            Assert.IsNull(s.Problems);
        }

        [TestMethod]
        public void LimitsTlsAndPoliciesAreReadAndApplied()
        {
            DeviceSettings s = Load(
                "# larger packets\r\n"
                + "max_packet_size = 2048   # Home Assistant discovery\r\n"
                + "outbox_bytes=2560\n"
                + "storage_batch_bytes=2176\n"
                + "max_clients=6\n"
                + "queue_full=drop\n"
                + "persist_queued=true\n"
                + "tls_certificate=I:\\board.crt\n"
                + "tls_key=\n"
                + "tls_only=true\n"
                + "tls_port=8884\n", byteOrderMark: true);
            Assert.IsNull(s.Problems);
            Assert.IsTrue(s.SetsLimits);
            Assert.IsTrue(s.Sets("max_clients"));
            Assert.IsFalse(s.Sets("max_sessions"));
            Assert.AreEqual("I:\\board.crt", s.TlsCertificate);
            Assert.AreEqual("", s.TlsKey, "an empty value names no file");
            Assert.IsTrue(s.TlsOnly);
            Assert.AreEqual(8884, s.TlsPort);

            BrokerOptions o = BrokerOptions.Esp32();
            s.ApplyLimits(o);
            Assert.AreEqual(2048, o.MaxPacketSize);
            Assert.AreEqual(2560, o.OutboxBytes);
            Assert.AreEqual(2176, o.StorageBatchBytes);
            Assert.AreEqual(6, o.MaxClients);
            Assert.AreEqual(QueueFullPolicy.DropOldest, o.QueueFull);
            Assert.IsTrue(o.PersistQueuedMessages);
            Assert.AreEqual(BrokerOptions.Esp32().MaxSubscriptions, o.MaxSubscriptions, "limits the file does not set keep their value");
            Assert.IsNull(o.Validate());
        }

        [TestMethod]
        public void TheWebPortSettingsAreReadAndItsPortIsTheBoardsUntilGiven()
        {
            DeviceSettings s = DeviceSettings.Load(Path.Combine(folder, "none.ini"));
            Assert.IsFalse(s.WsPortGiven);
            Assert.AreEqual(2, s.Web.MaxClients);
            s = Load("ws_port=9001\nmax_web_clients=1\nweb_request_bytes=1024\nweb_timeout_ms=5000\nweb_frame_bytes=4096\n");
            Assert.IsNull(s.Problems);
            Assert.IsTrue(s.WsPortGiven);
            Assert.AreEqual(9001, s.Web.Port);
            Assert.AreEqual(1, s.Web.MaxClients);
            Assert.AreEqual(1024, s.Web.MaxRequestBytes);
            Assert.AreEqual(5000, s.Web.TimeoutMs);
            Assert.AreEqual(4096, s.Web.MaxFrameBytes);
        }

        [TestMethod]
        public void BadLinesAreReportedAndChangeNothing()
        {
            DeviceSettings s = Load(
                "max_packet_size=big\n"
                + "max_clients=-1\n"
                + "max_bogus=3\n"
                + "allow_anonymous=yes\n"
                + "queue_full=sometimes\n"
                + "persist_queued=maybe\n"
                + "just words\n");
            StringAssert.Contains(s.Problems, "max_packet_size is not a number of 0 or more: big");
            StringAssert.Contains(s.Problems, "max_clients is not a number of 0 or more: -1");
            StringAssert.Contains(s.Problems, "unknown key max_bogus");
            StringAssert.Contains(s.Problems, "allow_anonymous is not true or false: yes");
            StringAssert.Contains(s.Problems, "queue_full is not backpressure or drop: sometimes");
            StringAssert.Contains(s.Problems, "persist_queued is not true or false: maybe");
            StringAssert.Contains(s.Problems, "not key=value: just words");
            Assert.IsFalse(s.AllowAnonymous, "a typo does not switch anonymous access on");
            Assert.IsFalse(s.SetsLimits);
        }

        [TestMethod]
        public void FilesResolveToTheNamedOneTheDefaultWhenPresentOrNone()
        {
            string present = Path.Combine(folder, "server.crt");
            File.WriteAllText(present, "-----BEGIN CERTIFICATE-----\n");
            Assert.AreEqual(present, DeviceFiles.Resolve(null, present));
            Assert.IsNull(DeviceFiles.Resolve(null, Path.Combine(folder, "absent.crt")));
            Assert.IsNull(DeviceFiles.Resolve("", present), "an empty value: no file, even with the default present");
            Assert.AreEqual("I:\\other.crt", DeviceFiles.Resolve("I:\\other.crt", present));
        }

        [TestMethod]
        public void FilesLargerThanTheBoardReadsAreRefusedByName()
        {
            string file = Path.Combine(folder, "server.key");
            File.WriteAllBytes(file, new byte[100]);
            Assert.AreEqual(100, DeviceFiles.Read(file, "tls_key", 100).Length);
            Exception e = Assert.ThrowsExactly<Exception>(() => DeviceFiles.Read(file, "tls_key", 99));
            StringAssert.Contains(e.Message, "has 100 bytes; the board reads at most 99");
            e = Assert.ThrowsExactly<Exception>(() => DeviceFiles.Read(Path.Combine(folder, "absent.key"), "tls_key", 99));
            StringAssert.Contains(e.Message, "(tls_key in I:\\nanobroker.ini) does not exist");
        }

        // A settings file the board cannot read (here: held exclusively by another process, as a littlefs read
        // error would be) gives the defaults and says why; it never stops the board.
        [TestMethod]
        public void AnUnreadableFileGivesTheDefaultsAndAProblem()
        {
            string path = Path.Combine(folder, "nanobroker.ini");
            File.WriteAllText(path, "port=1999\n");
            using (new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
            {
                DeviceSettings s = DeviceSettings.Load(path);
                Assert.AreEqual(1883, s.Port);
                Assert.IsNotNull(s.Problems);
                StringAssert.Contains(s.Problems, "not read");
            }
        }

        // The file is read with a bound: a huge one (a wrong file deployed, a runaway append) is not read at all.
        [TestMethod]
        public void AFileLargerThanTheBoundIsNotReadAndGivesTheDefaults()
        {
            string text = "port=1999\n" + new string('#', DeviceSettings.MaxFileBytes) + "\n";
            DeviceSettings s = Load(text);
            Assert.AreEqual(1883, s.Port);
            StringAssert.Contains(s.Problems, DeviceSettings.MaxFileBytes.ToString());
        }

        [TestMethod]
        public void BinaryGarbageIsReportedNotThrown()
        {
            string path = Path.Combine(folder, "nanobroker.ini");
            byte[] garbage = new byte[2000];
            new Random(7).NextBytes(garbage);
            File.WriteAllBytes(path, garbage);
            DeviceSettings s = DeviceSettings.Load(path);
            Assert.AreEqual(1883, s.Port);
            Assert.IsNotNull(s.Problems);
        }
    }
}
