namespace NanoBroker.Protocol
{
    /// <summary>
    /// UNSUBSCRIBE (section 3.10), decoded in place: every filter is checked by <see cref="Decode"/>, then read
    /// again by a cursor (<see cref="First"/>, <see cref="Next"/>). One instance is reused.
    /// </summary>
    public sealed class UnsubscribePacket
    {
        private byte[] buffer;
        private int filtersStart;
        private int filtersEnd;
        private int cursor;

        public int PacketId;

        /// <summary>The UNSUBSCRIBE properties (5.0: User Property; empty for 3.x).</summary>
        public readonly Properties Properties;

        /// <summary>A view whose properties are decoded into <paramref name="properties"/>, which views of packets never handled at the same time may share.</summary>
        public UnsubscribePacket(Properties properties)
        {
            Properties = properties;
        }

        /// <summary>How many filters the packet holds (at least one).</summary>
        public int Count;

        /// <summary>The violated statement when <see cref="Decode"/> did not return Success.</summary>
        public string Problem;

        /// <summary>The filter the cursor stands on, as sent ("$share/name/filter" included: it names the subscription).</summary>
        public int FilterStart;
        public int FilterLength;

        /// <summary>
        /// Decodes the UNSUBSCRIBE whose body lies in <paramref name="b"/>[<paramref name="p"/>, <paramref name="end"/>),
        /// checking every filter. Returns Success, MalformedPacket or ProtocolError.
        /// </summary>
        public byte Decode(int version, int flags, byte[] b, int p, int end)
        {
            buffer = b;
            Count = 0;
            Problem = null;
            byte opened = FilterPacketHeader.Decode(version, PacketType.Unsubscribe, flags, b, ref p, end, Properties, out PacketId, out Problem);
            if (opened != ReasonCode.Success)
            {
                return opened;
            }
            filtersStart = cursor = p;
            filtersEnd = end;
            while (cursor < end)
            {
                if (!Read())
                {
                    return Fail(ReasonCode.MalformedPacket, "invalid topic filter in UNSUBSCRIBE [MQTT-4.7.1-1, MQTT-4.7.3-1]");
                }
                Count++;
            }
            if (Count == 0)
            {
                return Fail(ReasonCode.ProtocolError, "UNSUBSCRIBE without a topic filter [MQTT-3.10.3-2]");
            }
            cursor = filtersStart;
            return ReasonCode.Success;
        }

        /// <summary>Moves the cursor to the first filter (of a packet <see cref="Decode"/> accepted).</summary>
        public void First()
        {
            cursor = filtersStart;
            Read();
        }

        /// <summary>Moves the cursor to the next filter; false after the last.</summary>
        public bool Next()
        {
            if (cursor >= filtersEnd)
            {
                return false;
            }
            Read();
            return true;
        }

        private bool Read()
        {
            return Wire.ReadField(buffer, ref cursor, filtersEnd, out FilterStart, out FilterLength) && TopicSyntax.IsValidFilter(buffer, FilterStart, FilterLength);
        }

        private byte Fail(byte code, string problem)
        {
            Problem = problem;
            return code;
        }
    }
}
