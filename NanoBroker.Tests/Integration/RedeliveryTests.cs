using System;
using System.Text;
using System.Threading.Tasks;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MQTTnet.Protocol;

namespace NanoBroker.Tests.Integration
{
    /// <summary>
    /// The QoS 1 and 2 flows at the packet level, where a real client library hides them: what the broker
    /// re-sends when a persistent session comes back, and how it treats a re-sent QoS 2 PUBLISH.
    /// The acknowledging side is a raw socket, so the test decides which acknowledgement never arrives.
    /// </summary>
    [TestClass]
    public class RedeliveryTests : BrokerTest
    {
        private const byte PubAck = 0x40;
        private const byte PubRec = 0x50;
        private const byte PubRel = 0x62;
        private const byte PubComp = 0x70;

        // A persistent raw session "device" subscribed to "r/#" at the given QoS.
        private async Task<RawMqttClient> SubscribedDeviceAsync(int qos)
        {
            RawMqttClient device = await RawMqttClient.ConnectAsync(Broker, RawMqttClient.Connect("device", cleanSession: false), Timeout);
            await device.SendAsync(RawMqttClient.Subscribe(1, "r/#", qos), Timeout);
            RawMqttClient.Packet subAck = await device.ExpectPacketAsync(0x90, "SUBACK");
            CollectionAssert.AreEqual(new byte[] { 0, 1, (byte)qos }, subAck.Body, "SUBACK");
            return device;
        }

        private async Task PublishAsync(string topic, string text, MqttQualityOfServiceLevel qos)
        {
            await using MqttNetPeer publisher = await MqttNetPeer.ConnectAsync(Broker, "pub", cancel: Timeout);
            await publisher.PublishAsync(topic, text, qos, cancel: Timeout);
        }

        // [MQTT-4.4.0-1] a QoS 1 PUBLISH not acknowledged before the connection ended is re-sent when the
        // session resumes, with DUP set [MQTT-3.3.1-1] and the same packet identifier; after PUBACK, not again.
        [TestMethod]
        [Timeout(10000)]
        public async Task Qos1_UnacknowledgedPublishIsResentWithDupOnReconnect_MQTT_4_4_0_1()
        {
            int packetId;
            using (RawMqttClient device = await SubscribedDeviceAsync(1))
            {
                await PublishAsync("r/1", "at least once", MqttQualityOfServiceLevel.AtLeastOnce);
                RawMqttClient.Packet first = await device.ExpectPacketAsync(0x32, "QoS 1 PUBLISH without DUP");
                (string topic, int id, byte[] payload) = first.ParsePublish();
                Assert.AreEqual("r/1", topic);
                Assert.AreEqual("at least once", Encoding.UTF8.GetString(payload));
                Assert.AreNotEqual(0, id);
                packetId = id;
                device.CloseWithoutDisconnect(); // no PUBACK
            }

            using (RawMqttClient again = await RawMqttClient.ConnectAsync(Broker, RawMqttClient.Connect("device", cleanSession: false), Timeout, sessionPresent: true))
            {
                RawMqttClient.Packet resent = await again.ExpectPacketAsync(0x3A, "the QoS 1 PUBLISH re-sent with DUP");
                (string topic, int id, byte[] payload) = resent.ParsePublish();
                Assert.AreEqual("r/1", topic);
                Assert.AreEqual(packetId, id, "same packet identifier");
                Assert.AreEqual("at least once", Encoding.UTF8.GetString(payload));
                await again.SendAsync(RawMqttClient.Ack(PubAck, id), Timeout);
                await again.ExpectSilenceAsync(TimeSpan.FromMilliseconds(300));
                again.CloseWithoutDisconnect();
            }

            using RawMqttClient third = await RawMqttClient.ConnectAsync(Broker, RawMqttClient.Connect("device", cleanSession: false), Timeout, sessionPresent: true);
            await third.ExpectSilenceAsync(TimeSpan.FromMilliseconds(300));
        }

        // [MQTT-4.4.0-1] after PUBREC the broker owes PUBREL, not the PUBLISH [MQTT-4.3.3-1]: if the connection
        // ends before PUBCOMP, the resumed session gets PUBREL again, and the message is not delivered twice.
        [TestMethod]
        [Timeout(10000)]
        public async Task Qos2_PubrelIsResentAfterReconnectAndPublishIsNot_MQTT_4_4_0_1()
        {
            int packetId;
            using (RawMqttClient device = await SubscribedDeviceAsync(2))
            {
                await PublishAsync("r/2", "exactly once", MqttQualityOfServiceLevel.ExactlyOnce);
                RawMqttClient.Packet publish = await device.ExpectPacketAsync(0x34, "QoS 2 PUBLISH");
                packetId = publish.ParsePublish().PacketId;
                await device.SendAsync(RawMqttClient.Ack(PubRec, packetId), Timeout);
                RawMqttClient.Packet pubRel = await device.ExpectPacketAsync(PubRel, "PUBREL (flags 0010 [MQTT-3.6.1-1])");
                Assert.AreEqual(packetId, pubRel.AckId);
                device.Abort(); // no PUBCOMP
            }

            using RawMqttClient again = await RawMqttClient.ConnectAsync(Broker, RawMqttClient.Connect("device", cleanSession: false), Timeout, sessionPresent: true);
            RawMqttClient.Packet resent = await again.ExpectPacketAsync(PubRel, "PUBREL re-sent (not the PUBLISH)");
            Assert.AreEqual(packetId, resent.AckId);
            await again.SendAsync(RawMqttClient.Ack(PubComp, packetId), Timeout);
            await again.ExpectSilenceAsync(TimeSpan.FromMilliseconds(300));
        }

        // [MQTT-4.3.3-2] a QoS 2 PUBLISH re-sent (DUP) before PUBREL is acknowledged with PUBREC again but not
        // routed again: the subscriber gets it once. PUBREL gets PUBCOMP with the same identifier.
        [TestMethod]
        [Timeout(10000)]
        public async Task Qos2_ResentPublishBeforePubrelIsDeliveredOnce_MQTT_4_3_3_2()
        {
            await using MqttNetPeer subscriber = await MqttNetPeer.ConnectAsync(Broker, "sub", cancel: Timeout);
            await subscriber.SubscribeAsync("r/#", MqttQualityOfServiceLevel.ExactlyOnce, Timeout);
            using RawMqttClient publisher = await RawMqttClient.ConnectAsync(Broker, RawMqttClient.Connect("raw-pub"), Timeout);
            byte[] payload = Encoding.UTF8.GetBytes("only once");

            await publisher.SendAsync(RawMqttClient.Publish("r/dup", payload, 2, packetId: 7), Timeout);
            Assert.AreEqual(7, (await publisher.ExpectPacketAsync(PubRec, "PUBREC")).AckId);
            await publisher.SendAsync(RawMqttClient.Publish("r/dup", payload, 2, packetId: 7, dup: true), Timeout);
            Assert.AreEqual(7, (await publisher.ExpectPacketAsync(PubRec, "PUBREC for the re-sent PUBLISH")).AckId);
            await publisher.SendAsync(RawMqttClient.Ack(PubRel, 7), Timeout);
            Assert.AreEqual(7, (await publisher.ExpectPacketAsync(PubComp, "PUBCOMP")).AckId);

            ReceivedMessage m = await subscriber.NextAsync(Wait);
            Assert.AreEqual("only once", m.Text);
            Assert.AreEqual(MqttQualityOfServiceLevel.ExactlyOnce, m.Qos);
            await subscriber.ExpectNothingAsync(TimeSpan.FromMilliseconds(300));

            // The identifier is free again: a new message with it is a new message.
            await publisher.SendAsync(RawMqttClient.Publish("r/dup", Encoding.UTF8.GetBytes("again"), 2, packetId: 7), Timeout);
            await publisher.ExpectPacketAsync(PubRec, "PUBREC");
            await publisher.SendAsync(RawMqttClient.Ack(PubRel, 7), Timeout);
            await publisher.ExpectPacketAsync(PubComp, "PUBCOMP");
            Assert.AreEqual("again", (await subscriber.NextAsync(Wait)).Text);
        }
    }
}
