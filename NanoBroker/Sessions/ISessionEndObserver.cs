namespace NanoBroker.Sessions
{
    /// <summary>
    /// Told when a session ends (discarded: its expiry ran out, Clean Start, eviction, a connection's end without a
    /// persistent session), so what belongs to the session but lives above the session table (its will) can end with it.
    /// </summary>
    internal interface ISessionEndObserver
    {
        /// <summary>The session <paramref name="s"/> is being discarded: its subscriptions and messages are gone, its client id is still set.</summary>
        void SessionEnded(Session s);
    }
}
