using NanoBroker.Messages;
using NanoBroker.Protocol;
using NanoBroker.Routing;
using NanoBroker.Sessions;
using NanoBroker.Storage;
using NanoBroker.Sys;

namespace NanoBroker
{
    /// <summary>
    /// The MQTT broker engine, sans-IO and single-threaded: the network edge opens connections,
    /// writes received bytes into <see cref="Connection.ReceiveBuffer"/> and calls <see cref="Received"/>,
    /// sends what the engine put into each <see cref="Connection.Outbox"/> and calls <see cref="Sent"/>,
    /// and calls <see cref="Tick"/> now and then with the current time. All memory is allocated here,
    /// from <see cref="BrokerOptions"/>; routing a message allocates nothing.
    /// </summary>
    /// <remarks>
    /// The broker is the façade: it builds the parts that own the engine's state (connections, sessions, the
    /// outbound flow, the router, wills, the journal and the storage keeper, a handler per packet family), frames
    /// the packets a connection received and dispatches them, holds acknowledgements back until what they
    /// acknowledge is durable, and retries the publishers held back until nothing changes (Settle).
    /// No part holds a reference to the broker.
    /// </remarks>
    public sealed class Broker
    {
        // Connection slots beyond MaxClients: one to tell a client over the limit CONNACK 3, and one for
        // a client that reconnects with its id while its old connection is still open (takeover).
        private const int SpareConnections = 2;

        /// <summary>The most bytes (topic and value) of one $SYS message of an add-on (BrokerOptions.AddOnSysTopics).</summary>
        public const int AddOnSysBytes = 96;

        /// <summary>How long a full or failing storage waits before the broker tries again to write (or to leave the full state).</summary>
        public const int StorageRetryMs = 30000;

        private readonly BrokerOptions options;
        private readonly EngineContext context;
        private readonly ConnectionTable connections;
        private readonly SessionTable sessions;
        private readonly SubscriptionTree subscriptions;
        private readonly MessagePool pool;
        private readonly RetainedTree retained;

        // Large buffers (MaxPacketSize each) lent for one packet larger than a connection's own buffer.
        private readonly BufferPool receiveLender;
        private readonly BufferPool sendLender;

        private readonly MessageCopy copy;
        private readonly AccessRecheck recheck;
        private readonly StorageKeeper keeper;
        private readonly Journal journal;
        private readonly OutboundFlow flow;
        private readonly Router router;
        private readonly Wills wills;
        private readonly Disconnector disconnector;
        private readonly Framing framing;
        private readonly LiveSet live;
        private readonly ConnectHandler connectHandler;
        private readonly PublishHandler publishHandler;
        private readonly SubscribeHandler subscribeHandler;
        private readonly SysPublisher sys;
        private readonly DisconnectPacket disconnect;

        // The engine second of the last sweep for expired retained messages (MQTT 5.0).
        private int retainedExpiryCheckedAt;

        public readonly BrokerStats Stats = new BrokerStats();

        public Broker(BrokerOptions options, long nowMs, IBrokerLog log)
        {
            string problem = options.Validate();
            if (problem != null)
            {
                throw new System.ArgumentException(problem);
            }
            this.options = options;
            context = new EngineContext(options, Stats, log, nowMs);

            int receiveBytes = options.ReceiveBytes;
            receiveLender = new BufferPool(receiveBytes < options.MaxPacketSize ? options.LargeReceiveBuffers : 0, options.MaxPacketSize);
            sendLender = new BufferPool(options.OutboxBytes < options.MaxPacketSize ? options.LargeSendBuffers : 0, options.MaxPacketSize);
            int slots = options.MaxClients + SpareConnections;
            TopicAliasPool aliases = new TopicAliasPool(options.MaxTopicAliasClients < slots ? options.MaxTopicAliasClients : slots,
                options.MaxTopicAliases, options.MaxOutboundTopicAliases, options.TopicAliasBytes);
            connections = new ConnectionTable(slots, receiveBytes, options.OutboxBytes, sendLender, aliases);
            // $SYS statistics are retained messages too; they get room of their own in the topic tree and both
            // stores (and one more message, as a new value is stored before the old one goes), so the user's limits hold.
            // An add-on's (a bridge's: five under $SYS/broker/bridge/<name>/) take up to AddOnSysBytes each, and two
            // levels and 32 level bytes each beside $SYS/broker (with a name of at most 40 bytes).
            int ownSys = options.SysIntervalMs > 0 ? SysTopics.All.Length : 0;
            int addOnSys = options.SysIntervalMs > 0 ? options.AddOnSysTopics : 0;
            int sysMessages = ownSys + addOnSys;
            int sysNodes = 2 * addOnSys;
            int sysLevelBytes = 32 * addOnSys;
            if (ownSys > 0)
            {
                int ownNodes;
                int ownLevelBytes;
                TopicNodes.Measure(SysTopics.All, out ownNodes, out ownLevelBytes);
                sysNodes += ownNodes;
                sysLevelBytes += ownLevelBytes;
            }
            TopicNodes topics = new TopicNodes(options.MaxTopicNodes + sysNodes, options.TopicLevelBytes + sysLevelBytes);
            subscriptions = new SubscriptionTree(topics, options.MaxSubscriptions, options.MaxSessions, options.MaxShareGroups);
            int sysPoolMessages = sysMessages > 0 ? sysMessages + 1 : 0;
            int ownBlocks = (SysTopics.MaxMessageBytes + options.MessageBlockBytes - 1) / options.MessageBlockBytes;
            int addOnBlocks = (AddOnSysBytes + options.MessageBlockBytes - 1) / options.MessageBlockBytes;
            int sysBlocks = sysMessages == 0 ? 0 : ownSys * ownBlocks + addOnSys * addOnBlocks + (addOnSys > 0 && addOnBlocks > ownBlocks ? addOnBlocks : ownBlocks);
            pool = new MessagePool(options.MaxStoredMessages + sysPoolMessages, options.MessageStoreBytes / options.MessageBlockBytes + sysBlocks, options.MessageBlockBytes);
            retained = new RetainedTree(topics, pool, options.MaxRetainedMessages, options.MaxRetainedBytes, sysMessages, ownSys * SysTopics.MaxMessageBytes + addOnSys * AddOnSysBytes);
            for (int i = 0; i < ownSys; i++)
            {
                retained.Reserve(SysTopics.All[i]);
            }

            // The parts, each given only the parts below it.
            copy = new MessageCopy(pool, options.MaxPacketSize);
            keeper = new StorageKeeper(options, context);
            journal = new Journal(options, keeper, pool, copy, context);
            sessions = new SessionTable(options, subscriptions, pool, journal, context);
            flow = new OutboundFlow(connections, sessions, subscriptions, retained, pool, journal, copy, context);
            recheck = new AccessRecheck(sessions, subscriptions, copy, context);
            router = new Router(sessions, subscriptions, retained, pool, flow, journal, keeper, copy, context);
            sessions.SharedHandOff = router;
            // A will per session; at least a slot per connection too, for the WillSet records of logs written before wills
            // were kept by session (keyed by connection slot), which a restore still reads.
            wills = new Wills(sessions.Length > connections.Length ? sessions.Length : connections.Length, sessions, pool, router, journal, context);
            sessions.EndObserver = wills;
            disconnector = new Disconnector(connections, sessions, wills, journal, receiveLender, context);
            // One property block for the views of CONNECT, AUTH, SUBSCRIBE, UNSUBSCRIBE, the acknowledgements and DISCONNECT:
            // a packet is decoded when it is handled and read only by its handler, and no handler of these decodes another
            // packet meanwhile. PUBLISH has its own, as its handler looks behind for a PUBREL (decoded into the
            // acknowledgement view, Framing.ReleaseWaitingBehind); so has a CONNECT's will, read with the CONNECT's own.
            Properties shared = new Properties();
            disconnect = new DisconnectPacket(shared);
            AckPacket ack = new AckPacket(shared);
            framing = new Framing(options.MaxPacketSize, disconnector, ack);
            live = new LiveSet(options, sessions, subscriptions, retained, pool, wills, journal, keeper, copy);
            connectHandler = new ConnectHandler(connections, sessions, wills, keeper, flow, disconnector, recheck, new EnhancedAuth(options, context), shared, context);
            publishHandler = new PublishHandler(sessions, router, flow, framing, ack, disconnector, context);
            subscribeHandler = new SubscribeHandler(sessions, subscriptions, keeper, journal, flow, disconnector, shared, context);
            sys = new SysPublisher(connections, sessions, subscriptions, retained, pool, keeper, router, copy, context);
        }

        /// <summary>
        /// Authentication and access rules; null lets every client connect, read and write. Set it before
        /// <see cref="Restore"/> (restored sessions and subscriptions are checked against it) and the first connection.
        /// </summary>
        public Security.AccessControl Access
        {
            get { return context.Access; }
            set { context.Access = value; }
        }

        /// <summary>
        /// Unpredictable bytes from the edge, for MQTT 5.0 enhanced authentication (SCRAM-SHA-256 nonces and the decoy
        /// secret); null (the default) refuses every Authentication Method with CONNACK 0x8C.
        /// </summary>
        public Security.IRandomSource Random
        {
            get { return context.Random; }
            set { context.Random = value; }
        }

        /// <summary>
        /// Token authentication: a CONNECT whose user name is not in the password file has its password verified as a
        /// JWT (README, "Token authentication"); null (the default) turns it off. Set it after <see cref="Access"/>
        /// (required), before <see cref="Restore"/>: it makes room there for MaxSessions + MaxClients token identities.
        /// </summary>
        public NanoBroker.Tokens.JwtVerifier Tokens
        {
            get { return context.Tokens; }
            set
            {
                context.Tokens = value;
                if (value != null)
                {
                    context.Access.EnableTokenUsers(options.MaxSessions + options.MaxClients, value.Settings.MaxClaimRuleBytes);
                }
            }
        }

        /// <summary>
        /// The Unix time, in milliseconds, at the edge's <paramref name="nowMs"/>: token expiry is checked against it.
        /// Until it is called the clock is not set (TokenSettings.TrustBeforeClockSet decides).
        /// </summary>
        public void SetUnixTime(long unixMs, long nowMs)
        {
            context.SetUnixTime(unixMs, nowMs);
        }

        /// <summary>
        /// Calls <paramref name="handler"/> on the engine's thread for every message published on a topic that matches
        /// <paramref name="filter"/> (a topic filter in UTF-8, wildcards allowed; '$' topics only by a filter that starts
        /// with '$'), once the message has gone to the subscribed clients: a client's message, the app's own
        /// (<see cref="Publish(byte[], byte[], int, bool, long)"/>), a will, a $SYS value. A message that matches several
        /// filters calls each of their handlers. Add handlers at start: each addition allocates; routing never does.
        /// The access rules do not apply to handlers: they see every message.
        /// </summary>
        /// <param name="filter">The topic filter, as UTF-8 bytes; the broker keeps a reference to it (do not change it).</param>
        /// <param name="handler">What to call; see <see cref="MessageHandler"/>.</param>
        /// <exception cref="System.ArgumentException">The filter is not a valid topic filter, or is a shared subscription's.</exception>
        public void AddMessageHandler(byte[] filter, MessageHandler handler)
        {
            if (filter == null || handler == null || !Topic.IsValidFilter(filter, 0, filter.Length) || TopicSyntax.IsShared(filter, 0, filter.Length))
            {
                throw new System.ArgumentException("a handler needs a valid topic filter (not $share/...)");
            }
            AppHooks().Add(filter, handler);
        }

        /// <summary>
        /// As <see cref="AddMessageHandler(byte[], MessageHandler)"/>, the filter given as text (encoded in UTF-8 once, here).
        /// </summary>
        /// <param name="filter">The topic filter, e.g. "home/+/command".</param>
        /// <param name="handler">What to call; see <see cref="MessageHandler"/>.</param>
        /// <exception cref="System.ArgumentException">The filter is not a valid topic filter, or is a shared subscription's.</exception>
        public void AddMessageHandler(string filter, MessageHandler handler)
        {
            AddMessageHandler(filter == null ? null : Utf8.GetBytes(filter), handler);
        }

        /// <summary>
        /// Called on the engine's thread when a client's CONNECT is accepted (after CONNACK is written), with the client
        /// identifier it is known by; null (the default) calls nothing.
        /// </summary>
        public ClientHandler ClientConnected
        {
            get { return context.Hooks == null ? null : context.Hooks.Connected; }
            set { AppHooks().Connected = value; }
        }

        /// <summary>
        /// Called on the engine's thread when a connected client's connection ends, whatever ends it (DISCONNECT, the
        /// network, a keep-alive timeout, a takeover by a new connection with its client identifier, a protocol
        /// violation), before its will is published; null (the default) calls nothing.
        /// </summary>
        public ClientHandler ClientDisconnected
        {
            get { return context.Hooks == null ? null : context.Hooks.Disconnected; }
            set { AppHooks().Disconnected = value; }
        }

        /// <summary>
        /// Asked on the engine's thread for each CONNECT the broker would otherwise accept (after the password file or a
        /// token of <see cref="Access"/>, when set, accepted it): false refuses the client with CONNACK 4 (MQTT 5.0:
        /// 0x86). Null (the default) asks nothing. An authenticator that throws refuses the client.
        /// </summary>
        public ClientAuthenticator Authenticator
        {
            get { return context.Hooks == null ? null : context.Hooks.Authenticator; }
            set { AppHooks().Authenticator = value; }
        }

        // The app's callbacks, made when it sets the first one.
        private AppHooks AppHooks()
        {
            if (context.Hooks == null)
            {
                context.Hooks = new AppHooks(context);
            }
            return context.Hooks;
        }

        /// <summary>
        /// Publishes a message as the broker itself: it goes to every client subscribed to a matching filter (at most the
        /// QoS each subscription granted), to the app's own handlers, and, with <paramref name="retain"/>, into the retained
        /// messages (an empty payload clears the topic's). Call it on the engine's thread, as every other call into the
        /// engine, but not from within a callback (the engine is mid-change then); <see cref="Net.EmbeddedBroker.Publish(byte[], byte[], int, bool)"/>
        /// may be called from any thread. No write rule applies to the app; each subscriber's read rules do. Allocates nothing.
        /// </summary>
        /// <param name="topic">The buffer that holds the topic name (UTF-8, no wildcards, not a $SYS topic).</param>
        /// <param name="topicStart">Where the topic name starts in <paramref name="topic"/>.</param>
        /// <param name="topicLength">The topic name's length in bytes.</param>
        /// <param name="payload">The buffer that holds the payload.</param>
        /// <param name="payloadStart">Where the payload starts in <paramref name="payload"/>.</param>
        /// <param name="payloadLength">The payload's length in bytes.</param>
        /// <param name="qos">0, 1 or 2.</param>
        /// <param name="retain">Whether the broker keeps it as the topic's retained message.</param>
        /// <param name="nowMs">The edge's clock, as passed to <see cref="Tick"/>.</param>
        /// <returns>
        /// False, having done nothing, when the topic is not a valid topic name or is a $SYS topic, the QoS is not 0 to 2, or the
        /// PUBLISH packet would be larger than MaxPacketSize; true once the message has been routed (a subscriber whose
        /// queue is full loses it as it would a client's, counted in <see cref="BrokerStats.MessagesDropped"/>).
        /// </returns>
        /// <exception cref="System.InvalidOperationException">Called from within one of the app's callbacks.</exception>
        public bool Publish(byte[] topic, int topicStart, int topicLength, byte[] payload, int payloadStart, int payloadLength, int qos, bool retain, long nowMs)
        {
            if (context.Hooks != null && context.Hooks.Calling)
            {
                throw new System.InvalidOperationException("Broker.Publish from within a callback: publish after it returns (EmbeddedBroker.Publish queues it)");
            }
            if (!Publishable(topic, topicStart, topicLength, payloadLength, qos))
            {
                return false;
            }
            context.Now = nowMs;
            router.RouteApp(topic, topicStart, topicLength, payload, payloadStart, payloadLength, qos, retain);
            Settle();
            return true;
        }

        /// <summary>Whether <see cref="Publish(byte[], int, int, byte[], int, int, int, bool, long)"/> takes such a message.</summary>
        internal bool Publishable(byte[] topic, int topicStart, int topicLength, int payloadLength, int qos)
        {
            // The largest PUBLISH it makes: fixed header (5), topic length (2), packet id (2), an empty 5.0 property block (1).
            return qos >= 0 && qos <= 2 && topicLength + payloadLength + 10 <= options.MaxPacketSize
                && Topic.IsValidName(topic, topicStart, topicLength) && !Topic.IsSys(topic, topicStart, topicLength);
        }

        /// <summary>As <see cref="Publish(byte[], int, int, byte[], int, int, int, bool, long)"/> with whole arrays.</summary>
        /// <param name="topic">The topic name (UTF-8, no wildcards, not a $SYS topic).</param>
        /// <param name="payload">The payload.</param>
        /// <param name="qos">0, 1 or 2.</param>
        /// <param name="retain">Whether the broker keeps it as the topic's retained message.</param>
        /// <param name="nowMs">The edge's clock, as passed to <see cref="Tick"/>.</param>
        /// <returns>See <see cref="Publish(byte[], int, int, byte[], int, int, int, bool, long)"/>.</returns>
        public bool Publish(byte[] topic, byte[] payload, int qos, bool retain, long nowMs)
        {
            return Publish(topic, 0, topic.Length, payload, 0, payload.Length, qos, retain, nowMs);
        }

        /// <summary>
        /// Replaces the will of the client on <paramref name="connection"/> (an MQTT-SN client's WILLTOPICUPD/WILLMSGUPD,
        /// which MQTT itself has no packet for), journaled as the one from its CONNECT is: it is the will the engine then
        /// treats as CONNECT's in every way (published when the connection ends without DISCONNECT or its session ends,
        /// also after a restart). An empty topic removes the will. False, the old will standing, when the client is not connected or the message store has no room.
        /// </summary>
        public bool ReplaceWill(Connection connection, byte[] topic, int topicStart, int topicLength, byte[] payload, int payloadStart, int payloadLength, int qos, bool retain, long nowMs)
        {
            if (connection.State != ConnectionState.Connected)
            {
                return false;
            }
            context.Now = nowMs;
            Session s = sessions.At(connection.Session);
            if (topicLength == 0)
            {
                wills.Discard(s);
            }
            else
            {
                int will = wills.Keep(topic, topicStart, topicLength, payload, payloadStart, payloadLength, qos);
                if (will < 0)
                {
                    return false;
                }
                wills.Attach(s, will, retain, 0, -1);
            }
            Settle();
            return true;
        }

        /// <summary>
        /// Publishes an add-on's statistic (the bridge's) under $SYS/ as a retained QoS 0 message, as the broker's own are
        /// in the room BrokerOptions.AddOnSysTopics keeps. False when the topic is not a $SYS topic name or topic and value exceed AddOnSysBytes.
        /// </summary>
        public bool PublishSys(byte[] topic, int topicLength, byte[] payload, int payloadLength, long nowMs)
        {
            if (!Topic.IsSys(topic, 0, topicLength) || !Topic.IsValidName(topic, 0, topicLength) || topicLength + payloadLength > AddOnSysBytes)
            {
                return false;
            }
            context.Now = nowMs;
            System.Array.Copy(topic, 0, copy.Bytes, 0, topicLength);
            System.Array.Copy(payload, 0, copy.Bytes, topicLength, payloadLength);
            router.Route(null, copy.Bytes, 0, topicLength, topicLength, payloadLength, 0, true, -1);
            Settle();
            return true;
        }

        /// <summary>
        /// The QoS 1/2 messages waiting for the session of <paramref name="clientId"/> (queued, or sent and not yet
        /// acknowledged) and the messages dropped for it since start (queue full, QoS 0 while offline or its send buffer
        /// full); false when there is no such session.
        /// </summary>
        public bool SessionBacklog(byte[] clientId, out int waiting, out long dropped)
        {
            Session s = sessions.Find(clientId, 0, clientId.Length);
            waiting = s != null ? s.QueueCount + s.InflightCount : 0;
            dropped = s != null ? s.Dropped : 0;
            return s != null;
        }

        /// <summary>
        /// The offline session of <paramref name="clientId"/> is never dropped to make room for a new one when the session
        /// table is full (a bridge's holds what it accepted to forward); such a client then gets CONNACK "server
        /// unavailable" if no other offline session can go. Call it at start, before the session's client connects.
        /// </summary>
        public void KeepSession(byte[] clientId)
        {
            sessions.Keep(clientId);
        }

        /// <summary>Set by the edge that can measure the heap (GC on .NET, nanoFramework's GC.Run).</summary>
        public HeapProbe HeapBytesInUse
        {
            get { return sys.HeapBytesInUse; }
            set { sys.HeapBytesInUse = value; }
        }

        public BrokerOptions Options { get { return options; } }

        /// <summary>Clients connected now (CONNECT accepted).</summary>
        public int ConnectedClients { get { return connections.ConnectedCount; } }

        public SubscriptionTree Subscriptions { get { return subscriptions; } }

        public MessagePool Messages { get { return pool; } }

        /// <summary>Large buffers lent to connections receiving a packet larger than their own receive buffer.</summary>
        public BufferPool ReceiveBuffers { get { return receiveLender; } }

        /// <summary>Large buffers lent to outboxes sending a packet larger than their own buffer.</summary>
        public BufferPool SendBuffers { get { return sendLender; } }

        public RetainedTree Retained { get { return retained; } }

        /// <summary>Sessions in use, connected or persistent offline.</summary>
        public int SessionCount { get { return sessions.Count; } }

        /// <summary>Connections the engine holds at once (MaxClients and the spares); their ids are 0 to this less one.</summary>
        public int ConnectionSlots { get { return connections.Length; } }

        /// <summary>Free connection slots.</summary>
        public int FreeConnections { get { return connections.FreeCount; } }

        /// <summary>Whether durable state is being kept (see <see cref="NanoBroker.StorageState"/>): ok without storage too.</summary>
        public StorageState StorageState { get { return keeper.State; } }

        /// <summary>A connection slot for a newly accepted socket, or null when every slot is taken (close the socket).</summary>
        public Connection Open(long nowMs)
        {
            context.Now = nowMs;
            Connection c = connections.Open(nowMs);
            if (c != null)
            {
                return c;
            }
            context.Stats.ConnectionsRefused++;
            context.Warn("no free connection slot: a new connection was closed");
            return null;
        }

        /// <summary>The edge wrote <paramref name="count"/> bytes at <see cref="Connection.ReceiveOffset"/>.</summary>
        public void Received(Connection connection, int count, long nowMs)
        {
            context.Now = nowMs;
            if (connection.State == ConnectionState.Free || connection.State == ConnectionState.Closing)
            {
                return;
            }
            connection.ReceivedCount += count;
            context.Stats.BytesReceived += count;
            Process(connection);
            Settle();
        }

        /// <summary>The edge sent <paramref name="count"/> bytes from the start of the outbox.</summary>
        public void Sent(Connection connection, int count, long nowMs)
        {
            context.Now = nowMs;
            connection.Outbox.Consumed(count);
            connection.OutboxWaitingSinceMs = nowMs;
            context.Stats.BytesSent += count;
            if (connection.State == ConnectionState.Connected)
            {
                flow.Pump(sessions.At(connection.Session));
                context.RetryBlockedPublishers();
            }
            Settle();
        }

        /// <summary>
        /// The socket is gone: closed by the peer, failed, or closed by the edge after
        /// <see cref="Connection.IsClosing"/>. A connection that ends here without DISCONNECT publishes its will.
        /// </summary>
        public void Closed(Connection connection, long nowMs)
        {
            context.Now = nowMs;
            if (connection.State == ConnectionState.Free)
            {
                return;
            }
            disconnector.End(connection, true, "connection closed by the network");
            connection.State = ConnectionState.Free;
            connection.Outbox.Clear();
            Settle();
        }

        /// <summary>Time passes: keep-alive and connect timeouts, slow clients, $SYS statistics.</summary>
        public void Tick(long nowMs)
        {
            context.Now = nowMs;
            for (int i = 0; i < connections.Length; i++)
            {
                Connection c = connections.At(i);
                // Enhanced authentication runs within the connect timeout too: CONNACK must come within it.
                if ((c.State == ConnectionState.AwaitingConnect || c.State == ConnectionState.Authenticating) && context.Now - c.OpenedAtMs > options.ConnectTimeoutMs)
                {
                    disconnector.End(c, false, "no CONNECT within " + options.ConnectTimeoutMs + " ms");
                }
                else if (c.State == ConnectionState.Connected)
                {
                    // [MQTT-3.1.2-24] one and a half keep-alive periods without a packet; a client the
                    // broker holds back with a full receive buffer cannot get its PINGREQ through, so it is not
                    // timed out (with room, a PINGREQ behind the waiting packet is handled: HandleAcksBehind).
                    if (c.KeepAliveMs > 0 && (!c.Blocked || c.ReceiveSpace > 0) && context.Now - c.LastReceivedMs > c.KeepAliveMs + c.KeepAliveMs / 2)
                    {
                        disconnector.EndWith(c, ReasonCode.KeepAliveTimeout, true, "keep-alive timeout");
                    }
                    else if (c.Outbox.Count > 0 && context.Now - c.OutboxWaitingSinceMs > options.SlowClientTimeoutMs)
                    {
                        disconnector.End(c, true, "not reading: send buffer full for " + options.SlowClientTimeoutMs + " ms");
                    }
                    else if (c.Blocked && context.Now - c.BlockedSinceMs >= options.SlowClientTimeoutMs)
                    {
                        ReleaseBlockedPublisher(c);
                    }
                    else if (c.TokenExpiresAt != 0 && context.UnixSeconds != NanoBroker.Tokens.JwtVerifier.ClockNotSet
                        && context.UnixSeconds >= c.TokenExpiresAt + context.Tokens.Settings.SkewSeconds)
                    {
                        // The token's exp ends what it authorized; 5.0 says why with 0xA0 Maximum connect time.
                        disconnector.EndWith(c, ReasonCode.MaximumConnectTime, true, "token expired (exp " + c.TokenExpiresAt + ")");
                    }
                }
            }
            // 5.0: wills whose Will Delay Interval ran out; an offline session whose expiry interval ran out ends, as an
            // evicted one (publishing a will still waiting).
            wills.PublishDue();
            sessions.ExpireOffline();
            // 5.0: retained messages whose Message Expiry Interval passed leave, checked once a second.
            if (MessageExpiry.Seconds(context.Now) != retainedExpiryCheckedAt)
            {
                retainedExpiryCheckedAt = MessageExpiry.Seconds(context.Now);
                router.ExpireRetained();
            }
            if (keeper.RetryIfDue(live))
            {
                connections.ReleaseHeldAcks();
            }
            sys.PublishIfDue();
            Settle();
        }

        // A publisher held back too long: disconnect the subscriber that holds it, then let it go on.
        private void ReleaseBlockedPublisher(Connection publisher)
        {
            int blocker = publisher.BlockedBySession;
            if (blocker >= 0 && sessions.At(blocker).IsOnline)
            {
                disconnector.End(connections.At(sessions.At(blocker).Connection), true, "too slow: held publishers back for " + options.SlowClientTimeoutMs + " ms");
            }
            context.RetryBlockedPublishers();
        }

        /// <summary>
        /// Loads the state a log holds and keeps it up to date from then on; call once, before any
        /// connection. Wills of clients that were connected when the broker stopped are published.
        /// Returns a summary for the log; throws <see cref="System.InvalidOperationException"/> when the
        /// log cannot be read (another format version). A backend that fails (a full or failing file system)
        /// does not stop the broker: it starts in the failing state with what it could read.
        /// </summary>
        public string Restore(RecordLog log)
        {
            keeper.Open(log);
            Restorer restorer = new Restorer(sessions, subscriptions, retained, pool, flow, wills, journal, copy, context);
            // A SessionClear replayed handed its shared messages off when it was written: they are in the log already.
            sessions.SharedHandOff = null;
            keeper.Replay(restorer);
            sessions.SharedHandOff = router;
            keeper.Restored();
            restorer.SettleQueues();
            restorer.ApplyAccess(recheck);
            int published = wills.PublishRestored();
            keeper.UpgradeIfNeeded(live);
            CommitStorage();
            string summary = "restored " + retained.Count + " retained messages, " + SessionCount + " sessions, "
                + subscriptions.Count + " subscriptions; published " + published + " wills of clients connected, or whose will waited its delay, at the last stop";
            if (keeper.ReplayCut > 0)
            {
                context.Warn("storage: cut " + keeper.ReplayCut + " bytes of torn or corrupt records off the end of " + RecordLog.FileName);
                summary += "; cut " + keeper.ReplayCut + " corrupt bytes";
            }
            if (keeper.State != StorageState.Ok)
            {
                summary += "; storage " + StorageKeeper.StateName(keeper.State);
            }
            return summary;
        }

        /// <summary>The edge calls this often: writes the pending records once they have waited StorageCommitDelayMs.</summary>
        public void CommitStorageIfDue(long nowMs)
        {
            context.Now = nowMs;
            if (context.Now >= NextStorageCommitMs)
            {
                CommitStorage();
                Settle();
            }
        }

        /// <summary>
        /// When <see cref="CommitStorageIfDue"/> next has work, in the milliseconds of the clock the edge passes in:
        /// long.MaxValue when nothing is pending (or storage is failing, when only <see cref="Tick"/> retries).
        /// The edge may sleep until then without delaying an acknowledgement held back for a commit. Allocation-free.
        /// </summary>
        public long NextStorageCommitMs { get { return keeper.NextCommitMs; } }

        // Makes pending records durable, then lets the acknowledgements that waited for them go.
        private void CommitStorage()
        {
            if (keeper.Commit(live))
            {
                connections.ReleaseHeldAcks();
            }
        }

        // A failure lost the records some acknowledgements waited for: those connections are closed without them
        // (a client whose packets changed stored state but wait for no acknowledgement, QoS 0, goes on).
        private void CloseWithheld()
        {
            for (int i = 0; i < connections.Length; i++)
            {
                Connection c = connections.At(i);
                if (c.State == ConnectionState.Free)
                {
                    continue;
                }
                bool withheld = c.Outbox.HeldBytes > 0;
                c.Outbox.DropHeld();
                if (withheld)
                {
                    disconnector.End(c, true, "storage failed: what its last packets changed could not be made durable, so they are not acknowledged");
                }
            }
        }

        // Parses and handles every complete packet in the receive buffer.
        private void Process(Connection c)
        {
            byte[] buffer = c.ReceiveBuffer;
            int position = 0;
            while (c.State != ConnectionState.Closing)
            {
                int size = framing.CompletePacketAt(c, position);
                if (size <= 0)
                {
                    break;
                }
                if (!Dispatch(c))
                {
                    connections.HoldBack(c, context.Now);
                    HandleAcksBehind(c, position + size);
                    break;
                }
                connections.LetGo(c);
                position += size;
            }
            if (c.State == ConnectionState.Closing)
            {
                c.ReceivedCount = 0;
                return;
            }
            if (position > 0)
            {
                System.Array.Copy(buffer, position, buffer, 0, c.ReceivedCount - position);
                c.ReceivedCount -= position;
            }
            FitReceiveBuffer(c);
        }

        // Lends a large buffer to a connection whose next packet is larger than its own buffer (the fixed header
        // tells), and takes it back once the packet is handled and the rest fits the own buffer. With none free
        // the connection waits, held as a blocked publisher: the edge reads it until its own buffer is full, then
        // stops (backpressure), and it tries again when a buffer comes back. Nothing is dropped.
        private void FitReceiveBuffer(Connection c)
        {
            int head = framing.HeadPacketSize(c);
            if (!c.ReceiveBorrowing)
            {
                if (head <= c.OwnReceiveBytes)
                {
                    c.WaitsForBuffer = false;
                    return;
                }
                byte[] large = receiveLender.Take();
                if (large == null)
                {
                    if (!c.WaitsForBuffer)
                    {
                        c.WaitsForBuffer = true;
                        context.Stats.BufferWaits++;
                    }
                    if (!c.Blocked)
                    {
                        c.BlockedBySession = -1;
                    }
                    connections.HoldBack(c, context.Now);
                    return;
                }
                c.LendReceive(large);
                if (c.WaitsForBuffer)
                {
                    c.WaitsForBuffer = false;
                    connections.LetGo(c);
                }
            }
            else if (head <= c.OwnReceiveBytes && c.ReceivedCount <= c.OwnReceiveBytes)
            {
                receiveLender.Give(c.TakeBackReceive());
            }
        }

        // A large buffer came back: the connections that waited for one try again.
        private void LetBufferWaitersTry()
        {
            if (receiveLender.Returned)
            {
                receiveLender.Returned = false;
                context.RetryBlockedPublishers();
            }
            if (sendLender.Returned)
            {
                sendLender.Returned = false;
                context.RetainedMayBeDue();
                for (int i = 0; i < connections.Length; i++)
                {
                    Connection c = connections.At(i);
                    if (c.Outbox.WaitsForBuffer)
                    {
                        c.Outbox.WaitsForBuffer = false;
                        if (c.State == ConnectionState.Connected)
                        {
                            flow.Pump(sessions.At(c.Session));
                        }
                    }
                }
            }
        }

        // While the packet at the head waits, acknowledgements behind it may still be handled: they
        // free the room the head is waiting for, so two clients that feed each other cannot deadlock.
        private void HandleAcksBehind(Connection c, int position)
        {
            while (c.State == ConnectionState.Connected)
            {
                int size = framing.CompletePacketBehind(c, position);
                if (size <= 0)
                {
                    return;
                }
                int type = framing.Packet.Type;
                if (type == PacketType.Disconnect)
                {
                    // Nothing behind a DISCONNECT is read [MQTT-3.14.4-1]: it ends the connection, its will
                    // discarded [MQTT-3.14.4-3], once the packets before it are handled.
                    return;
                }
                // A PUBREL of a message the session holds frees a place in its QoS 2 window; any other PUBREL
                // may release the PUBLISH that waits, so it keeps its turn.
                bool ack = type == PacketType.PubAck || type == PacketType.PubRec || type == PacketType.PubComp || type == PacketType.PingReq
                    || framing.ReleasesHeldMessage(c, sessions.At(c.Session));
                if (!ack)
                {
                    string problem;
                    if (Decode(c, out problem) != ReasonCode.Success)
                    {
                        // An invalid packet is judged in its turn, after the packets before it: nothing behind it is handled.
                        return;
                    }
                    position += size;
                    continue;
                }
                if (!Dispatch(c))
                {
                    return;
                }
                if (c.State != ConnectionState.Connected)
                {
                    return;
                }
                System.Array.Copy(c.ReceiveBuffer, position + size, c.ReceiveBuffer, position, c.ReceivedCount - position - size);
                c.ReceivedCount -= size;
            }
        }

        // Handles the packet framing.Packet frames; false when it must wait for room (nothing was done then). Each
        // packet is decoded into its handler's view first; a decode failure ends the connection here, in one place.
        private bool Dispatch(Connection c)
        {
            PacketFramer f = framing.Packet;
            byte[] buffer = c.ReceiveBuffer;
            int type = f.Type;

            if (c.State == ConnectionState.AwaitingConnect)
            {
                if (type != PacketType.Connect)
                {
                    disconnector.Violation(c, ReasonCode.ProtocolError, "first packet is not CONNECT [MQTT-3.1.0-1]");
                    return true;
                }
                return connectHandler.OnConnect(c, f.Flags, buffer, f.Body, f.End);
            }
            if (c.State == ConnectionState.Authenticating)
            {
                return connectHandler.OnAuthenticating(c, type, f.Flags, buffer, f.Body, f.End);
            }
            if (type == PacketType.Auth && c.AuthExchange == Connection.ScramDone)
            {
                // Re-authentication (5.0 section 4.12.1) is not supported: ended as one that fails, with DISCONNECT and
                // a reason [MQTT-4.12.1-2]: 0x8C, the method does not re-authenticate here.
                disconnector.EndWith(c, ReasonCode.BadAuthenticationMethod, true, "re-authentication is not supported");
                return true;
            }
            string problem;
            byte decoded = Decode(c, out problem);
            if (decoded != ReasonCode.Success)
            {
                disconnector.Violation(c, decoded, problem);
                return true;
            }
            // An acknowledgement of a stored change waits until the change is durable (a retained message at QoS 0
            // has none: nothing of the connection waits for it); when a failure lost the batch meanwhile, it stays
            // held, and CloseWithheld closes the connection without it.
            int urgentBefore = keeper.UrgentJournaled;
            int lostBefore = keeper.LostBatches;
            int outboxBefore = c.Outbox.Count;
            bool handled;
            switch (type)
            {
                case PacketType.Publish: handled = publishHandler.OnPublish(c); break;
                case PacketType.PubAck: handled = publishHandler.OnPubAck(c); break;
                case PacketType.PubRec: handled = publishHandler.OnPubRec(c); break;
                case PacketType.PubRel: handled = publishHandler.OnPubRel(c); break;
                case PacketType.PubComp: handled = publishHandler.OnPubComp(c); break;
                case PacketType.Subscribe: handled = subscribeHandler.OnSubscribe(c); break;
                case PacketType.Unsubscribe: handled = subscribeHandler.OnUnsubscribe(c); break;
                case PacketType.PingReq: handled = OutboxWriter.WritePingResponse(c, context.Now); break;
                default: handled = OnDisconnect(c); break;
            }
            if (handled)
            {
                c.LastReceivedMs = context.Now;
                if (keeper.UrgentJournaled != urgentBefore || keeper.LostBatches != lostBefore)
                {
                    c.Outbox.Hold(outboxBefore);
                }
            }
            return handled;
        }

        // Decodes the packet framing.Packet frames (after CONNECT) into its handler's view: Success, or the reason code
        // and problem of the violation that ends the connection.
        private byte Decode(Connection c, out string problem)
        {
            PacketFramer f = framing.Packet;
            byte[] buffer = c.ReceiveBuffer;
            int type = f.Type;
            if (!f.FlagsValid)
            {
                problem = "invalid fixed header flags [MQTT-2.2.2-2]";
                return ReasonCode.MalformedPacket;
            }
            byte decoded;
            switch (type)
            {
                case PacketType.Publish:
                    decoded = publishHandler.Publish.Decode(c.Version, f.Flags, buffer, f.Body, f.End);
                    problem = publishHandler.Publish.Problem;
                    break;
                case PacketType.PubAck:
                case PacketType.PubRec:
                case PacketType.PubRel:
                case PacketType.PubComp:
                    decoded = publishHandler.Ack.Decode(c.Version, type, f.Flags, buffer, f.Body, f.End);
                    problem = publishHandler.Ack.Problem;
                    break;
                case PacketType.Subscribe:
                    decoded = subscribeHandler.Subscribe.Decode(c.Version, f.Flags, buffer, f.Body, f.End);
                    problem = subscribeHandler.Subscribe.Problem;
                    break;
                case PacketType.Unsubscribe:
                    decoded = subscribeHandler.Unsubscribe.Decode(c.Version, f.Flags, buffer, f.Body, f.End);
                    problem = subscribeHandler.Unsubscribe.Problem;
                    break;
                case PacketType.PingReq:
                    decoded = PingPacket.DecodeRequest(f.Flags, f.Body, f.End);
                    problem = "PINGREQ with a body";
                    break;
                case PacketType.Disconnect:
                    decoded = disconnect.Decode(c.Version, f.Flags, buffer, f.Body, f.End);
                    problem = disconnect.Problem;
                    break;
                case PacketType.Connect:
                    decoded = ReasonCode.ProtocolError;
                    problem = "second CONNECT [MQTT-3.1.0-2]";
                    break;
                case PacketType.Auth:
                    decoded = ReasonCode.ProtocolError;
                    problem = "AUTH without enhanced authentication begun at CONNECT (5.0 section 4.12)";
                    break;
                default:
                    decoded = c.Version == ProtocolVersion.Mqtt5 ? ReasonCode.ProtocolError : ReasonCode.MalformedPacket;
                    problem = "packet type " + type + " is not sent to a server";
                    break;
            }
            return decoded;
        }

        // DISCONNECT: 5.0 may set a new Session Expiry Interval, never from 0 to another [MQTT-3.14.2-2]; reason 0x04
        // publishes the will, any other discards it [MQTT-3.14.4-3] (3.x: no reason, no properties: discarded).
        private bool OnDisconnect(Connection c)
        {
            if (disconnect.Properties.Has(PropertyId.SessionExpiryInterval))
            {
                Session s = sessions.At(c.Session);
                uint expiry = (uint)disconnect.Properties.SessionExpiryInterval;
                if (options.MaxSessionExpirySeconds != int.MaxValue && expiry > (uint)options.MaxSessionExpirySeconds)
                {
                    // The cap CONNACK announced holds for the interval DISCONNECT sets too.
                    expiry = (uint)options.MaxSessionExpirySeconds;
                }
                if (s.ExpirySeconds == 0 && expiry != 0)
                {
                    disconnector.Violation(c, ReasonCode.ProtocolError, "DISCONNECT sets a session expiry on a session that had 0 [MQTT-3.14.2-2]");
                    return true;
                }
                sessions.SetExpiry(s, expiry);
            }
            disconnector.End(c, disconnect.ReasonCode == ReasonCode.DisconnectWithWill, "client sent DISCONNECT");
            return true;
        }

        // Ends every call into the engine: sends retained messages due, and retries publishers held back,
        // until nothing changes.
        private void Settle()
        {
            if (keeper.TakeCloseWithheld())
            {
                CloseWithheld();
            }
            LetBufferWaitersTry();
            flow.SendRetainedDue();
            while (context.RetryBlocked && connections.BlockedCount > 0)
            {
                context.BlockedRetried();
                for (int i = 0; i < connections.Length; i++)
                {
                    if (connections.At(i).Blocked)
                    {
                        Process(connections.At(i));
                    }
                }
                LetBufferWaitersTry();
                flow.SendRetainedDue();
            }
            context.BlockedRetried();
        }

    }
}
