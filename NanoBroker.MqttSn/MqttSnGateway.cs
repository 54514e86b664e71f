using NanoBroker.Protocol;
using NanoBroker.Sessions;

namespace NanoBroker.MqttSn
{
    /// <summary>
    /// An MQTT-SN v1.2 gateway inside the broker, sans-IO: the UDP edge hands it each datagram with
    /// <see cref="Received"/> and calls <see cref="Poll"/> on every pass of its loop; the gateway sends through an
    /// <see cref="IDatagramSink"/>. It is a transparent gateway (section 4): each MQTT-SN client speaks through an
    /// engine connection of its own (<see cref="Broker.Open"/>), its messages translated into MQTT 5.0 packets written
    /// into that connection's receive buffer (<see cref="EnginePackets"/>) and the engine's packets from its outbox
    /// translated back (<see cref="OutboxPacket"/>), so sessions, routing, retained messages, access rules, queue
    /// limits and wills are the engine's own.
    /// <para>
    /// Sleeping clients (section 6.14): the engine connection stays open while the client sleeps and the gateway
    /// stops reading its outbox; QoS 1/2 messages wait in the session's queue (queue_depth, oldest dropped and
    /// counted), QoS 0 ones in the outbox while it has room (then dropped and counted, as for any slow reader). A
    /// PINGREQ with the client id wakes it: what waits is sent, then PINGRESP. A client silent for one and a half
    /// times its keep-alive or sleep duration is lost: its engine connection closes without DISCONNECT, so its will
    /// is published (the latest it set with WILLTOPICUPD/WILLMSGUPD: MqttSnGateway.WillUpdate.cs).
    /// </para>
    /// <para>
    /// Source addresses: a client is known by its address. A CONNECT with a client id connected from another IPv4
    /// address is refused (CONNACK 0x01, counted) until that client disconnects or is lost; from the same address
    /// (another port: a restarted client) it replaces the old entry, ending it with DISCONNECT (no will). A wake-up
    /// PINGREQ naming a client asleep at another IPv4 address is dropped and counted; from the same address and another
    /// port (a device that slept deeply wakes on a new socket) the client moves to that port. A datagram other than CONNECT,
    /// SEARCHGW, PINGREQ or PUBLISH QoS -1 from an address with no client is answered with DISCONNECT.
    /// </para>
    /// </summary>
    public sealed partial class MqttSnGateway
    {
        private readonly Broker broker;
        private readonly MqttSnOptions options;
        private readonly IDatagramSink sink;
        private readonly IBrokerLog log;
        private readonly SnClient[] clients;
        private readonly PredefinedTopicTable predefined;
        private readonly SnAllowList allow;
        private readonly byte[] output;
        private readonly OutboxPacket packet = new OutboxPacket();
        private readonly byte[] user;
        private readonly byte[] password;
        private long now;
        private long nextAdvertiseMs;

        /// <summary>The gateway's counters.</summary>
        public readonly MqttSnStats Stats = new MqttSnStats();

        /// <summary>Builds every table from <paramref name="options"/>; throws ArgumentException when a list setting does not parse.</summary>
        public MqttSnGateway(Broker broker, MqttSnOptions options, IDatagramSink sink, IBrokerLog log, long nowMs)
        {
            string problem = PredefinedTopicTable.Check(options.PredefinedTopics);
            if (problem == null)
            {
                problem = SnAllowList.CheckNetworks(options.Networks);
            }
            if (problem == null && options.DatagramBytes < 16)
            {
                problem = "mqttsn_datagram_bytes must be at least 16";
            }
            if (problem != null)
            {
                throw new System.ArgumentException(problem);
            }
            this.broker = broker;
            this.options = options;
            this.sink = sink;
            this.log = log;
            clients = new SnClient[options.MaxClients];
            for (int i = 0; i < clients.Length; i++)
            {
                clients[i] = new SnClient(options);
            }
            predefined = new PredefinedTopicTable(options.PredefinedTopics);
            allow = new SnAllowList(options.Networks, options.ClientIds);
            output = new byte[options.DatagramBytes];
            user = Utf8.GetBytes(options.User == null ? "" : options.User);
            password = Utf8.GetBytes(options.Password == null ? "" : options.Password);
            qosMinusOneId = Utf8.GetBytes(QosMinusOneClientId);
            now = nowMs;
            nextAdvertiseMs = nowMs;
        }

        /// <summary>The settings the gateway was built from.</summary>
        public MqttSnOptions Options { get { return options; } }

        /// <summary>Clients in any state but free.</summary>
        public int ClientCount
        {
            get
            {
                int n = 0;
                for (int i = 0; i < clients.Length; i++)
                {
                    if (clients[i].State != SnClientState.Free)
                    {
                        n++;
                    }
                }
                return n;
            }
        }

        /// <summary>The state of the client at <paramref name="address"/> (Free when none).</summary>
        public SnClientState StateOf(long address)
        {
            SnClient c = Find(address);
            return c == null ? SnClientState.Free : c.State;
        }

        /// <summary>One datagram from <paramref name="address"/> (<see cref="SnAddress"/>).</summary>
        public void Received(long address, byte[] buffer, int offset, int count, long nowMs)
        {
            now = nowMs;
            Stats.DatagramsReceived++;
            if (!allow.AllowsAddress(address))
            {
                Stats.Refused++;
                return;
            }
            int t = count > options.DatagramBytes ? -1 : SnHeader.TypeAt(buffer, offset, count);
            if (t < 0 || !Dispatch(Find(address), address, buffer[t], buffer, t + 1, offset + count))
            {
                CountMalformed();
            }
            DrainAll();
        }

        /// <summary>Time passes: retransmissions, keep-alive and sleep timers, ADVERTISE, and the messages the engine routed to clients.</summary>
        public void Poll(long nowMs)
        {
            now = nowMs;
            for (int i = 0; i < clients.Length; i++)
            {
                SnClient c = clients[i];
                if (c.State != SnClientState.Free)
                {
                    Timers(c);
                }
            }
            KeepQosMinusOneAlive();
            DrainAll();
            if (options.AdvertiseSeconds > 0 && now >= nextAdvertiseMs)
            {
                nextAdvertiseMs = now + options.AdvertiseSeconds * 1000L;
                int p = SnHeader.Write(output, 0, SnMessageType.Advertise, 3);
                output[p] = (byte)options.GatewayId;
                Wire.WriteUInt16(output, p + 1, options.AdvertiseSeconds > 65535 ? 65535 : options.AdvertiseSeconds);
                Stats.DatagramsSent++;
                sink.Broadcast(output, 0, p + 3);
            }
        }

        private bool Dispatch(SnClient c, long address, byte type, byte[] b, int body, int end)
        {
            switch (type)
            {
                case SnMessageType.SearchGw:
                    if (end - body != 1)
                    {
                        return false;
                    }
                    int p = SnHeader.Write(output, 0, SnMessageType.GwInfo, 1);
                    output[p] = (byte)options.GatewayId;
                    Send(address, p + 1);
                    return true;
                case SnMessageType.Advertise:
                case SnMessageType.GwInfo:
                    return true;
                case SnMessageType.Connect:
                    return OnConnect(c, address, b, body, end);
                case SnMessageType.PingReq:
                    return OnPingReq(c, address, b, body, end);
                case SnMessageType.Publish:
                    if (end - body >= 5 && SnFlags.Qos(b[body]) == -1)
                    {
                        return OnPublishQosMinusOne(b, body, end);
                    }
                    break;
            }
            if (!IsClientMessage(type))
            {
                return false;
            }
            if (c == null)
            {
                if (type != SnMessageType.Disconnect)
                {
                    Stats.Unknown++;
                    SendEmpty(address, SnMessageType.Disconnect);
                }
                return true;
            }
            c.LastHeardMs = now;
            if (type == SnMessageType.WillTopic)
            {
                return OnWillTopic(c, b, body, end);
            }
            if (type == SnMessageType.WillMsg)
            {
                return OnWillMessage(c, b, body, end);
            }
            if (!c.Connected)
            {
                return true;
            }
            switch (type)
            {
                case SnMessageType.Register: return OnRegister(c, b, body, end);
                case SnMessageType.RegAck: return OnRegAck(c, b, body, end);
                case SnMessageType.Publish: return OnPublish(c, b, body, end);
                case SnMessageType.PubAck: return OnAcknowledged(c, b, body, end, SnMessageType.PubAck, 0x40);
                case SnMessageType.PubRec: return OnAcknowledged(c, b, body, end, SnMessageType.PubRec, 0x50);
                case SnMessageType.PubComp: return OnAcknowledged(c, b, body, end, SnMessageType.PubComp, 0x70);
                case SnMessageType.PubRel: return OnPubRel(c, b, body, end);
                case SnMessageType.Subscribe: return OnSubscribe(c, b, body, end, true);
                case SnMessageType.Unsubscribe: return OnSubscribe(c, b, body, end, false);
                case SnMessageType.Disconnect: return OnDisconnect(c, b, body, end);
                case SnMessageType.WillTopicUpd: return OnWillTopicUpdate(c, b, body, end);
                case SnMessageType.WillMsgUpd: return OnWillMessageUpdate(c, b, body, end);
                default: return true;
            }
        }

        private static bool IsClientMessage(byte type)
        {
            switch (type)
            {
                case SnMessageType.WillTopic:
                case SnMessageType.WillMsg:
                case SnMessageType.Register:
                case SnMessageType.RegAck:
                case SnMessageType.Publish:
                case SnMessageType.PubAck:
                case SnMessageType.PubRec:
                case SnMessageType.PubRel:
                case SnMessageType.PubComp:
                case SnMessageType.Subscribe:
                case SnMessageType.Unsubscribe:
                case SnMessageType.Disconnect:
                case SnMessageType.WillTopicUpd:
                case SnMessageType.WillMsgUpd:
                    return true;
                default:
                    return false;
            }
        }

        private SnClient Find(long address)
        {
            for (int i = 0; i < clients.Length; i++)
            {
                if (clients[i].State != SnClientState.Free && clients[i].Address == address)
                {
                    return clients[i];
                }
            }
            return null;
        }

        private SnClient FindById(byte[] b, int start, int length)
        {
            for (int i = 0; i < clients.Length; i++)
            {
                SnClient c = clients[i];
                if (c.State != SnClientState.Free && c.ClientIdLength == length && SameId(c, b, start))
                {
                    return c;
                }
            }
            return null;
        }

        private static bool SameId(SnClient c, byte[] b, int start)
        {
            for (int i = 0; i < c.ClientIdLength; i++)
            {
                if (c.ClientId[i] != b[start + i])
                {
                    return false;
                }
            }
            return true;
        }

        private SnClient FreeSlot()
        {
            for (int i = 0; i < clients.Length; i++)
            {
                if (clients[i].State == SnClientState.Free)
                {
                    return clients[i];
                }
            }
            return null;
        }

        private void Send(long address, int count)
        {
            Stats.DatagramsSent++;
            sink.Send(address, output, 0, count);
        }

        private void SendEmpty(long address, byte type)
        {
            Send(address, SnHeader.Write(output, 0, type, 0));
        }

        private void SendMsgId(long address, byte type, int msgId)
        {
            int p = SnHeader.Write(output, 0, type, 2);
            Wire.WriteUInt16(output, p, msgId);
            Send(address, p + 2);
        }

        // PUBACK and REGACK share a layout: TopicId, MsgId, ReturnCode (sections 5.4.11, 5.4.13).
        private void SendIdAck(long address, byte type, int topicId, int msgId, byte returnCode)
        {
            int p = SnHeader.Write(output, 0, type, 5);
            Wire.WriteUInt16(output, p, topicId);
            Wire.WriteUInt16(output, p + 2, msgId);
            output[p + 4] = returnCode;
            Send(address, p + 5);
        }

        private void SendConnAck(long address, byte returnCode)
        {
            int p = SnHeader.Write(output, 0, SnMessageType.ConnAck, 1);
            output[p] = returnCode;
            Send(address, p + 1);
        }

        // Both also count in the broker's $SYS/broker/messages/dropped: a malformed datagram is a message dropped.
        private void CountDropped()
        {
            Stats.Dropped++;
            broker.Stats.MessagesDropped++;
        }

        private void CountMalformed()
        {
            Stats.Malformed++;
            broker.Stats.MessagesDropped++;
        }

        private void Info(string line)
        {
            if (log != null && log.Verbose)
            {
                log.Info(line);
            }
        }

        private void Warn(string line)
        {
            if (log != null)
            {
                log.Warning(line);
            }
        }
    }
}
