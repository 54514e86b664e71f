namespace NanoBroker
{
    /// <summary>Where the engine reports connects, disconnects and their reasons, subscriptions and refusals.</summary>
    public interface IBrokerLog
    {
        /// <summary>True to receive the per-client events (mosquitto's -v); warnings are always written.</summary>
        bool Verbose { get; }

        void Info(string line);

        void Warning(string line);
    }
}
