#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif

namespace NanoBroker.Tests.Engine
{
    /// <summary>The limits by name, which the board's settings file and the host's command line both use.</summary>
    [TestClass]
    public class BrokerLimitsTests
    {
        [TestMethod]
        public void EveryLimitHasItsOwnNameAndField()
        {
            BrokerOptions o = new BrokerOptions();
            for (int i = 0; i < BrokerLimits.Count; i++)
            {
                Assert.IsNotNull(BrokerLimits.Name(i));
                Assert.AreEqual(i, BrokerLimits.Find(BrokerLimits.Name(i)), BrokerLimits.Name(i));
                BrokerLimits.Set(o, i, 1000 + i);
            }
            // Each index wrote its own field: no write overwrote another's.
            for (int i = 0; i < BrokerLimits.Count; i++)
            {
                Assert.AreEqual(1000 + i, BrokerLimits.Get(o, i), BrokerLimits.Name(i));
            }
            Assert.IsNull(BrokerLimits.Name(BrokerLimits.Count));
        }

        [TestMethod]
        public void TheBoardReadmesExampleForLargerPacketsIsValid()
        {
            // hardware/README.md, "Settings": packets of up to 2 KB on the ESP32.
            BrokerOptions o = BrokerOptions.Esp32();
            BrokerLimits.Set(o, BrokerLimits.Find("max_packet_size"), 2048);
            Assert.IsNotNull(o.Validate(), "max_packet_size alone breaks the outbox and storage batch rules");
            BrokerLimits.Set(o, BrokerLimits.Find("outbox_bytes"), 2560);
            BrokerLimits.Set(o, BrokerLimits.Find("storage_batch_bytes"), 2176);
            BrokerLimits.Set(o, BrokerLimits.Find("max_clients"), 6);
            Assert.IsNull(o.Validate());
        }

        [TestMethod]
        public void NamesMapToTheFieldsTheyNameAndUnknownNamesToNothing()
        {
            BrokerOptions o = BrokerOptions.Esp32();
            BrokerLimits.Set(o, BrokerLimits.Find("max_packet_size"), 2048);
            BrokerLimits.Set(o, BrokerLimits.Find("inflight"), 2);
            BrokerLimits.Set(o, BrokerLimits.Find("store_bytes"), 20000);
            Assert.AreEqual(2048, o.MaxPacketSize);
            Assert.AreEqual(2, o.InflightWindow);
            Assert.AreEqual(20000, o.MessageStoreBytes);
            Assert.AreEqual(-1, BrokerLimits.Find("max-packet-size"));
            Assert.AreEqual(-1, BrokerLimits.Find("led_pin"));
        }
    }
}
