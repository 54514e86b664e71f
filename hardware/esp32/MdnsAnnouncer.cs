using System;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using NanoBroker.Discovery;

namespace NanoBroker.Esp32
{
    /// <summary>
    /// Announces the broker over mDNS / DNS-SD as <c>nanobroker-xxxxxx._mqtt._tcp.local</c> on
    /// <c>nanobroker-xxxxxx.local</c> (xxxxxx: the last three bytes of the Wi-Fi MAC). It owns one UDP socket on
    /// port 5353, joined to 224.0.0.251, and is polled from the socket loop (<see cref="Poll"/>, via
    /// <c>SocketLoop.OnIdle</c>): it never blocks, and the bounded parsing is the engine's
    /// <see cref="MdnsResponder"/>. At most one response a second is multicast (RFC 6762 section 6); a query
    /// within that second gets the full set of records when it ends. Every 5 s it checks the board's address and,
    /// when DHCP changed it, opens the socket again, joins on the new address and announces again. A socket
    /// error closes the socket until the next check; nothing here stops the broker.
    /// </summary>
    public sealed class MdnsAnnouncer
    {
        private const int AddressCheckMs = 5000;
        private const int MinResponseGapMs = 1000;
        private const int AnnouncementGapMs = 1000;
        private const int MaxQueriesPerPoll = 4;
        private const int Announcements = 2; // RFC 6762 section 8.3: at least two, one second apart

        // Big enough for any query that asks about one service; a longer datagram arrives cut short and is ignored.
        private const int ReceiveBytes = 512;

        private static readonly byte[] GroupAddress = { 224, 0, 0, 251 };

        private readonly MdnsResponder responder;
        private readonly IBrokerLog log;
        private readonly byte[] received = new byte[ReceiveBytes];
        private readonly byte[] response = new byte[MdnsResponder.MaxResponseBytes];
        private readonly IPEndPoint group = new IPEndPoint(new IPAddress(GroupAddress), MdnsResponder.MdnsPort);
        private readonly byte[] address = new byte[4];

        private Socket socket;
        private long nextAddressCheckMs;
        private long nextSendMs;
        private bool deferred;
        private int announcementsLeft;
        private long nextAnnouncementMs;

        /// <summary>The instance and host name, <c>nanobroker-</c> and the last three bytes of the Wi-Fi MAC in hex.</summary>
        public readonly string Name;

        public MdnsAnnouncer(int port, IBrokerLog log)
        {
            this.log = log;
            Name = "nanobroker-" + NameSuffix();
            responder = new MdnsResponder(Name, port, address);
        }

        /// <summary>Receives and answers pending queries, sends due announcements; returns at once.</summary>
        public void Poll(long now)
        {
            try
            {
                if (now >= nextAddressCheckMs)
                {
                    nextAddressCheckMs = now + AddressCheckMs;
                    CheckAddress(now);
                }
                if (socket == null)
                {
                    return;
                }
                // A bounded number per pass: a flood of datagrams must not starve the broker's sockets.
                for (int n = 0; n < MaxQueriesPerPoll && socket.Poll(0, SelectMode.SelectRead); n++)
                {
                    int count = socket.Receive(received, 0, received.Length, SocketFlags.None);
                    int length = responder.Answer(received, count, response);
                    if (length > 0)
                    {
                        if (now >= nextSendMs)
                        {
                            Send(now, length);
                        }
                        else
                        {
                            deferred = true;
                        }
                    }
                }
                if ((deferred || (announcementsLeft > 0 && now >= nextAnnouncementMs)) && now >= nextSendMs)
                {
                    deferred = false;
                    if (announcementsLeft > 0)
                    {
                        announcementsLeft--;
                        nextAnnouncementMs = now + AnnouncementGapMs;
                    }
                    Send(now, responder.Announcement(response));
                }
            }
            catch (Exception e)
            {
                log.Warning("mdns: " + e.Message + "; trying again in " + (AddressCheckMs / 1000) + " s");
                Close();
            }
        }

        private void Send(long now, int length)
        {
            socket.SendTo(response, 0, length, SocketFlags.None, group);
            nextSendMs = now + MinResponseGapMs;
        }

        private void CheckAddress(long now)
        {
            byte[] current = IPAddress.GetDefaultLocalAddress().GetAddressBytes();
            bool none = current.Length != 4 || (current[0] | current[1] | current[2] | current[3]) == 0;
            if (none)
            {
                Close();
                return;
            }
            if (socket != null && Same(current, address))
            {
                return;
            }
            Close();
            Array.Copy(current, 0, address, 0, 4);
            responder.SetAddress(address);
            Open();
            announcementsLeft = Announcements;
            nextAnnouncementMs = now;
            log.Info("mdns: announcing " + Name + ".local (_mqtt._tcp) at " + IPAddress.GetDefaultLocalAddress().ToString());
        }

        private void Open()
        {
            Socket s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                s.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                s.Bind(new IPEndPoint(IPAddress.Any, MdnsResponder.MdnsPort));
                // struct ip_mreq: the group, then the interface by its address (the Wi-Fi station's).
                byte[] membership = new byte[8];
                Array.Copy(GroupAddress, 0, membership, 0, 4);
                Array.Copy(address, 0, membership, 4, 4);
                s.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, membership);
                try
                {
                    // RFC 6762 section 11: IP TTL 255. lwIP's default is already 255 (UDP_TTL = IP_DEFAULT_TTL).
                    s.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, 255);
                }
                catch (SocketException)
                {
                }
            }
            catch
            {
                s.Close();
                throw;
            }
            socket = s;
        }

        private void Close()
        {
            Socket s = socket;
            socket = null;
            deferred = false;
            announcementsLeft = 0;
            for (int i = 0; i < 4; i++)
            {
                address[i] = 0;
            }
            if (s != null)
            {
                try
                {
                    s.Close();
                }
                catch (Exception)
                {
                }
            }
        }

        private static bool Same(byte[] a, byte[] b)
        {
            for (int i = 0; i < 4; i++)
            {
                if (a[i] != b[i])
                {
                    return false;
                }
            }
            return true;
        }

        // The last three bytes of the Wi-Fi station's MAC; of the address if there is none.
        private static string NameSuffix()
        {
            NetworkInterface[] interfaces = NetworkInterface.GetAllNetworkInterfaces();
            for (int i = 0; i < interfaces.Length; i++)
            {
                byte[] mac = interfaces[i].PhysicalAddress;
                if (interfaces[i].NetworkInterfaceType == NetworkInterfaceType.Wireless80211 && mac != null && mac.Length >= 3)
                {
                    return Hex(mac, mac.Length - 3);
                }
            }
            return Hex(IPAddress.GetDefaultLocalAddress().GetAddressBytes(), 1);
        }

        private static string Hex(byte[] bytes, int offset)
        {
            const string digits = "0123456789abcdef";
            char[] text = new char[6];
            for (int i = 0; i < 3; i++)
            {
                int b = offset + i < bytes.Length ? bytes[offset + i] : 0;
                text[2 * i] = digits[b >> 4];
                text[2 * i + 1] = digits[b & 15];
            }
            return new string(text);
        }
    }
}
