using NanoBroker.Protocol;
using NanoBroker.Sessions;

namespace NanoBroker.Tests.Engine.Harness
{
    /// <summary>
    /// One client as the network edge would see it: bytes it sends are copied into the connection's
    /// receive buffer as far as <see cref="Connection.ReceiveSpace"/> allows (the rest waits, as in a
    /// socket), and packets are read whole out of the outbox. A test that never calls
    /// <see cref="Read"/> plays a client that never reads.
    /// </summary>
    public sealed class TestClient
    {
        public readonly Broker Broker;
        public readonly Connection Connection;
        private readonly FakeClock clock;

        // Bytes sent but not yet taken by the engine.
        private byte[] pending = new byte[256];
        private int pendingCount;

        public TestClient(Broker broker, FakeClock clock)
        {
            Broker = broker;
            this.clock = clock;
            Connection = broker.Open(clock.Now);
        }

        public bool IsClosing { get { return Connection.IsClosing; } }

        /// <summary>Bytes sent that the engine has not taken in yet (it holds this client back).</summary>
        public int PendingBytes { get { return pendingCount; } }

        /// <summary>Bytes the broker has written and this client has not read.</summary>
        public int Unread { get { return Connection.Outbox.Count; } }

        /// <summary>Sends bytes; whatever does not fit now is kept and offered again by <see cref="Flush"/>.</summary>
        public void Send(byte[] bytes)
        {
            Send(bytes, 0, bytes.Length);
        }

        public void Send(byte[] bytes, int offset, int count)
        {
            if (pendingCount + count > pending.Length)
            {
                int size = pending.Length * 2;
                while (size < pendingCount + count)
                {
                    size *= 2;
                }
                byte[] bigger = new byte[size];
                System.Array.Copy(pending, 0, bigger, 0, pendingCount);
                pending = bigger;
            }
            System.Array.Copy(bytes, offset, pending, pendingCount, count);
            pendingCount += count;
            Flush();
        }

        /// <summary>Sends the bytes one at a time, each in its own Received call.</summary>
        public void SendByteByByte(byte[] bytes)
        {
            for (int i = 0; i < bytes.Length; i++)
            {
                Send(bytes, i, 1);
            }
        }

        /// <summary>Offers the engine the bytes it has not taken yet; returns how many it took.</summary>
        public int Flush()
        {
            int taken = 0;
            while (pendingCount > 0 && Connection.State != ConnectionState.Free && !Connection.IsClosing)
            {
                int space = Connection.ReceiveSpace;
                if (space == 0)
                {
                    break;
                }
                int n = pendingCount < space ? pendingCount : space;
                System.Array.Copy(pending, 0, Connection.ReceiveBuffer, Connection.ReceiveOffset, n);
                System.Array.Copy(pending, n, pending, 0, pendingCount - n);
                pendingCount -= n;
                taken += n;
                Broker.Received(Connection, n, clock.Now);
            }
            return taken;
        }

        /// <summary>Takes the next whole sendable packet out of the outbox and reports it sent; null when there is none.</summary>
        public Packet Read()
        {
            // As the socket loop does each round: a storage batch that is due is written first.
            Broker.CommitStorageIfDue(clock.Now);
            Outbox o = Connection.Outbox;
            int size = Packet.SizeAt(o.Buffer, o.Start, o.Sendable);
            if (size < 0)
            {
                return null;
            }
            Packet p = Packet.Parse(o.Buffer, o.Start, size);
            Broker.Sent(Connection, size, clock.Now);
            return p;
        }

        /// <summary>As <see cref="Read"/>, parsed as an MQTT 5.0 packet (fields and properties); null when there is none.</summary>
        public V5Packet Read5()
        {
            return V5Packet.Parse(Read());
        }

        /// <summary>The next packet without reading it.</summary>
        public Packet Peek()
        {
            Outbox o = Connection.Outbox;
            int size = Packet.SizeAt(o.Buffer, o.Start, o.Sendable);
            return size < 0 ? null : Packet.Parse(o.Buffer, o.Start, size);
        }

        /// <summary>Reads every whole packet now in the outbox.</summary>
        public Packet[] ReadAll()
        {
            int n = 0;
            Packet[] packets = new Packet[8];
            Packet p;
            while ((p = Read()) != null)
            {
                if (n == packets.Length)
                {
                    Packet[] bigger = new Packet[n * 2];
                    System.Array.Copy(packets, bigger, n);
                    packets = bigger;
                }
                packets[n++] = p;
            }
            Packet[] result = new Packet[n];
            System.Array.Copy(packets, result, n);
            return result;
        }

        /// <summary>The socket is gone (dropped by the network, or closed by the edge after IsClosing).</summary>
        public void Drop()
        {
            Broker.Closed(Connection, clock.Now);
        }

        // Shorthands for the packets a client sends.

        public void Publish(string topic, string payload, int qos, bool retain, int packetId)
        {
            Send(Packets.Publish(topic, payload, qos, retain, false, packetId));
        }

        public void Subscribe(int packetId, string filter, int qos)
        {
            Send(Packets.Subscribe(packetId, filter, qos));
        }

        public void PubAck(int packetId) { Send(Packets.PubAck(packetId)); }

        public void PubRec(int packetId) { Send(Packets.PubRec(packetId)); }

        public void PubRel(int packetId) { Send(Packets.PubRel(packetId)); }

        public void PubComp(int packetId) { Send(Packets.PubComp(packetId)); }

        public void Disconnect() { Send(Packets.Disconnect()); }
    }
}
