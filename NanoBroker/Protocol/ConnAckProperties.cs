namespace NanoBroker.Protocol
{
    /// <summary>
    /// The properties a server puts in a 5.0 CONNACK (section 3.2.2.3), set by the engine before
    /// <see cref="ConnAckPacket.Write"/>. A property at the value its absence means (the spec's default: Receive
    /// Maximum 65535, Maximum QoS 2, the "available" flags true, Topic Alias Maximum 0, no Maximum Packet Size) is
    /// omitted, as are the Session Expiry Interval and Server Keep Alive at -1 (the client's own stand) and the
    /// strings and binary data without a buffer; those are copied from the buffer given for each. One instance is
    /// reused; <see cref="Clear"/> between packets.
    /// </summary>
    public sealed class ConnAckProperties
    {
        public long SessionExpiryInterval;
        public int ReceiveMaximum;
        public int MaximumQos;
        public bool RetainAvailable;
        public long MaximumPacketSize;
        public byte[] AssignedClientIdentifier;
        public int AssignedClientIdentifierStart, AssignedClientIdentifierLength;
        public int TopicAliasMaximum;
        public byte[] ReasonString;
        public int ReasonStringStart, ReasonStringLength;
        public bool WildcardSubscriptionAvailable;
        public bool SubscriptionIdentifiersAvailable;
        public bool SharedSubscriptionAvailable;
        public int ServerKeepAlive;
        public byte[] ResponseInformation;
        public int ResponseInformationStart, ResponseInformationLength;
        public byte[] ServerReference;
        public int ServerReferenceStart, ServerReferenceLength;
        public byte[] AuthenticationMethod;
        public int AuthenticationMethodStart, AuthenticationMethodLength;
        public byte[] AuthenticationData;
        public int AuthenticationDataStart, AuthenticationDataLength;

        /// <summary>Sets every property to what its absence means: none is written.</summary>
        public void Clear()
        {
            SessionExpiryInterval = -1;
            ServerKeepAlive = -1;
            ReceiveMaximum = 65535;
            MaximumQos = 2;
            MaximumPacketSize = 0;
            TopicAliasMaximum = 0;
            RetainAvailable = WildcardSubscriptionAvailable = SubscriptionIdentifiersAvailable = SharedSubscriptionAvailable = true;
            AssignedClientIdentifier = ReasonString = ResponseInformation = ServerReference = AuthenticationMethod = AuthenticationData = null;
        }

        /// <summary>The length of the properties written, without the block's length prefix.</summary>
        public int Length
        {
            get
            {
                int n = 0;
                n += SessionExpiryInterval >= 0 ? Properties.SizeOfUInt32 : 0;
                n += ReceiveMaximum != 65535 ? Properties.SizeOfUInt16 : 0;
                n += MaximumQos != 2 ? Properties.SizeOfByte : 0;
                n += !RetainAvailable ? Properties.SizeOfByte : 0;
                n += MaximumPacketSize != 0 ? Properties.SizeOfUInt32 : 0;
                n += AssignedClientIdentifier != null ? Properties.SizeOfField(AssignedClientIdentifierLength) : 0;
                n += TopicAliasMaximum != 0 ? Properties.SizeOfUInt16 : 0;
                n += ReasonString != null ? Properties.SizeOfField(ReasonStringLength) : 0;
                n += !WildcardSubscriptionAvailable ? Properties.SizeOfByte : 0;
                n += !SubscriptionIdentifiersAvailable ? Properties.SizeOfByte : 0;
                n += !SharedSubscriptionAvailable ? Properties.SizeOfByte : 0;
                n += ServerKeepAlive >= 0 ? Properties.SizeOfUInt16 : 0;
                n += ResponseInformation != null ? Properties.SizeOfField(ResponseInformationLength) : 0;
                n += ServerReference != null ? Properties.SizeOfField(ServerReferenceLength) : 0;
                n += AuthenticationMethod != null ? Properties.SizeOfField(AuthenticationMethodLength) : 0;
                n += AuthenticationData != null ? Properties.SizeOfField(AuthenticationDataLength) : 0;
                return n;
            }
        }

        /// <summary>Writes the properties that are not omitted (<see cref="Length"/> bytes, no prefix) in identifier order; returns the position after them.</summary>
        public int Write(byte[] b, int at)
        {
            if (SessionExpiryInterval >= 0) at = Properties.WriteUInt32(b, at, PropertyId.SessionExpiryInterval, SessionExpiryInterval);
            if (AssignedClientIdentifier != null) at = Properties.WriteField(b, at, PropertyId.AssignedClientIdentifier, AssignedClientIdentifier, AssignedClientIdentifierStart, AssignedClientIdentifierLength);
            if (ServerKeepAlive >= 0) at = Properties.WriteUInt16(b, at, PropertyId.ServerKeepAlive, ServerKeepAlive);
            if (AuthenticationMethod != null) at = Properties.WriteField(b, at, PropertyId.AuthenticationMethod, AuthenticationMethod, AuthenticationMethodStart, AuthenticationMethodLength);
            if (AuthenticationData != null) at = Properties.WriteField(b, at, PropertyId.AuthenticationData, AuthenticationData, AuthenticationDataStart, AuthenticationDataLength);
            if (ResponseInformation != null) at = Properties.WriteField(b, at, PropertyId.ResponseInformation, ResponseInformation, ResponseInformationStart, ResponseInformationLength);
            if (ServerReference != null) at = Properties.WriteField(b, at, PropertyId.ServerReference, ServerReference, ServerReferenceStart, ServerReferenceLength);
            if (ReasonString != null) at = Properties.WriteField(b, at, PropertyId.ReasonString, ReasonString, ReasonStringStart, ReasonStringLength);
            if (ReceiveMaximum != 65535) at = Properties.WriteUInt16(b, at, PropertyId.ReceiveMaximum, ReceiveMaximum);
            if (TopicAliasMaximum != 0) at = Properties.WriteUInt16(b, at, PropertyId.TopicAliasMaximum, TopicAliasMaximum);
            if (MaximumQos != 2) at = Properties.WriteByte(b, at, PropertyId.MaximumQos, MaximumQos);
            if (!RetainAvailable) at = Properties.WriteByte(b, at, PropertyId.RetainAvailable, 0);
            if (MaximumPacketSize != 0) at = Properties.WriteUInt32(b, at, PropertyId.MaximumPacketSize, MaximumPacketSize);
            if (!WildcardSubscriptionAvailable) at = Properties.WriteByte(b, at, PropertyId.WildcardSubscriptionAvailable, 0);
            if (!SubscriptionIdentifiersAvailable) at = Properties.WriteByte(b, at, PropertyId.SubscriptionIdentifierAvailable, 0);
            if (!SharedSubscriptionAvailable) at = Properties.WriteByte(b, at, PropertyId.SharedSubscriptionAvailable, 0);
            return at;
        }
    }
}
