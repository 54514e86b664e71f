using NanoBroker.Protocol;

namespace NanoBroker.Tests.Engine.Harness
{
    /// <summary>One packet the broker wrote, parsed.</summary>
    public sealed class Packet
    {
        /// <summary>The whole packet as written.</summary>
        public byte[] Raw;
        public int Type;
        public int Flags;
        public int RemainingLength;

        // PUBLISH
        public byte[] Topic;
        public byte[] Payload;

        // PUBLISH with QoS 1/2, PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK, UNSUBACK
        public int PacketId;

        // CONNACK
        public bool SessionPresent;
        public int ReturnCode = -1;

        // SUBACK
        public byte[] ReturnCodes;

        public int Qos { get { return (Flags >> 1) & 0x03; } }

        public bool Retain { get { return (Flags & 0x01) != 0; } }

        public bool Dup { get { return (Flags & 0x08) != 0; } }

        public string TopicText { get { return Topic == null ? null : Utf8.GetString(Topic, 0, Topic.Length); } }

        public string PayloadText { get { return Payload == null ? null : Utf8.GetString(Payload, 0, Payload.Length); } }

        /// <summary>Parses the whole packet in <paramref name="bytes"/>[<paramref name="offset"/>, +<paramref name="size"/>).</summary>
        public static Packet Parse(byte[] bytes, int offset, int size)
        {
            Packet p = new Packet();
            p.Raw = new byte[size];
            System.Array.Copy(bytes, offset, p.Raw, 0, size);
            byte[] b = p.Raw;
            p.Type = b[0] >> 4;
            p.Flags = b[0] & 0x0F;
            int lengthBytes;
            p.RemainingLength = NanoBroker.Protocol.RemainingLength.Decode(b, 1, size - 1, out lengthBytes);
            int at = 1 + lengthBytes;
            int end = size;
            switch (p.Type)
            {
                case PacketType.ConnAck:
                    p.SessionPresent = (b[at] & 0x01) != 0;
                    p.ReturnCode = b[at + 1];
                    break;
                case PacketType.Publish:
                    int topicLength = (b[at] << 8) | b[at + 1];
                    at += 2;
                    p.Topic = Slice(b, at, topicLength);
                    at += topicLength;
                    if (p.Qos > 0)
                    {
                        p.PacketId = (b[at] << 8) | b[at + 1];
                        at += 2;
                    }
                    p.Payload = Slice(b, at, end - at);
                    break;
                case PacketType.PubAck:
                case PacketType.PubRec:
                case PacketType.PubRel:
                case PacketType.PubComp:
                case PacketType.UnsubAck:
                    p.PacketId = (b[at] << 8) | b[at + 1];
                    break;
                case PacketType.SubAck:
                    p.PacketId = (b[at] << 8) | b[at + 1];
                    p.ReturnCodes = Slice(b, at + 2, end - at - 2);
                    break;
            }
            return p;
        }

        /// <summary>Total size of the packet at <paramref name="offset"/>, or -1 when fewer bytes are there.</summary>
        public static int SizeAt(byte[] bytes, int offset, int available)
        {
            if (available < 2)
            {
                return -1;
            }
            int lengthBytes;
            int remaining = NanoBroker.Protocol.RemainingLength.Decode(bytes, offset + 1, available - 1, out lengthBytes);
            if (remaining < 0)
            {
                return -1;
            }
            int size = 1 + lengthBytes + remaining;
            return size <= available ? size : -1;
        }

        private static byte[] Slice(byte[] b, int offset, int count)
        {
            byte[] r = new byte[count];
            System.Array.Copy(b, offset, r, 0, count);
            return r;
        }
    }
}
