// Test-only stubs: package nanoFramework.System.Net 1.11.54, github:nanoframework/System.Net tag v1.11.54.
// See README.md beside this file. Never shipped.
#pragma warning disable CS1591

namespace System.Net.Sockets
{
    // nanoFramework.System.Net/Sockets/Socket.cs
    public class Socket : IDisposable
    {
        // Sockets/Socket.cs: public Socket(AddressFamily addressFamily, SocketType socketType, ProtocolType protocolType)
        public Socket(AddressFamily addressFamily, SocketType socketType, ProtocolType protocolType) { throw null; }

        // Sockets/Socket.cs: public void Connect(EndPoint remoteEP) (native connect, then Poll(-1, SelectWrite) when blocking)
        public void Connect(EndPoint remoteEP) { throw null; }

        // Sockets/Socket.cs: public void Bind(EndPoint localEP)
        public void Bind(EndPoint localEP) { throw null; }

        // Sockets/Socket.cs: public void Close()
        public void Close() { throw null; }

        // Sockets/Socket.cs: public void Listen(int backlog)
        public void Listen(int backlog) { throw null; }

        // Sockets/Socket.cs: public Socket Accept()
        public Socket Accept() { throw null; }

        // Sockets/Socket.cs: public int Send(byte[] buffer, int offset, int size, SocketFlags socketFlags)
        public int Send(byte[] buffer, int offset, int size, SocketFlags socketFlags) { throw null; }

        // Sockets/Socket.cs: public int Receive(byte[] buffer, int offset, int size, SocketFlags socketFlags)
        public int Receive(byte[] buffer, int offset, int size, SocketFlags socketFlags) { throw null; }

        // Sockets/Socket.cs: public int SendTo(byte[] buffer, int offset, int size, SocketFlags socketFlags, EndPoint remoteEP)
        public int SendTo(byte[] buffer, int offset, int size, SocketFlags socketFlags, EndPoint remoteEP) { throw null; }

        // Sockets/Socket.cs: public int ReceiveFrom(byte[] buffer, int offset, int size, SocketFlags socketFlags, ref EndPoint remoteEP)
        public int ReceiveFrom(byte[] buffer, int offset, int size, SocketFlags socketFlags, ref EndPoint remoteEP) { throw null; }

        // Sockets/Socket.cs: public void SetSocketOption(SocketOptionLevel optionLevel, SocketOptionName optionName, int optionValue)
        public void SetSocketOption(SocketOptionLevel optionLevel, SocketOptionName optionName, int optionValue) { throw null; }

        // Sockets/Socket.cs: public void SetSocketOption(SocketOptionLevel optionLevel, SocketOptionName optionName, bool optionValue)
        public void SetSocketOption(SocketOptionLevel optionLevel, SocketOptionName optionName, bool optionValue) { throw null; }

        // Sockets/Socket.cs: public void SetSocketOption(SocketOptionLevel optionLevel, SocketOptionName optionName, byte[] optionValue)
        // (passed as is to setsockopt: nf-interpreter SockOptHelper, sys_net_native_System_Net_Sockets_NativeSocket.cpp)
        public void SetSocketOption(SocketOptionLevel optionLevel, SocketOptionName optionName, byte[] optionValue) { throw null; }

        // Sockets/Socket.cs: public int Available { get { ... NativeSocket.ioctl(this, NativeSocket.FIONREAD, ref cBytes); ... } }
        public int Available { get { throw null; } }

        // Sockets/Socket.cs: public int ReceiveTimeout { get { return m_recvTimeout; } set { ... } }
        public int ReceiveTimeout { get { throw null; } set { throw null; } }

        // Sockets/Socket.cs: public bool Poll(int microSeconds, SelectMode mode)
        public bool Poll(int microSeconds, SelectMode mode) { throw null; }

        // Sockets/Socket.cs: protected virtual void Dispose(bool disposing)
        protected virtual void Dispose(bool disposing) { throw null; }

        // Sockets/Socket.cs: void IDisposable.Dispose()
        void IDisposable.Dispose() { throw null; }
    }

    // nanoFramework.System.Net/SocketException.cs: [Serializable] public class SocketException : Exception
    [Serializable]
    public class SocketException : Exception
    {
        // SocketException.cs: public SocketException(SocketError errorCode)
        public SocketException(SocketError errorCode) { throw null; }

        // SocketException.cs: public int ErrorCode { get { return _errorCode; } }
        public int ErrorCode { get { throw null; } }
    }

    // nanoFramework.System.Net/Sockets/SocketErrors.cs: public enum SocketError : int
    public enum SocketError : int
    {
        ConnectionReset = (10000 + 54),
        TimedOut = (10000 + 60),
    }

    // nanoFramework.System.Net/Sockets/NetworkStream.cs: public class NetworkStream : Stream
    // (SslStream's base: its constructor, DataAvailable, and the members System.IO.Streams.cs declares abstract)
    public class NetworkStream : System.IO.Stream
    {
        // NetworkStream.cs: public NetworkStream(Socket socket, bool ownsSocket)
        public NetworkStream(Socket socket, bool ownsSocket) { throw null; }

        // NetworkStream.cs: public override long Length
        public override long Length { get { throw null; } }

        // NetworkStream.cs: public virtual bool DataAvailable
        public virtual bool DataAvailable { get { throw null; } }

        // NetworkStream.cs: public override void Flush()
        public override void Flush() { throw null; }

        // NetworkStream.cs: public override int Read(byte[] buffer, int offset, int count)
        public override int Read(byte[] buffer, int offset, int count) { throw null; }

        // NetworkStream.cs: public override long Seek(long offset, SeekOrigin origin)
        public override long Seek(long offset, System.IO.SeekOrigin origin) { throw null; }

        // NetworkStream.cs: public override void SetLength(long value)
        public override void SetLength(long value) { throw null; }

        // NetworkStream.cs: public override void Write(byte[] buffer, int offset, int count)
        public override void Write(byte[] buffer, int offset, int count) { throw null; }
    }

    // nanoFramework.System.Net/Sockets/AddressFamily.cs
    public enum AddressFamily
    {
        InterNetwork = 2,
    }

    // nanoFramework.System.Net/Sockets/SocketType.cs
    public enum SocketType
    {
        Stream = 1,
        Dgram = 2,
    }

    // nanoFramework.System.Net/Sockets/ProtocolType.cs
    public enum ProtocolType
    {
        IP = 0,
        Tcp = 6,
        Udp = 17,
    }

    // nanoFramework.System.Net/Sockets/SelectMode.cs
    public enum SelectMode
    {
        SelectRead = 0,
        SelectWrite = 1,
    }

    // nanoFramework.System.Net/Sockets/SocketFlags.cs
    [Flags]
    public enum SocketFlags
    {
        None = 0x0000,
        Peek = 0x0002,
    }

    // nanoFramework.System.Net/Sockets/SocketOptionLevel.cs
    public enum SocketOptionLevel
    {
        Socket = 0xffff,
        IP = ProtocolType.IP,
        Tcp = ProtocolType.Tcp,
    }

    // nanoFramework.System.Net/Sockets/SocketOptionName.cs
    public enum SocketOptionName
    {
        ReuseAddress = 0x0004,
        KeepAlive = 0x0008,
        Broadcast = 0x0020,
        NoDelay = 1,
        MulticastTimeToLive = 10,
        AddMembership = 12,
    }
}

namespace System.Net
{
    // nanoFramework.System.Net/EndPoint.cs: public abstract class EndPoint (its abstract Serialize/Create are not called)
    public abstract class EndPoint
    {
    }

    // nanoFramework.System.Net/IPEndPoint.cs: public class IPEndPoint : EndPoint
    public class IPEndPoint : EndPoint
    {
        // IPEndPoint.cs: public IPEndPoint(IPAddress address, int port)
        public IPEndPoint(IPAddress address, int port) { throw null; }

        // IPEndPoint.cs: public IPAddress Address { get { return _address; } }
        public IPAddress Address { get { throw null; } }

        // IPEndPoint.cs: public int Port { get { return _port; } }
        public int Port { get { throw null; } }
    }

    // nanoFramework.System.Net/IPAddress.cs: [Serializable] public class IPAddress
    [Serializable]
    public class IPAddress
    {
        // IPAddress.cs: public static readonly IPAddress Any
        public static readonly IPAddress Any = null;

        // IPAddress.cs: public static IPAddress Parse(string ipString)
        public static IPAddress Parse(string ipString) { throw null; }

        // IPAddress.cs: public IPAddress(byte[] address)
        public IPAddress(byte[] address) { throw null; }

        // IPAddress.cs: public byte[] GetAddressBytes()
        public byte[] GetAddressBytes() { throw null; }

        // IPAddress.cs: public static IPAddress GetDefaultLocalAddress()
        public static IPAddress GetDefaultLocalAddress() { throw null; }

        // IPAddress.cs: public override string ToString()
        public override string ToString() { throw null; }
    }

    // nanoFramework.System.Net/DNS.cs: public static class Dns
    public static class Dns
    {
        // DNS.cs: public static IPHostEntry GetHostEntry(string hostNameOrAddress) (native getaddrinfo: lwip_getaddrinfo waits for the answer)
        public static IPHostEntry GetHostEntry(string hostNameOrAddress) { throw null; }
    }

    // nanoFramework.System.Net/IPHostEntry.cs: public class IPHostEntry
    public class IPHostEntry
    {
        // IPHostEntry.cs: public IPAddress[] AddressList
        public IPAddress[] AddressList { get { throw null; } }
    }
}

namespace System.Net.NetworkInformation
{
    // nanoFramework.System.Net/NetworkInformation/NetworkInterface.cs: public class NetworkInterface
    public class NetworkInterface
    {
        // NetworkInterface.cs: public static NetworkInterface[] GetAllNetworkInterfaces()
        public static NetworkInterface[] GetAllNetworkInterfaces() { throw null; }

        // NetworkInterface.cs: public byte[] PhysicalAddress { get { return _macAddress; } set { ... } }
        public byte[] PhysicalAddress { get { throw null; } set { throw null; } }

        // NetworkInterface.cs: public NetworkInterfaceType NetworkInterfaceType { get { return _networkInterfaceType; } }
        public NetworkInterfaceType NetworkInterfaceType { get { throw null; } }
    }

    // nanoFramework.System.Net/NetworkInformation/NetworkInterfaceType.cs
    public enum NetworkInterfaceType
    {
        Wireless80211 = 71,
    }

    // nanoFramework.System.Net/NetworkInformation/Wireless80211Configuration.cs
    public class Wireless80211Configuration
    {
        // Wireless80211Configuration.cs: public string Password { get => _password; set => _password = value; }
        public string Password { get { throw null; } set { throw null; } }

        // Wireless80211Configuration.cs: public string Ssid { get => _ssid; set => _ssid = value; }
        public string Ssid { get { throw null; } set { throw null; } }

        // Wireless80211Configuration.cs: public static Wireless80211Configuration[] GetAllWireless80211Configurations()
        public static Wireless80211Configuration[] GetAllWireless80211Configurations() { throw null; }
    }
}

namespace System.Net.Security
{
    // nanoFramework.System.Net/Security/SslStream.cs: public class SslStream : NetworkStream
    public class SslStream : System.Net.Sockets.NetworkStream
    {
        // SslStream.cs: public SslStream(Socket socket) : base(socket, false)
        public SslStream(System.Net.Sockets.Socket socket) : base(socket, false) { throw null; }

        // SslStream.cs: public SslVerification SslVerification { get => _sslVerification; set => _sslVerification = value; }
        public SslVerification SslVerification { get { throw null; } set { throw null; } }

        // SslStream.cs: public void AuthenticateAsClient(string targetHost, SslProtocols enabledSslProtocols)
        public void AuthenticateAsClient(string targetHost, SslProtocols enabledSslProtocols) { throw null; }

        // SslStream.cs: public void AuthenticateAsServer(X509Certificate serverCertificate, SslProtocols enabledSslProtocols)
        public void AuthenticateAsServer(System.Security.Cryptography.X509Certificates.X509Certificate serverCertificate, SslProtocols enabledSslProtocols) { throw null; }

        // SslStream.cs: public override bool DataAvailable
        public override bool DataAvailable { get { throw null; } }

        // SslStream.cs: public override int Read(byte[] buffer, int offset, int size)
        public override int Read(byte[] buffer, int offset, int size) { throw null; }

        // SslStream.cs: public override void Write(byte[] buffer, int offset, int size)
        public override void Write(byte[] buffer, int offset, int size) { throw null; }
    }

    // nanoFramework.System.Net/Security/NetworkSecurity.cs: [Flags] public enum SslProtocols
    [Flags]
    public enum SslProtocols
    {
        None = 0x00,
        Tls12 = 3072,
        Tls13 = 12288,
    }

    // nanoFramework.System.Net/Security/NetworkSecurity.cs: public enum SslVerification
    public enum SslVerification
    {
        NoVerification = 1,
        VerifyPeer = 2,
        CertificateRequired = 4,
        VerifyClientOnce = 8,
    }
}

namespace System.Security.Cryptography.X509Certificates
{
    // nanoFramework.System.Net/X509Certificates/X509Certificate.cs: public class X509Certificate
    public class X509Certificate
    {
        // X509Certificate.cs: public virtual string Subject
        public virtual string Subject { get { throw null; } }

        // X509Certificate.cs: public virtual DateTime GetExpirationDate()
        public virtual DateTime GetExpirationDate() { throw null; }
    }

    // nanoFramework.System.Net/X509Certificates/X509Certificate2.cs: public class X509Certificate2 : X509Certificate
    public class X509Certificate2 : X509Certificate
    {
        // X509Certificate2.cs: public X509Certificate2(byte[] rawData, byte[] key, string password) : base(rawData)
        public X509Certificate2(byte[] rawData, byte[] key, string password) { throw null; }
    }
}
