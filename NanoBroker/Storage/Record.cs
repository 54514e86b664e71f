using NanoBroker.Protocol;

namespace NanoBroker.Storage
{
    /// <summary>
    /// The record layout (docs/record-format.md): kind, flags, key, the lengths of three fields, the
    /// fields, and a CRC-32 of all of it. Big-endian like MQTT.
    /// </summary>
    public static class Record
    {
        public const int HeaderBytes = 12;
        public const int CrcBytes = 4;
        public const int Overhead = HeaderBytes + CrcBytes;

        /// <summary>More bytes are needed to decide.</summary>
        public const int Incomplete = 0;

        /// <summary>The bytes are not a valid record (bad checksum, unknown kind, impossible length).</summary>
        public const int Corrupt = -1;

        public static int SizeOf(int aLength, int bLength, int cLength)
        {
            return Overhead + aLength + bLength + cLength;
        }

        /// <summary>Writes a record at <paramref name="offset"/>; the caller checked there is room. Returns its size.</summary>
        public static int Encode(byte[] buffer, int offset, int kind, int flags, int key,
            byte[] a, int aStart, int aLength, byte[] b, int bStart, int bLength, byte[] c, int cStart, int cLength)
        {
            buffer[offset] = (byte)kind;
            buffer[offset + 1] = (byte)flags;
            Wire.WriteUInt16(buffer, offset + 2, key);
            Wire.WriteUInt16(buffer, offset + 4, aLength);
            Wire.WriteUInt16(buffer, offset + 6, bLength);
            WriteUInt32(buffer, offset + 8, (uint)cLength);
            int at = offset + HeaderBytes;
            if (aLength > 0) System.Array.Copy(a, aStart, buffer, at, aLength);
            at += aLength;
            if (bLength > 0) System.Array.Copy(b, bStart, buffer, at, bLength);
            at += bLength;
            if (cLength > 0) System.Array.Copy(c, cStart, buffer, at, cLength);
            at += cLength;
            WriteUInt32(buffer, at, Crc32.Compute(buffer, offset, at - offset));
            return at + CrcBytes - offset;
        }

        /// <summary>
        /// Decodes the record at <paramref name="offset"/> from <paramref name="available"/> bytes into
        /// <paramref name="view"/>. Returns its size, <see cref="Incomplete"/> or <see cref="Corrupt"/>.
        /// A record longer than <paramref name="maxSize"/> is corrupt.
        /// </summary>
        public static int Decode(byte[] buffer, int offset, int available, int maxSize, RecordView view)
        {
            if (available < HeaderBytes)
            {
                return Incomplete;
            }
            int kind = buffer[offset];
            long cLength = ReadUInt32(buffer, offset + 8);
            long size = Overhead + ReadUInt16(buffer, offset + 4) + ReadUInt16(buffer, offset + 6) + cLength;
            if (!RecordKind.IsKnown(kind) || size > maxSize)
            {
                return Corrupt;
            }
            if (available < size)
            {
                return Incomplete;
            }
            int body = (int)size - CrcBytes;
            if (ReadUInt32(buffer, offset + body) != Crc32.Compute(buffer, offset, body))
            {
                return Corrupt;
            }
            view.Buffer = buffer;
            view.Kind = kind;
            view.Flags = buffer[offset + 1];
            view.Key = ReadUInt16(buffer, offset + 2);
            view.ALength = ReadUInt16(buffer, offset + 4);
            view.BLength = ReadUInt16(buffer, offset + 6);
            view.CLength = (int)cLength;
            view.AStart = offset + HeaderBytes;
            view.BStart = view.AStart + view.ALength;
            view.CStart = view.BStart + view.BLength;
            return (int)size;
        }

        internal static void WriteUInt32(byte[] b, int at, uint value)
        {
            b[at] = (byte)(value >> 24);
            b[at + 1] = (byte)(value >> 16);
            b[at + 2] = (byte)(value >> 8);
            b[at + 3] = (byte)value;
        }

        internal static int ReadUInt16(byte[] b, int at)
        {
            return (b[at] << 8) | b[at + 1];
        }

        internal static uint ReadUInt32(byte[] b, int at)
        {
            return ((uint)b[at] << 24) | ((uint)b[at + 1] << 16) | ((uint)b[at + 2] << 8) | b[at + 3];
        }
    }
}
