using System;
using System.Collections.Generic;
using System.IO;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoBroker.Esp32;
using NanoBroker.Security;

namespace NanoBroker.Tests.Device
{
    /// <summary>
    /// How the board builds its access control from I:\nanobroker.ini and the access files
    /// (hardware/esp32/DeviceAccess.cs): anonymous access off unless asked for, a bad file stops the board.
    /// </summary>
    [TestClass]
    public class DeviceAccessTests
    {
        private string folder;
        private readonly ListLog log = new ListLog();

        [TestInitialize]
        public void MakeFolder()
        {
            folder = Path.Combine(Path.GetTempPath(), "nanobroker-access-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
        }

        [TestCleanup]
        public void RemoveFolder()
        {
            Directory.Delete(folder, true);
        }

        private string Write(string name, string text)
        {
            string path = Path.Combine(folder, name);
            File.WriteAllText(path, text);
            return path;
        }

        [TestMethod]
        public void WithoutFilesNobodyGetsInAndTheLogSaysHowToFixIt()
        {
            // The board's defaults: no password file on I:\, allow_anonymous=false.
            AccessControl access = DeviceAccess.Load(new DeviceSettings(), 1024, log);
            Assert.IsNotNull(access, "anonymous clients are refused, so there is access control");
            Assert.AreEqual(0, access.UserCount);
            Assert.IsTrue(log.Warned("NOBODY CAN CONNECT"), log.Text);
        }

        [TestMethod]
        public void AllowAnonymousWithoutFilesLetsEveryoneInWithAWarning()
        {
            DeviceSettings settings = new DeviceSettings { AllowAnonymous = true };
            Assert.IsNull(DeviceAccess.Load(settings, 1024, log), "null: every client may do anything");
            Assert.IsTrue(log.Warned("anyone on the network may connect"), log.Text);
        }

        [TestMethod]
        public void UsersAndRulesComeFromTheNamedFiles()
        {
            DeviceSettings settings = new DeviceSettings
            {
                PasswordFile = Write("passwords.txt", AccessFiles.FormatPasswordLine("alice", "s3cret", new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, 10) + "\n"),
                AclFile = Write("acl.txt", "user alice\ntopic readwrite home/#\n"),
            };
            AccessControl access = DeviceAccess.Load(settings, 1024, log);
            Assert.AreEqual(1, access.UserCount);
            Assert.AreEqual(1, access.RuleCount);
            Assert.IsTrue(log.Said("anonymous clients refused; 1 users from " + settings.PasswordFile), log.Text);
            Assert.IsFalse(log.Warned("NOBODY"), log.Text);
        }

        [TestMethod]
        public void HideRefusalReasonsFromTheSettingsFileReachesAccessControl()
        {
            string ini = Write("nanobroker.ini", "hide_refusal_reasons=true\nacl_file=" + Write("acl.txt", "topic read home/#\n") + "\nallow_anonymous=true\n");
            DeviceSettings settings = DeviceSettings.Load(ini);
            Assert.AreEqual("", settings.Problems ?? "");
            AccessControl access = DeviceAccess.Load(settings, 1024, log);
            Assert.IsTrue(access.HidesRefusalReasons);
            Assert.AreEqual(0x80, (int)access.RefusalReason, "0x80 Unspecified error, not 0x87");
        }

        [TestMethod]
        public void ABadPasswordLineStopsTheBoardNamingFileAndLine()
        {
            DeviceSettings settings = new DeviceSettings { PasswordFile = Write("passwords.txt", "# users\nalice:plaintext\n") };
            Exception e = Assert.ThrowsExactly<Exception>(() => DeviceAccess.Load(settings, 1024, log));
            StringAssert.Contains(e.Message, settings.PasswordFile);
            StringAssert.Contains(e.Message, "line 2");
        }

        [TestMethod]
        public void ANamedFileThatIsMissingStopsTheBoard()
        {
            DeviceSettings settings = new DeviceSettings { AclFile = Path.Combine(folder, "absent.txt"), AllowAnonymous = true };
            Exception e = Assert.ThrowsExactly<Exception>(() => DeviceAccess.Load(settings, 1024, log));
            StringAssert.Contains(e.Message, "(acl_file in I:\\nanobroker.ini) does not exist");
        }

        private sealed class ListLog : IBrokerLog
        {
            private readonly List<string> lines = new List<string>();

            public bool Verbose { get { return true; } }

            public string Text { get { return string.Join("\n", lines); } }

            public void Info(string line)
            {
                lines.Add(line);
            }

            public void Warning(string line)
            {
                lines.Add("warning: " + line);
            }

            public bool Said(string text)
            {
                return lines.Exists(l => l.Contains(text, StringComparison.Ordinal));
            }

            public bool Warned(string text)
            {
                return lines.Exists(l => l.StartsWith("warning: ", StringComparison.Ordinal) && l.Contains(text, StringComparison.Ordinal));
            }
        }
    }
}
