// Test-only stubs: package nanoFramework.System.Device.Wifi 1.5.147, github:nanoframework/System.Device.Wifi tag v1.5.147.
// See README.md beside this file. Never shipped.
#pragma warning disable CS1591

using System;

namespace System.Device.Wifi
{
    // System.Device.Wifi/WifiReconnectionKind.cs
    public enum WifiReconnectionKind
    {
        Automatic,
        Manual
    }

    // System.Device.Wifi/WifiConnectionStatus.cs
    public enum WifiConnectionStatus
    {
        AccessRevoked,
        InvalidCredential,
        NetworkNotAvailable,
        Success,
        Timeout,
        UnspecifiedFailure,
        UnsupportedAuthenticationProtocol
    }

    // System.Device.Wifi/WifiConnectionResult.cs: public class WifiConnectionResult
    public class WifiConnectionResult
    {
        // WifiConnectionResult.cs: public WifiConnectionStatus ConnectionStatus { get { return _ConnectionStatus; } }
        public WifiConnectionStatus ConnectionStatus { get { throw null; } }
    }

    // System.Device.Wifi/WifiAdapter.cs: public sealed class WifiAdapter : IDisposable
    public sealed class WifiAdapter : IDisposable
    {
        // WifiAdapter.cs: public static WifiAdapter[] FindAllAdapters()
        public static WifiAdapter[] FindAllAdapters() { throw null; }

        // WifiAdapter.cs: public WifiConnectionResult Connect(string ssid, WifiReconnectionKind reconnectionKind, string passwordCredential)
        public WifiConnectionResult Connect(string ssid, WifiReconnectionKind reconnectionKind, string passwordCredential) { throw null; }

        // WifiAdapter.cs: public void Dispose()
        public void Dispose() { throw null; }
    }
}
