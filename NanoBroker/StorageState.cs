namespace NanoBroker
{
    /// <summary>Whether the broker can keep durable state (Broker.StorageState, <c>$SYS/broker/storage/state</c>).</summary>
    public enum StorageState
    {
        /// <summary>Changes are written to the log as usual.</summary>
        Ok = 0,

        /// <summary>
        /// The live state passed a quarter of MaxStorageBytes: new durable state is refused with the limits'
        /// answers; what exists is still written (clears, acknowledgements). Left once the state has shrunk to an eighth.
        /// </summary>
        Full = 1,

        /// <summary>
        /// Writing failed (the file system is full or failing) or a batch could not be kept within MaxStorageBytes:
        /// nothing is written, new durable state is refused, changes are kept in memory only, and the broker
        /// tries every Broker.StorageRetryMs to rewrite the log whole.
        /// </summary>
        Failing = 2,
    }
}
