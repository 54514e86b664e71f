using NanoBroker.Security;

namespace NanoBroker.Bridge
{
    /// <summary>
    /// The wait before connecting again: doubled after each failed attempt from the minimum up to the maximum, and
    /// drawn at random from its upper half ("equal jitter"), so boards that lost the same upstream at once do not all
    /// come back in the same millisecond.
    /// </summary>
    public sealed class Backoff
    {
        private readonly int minMs;
        private readonly int maxMs;
        private readonly IRandomSource random;
        private readonly byte[] draw = new byte[4];
        private int failures;

        /// <summary><paramref name="random"/> may be null: no jitter then.</summary>
        public Backoff(int minMs, int maxMs, IRandomSource random)
        {
            this.minMs = minMs;
            this.maxMs = maxMs;
            this.random = random;
        }

        /// <summary>A connection was made: the next failure waits the minimum again.</summary>
        public void Reset()
        {
            failures = 0;
        }

        /// <summary>An attempt failed: how long to wait before the next one.</summary>
        public int NextDelayMs()
        {
            long delay = minMs;
            for (int i = 0; i < failures && delay < maxMs; i++)
            {
                delay *= 2;
            }
            if (delay > maxMs)
            {
                delay = maxMs;
            }
            failures++;
            if (random == null)
            {
                return (int)delay;
            }
            random.Fill(draw, 0, 4);
            uint r = (uint)(draw[0] | draw[1] << 8 | draw[2] << 16 | draw[3] << 24);
            long half = delay / 2;
            return (int)(delay - half + r % (uint)(half + 1));
        }
    }
}
