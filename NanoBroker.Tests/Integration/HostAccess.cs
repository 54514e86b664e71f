using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoBroker.Host;
using NanoBroker.Security;

namespace NanoBroker.Tests.Integration
{
    /// <summary>
    /// Access control as the host builds it: a password file with alice (password "secret") and bob
    /// ("hunter2"), the given rule file, --allow-anonymous as asked and any more of the host's options. The files
    /// live in a temporary folder removed by <see cref="Dispose"/>.
    /// </summary>
    public sealed class HostAccess : IDisposable
    {
        private readonly string folder;

        public HostAccess(string acl, bool allowAnonymous, params string[] moreOptions)
        {
            folder = Path.Combine(Path.GetTempPath(), "nanobroker-access-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            string passwords = Path.Combine(folder, "passwords");
            string rules = Path.Combine(folder, "acl");
            File.WriteAllText(passwords,
                AccessFiles.FormatPasswordLine("alice", "secret", new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, 1000) + "\n" +
                AccessFiles.FormatPasswordLine("bob", "hunter2", new byte[] { 8, 7, 6, 5, 4, 3, 2, 1 }, 1000) + "\n");
            File.WriteAllText(rules, acl);
            string[] options = { "--password-file", passwords, "--acl-file", rules, "--allow-anonymous", allowAnonymous ? "true" : "false" };
            CommandLine settings = CommandLine.Parse(options.Concat(moreOptions).ToArray());
            Control = AccessLoader.Load(settings);
            Assert.IsNotNull(Control);
            Assert.AreEqual(2, Control.UserCount);
        }

        public AccessControl Control { get; }

        /// <summary>
        /// Sends <paramref name="connectPacket"/> on a new connection and checks the broker answers with
        /// CONNACK <paramref name="code"/>, session present 0 [MQTT-3.2.2-4], and then closes it [MQTT-3.2.2-5].
        /// </summary>
        public static async Task ExpectRefusedAsync(TestBroker broker, byte[] connectPacket, byte code, string who, System.Threading.CancellationToken cancel)
        {
            using RawMqttClient client = await RawMqttClient.OpenAsync(broker, cancel);
            await client.SendAsync(connectPacket, cancel);
            RawMqttClient.Packet connAck = await client.ReadPacketAsync(TimeSpan.FromSeconds(5));
            Assert.IsNotNull(connAck, who + ": the broker closed the connection without CONNACK");
            Assert.AreEqual(0x20, connAck.Header, who + ": CONNACK fixed header");
            CollectionAssert.AreEqual(new byte[] { 0, code }, connAck.Body,
                who + ": expected CONNACK session present 0, return code " + code + "; got " + BitConverter.ToString(connAck.Body));
            await client.ExpectClosedAsync(TimeSpan.FromSeconds(5), who + ": refused [MQTT-3.2.2-5]");
        }

        public void Dispose()
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, true);
            }
        }
    }
}
