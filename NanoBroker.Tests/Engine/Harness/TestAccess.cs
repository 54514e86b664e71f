#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;
using NanoBroker.Security;

namespace NanoBroker.Tests.Engine.Harness
{
    /// <summary>Access control for tests: users alice (password "secret") and bob ("hunter2"), and the rules given.</summary>
    public static class TestAccess
    {
        public static AccessControl Make(string rules, bool allowAnonymous)
        {
            return Load(Alice() + Bob(), rules, allowAnonymous);
        }

        /// <summary>Only alice, as a user: bob's line is left out (a user removed from the password file).</summary>
        public static AccessControl WithoutBob(string rules, bool allowAnonymous)
        {
            return Load(Alice(), rules, allowAnonymous);
        }

        // Made when asked for: as static fields initialized through AccessFiles they loaded no user on nanoCLR.
        private static string Alice()
        {
            return AccessFiles.FormatPasswordLine("alice", "secret", Utf8.GetBytes("salt-of-alice"), 3) + "\n";
        }

        private static string Bob()
        {
            return AccessFiles.FormatPasswordLine("bob", "hunter2", Utf8.GetBytes("salt-of-bob"), 3) + "\r\n";
        }

        private static AccessControl Load(string passwords, string rules, bool allowAnonymous)
        {
            AccessControl access = new AccessControl(allowAnonymous, 256);
            Assert.IsNull(AccessFiles.LoadPasswords(Utf8.GetBytes(passwords), access), "password lines");
            Assert.IsNull(AccessFiles.LoadRules(Utf8.GetBytes(rules), access), "rules");
            return access;
        }

        /// <summary>A CONNECT with a user name and password.</summary>
        public static byte[] Connect(string clientId, bool cleanSession, string user, string password)
        {
            return Packets.Connect(clientId, cleanSession, 0, null, null, 0, false, user, Utf8.GetBytes(password));
        }
    }
}
