using NanoBroker.Protocol;
using NanoBroker.Security;
using NanoBroker.Sessions;

namespace NanoBroker.Bridge
{
    /// <summary>
    /// A bridge to one upstream broker, sans-IO: a client of the upstream (MQTT 3.1.1) on one side and a client of this
    /// broker's engine on the other, through an in-process <see cref="Connection"/> (MQTT 5.0, a persistent session whose
    /// subscriptions have No Local), as mosquitto's bridge is a client inside the broker. The edge moves bytes between
    /// the upstream socket and <see cref="Input"/>/<see cref="Output"/>, opens the connection when the state is
    /// <see cref="BridgeState.Connecting"/>, closes it at <see cref="BridgeState.Closing"/>, and calls <see cref="Step"/> often.
    /// </summary>
    /// <remarks>
    /// Store and forward is the engine's: while the upstream is away the local connection is closed, so the engine keeps
    /// the QoS 1/2 messages for the bridge's session in its queue (QueueDepth, the oldest dropped and counted; in the record
    /// log with PersistQueuedMessages) and QoS 0 is dropped and counted; when the upstream is back the bridge reconnects
    /// locally and the engine sends the queue in order. A message is acknowledged to the side it came from only when the
    /// other side acknowledged it, with the same packet identifier (the engine's towards the upstream, the upstream's
    /// towards the engine): a crash or a lost link anywhere makes the sender resend it, and each side's QoS 2 state (the
    /// engine's in its log, the upstream's in its persistent session) recognises a resent QoS 2 message, so QoS 2 crosses
    /// exactly once and QoS 1 at least once.
    /// </remarks>
    public sealed class Bridge
    {
        private const int ConnectTimeoutMs = 10000;
        // The identifier of the one SUBSCRIBE each side gets per connection. Upstream it goes before any message (the engine's
        // packets wait until SUBACK); a persistent upstream session may still hold this identifier for a QoS 2 message
        // awaiting PUBREL from before: a corner of [MQTT-2.3.1-2] (a new packet takes an unused identifier) left open.
        private const int SubscribePacketId = 1;

        private readonly BridgeSettings settings;
        private readonly Broker broker;
        private readonly IBrokerLog log;
        private readonly BridgeRule[] rules;
        private readonly bool anyIn;
        private readonly bool anyOut;
        private readonly byte[] remoteClientId;
        private readonly byte[] username;
        private readonly byte[] password;
        private readonly byte[] localClientId;
        private readonly byte[] localUsername;
        private readonly byte[] localPassword;
        private readonly Backoff backoff;
        private readonly BridgeSys sys;
        private readonly PacketFramer upstreamFramer = new PacketFramer();
        private readonly PacketFramer localFramer = new PacketFramer();

        // Upstream bytes received and not yet handled; upstream bytes to send, from outputStart.
        private readonly byte[] input;
        private int inputCount;
        private readonly byte[] output;
        private int outputStart;
        private int outputCount;

        // One packet for the engine, fed into the local connection's receive buffer as it makes room.
        private readonly byte[] toLocal;
        private int toLocalFed;
        private int toLocalCount;

        private Connection local;
        private EchoFilter echo;
        private readonly bool upstream5;
        private bool usePrivate;
        // MQTT 5.0 upstream: the most QoS 1/2 messages it takes unacknowledged (its CONNACK's Receive Maximum), and how many are.
        private int receiveMaximum;
        private int inflightUp;
        private readonly Properties connAckProperties = new Properties();
        private bool retryAtOnce;
        private long stateSinceMs;
        private long lastSentMs;
        private long pingSentMs;
        private bool pingOutstanding;
        private long nextAttemptMs;

        /// <summary>
        /// A bridge for <paramref name="settings"/> (valid: <see cref="BridgeSettings.Validate"/>) into <paramref name="broker"/>,
        /// its buffers sized from the broker's MaxPacketSize; it first connects at <paramref name="nowMs"/>.
        /// <paramref name="echoWindow"/> is how many messages sent upstream an <see cref="EchoFilter"/> remembers where one is needed.
        /// </summary>
        public Bridge(BridgeSettings settings, Broker broker, IBrokerLog log, int echoWindow, long nowMs)
        {
            this.settings = settings;
            this.broker = broker;
            this.log = log;
            rules = new BridgeRule[settings.RuleCount];
            for (int i = 0; i < rules.Length; i++)
            {
                rules[i] = settings.Rule(i);
                anyIn |= rules[i].In;
                anyOut |= rules[i].Out;
            }
            remoteClientId = Utf8.GetBytes(settings.RemoteClientIdOrDefault);
            username = settings.Username != null ? Utf8.GetBytes(settings.Username) : null;
            password = settings.Password != null ? Utf8.GetBytes(settings.Password) : null;
            localClientId = Utf8.GetBytes(settings.LocalClientIdOrDefault);
            // Its queue is what the bridge accepted to forward: a full session table must not drop it.
            broker.KeepSession(localClientId);
            localUsername = settings.LocalUsername != null ? Utf8.GetBytes(settings.LocalUsername) : null;
            localPassword = settings.LocalPassword != null ? Utf8.GetBytes(settings.LocalPassword) : null;
            backoff = new Backoff(settings.ReconnectMinMs, settings.ReconnectMaxMs, broker.Random);
            int packet = broker.Options.MaxPacketSize;
            input = new byte[packet];
            output = new byte[packet + packet / 2];
            toLocal = new byte[packet];
            upstream5 = settings.Mqtt5;
            usePrivate = settings.TryPrivate && !upstream5;
            EchoWindow = echoWindow;
            sys = broker.Options.SysIntervalMs > 0 ? new BridgeSys(settings.Name, broker) : null;
            State = BridgeState.Waiting;
            nextAttemptMs = nowMs;
        }

        /// <summary>The settings it runs.</summary>
        public BridgeSettings Settings { get { return settings; } }

        /// <summary>Where the upstream connection stands.</summary>
        public BridgeState State { get; private set; }

        /// <summary>Messages sent upstream (any QoS; a resend counts again).</summary>
        public long MessagesSent { get; private set; }

        /// <summary>Messages received from upstream and handed to the engine.</summary>
        public long MessagesReceived { get; private set; }

        /// <summary>Messages the bridge itself dropped (no rule for them, refused by the engine); see <see cref="Dropped"/>.</summary>
        public long MessagesDropped { get; private set; }

        /// <summary>Echoes of its own messages the upstream sent back and the bridge dropped (3.1.1 upstreams without the bridge flag).</summary>
        public long EchoesDropped { get; private set; }

        /// <summary>The size of the echo filter made when one is needed.</summary>
        public int EchoWindow { get; private set; }

        /// <summary>True while it connects with mosquitto's bridge flag (false after an upstream refused it).</summary>
        public bool UsesBridgeFlag { get { return usePrivate; } }

        /// <summary>Messages waiting for the upstream: in the local session's queue or sent and not yet acknowledged.</summary>
        public int Queued
        {
            get
            {
                int waiting;
                long dropped;
                broker.SessionBacklog(localClientId, out waiting, out dropped);
                return waiting;
            }
        }

        /// <summary>Messages dropped on the way up or down: the local session's (queue full, QoS 0 while the upstream was away) and the bridge's own.</summary>
        public long Dropped
        {
            get
            {
                int waiting;
                long dropped;
                broker.SessionBacklog(localClientId, out waiting, out dropped);
                return dropped + MessagesDropped;
            }
        }

        /// <summary>Where the edge writes upstream bytes, from <see cref="InputOffset"/>, at most <see cref="InputSpace"/>.</summary>
        public byte[] Input { get { return input; } }
        public int InputOffset { get { return inputCount; } }
        public int InputSpace { get { return input.Length - inputCount; } }

        /// <summary>What the edge sends upstream: <see cref="OutputCount"/> bytes of <see cref="Output"/> from <see cref="OutputStart"/>.</summary>
        public byte[] Output { get { return output; } }
        public int OutputStart { get { return outputStart; } }
        public int OutputCount { get { return outputCount; } }

        /// <summary>The edge connected (TCP, and TLS when set): CONNECT goes out.</summary>
        public void Connected(long nowMs)
        {
            if (State != BridgeState.Connecting)
            {
                return;
            }
            inputCount = 0;
            outputStart = 0;
            outputCount = 0;
            pingOutstanding = false;
            int level = upstream5 ? ClientPackets.Level5 : ClientPackets.Level311 | (usePrivate ? ClientPackets.BridgeFlag : 0);
            // 5.0: no more QoS 1/2 messages from upstream at once than the engine takes from the bridge's session
            // (its QoS 2 window, InflightWindow) [MQTT-3.1.2-11]; a 3.1.1 upstream has no way to be told.
            int announced = upstream5 ? broker.Options.InflightWindow : 0;
            int size = ClientPackets.SizeOfConnect(upstream5, settings.CleanSession, announced, remoteClientId, username, password);
            inflightUp = 0;
            receiveMaximum = 65535;
            int at = Append(size);
            if (at < 0)
            {
                // A client id, user name or password (a long token) beyond the output buffer (1.5 x max_packet_size).
                Enter(BridgeState.AwaitingConnAck, nowMs);
                Fail("its CONNECT (" + size + " bytes) is larger than the output buffer (" + output.Length + " bytes): raise max_packet_size");
                return;
            }
            ClientPackets.WriteConnect(output, at, level, settings.CleanSession, settings.KeepAliveSeconds, announced, remoteClientId, username, password);
            Enter(BridgeState.AwaitingConnAck, nowMs);
            lastSentMs = nowMs;
        }

        /// <summary>The edge sent <paramref name="count"/> bytes from <see cref="OutputStart"/>.</summary>
        public void Sent(int count, long nowMs)
        {
            outputStart += count;
            outputCount -= count;
            if (outputCount == 0)
            {
                outputStart = 0;
            }
            lastSentMs = nowMs;
            Pump(nowMs);
        }

        /// <summary>The edge wrote <paramref name="count"/> upstream bytes at <see cref="InputOffset"/>.</summary>
        public void Received(int count, long nowMs)
        {
            inputCount += count;
            Pump(nowMs);
        }

        /// <summary>
        /// The upstream connection is gone (it failed, the peer closed it, the connect failed, or the edge closed it at
        /// <see cref="BridgeState.Closing"/>): the local connection closes too, so the engine queues for the bridge again.
        /// </summary>
        public void Disconnected(long nowMs, string reason)
        {
            if (State == BridgeState.Waiting)
            {
                return;
            }
            bool beforeConnAck = State == BridgeState.AwaitingConnAck;
            if (reason != null)
            {
                log.Warning("bridge " + settings.Name + ": " + reason);
            }
            CloseLocal(nowMs);
            inputCount = 0;
            outputStart = 0;
            outputCount = 0;
            Enter(BridgeState.Waiting, nowMs);
            if (beforeConnAck && usePrivate)
            {
                // An upstream that is not mosquitto may close on a protocol level it does not know.
                RefusedBridgeFlag();
            }
            if (retryAtOnce)
            {
                retryAtOnce = false;
                nextAttemptMs = nowMs;
                return;
            }
            nextAttemptMs = nowMs + backoff.NextDelayMs();
        }

        /// <summary>Time passes: connects when due, keep-alive, timeouts, the local side's output, $SYS.</summary>
        public void Step(long nowMs)
        {
            if (State == BridgeState.Waiting && nowMs >= nextAttemptMs)
            {
                Enter(BridgeState.Connecting, nowMs);
            }
            if ((State == BridgeState.AwaitingConnAck || State == BridgeState.Subscribing) && nowMs - stateSinceMs > ConnectTimeoutMs)
            {
                Fail(State == BridgeState.AwaitingConnAck ? "no CONNACK within " + ConnectTimeoutMs + " ms" : "no SUBACK within " + ConnectTimeoutMs + " ms");
            }
            if (State >= BridgeState.AwaitingConnAck && State <= BridgeState.Ready)
            {
                long keepAliveMs = settings.KeepAliveSeconds * 1000L;
                if (pingOutstanding && nowMs - pingSentMs > keepAliveMs)
                {
                    Fail("no PINGRESP within the keep-alive interval");
                }
                else if (!pingOutstanding && nowMs - lastSentMs >= keepAliveMs && outputCount == 0)
                {
                    // [MQTT-3.1.2-23] a packet within each keep-alive interval.
                    ClientPackets.WriteEmpty(output, Append(ClientPackets.EmptySize), PacketType.PingReq);
                    pingOutstanding = true;
                    pingSentMs = nowMs;
                }
            }
            if (local != null && (local.State == ConnectionState.Free || local.IsClosing))
            {
                Fail("this broker closed the bridge's session (" + local.CloseReason + ")");
            }
            Pump(nowMs);
            if (sys != null)
            {
                sys.PublishIfDue(this, nowMs);
            }
        }

        // Handles what both sides have until neither moves.
        private void Pump(long nowMs)
        {
            bool moved = true;
            while (moved)
            {
                moved = FeedLocal(nowMs);
                if (State >= BridgeState.AwaitingConnAck && State <= BridgeState.Ready)
                {
                    moved |= HandleUpstream(nowMs);
                }
                if (State == BridgeState.Ready)
                {
                    moved |= HandleLocal(nowMs);
                }
            }
        }

        // The next attempt, at once, goes without the bridge flag, with the echo filter in its place.
        private void RefusedBridgeFlag()
        {
            usePrivate = false;
            retryAtOnce = true;
            log.Info("bridge " + settings.Name + ": the upstream does not take mosquitto's bridge flag: connecting without it, dropping the echoes of what it sends up");
        }

        private void Enter(BridgeState state, long nowMs)
        {
            State = state;
            stateSinceMs = nowMs;
        }

        private void Fail(string reason)
        {
            if (State == BridgeState.Waiting || State == BridgeState.Closing)
            {
                return;
            }
            log.Warning("bridge " + settings.Name + ": " + reason + "; reconnecting");
            State = BridgeState.Closing;
        }

        // Room for size bytes at the end of the output; -1 when there is none now.
        private int Append(int size)
        {
            if (outputStart + outputCount + size > output.Length && outputStart > 0)
            {
                System.Array.Copy(output, outputStart, output, 0, outputCount);
                outputStart = 0;
            }
            if (outputStart + outputCount + size > output.Length)
            {
                return -1;
            }
            int at = outputStart + outputCount;
            outputCount += size;
            return at;
        }

        // ---- upstream packets -------------------------------------------------------------------------------------

        private bool HandleUpstream(long nowMs)
        {
            int at = 0;
            while (State >= BridgeState.AwaitingConnAck && State <= BridgeState.Ready)
            {
                int framed = upstreamFramer.Decode(input, at, inputCount - at);
                if (framed == PacketFramer.Malformed)
                {
                    Fail("malformed packet from upstream");
                    break;
                }
                if (framed != PacketFramer.Complete)
                {
                    if (framed == PacketFramer.Truncated && upstreamFramer.Size > input.Length)
                    {
                        Fail("upstream sent a packet of " + upstreamFramer.Size + " bytes, more than max_packet_size");
                    }
                    break;
                }
                if (!HandleUpstreamPacket(nowMs))
                {
                    break;
                }
                at = upstreamFramer.End;
            }
            if (at > 0)
            {
                System.Array.Copy(input, at, input, 0, inputCount - at);
                inputCount -= at;
            }
            return at > 0;
        }

        // One complete upstream packet; false when it must wait for room (it is handled again then).
        private bool HandleUpstreamPacket(long nowMs)
        {
            PacketFramer f = upstreamFramer;
            int type = f.Type;
            if (State == BridgeState.AwaitingConnAck && type != PacketType.ConnAck)
            {
                Fail("upstream sent packet type " + type + " before CONNACK");
                return false;
            }
            switch (type)
            {
                case PacketType.ConnAck:
                    return OnConnAck(nowMs);
                case PacketType.SubAck:
                    int codes = f.Body + 2;
                    int subAckProperties;
                    if (upstream5 && (!Wire.ReadVarInt(input, ref codes, f.End, out subAckProperties) || (codes += subAckProperties) > f.End))
                    {
                        Fail("malformed SUBACK from upstream");
                        return false;
                    }
                    for (int i = codes; i < f.End; i++)
                    {
                        if (input[i] >= 0x80)
                        {
                            log.Warning("bridge " + settings.Name + ": the upstream refused a subscription of an in rule (SUBACK 0x" + input[i].ToString("X2") + ")");
                        }
                    }
                    if (State == BridgeState.Subscribing)
                    {
                        Enter(BridgeState.Ready, nowMs);
                    }
                    return true;
                case PacketType.Publish:
                    return OnUpstreamPublish(nowMs);
                case PacketType.PubAck:
                case PacketType.PubRec:
                case PacketType.PubRel:
                case PacketType.PubComp:
                    // An acknowledgement of a message that came from the engine goes to the engine, and a PUBREL of one
                    // that came from upstream too, with the same identifier.
                    if (f.End - f.Body < 2)
                    {
                        Fail("malformed acknowledgement from upstream");
                        return false;
                    }
                    if (!ToLocalAck(type, input[f.Body] << 8 | input[f.Body + 1], nowMs))
                    {
                        return false;
                    }
                    // A QoS 1 message done, a QoS 2 one done or refused (PUBREC with a failure code ends its flow in 5.0).
                    if (type == PacketType.PubAck || type == PacketType.PubComp || (type == PacketType.PubRec && upstream5 && f.End - f.Body > 2 && input[f.Body + 2] >= 0x80))
                    {
                        inflightUp--;
                    }
                    return true;
                case PacketType.Disconnect:
                    Fail("the upstream disconnected" + (f.End > f.Body ? " (reason 0x" + input[f.Body].ToString("X2") + ")" : ""));
                    return false;
                case PacketType.PingResp:
                    pingOutstanding = false;
                    return true;
                default:
                    Fail("upstream sent packet type " + type + ", which a server does not send");
                    return false;
            }
        }

        private bool OnConnAck(long nowMs)
        {
            PacketFramer f = upstreamFramer;
            if (State != BridgeState.AwaitingConnAck || f.End - f.Body < 2 || (!upstream5 && f.End - f.Body != 2))
            {
                Fail("unexpected CONNACK from upstream");
                return false;
            }
            int code = input[f.Body + 1];
            if (code != 0)
            {
                if (code == 1 && usePrivate)
                {
                    // 1: unacceptable protocol level.
                    RefusedBridgeFlag();
                    Fail("upstream refused mosquitto's bridge flag (CONNACK 1)");
                    return false;
                }
                Fail("upstream refused the connection (CONNACK " + code + ")");
                return false;
            }
            if (upstream5)
            {
                int next;
                if (connAckProperties.Decode(PacketType.ConnAck, input, f.Body + 2, f.End, out next) != ReasonCode.Success)
                {
                    Fail("malformed CONNACK properties from upstream");
                    return false;
                }
                receiveMaximum = connAckProperties.ReceiveMaximum;
            }
            backoff.Reset();
            // Only a 3.1.1 upstream without the bridge flag sends the bridge's own messages back; a 5.0 one has No Local.
            if (!usePrivate && !upstream5 && anyIn && anyOut && echo == null)
            {
                echo = new EchoFilter(EchoWindow);
            }
            if (!OpenLocal(nowMs))
            {
                return false;
            }
            log.Info("bridge " + settings.Name + ": connected to " + settings.Host + ":" + settings.UpstreamPort + (usePrivate ? " (bridge flag)" : ""));
            if (!anyIn)
            {
                Enter(BridgeState.Ready, nowMs);
                return true;
            }
            int size = ClientPackets.SizeOfSubscribe(upstream5, rules, BridgeDirection.In, false);
            int at = Append(size);
            if (at < 0)
            {
                Fail("the in rules' SUBSCRIBE is larger than the output buffer");
                return false;
            }
            ClientPackets.WriteSubscribe(output, at, SubscribePacketId, upstream5, rules, BridgeDirection.In, false);
            Enter(BridgeState.Subscribing, nowMs);
            return true;
        }

        private bool OnUpstreamPublish(long nowMs)
        {
            PacketFramer f = upstreamFramer;
            int qos = (f.Flags >> 1) & 3;
            int p = f.Body;
            int topicLength;
            if (qos == 3 || !Wire.ReadUInt16(input, ref p, f.End, out topicLength) || p + topicLength > f.End)
            {
                Fail("malformed PUBLISH from upstream");
                return false;
            }
            int topic = p;
            p += topicLength;
            int packetId = 0;
            if (qos > 0 && !Wire.ReadUInt16(input, ref p, f.End, out packetId))
            {
                Fail("malformed PUBLISH from upstream");
                return false;
            }
            int propertyLength;
            if (upstream5 && (!Wire.ReadVarInt(input, ref p, f.End, out propertyLength) || (p += propertyLength) > f.End))
            {
                Fail("malformed PUBLISH from upstream");
                return false;
            }
            int payload = p;
            int payloadLength = f.End - p;
            BridgeRule rule = RuleFor(false, input, topic, topicLength);
            bool isEcho = false;
            if (echo != null)
            {
                uint hash = EchoFilter.Separate(EchoFilter.Add(EchoFilter.Start, input, topic, topicLength));
                isEcho = echo.TakeEcho(EchoFilter.Add(hash, input, payload, payloadLength));
            }
            int localTopicLength = rule != null ? topicLength - rule.RemotePrefixLength + rule.LocalPrefixLength : 0;
            int size = rule != null ? ClientPackets.SizeOfPublish(true, qos, localTopicLength, payloadLength) : 0;
            if (isEcho || rule == null || size > toLocal.Length)
            {
                // Not for this side: acknowledged upstream (a QoS 2 PUBREL then goes to the engine, which completes an
                // identifier it does not hold [MQTT-4.3.3-11]).
                if (qos > 0)
                {
                    int at = Append(ClientPackets.AckSize);
                    if (at < 0)
                    {
                        return false;
                    }
                    ClientPackets.WriteAck(output, at, qos == 1 ? PacketType.PubAck : PacketType.PubRec, packetId);
                }
                if (isEcho)
                {
                    EchoesDropped++;
                }
                else
                {
                    MessagesDropped++;
                }
                return true;
            }
            if (toLocalCount > 0)
            {
                return false;
            }
            // The engine acknowledges it (once durable) with the same identifier, which goes upstream as is.
            ClientPackets.WritePublish(toLocal, 0, true, f.Flags, rule.LocalFilter, rule.LocalPrefixLength, input, topic + rule.RemotePrefixLength,
                topicLength - rule.RemotePrefixLength, packetId, input, payload, payloadLength);
            toLocalCount = size;
            toLocalFed = 0;
            MessagesReceived++;
            FeedLocal(nowMs);
            return true;
        }

        // ---- the local side ---------------------------------------------------------------------------------------

        // Opens the local connection: CONNECT (5.0, the persistent session) and SUBSCRIBE for the out rules.
        private bool OpenLocal(long nowMs)
        {
            local = broker.Open(nowMs);
            if (local == null)
            {
                Fail("this broker has no free connection for the bridge (max_clients)");
                return false;
            }
            int connect = ClientPackets.SizeOfConnect(true, false, 0, localClientId, localUsername, localPassword);
            int subscribe = anyOut ? ClientPackets.SizeOfSubscribe(true, rules, BridgeDirection.Out, true) : 0;
            if (connect + subscribe > toLocal.Length)
            {
                Fail("the local CONNECT and SUBSCRIBE are larger than max_packet_size");
                return false;
            }
            ClientPackets.WriteConnect(toLocal, 0, ClientPackets.Level5, false, 0, 0, localClientId, localUsername, localPassword);
            if (anyOut)
            {
                ClientPackets.WriteSubscribe(toLocal, connect, SubscribePacketId, true, rules, BridgeDirection.Out, true);
            }
            toLocalCount = connect + subscribe;
            toLocalFed = 0;
            FeedLocal(nowMs);
            return true;
        }

        private void CloseLocal(long nowMs)
        {
            toLocalCount = 0;
            toLocalFed = 0;
            if (local != null)
            {
                broker.Closed(local, nowMs);
                local = null;
            }
        }

        // Feeds the waiting packet for the engine into the local connection as far as it has room.
        private bool FeedLocal(long nowMs)
        {
            bool fed = false;
            while (toLocalCount > 0 && local != null && local.ReceiveSpace > 0)
            {
                int n = toLocalCount - toLocalFed;
                if (n > local.ReceiveSpace)
                {
                    n = local.ReceiveSpace;
                }
                System.Array.Copy(toLocal, toLocalFed, local.ReceiveBuffer, local.ReceiveOffset, n);
                toLocalFed += n;
                if (toLocalFed == toLocalCount)
                {
                    toLocalCount = 0;
                    toLocalFed = 0;
                }
                fed = true;
                broker.Received(local, n, nowMs);
            }
            return fed;
        }

        private bool ToLocalAck(int type, int packetId, long nowMs)
        {
            if (toLocalCount > 0 || local == null)
            {
                return local == null;
            }
            ClientPackets.WriteAck(toLocal, 0, type, packetId);
            toLocalCount = ClientPackets.AckSize;
            toLocalFed = 0;
            FeedLocal(nowMs);
            return true;
        }

        // The engine's packets to the bridge, in order, while the upstream is ready for them.
        private bool HandleLocal(long nowMs)
        {
            bool moved = false;
            while (local != null && State == BridgeState.Ready)
            {
                Outbox outbox = local.Outbox;
                if (outbox.Sendable == 0)
                {
                    break;
                }
                if (localFramer.Decode(outbox.Buffer, outbox.Start, outbox.Sendable) != PacketFramer.Complete)
                {
                    break;
                }
                if (!HandleLocalPacket(outbox.Buffer, nowMs))
                {
                    break;
                }
                moved = true;
                broker.Sent(local, localFramer.Size, nowMs);
            }
            return moved;
        }

        private bool HandleLocalPacket(byte[] b, long nowMs)
        {
            PacketFramer f = localFramer;
            switch (f.Type)
            {
                case PacketType.ConnAck:
                    if (f.End - f.Body >= 2 && b[f.Body + 1] != 0)
                    {
                        Fail("this broker refused the bridge's session (CONNACK 0x" + b[f.Body + 1].ToString("X2") + "; local_username, local_password?)");
                        return false;
                    }
                    return true;
                case PacketType.SubAck:
                    // Packet id, then a property block, then a code per filter.
                    int p = f.Body + 2;
                    int propertyLength;
                    if (Wire.ReadVarInt(b, ref p, f.End, out propertyLength))
                    {
                        for (int i = p + propertyLength; i < f.End; i++)
                        {
                            if (b[i] >= 0x80)
                            {
                                log.Warning("bridge " + settings.Name + ": this broker refused a subscription of an out rule (SUBACK 0x" + b[i].ToString("X2") + ")");
                            }
                        }
                    }
                    return true;
                case PacketType.Publish:
                    return OnLocalPublish(b, nowMs);
                case PacketType.PubAck:
                case PacketType.PubRec:
                case PacketType.PubRel:
                case PacketType.PubComp:
                {
                    int at = Append(ClientPackets.AckSize);
                    if (at < 0)
                    {
                        return false;
                    }
                    if (f.End - f.Body > 2 && b[f.Body + 2] >= 0x80)
                    {
                        // The engine refused a message from upstream (not authorized, quota): it is acknowledged upstream
                        // all the same (3.1.1 has no refusal) and counted.
                        MessagesDropped++;
                    }
                    ClientPackets.WriteAck(output, at, f.Type, b[f.Body] << 8 | b[f.Body + 1]);
                    return true;
                }
                case PacketType.Disconnect:
                    Fail("this broker disconnected the bridge's session");
                    return false;
                default:
                    return true;
            }
        }

        private bool OnLocalPublish(byte[] b, long nowMs)
        {
            PacketFramer f = localFramer;
            int qos = (f.Flags >> 1) & 3;
            int p = f.Body;
            int topicLength;
            Wire.ReadUInt16(b, ref p, f.End, out topicLength);
            int topic = p;
            p += topicLength;
            int packetId = 0;
            if (qos > 0)
            {
                Wire.ReadUInt16(b, ref p, f.End, out packetId);
            }
            int propertyLength;
            Wire.ReadVarInt(b, ref p, f.End, out propertyLength);
            p += propertyLength;
            int payload = p;
            int payloadLength = f.End - p;
            BridgeRule rule = RuleFor(true, b, topic, topicLength);
            if (rule == null)
            {
                // A subscription the persistent session kept from a rule since removed: acknowledged here, not sent.
                return DropLocal(qos, packetId, nowMs);
            }
            int remoteTopicLength = topicLength - rule.LocalPrefixLength + rule.RemotePrefixLength;
            if (qos > 0 && inflightUp >= receiveMaximum)
            {
                // [MQTT-4.9.0-2] no more unacknowledged QoS 1/2 PUBLISH than the upstream's Receive Maximum.
                return false;
            }
            int size = ClientPackets.SizeOfPublish(upstream5, qos, remoteTopicLength, payloadLength);
            int at = Append(size);
            if (at < 0)
            {
                if (size > output.Length)
                {
                    return DropLocal(qos, packetId, nowMs);
                }
                return false;
            }
            // The engine's identifier goes upstream unchanged: the upstream's acknowledgement is the engine's.
            ClientPackets.WritePublish(output, at, upstream5, f.Flags, rule.RemoteFilter, rule.RemotePrefixLength, b, topic + rule.LocalPrefixLength,
                topicLength - rule.LocalPrefixLength, packetId, b, payload, payloadLength);
            if (qos > 0)
            {
                inflightUp++;
            }
            if (echo != null)
            {
                uint hash = EchoFilter.Add(EchoFilter.Start, rule.RemoteFilter, 0, rule.RemotePrefixLength);
                hash = EchoFilter.Separate(EchoFilter.Add(hash, b, topic + rule.LocalPrefixLength, topicLength - rule.LocalPrefixLength));
                echo.Remember(EchoFilter.Add(hash, b, payload, payloadLength));
            }
            MessagesSent++;
            return true;
        }

        // A message from the engine that does not go upstream: counted, and acknowledged to the engine here.
        private bool DropLocal(int qos, int packetId, long nowMs)
        {
            MessagesDropped++;
            return qos == 0 || ToLocalAck(qos == 1 ? PacketType.PubAck : PacketType.PubRec, packetId, nowMs);
        }

        // The first rule carrying this topic: a local one upstream (local) or an upstream one here.
        private BridgeRule RuleFor(bool local, byte[] b, int topic, int topicLength)
        {
            for (int i = 0; i < rules.Length; i++)
            {
                if (local ? rules[i].MatchesLocal(b, topic, topicLength) : rules[i].MatchesRemote(b, topic, topicLength))
                {
                    return rules[i];
                }
            }
            return null;
        }
    }
}
