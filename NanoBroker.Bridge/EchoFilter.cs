namespace NanoBroker.Bridge
{
    /// <summary>
    /// What the bridge sent upstream lately, as hashes of topic + payload in a fixed ring: an upstream that speaks only
    /// MQTT 3.1.1 and is not mosquitto (NATS, for one) sends the bridge its own messages back where an in rule covers
    /// them, and neither No Local nor mosquitto's bridge flag is there to stop it. A message coming down whose hash is in
    /// the ring is that echo: the bridge acknowledges it upstream and drops it (and forgets the hash, so a second,
    /// genuine copy passes). The ring holds the last <see cref="Length"/> messages sent: an echo that comes back later
    /// than that crosses once (a duplicate on this side, never a loop: the local subscriptions have No Local).
    /// </summary>
    public sealed class EchoFilter
    {
        private const uint FnvOffset = 2166136261;
        private const uint FnvPrime = 16777619;

        private readonly uint[] hashes;
        private readonly bool[] used;
        private int next;

        public EchoFilter(int length)
        {
            hashes = new uint[length];
            used = new bool[length];
        }

        /// <summary>How many messages sent upstream it remembers.</summary>
        public int Length { get { return hashes.Length; } }

        /// <summary>The start of a hash (FNV-1a, 32 bits); feed it the topic's pieces, then <see cref="Separate"/>, then the payload.</summary>
        public static uint Start { get { return FnvOffset; } }

        /// <summary>Adds bytes to a hash.</summary>
        public static uint Add(uint hash, byte[] bytes, int offset, int count)
        {
            for (int i = offset; i < offset + count; i++)
            {
                hash = (hash ^ bytes[i]) * FnvPrime;
            }
            return hash;
        }

        /// <summary>Marks the end of the topic in a hash (a byte no topic has: topics hold no U+0000).</summary>
        public static uint Separate(uint hash)
        {
            return hash * FnvPrime;
        }

        /// <summary>Remembers a message sent upstream, forgetting the oldest when full.</summary>
        public void Remember(uint hash)
        {
            hashes[next] = hash;
            used[next] = true;
            next = next + 1 == hashes.Length ? 0 : next + 1;
        }

        /// <summary>True (and forgotten) when a message coming down is one sent up lately.</summary>
        public bool TakeEcho(uint hash)
        {
            for (int i = 0; i < hashes.Length; i++)
            {
                if (used[i] && hashes[i] == hash)
                {
                    used[i] = false;
                    return true;
                }
            }
            return false;
        }
    }
}
