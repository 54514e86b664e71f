using System;
using System.Net.Sockets;

namespace LoadGenerator
{
    /// <summary>
    /// The MQTT version every client of a run speaks (--mqtt 3.1.1 or 5): the one place that picks
    /// <see cref="Wire"/>'s 3.1.1 packets or <see cref="Wire5"/>'s 5.0 ones for the handshake and subscriptions.
    /// </summary>
    public sealed class Protocol
    {
        public static readonly Protocol Mqtt311 = new Protocol(4);
        public static readonly Protocol Mqtt5 = new Protocol(Wire5.Level);

        /// <summary>Seconds a persistent 5.0 session outlives its connection (3.1.1's clean session 0 keeps it for ever).</summary>
        public const int SessionExpirySeconds = 3600;

        /// <summary>The CONNECT's protocol level: 4 (3.1.1) or 5.</summary>
        public readonly int Level;

        private Protocol(int level)
        {
            Level = level;
        }

        public bool IsMqtt5 { get { return Level == Wire5.Level; } }

        public string Name { get { return IsMqtt5 ? "MQTT 5.0" : "MQTT 3.1.1"; } }

        public static Protocol Parse(string version)
        {
            if (version == "3.1.1" || version == "4") return Mqtt311;
            if (version == "5" || version == "5.0") return Mqtt5;
            throw new ArgumentException("--mqtt takes 3.1.1 or 5, not " + version);
        }

        /// <summary>CONNECT with clean session (3.1.1) or clean start and no session expiry (5.0) unless <paramref name="persistent"/>.</summary>
        public byte[] ConnectPacket(string clientId, int keepAliveSeconds, bool persistent)
        {
            if (!IsMqtt5) return Wire.ConnectPacket(clientId, keepAliveSeconds, !persistent);
            return Wire5.ConnectPacket(clientId, keepAliveSeconds, !persistent, persistent ? SessionExpirySeconds : 0);
        }

        /// <summary>Sends a clean CONNECT; the CONNACK (at 3.1.1 its return code alone), or null when the broker closed the connection.</summary>
        public ConnAck Handshake(Socket s, string clientId)
        {
            if (!IsMqtt5)
            {
                int rc = Wire.Handshake(s, clientId);
                return rc < 0 ? null : new ConnAck { Code = rc };
            }
            return Wire5.Handshake(s, Wire5.ConnectPacket(clientId, 120, true, 0));
        }

        public byte[] SubscribePacket(int packetId, string[] filters, int qos)
        {
            return IsMqtt5 ? Wire5.SubscribePacket(packetId, filters, qos) : Wire.SubscribePacket(packetId, filters, qos);
        }

        public void SubscribeAndWait(Socket s, string[] filters, int qos)
        {
            if (IsMqtt5) Wire5.SubscribeAndWait(s, filters, qos);
            else Wire.SubscribeAndWait(s, filters, qos);
        }

        /// <summary>Size of a PUBLISH; at 5.0 with a property block of <paramref name="propertyBytes"/>.</summary>
        public int PublishSize(int topicBytes, int qos, int propertyBytes, int payload)
        {
            return IsMqtt5 ? Wire5.PublishSize(topicBytes, qos, propertyBytes, payload) : Wire.PublishSize(topicBytes, qos, payload);
        }

        /// <summary>Writes a PUBLISH (at 5.0 with <paramref name="properties"/>, an encoded block); returns its size.</summary>
        public int WritePublish(byte[] b, int at, byte[] topic, int qos, int packetId, byte[] properties, int payload, int publisher, int seq, long timestamp)
        {
            if (IsMqtt5) return Wire5.WritePublish(b, at, topic, qos, packetId, properties, payload, publisher, seq, timestamp);
            return Wire.WritePublish(b, at, topic, qos, packetId, payload, publisher, seq, timestamp);
        }

        /// <summary>A refusal in words: 3.1.1's return code 1 is also what a 3.1.1-only broker answers a 5.0 CONNECT.</summary>
        public static string Refusal(ConnAck a)
        {
            if (a == null) return "closed without CONNACK";
            return "CONNACK " + a.Code + (a.Code == 1 ? " (unacceptable protocol version)" : a.Code == 0x84 ? " (unsupported protocol version)" : "");
        }
    }
}
