using System;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoBroker.Host;

namespace NanoBroker.Tests.Host
{
    /// <summary>The host's command line offers every engine limit, under the name the board's settings file uses.</summary>
    [TestClass]
    public class CommandLineTests
    {
        [TestMethod]
        public void EveryLimitIsAnOptionWithHelp()
        {
            string help = CommandLine.Help();
            for (int i = 0; i < BrokerLimits.Count; i++)
            {
                string option = "--" + BrokerLimits.Name(i).Replace('_', '-');
                // A value that keeps the options valid: the desktop default doubled (halved when it is "no cap").
                int defaultValue = BrokerLimits.Get(BrokerOptions.Desktop(), i);
                int value = defaultValue <= int.MaxValue / 2 ? defaultValue * 2 : defaultValue / 2;
                CommandLine parsed = CommandLine.Parse(new[] { option, value.ToString() });
                Assert.AreEqual(value, BrokerLimits.Get(parsed.Broker, i), option);
                StringAssert.Contains(help, option + " N", "--help lists " + option);
            }
        }

        [TestMethod]
        public void TheWebPortIsOffByDefaultAndItsOptionsAndConfigKeysAreRead()
        {
            CommandLine c = CommandLine.Parse(new string[0]);
            Assert.IsFalse(c.Web.Enabled);
            c = CommandLine.Parse(new[] { "--ws-port", "9001", "--max-web-clients", "3", "--web-request-bytes", "1024", "--web-timeout-ms", "500", "--web-frame-bytes", "4096" });
            Assert.IsTrue(c.Web.Enabled);
            Assert.AreEqual(9001, c.Web.Port);
            Assert.AreEqual(3, c.Web.MaxClients);
            Assert.AreEqual(1024, c.Web.MaxRequestBytes);
            Assert.AreEqual(500, c.Web.TimeoutMs);
            Assert.AreEqual(4096, c.Web.MaxFrameBytes);
            Assert.IsFalse(CommandLine.Parse(new[] { "--ws-port", "9001", "--max-web-clients", "0" }).Web.Enabled);
            string file = System.IO.Path.GetTempFileName();
            try
            {
                // The board's keys, in a --config file.
                System.IO.File.WriteAllText(file, "ws_port=9002\nmax_web_clients=4\n");
                c = CommandLine.Parse(new[] { "--config", file });
                Assert.AreEqual(9002, c.Web.Port);
                Assert.AreEqual(4, c.Web.MaxClients);
            }
            finally
            {
                System.IO.File.Delete(file);
            }
            StringAssert.Contains(CommandLine.Help(), "--ws-port N");
        }

        [TestMethod]
        public void WssNeedsTheCertificateAndTheWebPort()
        {
            ArgumentException e = Assert.ThrowsExactly<ArgumentException>(() => CommandLine.Parse(new[] { "--ws-port", "9001", "--wss-port", "9443" }));
            StringAssert.Contains(e.Message, "--wss-port needs --cert and --key, and --ws-port");
            e = Assert.ThrowsExactly<ArgumentException>(() => CommandLine.Parse(new[] { "--web-request-bytes", "100" }));
            StringAssert.Contains(e.Message, "--web-request-bytes");
        }

        [TestMethod]
        public void AnUnknownOptionIsRefused()
        {
            ArgumentException e = Assert.ThrowsExactly<ArgumentException>(() => CommandLine.Parse(new[] { "--max-bogus", "3" }));
            StringAssert.Contains(e.Message, "unknown option '--max-bogus'");
        }

        [TestMethod]
        public void ValidationNamesTheOptionsAndHelpStatesWhatItAccepts()
        {
            string help = CommandLine.Help();
            for (int i = 0; i < BrokerLimits.Count; i++)
            {
                string option = "--" + BrokerLimits.Name(i).Replace('_', '-');
                int minimum = CommandLine.Minimum(i);
                if (minimum < 0)
                {
                    continue;
                }
                StringAssert.Contains(help, "[" + (minimum == 0 ? "0 or more" : ""), option);
                CommandLine.Parse(new[] { option, minimum.ToString(), "--max-packet-size", "1024" });
                if (minimum > 0)
                {
                    ArgumentException e = Assert.ThrowsExactly<ArgumentException>(() => CommandLine.Parse(new[] { option, (minimum - 1).ToString() }), option);
                    StringAssert.Contains(e.Message, option);
                    StringAssert.DoesNotMatch(e.Message, new System.Text.RegularExpressions.Regex("[a-z][A-Z][a-z]"), "no property names: " + e.Message);
                }
            }
            ArgumentException relative = Assert.ThrowsExactly<ArgumentException>(() => CommandLine.Parse(new[] { "--store-bytes", "100" }));
            Assert.AreEqual("--store-bytes must be at least --max-packet-size", relative.Message);
        }

        [TestMethod]
        public void AConfigFileSetsWhatTheCommandLineDoesNotOverride()
        {
            string file = System.IO.Path.GetTempFileName();
            try
            {
                System.IO.File.WriteAllText(file, "\uFEFFport=1884\nmax_clients=7 # seven\nMAX_SESSIONS=70\npersist_queued=FALSE\ntls_certificate=\nled_active_low=true\n");
                CommandLine c = CommandLine.Parse(new[] { "--config", file, "--max-clients", "9" });
                Assert.AreEqual(1884, c.Port);
                Assert.AreEqual(9, c.Broker.MaxClients, "the command line wins");
                Assert.AreEqual(70, c.Broker.MaxSessions);
                Assert.IsFalse(c.Broker.PersistQueuedMessages);
                Assert.IsNull(c.CertificateFile, "empty: none, as on the board");
                Assert.AreEqual("led_active_low", c.IgnoredKeys);

                System.IO.File.WriteAllText(file, "port=1884\nmax_clients=1\nmax_sessions=0\n");
                ArgumentException e = Assert.ThrowsExactly<ArgumentException>(() => CommandLine.Parse(new[] { "--config", file }));
                StringAssert.Contains(e.Message, "--max-sessions must be at least --max-clients");
                System.IO.File.WriteAllText(file, "port=1884\njust words\n");
                e = Assert.ThrowsExactly<ArgumentException>(() => CommandLine.Parse(new[] { "--config", file }));
                Assert.AreEqual("--config " + file + " line 2: not key=value: just words", e.Message);

                // Bridges: read whole (# in a rule is a wildcard); a bridge keeps its queue in the log and its $SYS values.
                System.IO.File.WriteAllText(file, "persist_queued=false\nbridge.up.address=127.0.0.1:1884\nbridge.up.topic=# both 1\n");
                c = CommandLine.Parse(new[] { "--config", file });
                Assert.AreEqual(1, c.Bridges.Count);
                Assert.IsTrue(c.Broker.PersistQueuedMessages);
                Assert.AreEqual(5, c.Broker.AddOnSysTopics);
                System.IO.File.WriteAllText(file, "port=1884\nbridge.up.topic=# sideways\n");
                e = Assert.ThrowsExactly<ArgumentException>(() => CommandLine.Parse(new[] { "--config", file }));
                StringAssert.Contains(e.Message, "line 2: bridge.up.topic: a topic rule's direction is out, in or both");
                System.IO.File.WriteAllText(file, "bridge.up.topic=# out\n");
                e = Assert.ThrowsExactly<ArgumentException>(() => CommandLine.Parse(new[] { "--config", file }));
                StringAssert.Contains(e.Message, "address (host:port) is missing");
            }
            finally
            {
                System.IO.File.Delete(file);
            }
        }
    }
}
