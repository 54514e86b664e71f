using NanoBroker.Messages;

namespace NanoBroker
{
    /// <summary>
    /// MQTT 5.0 Message Expiry Interval on the engine's clock (section 3.3.2.3.3), in whole seconds: the clock is read
    /// rounded up, so a message lives at least its interval and less than a second more, and the interval sent on
    /// is the whole seconds left, never less than the time truly left [MQTT-3.3.2-6].
    /// </summary>
    internal static class MessageExpiry
    {
        /// <summary>The engine clock (milliseconds) in seconds, rounded up.</summary>
        internal static int Seconds(long nowMs)
        {
            return (int)((nowMs + 999) / 1000);
        }

        /// <summary>When a message received now with <paramref name="intervalSeconds"/> expires (kept below <see cref="MessagePool.NoExpiry"/>).</summary>
        internal static int At(long nowMs, long intervalSeconds)
        {
            long at = Seconds(nowMs) + intervalSeconds;
            return at >= MessagePool.NoExpiry ? MessagePool.NoExpiry - 1 : (int)at;
        }

        /// <summary>True when a message expiring at <paramref name="expiresAt"/> has expired [MQTT-3.3.2-5].</summary>
        internal static bool HasPassed(int expiresAt, long nowMs)
        {
            return expiresAt != MessagePool.NoExpiry && Seconds(nowMs) >= expiresAt;
        }

        /// <summary>The seconds left, 0 once expired; for a message that has an expiry.</summary>
        internal static long Left(int expiresAt, long nowMs)
        {
            long left = (long)expiresAt - Seconds(nowMs);
            return left > 0 ? left : 0;
        }

        /// <summary>A record's Value (docs/record-format.md): the seconds left, or 0xFFFFFFFF for none.</summary>
        internal static uint RecordValue(int expiresAt, long nowMs)
        {
            return expiresAt == MessagePool.NoExpiry ? Storage.Record.NoExpiry : (uint)Left(expiresAt, nowMs);
        }

        /// <summary>The expiry of a message restored from a record whose Value is <paramref name="value"/>: the countdown restarts now.</summary>
        internal static int FromRecord(uint value, long nowMs)
        {
            return value == Storage.Record.NoExpiry ? MessagePool.NoExpiry : At(nowMs, value);
        }
    }
}
