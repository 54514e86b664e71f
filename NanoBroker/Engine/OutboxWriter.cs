using NanoBroker.Protocol;
using NanoBroker.Sessions;

namespace NanoBroker
{
    /// <summary>Room in a connection's outbox, and the fixed-size replies written into it.</summary>
    internal static class OutboxWriter
    {
        /// <summary>Room for a packet of <paramref name="bytes"/> in the outbox: its offset, or -1.</summary>
        internal static int Reserve(Connection c, int bytes, long nowMs)
        {
            if (c.Outbox.Count == 0)
            {
                c.OutboxWaitingSinceMs = nowMs;
            }
            return c.Outbox.Append(bytes);
        }

        /// <summary>Writes a two-byte-identifier acknowledgement (PUBACK, PUBREC, PUBREL, PUBCOMP, UNSUBACK); false without room.</summary>
        internal static bool WriteAck(Connection c, int firstByte, int packetId, long nowMs)
        {
            int at = Reserve(c, 4, nowMs);
            if (at < 0)
            {
                return false;
            }
            byte[] b = c.Outbox.Buffer;
            b[at] = (byte)firstByte;
            b[at + 1] = 2;
            Wire.WriteUInt16(b, at + 2, packetId);
            return true;
        }
    }
}
