using NanoBroker.Messages;
using NanoBroker.Protocol;
using NanoBroker.Routing;
using NanoBroker.Sessions;
using NanoBroker.Storage;

namespace NanoBroker
{
    /// <summary>
    /// The MQTT broker engine, sans-IO and single-threaded: the network edge opens connections,
    /// writes received bytes into <see cref="Connection.ReceiveBuffer"/> and calls <see cref="Received"/>,
    /// sends what the engine put into each <see cref="Connection.Outbox"/> and calls <see cref="Sent"/>,
    /// and calls <see cref="Tick"/> now and then with the current time. All memory is allocated here,
    /// from <see cref="BrokerOptions"/>; routing a message allocates nothing.
    /// </summary>
    public sealed partial class Broker
    {
        // Connection slots beyond MaxClients: one to tell a client over the limit CONNACK 3, and one for
        // a client that reconnects with its id while its old connection is still open (takeover).
        private const int SpareConnections = 2;

        private readonly BrokerOptions options;
        private readonly Connection[] connections;
        private readonly Session[] sessions;
        private readonly TopicNodes topics;
        private readonly SubscriptionTree subscriptions;
        private readonly MessagePool pool;

        // Large buffers (MaxPacketSize each) lent for one packet larger than a connection's own buffer.
        private readonly BufferPool receiveLender;
        private readonly BufferPool sendLender;
        private readonly RetainedTree retained;
        private readonly IBrokerLog log;

        // Topic copies of pooled messages and $SYS payloads; one packet's worth.
        private readonly byte[] scratch;

        // Sessions reached by the publish being routed.
        private readonly int[] routeTargets;
        private int routeStamp;

        private long now;
        private readonly long startedAtMs;
        private int connectedCount;
        private int blockedCount;
        private bool retryBlocked;

        // Some session may have retained messages to send for a new subscription (SendRetainedDue).
        private bool retainedDue;
        private int assignedIds;

        public readonly BrokerStats Stats = new BrokerStats();

        /// <summary>
        /// Authentication and access rules; null lets every client connect, read and write. Set it before
        /// <see cref="Restore"/> (restored sessions and subscriptions are checked against it) and the first connection.
        /// </summary>
        public Security.AccessControl Access;

        public Broker(BrokerOptions options, long nowMs, IBrokerLog log)
        {
            string problem = options.Validate();
            if (problem != null)
            {
                throw new System.ArgumentException(problem);
            }
            this.options = options;
            this.log = log;
            now = nowMs;
            startedAtMs = nowMs;
            nextSysMs = nowMs;

            int receiveBytes = options.ReceiveBytes;
            receiveLender = new BufferPool(receiveBytes < options.MaxPacketSize ? options.LargeReceiveBuffers : 0, options.MaxPacketSize);
            sendLender = new BufferPool(options.OutboxBytes < options.MaxPacketSize ? options.LargeSendBuffers : 0, options.MaxPacketSize);
            connections = new Connection[options.MaxClients + SpareConnections];
            for (int i = 0; i < connections.Length; i++)
            {
                connections[i] = new Connection(i, receiveBytes, options.OutboxBytes, sendLender);
            }
            sessions = new Session[options.MaxSessions];
            for (int i = 0; i < sessions.Length; i++)
            {
                sessions[i] = new Session(i, options.MaxClientIdBytes, options.InflightWindow, options.QueueDepth);
            }
            routeTargets = new int[options.MaxSessions];
            // $SYS statistics are retained messages too; they get room of their own in the topic tree and both
            // stores (and one more message, as a new value is stored before the old one goes), so the user's limits hold.
            int sysMessages = options.SysIntervalMs > 0 ? Sys.SysTopics.All.Length : 0;
            int sysNodes = 0;
            int sysLevelBytes = 0;
            if (sysMessages > 0)
            {
                TopicNodes.Measure(Sys.SysTopics.All, out sysNodes, out sysLevelBytes);
            }
            topics = new TopicNodes(options.MaxTopicNodes + sysNodes, options.TopicLevelBytes + sysLevelBytes);
            subscriptions = new SubscriptionTree(topics, options.MaxSubscriptions, options.MaxSessions);
            int sysPoolMessages = sysMessages > 0 ? sysMessages + 1 : 0;
            int sysBlocks = sysPoolMessages * ((Sys.SysTopics.MaxMessageBytes + options.MessageBlockBytes - 1) / options.MessageBlockBytes);
            pool = new MessagePool(options.MaxStoredMessages + sysPoolMessages, options.MessageStoreBytes / options.MessageBlockBytes + sysBlocks, options.MessageBlockBytes);
            retained = new RetainedTree(topics, pool, options.MaxRetainedMessages, options.MaxRetainedBytes, sysMessages, sysMessages * Sys.SysTopics.MaxMessageBytes);
            for (int i = 0; i < sysMessages; i++)
            {
                retained.Reserve(Sys.SysTopics.All[i]);
            }
            scratch = new byte[options.MaxPacketSize];
            queueRecordScratch = options.PersistQueuedMessages ? new byte[options.MaxPacketSize] : null;
        }

        public BrokerOptions Options { get { return options; } }

        /// <summary>Clients connected now (CONNECT accepted).</summary>
        public int ConnectedClients { get { return connectedCount; } }

        public SubscriptionTree Subscriptions { get { return subscriptions; } }

        public MessagePool Messages { get { return pool; } }

        /// <summary>Large buffers lent to connections receiving a packet larger than their own receive buffer.</summary>
        public BufferPool ReceiveBuffers { get { return receiveLender; } }

        /// <summary>Large buffers lent to outboxes sending a packet larger than their own buffer.</summary>
        public BufferPool SendBuffers { get { return sendLender; } }

        public RetainedTree Retained { get { return retained; } }

        /// <summary>Sessions in use, connected or persistent offline.</summary>
        public int SessionCount
        {
            get
            {
                int n = 0;
                for (int i = 0; i < sessions.Length; i++)
                {
                    if (sessions[i].InUse)
                    {
                        n++;
                    }
                }
                return n;
            }
        }

        /// <summary>Connections the engine holds at once (MaxClients and the spares); their ids are 0 to this less one.</summary>
        public int ConnectionSlots
        {
            get { return connections.Length; }
        }

        /// <summary>Free connection slots.</summary>
        public int FreeConnections
        {
            get
            {
                int n = 0;
                for (int i = 0; i < connections.Length; i++)
                {
                    if (connections[i].State == ConnectionState.Free)
                    {
                        n++;
                    }
                }
                return n;
            }
        }

        /// <summary>A connection slot for a newly accepted socket, or null when every slot is taken (close the socket).</summary>
        public Connection Open(long nowMs)
        {
            now = nowMs;
            for (int i = 0; i < connections.Length; i++)
            {
                if (connections[i].State == ConnectionState.Free)
                {
                    connections[i].Reset(nowMs);
                    return connections[i];
                }
            }
            Stats.ConnectionsRefused++;
            Warn("no free connection slot: a new connection was closed");
            return null;
        }

        /// <summary>The edge wrote <paramref name="count"/> bytes at <see cref="Connection.ReceiveOffset"/>.</summary>
        public void Received(Connection connection, int count, long nowMs)
        {
            now = nowMs;
            if (connection.State == ConnectionState.Free || connection.State == ConnectionState.Closing)
            {
                return;
            }
            connection.ReceivedCount += count;
            Stats.BytesReceived += count;
            Process(connection);
            Settle();
        }

        /// <summary>The edge sent <paramref name="count"/> bytes from the start of the outbox.</summary>
        public void Sent(Connection connection, int count, long nowMs)
        {
            now = nowMs;
            connection.Outbox.Consumed(count);
            connection.OutboxWaitingSinceMs = nowMs;
            Stats.BytesSent += count;
            if (connection.State == ConnectionState.Connected)
            {
                Pump(sessions[connection.Session]);
                retryBlocked = true;
            }
            Settle();
        }

        /// <summary>
        /// The socket is gone: closed by the peer, failed, or closed by the edge after
        /// <see cref="Connection.IsClosing"/>. A connection that ends here without DISCONNECT publishes its will.
        /// </summary>
        public void Closed(Connection connection, long nowMs)
        {
            now = nowMs;
            if (connection.State == ConnectionState.Free)
            {
                return;
            }
            End(connection, true, "connection closed by the network");
            connection.State = ConnectionState.Free;
            connection.Outbox.Clear();
            Settle();
        }

        /// <summary>Time passes: keep-alive and connect timeouts, slow clients, $SYS statistics.</summary>
        public void Tick(long nowMs)
        {
            now = nowMs;
            for (int i = 0; i < connections.Length; i++)
            {
                Connection c = connections[i];
                if (c.State == ConnectionState.AwaitingConnect && now - c.OpenedAtMs > options.ConnectTimeoutMs)
                {
                    End(c, false, "no CONNECT within " + options.ConnectTimeoutMs + " ms");
                }
                else if (c.State == ConnectionState.Connected)
                {
                    // [MQTT-3.1.2-24] one and a half keep-alive periods without a packet; a client the
                    // broker holds back with a full receive buffer cannot get its PINGREQ through, so it is not
                    // timed out (with room, a PINGREQ behind the waiting packet is handled: HandleAcksBehind).
                    if (c.KeepAliveMs > 0 && (!c.Blocked || c.ReceiveSpace > 0) && now - c.LastReceivedMs > c.KeepAliveMs + c.KeepAliveMs / 2)
                    {
                        End(c, true, "keep-alive timeout");
                    }
                    else if (c.Outbox.Count > 0 && now - c.OutboxWaitingSinceMs > options.SlowClientTimeoutMs)
                    {
                        End(c, true, "not reading: send buffer full for " + options.SlowClientTimeoutMs + " ms");
                    }
                    else if (c.Blocked && now - c.BlockedSinceMs >= options.SlowClientTimeoutMs)
                    {
                        ReleaseBlockedPublisher(c);
                    }
                }
            }
            RetryStorageIfDue();
            PublishSysIfDue();
            Settle();
        }

        // A publisher held back too long: disconnect the subscriber that holds it, then let it go on.
        private void ReleaseBlockedPublisher(Connection publisher)
        {
            int blocker = publisher.BlockedBySession;
            if (blocker >= 0 && sessions[blocker].IsOnline)
            {
                End(connections[sessions[blocker].Connection], true, "too slow: held publishers back for " + options.SlowClientTimeoutMs + " ms");
            }
            retryBlocked = true;
        }

        // Parses and handles every complete packet in the receive buffer.
        private void Process(Connection c)
        {
            byte[] buffer = c.ReceiveBuffer;
            int position = 0;
            while (c.State != ConnectionState.Closing)
            {
                int size = CompletePacketAt(c, position);
                if (size <= 0)
                {
                    break;
                }
                if (!Dispatch(c, position, size))
                {
                    HoldBack(c);
                    HandleAcksBehind(c, position + size);
                    break;
                }
                LetGo(c);
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
            int head = 0;
            if (c.ReceivedCount >= 2)
            {
                int lengthBytes;
                int remaining = RemainingLength.Decode(c.ReceiveBuffer, 1, c.ReceivedCount - 1, out lengthBytes);
                if (remaining >= 0)
                {
                    head = 1 + lengthBytes + remaining;
                }
            }
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
                        Stats.BufferWaits++;
                    }
                    if (!c.Blocked)
                    {
                        c.BlockedBySession = -1;
                    }
                    HoldBack(c);
                    return;
                }
                c.LendReceive(large);
                if (c.WaitsForBuffer)
                {
                    c.WaitsForBuffer = false;
                    LetGo(c);
                }
            }
            else if (head <= c.OwnReceiveBytes && c.ReceivedCount <= c.OwnReceiveBytes)
            {
                receiveLender.Give(c.TakeBackReceive());
            }
        }

        // The connection is not read further until its head packet can be handled (Settle retries it).
        private void HoldBack(Connection c)
        {
            if (!c.Blocked)
            {
                c.Blocked = true;
                c.BlockedSinceMs = now;
                blockedCount++;
            }
        }

        private void LetGo(Connection c)
        {
            if (c.Blocked)
            {
                c.Blocked = false;
                blockedCount--;
            }
        }

        // A large buffer came back: the connections that waited for one try again.
        private void LetBufferWaitersTry()
        {
            if (receiveLender.Returned)
            {
                receiveLender.Returned = false;
                retryBlocked = true;
            }
            if (sendLender.Returned)
            {
                sendLender.Returned = false;
                retainedDue = true;
                for (int i = 0; i < connections.Length; i++)
                {
                    Connection c = connections[i];
                    if (c.Outbox.WaitsForBuffer)
                    {
                        c.Outbox.WaitsForBuffer = false;
                        if (c.State == ConnectionState.Connected)
                        {
                            Pump(sessions[c.Session]);
                        }
                    }
                }
            }
        }

        // The size of the complete packet at position; 0 when more bytes are needed, -1 after closing
        // the connection for a malformed or oversized packet.
        private int CompletePacketAt(Connection c, int position)
        {
            int available = c.ReceivedCount - position;
            if (available < 2)
            {
                return 0;
            }
            int lengthBytes;
            int remaining = RemainingLength.Decode(c.ReceiveBuffer, position + 1, available - 1, out lengthBytes);
            if (remaining == RemainingLength.Malformed)
            {
                Violation(c, "malformed remaining length");
                return -1;
            }
            if (remaining == RemainingLength.Incomplete)
            {
                return 0;
            }
            int size = 1 + lengthBytes + remaining;
            if (size > options.MaxPacketSize || size < 0)
            {
                Violation(c, "packet of " + size + " bytes exceeds the maximum packet size " + options.MaxPacketSize);
                return -1;
            }
            // A packet larger than the buffer waits for a large one (Process lends it when it is at the head).
            return available < size || size > c.ReceiveBuffer.Length ? 0 : size;
        }

        // While the packet at the head waits, acknowledgements behind it may still be handled: they
        // free the room the head is waiting for, so two clients that feed each other cannot deadlock.
        private void HandleAcksBehind(Connection c, int position)
        {
            while (c.State == ConnectionState.Connected)
            {
                int size = CompletePacketAt(c, position);
                if (size <= 0)
                {
                    return;
                }
                int type = c.ReceiveBuffer[position] >> 4;
                if (type == PacketType.Disconnect)
                {
                    // Nothing behind a DISCONNECT is read [MQTT-3.14.4-1]: it ends the connection, its will
                    // discarded [MQTT-3.14.4-3], once the packets before it are handled.
                    return;
                }
                // A PUBREL of a message the session holds frees a place in its QoS 2 window; any other PUBREL
                // may release the PUBLISH that waits, so it keeps its turn.
                bool ack = type == PacketType.PubAck || type == PacketType.PubRec || type == PacketType.PubComp || type == PacketType.PingReq
                    || ReleasesHeldMessage(c.ReceiveBuffer, position, size, sessions[c.Session]);
                if (!ack)
                {
                    position += size;
                    continue;
                }
                if (!Dispatch(c, position, size))
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

        // Handles one packet; false when it must wait for room (nothing was done then).
        private bool Dispatch(Connection c, int start, int size)
        {
            byte[] buffer = c.ReceiveBuffer;
            int first = buffer[start];
            int type = first >> 4;
            int flags = first & 0x0F;
            int lengthBytes;
            RemainingLength.Decode(buffer, start + 1, 4, out lengthBytes);
            int body = start + 1 + lengthBytes;
            int end = start + size;

            if (c.State == ConnectionState.AwaitingConnect)
            {
                if (type != PacketType.Connect)
                {
                    Violation(c, "first packet is not CONNECT [MQTT-3.1.0-1]");
                    return true;
                }
                return HandleConnect(c, flags, buffer, body, end);
            }
            if (type != PacketType.Publish && flags != PacketType.RequiredFlags(type))
            {
                Violation(c, "invalid fixed header flags [MQTT-2.2.2-2]");
                return true;
            }
            // An acknowledgement of a stored change waits until the change is durable (a retained message at QoS 0
            // has none: nothing of the connection waits for it); when a failure lost the batch meanwhile, it stays
            // held, and CloseWithheld closes the connection without it.
            int urgentBefore = urgentJournaled;
            int lostBefore = lostBatches;
            int outboxBefore = c.Outbox.Count;
            bool handled;
            switch (type)
            {
                case PacketType.Publish: handled = HandlePublish(c, flags, buffer, body, end); break;
                case PacketType.PubAck: handled = HandlePubAck(c, buffer, body, end); break;
                case PacketType.PubRec: handled = HandlePubRec(c, buffer, body, end); break;
                case PacketType.PubRel: handled = HandlePubRel(c, buffer, body, end); break;
                case PacketType.PubComp: handled = HandlePubComp(c, buffer, body, end); break;
                case PacketType.Subscribe: handled = HandleSubscribe(c, buffer, body, end); break;
                case PacketType.Unsubscribe: handled = HandleUnsubscribe(c, buffer, body, end); break;
                case PacketType.PingReq: handled = HandlePingReq(c, body, end); break;
                case PacketType.Disconnect: handled = HandleDisconnect(c, body, end); break;
                case PacketType.Connect:
                    Violation(c, "second CONNECT [MQTT-3.1.0-2]");
                    return true;
                default:
                    Violation(c, "packet type " + type + " is not sent to a server");
                    return true;
            }
            if (handled)
            {
                c.LastReceivedMs = now;
                if (urgentJournaled != urgentBefore || lostBatches != lostBefore)
                {
                    c.Outbox.Hold(outboxBefore);
                }
            }
            return handled;
        }

        private bool HandlePingReq(Connection c, int body, int end)
        {
            if (end != body)
            {
                Violation(c, "PINGREQ with a body");
                return true;
            }
            int at = Reserve(c, 2);
            if (at < 0)
            {
                return false;
            }
            c.Outbox.Buffer[at] = PacketType.PingResp << 4;
            c.Outbox.Buffer[at + 1] = 0;
            return true;
        }

        private bool HandleDisconnect(Connection c, int body, int end)
        {
            if (end != body)
            {
                Violation(c, "DISCONNECT with a body");
                return true;
            }
            // [MQTT-3.14.4-3] the will is discarded without being published.
            End(c, false, "client sent DISCONNECT");
            return true;
        }

        /// <summary>Room for a packet of <paramref name="bytes"/> in the outbox: its offset, or -1.</summary>
        private int Reserve(Connection c, int bytes)
        {
            if (c.Outbox.Count == 0)
            {
                c.OutboxWaitingSinceMs = now;
            }
            return c.Outbox.Append(bytes);
        }

        // Writes a two-byte-identifier acknowledgement (PUBACK, PUBREC, PUBREL, PUBCOMP, UNSUBACK).
        private bool WriteAck(Connection c, int firstByte, int packetId)
        {
            int at = Reserve(c, 4);
            if (at < 0)
            {
                return false;
            }
            byte[] b = c.Outbox.Buffer;
            b[at] = (byte)firstByte;
            b[at + 1] = 2;
            Wire.WriteUInt16(b, at + 2, packetId);
            return true;
        }

        private void Violation(Connection c, string reason)
        {
            Stats.ProtocolViolations++;
            End(c, true, "protocol violation: " + reason);
        }

        /// <summary>
        /// The engine is done with a connection: detaches its session, publishes the will when
        /// <paramref name="publishWill"/> (any end but DISCONNECT), and marks it for the edge to close.
        /// </summary>
        private void End(Connection c, bool publishWill, string reason)
        {
            if (c.State == ConnectionState.Closing || c.State == ConnectionState.Free)
            {
                return;
            }
            bool wasConnected = c.State == ConnectionState.Connected;
            c.State = ConnectionState.Closing;
            c.CloseReason = reason;
            c.ReceivedCount = 0;
            c.WaitsForBuffer = false;
            byte[] lent = c.TakeBackReceive();
            if (lent != null)
            {
                receiveLender.Give(lent);
            }
            LetGo(c);
            if (!wasConnected)
            {
                if (Verbose) Info("connection " + c.Id + " closed: " + reason);
                return;
            }
            connectedCount--;
            Session s = sessions[c.Session];
            if (Verbose) Info("client " + ClientIdOf(s) + " disconnected: " + reason);
            s.Connection = -1;
            s.LastSeenMs = now;
            c.Session = -1;
            if (c.Will >= 0)
            {
                if (publishWill)
                {
                    RouteStoredMessage(c.Will, c.WillRetain);
                }
                pool.Release(c.Will);
                c.Will = -1;
                Journal(RecordKind.WillClear, 0, c.Id, null, null, 0, 0, null, 0, 0);
            }
            if (!s.Persistent)
            {
                DiscardSession(s);
            }
            else
            {
                JournalPendingOnDisconnect(s);
            }
            retryBlocked = true;
        }

        // Ends every call into the engine: sends retained messages due, and retries publishers held back,
        // until nothing changes.
        private void Settle()
        {
            if (closeWithheld)
            {
                CloseWithheld();
            }
            LetBufferWaitersTry();
            SendRetainedDue();
            while (retryBlocked && blockedCount > 0)
            {
                retryBlocked = false;
                for (int i = 0; i < connections.Length; i++)
                {
                    if (connections[i].Blocked)
                    {
                        Process(connections[i]);
                    }
                }
                LetBufferWaitersTry();
                SendRetainedDue();
            }
            retryBlocked = false;
        }

        private bool Verbose { get { return log != null && log.Verbose; } }

        private void Info(string line)
        {
            log.Info(line);
        }

        private void Warn(string line)
        {
            if (log != null)
            {
                log.Warning(line);
            }
        }

        private static string ClientIdOf(Session s)
        {
            return Utf8.GetString(s.ClientId, 0, s.ClientIdLength);
        }
    }
}
