using System;
using NanoBroker.Protocol;

namespace NanoBroker.Discovery
{
    /// <summary>
    /// A small DNS-SD over multicast DNS responder (RFC 6762, RFC 6763) for one MQTT service,
    /// <c>&lt;instance&gt;._mqtt._tcp.local</c> on <c>&lt;instance&gt;.local</c>. Sans-IO: the caller owns the UDP socket
    /// (port 5353, group 224.0.0.251), hands each datagram to <see cref="Answer"/> and multicasts what it writes.
    /// Nothing is allocated per packet.
    /// <para>
    /// Only the header and the question section of a query are read, with fixed bounds: at most
    /// <see cref="MaxQuestions"/> questions, names of at most 255 bytes with labels of at most 63, and at most
    /// <see cref="MaxPointerHops"/> compression pointers per name, each pointing before the previous jump, so that
    /// a crafted packet cannot make it loop. Responses (QR=1), other opcodes, non-zero response codes, packets
    /// shorter than their header says and malformed names are ignored as a whole. Known-answer suppression is not
    /// done (a querier then simply gets the records again).
    /// </para>
    /// </summary>
    public sealed class MdnsResponder
    {
        /// <summary>The mDNS port (RFC 6762 section 3).</summary>
        public const int MdnsPort = 5353;

        /// <summary>A response buffer of this size holds any response (four records, names uncompressed).</summary>
        public const int MaxResponseBytes = 600;

        public const int MaxQuestions = 16;
        public const int MaxNameBytes = 255;
        public const int MaxLabelBytes = 63;
        public const int MaxPointerHops = 8;

        /// <summary>TTL of records that name the host (SRV, A): RFC 6762 section 10.</summary>
        public const int HostTtlSeconds = 120;

        /// <summary>TTL of the other records (PTR, TXT): RFC 6762 section 10.</summary>
        public const int OtherTtlSeconds = 4500;

        private const int HeaderBytes = 12;
        private const int TypeA = 1;
        private const int TypePtr = 12;
        private const int TypeTxt = 16;
        private const int TypeSrv = 33;
        private const int TypeAny = 255;
        private const int ClassIn = 1;
        private const int ClassAny = 255;
        private const int CacheFlush = 0x8000;

        private const int WantPtr = 1;
        private const int WantSrv = 2;
        private const int WantTxt = 4;
        private const int WantA = 8;

        // Wire names: _mqtt._tcp.local, <instance>._mqtt._tcp.local, <instance>.local.
        private static readonly byte[] ServiceName =
        {
            5, (byte)'_', (byte)'m', (byte)'q', (byte)'t', (byte)'t',
            4, (byte)'_', (byte)'t', (byte)'c', (byte)'p',
            5, (byte)'l', (byte)'o', (byte)'c', (byte)'a', (byte)'l',
            0,
        };

        // Offset of "local" within ServiceName.
        private const int LocalInService = 11;

        private readonly byte[] instanceName;
        private readonly byte[] hostName;
        private readonly byte[] instanceLabel;
        private readonly int port;
        private readonly byte[] address = new byte[4];

        // Offsets of names already written into the response being built (for compression), or -1.
        private int servicePos;
        private int instancePos;
        private int hostPos;
        private int localPos;

        /// <param name="instance">The instance and host label: 1 to 63 ASCII letters, digits and '-'.</param>
        /// <param name="port">The MQTT port announced in the SRV record.</param>
        /// <param name="ipv4">The board's IPv4 address (4 bytes).</param>
        public MdnsResponder(string instance, int port, byte[] ipv4)
        {
            if (instance == null)
            {
                throw new ArgumentNullException("instance");
            }
            byte[] label = Utf8.GetBytes(instance);
            if (label.Length < 1 || label.Length > MaxLabelBytes || label.Length != instance.Length)
            {
                throw new ArgumentException("instance must be 1 to 63 ASCII characters");
            }
            for (int i = 0; i < label.Length; i++)
            {
                byte c = label[i];
                bool ok = (c >= (byte)'a' && c <= (byte)'z') || (c >= (byte)'A' && c <= (byte)'Z')
                    || (c >= (byte)'0' && c <= (byte)'9') || c == (byte)'-';
                if (!ok)
                {
                    throw new ArgumentException("instance may hold only letters, digits and '-'");
                }
            }
            if (port < 1 || port > 65535)
            {
                throw new ArgumentOutOfRangeException("port");
            }
            instanceLabel = label;
            this.port = port;

            instanceName = new byte[1 + label.Length + ServiceName.Length];
            instanceName[0] = (byte)label.Length;
            Array.Copy(label, 0, instanceName, 1, label.Length);
            Array.Copy(ServiceName, 0, instanceName, 1 + label.Length, ServiceName.Length);

            int localBytes = ServiceName.Length - LocalInService;
            hostName = new byte[1 + label.Length + localBytes];
            hostName[0] = (byte)label.Length;
            Array.Copy(label, 0, hostName, 1, label.Length);
            Array.Copy(ServiceName, LocalInService, hostName, 1 + label.Length, localBytes);

            SetAddress(ipv4);
        }

        /// <summary>Sets the IPv4 address announced in the A record (after a DHCP change).</summary>
        public void SetAddress(byte[] ipv4)
        {
            if (ipv4 == null || ipv4.Length != 4)
            {
                throw new ArgumentException("ipv4 must be 4 bytes");
            }
            Array.Copy(ipv4, 0, address, 0, 4);
        }

        /// <summary>
        /// Reads the mDNS query in <paramref name="query"/>[0, <paramref name="count"/>) and, when a question asks
        /// for this service (PTR <c>_mqtt._tcp.local</c>), this instance (SRV, TXT) or this host (A), or ANY of
        /// them, writes the response into <paramref name="response"/> (at least <see cref="MaxResponseBytes"/>).
        /// Returns the response's length, or 0 when there is nothing to send.
        /// </summary>
        public int Answer(byte[] query, int count, byte[] response)
        {
            CheckResponseBuffer(response);
            if (query == null || count < HeaderBytes || count > query.Length)
            {
                return 0;
            }
            // Flags: QR must be 0 (a query), opcode 0 (standard query), rcode 0 (RFC 6762 section 18).
            if ((query[2] & 0xF8) != 0 || (query[3] & 0x0F) != 0)
            {
                return 0;
            }
            int questions = (query[4] << 8) | query[5];
            if (questions == 0 || questions > MaxQuestions)
            {
                return 0;
            }

            int want = 0;
            int pos = HeaderBytes;
            for (int q = 0; q < questions; q++)
            {
                int end = NameEnd(query, count, pos);
                if (end < 0 || end + 4 > count)
                {
                    return 0;
                }
                int type = (query[end] << 8) | query[end + 1];
                // The top bit of the class is the unicast-response (QU) bit: a multicast answer serves it too.
                int cls = ((query[end + 2] << 8) | query[end + 3]) & 0x7FFF;
                if (cls == ClassIn || cls == ClassAny)
                {
                    if ((type == TypePtr || type == TypeAny) && NameEquals(query, count, pos, ServiceName))
                    {
                        want |= WantPtr;
                    }
                    else if (NameEquals(query, count, pos, instanceName))
                    {
                        if (type == TypeSrv || type == TypeAny)
                        {
                            want |= WantSrv;
                        }
                        if (type == TypeTxt || type == TypeAny)
                        {
                            want |= WantTxt;
                        }
                    }
                    else if ((type == TypeA || type == TypeAny) && NameEquals(query, count, pos, hostName))
                    {
                        want |= WantA;
                    }
                }
                pos = end + 4;
            }
            if (want == 0)
            {
                return 0;
            }

            // Additional records (RFC 6763 section 12): with a PTR the SRV, TXT and A; with an SRV the A.
            int extra = 0;
            if ((want & WantPtr) != 0)
            {
                extra = (WantSrv | WantTxt | WantA) & ~want;
            }
            else if ((want & WantSrv) != 0)
            {
                extra = WantA & ~want;
            }
            return Write(response, want, extra);
        }

        /// <summary>
        /// Writes an unsolicited announcement of all four records (RFC 6762 section 8.3) into
        /// <paramref name="response"/>; returns its length. Send it at start and again one second later.
        /// </summary>
        public int Announcement(byte[] response)
        {
            CheckResponseBuffer(response);
            return Write(response, WantPtr | WantSrv | WantTxt | WantA, 0);
        }

        private static void CheckResponseBuffer(byte[] response)
        {
            if (response == null || response.Length < MaxResponseBytes)
            {
                throw new ArgumentException("response must hold MaxResponseBytes");
            }
        }

        // ---- reading names -------------------------------------------------------------------------------

        /// <summary>
        /// Checks the name at <paramref name="pos"/> and returns the offset just after it in the packet (after
        /// its terminating zero or its first pointer), or -1 when it is malformed or breaks a bound.
        /// </summary>
        private static int NameEnd(byte[] p, int count, int pos)
        {
            int end = -1;
            int limit = pos;
            int nameBytes = 1;
            int hops = 0;
            while (true)
            {
                if (pos >= count)
                {
                    return -1;
                }
                int len = p[pos];
                if (len == 0)
                {
                    return end < 0 ? pos + 1 : end;
                }
                if ((len & 0xC0) == 0xC0)
                {
                    if (pos + 1 >= count)
                    {
                        return -1;
                    }
                    int target = ((len & 0x3F) << 8) | p[pos + 1];
                    // Only backwards, and each jump before the previous one: no loops are possible.
                    if (++hops > MaxPointerHops || target < HeaderBytes || target >= limit)
                    {
                        return -1;
                    }
                    if (end < 0)
                    {
                        end = pos + 2;
                    }
                    limit = target;
                    pos = target;
                    continue;
                }
                if (len > MaxLabelBytes)
                {
                    return -1; // 0x40 and 0x80 label types are not used in mDNS
                }
                nameBytes += len + 1;
                if (nameBytes > MaxNameBytes || pos + 1 + len > count)
                {
                    return -1;
                }
                pos += 1 + len;
            }
        }

        /// <summary>
        /// True when the (already checked) name at <paramref name="pos"/> equals the uncompressed wire name
        /// <paramref name="wire"/>, ASCII letters compared case-insensitively (RFC 6762 section 16).
        /// </summary>
        private static bool NameEquals(byte[] p, int count, int pos, byte[] wire)
        {
            int w = 0;
            int limit = pos;
            int hops = 0;
            while (true)
            {
                if (pos >= count || w >= wire.Length)
                {
                    return false;
                }
                int len = p[pos];
                if ((len & 0xC0) == 0xC0)
                {
                    if (pos + 1 >= count)
                    {
                        return false;
                    }
                    int target = ((len & 0x3F) << 8) | p[pos + 1];
                    if (++hops > MaxPointerHops || target < HeaderBytes || target >= limit)
                    {
                        return false;
                    }
                    limit = target;
                    pos = target;
                    continue;
                }
                if (len != wire[w])
                {
                    return false;
                }
                if (len == 0)
                {
                    return true;
                }
                if (len > MaxLabelBytes || pos + 1 + len > count || w + 1 + len > wire.Length)
                {
                    return false;
                }
                for (int i = 1; i <= len; i++)
                {
                    if (Lower(p[pos + i]) != Lower(wire[w + i]))
                    {
                        return false;
                    }
                }
                pos += 1 + len;
                w += 1 + len;
            }
        }

        private static int Lower(byte c)
        {
            return c >= (byte)'A' && c <= (byte)'Z' ? c + 32 : c;
        }

        // ---- writing the response ------------------------------------------------------------------------

        private int Write(byte[] r, int answers, int additional)
        {
            servicePos = -1;
            instancePos = -1;
            hostPos = -1;
            localPos = -1;
            // Header: id 0, QR=1 AA=1, no questions (RFC 6762 section 18).
            r[0] = 0;
            r[1] = 0;
            r[2] = 0x84;
            r[3] = 0;
            Wire.WriteUInt16(r, 4, 0);
            Wire.WriteUInt16(r, 6, Count(answers));
            Wire.WriteUInt16(r, 8, 0);
            Wire.WriteUInt16(r, 10, Count(additional));
            int pos = HeaderBytes;
            pos = WriteRecords(r, pos, answers);
            pos = WriteRecords(r, pos, additional);
            return pos;
        }

        private static int Count(int set)
        {
            int n = 0;
            for (int bit = 1; bit <= WantA; bit <<= 1)
            {
                if ((set & bit) != 0)
                {
                    n++;
                }
            }
            return n;
        }

        private int WriteRecords(byte[] r, int pos, int set)
        {
            if ((set & WantPtr) != 0)
            {
                // PTR _mqtt._tcp.local -> <instance>._mqtt._tcp.local (shared: no cache-flush bit).
                pos = WriteService(r, pos);
                pos = WriteRecordHeader(r, pos, TypePtr, false, OtherTtlSeconds);
                int data = pos;
                pos = WriteInstance(r, pos);
                Wire.WriteUInt16(r, data - 2, pos - data);
            }
            if ((set & WantSrv) != 0)
            {
                pos = WriteInstance(r, pos);
                pos = WriteRecordHeader(r, pos, TypeSrv, true, HostTtlSeconds);
                int data = pos;
                Wire.WriteUInt16(r, pos, 0); // priority
                Wire.WriteUInt16(r, pos + 2, 0); // weight
                Wire.WriteUInt16(r, pos + 4, port);
                pos = WriteHost(r, pos + 6);
                Wire.WriteUInt16(r, data - 2, pos - data);
            }
            if ((set & WantTxt) != 0)
            {
                // One empty string: "no additional data" (RFC 6763 section 6.1).
                pos = WriteInstance(r, pos);
                pos = WriteRecordHeader(r, pos, TypeTxt, true, OtherTtlSeconds);
                Wire.WriteUInt16(r, pos - 2, 1);
                r[pos++] = 0;
            }
            if ((set & WantA) != 0)
            {
                pos = WriteHost(r, pos);
                pos = WriteRecordHeader(r, pos, TypeA, true, HostTtlSeconds);
                Wire.WriteUInt16(r, pos - 2, 4);
                Array.Copy(address, 0, r, pos, 4);
                pos += 4;
            }
            return pos;
        }

        // Type, class (with the cache-flush bit for unique records), TTL, and room for the data length.
        private static int WriteRecordHeader(byte[] r, int pos, int type, bool unique, int ttl)
        {
            Wire.WriteUInt16(r, pos, type);
            Wire.WriteUInt16(r, pos + 2, unique ? (CacheFlush | ClassIn) : ClassIn);
            r[pos + 4] = (byte)(ttl >> 24);
            r[pos + 5] = (byte)(ttl >> 16);
            r[pos + 6] = (byte)(ttl >> 8);
            r[pos + 7] = (byte)ttl;
            Wire.WriteUInt16(r, pos + 8, 0);
            return pos + 10;
        }

        private int WriteService(byte[] r, int pos)
        {
            if (servicePos >= 0)
            {
                return WritePointer(r, pos, servicePos);
            }
            servicePos = pos;
            localPos = pos + LocalInService;
            Array.Copy(ServiceName, 0, r, pos, ServiceName.Length);
            return pos + ServiceName.Length;
        }

        private int WriteInstance(byte[] r, int pos)
        {
            if (instancePos >= 0)
            {
                return WritePointer(r, pos, instancePos);
            }
            instancePos = pos;
            pos = WriteLabel(r, pos);
            return WriteService(r, pos);
        }

        private int WriteHost(byte[] r, int pos)
        {
            if (hostPos >= 0)
            {
                return WritePointer(r, pos, hostPos);
            }
            hostPos = pos;
            pos = WriteLabel(r, pos);
            if (localPos >= 0)
            {
                return WritePointer(r, pos, localPos);
            }
            localPos = pos;
            int localBytes = ServiceName.Length - LocalInService;
            Array.Copy(ServiceName, LocalInService, r, pos, localBytes);
            return pos + localBytes;
        }

        private int WriteLabel(byte[] r, int pos)
        {
            r[pos] = (byte)instanceLabel.Length;
            Array.Copy(instanceLabel, 0, r, pos + 1, instanceLabel.Length);
            return pos + 1 + instanceLabel.Length;
        }

        private static int WritePointer(byte[] r, int pos, int target)
        {
            r[pos] = (byte)(0xC0 | (target >> 8));
            r[pos + 1] = (byte)target;
            return pos + 2;
        }
    }
}
