namespace NanoBroker.Protocol
{
    /// <summary>
    /// The properties a server puts in a 5.0 CONNACK (section 3.2.2.3), set by the engine before
    /// <see cref="ConnAckPacket.Write"/>: only those set are written. Strings and binary data are copied from
    /// the buffer given for each (null: absent). One instance is reused; <see cref="Clear"/> between packets.
    /// </summary>
    public sealed class ConnAckProperties
    {
        public bool HasSessionExpiryInterval;
        public long SessionExpiryInterval;
        public bool HasReceiveMaximum;
        public int ReceiveMaximum;
        public bool HasMaximumQos;
        public int MaximumQos;
        public bool HasRetainAvailable;
        public bool RetainAvailable;
        public bool HasMaximumPacketSize;
        public long MaximumPacketSize;
        public byte[] AssignedClientIdentifier;
        public int AssignedClientIdentifierStart, AssignedClientIdentifierLength;
        public bool HasTopicAliasMaximum;
        public int TopicAliasMaximum;
        public byte[] ReasonString;
        public int ReasonStringStart, ReasonStringLength;
        public bool HasWildcardSubscriptionAvailable;
        public bool WildcardSubscriptionAvailable;
        public bool HasSubscriptionIdentifiersAvailable;
        public bool SubscriptionIdentifiersAvailable;
        public bool HasSharedSubscriptionAvailable;
        public bool SharedSubscriptionAvailable;
        public bool HasServerKeepAlive;
        public int ServerKeepAlive;
        public byte[] ResponseInformation;
        public int ResponseInformationStart, ResponseInformationLength;
        public byte[] ServerReference;
        public int ServerReferenceStart, ServerReferenceLength;
        public byte[] AuthenticationMethod;
        public int AuthenticationMethodStart, AuthenticationMethodLength;
        public byte[] AuthenticationData;
        public int AuthenticationDataStart, AuthenticationDataLength;

        /// <summary>Sets every property absent.</summary>
        public void Clear()
        {
            HasSessionExpiryInterval = HasReceiveMaximum = HasMaximumQos = HasRetainAvailable = HasMaximumPacketSize = false;
            HasTopicAliasMaximum = HasWildcardSubscriptionAvailable = HasSubscriptionIdentifiersAvailable = false;
            HasSharedSubscriptionAvailable = HasServerKeepAlive = false;
            AssignedClientIdentifier = ReasonString = ResponseInformation = ServerReference = AuthenticationMethod = AuthenticationData = null;
        }

        /// <summary>The length of the properties set, without the block's length prefix.</summary>
        public int Length
        {
            get
            {
                int n = 0;
                n += HasSessionExpiryInterval ? Properties.SizeOfUInt32 : 0;
                n += HasReceiveMaximum ? Properties.SizeOfUInt16 : 0;
                n += HasMaximumQos ? Properties.SizeOfByte : 0;
                n += HasRetainAvailable ? Properties.SizeOfByte : 0;
                n += HasMaximumPacketSize ? Properties.SizeOfUInt32 : 0;
                n += AssignedClientIdentifier != null ? Properties.SizeOfField(AssignedClientIdentifierLength) : 0;
                n += HasTopicAliasMaximum ? Properties.SizeOfUInt16 : 0;
                n += ReasonString != null ? Properties.SizeOfField(ReasonStringLength) : 0;
                n += HasWildcardSubscriptionAvailable ? Properties.SizeOfByte : 0;
                n += HasSubscriptionIdentifiersAvailable ? Properties.SizeOfByte : 0;
                n += HasSharedSubscriptionAvailable ? Properties.SizeOfByte : 0;
                n += HasServerKeepAlive ? Properties.SizeOfUInt16 : 0;
                n += ResponseInformation != null ? Properties.SizeOfField(ResponseInformationLength) : 0;
                n += ServerReference != null ? Properties.SizeOfField(ServerReferenceLength) : 0;
                n += AuthenticationMethod != null ? Properties.SizeOfField(AuthenticationMethodLength) : 0;
                n += AuthenticationData != null ? Properties.SizeOfField(AuthenticationDataLength) : 0;
                return n;
            }
        }

        /// <summary>Writes the properties set (<see cref="Length"/> bytes, no prefix) in identifier order; returns the position after them.</summary>
        public int Write(byte[] b, int at)
        {
            if (HasSessionExpiryInterval) at = Properties.WriteUInt32(b, at, PropertyId.SessionExpiryInterval, SessionExpiryInterval);
            if (AssignedClientIdentifier != null) at = Properties.WriteField(b, at, PropertyId.AssignedClientIdentifier, AssignedClientIdentifier, AssignedClientIdentifierStart, AssignedClientIdentifierLength);
            if (HasServerKeepAlive) at = Properties.WriteUInt16(b, at, PropertyId.ServerKeepAlive, ServerKeepAlive);
            if (AuthenticationMethod != null) at = Properties.WriteField(b, at, PropertyId.AuthenticationMethod, AuthenticationMethod, AuthenticationMethodStart, AuthenticationMethodLength);
            if (AuthenticationData != null) at = Properties.WriteField(b, at, PropertyId.AuthenticationData, AuthenticationData, AuthenticationDataStart, AuthenticationDataLength);
            if (ResponseInformation != null) at = Properties.WriteField(b, at, PropertyId.ResponseInformation, ResponseInformation, ResponseInformationStart, ResponseInformationLength);
            if (ServerReference != null) at = Properties.WriteField(b, at, PropertyId.ServerReference, ServerReference, ServerReferenceStart, ServerReferenceLength);
            if (ReasonString != null) at = Properties.WriteField(b, at, PropertyId.ReasonString, ReasonString, ReasonStringStart, ReasonStringLength);
            if (HasReceiveMaximum) at = Properties.WriteUInt16(b, at, PropertyId.ReceiveMaximum, ReceiveMaximum);
            if (HasTopicAliasMaximum) at = Properties.WriteUInt16(b, at, PropertyId.TopicAliasMaximum, TopicAliasMaximum);
            if (HasMaximumQos) at = Properties.WriteByte(b, at, PropertyId.MaximumQos, MaximumQos);
            if (HasRetainAvailable) at = Properties.WriteByte(b, at, PropertyId.RetainAvailable, RetainAvailable ? 1 : 0);
            if (HasMaximumPacketSize) at = Properties.WriteUInt32(b, at, PropertyId.MaximumPacketSize, MaximumPacketSize);
            if (HasWildcardSubscriptionAvailable) at = Properties.WriteByte(b, at, PropertyId.WildcardSubscriptionAvailable, WildcardSubscriptionAvailable ? 1 : 0);
            if (HasSubscriptionIdentifiersAvailable) at = Properties.WriteByte(b, at, PropertyId.SubscriptionIdentifierAvailable, SubscriptionIdentifiersAvailable ? 1 : 0);
            if (HasSharedSubscriptionAvailable) at = Properties.WriteByte(b, at, PropertyId.SharedSubscriptionAvailable, SharedSubscriptionAvailable ? 1 : 0);
            return at;
        }
    }
}
