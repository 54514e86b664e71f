namespace NanoBroker.Storage
{
    /// <summary>One decoded record: where its fields lie in the buffer it was read into, and its value.</summary>
    public sealed class RecordView
    {
        public byte[] Buffer;
        public int Kind;
        public int Flags;
        public int Key;

        /// <summary>Its meaning depends on the kind: an expiry interval, a will delay, a subscription identifier (docs/record-format.md).</summary>
        public uint Value;

        public int AStart;
        public int ALength;
        public int BStart;
        public int BLength;

        /// <summary>The MQTT 5.0 properties stored with a message, in wire form; empty in a version 1 record.</summary>
        public int DStart;
        public int DLength;

        public int CStart;
        public int CLength;
    }
}
