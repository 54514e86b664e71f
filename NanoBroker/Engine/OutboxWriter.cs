using NanoBroker.Protocol;
using NanoBroker.Sessions;

namespace NanoBroker
{
    /// <summary>Room in a connection's outbox, and the fixed-size replies written into it through their encoders.</summary>
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

        /// <summary>
        /// Writes PUBACK, PUBREC, PUBREL or PUBCOMP (<paramref name="type"/>) with <paramref name="reasonCode"/>, which
        /// only a 5.0 connection sees (<see cref="AckPacket"/>); false without room.
        /// </summary>
        internal static bool WriteAck(Connection c, int type, int packetId, byte reasonCode, long nowMs)
        {
            int at = Reserve(c, AckPacket.SizeOf(c.Version, reasonCode), nowMs);
            if (at < 0)
            {
                return false;
            }
            AckPacket.Write(c.Version, type, c.Outbox.Buffer, at, packetId, reasonCode);
            return true;
        }

        /// <summary>Room enough for any acknowledgement the connection may be sent.</summary>
        internal static bool HasRoomForAck(Connection c)
        {
            return c.Outbox.Free >= AckPacket.SizeOf(c.Version, ReasonCode.UnspecifiedError);
        }

        /// <summary>Writes PINGRESP; false without room.</summary>
        internal static bool WritePingResponse(Connection c, long nowMs)
        {
            int at = Reserve(c, PingPacket.Size, nowMs);
            if (at < 0)
            {
                return false;
            }
            PingPacket.WriteResponse(c.Outbox.Buffer, at);
            return true;
        }
    }
}
