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

        // Identities authenticated by tokens (NanoBroker.Tokens), user indexes from UserCount on: each name (null: a
        // free slot), the rules of its latest token's rules claim packed as (rights, length high, length low, filter)
        // or -1: none, and whether a sweep found it still held (ForgetUnheldTokenUsers).
        private byte[][] tokenNames = new byte[0][];
        private byte[][] tokenRules = new byte[0][];
        private int[] tokenRuleBytes = new int[0];
        private bool[] tokenHeld = new bool[0];
        private int tokenCount;

        private byte[][] ruleTopics = new byte[0][];
        private int[] ruleOwners = new int[0];
        private int[] ruleRights = new int[0];

        /// <summary>Clients without a user name may connect.</summary>
        public bool AllowAnonymous;

        /// <summary>
        /// A SUBSCRIBE or PUBLISH the rules refuse gets 0x80 Unspecified error in MQTT 5.0, which a server uses when
        /// it "does not wish to reveal the reason" (MQTT 5.0 sections 3.4.2.1, 3.9.3), so a client cannot probe the
        /// rules; otherwise 0x87 Not authorized, as mosquitto.
        /// </summary>
        public bool HidesRefusalReasons;

        /// <summary>The 5.0 reason code of a SUBSCRIBE or PUBLISH the rules refuse (<see cref="HidesRefusalReasons"/>).</summary>
        public byte RefusalReason { get { return HidesRefusalReasons ? ReasonCode.UnspecifiedError : ReasonCode.NotAuthorized; } }

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

        /// <summary>The name of user <paramref name="user"/> (a token identity's too), or null for <see cref="Anonymous"/>.</summary>
        public byte[] UserName(int user)
        {
            return user < 0 ? null : user < userNames.Length ? userNames[user] : tokenNames[user - userNames.Length];
        }

        /// <summary>
        /// Makes room for <paramref name="capacity"/> token identities with rules claims of up to
        /// <paramref name="maxRuleBytes"/> packed bytes each; called once at start, after the password file.
        /// </summary>
        public void EnableTokenUsers(int capacity, int maxRuleBytes)
        {
            tokenNames = new byte[capacity][];
            tokenRules = new byte[capacity][];
            tokenRuleBytes = new int[capacity];
            tokenHeld = new bool[capacity];
            for (int i = 0; i < capacity; i++)
            {
                tokenRules[i] = new byte[maxRuleBytes];
                tokenRuleBytes[i] = -1;
            }
            tokenCount = 0;
        }

        /// <summary>True when tokens may authenticate (<see cref="EnableTokenUsers"/> was called).</summary>
        public bool TokenUsers { get { return tokenNames.Length > 0; } }

        /// <summary>
        /// The user index of a token identity: found, or added with no rules claim in a free slot (its name copied);
        /// -1 when the table is full (<see cref="ForgetUnheldTokenUsers"/> frees slots). Token identities are never
        /// password-file users: "user" blocks of the rule file do not apply to them, "pattern" lines do.
        /// </summary>
        public int TokenUser(byte[] name, int start, int length)
        {
            int free = -1;
            for (int i = 0; i < tokenCount; i++)
            {
                if (tokenNames[i] == null)
                {
                    free = free < 0 ? i : free;
                }
                else if (Topic.Equal(tokenNames[i], 0, tokenNames[i].Length, name, start, length))
                {
                    return userNames.Length + i;
                }
            }
            if (free < 0)
            {
                if (tokenCount == tokenNames.Length)
                {
                    return -1;
                }
                free = tokenCount++;
            }
            byte[] copy = new byte[length];
            System.Array.Copy(name, start, copy, 0, length);
            tokenNames[free] = copy;
            tokenRuleBytes[free] = -1;
            return userNames.Length + free;
        }

        /// <summary>
        /// Starts a sweep of the token identities: mark each user index still in use (the owners of sessions) with
        /// <see cref="HoldTokenUser"/>, then <see cref="ForgetUnheldTokenUsers"/> frees the others' slots.
        /// </summary>
        public void StartTokenSweep()
        {
            for (int i = 0; i < tokenCount; i++)
            {
                tokenHeld[i] = false;
            }
        }

        /// <summary>Marks user <paramref name="user"/> as in use in the sweep (any user index; only token identities count).</summary>
        public void HoldTokenUser(int user)
        {
            int slot = user - userNames.Length;
            if (slot >= 0 && slot < tokenCount)
            {
                tokenHeld[slot] = true;
            }
        }

        /// <summary>Ends the sweep: the token identities not held are forgotten, their slots free for others.</summary>
        public void ForgetUnheldTokenUsers()
        {
            for (int i = 0; i < tokenCount; i++)
            {
                if (!tokenHeld[i])
                {
                    tokenNames[i] = null;
                    tokenRuleBytes[i] = -1;
                }
            }
        }

        /// <summary>
        /// Sets the rules of a token identity from its latest token's rules claim (<paramref name="count"/> -1: the
        /// token has none, the rule file alone decides); false when they do not fit the room sized at start.
        /// </summary>
        public bool SetTokenRules(int user, int count, int[] rights, byte[] bytes, int[] starts, int[] lengths)
        {
            int slot = user - userNames.Length;
            byte[] packed = tokenRules[slot];
            int at = 0;
            for (int i = 0; i < count; i++)
            {
                if (at + 3 + lengths[i] > packed.Length)
                {
                    tokenRuleBytes[slot] = 0;
                    return false;
                }
                packed[at] = (byte)rights[i];
                packed[at + 1] = (byte)(lengths[i] >> 8);
                packed[at + 2] = (byte)lengths[i];
                System.Array.Copy(bytes, starts[i], packed, at + 3, lengths[i]);
                at += 3 + lengths[i];
            }
            tokenRuleBytes[slot] = count < 0 ? -1 : at;
            return true;
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
        /// but secret/...). A token identity's rules claim must cover the filter too. Without rules everything is granted.
        /// A <paramref name="shared"/> subscription is granted whole or not at all: a group's member is chosen per
        /// message before the rules of its session are known, so one a deny cuts into is refused.
        /// </summary>
        public byte SubscribeAccess(int user, byte[] clientId, int clientIdStart, int clientIdLength, byte[] filter, int start, int length, bool shared)
        {
            bool granted = ruleTopics.Length == 0;
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
            if (!granted || !TokenRulesAllow(AccessRight.Read, user, clientId, clientIdStart, clientIdLength, filter, start, length, true))
            {
                return Security.SubscribeAccess.Refused;
            }
            return !denyOverlaps ? Security.SubscribeAccess.Granted : shared ? Security.SubscribeAccess.Refused : Security.SubscribeAccess.Checked;
        }

        // A deny rule that matches the topic refuses it whatever grants it [mosquitto: denials are checked first]; a
        // token identity's rules claim, when its token had one, must allow it as well as the rule file.
        private bool Allowed(int right, int user, byte[] clientId, int clientIdStart, int clientIdLength, byte[] topic, int start, int length)
        {
            bool granted = ruleTopics.Length == 0;
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
            return granted && TokenRulesAllow(right, user, clientId, clientIdStart, clientIdLength, topic, start, length, false);
        }

        // True unless user is a token identity whose token had a rules claim and none of its rules grants the right
        // on the topic name (or covers the filter).
        private bool TokenRulesAllow(int right, int user, byte[] clientId, int clientIdStart, int clientIdLength, byte[] topic, int start, int length, bool isFilter)
        {
            int slot = user - userNames.Length;
            if (slot < 0 || tokenRuleBytes[slot] < 0)
            {
                return true;
            }
            byte[] userName = UserName(user);
            byte[] packed = tokenRules[slot];
            for (int at = 0; at < tokenRuleBytes[slot]; at += 3 + ((packed[at + 1] << 8) | packed[at + 2]))
            {
                int ruleLength = (packed[at + 1] << 8) | packed[at + 2];
                if ((packed[at] & right) == 0)
                {
                    continue;
                }
                int n = TopicPattern.Expand(packed, at + 3, ruleLength, clientId, clientIdStart, clientIdLength, userName, userName.Length, expanded);
                if (n >= 0 && (isFilter ? TopicPattern.Covers(expanded, 0, n, topic, start, length) : Topic.Matches(expanded, 0, n, topic, start, length)))
                {
                    return true;
                }
            }
            return false;
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
            byte[] userName = UserName(user);
            return TopicPattern.Expand(ruleTopics[i], 0, ruleTopics[i].Length, clientId, clientIdStart, clientIdLength, userName, userName != null ? userName.Length : 0, expanded);
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
