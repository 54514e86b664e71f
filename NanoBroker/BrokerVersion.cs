namespace NanoBroker
{
    /// <summary>The engine's version, as $SYS/broker/version and the host's --version show it.</summary>
    public static class BrokerVersion
    {
        public const string Text = "0.1.0";
    }
}
