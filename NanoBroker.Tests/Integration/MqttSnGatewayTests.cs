using System;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MQTTnet.Protocol;
using NanoBroker.MqttSn;
using NanoBroker.Tests.Engine.MqttSn;

namespace NanoBroker.Tests.Integration
{
    /// <summary>
    /// The MQTT-SN gateway over real UDP (MQTT-SN v1.2), with MQTT clients on the same broker: mosquitto_sub and
    /// mosquitto_pub, MQTTnet. The MQTT-SN side is the tests' own client (<see cref="MqttSnClient"/>).
    /// </summary>
    [TestClass]
    public class MqttSnGatewayTests : MosquittoTest
    {
        private static int FreeUdpPort()
        {
            using Socket s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            return ((IPEndPoint)s.LocalEndPoint).Port;
        }

        private MqttSnOptions StartGateway(Action<MqttSnOptions> configure = null)
        {
            MqttSnOptions o = new MqttSnOptions { Port = FreeUdpPort(), AdvertiseSeconds = 0, PredefinedTopics = "5=sensors/predefined" };
            configure?.Invoke(o);
            StartBrokerWithMqttSn(o);
            return o;
        }

        private MqttSnClient Client(MqttSnOptions o)
        {
            return new MqttSnClient(o.Port, Timeout);
        }

        [TestMethod]
        [Timeout(15000)]
        public async Task SearchGwIsAnsweredOverUdp_Section_6_1()
        {
            MqttSnOptions o = StartGateway(x => x.GatewayId = 9);
            using MqttSnClient sn = Client(o);
            sn.Send(SnMessages.SearchGw());
            Assert.AreEqual(9, (await sn.ExpectAsync(SnMessageType.GwInfo, Wait)).Byte(0));
        }

        // Sections 6.5, 6.6: REGISTER then PUBLISH QoS 1 from the MQTT-SN client; mosquitto_sub prints it.
        [TestMethod]
        [Timeout(15000)]
        public async Task MqttSnPublishQos1ReachesMosquittoSub_Section_6_6()
        {
            MqttSnOptions o = StartGateway();
            using ChildProcess sub = await StartSubAsync("-t", "sensors/#", "-v", "-q", "1");
            using MqttSnClient sn = Client(o);
            await sn.ConnectAsync("sensor-1", 60, Wait);
            int id = await sn.RegisterAsync("sensors/temp", Wait);
            await sn.PublishAsync(1, SnMessages.Normal, id, "21.5", Wait);
            Assert.AreEqual("sensors/temp 21.5", await sub.WaitForLineAsync(IsMessageLine, Wait, "message line"));
            await sn.PublishAsync(-1, SnMessages.Predefined, 5, "no connection needed", Wait);
            Assert.AreEqual("sensors/predefined no connection needed", await sub.WaitForLineAsync(IsMessageLine, Wait, "QoS -1 message line"));
        }

        // Section 6.10: mosquitto_pub to a topic the MQTT-SN client subscribed with a wildcard: REGISTER, then PUBLISH.
        [TestMethod]
        [Timeout(15000)]
        public async Task MosquittoPubReachesAWildcardMqttSnSubscriberWithRegisterFirst_Section_6_10()
        {
            MqttSnOptions o = StartGateway();
            using MqttSnClient sn = Client(o);
            await sn.ConnectAsync("lamp", 60, Wait);
            Assert.AreEqual(0, await sn.SubscribeAsync("cmd/#", 1, Wait));
            using (ChildProcess pub = await PubAsync("-t", "cmd/lamp", "-m", "on", "-q", "1"))
            {
                Assert.AreEqual(0, pub.ExitCode, pub.Transcript());
            }
            SnReceived p = await sn.NextAsync(Wait);
            Assert.IsNotNull(p, "PUBLISH");
            Assert.AreEqual(SnMessageType.Publish, p.Type);
            Assert.AreEqual("cmd/lamp", sn.TopicOf(p), "the topic the gateway registered");
            Assert.AreEqual("on", p.Data(5));
            Assert.AreEqual(1, p.Qos);
        }

        // QoS 2 both ways between MQTTnet and the MQTT-SN client (sections 6.6, 6.10).
        [TestMethod]
        [Timeout(15000)]
        public async Task Qos2BothWaysWithMqttNet()
        {
            MqttSnOptions o = StartGateway();
            await using MqttNetPeer net = await MqttNetPeer.ConnectAsync(Broker, "net");
            await net.SubscribeAsync("up/#", MqttQualityOfServiceLevel.ExactlyOnce);
            using MqttSnClient sn = Client(o);
            await sn.ConnectAsync("dev", 60, Wait);
            int downId = await sn.SubscribeAsync("down/dev", 2, Wait);
            int upId = await sn.RegisterAsync("up/dev", Wait);
            await sn.PublishAsync(2, SnMessages.Normal, upId, "exactly once up", Wait);
            ReceivedMessage up = await net.NextAsync(Wait);
            Assert.AreEqual("up/dev", up.Topic);
            Assert.AreEqual("exactly once up", up.Text);
            Assert.AreEqual(MqttQualityOfServiceLevel.ExactlyOnce, up.Qos);
            await net.PublishAsync("down/dev", "exactly once down", MqttQualityOfServiceLevel.ExactlyOnce);
            SnReceived down = await sn.NextAsync(Wait);
            Assert.AreEqual(downId, down.TopicId, "the id SUBACK returned");
            Assert.AreEqual(2, down.Qos);
            Assert.AreEqual("exactly once down", down.Data(5));
        }

        // Section 6.14 over UDP: MQTTnet publishes while the MQTT-SN client sleeps; it gets the message when it wakes.
        [TestMethod]
        [Timeout(15000)]
        public async Task SleepingClientGetsWhatWasPublishedWhenItWakes_Section_6_14()
        {
            MqttSnOptions o = StartGateway();
            using MqttSnClient sn = Client(o);
            await sn.ConnectAsync("sleepy", 60, Wait);
            int id = await sn.SubscribeAsync("cmd/sleepy", 1, Wait);
            sn.Send(SnMessages.Disconnect(30));
            await sn.ExpectAsync(SnMessageType.Disconnect, Wait);
            await using MqttNetPeer net = await MqttNetPeer.ConnectAsync(Broker, "net");
            await net.PublishAsync("cmd/sleepy", "wake up", MqttQualityOfServiceLevel.AtLeastOnce);
            Assert.IsNull(await sn.ReceiveAsync(TimeSpan.FromMilliseconds(500)), "nothing while asleep");
            sn.Send(SnMessages.PingReq("sleepy"));
            SnReceived p = await sn.NextAsync(Wait);
            Assert.AreEqual(SnMessageType.Publish, p.Type);
            Assert.AreEqual(id, p.TopicId);
            Assert.AreEqual("wake up", p.Data(5));
            await sn.ExpectAsync(SnMessageType.PingResp, Wait);
        }

        // Section 6.11: a client silent past its keep-alive is lost; mosquitto_sub gets its will.
        [TestMethod]
        [Timeout(15000)]
        public async Task LostClientsWillReachesMosquittoSub_Section_6_11()
        {
            MqttSnOptions o = StartGateway();
            using ChildProcess sub = await StartSubAsync("-t", "status/#", "-v");
            using MqttSnClient sn = Client(o);
            await sn.ConnectWithWillAsync("mortal", 2, "status/mortal", "lost", 0, Wait);
            Assert.AreEqual("status/mortal lost", await sub.WaitForLineAsync(IsMessageLine, Wait, "the will"));
        }

        // Malformed datagrams are dropped and counted; the client beside them goes on.
        [TestMethod]
        [Timeout(15000)]
        public async Task MalformedDatagramsAreDroppedAndTheClientGoesOn()
        {
            MqttSnOptions o = StartGateway();
            await using MqttNetPeer net = await MqttNetPeer.ConnectAsync(Broker, "net");
            await net.SubscribeAsync("t/#", MqttQualityOfServiceLevel.AtMostOnce);
            using MqttSnClient sn = Client(o);
            await sn.ConnectAsync("dev", 60, Wait);
            int id = await sn.RegisterAsync("t/x", Wait);
            using MqttSnClient noise = Client(o);
            noise.Send(new byte[] { 9, 9, 9 });
            noise.Send(new byte[] { 0x01, 0x00 });
            sn.Send(new byte[] { 0x07, 0x0C, 0x00 });
            await sn.PublishAsync(1, SnMessages.Normal, id, "fine", Wait);
            Assert.AreEqual("fine", (await net.NextAsync(Wait)).Text);
            Broker.Stop();
            Assert.AreEqual(3, (int)Broker.Server.MqttSn.Gateway.Stats.Malformed);
        }
    }
}
