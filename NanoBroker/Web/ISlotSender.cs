namespace NanoBroker.Web
{
    /// <summary>What a web session sends through: the socket loop's non-blocking send of one slot.</summary>
    public interface ISlotSender
    {
        /// <summary>Sends what slot <paramref name="slot"/> takes without blocking; returns the bytes sent (0 when it is full).</summary>
        int TrySend(int slot, byte[] buffer, int offset, int count);
    }
}
