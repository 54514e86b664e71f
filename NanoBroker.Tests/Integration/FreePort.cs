using System.Net;
using System.Net.Sockets;

namespace NanoBroker.Tests.Integration
{
    /// <summary>A loopback TCP port free when asked, for a broker process or app a test starts itself.</summary>
    public static class FreePort
    {
        public static int Next()
        {
            using Socket probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            return ((IPEndPoint)probe.LocalEndPoint).Port;
        }
    }
}
