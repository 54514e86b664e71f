using System;
using System.Text;
using System.Threading.Tasks;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MQTTnet.Protocol;

namespace NanoBroker.Tests.Integration
{
    /// <summary>
    /// Bad requests over a raw socket: each is answered as the spec says (mostly: close the connection
    /// without a reply), and the broker goes on serving other clients.
    /// </summary>
    [TestClass]
    public class MalformedInputTests : BrokerTest
    {
        private static byte[] Hex(string hex)
        {
            return Convert.FromHexString(hex.Replace(" ", ""));
        }

        // A QoS 1 round trip between two fresh MQTTnet clients: the broker is still serving.
        private async Task AssertBrokerStillServesAsync()
        {
            await using MqttNetPeer subscriber = await MqttNetPeer.ConnectAsync(Broker, "check-sub", cancel: Timeout);
            await subscriber.SubscribeAsync("check", MqttQualityOfServiceLevel.AtLeastOnce, Timeout);
            await using MqttNetPeer publisher = await MqttNetPeer.ConnectAsync(Broker, "check-pub", cancel: Timeout);
            await publisher.PublishAsync("check", "still serving", MqttQualityOfServiceLevel.AtLeastOnce, cancel: Timeout);
            Assert.AreEqual("still serving", (await subscriber.NextAsync(Wait)).Text);
        }

        // [MQTT-3.1.0-1] the first packet must be CONNECT: anything else closes the connection.
        [TestMethod]
        [Timeout(10000)]
        public async Task FirstPacketNotConnect_ClosesWithoutReply_MQTT_3_1_0_1()
        {
            using RawMqttClient raw = await RawMqttClient.OpenAsync(Broker, Timeout);
            await raw.SendAsync(Hex("C0 00"), Timeout); // PINGREQ
            await raw.ExpectClosedAsync(Wait, "PINGREQ before CONNECT");
            await AssertBrokerStillServesAsync();
        }

        // [MQTT-3.1.2-1] an unknown protocol name: the broker may disconnect, and must not go on as 3.1.1.
        [TestMethod]
        [Timeout(10000)]
        public async Task UnknownProtocolName_ClosesWithoutConnAck_MQTT_3_1_2_1()
        {
            using RawMqttClient raw = await RawMqttClient.OpenAsync(Broker, Timeout);
            await raw.SendAsync(RawMqttClient.Connect("x", protocolName: "MQXX"), Timeout);
            await raw.ExpectClosedAsync(Wait, "protocol name MQXX");
            await AssertBrokerStillServesAsync();
        }

        // [MQTT-3.1.2-2] an unsupported protocol level: CONNACK 0x01, then the connection is closed.
        [TestMethod]
        [Timeout(10000)]
        public async Task UnsupportedProtocolLevel_GetsConnAck1ThenClose_MQTT_3_1_2_2()
        {
            using RawMqttClient raw = await RawMqttClient.OpenAsync(Broker, Timeout);
            await raw.SendAsync(RawMqttClient.Connect("x", level: 6), Timeout);
            RawMqttClient.Packet connAck = await raw.ReadPacketAsync(Wait);
            Assert.IsNotNull(connAck, "closed without CONNACK");
            Assert.AreEqual(0x20, connAck.Header);
            CollectionAssert.AreEqual(new byte[] { 0, 1 }, connAck.Body, "CONNACK: unacceptable protocol version");
            await raw.ExpectClosedAsync(Wait, "after CONNACK 1");
        }

        // [MQTT-3.1.2-3] the reserved CONNECT flag must be 0, else the connection is closed.
        [TestMethod]
        [Timeout(10000)]
        public async Task ReservedConnectFlag_Closes_MQTT_3_1_2_3()
        {
            byte[] connect = RawMqttClient.Connect("x");
            connect[9] |= 0x01; // the connect flags byte: 10 00 04 'MQTT' 04 flags
            using RawMqttClient raw = await RawMqttClient.OpenAsync(Broker, Timeout);
            await raw.SendAsync(connect, Timeout);
            await raw.ExpectClosedAsync(Wait, "reserved flag set");
        }

        // [MQTT-3.1.3-8] an empty client id needs CleanSession 1: else CONNACK 2; [MQTT-3.1.3-6] with
        // CleanSession 1 the broker assigns one and accepts.
        [TestMethod]
        [Timeout(10000)]
        public async Task EmptyClientId_RejectedWithoutCleanSession_AcceptedWithIt_MQTT_3_1_3_8()
        {
            using (RawMqttClient persistent = await RawMqttClient.OpenAsync(Broker, Timeout))
            {
                await persistent.SendAsync(RawMqttClient.Connect("", cleanSession: false), Timeout);
                RawMqttClient.Packet connAck = await persistent.ReadPacketAsync(Wait);
                Assert.IsNotNull(connAck, "closed without CONNACK");
                CollectionAssert.AreEqual(new byte[] { 0, 2 }, connAck.Body, "CONNACK: identifier rejected");
                await persistent.ExpectClosedAsync(Wait, "after CONNACK 2");
            }
            using RawMqttClient clean = await RawMqttClient.ConnectAsync(Broker, RawMqttClient.Connect("", cleanSession: true), Timeout);
        }

        // A client that connects and sends nothing is closed after ConnectTimeoutMs (section 3.1.4: the
        // server should close a connection that does not send CONNECT in reasonable time).
        [TestMethod]
        [Timeout(10000)]
        public async Task SilentConnection_IsClosedAfterConnectTimeout()
        {
            StartBroker(o => o.ConnectTimeoutMs = 500);
            using RawMqttClient raw = await RawMqttClient.OpenAsync(Broker, Timeout);
            DateTime opened = DateTime.UtcNow;
            await raw.ExpectClosedAsync(TimeSpan.FromSeconds(3), "no CONNECT within 500 ms");
            Assert.IsTrue(DateTime.UtcNow - opened >= TimeSpan.FromMilliseconds(450), "closed too early");
        }

        // A packet declaring more than MaxPacketSize is refused from its fixed header alone: the broker
        // closes the connection without waiting for (or buffering) the body.
        [TestMethod]
        [Timeout(10000)]
        public async Task OversizedRemainingLength_ClosesBeforeTheBodyArrives()
        {
            StartBroker(o => o.MaxPacketSize = 1024);
            using RawMqttClient raw = await RawMqttClient.ConnectAsync(Broker, RawMqttClient.Connect("big"), Timeout);
            await raw.SendAsync(Hex("30 A0 9C 01"), Timeout); // PUBLISH of 20000 bytes, body never sent
            await raw.ExpectClosedAsync(Wait, "declared 20000 bytes > MaxPacketSize 1024");
            await AssertBrokerStillServesAsync();
        }

        // After CONNECT, each malformed packet closes the connection, and as the client sent no DISCONNECT
        // its will is published [MQTT-3.1.2-8]; nothing of the bad packet is routed.
        [TestMethod]
        [Timeout(10000)]
        [DataRow("CONNECT", DisplayName = "second CONNECT [MQTT-3.1.0-2]")]
        [DataRow("30 06 00 03 61 2F 2B 78", DisplayName = "PUBLISH to a topic with '+' [MQTT-3.3.2-2]")]
        [DataRow("30 06 00 03 61 2F 23 78", DisplayName = "PUBLISH to a topic with '#' [MQTT-3.3.2-2]")]
        [DataRow("30 03 00 00 78", DisplayName = "PUBLISH to an empty topic [MQTT-4.7.3-1]")]
        [DataRow("30 05 00 02 C3 28 78", DisplayName = "PUBLISH topic of invalid UTF-8 [MQTT-1.5.3-1]")]
        [DataRow("30 05 00 02 61 00 78", DisplayName = "PUBLISH topic with U+0000 [MQTT-1.5.3-2]")]
        [DataRow("36 05 00 01 61 00 01", DisplayName = "PUBLISH with QoS 3 [MQTT-3.3.1-4]")]
        [DataRow("32 05 00 01 61 00 00", DisplayName = "QoS 1 PUBLISH with packet id 0 [MQTT-2.3.1-1]")]
        [DataRow("82 06 00 01 00 01 61 03", DisplayName = "SUBSCRIBE requesting QoS 3 [MQTT-3.8.3-4]")]
        [DataRow("80 06 00 01 00 01 61 00", DisplayName = "SUBSCRIBE with fixed header flags 0000 [MQTT-3.8.1-1]")]
        [DataRow("82 02 00 01", DisplayName = "SUBSCRIBE without a filter [MQTT-3.8.3-3]")]
        [DataRow("82 06 00 01 00 01 23 04", DisplayName = "SUBSCRIBE with reserved bits in the options [MQTT-3.8.3-4]")]
        [DataRow("82 08 00 01 00 03 61 23 62 00", DisplayName = "SUBSCRIBE to 'a#b' [MQTT-4.7.1-2]")]
        [DataRow("A2 02 00 01", DisplayName = "UNSUBSCRIBE without a filter [MQTT-3.10.3-2]")]
        [DataRow("20 02 00 00", DisplayName = "CONNACK from a client (server-to-client packet)")]
        [DataRow("30 FF FF FF FF 01", DisplayName = "remaining length of five bytes (malformed, section 2.2.3)")]
        public async Task MalformedPacketAfterConnect_ClosesConnectionPublishesWillAndBrokerKeepsServing(string packetHex)
        {
            await using MqttNetPeer watcher = await MqttNetPeer.ConnectAsync(Broker, "watcher", cancel: Timeout);
            await watcher.SubscribeAsync("#", MqttQualityOfServiceLevel.AtLeastOnce, Timeout);
            using RawMqttClient raw = await RawMqttClient.ConnectAsync(Broker,
                RawMqttClient.Connect("bad", willTopic: "will/bad", willPayload: Encoding.UTF8.GetBytes("violated")), Timeout);

            byte[] packet = packetHex == "CONNECT" ? RawMqttClient.Connect("bad") : Hex(packetHex);
            await raw.SendAsync(packet, Timeout);
            await raw.ExpectClosedAsync(Wait, packetHex);

            ReceivedMessage will = await watcher.NextAsync(Wait, "the will of the closed client");
            Assert.AreEqual("will/bad", will.Topic, "something of the malformed packet was routed: " + will);
            Assert.AreEqual("violated", will.Text);
            Assert.IsTrue(Broker.Logged("client bad disconnected: protocol violation"), "broker log:\n" + Broker.LogText);
            await AssertBrokerStillServesAsync();
        }
    }
}
