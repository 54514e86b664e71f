using NanoBroker.Routing;
using NanoBroker.Sessions;

namespace NanoBroker.Sys
{
    /// <summary>
    /// Writes the payload of $SYS/broker/clients/list (BrokerOptions.SysClientList): every session, online or not, with
    /// its subscriptions, as JSON, for the status page to show who is connected and what they listen to:
    /// <c>{"clients":[{"id":"s1","online":true,"subscriptions":[{"filter":"cmd/#","qos":1}]}],"more":0}</c>.
    /// What does not fit the message is left out whole and counted in "more", so the message stays within the largest
    /// packet and the buffer it is written in.
    /// </summary>
    internal static class ClientList
    {
        // The JSON around the values, as constant strings: they stay in the assembly, taking no heap (ASCII only).
        private const string Head = "{\"clients\":[";
        private const string Id = "{\"id\":\"";
        private const string Online = "\",\"online\":true,\"subscriptions\":[";
        private const string Offline = "\",\"online\":false,\"subscriptions\":[";
        private const string Filter = "{\"filter\":\"";
        private const string Qos = "\",\"qos\":";
        private const string More = "],\"more\":";
        private const string ControlEscape = "\\u00";
        private const string HexDigits = "0123456789abcdef";

        // The tail: More, up to 10 digits, "}".
        private const int TailBytes = 21;

        /// <summary>Writes the list at <paramref name="offset"/>, ending before <paramref name="limit"/>; returns its length.</summary>
        internal static int Write(SessionTable sessions, SubscriptionTree subscriptions, byte[] buffer, int offset, int limit)
        {
            int end = limit - TailBytes;
            int at = Put(Head, buffer, offset, end);
            int more = 0;
            bool first = true;
            for (int i = 0; i < sessions.Length; i++)
            {
                Session s = sessions.At(i);
                if (!s.InUse)
                {
                    continue;
                }
                int written = first ? at : Put(',', buffer, at, end);
                written = WriteSession(s, subscriptions, buffer, written, end);
                if (written < 0)
                {
                    more++;
                    continue;
                }
                at = written;
                first = false;
            }
            at = Put(More, buffer, at, limit);
            at += SysTopics.WriteDecimal(more, buffer, at);
            buffer[at++] = (byte)'}';
            return at - offset;
        }

        // One session's object; -1 when it does not fit before end.
        private static int WriteSession(Session s, SubscriptionTree subscriptions, byte[] buffer, int at, int end)
        {
            at = Put(Id, buffer, at, end);
            at = PutEscaped(s.ClientId, 0, s.ClientIdLength, buffer, at, end);
            at = Put(s.IsOnline ? Online : Offline, buffer, at, end);
            int first = subscriptions.FirstOf(s.Id);
            for (int e = first; e != SubscriptionTree.None && at >= 0; e = subscriptions.NextOf(e))
            {
                if (e != first)
                {
                    at = Put(',', buffer, at, end);
                }
                at = Put(Filter, buffer, at, end);
                at = PutFilter(subscriptions, e, buffer, at, end);
                at = Put(Qos, buffer, at, end);
                at = Put((char)('0' + subscriptions.Qos[e]), buffer, at, end);
                at = Put('}', buffer, at, end);
            }
            at = Put(']', buffer, at, end);
            return Put('}', buffer, at, end);
        }

        // The entry's filter, escaped: copied after the room it may need, then escaped forward into place.
        private static int PutFilter(SubscriptionTree subscriptions, int entry, byte[] buffer, int at, int end)
        {
            if (at < 0)
            {
                return -1;
            }
            // A filter is at most the topic tree's path of it; copy it to the end of the room and escape it down.
            int length = subscriptions.FilterLength(entry);
            int from = end - length;
            if (from < at)
            {
                return -1;
            }
            subscriptions.CopyFilter(entry, buffer, from);
            return PutEscaped(buffer, from, length, buffer, at, end);
        }

        // JSON string content: '"', '\' and control bytes escaped; UTF-8 passes as it is. When source and destination
        // are one buffer, the source lies after the destination and writing must not overtake reading: -1 then.
        private static int PutEscaped(byte[] source, int start, int length, byte[] buffer, int at, int end)
        {
            for (int i = start; i < start + length && at >= 0; i++)
            {
                byte b = source[i];
                if (b == '"' || b == '\\')
                {
                    at = Put('\\', buffer, at, end);
                    at = Put((char)b, buffer, at, end);
                }
                else if (b < 0x20)
                {
                    at = Put(ControlEscape, buffer, at, end);
                    at = Put(HexDigits[b >> 4], buffer, at, end);
                    at = Put(HexDigits[b & 15], buffer, at, end);
                }
                else
                {
                    at = Put((char)b, buffer, at, end);
                }
                if (source == buffer && at > i + 1)
                {
                    return -1;
                }
            }
            return at;
        }

        private static int Put(string ascii, byte[] buffer, int at, int end)
        {
            if (at < 0 || at + ascii.Length > end)
            {
                return -1;
            }
            for (int i = 0; i < ascii.Length; i++)
            {
                buffer[at + i] = (byte)ascii[i];
            }
            return at + ascii.Length;
        }

        private static int Put(char c, byte[] buffer, int at, int end)
        {
            if (at < 0 || at >= end)
            {
                return -1;
            }
            buffer[at] = (byte)c;
            return at + 1;
        }
    }
}
