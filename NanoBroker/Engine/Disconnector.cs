using NanoBroker.Protocol;
using NanoBroker.Sessions;

namespace NanoBroker
{
    /// <summary>
    /// The end of a connection, whoever decides it (a handler, a timeout, the network, a storage failure): the
    /// connection detached from its session, its will published or dropped, a clean session discarded and a
    /// persistent one's unacknowledged messages journaled, and the connection marked for the edge to close.
    /// </summary>
    internal sealed class Disconnector
    {
        private readonly ConnectionTable connections;
        private readonly SessionTable sessions;
        private readonly Wills wills;
        private readonly Journal journal;
        private readonly BufferPool receiveLender;
        private readonly EngineContext context;

        internal Disconnector(ConnectionTable connections, SessionTable sessions, Wills wills, Journal journal, BufferPool receiveLender, EngineContext context)
        {
            this.connections = connections;
            this.sessions = sessions;
            this.wills = wills;
            this.journal = journal;
            this.receiveLender = receiveLender;
            this.context = context;
        }

        /// <summary>
        /// The one place a packet the engine cannot accept ends its connection (as mosquitto's handle__packet): counted,
        /// logged, and for a 5.0 connection a DISCONNECT with <paramref name="reasonCode"/> (0x81 malformed, 0x82
        /// protocol error, 0x95 packet too large, 0x93 receive maximum exceeded, ...) before it closes with its will
        /// published; a 3.x connection just closes [MQTT-4.8.0-1; 5.0: MQTT-4.13.1-1].
        /// </summary>
        internal void Violation(Connection c, byte reasonCode, string problem)
        {
            context.Stats.ProtocolViolations++;
            EndWith(c, reasonCode, true, "protocol violation: " + problem);
        }

        /// <summary>
        /// Ends the connection as <see cref="End"/> does, a 5.0 connection first told why by a DISCONNECT with
        /// <paramref name="reasonCode"/> (5.0 section 3.14; nothing when the outbox has no room for it).
        /// </summary>
        internal void EndWith(Connection c, byte reasonCode, bool publishWill, string reason)
        {
            if (c.Version == ProtocolVersion.Mqtt5 && c.State == ConnectionState.Connected)
            {
                int at = OutboxWriter.Reserve(c, DisconnectPacket.SizeOf(0), context.Now);
                if (at >= 0)
                {
                    DisconnectPacket.Write(c.Outbox.Buffer, at, reasonCode, null, 0, 0);
                }
            }
            End(c, publishWill, reason);
        }

        /// <summary>
        /// The engine is done with a connection: detaches its session, publishes the will when
        /// <paramref name="publishWill"/> (any end but DISCONNECT), and marks it for the edge to close.
        /// </summary>
        internal void End(Connection c, bool publishWill, string reason)
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
            connections.LetGo(c);
            if (!wasConnected)
            {
                if (context.Verbose) context.Info("connection " + c.Id + " closed: " + reason);
                return;
            }
            Session s = sessions.At(c.Session);
            if (context.Verbose) context.Info("client " + s.ClientIdText() + " disconnected: " + reason);
            if (context.Hooks != null)
            {
                context.Hooks.ClientChanged(false, s.ClientId, s.ClientIdLength);
            }
            connections.Detach(c, s, context.Now);
            wills.End(s, publishWill);
            if (!s.Persistent)
            {
                sessions.Discard(s);
            }
            else
            {
                journal.SessionWentOffline(s);
            }
            context.RetryBlockedPublishers();
        }
    }
}
