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
                // A value that keeps the options valid: the desktop default itself, doubled.
                int value = BrokerLimits.Get(BrokerOptions.Desktop(), i) * 2;
                CommandLine parsed = CommandLine.Parse(new[] { option, value.ToString() });
                Assert.AreEqual(value, BrokerLimits.Get(parsed.Broker, i), option);
                StringAssert.Contains(help, option + " N", "--help lists " + option);
            }
        }

        [TestMethod]
        public void AnUnknownOptionIsRefused()
        {
            ArgumentException e = Assert.ThrowsExactly<ArgumentException>(() => CommandLine.Parse(new[] { "--max-bogus", "3" }));
            StringAssert.Contains(e.Message, "unknown option '--max-bogus'");
        }
    }
}
