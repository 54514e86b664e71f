namespace NanoBroker.Protocol
{
    /// <summary>
    /// SUBSCRIBE (section 3.8), decoded in place. <see cref="Decode"/> validates every filter and its options
    /// before the engine acts on any; the filters are then read again, one at a time, by a cursor
    /// (<see cref="First"/>, <see cref="Next"/>): no array per filter. One instance is reused.
    /// </summary>
    /// <remarks>
    /// A filter that is not a valid topic filter (wildcards [MQTT-4.7.1-1], UTF-8 [MQTT-3.8.3-1], a shared
    /// subscription's syntax [MQTT-4.8.2-1, MQTT-4.8.2-2]) makes the whole packet malformed, in every version:
    /// 5.0's SUBACK 0x8F "Topic Filter invalid" is for a filter that "is correctly formed but is not allowed"
    /// (section 3.9.3), which is the engine's call, not the codec's. In 3.x "$share/…" is an ordinary filter.
    /// </remarks>
    public sealed class SubscribePacket
    {
        private const int OptionQos = 0x03;
        private const int OptionNoLocal = 0x04;
        private const int OptionRetainAsPublished = 0x08;
        private const int OptionReserved = 0xC0;

        private int version;
        private byte[] buffer;
        private int filtersStart;
        private int filtersEnd;
        private int cursor;

        public int PacketId;

        /// <summary>The SUBSCRIBE properties (5.0: Subscription Identifier, User Property; empty for 3.x).</summary>
        public readonly Properties Properties;

        /// <summary>A view whose properties are decoded into <paramref name="properties"/>, which views of packets never handled at the same time may share.</summary>
        public SubscribePacket(Properties properties)
        {
            Properties = properties;
        }

        /// <summary>How many filters the packet holds (at least one).</summary>
        public int Count;

        /// <summary>The violated statement when <see cref="Decode"/> did not return Success.</summary>
        public string Problem;

        /// <summary>The filter the cursor stands on, as sent ("$share/name/filter" included).</summary>
        public int FilterStart;
        public int FilterLength;

        /// <summary>The requested QoS (3.x) or maximum QoS (5.0).</summary>
        public int Qos;

        /// <summary>5.0 subscription options (false and 0 for 3.x).</summary>
        public bool NoLocal;
        public bool RetainAsPublished;
        public int RetainHandling;

        /// <summary>A 5.0 shared subscription: its ShareName.</summary>
        public bool IsShared;
        public int ShareNameStart;
        public int ShareNameLength;

        /// <summary>The filter proper: after "$share/name/" when shared, else the whole filter.</summary>
        public int TopicStart;
        public int TopicLength;

        /// <summary>
        /// Decodes the SUBSCRIBE whose body lies in <paramref name="b"/>[<paramref name="p"/>, <paramref name="end"/>),
        /// checking every filter; the cursor then stands before the first. Returns Success, MalformedPacket or ProtocolError.
        /// </summary>
        public byte Decode(int version, int flags, byte[] b, int p, int end)
        {
            this.version = version;
            buffer = b;
            Count = 0;
            Problem = null;
            byte opened = FilterPacketHeader.Decode(version, PacketType.Subscribe, flags, b, ref p, end, Properties, out PacketId, out Problem);
            if (opened != ReasonCode.Success)
            {
                return opened;
            }
            filtersStart = cursor = p;
            filtersEnd = end;
            while (cursor < end)
            {
                byte code = Read();
                if (code != ReasonCode.Success)
                {
                    return code;
                }
                Count++;
            }
            if (Count == 0)
            {
                return Fail(ReasonCode.ProtocolError, "SUBSCRIBE without a topic filter [MQTT-3.8.3-3; 5.0: MQTT-3.8.3-2]");
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

        // Reads and checks the filter and options at the cursor.
        private byte Read()
        {
            byte[] b = buffer;
            if (!Wire.ReadField(b, ref cursor, filtersEnd, out FilterStart, out FilterLength) || cursor >= filtersEnd)
            {
                return Fail(ReasonCode.MalformedPacket, "truncated topic filter or options in SUBSCRIBE [MQTT-3.8.3-1]");
            }
            int options = b[cursor++];
            Qos = options & OptionQos;
            NoLocal = RetainAsPublished = IsShared = false;
            RetainHandling = ShareNameStart = ShareNameLength = 0;
            TopicStart = FilterStart;
            TopicLength = FilterLength;
            if (version != ProtocolVersion.Mqtt5)
            {
                if ((options & ~OptionQos) != 0 || Qos == 3)
                {
                    return Fail(ReasonCode.MalformedPacket, "invalid requested QoS in SUBSCRIBE [MQTT-3.8.3-4]");
                }
                return TopicSyntax.IsValidFilter(b, FilterStart, FilterLength) ? ReasonCode.Success
                    : Fail(ReasonCode.MalformedPacket, "invalid topic filter in SUBSCRIBE [MQTT-4.7.1-1, MQTT-4.7.3-1]");
            }
            if ((options & OptionReserved) != 0)
            {
                return Fail(ReasonCode.MalformedPacket, "reserved subscription option bits set [MQTT-3.8.3-5]");
            }
            NoLocal = (options & OptionNoLocal) != 0;
            RetainAsPublished = (options & OptionRetainAsPublished) != 0;
            RetainHandling = (options >> 4) & 0x03;
            if (Qos == 3 || RetainHandling == 3)
            {
                return Fail(ReasonCode.ProtocolError, "maximum QoS or Retain Handling 3 in SUBSCRIBE (5.0 section 3.8.3.1)");
            }
            IsShared = TopicSyntax.IsShared(b, FilterStart, FilterLength);
            if (IsShared)
            {
                if (!TopicSyntax.SplitShared(b, FilterStart, FilterLength, out ShareNameStart, out ShareNameLength, out TopicStart, out TopicLength))
                {
                    return Fail(ReasonCode.MalformedPacket, "invalid shared subscription [MQTT-4.8.2-1, MQTT-4.8.2-2]");
                }
                if (NoLocal)
                {
                    return Fail(ReasonCode.ProtocolError, "No Local on a shared subscription [MQTT-3.8.3-4]");
                }
                return ReasonCode.Success;
            }
            return TopicSyntax.IsValidFilter(b, FilterStart, FilterLength) ? ReasonCode.Success
                : Fail(ReasonCode.MalformedPacket, "invalid topic filter in SUBSCRIBE [MQTT-4.7.1-1, MQTT-4.7.3-1]");
        }

        private byte Fail(byte code, string problem)
        {
            Problem = problem;
            return code;
        }
    }
}
