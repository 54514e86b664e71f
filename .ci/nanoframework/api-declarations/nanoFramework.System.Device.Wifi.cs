// Test-only stubs: package nanoFramework.System.Device.Wifi 1.5.147, github:nanoframework/System.Device.Wifi tag v1.5.147.
// See README.md beside this file. Never shipped.
#pragma warning disable CS1591

using System;
using System.Device.Wifi;
using System.Threading;

namespace System.Device.Wifi
{
    // System.Device.Wifi/WifiReconnectionKind.cs
    public enum WifiReconnectionKind
    {
        Automatic,
        Manual
    }
}

namespace nanoFramework.Networking
{
    // System.Device.Wifi/NetworkHelper/WifiNetworkHelper.cs: public static class WifiNetworkHelper
    public static class WifiNetworkHelper
    {
        // WifiNetworkHelper.cs: public static NetworkHelperStatus Status => _networkHelperStatus;
        public static NetworkHelperStatus Status { get { throw null; } }

        // WifiNetworkHelper.cs: public static Exception HelperException { get => _helperException; internal set => _helperException = value; }
        public static Exception HelperException { get { throw null; } internal set { throw null; } }

        // WifiNetworkHelper.cs: public static bool ConnectDhcp(string ssid, string password,
        //     WifiReconnectionKind reconnectionKind = WifiReconnectionKind.Automatic, bool requiresDateTime = false,
        //     int wifiAdapterId = 0, CancellationToken token = default)
        public static bool ConnectDhcp(
            string ssid,
            string password,
            WifiReconnectionKind reconnectionKind = WifiReconnectionKind.Automatic,
            bool requiresDateTime = false,
            int wifiAdapterId = 0,
            CancellationToken token = default(CancellationToken)) { throw null; }

        // WifiNetworkHelper.cs: public static bool Reconnect(bool requiresDateTime = false, int wifiAdapterId = 0, CancellationToken token = default)
        public static bool Reconnect(
            bool requiresDateTime = false,
            int wifiAdapterId = 0,
            CancellationToken token = default(CancellationToken)) { throw null; }
    }
}
