namespace NanoBroker.Tests.Engine.Harness
{
    /// <summary>
    /// The MQTT 5.0 property identifiers (section 2.2.2.2, table 2-4), copied here from the specification rather
    /// than taken from the engine, and the form each value has on the wire.
    /// </summary>
    public static class V5Property
    {
        public const int PayloadFormatIndicator = 0x01;
        public const int MessageExpiryInterval = 0x02;
        public const int ContentType = 0x03;
        public const int ResponseTopic = 0x08;
        public const int CorrelationData = 0x09;
        public const int SubscriptionIdentifier = 0x0B;
        public const int SessionExpiryInterval = 0x11;
        public const int AssignedClientIdentifier = 0x12;
        public const int ServerKeepAlive = 0x13;
        public const int AuthenticationMethod = 0x15;
        public const int AuthenticationData = 0x16;
        public const int RequestProblemInformation = 0x17;
        public const int WillDelayInterval = 0x18;
        public const int RequestResponseInformation = 0x19;
        public const int ResponseInformation = 0x1A;
        public const int ServerReference = 0x1C;
        public const int ReasonString = 0x1F;
        public const int ReceiveMaximum = 0x21;
        public const int TopicAliasMaximum = 0x22;
        public const int TopicAlias = 0x23;
        public const int MaximumQoS = 0x24;
        public const int RetainAvailable = 0x25;
        public const int UserProperty = 0x26;
        public const int MaximumPacketSize = 0x27;
        public const int WildcardSubscriptionAvailable = 0x28;
        public const int SubscriptionIdentifierAvailable = 0x29;
        public const int SharedSubscriptionAvailable = 0x2A;

        // The wire forms (section 1.5).
        public const int FormByte = 1;
        public const int FormTwoBytes = 2;
        public const int FormFourBytes = 4;
        public const int FormVarInt = 5;
        public const int FormText = 6;
        public const int FormBinary = 7;
        public const int FormTextPair = 8;

        /// <summary>The wire form of the value of property <paramref name="id"/>, or 0 for an identifier 5.0 does not define.</summary>
        public static int FormOf(int id)
        {
            switch (id)
            {
                case PayloadFormatIndicator:
                case RequestProblemInformation:
                case RequestResponseInformation:
                case MaximumQoS:
                case RetainAvailable:
                case WildcardSubscriptionAvailable:
                case SubscriptionIdentifierAvailable:
                case SharedSubscriptionAvailable:
                    return FormByte;
                case ServerKeepAlive:
                case ReceiveMaximum:
                case TopicAliasMaximum:
                case TopicAlias:
                    return FormTwoBytes;
                case MessageExpiryInterval:
                case SessionExpiryInterval:
                case WillDelayInterval:
                case MaximumPacketSize:
                    return FormFourBytes;
                case SubscriptionIdentifier:
                    return FormVarInt;
                case ContentType:
                case ResponseTopic:
                case AssignedClientIdentifier:
                case AuthenticationMethod:
                case ResponseInformation:
                case ServerReference:
                case ReasonString:
                    return FormText;
                case CorrelationData:
                case AuthenticationData:
                    return FormBinary;
                case UserProperty:
                    return FormTextPair;
                default:
                    return 0;
            }
        }
    }
}
