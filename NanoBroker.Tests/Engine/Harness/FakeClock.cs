namespace NanoBroker.Tests.Engine.Harness
{
    /// <summary>Milliseconds that only move when a test moves them.</summary>
    public sealed class FakeClock
    {
        public long Now;

        public FakeClock(long start)
        {
            Now = start;
        }

        public long Advance(long ms)
        {
            Now += ms;
            return Now;
        }
    }
}
