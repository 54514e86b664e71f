// Test-only stubs: package nanoFramework.System.Threading 1.1.52, github:nanoframework/System.Threading tag v1.1.52.
// See README.md beside this file. Never shipped.
#pragma warning disable CS1591

namespace System.Threading
{
    // nanoFramework.System.Threading/Threading/CancellationToken.cs: public struct CancellationToken
    public struct CancellationToken
    {
    }

    // nanoFramework.System.Threading/Threading/CancellationTokenSource.cs: public class CancellationTokenSource : IDisposable
    public class CancellationTokenSource : IDisposable
    {
        // CancellationTokenSource.cs: public CancellationTokenSource(Int32 millisecondsDelay)
        public CancellationTokenSource(Int32 millisecondsDelay) { throw null; }

        // CancellationTokenSource.cs: public CancellationToken Token
        public CancellationToken Token { get { throw null; } }

        // CancellationTokenSource.cs: public void Dispose()
        public void Dispose() { throw null; }
    }
}
