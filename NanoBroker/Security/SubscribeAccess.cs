namespace NanoBroker.Security
{
    /// <summary>
    /// What the access rules give a subscription filter (<see cref="AccessControl.SubscribeAccess"/>): all of it, all
    /// but the topics a deny rule takes out of it (each message through it is then checked), or nothing.
    /// </summary>
    public static class SubscribeAccess
    {
        /// <summary>Every topic the filter matches is readable.</summary>
        public const byte Granted = 0;

        /// <summary>Readable but for topics a deny rule overlaps: each message is checked with <see cref="AccessControl.MayRead"/>.</summary>
        public const byte Checked = 1;

        /// <summary>Refused: no grant covers the filter, or a deny rule covers it all.</summary>
        public const byte Refused = 2;
    }
}
