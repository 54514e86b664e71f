using NanoBroker.Sessions;

namespace NanoBroker.MqttSn
{
    /// <summary>
    /// One MQTT-SN client slot of the gateway, preallocated: its address, id, timers, topic ids, and one buffer that
    /// holds the will topic during the will handshake and, once connected, the one message sent and not yet
    /// acknowledged (REGISTER, PUBLISH QoS 1/2 or PUBREL), resent every Tretry up to Nretry times (section 6.13), and
    /// one that holds a copy of the will for WILLTOPICUPD and WILLMSGUPD.
    /// </summary>
    public sealed class SnClient
    {
        public SnClientState State;

        /// <summary>Where its datagrams come from and go (<see cref="SnAddress"/>).</summary>
        public long Address;

        /// <summary>The client id (section 5.3.1).</summary>
        public readonly byte[] ClientId = new byte[MaxClientIdBytes];
        public int ClientIdLength;

        /// <summary>
        /// The longest client id accepted: section 5.3.1 says 1..23 characters, but as MQTT servers may accept longer ones
        /// [MQTT-3.1.3-5], so does the gateway, up to this (the engine's max_client_id_bytes applies too): Paho's samples
        /// use 33-character ids (qos0pub_register).
        /// </summary>
        public const int MaxClientIdBytes = 64;

        public bool CleanSession;

        /// <summary>Keep-alive (CONNECT's Duration) or, asleep, the sleep duration, in ms; 0: none.</summary>
        public long KeepAliveMs;
        public long SleepMs;
        public long LastHeardMs;

        /// <summary>The engine connection the client speaks through, or null before CONNECT reaches the engine.</summary>
        public Connection Connection;

        public readonly TopicRegistry Topics;

        /// <summary>Will topic during the handshake; afterwards the message awaiting acknowledgement.</summary>
        public readonly byte[] Buffer;
        public int BufferLength;
        public int WillQos;
        public bool WillRetain;

        /// <summary>The will's topic then its message, kept for WILLTOPICUPD/WILLMSGUPD (mqttsn_datagram_bytes for both).</summary>
        public readonly byte[] Will;
        public int WillTopicLength;
        public int WillMessageLength;

        /// <summary>Whether <see cref="Will"/> holds the will (false when CONNECT's did not fit: updates are then refused).</summary>
        public bool WillKept;

        /// <summary>The message type whose arrival acknowledges <see cref="Buffer"/> (REGACK, PUBACK, PUBREC, PUBCOMP), or 0: nothing awaited.</summary>
        public byte Awaiting;
        public int AwaitingMsgId;
        public int Retries;
        public long NextRetryMs;

        /// <summary>The topic id a REGISTER in flight registers.</summary>
        public int RegisteringId;

        /// <summary>The gateway's next REGISTER MsgId.</summary>
        public int NextMsgId;

        /// <summary>SUBSCRIBE awaiting its SUBACK from the engine: its MsgId and the topic id SUBACK returns.</summary>
        public int SubscribeMsgId;
        public int SubscribeTopicId;

        /// <summary>The client's last PUBLISH QoS 1/2: its MsgId and topic id, echoed in PUBACK.</summary>
        public int PublishMsgId;
        public int PublishTopicId;

        /// <summary>The client's PUBLISH whose PUBACK or PUBREC went ahead of messages the engine wrote before it (-1: none).</summary>
        public int EarlyAckId;

        /// <summary>A QoS 2 message to the client the gateway dropped (no topic id left): the engine's PUBREL for it is answered at once.</summary>
        public int DroppedQos2Id;

        /// <summary>When the gateway last wrote a packet into the engine for it (see MqttSnGateway's engine keep-alive).</summary>
        public long LastToEngineMs;

        public SnClient(MqttSnOptions options)
        {
            Topics = new TopicRegistry(options.TopicIdsPerClient, options.TopicBytesPerClient);
            Buffer = new byte[options.DatagramBytes];
            Will = new byte[options.DatagramBytes];
        }

        /// <summary>Whether the client has a session in the engine that messages flow through.</summary>
        public bool Connected { get { return State == SnClientState.Active || State == SnClientState.Asleep || State == SnClientState.Awake; } }

        internal void Reset(long address, long nowMs)
        {
            State = SnClientState.Free;
            Address = address;
            ClientIdLength = 0;
            Connection = null;
            Topics.Clear();
            BufferLength = 0;
            Awaiting = 0;
            Retries = 0;
            SleepMs = 0;
            LastHeardMs = nowMs;
            LastToEngineMs = nowMs;
            SubscribeMsgId = -1;
            PublishMsgId = -1;
            EarlyAckId = -1;
            DroppedQos2Id = -1;
            NextMsgId = 1;
        }
    }
}
