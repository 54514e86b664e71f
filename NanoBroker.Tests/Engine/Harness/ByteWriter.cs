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

        /// <summary>A four-byte integer, most significant byte first (MQTT 5.0 section 1.5.3); 0xFFFFFFFF fits.</summary>
        public ByteWriter UInt32(long value)
        {
            Byte((int)(value >> 24));
            Byte((int)(value >> 16));
            return UInt16((int)value);
        }

        /// <summary>
        /// A Variable Byte Integer (MQTT 5.0 section 1.5.5, 3.1.1 section 2.2.3): seven bits a byte, least significant
        /// first, the top bit set on every byte but the last. Written here by hand, not by the engine's encoder.
        /// </summary>
        public ByteWriter VarInt(int value)
        {
            do
            {
                int digit = value & 0x7F;
                value >>= 7;
                Byte(value > 0 ? digit | 0x80 : digit);
            }
            while (value > 0);
            return this;
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
            ByteWriter header = new ByteWriter();
            header.Byte(firstByte).VarInt(count);
            return header.Bytes(ToArray()).ToArray();
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
