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

        /// <summary>A protocol violation: counted, and the connection ends with its will published.</summary>
        internal void Violation(Connection c, string reason)
        {
            context.Stats.ProtocolViolations++;
            End(c, true, "protocol violation: " + reason);
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
            connections.Detach(c, s, context.Now);
            wills.End(c.Id, publishWill);
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
