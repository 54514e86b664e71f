namespace NanoBroker.Protocol
{
    /// <summary>The protocol levels a CONNECT names (3.1 "MQIsdp", 3.1.1 and 5.0 "MQTT").</summary>
    public static class ProtocolVersion
    {
        /// <summary>MQTT 3.1, protocol name "MQIsdp".</summary>
        public const byte Mqtt31 = 3;

        /// <summary>MQTT 3.1.1, protocol name "MQTT".</summary>
        public const byte Mqtt311 = 4;

        /// <summary>MQTT 5.0, protocol name "MQTT".</summary>
        public const byte Mqtt5 = 5;
    }
}
