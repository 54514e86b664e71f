namespace NanoBroker.Security
{
    /// <summary>What an access rule grants on its topics.</summary>
    public static class AccessRight
    {
        public const int Read = 1;
        public const int Write = 2;
        public const int ReadWrite = Read | Write;

        /// <summary>"topic deny FILTER": neither, whatever else grants it; checked before any grant.</summary>
        public const int Deny = 4;
    }
}
