namespace NanoBroker.Storage
{
    /// <summary>One decoded record: where its fields lie in the buffer it was read into.</summary>
    public sealed class RecordView
    {
        public byte[] Buffer;
        public int Kind;
        public int Flags;
        public int Key;
        public int AStart;
        public int ALength;
        public int BStart;
        public int BLength;
        public int CStart;
        public int CLength;
    }
}
