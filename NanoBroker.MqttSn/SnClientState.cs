namespace NanoBroker.MqttSn
{
    /// <summary>Where an MQTT-SN client stands with the gateway (MQTT-SN v1.2 sections 6.2 and 6.14, figure 4).</summary>
    public enum SnClientState
    {
        /// <summary>The slot is unused.</summary>
        Free = 0,

        /// <summary>CONNECT asked for a will: WILLTOPICREQ sent, waiting for WILLTOPIC (section 6.2).</summary>
        AwaitingWillTopic = 1,

        /// <summary>WILLMSGREQ sent, waiting for WILLMSG.</summary>
        AwaitingWillMessage = 2,

        /// <summary>The engine has the CONNECT; CONNACK follows from it.</summary>
        Connecting = 3,

        /// <summary>Connected (section 6.14: active): messages flow both ways; keep-alive watched.</summary>
        Active = 4,

        /// <summary>DISCONNECT with a duration: messages for it are held until it wakes; lost past the duration.</summary>
        Asleep = 5,

        /// <summary>Woken by PINGREQ with its client id: the held messages are sent, then PINGRESP puts it back to sleep.</summary>
        Awake = 6,
    }
}
