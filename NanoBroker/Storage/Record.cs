using NanoBroker.Protocol;

namespace NanoBroker.Storage
{
    /// <summary>
    /// The record layout (docs/record-format.md): kind, flags, key, the lengths of four fields, a value, the
    /// fields, and a CRC-32 of all of it. Big-endian like MQTT. Version 2 is written; version 1 (no D field,
    /// no value: a 12-byte header) is still read.
    /// </summary>
    public static class Record
    {
        /// <summary>The header of a version 2 record, the one written.</summary>
        public const int HeaderBytes = 18;

        /// <summary>The header of a version 1 record: kind, flags, key, lengths A, B and C.</summary>
        public const int Version1HeaderBytes = 12;

        public const int CrcBytes = 4;
        public const int Overhead = HeaderBytes + CrcBytes;

        /// <summary>The Value of a record that has none: no expiry, no subscription identifier.</summary>
        public const uint NoExpiry = 0xFFFFFFFF;

        /// <summary>More bytes are needed to decide.</summary>
        public const int Incomplete = 0;

        /// <summary>The bytes are not a valid record (bad checksum, unknown kind, impossible length).</summary>
        public const int Corrupt = -1;

        /// <summary>The size of a version 2 record without properties (D empty).</summary>
        public static int SizeOf(int aLength, int bLength, int cLength)
        {
            return Overhead + aLength + bLength + cLength;
        }

        /// <summary>The size of a version 2 record.</summary>
        public static int SizeOf(int aLength, int bLength, int dLength, int cLength)
        {
            return Overhead + aLength + bLength + dLength + cLength;
        }

        /// <summary>
        /// The Value a record of <paramref name="kind"/> has when nothing else is known, as every version 1 record
        /// meant it: a session that never expires, a message without expiry, no will delay, no subscription identifier.
        /// </summary>
        public static uint DefaultValue(int kind)
        {
            return kind == RecordKind.SessionSet || kind == RecordKind.RetainedSet || kind == RecordKind.QueuedMessage ? NoExpiry : 0;
        }

        /// <summary>Writes a version 2 record at <paramref name="offset"/>; the caller checked there is room. Returns its size.</summary>
        public static int Encode(byte[] buffer, int offset, int kind, int flags, int key, uint value,
            byte[] a, int aStart, int aLength, byte[] b, int bStart, int bLength,
            byte[] d, int dStart, int dLength, byte[] c, int cStart, int cLength)
        {
            buffer[offset] = (byte)kind;
            buffer[offset + 1] = (byte)flags;
            Wire.WriteUInt16(buffer, offset + 2, key);
            Wire.WriteUInt16(buffer, offset + 4, aLength);
            Wire.WriteUInt16(buffer, offset + 6, bLength);
            WriteUInt32(buffer, offset + 8, (uint)cLength);
            Wire.WriteUInt16(buffer, offset + 12, dLength);
            WriteUInt32(buffer, offset + 14, value);
            int at = offset + HeaderBytes;
            at = CopyField(a, aStart, aLength, buffer, at);
            at = CopyField(b, bStart, bLength, buffer, at);
            at = CopyField(d, dStart, dLength, buffer, at);
            at = CopyField(c, cStart, cLength, buffer, at);
            WriteUInt32(buffer, at, Crc32.Compute(buffer, offset, at - offset));
            return at + CrcBytes - offset;
        }

        /// <summary>Decodes a version 2 record (see the overload with a version).</summary>
        public static int Decode(byte[] buffer, int offset, int available, int maxSize, RecordView view)
        {
            return Decode(buffer, offset, available, maxSize, RecordLog.FormatVersion, view);
        }

        /// <summary>
        /// Decodes the record of format <paramref name="version"/> (1 or 2) at <paramref name="offset"/> from
        /// <paramref name="available"/> bytes into <paramref name="view"/>. Returns its size, <see cref="Incomplete"/>
        /// or <see cref="Corrupt"/>. A record longer than <paramref name="maxSize"/> is corrupt. A version 1 record
        /// has no D field and the <see cref="DefaultValue"/> of its kind.
        /// </summary>
        public static int Decode(byte[] buffer, int offset, int available, int maxSize, int version, RecordView view)
        {
            int headerBytes = version == 1 ? Version1HeaderBytes : HeaderBytes;
            if (available < headerBytes)
            {
                return Incomplete;
            }
            int kind = buffer[offset];
            long cLength = ReadUInt32(buffer, offset + 8);
            int dLength = version == 1 ? 0 : ReadUInt16(buffer, offset + 12);
            long size = headerBytes + CrcBytes + ReadUInt16(buffer, offset + 4) + ReadUInt16(buffer, offset + 6) + dLength + cLength;
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
            view.Value = version == 1 ? DefaultValue(kind) : ReadUInt32(buffer, offset + 14);
            view.ALength = ReadUInt16(buffer, offset + 4);
            view.BLength = ReadUInt16(buffer, offset + 6);
            view.DLength = dLength;
            view.CLength = (int)cLength;
            view.AStart = offset + headerBytes;
            view.BStart = view.AStart + view.ALength;
            view.DStart = view.BStart + view.BLength;
            view.CStart = view.DStart + view.DLength;
            return (int)size;
        }

        /// <summary>The size of the version 2 record at <paramref name="at"/>, read from its header.</summary>
        internal static int SizeAt(byte[] b, int at)
        {
            return SizeOf(ReadUInt16(b, at + 4), ReadUInt16(b, at + 6), ReadUInt16(b, at + 12), (int)ReadUInt32(b, at + 8));
        }

        private static int CopyField(byte[] field, int start, int length, byte[] buffer, int at)
        {
            if (length > 0)
            {
                System.Array.Copy(field, start, buffer, at, length);
            }
            return at + length;
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
