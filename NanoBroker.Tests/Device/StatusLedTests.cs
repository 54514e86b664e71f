using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoBroker.Esp32;

namespace NanoBroker.Tests.Device
{
    /// <summary>The board's status LED (hardware/esp32/StatusLed.cs): a bad led_pin must not keep the broker from starting.</summary>
    [TestClass]
    public class StatusLedTests
    {
        // No board has GPIO 4000; here there is no GPIO chip at all. Either way opening the pin fails, as it does on
        // an ESP32 for a pin the chip lacks or a flash pin: the LED is off and the reason is logged.
        [TestMethod]
        public void APinThatCannotBeOpenedLeavesTheLedOffWithAReason()
        {
            StatusLed led = new StatusLed(4000, false);
            Assert.IsNotNull(led.Problem);
            StringAssert.Contains(led.Problem, "led_pin 4000");
            led.Pattern = LedPattern.Running;
            Assert.AreEqual(LedPattern.Running, led.Pattern);
        }

        [TestMethod]
        public void PinMinusOneIsNoLedAndNoProblem()
        {
            StatusLed led = new StatusLed(-1, false);
            Assert.IsNull(led.Problem);
            led.Pattern = LedPattern.Fault;
        }
    }
}
