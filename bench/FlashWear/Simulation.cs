using System;
using System.Collections.Generic;
using NanoBroker;
using NanoBroker.Esp32;
using NanoBroker.Protocol;
using NanoBroker.Sessions;
using NanoBroker.Storage;
using NanoBroker.Tests.Engine.Harness;

namespace FlashWear
{
    /// <summary>
    /// The engine on a fake clock, driven as the board's socket loop drives it (SocketLoop.Run: receive,
    /// CommitStorageIfDue, Tick every 100 ms, send), with clients that read everything at once and acknowledge
    /// QoS 1/2 deliveries in the next pass. Storage is FlashStorage on a temporary folder, traced.
    /// </summary>
    public sealed class Simulation
    {
        /// <summary>The socket loop's pass when something happens (SocketLoop.TickIntervalMs).</summary>
        public const int PassMs = 100;

        public readonly Broker Broker;
        public readonly RecordLog Log;
        public readonly TraceWriter Trace;
        public long Now;

        private readonly PriorityQueue<Action, long> events = new PriorityQueue<Action, long>();
        private readonly List<SimClient> clients = new List<SimClient>();
        private long sequence;
        private long lastTickMs;

        public Simulation(BrokerOptions options, string folder, TraceWriter trace)
        {
            Trace = trace;
            Broker = new Broker(options, Now, null);
            Log = new RecordLog(new FlashStorage(folder, trace), options.StorageBatchBytes);
            Trace.Comment("Broker.Restore: " + Broker.Restore(Log));
        }

        /// <summary>Runs <paramref name="action"/> at <paramref name="atMs"/> (in order of scheduling among equal times).</summary>
        public void At(long atMs, Action action)
        {
            // Ties keep their order: the priority is the time, scaled, plus a sequence number.
            events.Enqueue(action, atMs * 1_000_000 + (sequence++ % 1_000_000));
        }

        public SimClient Client(string clientId)
        {
            SimClient c = new SimClient(this, clientId);
            clients.Add(c);
            return c;
        }

        /// <summary>Runs until <paramref name="endMs"/>: events at their times, loop passes every 100 ms.</summary>
        public void RunUntil(long endMs)
        {
            while (Now < endMs)
            {
                long next = Now + PassMs;
                long firstEvent;
                Action dummy;
                bool any = events.TryPeek(out dummy, out firstEvent);
                long eventTime = any ? firstEvent / 1_000_000 : long.MaxValue;
                // Between events nothing comes in: jump whole seconds while the broker has nothing to do
                // within them (no commit due, no acknowledgement to send); a pass still runs every second.
                if (Idle() && eventTime > Now + 1000)
                {
                    next = Math.Min(Now + 1000, endMs);
                }
                if (eventTime < next)
                {
                    next = eventTime;
                }
                Now = Math.Max(next, Now);
                Trace.Now = Now;
                while (events.TryPeek(out dummy, out firstEvent) && firstEvent / 1_000_000 <= Now)
                {
                    events.Dequeue()();
                }
                Pass();
            }
        }

        // One pass of the socket loop.
        private void Pass()
        {
            for (int i = 0; i < clients.Count; i++)
            {
                clients[i].SendPending();
            }
            Broker.CommitStorageIfDue(Now);
            if (Now - lastTickMs >= PassMs)
            {
                Broker.Tick(Now);
                lastTickMs = Now;
            }
            for (int i = 0; i < clients.Count; i++)
            {
                clients[i].ReadAll();
            }
        }

        // Nothing waits: no pending storage records, no unsent bytes, no acknowledgement to send.
        private bool Idle()
        {
            if (Log.HasPending)
            {
                return false;
            }
            for (int i = 0; i < clients.Count; i++)
            {
                if (!clients[i].Idle)
                {
                    return false;
                }
            }
            return true;
        }
    }

    /// <summary>An MQTT client of the simulation: sends packets, reads all it gets, acknowledges QoS 1/2 at once.</summary>
    public sealed class SimClient
    {
        private readonly Simulation sim;
        private readonly Queue<byte[]> toSend = new Queue<byte[]>();
        private Connection connection;
        private int nextPacketId = 1;

        public readonly string ClientId;

        /// <summary>Acknowledge QoS 1/2 PUBLISH packets it receives (true unless a workload says otherwise).</summary>
        public bool Acknowledges = true;

        public long Received { get; private set; }

        public SimClient(Simulation sim, string clientId)
        {
            this.sim = sim;
            ClientId = clientId;
        }

        public bool Online { get { return connection != null; } }

        public bool Idle { get { return toSend.Count == 0 && (connection == null || connection.Outbox.Count == 0); } }

        public void Connect(bool cleanSession, string willTopic, string willMessage, int willQos, bool willRetain)
        {
            if (connection != null)
            {
                throw new InvalidOperationException(ClientId + " is connected already");
            }
            connection = sim.Broker.Open(sim.Now);
            if (connection == null)
            {
                throw new InvalidOperationException("no free connection slot for " + ClientId);
            }
            toSend.Enqueue(Packets.Connect(ClientId, cleanSession, 0, willTopic, willMessage, willQos, willRetain));
        }

        public void Connect(bool cleanSession)
        {
            Connect(cleanSession, null, null, 0, false);
        }

        public void Subscribe(string filter, int qos)
        {
            toSend.Enqueue(Packets.Subscribe(NextPacketId(), filter, qos));
        }

        public void Publish(string topic, string payload, int qos, bool retain)
        {
            toSend.Enqueue(Packets.Publish(topic, payload, qos, retain, false, qos > 0 ? NextPacketId() : 0));
        }

        /// <summary>DISCONNECT, then the socket closes.</summary>
        public void Disconnect()
        {
            toSend.Enqueue(Packets.Disconnect());
            toSend.Enqueue(null);
        }

        /// <summary>The network drops the connection (no DISCONNECT: the will is published).</summary>
        public void Drop()
        {
            toSend.Enqueue(null);
        }

        internal void SendPending()
        {
            while (connection != null && toSend.Count > 0)
            {
                byte[] packet = toSend.Dequeue();
                if (packet == null)
                {
                    sim.Broker.Closed(connection, sim.Now);
                    connection = null;
                    toSend.Clear();
                    return;
                }
                Buffer.BlockCopy(packet, 0, connection.ReceiveBuffer, connection.ReceiveOffset, packet.Length);
                sim.Broker.Received(connection, packet.Length, sim.Now);
            }
        }

        // Takes what the broker lets go (acknowledgements of stored changes wait for their commit).
        internal void ReadAll()
        {
            if (connection == null)
            {
                return;
            }
            while (connection.Outbox.Sendable > 0)
            {
                Outbox o = connection.Outbox;
                int n = o.Sendable;
                Parse(o.Buffer, o.Start, o.Start + n);
                sim.Broker.Sent(connection, n, sim.Now);
            }
        }

        private void Parse(byte[] b, int at, int end)
        {
            while (at < end)
            {
                int type = b[at] >> 4;
                int flags = b[at] & 0x0f;
                int length = 0;
                int shift = 0;
                int p = at + 1;
                while (true)
                {
                    int digit = b[p++];
                    length |= (digit & 0x7f) << shift;
                    shift += 7;
                    if ((digit & 0x80) == 0)
                    {
                        break;
                    }
                }
                if (type == PacketType.ConnAck && b[p + 1] != 0)
                {
                    throw new InvalidOperationException(ClientId + " was refused: CONNACK " + b[p + 1]);
                }
                if (type == PacketType.Publish)
                {
                    Received++;
                    int qos = (flags >> 1) & 0x03;
                    if (qos > 0 && Acknowledges)
                    {
                        int topicLength = (b[p] << 8) | b[p + 1];
                        int packetId = (b[p + 2 + topicLength] << 8) | b[p + 3 + topicLength];
                        toSend.Enqueue(qos == 1 ? Packets.PubAck(packetId) : Packets.PubRec(packetId));
                    }
                }
                if (type == PacketType.PubRec)
                {
                    toSend.Enqueue(Packets.PubRel((b[p] << 8) | b[p + 1]));
                }
                if (type == PacketType.PubRel)
                {
                    toSend.Enqueue(Packets.PubComp((b[p] << 8) | b[p + 1]));
                }
                at = p + length;
            }
        }

        private int NextPacketId()
        {
            int id = nextPacketId;
            nextPacketId = nextPacketId == 65535 ? 1 : nextPacketId + 1;
            return id;
        }
    }
}
