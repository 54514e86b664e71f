using System;
using System.IO;
using System.Threading.Tasks;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MQTTnet.Protocol;

namespace NanoBroker.Tests.Integration
{
    /// <summary>
    /// 1 MiB payloads through the broker with the desktop defaults (MaxPacketSize 2 MiB; 64 KiB own receive buffers
    /// and 128 KiB outboxes, large buffers lent per packet): at QoS 0, 1 and 2, retained to a later subscriber,
    /// and from mosquitto_pub. Until the large buffers, a 64 KB payload closed the publisher's connection.
    /// </summary>
    [TestClass]
    public class BigMessageTests : MosquittoTest
    {
        private const int OneMiB = 1024 * 1024;

        private static byte[] Payload(int seed)
        {
            byte[] payload = new byte[OneMiB];
            for (int i = 0; i < payload.Length; i++)
            {
                payload[i] = (byte)((i * 31 + seed) % 251);
            }
            return payload;
        }

        [TestMethod]
        [Timeout(20000)]
        [DataRow(0)]
        [DataRow(1)]
        [DataRow(2)]
        public async Task OneMegabytePayload_ArrivesWhole(int qos)
        {
            await using MqttNetPeer subscriber = await MqttNetPeer.ConnectAsync(Broker, "sub", cancel: Timeout);
            await using MqttNetPeer publisher = await MqttNetPeer.ConnectAsync(Broker, "pub", cancel: Timeout);
            await subscriber.SubscribeAsync("cam/#", (MqttQualityOfServiceLevel)qos, Timeout);

            for (int n = 0; n < 3; n++)
            {
                byte[] payload = Payload(n);
                await publisher.PublishAsync("cam/" + n, payload, (MqttQualityOfServiceLevel)qos, cancel: Timeout);
                ReceivedMessage m = await subscriber.NextAsync(Wait, "1 MiB message " + n);
                Assert.AreEqual("cam/" + n, m.Topic);
                Assert.AreEqual(qos, (int)m.Qos);
                CollectionAssert.AreEqual(payload, m.Payload, "payload bytes");
            }
            Assert.IsTrue(publisher.Client.IsConnected && subscriber.Client.IsConnected);
            Assert.AreEqual(Broker.Options.LargeReceiveBuffers, Broker.Server.Broker.ReceiveBuffers.Available, "receive buffers back in the pool");
        }

        [TestMethod]
        [Timeout(20000)]
        public async Task OneMegabyteRetainedMessage_ReachesALaterSubscriber()
        {
            byte[] payload = Payload(7);
            await using (MqttNetPeer publisher = await MqttNetPeer.ConnectAsync(Broker, "pub", cancel: Timeout))
            {
                await publisher.PublishAsync("cam/last", payload, MqttQualityOfServiceLevel.AtLeastOnce, retain: true, cancel: Timeout);
                await publisher.DisconnectAsync();
            }

            await using MqttNetPeer subscriber = await MqttNetPeer.ConnectAsync(Broker, "sub", cancel: Timeout);
            await subscriber.SubscribeAsync("cam/#", MqttQualityOfServiceLevel.AtLeastOnce, Timeout);
            ReceivedMessage m = await subscriber.NextAsync(Wait, "retained 1 MiB message");
            Assert.AreEqual("cam/last", m.Topic);
            Assert.IsTrue(m.Retain);
            CollectionAssert.AreEqual(payload, m.Payload, "payload bytes");
        }

        [TestMethod]
        [Timeout(20000)]
        public async Task OneMegabyteRetainedMessage_IsKeptInTheDataFolderAcrossARestart()
        {
            byte[] payload = Payload(11);
            string folder = Path.Combine(Path.GetTempPath(), "nanobroker-big-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            try
            {
                using (TestBroker first = TestBroker.StartWithData(folder, BoardLoop))
                {
                    await using MqttNetPeer publisher = await MqttNetPeer.ConnectAsync(first, "pub", cancel: Timeout);
                    // The PUBACK of a retained QoS 1 message waits until its record is written.
                    await publisher.PublishAsync("cam/last", payload, MqttQualityOfServiceLevel.AtLeastOnce, retain: true, cancel: Timeout);
                    await publisher.DisconnectAsync();
                }
                Assert.IsTrue(new FileInfo(Path.Combine(folder, "broker.log")).Length > payload.Length, "the record is in broker.log");

                using TestBroker second = TestBroker.StartWithData(folder, BoardLoop);
                StringAssert.Contains(second.Server.RestoreSummary, "1 retained", second.Server.RestoreSummary);
                await using MqttNetPeer subscriber = await MqttNetPeer.ConnectAsync(second, "sub", cancel: Timeout);
                await subscriber.SubscribeAsync("cam/#", MqttQualityOfServiceLevel.AtLeastOnce, Timeout);
                ReceivedMessage m = await subscriber.NextAsync(Wait, "retained 1 MiB message after the restart");
                Assert.IsTrue(m.Retain);
                CollectionAssert.AreEqual(payload, m.Payload, "payload bytes");
            }
            finally
            {
                Directory.Delete(folder, true);
            }
        }

        [TestMethod]
        [Timeout(20000)]
        public async Task OneMegabyteFromMosquittoPub_AtQos1()
        {
            await using MqttNetPeer subscriber = await MqttNetPeer.ConnectAsync(Broker, "sub", cancel: Timeout);
            await subscriber.SubscribeAsync("fw/chunk", MqttQualityOfServiceLevel.AtLeastOnce, Timeout);
            byte[] payload = Payload(3);
            string file = Path.Combine(Path.GetTempPath(), "nanobroker-big-" + Guid.NewGuid().ToString("N"));
            File.WriteAllBytes(file, payload);
            try
            {
                using ChildProcess pub = await PubAsync("-i", "mpub", "-t", "fw/chunk", "-q", "1", "-f", file);
                Assert.AreEqual(0, pub.ExitCode, "mosquitto_pub exit code");
            }
            finally
            {
                File.Delete(file);
            }
            ReceivedMessage m = await subscriber.NextAsync(Wait, "1 MiB message from mosquitto_pub");
            CollectionAssert.AreEqual(payload, m.Payload, "payload bytes");
        }

        [TestMethod]
        [Timeout(20000)]
        public async Task APacketOverMaxPacketSize_ClosesOnlyThatConnection()
        {
            await using MqttNetPeer subscriber = await MqttNetPeer.ConnectAsync(Broker, "sub", cancel: Timeout);
            await subscriber.SubscribeAsync("big/#", MqttQualityOfServiceLevel.AtMostOnce, Timeout);
            await using MqttNetPeer publisher = await MqttNetPeer.ConnectAsync(Broker, "pub", cancel: Timeout);
            byte[] tooBig = new byte[Broker.Options.MaxPacketSize];
            try
            {
                await publisher.PublishAsync("big/x", tooBig, MqttQualityOfServiceLevel.AtLeastOnce, cancel: Timeout);
            }
            catch (Exception)
            {
                // The broker closes the connection on the fixed header; the client may notice while sending.
            }
            await publisher.Disconnected.WaitAsync(Wait);
            Assert.IsTrue(Broker.Logged("exceeds the maximum packet size"), Broker.LogText);
            await subscriber.ExpectNothingAsync(TimeSpan.FromMilliseconds(200));
            Assert.IsTrue(subscriber.Client.IsConnected);
        }
    }
}
