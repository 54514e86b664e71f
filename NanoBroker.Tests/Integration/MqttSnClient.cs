using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoBroker.MqttSn;
using NanoBroker.Tests.Engine.MqttSn;

namespace NanoBroker.Tests.Integration
{
    /// <summary>
    /// A small MQTT-SN v1.2 client over UDP for the tests (no MQTT-SN client package is served by the registries this
    /// machine reaches): the messages of <see cref="SnMessages"/>, one datagram each, and waits for the gateway's
    /// answers. <see cref="NextAsync"/> answers a gateway REGISTER with REGACK on its own (section 6.10).
    /// </summary>
    public sealed class MqttSnClient : IDisposable
    {
        private readonly UdpClient udp;
        private readonly IPEndPoint gateway;
        private readonly CancellationToken cancel;
        private int nextMsgId = 1;

        public MqttSnClient(int gatewayPort, CancellationToken cancel)
        {
            udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            gateway = new IPEndPoint(IPAddress.Loopback, gatewayPort);
            this.cancel = cancel;
        }

        /// <summary>Topic ids the gateway registered with this client, by id.</summary>
        public readonly System.Collections.Generic.Dictionary<int, string> Registered = new System.Collections.Generic.Dictionary<int, string>();

        public int NextMsgId() { return nextMsgId++; }

        public void Send(byte[] datagram)
        {
            udp.Send(datagram, datagram.Length, gateway);
        }

        /// <summary>The next datagram from the gateway within <paramref name="timeout"/>, or null.</summary>
        public async Task<SnReceived> ReceiveAsync(TimeSpan timeout)
        {
            using CancellationTokenSource limit = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            limit.CancelAfter(timeout);
            try
            {
                UdpReceiveResult r = await udp.ReceiveAsync(limit.Token);
                return new SnReceived(r.Buffer);
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }

        public async Task<SnReceived> ExpectAsync(int type, TimeSpan timeout)
        {
            SnReceived m = await ReceiveAsync(timeout);
            Assert.IsNotNull(m, "no MQTT-SN message type " + type + " within " + timeout);
            Assert.AreEqual(type, m.Type, "MQTT-SN message type");
            return m;
        }

        /// <summary>CONNECT (clean session unless said otherwise, no will) and CONNACK accepted.</summary>
        public async Task ConnectAsync(string clientId, int keepAliveSeconds, TimeSpan timeout, bool clean = true)
        {
            Send(SnMessages.Connect(clientId, clean, false, keepAliveSeconds));
            Assert.AreEqual(SnFlags.Accepted, (await ExpectAsync(SnMessageType.ConnAck, timeout)).Byte(0), "CONNACK return code");
        }

        /// <summary>CONNECT with a will, through the handshake (section 6.2).</summary>
        public async Task ConnectWithWillAsync(string clientId, int keepAliveSeconds, string willTopic, string willMessage, int willQos, TimeSpan timeout)
        {
            Send(SnMessages.Connect(clientId, true, true, keepAliveSeconds));
            await ExpectAsync(SnMessageType.WillTopicReq, timeout);
            Send(SnMessages.WillTopic(willQos, false, willTopic));
            await ExpectAsync(SnMessageType.WillMsgReq, timeout);
            Send(SnMessages.WillMsg(willMessage));
            Assert.AreEqual(SnFlags.Accepted, (await ExpectAsync(SnMessageType.ConnAck, timeout)).Byte(0), "CONNACK return code");
        }

        public async Task<int> RegisterAsync(string topic, TimeSpan timeout)
        {
            int msgId = NextMsgId();
            Send(SnMessages.Register(msgId, topic));
            SnReceived ack = await ExpectAsync(SnMessageType.RegAck, timeout);
            Assert.AreEqual(msgId, ack.UInt16(2));
            Assert.AreEqual(SnFlags.Accepted, ack.Byte(4), "REGACK return code");
            return ack.UInt16(0);
        }

        /// <summary>SUBSCRIBE by name; returns the SUBACK's topic id.</summary>
        public async Task<int> SubscribeAsync(string topic, int qos, TimeSpan timeout)
        {
            int msgId = NextMsgId();
            Send(SnMessages.Subscribe(qos, msgId, topic));
            SnReceived ack = await ExpectAsync(SnMessageType.SubAck, timeout);
            Assert.AreEqual(msgId, ack.UInt16(3));
            Assert.AreEqual(SnFlags.Accepted, ack.Byte(5), "SUBACK return code");
            return ack.UInt16(1);
        }

        /// <summary>PUBLISH and, for QoS 1 and 2, its acknowledgement flow (section 6.6).</summary>
        public async Task PublishAsync(int qos, int idType, int topicId, string payload, TimeSpan timeout, bool retain = false)
        {
            int msgId = qos > 0 ? NextMsgId() : 0;
            Send(SnMessages.Publish(qos, retain, false, idType, topicId, msgId, payload));
            if (qos == 1)
            {
                SnReceived ack = await ExpectAsync(SnMessageType.PubAck, timeout);
                Assert.AreEqual(msgId, ack.UInt16(2));
                Assert.AreEqual(SnFlags.Accepted, ack.Byte(4), "PUBACK return code");
            }
            else if (qos == 2)
            {
                Assert.AreEqual(msgId, (await ExpectAsync(SnMessageType.PubRec, timeout)).UInt16(0));
                Send(SnMessages.PubRel(msgId));
                Assert.AreEqual(msgId, (await ExpectAsync(SnMessageType.PubComp, timeout)).UInt16(0));
            }
        }

        /// <summary>
        /// The next PUBLISH from the gateway, REGISTERs on the way answered with REGACK; QoS 1 acknowledged with PUBACK,
        /// QoS 2 with PUBREC, then PUBREL answered with PUBCOMP. Other messages are returned as they are.
        /// </summary>
        public async Task<SnReceived> NextAsync(TimeSpan timeout)
        {
            while (true)
            {
                SnReceived m = await ReceiveAsync(timeout);
                if (m == null || m.Type != SnMessageType.Register)
                {
                    if (m != null && m.Type == SnMessageType.Publish)
                    {
                        if (m.Qos == 1)
                        {
                            Send(SnMessages.PubAck(m.TopicId, m.MsgId, 0));
                        }
                        else if (m.Qos == 2)
                        {
                            Send(SnMessages.PubRec(m.MsgId));
                            Assert.AreEqual(m.MsgId, (await ExpectAsync(SnMessageType.PubRel, timeout)).UInt16(0));
                            Send(SnMessages.PubComp(m.MsgId));
                        }
                    }
                    return m;
                }
                Registered[m.UInt16(0)] = m.Data(4);
                Send(SnMessages.RegAck(m.UInt16(0), m.UInt16(2), 0));
            }
        }

        /// <summary>The topic name of a PUBLISH: registered, predefined (not known here) or short.</summary>
        public string TopicOf(SnReceived publish)
        {
            if (publish.TopicIdType == SnMessages.Short)
            {
                return "" + (char)(publish.TopicId >> 8) + (char)(publish.TopicId & 0xFF);
            }
            return Registered.TryGetValue(publish.TopicId, out string name) ? name : null;
        }

        public void Dispose()
        {
            udp.Dispose();
        }
    }
}
