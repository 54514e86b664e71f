namespace NanoBroker.Sessions
{
    /// <summary>Where an outbound QoS 1/2 message stands in its acknowledgement flow.</summary>
    internal static class InflightState
    {
        /// <summary>PUBLISH sent; waiting for PUBACK (QoS 1) or PUBREC (QoS 2).</summary>
        public const byte AwaitingAck = 1;

        /// <summary>PUBREC received; PUBREL not yet written.</summary>
        public const byte ReleasePending = 2;

        /// <summary>PUBREL sent; waiting for PUBCOMP.</summary>
        public const byte AwaitingComplete = 3;

        /// <summary>PUBLISH sent before a reconnect; to be re-sent with DUP set [MQTT-3.3.1-1, MQTT-4.4.0-1].</summary>
        public const byte RepublishPending = 4;
    }
}
