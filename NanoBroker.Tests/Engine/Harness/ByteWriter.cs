namespace NanoBroker.Tests.Engine.Harness
{
    /// <summary>A growing byte buffer for building packets (no generics, so it runs on nanoFramework too).</summary>
    public sealed class ByteWriter
    {
        private byte[] data = new byte[64];
        private int count;

        public int Count { get { return count; } }

        public ByteWriter Byte(int value)
        {
            Ensure(1);
            data[count++] = (byte)value;
            return this;
        }

        public ByteWriter UInt16(int value)
        {
            Byte(value >> 8);
            return Byte(value);
        }

        public ByteWriter Bytes(byte[] bytes)
        {
            if (bytes == null)
            {
                return this;
            }
            Ensure(bytes.Length);
            System.Array.Copy(bytes, 0, data, count, bytes.Length);
            count += bytes.Length;
            return this;
        }

        /// <summary>A two-byte length then the bytes (MQTT 3.1.1 section 1.5.3).</summary>
        public ByteWriter Field(byte[] bytes)
        {
            UInt16(bytes.Length);
            return Bytes(bytes);
        }

        public ByteWriter Field(string text)
        {
            return Field(NanoBroker.Protocol.Utf8.GetBytes(text));
        }

        public byte[] ToArray()
        {
            byte[] result = new byte[count];
            System.Array.Copy(data, 0, result, 0, count);
            return result;
        }

        /// <summary>This writer's bytes as a packet body behind a fixed header of <paramref name="firstByte"/>.</summary>
        public byte[] ToPacket(int firstByte)
        {
            byte[] length = new byte[4];
            int lengthBytes = NanoBroker.Protocol.RemainingLength.Encode(count, length, 0);
            byte[] packet = new byte[1 + lengthBytes + count];
            packet[0] = (byte)firstByte;
            System.Array.Copy(length, 0, packet, 1, lengthBytes);
            System.Array.Copy(data, 0, packet, 1 + lengthBytes, count);
            return packet;
        }

        private void Ensure(int more)
        {
            if (count + more <= data.Length)
            {
                return;
            }
            int size = data.Length * 2;
            while (size < count + more)
            {
                size *= 2;
            }
            byte[] bigger = new byte[size];
            System.Array.Copy(data, 0, bigger, 0, count);
            data = bigger;
        }
    }
}
