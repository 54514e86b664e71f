namespace NanoBroker
{
    /// <summary>Returns the managed heap bytes in use, for $SYS/broker/heap/current.</summary>
    public delegate long HeapProbe();
}
