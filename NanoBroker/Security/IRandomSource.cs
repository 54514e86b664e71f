namespace NanoBroker.Security
{
    /// <summary>
    /// Unpredictable bytes for the engine (SCRAM server nonces, the broker's decoy secret), supplied by the edge: the
    /// desktop host's RandomNumberGenerator, the board's System.Random (the ESP32's hardware random number generator),
    /// a fixed sequence in tests. The engine is sans-IO and has no source of its own.
    /// </summary>
    public interface IRandomSource
    {
        /// <summary>Fills <paramref name="count"/> bytes of <paramref name="buffer"/> from <paramref name="offset"/>.</summary>
        void Fill(byte[] buffer, int offset, int count);
    }
}
