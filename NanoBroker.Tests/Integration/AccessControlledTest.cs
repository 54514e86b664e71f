using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace NanoBroker.Tests.Integration
{
    /// <summary>
    /// A broker that checks credentials and topic rules as the host sets them up: the password file of
    /// <see cref="HostAccess"/> (alice, bob), the class's rule file, and --allow-anonymous as it says.
    /// </summary>
    public abstract class AccessControlledTest : MosquittoTest
    {
        private HostAccess access;

        /// <summary>The rule file (mosquitto's acl_file syntax).</summary>
        protected abstract string Acl { get; }

        protected abstract bool AllowAnonymous { get; }

        /// <summary>More of the host's options, as on its command line.</summary>
        protected virtual string[] MoreOptions => new string[0];

        [TestInitialize]
        public void StartWithAccessControl()
        {
            access = new HostAccess(Acl, AllowAnonymous, MoreOptions);
            StartBroker(null, access.Control);
        }

        [TestCleanup]
        public void RemoveAccessFiles()
        {
            access?.Dispose();
        }
    }
}
