using NanoBroker.Protocol;
using NanoBroker.Routing;

namespace NanoBroker.Security
{
    /// <summary>
    /// Who may connect (user names with salted PBKDF2-SHA-256 password hashes, anonymous access) and
    /// what each may read and write (rules in the manner of mosquitto's ACL file). Built once at start
    /// by <see cref="AccessFiles"/>; checks allocate nothing.
    /// </summary>
    public sealed class AccessControl
    {
        /// <summary>The rule owner of "topic" lines before any "user" line: clients without a user name.</summary>
        public const int Anonymous = -1;

        /// <summary>The rule owner of "pattern" lines: every client.</summary>
        public const int Everyone = -2;

        private readonly Pbkdf2 pbkdf2 = new Pbkdf2();
        private readonly byte[] derived = new byte[Sha256.HashBytes];
        private readonly byte[] expanded;

        private byte[][] userNames = new byte[0][];
        private byte[][] salts = new byte[0][];
        private byte[][] hashes = new byte[0][];
        private int[] iterations = new int[0];

        private byte[][] ruleTopics = new byte[0][];
        private int[] ruleOwners = new int[0];
        private int[] ruleRights = new int[0];

        /// <summary>Clients without a user name may connect.</summary>
        public bool AllowAnonymous;

        /// <summary><paramref name="maxTopicBytes"/> bounds a rule topic after %c/%u substitution.</summary>
        public AccessControl(bool allowAnonymous, int maxTopicBytes)
        {
            AllowAnonymous = allowAnonymous;
            expanded = new byte[maxTopicBytes];
        }

        public int UserCount { get { return userNames.Length; } }

        public int RuleCount { get { return ruleTopics.Length; } }

        public void AddUser(byte[] name, byte[] salt, int rounds, byte[] hash)
        {
            int n = userNames.Length;
            userNames = Grow(userNames, name);
            salts = Grow(salts, salt);
            hashes = Grow(hashes, hash);
            int[] moreRounds = new int[n + 1];
            System.Array.Copy(iterations, moreRounds, n);
            moreRounds[n] = rounds;
            iterations = moreRounds;
        }

        /// <summary>Grants <paramref name="rights"/> on a topic filter (with %c/%u) to a user index, <see cref="Anonymous"/> or <see cref="Everyone"/>.</summary>
        public void AddRule(int owner, int rights, byte[] topic)
        {
            int n = ruleTopics.Length;
            ruleTopics = Grow(ruleTopics, topic);
            int[] owners = new int[n + 1];
            int[] grants = new int[n + 1];
            System.Array.Copy(ruleOwners, owners, n);
            System.Array.Copy(ruleRights, grants, n);
            owners[n] = owner;
            grants[n] = rights;
            ruleOwners = owners;
            ruleRights = grants;
        }

        /// <summary>The name of user <paramref name="user"/>, or null for <see cref="Anonymous"/>.</summary>
        public byte[] UserName(int user)
        {
            return user >= 0 ? userNames[user] : null;
        }

        /// <summary>The index of a user name, or -1.</summary>
        public int FindUser(byte[] bytes, int start, int length)
        {
            for (int i = 0; i < userNames.Length; i++)
            {
                if (Topic.Equal(userNames[i], 0, userNames[i].Length, bytes, start, length))
                {
                    return i;
                }
            }
            return -1;
        }

        /// <summary>The password salt of user <paramref name="user"/> (the stored array: do not change it).</summary>
        public byte[] PasswordSalt(int user)
        {
            return salts[user];
        }

        /// <summary>The PBKDF2 iteration count of user <paramref name="user"/>.</summary>
        public int PasswordIterations(int user)
        {
            return iterations[user];
        }

        /// <summary>
        /// The 32-byte PBKDF2-HMAC-SHA-256 password hash of user <paramref name="user"/>, which is SCRAM-SHA-256's
        /// SaltedPassword (the stored array: do not change it).
        /// </summary>
        public byte[] PasswordHash(int user)
        {
            return hashes[user];
        }

        /// <summary>
        /// Checks the credentials of a CONNECT: returns <see cref="ConnectReturnCode.Accepted"/> with the
        /// user's index in <paramref name="user"/> (<see cref="Anonymous"/> without a user name),
        /// <see cref="ConnectReturnCode.NotAuthorized"/> for an anonymous client when that is off, or
        /// <see cref="ConnectReturnCode.BadUserNameOrPassword"/>.
        /// </summary>
        public byte Authenticate(byte[] b, int userStart, int userLength, bool hasUser, int passwordStart, int passwordLength, bool hasPassword, out int user)
        {
            user = Anonymous;
            if (!hasUser)
            {
                return AllowAnonymous ? ConnectReturnCode.Accepted : ConnectReturnCode.NotAuthorized;
            }
            int found = FindUser(b, userStart, userLength);
            if (found < 0 || !hasPassword)
            {
                return ConnectReturnCode.BadUserNameOrPassword;
            }
            pbkdf2.Derive(b, passwordStart, passwordLength, salts[found], iterations[found], derived);
            if (!SameBytes(derived, hashes[found]))
            {
                return ConnectReturnCode.BadUserNameOrPassword;
            }
            user = found;
            return ConnectReturnCode.Accepted;
        }

        /// <summary>True when the client may publish to the topic name. Without rules everything is allowed.</summary>
        public bool MayPublish(int user, byte[] clientId, int clientIdStart, int clientIdLength, byte[] topic, int start, int length)
        {
            return Allowed(AccessRight.Write, user, clientId, clientIdStart, clientIdLength, topic, start, length);
        }

        /// <summary>True when the client may receive a message on the topic name. Without rules everything is allowed.</summary>
        public bool MayRead(int user, byte[] clientId, int clientIdStart, int clientIdLength, byte[] topic, int start, int length)
        {
            return Allowed(AccessRight.Read, user, clientId, clientIdStart, clientIdLength, topic, start, length);
        }

        /// <summary>
        /// What the client may read through the filter (a <see cref="Security.SubscribeAccess"/> value): granted when
        /// a rule grants every topic it can match, refused when none does or a deny rule covers it all, checked per
        /// message when a deny rule takes out part of it (as mosquitto: "#" with "topic deny secret/#" reads all
        /// but secret/...). Without rules everything is granted.
        /// </summary>
        public byte SubscribeAccess(int user, byte[] clientId, int clientIdStart, int clientIdLength, byte[] filter, int start, int length)
        {
            if (ruleTopics.Length == 0)
            {
                return Security.SubscribeAccess.Granted;
            }
            bool granted = false;
            bool denyOverlaps = false;
            for (int i = 0; i < ruleTopics.Length; i++)
            {
                int n = ExpandRule(i, AccessRight.Read, user, clientId, clientIdStart, clientIdLength);
                if (n < 0)
                {
                    continue;
                }
                if (ruleRights[i] == AccessRight.Deny)
                {
                    if (TopicPattern.Covers(expanded, 0, n, filter, start, length))
                    {
                        return Security.SubscribeAccess.Refused;
                    }
                    denyOverlaps |= TopicPattern.Overlaps(expanded, 0, n, filter, start, length);
                }
                else
                {
                    granted |= TopicPattern.Covers(expanded, 0, n, filter, start, length);
                }
            }
            return !granted ? Security.SubscribeAccess.Refused : denyOverlaps ? Security.SubscribeAccess.Checked : Security.SubscribeAccess.Granted;
        }

        // A deny rule that matches the topic refuses it whatever grants it [mosquitto: denials are checked first].
        private bool Allowed(int right, int user, byte[] clientId, int clientIdStart, int clientIdLength, byte[] topic, int start, int length)
        {
            if (ruleTopics.Length == 0)
            {
                return true;
            }
            bool granted = false;
            for (int i = 0; i < ruleTopics.Length; i++)
            {
                int n = ExpandRule(i, right, user, clientId, clientIdStart, clientIdLength);
                if (n < 0 || !Topic.Matches(expanded, 0, n, topic, start, length))
                {
                    continue;
                }
                if (ruleRights[i] == AccessRight.Deny)
                {
                    return false;
                }
                granted = true;
            }
            return granted;
        }

        // Rule i's filter for this client in `expanded` (%c and %u replaced): its length, or -1 when the rule is
        // another user's, grants other rights (deny rules apply to every right), or does not expand.
        private int ExpandRule(int i, int right, int user, byte[] clientId, int clientIdStart, int clientIdLength)
        {
            int owner = ruleOwners[i];
            if ((ruleRights[i] & (right | AccessRight.Deny)) == 0 || (owner != Everyone && owner != user))
            {
                return -1;
            }
            byte[] userName = user >= 0 ? userNames[user] : null;
            return TopicPattern.Expand(ruleTopics[i], 0, ruleTopics[i].Length, clientId, clientIdStart, clientIdLength, userName, user >= 0 ? userName.Length : 0, expanded);
        }

        // Compares all bytes whatever differs first, so timing tells nothing about the hash.
        private static bool SameBytes(byte[] a, byte[] b)
        {
            if (a.Length != b.Length)
            {
                return false;
            }
            int difference = 0;
            for (int i = 0; i < a.Length; i++)
            {
                difference |= a[i] ^ b[i];
            }
            return difference == 0;
        }

        private static byte[][] Grow(byte[][] array, byte[] item)
        {
            byte[][] bigger = new byte[array.Length + 1][];
            System.Array.Copy(array, bigger, array.Length);
            bigger[array.Length] = item;
            return bigger;
        }
    }
}
