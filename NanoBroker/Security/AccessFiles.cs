using NanoBroker.Protocol;
using NanoBroker.Routing;

namespace NanoBroker.Security
{
    /// <summary>
    /// The text files of access control, read into an <see cref="AccessControl"/>:
    /// a password file of "user:$pbkdf2-sha256$iterations$salt-hex$hash-hex" lines, and a rule file in
    /// the manner of mosquitto's acl_file ("user NAME", "topic [read|write|readwrite|deny] FILTER",
    /// "pattern [read|write|readwrite|deny] FILTER" with %c and %u; "topic" lines before any "user" line
    /// apply to anonymous clients; a deny takes its topics out of every grant). Lines starting with '#' are comments.
    /// </summary>
    public static class AccessFiles
    {
        public const string Scheme = "$pbkdf2-sha256$";

        // A rule of a "user" line that names no known user: it applies to nobody.
        private const int NoSuchUser = -3;

        /// <summary>Reads password lines into <paramref name="into"/>; returns null, or "line N: problem".</summary>
        public static string LoadPasswords(byte[] text, AccessControl into)
        {
            int lineNumber = 0;
            int at = 0;
            int start, length;
            while (NextContentLine(text, ref at, ref lineNumber, out start, out length))
            {
                int colon = IndexOf(text, start, length, (byte)':');
                if (colon <= start)
                {
                    return "line " + lineNumber + ": expected user:hash";
                }
                byte[] name = Slice(text, start, colon - start);
                byte[] hash = Slice(text, colon + 1, start + length - colon - 1);
                byte[] salt;
                byte[] derived;
                int rounds;
                string problem = ParseHash(hash, out rounds, out salt, out derived);
                if (problem != null)
                {
                    return "line " + lineNumber + ": " + problem;
                }
                if (into.FindUser(name, 0, name.Length) >= 0)
                {
                    return "line " + lineNumber + ": user " + Utf8.GetString(name, 0, name.Length) + " appears twice";
                }
                into.AddUser(name, salt, rounds, derived);
            }
            return null;
        }

        /// <summary>Reads rule lines into <paramref name="into"/> (after the passwords); returns null, or "line N: problem".</summary>
        public static string LoadRules(byte[] text, AccessControl into)
        {
            int owner = AccessControl.Anonymous;
            int lineNumber = 0;
            int at = 0;
            int start, length;
            while (NextContentLine(text, ref at, ref lineNumber, out start, out length))
            {
                int wordEnd = IndexOf(text, start, length, (byte)' ');
                if (wordEnd < 0)
                {
                    return "line " + lineNumber + ": expected a keyword and a value";
                }
                string keyword = Utf8.GetString(text, start, wordEnd - start);
                int restStart = SkipSpaces(text, wordEnd, start + length);
                int restLength = start + length - restStart;
                if (keyword == "user")
                {
                    int user = into.FindUser(text, restStart, restLength);
                    owner = user >= 0 ? user : NoSuchUser;
                    continue;
                }
                if (keyword != "topic" && keyword != "pattern")
                {
                    return "line " + lineNumber + ": unknown keyword '" + keyword + "'";
                }
                int rights = AccessRight.ReadWrite;
                int space = IndexOf(text, restStart, restLength, (byte)' ');
                if (space > 0)
                {
                    string access = Utf8.GetString(text, restStart, space - restStart);
                    rights = access == "read" ? AccessRight.Read : access == "write" ? AccessRight.Write : access == "readwrite" ? AccessRight.ReadWrite
                        : access == "deny" ? AccessRight.Deny : 0;
                    if (rights == 0)
                    {
                        return "line " + lineNumber + ": access must be read, write, readwrite or deny, not '" + access + "'";
                    }
                    int topicStart = SkipSpaces(text, space, start + length);
                    restLength = start + length - topicStart;
                    restStart = topicStart;
                }
                if (!Topic.IsValidFilter(text, restStart, restLength))
                {
                    return "line " + lineNumber + ": '" + Utf8.GetString(text, restStart, restLength) + "' is not a valid topic filter";
                }
                if (owner != NoSuchUser)
                {
                    into.AddRule(keyword == "pattern" ? AccessControl.Everyone : owner, rights, Slice(text, restStart, restLength));
                }
            }
            return null;
        }

        /// <summary>The password-file line for a user (the salt comes from the caller's random source).</summary>
        public static string FormatPasswordLine(string user, string password, byte[] salt, int iterations)
        {
            byte[] secret = Utf8.GetBytes(password);
            byte[] hash = new byte[Sha256.HashBytes];
            new Pbkdf2().Derive(secret, 0, secret.Length, salt, iterations, hash);
            return user + ":" + Scheme + iterations + "$" + Hex(salt) + "$" + Hex(hash);
        }

        private static string ParseHash(byte[] text, out int rounds, out byte[] salt, out byte[] hash)
        {
            rounds = 0;
            salt = null;
            hash = null;
            byte[] scheme = Utf8.GetBytes(Scheme);
            if (text.Length < scheme.Length || !Topic.Equal(text, 0, scheme.Length, scheme, 0, scheme.Length))
            {
                return "the hash must start with " + Scheme + " (make entries with the host's passwd command)";
            }
            int roundsEnd = IndexOf(text, scheme.Length, text.Length - scheme.Length, (byte)'$');
            int saltEnd = roundsEnd < 0 ? -1 : IndexOf(text, roundsEnd + 1, text.Length - roundsEnd - 1, (byte)'$');
            if (saltEnd < 0)
            {
                return "expected " + Scheme + "iterations$salt$hash";
            }
            for (int i = scheme.Length; i < roundsEnd; i++)
            {
                if (text[i] < (byte)'0' || text[i] > (byte)'9' || rounds > 100000000)
                {
                    return "the iteration count is not a number";
                }
                rounds = rounds * 10 + (text[i] - '0');
            }
            salt = FromHex(text, roundsEnd + 1, saltEnd - roundsEnd - 1);
            hash = FromHex(text, saltEnd + 1, text.Length - saltEnd - 1);
            if (rounds < 1 || salt == null || salt.Length == 0 || hash == null || hash.Length != Sha256.HashBytes)
            {
                return "the iterations, salt or hash are not valid";
            }
            return null;
        }

        // The next line that is neither blank nor a comment, trimmed; false at the end of the text.
        private static bool NextContentLine(byte[] text, ref int at, ref int lineNumber, out int start, out int length)
        {
            while (at < text.Length)
            {
                at = NextLine(text, at, out start, out length);
                lineNumber++;
                if (length > 0 && text[start] != (byte)'#')
                {
                    return true;
                }
            }
            start = 0;
            length = 0;
            return false;
        }

        private static int NextLine(byte[] text, int at, out int start, out int length)
        {
            int end = at;
            while (end < text.Length && text[end] != (byte)'\n')
            {
                end++;
            }
            start = SkipSpaces(text, at, end);
            int last = end;
            while (last > start && (text[last - 1] == (byte)'\r' || text[last - 1] == (byte)' ' || text[last - 1] == (byte)'\t'))
            {
                last--;
            }
            length = last - start;
            return end + 1;
        }

        private static int SkipSpaces(byte[] text, int at, int end)
        {
            while (at < end && (text[at] == (byte)' ' || text[at] == (byte)'\t'))
            {
                at++;
            }
            return at;
        }

        private static int IndexOf(byte[] text, int start, int length, byte value)
        {
            for (int i = start; i < start + length; i++)
            {
                if (text[i] == value)
                {
                    return i;
                }
            }
            return -1;
        }

        private static byte[] Slice(byte[] text, int start, int length)
        {
            byte[] bytes = new byte[length];
            System.Array.Copy(text, start, bytes, 0, length);
            return bytes;
        }

        private static string Hex(byte[] bytes)
        {
            const string digits = "0123456789abcdef";
            char[] chars = new char[bytes.Length * 2];
            for (int i = 0; i < bytes.Length; i++)
            {
                chars[i * 2] = digits[bytes[i] >> 4];
                chars[i * 2 + 1] = digits[bytes[i] & 0xF];
            }
            return new string(chars);
        }

        private static byte[] FromHex(byte[] text, int start, int length)
        {
            if (length % 2 != 0)
            {
                return null;
            }
            byte[] bytes = new byte[length / 2];
            for (int i = 0; i < bytes.Length; i++)
            {
                int high = HexDigit(text[start + i * 2]);
                int low = HexDigit(text[start + i * 2 + 1]);
                if (high < 0 || low < 0)
                {
                    return null;
                }
                bytes[i] = (byte)((high << 4) | low);
            }
            return bytes;
        }

        private static int HexDigit(byte c)
        {
            return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        }
    }
}
