using NanoBroker.Security;

namespace NanoBroker
{
    /// <summary>
    /// What the engine's parts share without owning: the options, the clock of the call in progress (the edge
    /// passes it in, so a fake clock drives everything), the statistics, the log, the access rules, and the two
    /// signals <see cref="Broker"/> acts on when a call settles.
    /// </summary>
    internal sealed class EngineContext
    {
        internal readonly BrokerOptions Options;
        internal readonly BrokerStats Stats;
        private readonly IBrokerLog log;
        private bool retryBlocked;
        private bool retainedDue;

        internal EngineContext(BrokerOptions options, BrokerStats stats, IBrokerLog log, long nowMs)
        {
            Options = options;
            Stats = stats;
            this.log = log;
            Now = nowMs;
        }

        /// <summary>The time of the call into the engine in progress, in the edge's milliseconds.</summary>
        internal long Now { get; set; }

        /// <summary>Authentication and access rules; null lets every client connect, read and write.</summary>
        internal AccessControl Access { get; set; }

        /// <summary>The embedding app's callbacks; null until the app sets one (nothing is called or allocated for them then).</summary>
        internal AppHooks Hooks { get; set; }

        /// <summary>Token authentication (JWT as the password); null: off.</summary>
        internal Tokens.JwtVerifier Tokens { get; set; }

        private bool unixClockSet;
        private long unixOffsetMs;

        /// <summary>Ties the edge's milliseconds to Unix time (the board: once SNTP answered).</summary>
        internal void SetUnixTime(long unixMs, long nowMs)
        {
            unixOffsetMs = unixMs - nowMs;
            unixClockSet = true;
        }

        /// <summary>Unix seconds at <see cref="Now"/>, or JwtVerifier.ClockNotSet before <see cref="SetUnixTime"/>.</summary>
        internal long UnixSeconds
        {
            get { return unixClockSet ? (Now + unixOffsetMs) / 1000 : NanoBroker.Tokens.JwtVerifier.ClockNotSet; }
        }

        /// <summary>The edge's random source (SCRAM nonces); null: enhanced authentication is off.</summary>
        internal IRandomSource Random { get; set; }

        /// <summary>Something freed room (a queue place, an inflight slot, a buffer): publishers held back try again.</summary>
        internal void RetryBlockedPublishers()
        {
            retryBlocked = true;
        }

        internal bool RetryBlocked { get { return retryBlocked; } }

        /// <summary>Publishers held back were retried (or none is held).</summary>
        internal void BlockedRetried()
        {
            retryBlocked = false;
        }

        /// <summary>Some session may have retained messages to send for a new subscription.</summary>
        internal void RetainedMayBeDue()
        {
            retainedDue = true;
        }

        /// <summary>True once after <see cref="RetainedMayBeDue"/>: the caller sends what is due.</summary>
        internal bool TakeRetainedDue()
        {
            bool due = retainedDue;
            retainedDue = false;
            return due;
        }

        internal bool Verbose { get { return log != null && log.Verbose; } }

        /// <summary>A per-client event; callers check <see cref="Verbose"/> first, so that no line is made for nothing.</summary>
        internal void Info(string line)
        {
            log.Info(line);
        }

        internal void Warn(string line)
        {
            if (log != null)
            {
                log.Warning(line);
            }
        }
    }
}
