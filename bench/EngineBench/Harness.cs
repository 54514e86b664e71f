using System;
using LoadGenerator;
using NanoBroker;
using NanoBroker.Sessions;

namespace EngineBench
{
    /// <summary>Drives the sans-IO engine directly: bytes in through ReceiveBuffer/Received, bytes out through Outbox/Sent.</summary>
    public sealed class Harness
    {
        public readonly Broker Broker;
        public long Now = 1;

        public Harness(BrokerOptions options)
        {
            Broker = new Broker(options, Now, null);
        }

        public Connection Connect(string clientId)
        {
            Connection c = Broker.Open(Now);
            if (c == null) throw new InvalidOperationException("no free connection slot");
            Feed(c, Wire.ConnectPacket(clientId, 0));
            if (c.Outbox.Sendable != 4 || c.Outbox.Buffer[c.Outbox.Start + 3] != 0) throw new InvalidOperationException("CONNECT refused");
            Drain(c);
            return c;
        }

        /// <summary>
        /// The desktop defaults with room for 20,000 subscriptions and retained messages: the benchmarks with
        /// 10,000 of either hold a few of their own besides (the desktop default is 10,000 of each; its topic tree
        /// holds 65,536 levels, and these take about two per filter or topic).
        /// </summary>
        public static BrokerOptions Large()
        {
            BrokerOptions o = BrokerOptions.Desktop();
            o.MaxSubscriptions = 20000;
            o.MaxRetainedMessages = 20000;
            return o;
        }

        public void Subscribe(Connection c, string filter, int qos)
        {
            Feed(c, Wire.SubscribePacket(1, new[] { filter }, qos));
            if (c.Outbox.Sendable != 5 || c.Outbox.Buffer[c.Outbox.Start + 4] != qos) throw new InvalidOperationException("SUBSCRIBE of " + filter + " refused");
            Drain(c);
        }

        /// <summary>
        /// Subscribes <paramref name="count"/> distinct QoS 0 filters of <see cref="MixedFilters"/>, dealt out to the
        /// sessions in turn. The literal and '+' ones end in state or alarmJ and the '#' ones sit under logJ, so
        /// site/c0/dev0/temperature matches none.
        /// </summary>
        public void SubscribeMixed(Connection[] sessions, int count)
        {
            for (int k = 0; k < count; k++)
            {
                Subscribe(sessions[k % sessions.Length], MixedFilters.Filter("site", 100, k), 0);
            }
        }

        /// <summary>Writes a whole packet (or several) into the connection and lets the engine handle it.</summary>
        public void Feed(Connection c, byte[] bytes)
        {
            Feed(c, bytes, bytes.Length);
        }

        public void Feed(Connection c, byte[] bytes, int count)
        {
            Buffer.BlockCopy(bytes, 0, c.ReceiveBuffer, c.ReceiveOffset, count);
            Broker.Received(c, count, Now);
        }

        /// <summary>Takes everything sendable out of the outbox; returns the byte count.</summary>
        public int Drain(Connection c)
        {
            int total = 0;
            while (c.Outbox.Sendable > 0)
            {
                int n = c.Outbox.Sendable;
                total += n;
                Broker.Sent(c, n, Now);
            }
            return total;
        }

        /// <summary>The packet identifier of the PUBLISH at the head of the outbox (QoS 1/2).</summary>
        public static int HeadPacketId(Connection c)
        {
            byte[] b = c.Outbox.Buffer;
            int at = c.Outbox.Start;
            int used;
            Wire.ReadLength(b, at + 1, at + c.Outbox.Count, out used);
            int p = at + 1 + used;
            int topicLength = (b[p] << 8) | b[p + 1];
            p += 2 + topicLength;
            return (b[p] << 8) | b[p + 1];
        }

        public static byte[] Publish(string topic, int qos, int packetId, int payload, bool retain)
        {
            byte[] t = System.Text.Encoding.UTF8.GetBytes(topic);
            byte[] b = new byte[Wire.PublishSize(t.Length, qos, payload)];
            Wire.WritePublish(b, 0, t, qos, packetId, payload, 0, 0, 0);
            if (retain) b[0] |= 1;
            return b;
        }

        /// <summary>Connects a 5.0 client (clean start, no session expiry); throws unless the CONNACK's reason code is 0.</summary>
        public Connection Connect5(string clientId)
        {
            Connection c = Broker.Open(Now);
            if (c == null) throw new InvalidOperationException("no free connection slot");
            Feed(c, Wire5.ConnectPacket(clientId, 0, true, 0));
            byte[] b = c.Outbox.Buffer;
            int at = c.Outbox.Start;
            int used;
            Wire.ReadLength(b, at + 1, at + c.Outbox.Sendable, out used);
            if (b[at] != Wire.ConnAck << 4 || b[at + 1 + used + 1] != 0) throw new InvalidOperationException("5.0 CONNECT refused");
            Drain(c);
            return c;
        }

        /// <summary>SUBSCRIBE of one filter at 5.0; throws unless the SUBACK's one reason code (its last byte) grants <paramref name="qos"/>.</summary>
        public void Subscribe5(Connection c, string filter, int qos)
        {
            Feed(c, Wire5.SubscribePacket(1, new[] { filter }, qos));
            if (c.Outbox.Sendable < 5 || c.Outbox.Buffer[c.Outbox.Start + c.Outbox.Sendable - 1] != qos) throw new InvalidOperationException("SUBSCRIBE of " + filter + " refused");
            Drain(c);
        }

        /// <summary>
        /// A 5.0 PUBLISH of 64 B with <paramref name="extras"/>. With an alias: alias 1, and the topic only when
        /// <paramref name="setsAlias"/> (the first PUBLISH, which sets it); an empty topic otherwise.
        /// </summary>
        public static byte[] PublishMqtt5(string topic, int qos, int packetId, PublishExtras extras, bool setsAlias)
        {
            byte[] t = System.Text.Encoding.UTF8.GetBytes(topic);
            byte[] properties = extras == PublishExtras.Properties ? ForwardedProperties.Block : ForwardedProperties.Empty;
            if (extras == PublishExtras.Alias)
            {
                properties = Wire5.AliasProperty(1);
                if (!setsAlias) t = new byte[0];
            }
            byte[] b = new byte[Wire5.PublishSize(t.Length, qos, properties.Length, 64)];
            Wire5.WritePublish(b, 0, t, qos, packetId, properties, 64, 0, 0, 0);
            return b;
        }

        /// <summary>Bytes of the PUBLISH a 5.0 subscriber gets: the whole topic, no alias, and the forwarded properties (the expiry not yet counted down).</summary>
        public static int ForwardedSize(string topic, int qos, PublishExtras extras)
        {
            int properties = extras == PublishExtras.Properties ? ForwardedProperties.Block.Length : 0;
            return Wire5.PublishSize(System.Text.Encoding.UTF8.GetByteCount(topic), qos, properties, 64);
        }

        public static byte[] Ack(int type, int packetId)
        {
            byte[] b = new byte[4];
            Wire.WriteAck(b, 0, type, packetId);
            return b;
        }
    }
}
