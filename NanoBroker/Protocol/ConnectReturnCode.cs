namespace NanoBroker.Protocol
{
    /// <summary>CONNACK return codes of MQTT 3.1.1 (section 3.2.2.3).</summary>
    public static class ConnectReturnCode
    {
        public const byte Accepted = 0;
        public const byte UnacceptableProtocolVersion = 1;
        public const byte IdentifierRejected = 2;
        public const byte ServerUnavailable = 3;
        public const byte BadUserNameOrPassword = 4;
        public const byte NotAuthorized = 5;
    }
}
