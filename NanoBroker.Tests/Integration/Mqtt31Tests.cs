using System.Text;
using System.Threading.Tasks;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MQTTnet.Protocol;

namespace NanoBroker.Tests.Integration
{
    /// <summary>
    /// A subscription the topic rules deny. MQTT 3.1 (protocol "MQIsdp", level 3) has no failure code in
    /// SUBACK: its payload is the granted QoS of each topic, 0 to 2. So a 3.1 client gets the QoS it asked for
    /// (as mosquitto answers it), is not subscribed (nothing published there reaches it) and stays connected.
    /// An MQTT 3.1.1 client gets 0x80, failure (section 3.9.3; one return code per filter [MQTT-3.8.4-5]).
    /// Issue #10.
    /// </summary>
    [TestClass]
    public class Mqtt31Tests : AccessControlledTest
    {
        // Anonymous clients read public/#; alice reads and writes secret/# and public/#.
        protected override string Acl =>
            "topic read public/#\n" +
            "user alice\n" +
            "topic readwrite secret/#\n" +
            "topic readwrite public/#\n";

        protected override bool AllowAnonymous => true;

        // mosquitto_sub -V mqttv31 with a denied and an allowed filter in one SUBSCRIBE: SUBACK "1, 1"; of
        // alice's messages to secret/x and then public/x only the second arrives, on the same connection.
        [TestMethod]
        [Timeout(15000)]
        public async Task Mqtt31MosquittoSub_DeniedFilter_GetsTheRequestedQos_ReceivesNothingThere_AndStaysConnected()
        {
            using ChildProcess sub = await StartSubAsync("-V", "mqttv31", "-i", "sub31", "-t", "secret/#", "-t", "public/#", "-q", "1", "-v");
            StringAssert.Contains(sub.Output, "Subscribed (mid: 1): 1, 1", "SUBACK of a 3.1 client carries the requested QoS for the denied filter too" + sub.Transcript());

            using (ChildProcess hidden = await PubAsync("-u", "alice", "-P", "secret", "-t", "secret/x", "-m", "hidden", "-q", "1"))
            {
                Assert.AreEqual(0, hidden.ExitCode, hidden.Transcript());
            }
            using (ChildProcess visible = await PubAsync("-u", "alice", "-P", "secret", "-t", "public/x", "-m", "visible", "-q", "1"))
            {
                Assert.AreEqual(0, visible.ExitCode, visible.Transcript());
            }
            // Messages from one connection to another arrive in order: had the denied filter been subscribed, secret/x would come first.
            Assert.AreEqual("public/x visible", await sub.WaitForLineAsync(IsMessageLine, Wait, "alice's public message"));
            Assert.IsFalse(sub.HasExited, "mosquitto_sub is still connected" + sub.Transcript());
        }

        // The packets of a 3.1 client: SUBACK [id, 2] for a denied filter asked at QoS 2; a message to it does not
        // come; PINGREQ still gets PINGRESP (the connection is open and nothing was sent before it).
        [TestMethod]
        [Timeout(15000)]
        public async Task Mqtt31_DeniedSubscription_SubAckHasTheRequestedQos_NothingIsDelivered_ConnectionStays()
        {
            using RawMqttClient client = await RawMqttClient.ConnectAsync(Broker, RawMqttClient.Connect("raw31", protocolName: "MQIsdp", level: 3), Timeout);
            await client.SendAsync(RawMqttClient.Subscribe(1, "secret/#", 2), Timeout);
            RawMqttClient.Packet subAck = await client.ExpectPacketAsync(0x90, "SUBACK");
            CollectionAssert.AreEqual(new byte[] { 0, 1, 2 }, subAck.Body, "MQTT 3.1 SUBACK: granted QoS 2 (no failure code in 3.1); got " + System.BitConverter.ToString(subAck.Body));

            await using (MqttNetPeer alice = await MqttNetPeer.ConnectAsync(Broker, "alice-pub", configure: b => b.WithCredentials("alice", "secret"), cancel: Timeout))
            {
                await alice.PublishAsync("secret/x", "hidden", MqttQualityOfServiceLevel.AtLeastOnce, cancel: Timeout);
            }
            await client.SendAsync(new byte[] { 0xC0, 0 }, Timeout);
            await client.ExpectPacketAsync(0xD0, "PINGRESP (and no PUBLISH of secret/x before it)");
        }

        // MQTT 3.1.1 as before: 0x80 for the denied filter, beside the granted QoS of an allowed one [MQTT-3.8.4-5].
        [TestMethod]
        [Timeout(15000)]
        public async Task Mqtt311_DeniedSubscription_GetsFailure0x80_MQTT_3_8_4_5()
        {
            using RawMqttClient client = await RawMqttClient.ConnectAsync(Broker, RawMqttClient.Connect("raw311"), Timeout);
            await client.SendAsync(RawMqttClient.Subscribe(1, "secret/#", 1), Timeout);
            RawMqttClient.Packet subAck = await client.ExpectPacketAsync(0x90, "SUBACK");
            CollectionAssert.AreEqual(new byte[] { 0, 1, 0x80 }, subAck.Body, "MQTT 3.1.1 SUBACK failure; got " + System.BitConverter.ToString(subAck.Body));
            await client.SendAsync(RawMqttClient.Subscribe(2, "public/#", 1), Timeout);
            subAck = await client.ExpectPacketAsync(0x90, "SUBACK");
            CollectionAssert.AreEqual(new byte[] { 0, 2, 1 }, subAck.Body, "an allowed filter is granted; got " + System.BitConverter.ToString(subAck.Body));
        }
    }
}
