namespace NanoBroker.Sessions
{
    /// <summary>
    /// The connection slots (MaxClients and the spares), which of them are connected to a session, and which are
    /// held back: a connection whose head packet waits for room is not read further until it can be handled. A
    /// connected MQTT 5.0 connection borrows Topic Alias tables from <see cref="TopicAliasPool"/> while one is free.
    /// </summary>
    internal sealed class ConnectionTable
    {
        private readonly Connection[] slots;
        private readonly TopicAliasPool aliases;
        private int connectedCount;
        private int blockedCount;

        internal ConnectionTable(int count, int receiveBytes, int outboxBytes, BufferPool sendLender, TopicAliasPool aliases)
        {
            this.aliases = aliases;
            slots = new Connection[count];
            for (int i = 0; i < slots.Length; i++)
            {
                slots[i] = new Connection(i, receiveBytes, outboxBytes, sendLender);
            }
        }

        /// <summary>Slots in all; their ids are 0 to this less one.</summary>
        internal int Length { get { return slots.Length; } }

        internal Connection At(int id)
        {
            return slots[id];
        }

        /// <summary>Connections attached to a session now (CONNECT accepted).</summary>
        internal int ConnectedCount { get { return connectedCount; } }

        /// <summary>Connections held back now.</summary>
        internal int BlockedCount { get { return blockedCount; } }

        internal int FreeCount
        {
            get
            {
                int n = 0;
                for (int i = 0; i < slots.Length; i++)
                {
                    if (slots[i].State == ConnectionState.Free)
                    {
                        n++;
                    }
                }
                return n;
            }
        }

        /// <summary>A free slot made ready for a new socket, or null when every slot is taken.</summary>
        internal Connection Open(long nowMs)
        {
            for (int i = 0; i < slots.Length; i++)
            {
                if (slots[i].State == ConnectionState.Free)
                {
                    slots[i].Reset(nowMs);
                    return slots[i];
                }
            }
            return null;
        }

        /// <summary>The CONNECT was accepted: the connection and the session point at each other; a 5.0 one borrows Topic Alias tables.</summary>
        internal void Attach(Connection c, Session s, long nowMs)
        {
            if (c.Version == Protocol.ProtocolVersion.Mqtt5)
            {
                aliases.Lend(c);
            }
            c.State = ConnectionState.Connected;
            c.Session = s.Id;
            s.Connection = c.Id;
            s.LastSeenMs = nowMs;
            connectedCount++;
        }

        /// <summary>A connected connection ends: its session goes offline, its Topic Alias tables go back.</summary>
        internal void Detach(Connection c, Session s, long nowMs)
        {
            aliases.GiveBack(c);
            connectedCount--;
            s.Connection = -1;
            s.LastSeenMs = nowMs;
            c.Session = -1;
        }

        /// <summary>The connection is not read further until its head packet can be handled (Broker.Settle retries it).</summary>
        internal void HoldBack(Connection c, long nowMs)
        {
            if (!c.Blocked)
            {
                c.Blocked = true;
                c.BlockedSinceMs = nowMs;
                blockedCount++;
            }
        }

        internal void LetGo(Connection c)
        {
            if (c.Blocked)
            {
                c.Blocked = false;
                blockedCount--;
            }
        }

        /// <summary>What was written is durable: the acknowledgements held back for it go out.</summary>
        internal void ReleaseHeldAcks()
        {
            for (int i = 0; i < slots.Length; i++)
            {
                slots[i].Outbox.Release();
            }
        }
    }
}
