using NanoBroker.Protocol;
using NanoBroker.Storage;

namespace NanoBroker.Tests.Engine.Harness
{
    /// <summary>
    /// A log of record format version 1 built byte by byte, as builds before version 2 wrote it
    /// (docs/record-format.md, "Version 1"): magic, version 1, then records of a 12-byte header (kind, flags, key,
    /// lengths A, B and C), the three fields and a CRC-32 of all of it.
    /// </summary>
    public sealed class Version1Log
    {
        /// <summary>The 12-byte header and the 4-byte CRC of a version 1 record.</summary>
        public const int RecordOverhead = 16;

        private readonly ByteWriter bytes = new ByteWriter();

        public Version1Log()
        {
            bytes.Byte('N').Byte('B').Byte('L').Byte('G').UInt16(1).UInt16(0);
        }

        /// <summary>Adds a record; its size is <see cref="RecordOverhead"/> plus the three fields.</summary>
        public Version1Log Add(int kind, int flags, int key, string a, string b, string c)
        {
            byte[] ab = Utf8.GetBytes(a);
            byte[] bb = Utf8.GetBytes(b);
            byte[] cb = Utf8.GetBytes(c);
            ByteWriter record = new ByteWriter();
            record.Byte(kind).Byte(flags).UInt16(key).UInt16(ab.Length).UInt16(bb.Length)
                .UInt16(cb.Length >> 16).UInt16(cb.Length).Bytes(ab).Bytes(bb).Bytes(cb);
            byte[] body = record.ToArray();
            uint crc = Crc32.Compute(body, 0, body.Length);
            bytes.Bytes(body).UInt16((int)(crc >> 16)).UInt16((int)(crc & 0xFFFF));
            return this;
        }

        public byte[] ToArray()
        {
            return bytes.ToArray();
        }

        /// <summary>Storage holding these bytes as <paramref name="file"/>.</summary>
        public RamStorage ToStorage(string file)
        {
            RamStorage ram = new RamStorage();
            byte[] log = ToArray();
            ram.Put(file, log, log.Length);
            return ram;
        }
    }
}
