#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.MqttSn;
using NanoBroker.Tests.Engine.Harness;

namespace NanoBroker.Tests.Engine.MqttSn
{
    /// <summary>A broker on a fake clock with an MQTT-SN gateway in front, and MQTT-SN clients at made-up addresses.</summary>
    public sealed class SnRig
    {
        public readonly TestBroker Broker;
        public readonly SnSink Sink = new SnSink();
        public readonly MqttSnGateway Gateway;

        public SnRig() : this(SmallOptions())
        {
        }

        public SnRig(MqttSnOptions options) : this(options, TestBroker.SmallOptions())
        {
        }

        public SnRig(MqttSnOptions options, BrokerOptions brokerOptions)
        {
            Broker = new TestBroker(brokerOptions);
            Gateway = new MqttSnGateway(Broker.Broker, options, Sink, null, Broker.Clock.Now);
        }

        /// <summary>The board's defaults, Tretry 10 s, Nretry 3, predefined ids 1 and 2, no ADVERTISE.</summary>
        public static MqttSnOptions SmallOptions()
        {
            MqttSnOptions o = MqttSnOptions.ForEsp32();
            o.AdvertiseSeconds = 0;
            o.PredefinedTopics = "1=sensors/predefined,2=actuators/predefined";
            return o;
        }

        /// <summary>A client at 192.168.1.<paramref name="host"/>:<paramref name="port"/>.</summary>
        public SnTestClient Client(int host, int port)
        {
            return new SnTestClient(this, SnAddress.Make(new byte[] { 192, 168, 1, (byte)host }, port));
        }

        /// <summary>A client connected with CONNECT (clean session, keep-alive 60 s, no will), CONNACK checked.</summary>
        public SnTestClient Connected(string clientId, int host)
        {
            SnTestClient c = Client(host, 40000 + host);
            c.Send(SnMessages.Connect(clientId, true, false, 60));
            c.ExpectConnAck(SnFlags.Accepted);
            return c;
        }

        /// <summary>Moves the clock on and runs the broker's and the gateway's timers at least every second, as the socket loops do.</summary>
        public void Tick(long advanceMs)
        {
            while (advanceMs > 0)
            {
                long step = advanceMs > 1000 ? 1000 : advanceMs;
                advanceMs -= step;
                long now = Broker.Clock.Advance(step);
                Broker.Broker.Tick(now);
                Gateway.Poll(now);
            }
        }

        /// <summary>After MQTT clients of the test broker sent something: the gateway takes what the engine routed to its clients.</summary>
        public void Poll()
        {
            Gateway.Poll(Broker.Clock.Now);
        }
    }

    /// <summary>One MQTT-SN client of a <see cref="SnRig"/>: sends datagrams from its address, reads those sent to it.</summary>
    public sealed class SnTestClient
    {
        private readonly SnRig rig;
        public readonly long Address;

        public SnTestClient(SnRig rig, long address)
        {
            this.rig = rig;
            Address = address;
        }

        public void Send(byte[] datagram)
        {
            rig.Gateway.Received(Address, datagram, 0, datagram.Length, rig.Broker.Clock.Now);
        }

        /// <summary>The next datagram to this client, decoded, or null.</summary>
        public SnReceived Read()
        {
            byte[] d = rig.Sink.Next(Address);
            return d == null ? null : new SnReceived(d);
        }

        public int Unread { get { return rig.Sink.Unread(Address); } }

        public SnReceived Expect(int type)
        {
            SnReceived m = Read();
            Assert.IsNotNull(m, "expected MQTT-SN message type " + type + ", got none");
            Assert.AreEqual(type, m.Type, "MQTT-SN message type");
            return m;
        }

        public void ExpectConnAck(int returnCode)
        {
            Assert.AreEqual(returnCode, Expect(SnMessageType.ConnAck).Byte(0), "CONNACK return code");
        }

        public void ExpectNothing()
        {
            SnReceived m = Read();
            Assert.IsNull(m, m == null ? "" : "unexpected MQTT-SN message type " + m.Type);
        }

        /// <summary>CONNECT (clean session) with a will, through the handshake (section 6.2): WILLTOPICREQ, WILLTOPIC, WILLMSGREQ, WILLMSG, CONNACK accepted.</summary>
        public void ConnectWithWill(string clientId, int keepAliveSeconds, string willTopic, string willMessage, int willQos)
        {
            Send(SnMessages.Connect(clientId, true, true, keepAliveSeconds));
            Expect(SnMessageType.WillTopicReq);
            Send(SnMessages.WillTopic(willQos, false, willTopic));
            Expect(SnMessageType.WillMsgReq);
            Send(SnMessages.WillMsg(willMessage));
            ExpectConnAck(SnFlags.Accepted);
        }

        /// <summary>SUBSCRIBE by name; checks SUBACK accepted at <paramref name="qos"/> and returns its topic id.</summary>
        public int Subscribe(string topic, int qos, int msgId)
        {
            Send(SnMessages.Subscribe(qos, msgId, topic));
            SnReceived ack = Expect(SnMessageType.SubAck);
            Assert.AreEqual(msgId, ack.UInt16(3), "SUBACK MsgId");
            Assert.AreEqual(SnFlags.Accepted, ack.Byte(5), "SUBACK return code");
            Assert.AreEqual(qos, (ack.Byte(0) >> 5) & 3, "SUBACK granted QoS");
            return ack.UInt16(1);
        }

        /// <summary>REGISTER; checks REGACK accepted and returns the topic id.</summary>
        public int Register(string topic, int msgId)
        {
            Send(SnMessages.Register(msgId, topic));
            SnReceived ack = Expect(SnMessageType.RegAck);
            Assert.AreEqual(msgId, ack.UInt16(2), "REGACK MsgId");
            Assert.AreEqual(SnFlags.Accepted, ack.Byte(4), "REGACK return code");
            return ack.UInt16(0);
        }
    }

    /// <summary>A datagram the gateway sent, its header checked and its body readable by field offset.</summary>
    public sealed class SnReceived
    {
        public readonly byte[] Raw;
        public readonly int Type;
        private readonly int body;

        public SnReceived(byte[] raw)
        {
            Raw = raw;
            if (raw[0] == 1)
            {
                Assert.AreEqual(raw.Length, (raw[1] << 8) | raw[2], "three-octet Length field (section 5.2.1)");
                body = 4;
            }
            else
            {
                Assert.AreEqual(raw.Length, (int)raw[0], "Length field (section 5.2.1)");
                body = 2;
            }
            Type = raw[body - 1];
        }

        public int BodyLength { get { return Raw.Length - body; } }

        public int Byte(int at) { return Raw[body + at]; }

        public int UInt16(int at) { return (Raw[body + at] << 8) | Raw[body + at + 1]; }

        /// <summary>PUBLISH: Flags, TopicId, MsgId, Data (section 5.4.12).</summary>
        public int Flags { get { return Raw[body]; } }
        public int Qos { get { int q = (Raw[body] >> 5) & 3; return q == 3 ? -1 : q; } }
        public int TopicIdType { get { return Raw[body] & 3; } }
        public int TopicId { get { return UInt16(1); } }
        public int MsgId { get { return UInt16(3); } }

        public string Data(int from)
        {
            return NanoBroker.Protocol.Utf8.GetString(Raw, body + from, Raw.Length - body - from);
        }
    }
}
