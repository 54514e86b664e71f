using System;
using System.IO;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoBroker.Esp32;
using NanoBroker.Host;
using NanoBroker.MqttSn;

namespace NanoBroker.Tests.Host
{
    /// <summary>The MQTT-SN settings on the host's command line and settings file, and in the board's nanobroker.ini.</summary>
    [TestClass]
    public class MqttSnSettingsTests
    {
        [TestMethod]
        public void CommandLineSetsEveryMqttSnSetting()
        {
            CommandLine c = CommandLine.Parse(new[]
            {
                "--mqttsn-port", "1884", "--mqttsn-max-clients", "9", "--mqttsn-topic-ids", "5", "--mqttsn-topic-bytes", "300",
                "--mqttsn-datagram-bytes", "512", "--mqttsn-gateway-id", "7", "--mqttsn-advertise-s", "0", "--mqttsn-retry-ms", "12000",
                "--mqttsn-retries", "4", "--mqttsn-predefined", "1=a/b,2=c", "--mqttsn-networks", "10.0.0.0/8", "--mqttsn-client-ids", "s*",
                "--mqttsn-user", "alice", "--mqttsn-password", "secret",
            });
            MqttSnOptions o = c.MqttSn;
            Assert.AreEqual(1884, o.Port);
            Assert.AreEqual(9, o.MaxClients);
            Assert.AreEqual(5, o.TopicIdsPerClient);
            Assert.AreEqual(300, o.TopicBytesPerClient);
            Assert.AreEqual(512, o.DatagramBytes);
            Assert.AreEqual(7, o.GatewayId);
            Assert.AreEqual(0, o.AdvertiseSeconds);
            Assert.AreEqual(12000, o.RetryMs);
            Assert.AreEqual(4, o.Retries);
            Assert.AreEqual("1=a/b,2=c", o.PredefinedTopics);
            Assert.AreEqual("10.0.0.0/8", o.Networks);
            Assert.AreEqual("s*", o.ClientIds);
            Assert.AreEqual("alice", o.User);
            Assert.AreEqual("secret", o.Password);
        }

        [TestMethod]
        public void MqttSnIsOffByDefault()
        {
            Assert.AreEqual(0, CommandLine.Parse(new string[0]).MqttSn.Port);
        }

        [TestMethod]
        public void BadValuesAreOneClearLine()
        {
            ArgumentException e = Assert.ThrowsExactly<ArgumentException>(() => CommandLine.Parse(new[] { "--mqttsn-port", "70000" }));
            StringAssert.StartsWith(e.Message, "--mqttsn-port: 70000 is out of range");
            e = Assert.ThrowsExactly<ArgumentException>(() => CommandLine.Parse(new[] { "--mqttsn-predefined", "1=a/#" }));
            StringAssert.StartsWith(e.Message, "--mqttsn-predefined: not a topic name");
            e = Assert.ThrowsExactly<ArgumentException>(() => CommandLine.Parse(new[] { "--mqttsn-networks", "10.0.0/8" }));
            StringAssert.StartsWith(e.Message, "--mqttsn-networks: not a.b.c.d");
        }

        [TestMethod]
        public void SettingsFileAndBoardIniTakeTheSameKeys()
        {
            string folder = Path.Combine(Path.GetTempPath(), "nanobroker-mqttsn-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            try
            {
                string ini = Path.Combine(folder, "nanobroker.ini");
                File.WriteAllText(ini, "mqttsn_port=1884\nmqttsn_max_clients=3\nmqttsn_predefined=5=sensors/x\nmqttsn_retries=0\n");
                Assert.ThrowsExactly<ArgumentException>(() => CommandLine.Parse(new[] { "--config", ini }), "mqttsn_retries 0 is refused");
                File.WriteAllText(ini, "mqttsn_port=1884\nmqttsn_max_clients=3\nmqttsn_predefined=5=sensors/x\n");
                CommandLine c = CommandLine.Parse(new[] { "--config", ini });
                Assert.AreEqual(1884, c.MqttSn.Port);
                Assert.AreEqual(3, c.MqttSn.MaxClients);

                File.WriteAllText(ini, "mqttsn_port=1884\nmqttsn_max_clients=3\nmqttsn_predefined=5=sensors/x\nmqttsn_retries=0\n");
                DeviceSettings board = DeviceSettings.Load(ini);
                MqttSnOptions o = MqttSnOptions.ForEsp32();
                board.ApplyMqttSn(o);
                Assert.AreEqual(1884, o.Port);
                Assert.AreEqual(3, o.MaxClients);
                Assert.AreEqual("5=sensors/x", o.PredefinedTopics);
                Assert.AreEqual(3, o.Retries, "a bad value keeps the default");
                StringAssert.Contains(board.Problems, "mqttsn_retries");
                Assert.AreEqual(8, o.TopicIdsPerClient, "the board's default where the file says nothing");
            }
            finally
            {
                Directory.Delete(folder, true);
            }
        }
    }
}
