namespace NanoBroker.Protocol
{
    /// <summary>
    /// One MQTT 5.0 property block (section 2.2.2), decoded in place. A view of a packet holds one; the engine lends
    /// one instance to the views of packets that are never handled at the same time.
    /// </summary>
    /// <remarks>
    /// A block is a variable byte integer length, then properties: each an identifier (one byte for every id
    /// 5.0 defines) and a value of the id's type: byte, two- or four-byte integer, variable byte integer, UTF-8
    /// string, binary data, or (User Property only) a string pair.
    /// <para>
    /// <see cref="Decode"/> walks the block once to check it and keeps a bit of <see cref="Seen"/> per id present;
    /// a value is read from the block when asked (the block stays in its buffer while its packet is handled), so
    /// a block costs a few fields whatever it holds, and nothing is copied or allocated. Three kinds of failure,
    /// as the spec sorts them: a block that runs past its end, an unknown id, an id the packet may not carry, a
    /// value not of its type (ill-formed UTF-8 [MQTT-1.5.4-1], a long variable byte integer) make a Malformed
    /// Packet (section 2.2.2.2); a repeated id (but User Property always, and Subscription Identifier in PUBLISH)
    /// and a value out of range (Receive Maximum 0, a byte flag other than 0 or 1, …) make a Protocol Error.
    /// </para>
    /// <para>
    /// Absent properties read as their spec default (Receive Maximum 65535, Maximum QoS 2, the "available"
    /// flags 1, Request Problem Information 1, others 0); <see cref="Has"/> tells absent from sent. A repeated
    /// property reads as its first. User Properties are read one after another from a position the caller keeps
    /// (<see cref="NextUserProperty"/>), as there may be any number of them.
    /// The static <c>SizeOf…</c>/<c>Write…</c> helpers encode one property each, for the packet encoders.
    /// </para>
    /// </remarks>
    public sealed class Properties
    {
        /// <summary>The "packet kind" of a CONNECT's will properties (section 3.1.3.2); other kinds are <see cref="PacketType"/> values.</summary>
        public const int Will = 16;

        private const byte TypeByte = 1;
        private const byte TypeUInt16 = 2;
        private const byte TypeUInt32 = 4;
        private const byte TypeVarInt = 5;
        private const byte TypeString = 6;
        private const byte TypeBinary = 7;
        private const byte TypePair = 8;

        private const int InPublish = 1 << PacketType.Publish;
        private const int InWill = 1 << Will;
        private const int InConnect = 1 << PacketType.Connect;
        private const int InConnAck = 1 << PacketType.ConnAck;
        private const int InDisconnect = 1 << PacketType.Disconnect;
        private const int InAuth = 1 << PacketType.Auth;
        private const int InAcks = (1 << PacketType.PubAck) | (1 << PacketType.PubRec) | (1 << PacketType.PubRel) | (1 << PacketType.PubComp)
            | (1 << PacketType.SubAck) | (1 << PacketType.UnsubAck);

        // Per identifier: its type (0: not defined), and the packet kinds that may carry it (section 2.2.2.2's table).
        private static readonly byte[] TypeOf = new byte[PropertyId.Max + 1];
        private static readonly int[] AllowedIn = new int[PropertyId.Max + 1];

        static Properties()
        {
            Define(PropertyId.PayloadFormatIndicator, TypeByte, InPublish | InWill);
            Define(PropertyId.MessageExpiryInterval, TypeUInt32, InPublish | InWill);
            Define(PropertyId.ContentType, TypeString, InPublish | InWill);
            Define(PropertyId.ResponseTopic, TypeString, InPublish | InWill);
            Define(PropertyId.CorrelationData, TypeBinary, InPublish | InWill);
            Define(PropertyId.SubscriptionIdentifier, TypeVarInt, InPublish | (1 << PacketType.Subscribe));
            Define(PropertyId.SessionExpiryInterval, TypeUInt32, InConnect | InConnAck | InDisconnect);
            Define(PropertyId.AssignedClientIdentifier, TypeString, InConnAck);
            Define(PropertyId.ServerKeepAlive, TypeUInt16, InConnAck);
            Define(PropertyId.AuthenticationMethod, TypeString, InConnect | InConnAck | InAuth);
            Define(PropertyId.AuthenticationData, TypeBinary, InConnect | InConnAck | InAuth);
            Define(PropertyId.RequestProblemInformation, TypeByte, InConnect);
            Define(PropertyId.WillDelayInterval, TypeUInt32, InWill);
            Define(PropertyId.RequestResponseInformation, TypeByte, InConnect);
            Define(PropertyId.ResponseInformation, TypeString, InConnAck);
            Define(PropertyId.ServerReference, TypeString, InConnAck | InDisconnect);
            Define(PropertyId.ReasonString, TypeString, InConnAck | InAcks | InDisconnect | InAuth);
            Define(PropertyId.ReceiveMaximum, TypeUInt16, InConnect | InConnAck);
            Define(PropertyId.TopicAliasMaximum, TypeUInt16, InConnect | InConnAck);
            Define(PropertyId.TopicAlias, TypeUInt16, InPublish);
            Define(PropertyId.MaximumQos, TypeByte, InConnAck);
            Define(PropertyId.RetainAvailable, TypeByte, InConnAck);
            Define(PropertyId.UserProperty, TypePair, -1);
            Define(PropertyId.MaximumPacketSize, TypeUInt32, InConnect | InConnAck);
            Define(PropertyId.WildcardSubscriptionAvailable, TypeByte, InConnAck);
            Define(PropertyId.SubscriptionIdentifierAvailable, TypeByte, InConnAck);
            Define(PropertyId.SharedSubscriptionAvailable, TypeByte, InConnAck);
        }

        private static void Define(int id, byte type, int kinds)
        {
            TypeOf[id] = type;
            AllowedIn[id] = kinds;
        }

        /// <summary>The buffer of the last decoded block (the receive buffer: a reference, not a copy).</summary>
        public byte[] Buffer;

        /// <summary>Where the properties start (after the length prefix) and their total length: the block verbatim.</summary>
        public int Start;
        public int Length;

        /// <summary>Bit <c>1L &lt;&lt; id</c> for every property present.</summary>
        public long Seen;

        /// <summary>The violated statement when <see cref="Decode"/> did not return Success.</summary>
        public string Problem;

        public int PayloadFormatIndicator { get { return (int)Number(PropertyId.PayloadFormatIndicator, 0); } }
        public long MessageExpiryInterval { get { return Number(PropertyId.MessageExpiryInterval, 0); } }
        public int ContentTypeStart { get { return FieldStart(PropertyId.ContentType); } }
        public int ContentTypeLength { get { return FieldLength(PropertyId.ContentType); } }
        public int ResponseTopicStart { get { return FieldStart(PropertyId.ResponseTopic); } }
        public int ResponseTopicLength { get { return FieldLength(PropertyId.ResponseTopic); } }
        public int CorrelationDataStart { get { return FieldStart(PropertyId.CorrelationData); } }
        public int CorrelationDataLength { get { return FieldLength(PropertyId.CorrelationData); } }

        /// <summary>The first Subscription Identifier; a PUBLISH from a server may carry several (<see cref="SubscriptionIdentifierCount"/>).</summary>
        public int SubscriptionIdentifier { get { return (int)Number(PropertyId.SubscriptionIdentifier, 0); } }
        public int SubscriptionIdentifierCount { get { return Count(PropertyId.SubscriptionIdentifier); } }
        public long SessionExpiryInterval { get { return Number(PropertyId.SessionExpiryInterval, 0); } }
        public int AssignedClientIdentifierStart { get { return FieldStart(PropertyId.AssignedClientIdentifier); } }
        public int AssignedClientIdentifierLength { get { return FieldLength(PropertyId.AssignedClientIdentifier); } }
        public int ServerKeepAlive { get { return (int)Number(PropertyId.ServerKeepAlive, 0); } }
        public int AuthenticationMethodStart { get { return FieldStart(PropertyId.AuthenticationMethod); } }
        public int AuthenticationMethodLength { get { return FieldLength(PropertyId.AuthenticationMethod); } }
        public int AuthenticationDataStart { get { return FieldStart(PropertyId.AuthenticationData); } }
        public int AuthenticationDataLength { get { return FieldLength(PropertyId.AuthenticationData); } }
        public int RequestProblemInformation { get { return (int)Number(PropertyId.RequestProblemInformation, 1); } }
        public long WillDelayInterval { get { return Number(PropertyId.WillDelayInterval, 0); } }
        public int RequestResponseInformation { get { return (int)Number(PropertyId.RequestResponseInformation, 0); } }
        public int ResponseInformationStart { get { return FieldStart(PropertyId.ResponseInformation); } }
        public int ResponseInformationLength { get { return FieldLength(PropertyId.ResponseInformation); } }
        public int ServerReferenceStart { get { return FieldStart(PropertyId.ServerReference); } }
        public int ServerReferenceLength { get { return FieldLength(PropertyId.ServerReference); } }
        public int ReasonStringStart { get { return FieldStart(PropertyId.ReasonString); } }
        public int ReasonStringLength { get { return FieldLength(PropertyId.ReasonString); } }
        public int ReceiveMaximum { get { return (int)Number(PropertyId.ReceiveMaximum, 65535); } }
        public int TopicAliasMaximum { get { return (int)Number(PropertyId.TopicAliasMaximum, 0); } }
        public int TopicAlias { get { return (int)Number(PropertyId.TopicAlias, 0); } }

        /// <summary>Where the Topic Alias property (3 bytes) starts, -1 without: a PUBLISH forwarded verbatim leaves it out.</summary>
        public int TopicAliasAt { get { int at = ValueAt(PropertyId.TopicAlias); return at < 0 ? -1 : at - 1; } }
        public int MaximumQos { get { return (int)Number(PropertyId.MaximumQos, 2); } }
        public int RetainAvailable { get { return (int)Number(PropertyId.RetainAvailable, 1); } }
        public long MaximumPacketSize { get { return Number(PropertyId.MaximumPacketSize, 0); } }
        public int WildcardSubscriptionAvailable { get { return (int)Number(PropertyId.WildcardSubscriptionAvailable, 1); } }
        public int SubscriptionIdentifierAvailable { get { return (int)Number(PropertyId.SubscriptionIdentifierAvailable, 1); } }
        public int SharedSubscriptionAvailable { get { return (int)Number(PropertyId.SharedSubscriptionAvailable, 1); } }
        public int UserPropertyCount { get { return Count(PropertyId.UserProperty); } }

        /// <summary>True when property <paramref name="id"/> was present.</summary>
        public bool Has(int id)
        {
            return (Seen & (1L << id)) != 0;
        }

        /// <summary>An empty block (what a packet without properties, or of a 3.x client, reads as).</summary>
        public void Clear(byte[] buffer, int at)
        {
            Buffer = buffer;
            Start = at;
            Length = 0;
            Seen = 0;
            Problem = null;
        }

        // Where the value of the first property <paramref name="id"/> starts (after its identifier), or -1 when absent.
        private int ValueAt(int id)
        {
            if (!Has(id))
            {
                return -1;
            }
            int end = Start + Length;
            for (int at = Start; at < end; at = Skip(Buffer, at, end))
            {
                if (Buffer[at] == id)
                {
                    return at + 1;
                }
            }
            return -1;
        }

        // The value of the first numeric property id, or absent.
        private long Number(int id, long absent)
        {
            int at = ValueAt(id);
            if (at < 0)
            {
                return absent;
            }
            int end = Start + Length;
            int value;
            long value32;
            switch (TypeOf[id])
            {
                case TypeByte: return Buffer[at];
                case TypeUInt16: Wire.ReadUInt16(Buffer, ref at, end, out value); return value;
                case TypeUInt32: Wire.ReadUInt32(Buffer, ref at, end, out value32); return value32;
                default: Wire.ReadVarInt(Buffer, ref at, end, out value); return value;
            }
        }

        // Where the bytes of the first string or binary property id start in Buffer (0 when absent), and their length.
        private int FieldStart(int id)
        {
            int at = ValueAt(id);
            return at < 0 ? 0 : at + 2;
        }

        private int FieldLength(int id)
        {
            int at = ValueAt(id);
            return at < 0 ? 0 : (Buffer[at] << 8) | Buffer[at + 1];
        }

        // How many times property id is present.
        private int Count(int id)
        {
            if (!Has(id))
            {
                return 0;
            }
            int n = 0;
            int end = Start + Length;
            for (int at = Start; at < end; at = Skip(Buffer, at, end))
            {
                if (Buffer[at] == id)
                {
                    n++;
                }
            }
            return n;
        }

        /// <summary>
        /// Decodes the block (length prefix included) at <paramref name="at"/> of a packet of kind <paramref name="kind"/>
        /// (a <see cref="PacketType"/> or <see cref="Will"/>) that ends at <paramref name="end"/>. Returns Success,
        /// MalformedPacket or ProtocolError (<see cref="Problem"/> says why); <paramref name="next"/> is the position after the block.
        /// </summary>
        public byte Decode(int kind, byte[] buffer, int at, int end, out int next)
        {
            Clear(buffer, at);
            int length;
            next = at;
            if (!Wire.ReadVarInt(buffer, ref at, end, out length) || end - at < length)
            {
                return Fail(ReasonCode.MalformedPacket, "property length past the end of the packet [MQTT-2.2.2-1]");
            }
            Start = at;
            Length = length;
            int blockEnd = at + length;
            while (at < blockEnd)
            {
                int id = buffer[at];
                if (id > PropertyId.Max || TypeOf[id] == 0 || (AllowedIn[id] & (1 << kind)) == 0)
                {
                    return Fail(ReasonCode.MalformedPacket, "property not defined for this packet (5.0 section 2.2.2.2)");
                }
                bool repeatable = id == PropertyId.UserProperty || (id == PropertyId.SubscriptionIdentifier && kind == PacketType.Publish);
                if (Has(id) && !repeatable)
                {
                    return Fail(ReasonCode.ProtocolError, "property included more than once (5.0 section 3)");
                }
                Seen |= 1L << id;
                byte code = Check(id, buffer, at + 1, blockEnd, out at);
                if (code != ReasonCode.Success)
                {
                    return code;
                }
            }
            next = blockEnd;
            return ReasonCode.Success;
        }

        // Checks the value of property id at position: its form, then its range; position after it in next.
        private byte Check(int id, byte[] b, int position, int end, out int next)
        {
            next = position;
            int value = 0;
            long value32 = 0;
            int start = 0, length = 0;
            switch (TypeOf[id])
            {
                case TypeByte:
                    if (position >= end)
                    {
                        return Truncated();
                    }
                    value = b[position++];
                    if (value > 1)
                    {
                        return Fail(ReasonCode.ProtocolError, "a byte property other than 0 or 1 (5.0 section 3)");
                    }
                    break;
                case TypeUInt16:
                    if (!Wire.ReadUInt16(b, ref position, end, out value))
                    {
                        return Truncated();
                    }
                    break;
                case TypeUInt32:
                    if (!Wire.ReadUInt32(b, ref position, end, out value32))
                    {
                        return Truncated();
                    }
                    break;
                case TypeVarInt:
                    if (!Wire.ReadVarInt(b, ref position, end, out value))
                    {
                        return Truncated();
                    }
                    break;
                case TypeString:
                case TypeBinary:
                    if (!Wire.ReadField(b, ref position, end, out start, out length))
                    {
                        return Truncated();
                    }
                    if (TypeOf[id] == TypeString && !Utf8.IsValid(b, start, length))
                    {
                        return Fail(ReasonCode.MalformedPacket, "ill-formed UTF-8 string property [MQTT-1.5.4-1]");
                    }
                    break;
                default:
                    int valueStart, valueLength;
                    if (!Wire.ReadField(b, ref position, end, out start, out length) || !Wire.ReadField(b, ref position, end, out valueStart, out valueLength))
                    {
                        return Truncated();
                    }
                    if (!Utf8.IsValid(b, start, length) || !Utf8.IsValid(b, valueStart, valueLength))
                    {
                        return Fail(ReasonCode.MalformedPacket, "ill-formed UTF-8 in a User Property [MQTT-1.5.4-1]");
                    }
                    break;
            }
            next = position;
            switch (id)
            {
                case PropertyId.ResponseTopic:
                    if (!TopicSyntax.IsValidName(b, start, length))
                    {
                        return Fail(ReasonCode.ProtocolError, "Response Topic is not a topic name [MQTT-3.3.2-14]");
                    }
                    break;
                case PropertyId.SubscriptionIdentifier:
                    if (value == 0)
                    {
                        return Fail(ReasonCode.ProtocolError, "Subscription Identifier 0 (5.0 section 3.8.2.1.2)");
                    }
                    break;
                case PropertyId.ReceiveMaximum:
                    if (value == 0)
                    {
                        return Fail(ReasonCode.ProtocolError, "Receive Maximum 0 (5.0 sections 3.1.2.11.3, 3.2.2.3.3)");
                    }
                    break;
                case PropertyId.TopicAlias:
                    if (value == 0)
                    {
                        // A Protocol Error whose DISCONNECT says Topic Alias invalid, as for one above the maximum (mosquitto alike).
                        return Fail(ReasonCode.TopicAliasInvalid, "Topic Alias 0 [MQTT-3.3.2-8]");
                    }
                    break;
                case PropertyId.MaximumPacketSize:
                    if (value32 == 0)
                    {
                        return Fail(ReasonCode.ProtocolError, "Maximum Packet Size 0 (5.0 sections 3.1.2.11.4, 3.2.2.3.6)");
                    }
                    break;
            }
            return ReasonCode.Success;
        }

        private byte Truncated()
        {
            return Fail(ReasonCode.MalformedPacket, "property value past the end of the property block [MQTT-2.2.2-1]");
        }

        private byte Fail(byte code, string problem)
        {
            Problem = problem;
            return code;
        }

        /// <summary>
        /// The first User Property at or after <paramref name="at"/> (<see cref="Start"/> for the first of all), in the
        /// order sent [MQTT-3.3.2-18]: its name and value in <see cref="Buffer"/>, and <paramref name="at"/> moved past
        /// it; false after the last.
        /// </summary>
        public bool NextUserProperty(ref int at, out int nameStart, out int nameLength, out int valueStart, out int valueLength)
        {
            int end = Start + Length;
            byte[] b = Buffer;
            while (at < end)
            {
                if (b[at] == PropertyId.UserProperty)
                {
                    at++;
                    Wire.ReadField(b, ref at, end, out nameStart, out nameLength);
                    Wire.ReadField(b, ref at, end, out valueStart, out valueLength);
                    return true;
                }
                at = Skip(b, at, end);
            }
            nameStart = nameLength = valueStart = valueLength = 0;
            return false;
        }

        /// <summary>The position after the property at <paramref name="at"/> of a block <see cref="Decode"/> accepted.</summary>
        public static int Skip(byte[] b, int at, int end)
        {
            int id = b[at++];
            int length;
            switch (TypeOf[id])
            {
                case TypeByte: return at + 1;
                case TypeUInt16: return at + 2;
                case TypeUInt32: return at + 4;
                case TypeVarInt: Wire.ReadVarInt(b, ref at, end, out length); return at;
                case TypePair: Wire.ReadUInt16(b, ref at, end, out length); at += length; break;
            }
            Wire.ReadUInt16(b, ref at, end, out length);
            return at + length;
        }

        /// <summary>
        /// True for the properties a broker forwards with a message as they came (section 3.3.2.3): all but Topic Alias
        /// (it names a topic on one connection only [MQTT-3.3.2-10]), Subscription Identifier (each subscriber gets its
        /// own [MQTT-3.3.4-3]) and Message Expiry Interval (sent with the time left [MQTT-3.3.2-6]); of a will's
        /// properties, Will Delay Interval too (it is the server's, not a PUBLISH property: section 3.1.3.2).
        /// </summary>
        public static bool IsForwarded(int id)
        {
            return id != PropertyId.TopicAlias && id != PropertyId.SubscriptionIdentifier && id != PropertyId.MessageExpiryInterval
                && id != PropertyId.WillDelayInterval;
        }

        /// <summary>
        /// The next run of consecutive forwarded properties (<see cref="IsForwarded"/>) of an accepted block, from
        /// <paramref name="at"/> up to <paramref name="end"/>: false when none is left. Copying the runs in order copies
        /// the forwarded properties unchanged and in order [MQTT-3.3.2-17, MQTT-3.3.2-18] without a buffer between.
        /// </summary>
        public static bool NextForwardedRun(byte[] b, ref int at, int end, out int runStart, out int runLength)
        {
            while (at < end && !IsForwarded(b[at]))
            {
                at = Skip(b, at, end);
            }
            runStart = at;
            while (at < end && IsForwarded(b[at]))
            {
                at = Skip(b, at, end);
            }
            runLength = at - runStart;
            return runLength > 0;
        }

        /// <summary>The bytes of the forwarded properties of an accepted block of <paramref name="length"/> bytes at <paramref name="start"/>.</summary>
        public static int ForwardedLength(byte[] b, int start, int length)
        {
            int total = 0;
            int at = start;
            int runStart, runLength;
            while (NextForwardedRun(b, ref at, start + length, out runStart, out runLength))
            {
                total += runLength;
            }
            return total;
        }

        /// <summary>The size of a block of <paramref name="length"/> bytes of properties, its length prefix included.</summary>
        public static int SizeOfBlock(int length)
        {
            return RemainingLength.SizeOf(length) + length;
        }

        /// <summary>The size of a byte property.</summary>
        public const int SizeOfByte = 2;

        /// <summary>The size of a two-byte integer property.</summary>
        public const int SizeOfUInt16 = 3;

        /// <summary>The size of a four-byte integer property.</summary>
        public const int SizeOfUInt32 = 5;

        /// <summary>The size of a variable byte integer property.</summary>
        public static int SizeOfVarInt(int value)
        {
            return 1 + RemainingLength.SizeOf(value);
        }

        /// <summary>The size of a UTF-8 string or binary data property of <paramref name="length"/> bytes.</summary>
        public static int SizeOfField(int length)
        {
            return 3 + length;
        }

        /// <summary>The size of a User Property.</summary>
        public static int SizeOfUserProperty(int nameLength, int valueLength)
        {
            return 5 + nameLength + valueLength;
        }

        /// <summary>Writes a byte property; returns the position after it.</summary>
        public static int WriteByte(byte[] buffer, int at, int id, int value)
        {
            buffer[at] = (byte)id;
            buffer[at + 1] = (byte)value;
            return at + 2;
        }

        /// <summary>Writes a two-byte integer property; returns the position after it.</summary>
        public static int WriteUInt16(byte[] buffer, int at, int id, int value)
        {
            buffer[at] = (byte)id;
            Wire.WriteUInt16(buffer, at + 1, value);
            return at + 3;
        }

        /// <summary>Writes a four-byte integer property; returns the position after it.</summary>
        public static int WriteUInt32(byte[] buffer, int at, int id, long value)
        {
            buffer[at] = (byte)id;
            Wire.WriteUInt32(buffer, at + 1, value);
            return at + 5;
        }

        /// <summary>Writes a variable byte integer property; returns the position after it.</summary>
        public static int WriteVarInt(byte[] buffer, int at, int id, int value)
        {
            buffer[at] = (byte)id;
            return Wire.WriteVarInt(buffer, at + 1, value);
        }

        /// <summary>Writes a UTF-8 string or binary data property copied from <paramref name="source"/>; returns the position after it.</summary>
        public static int WriteField(byte[] buffer, int at, int id, byte[] source, int start, int length)
        {
            buffer[at] = (byte)id;
            return Wire.WriteField(buffer, at + 1, source, start, length);
        }

        /// <summary>Writes a User Property (name and value copied from <paramref name="source"/>); returns the position after it.</summary>
        public static int WriteUserProperty(byte[] buffer, int at, byte[] source, int nameStart, int nameLength, int valueStart, int valueLength)
        {
            buffer[at] = PropertyId.UserProperty;
            at = Wire.WriteField(buffer, at + 1, source, nameStart, nameLength);
            return Wire.WriteField(buffer, at, source, valueStart, valueLength);
        }
    }
}
