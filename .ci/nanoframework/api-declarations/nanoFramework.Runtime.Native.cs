// Test-only stubs: package nanoFramework.Runtime.Native 1.7.11, github:nanoframework/nanoFramework.Runtime.Native tag v1.7.11.
// See README.md beside this file. Never shipped.
#pragma warning disable CS1591

namespace nanoFramework.Runtime.Native
{
    // nanoFramework.Runtime.Native/GC.cs: public static class GC
    public static class GC
    {
        // GC.cs: [MethodImpl(MethodImplOptions.InternalCall)] public static extern uint Run(bool compactHeap);
        public static uint Run(bool compactHeap) { throw null; }
    }

    // nanoFramework.Runtime.Native/SystemInfo.cs: public static class SystemInfo
    public static class SystemInfo
    {
        // SystemInfo.cs: public static extern string TargetName { [MethodImpl(MethodImplOptions.InternalCall)] get; }
        public static string TargetName { get { throw null; } }
    }

    // nanoFramework.Runtime.Native/Power.cs: public class Power
    public class Power
    {
        // Power.cs: public static void RebootDevice(RebootOption rebootOption = RebootOption.NormalReboot)
        public static void RebootDevice(RebootOption rebootOption = RebootOption.NormalReboot) { throw null; }
    }

    // nanoFramework.Runtime.Native/RebootOption.cs
    public enum RebootOption
    {
        NormalReboot = 0,
        EnterNanoBooter = 1,
        ClrOnly = 2,
        EnterProprietaryBooter = 8,
    }
}

namespace System
{
    // nanoFramework.Runtime.Native/System/Environment.cs: public static partial class Environment
    public static partial class Environment
    {
        // Environment.cs: public static extern long TickCount64 { [MethodImpl(MethodImplOptions.InternalCall)] get; }
        public static long TickCount64 { get { throw null; } }
    }
}
