namespace NanoBroker.Storage
{
    /// <summary>Receives the valid records of a log as it is replayed at start.</summary>
    public interface IRecordSink
    {
        void Apply(RecordView record);
    }
}
