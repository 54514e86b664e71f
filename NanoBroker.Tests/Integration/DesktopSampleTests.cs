using System;
using System.IO;
using System.Threading.Tasks;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace NanoBroker.Tests.Integration
{
    /// <summary>
    /// samples/DesktopThermostat, the .NET app that embeds the broker (README, "Use it in your own app"), run as a process
    /// and driven by mosquitto_sub and mosquitto_pub: what the app publishes from its thread reaches a real client, and
    /// a client's command reaches the app's message handler, whose effect the app publishes.
    /// </summary>
    [TestClass]
    public class DesktopSampleTests
    {
        private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);


        [TestMethod]
        [Timeout(30000)]
        public async Task ThermostatPublishesToClientsAndTakesItsSetPointFromThem()
        {
            string port = FreePort.Next().ToString();
            using ChildProcess app = ChildProcess.Start("dotnet", Path.Combine(AppContext.BaseDirectory, "DesktopThermostat.dll"), port);
            await app.WaitForLineAsync(l => l.Contains("MQTT on port " + port), Wait, "the app's broker listening");

            // The app's retained temperature, published from its main thread through EmbeddedBroker.Publish.
            using (ChildProcess temperature = await ChildProcess.RunAsync(Wait, "mosquitto_sub", "-p", port, "-t", "thermostat/temperature", "-C", "1", "-W", "5"))
            {
                Assert.IsTrue(double.TryParse(temperature.Output.Trim(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _),
                    "a temperature: " + temperature.Output + temperature.Error);
            }

            // 18 degrees and a set point of 20: heating; a set point of 10 from a client turns it off.
            using ChildProcess heating = ChildProcess.Start("stdbuf", "-oL", "mosquitto_sub", "-d", "-p", port, "-t", "thermostat/heating");
            await heating.WaitForLineAsync(l => l.StartsWith("Subscribed (mid", StringComparison.Ordinal), Wait, "SUBACK");
            using (ChildProcess command = await ChildProcess.RunAsync(Wait, "mosquitto_pub", "-p", port, "-t", "thermostat/setpoint", "-m", "10", "-q", "1"))
            {
                Assert.AreEqual(0, await command.WaitForExitAsync(Wait), command.Error);
            }
            await app.WaitForLineAsync(l => l == "set point 10", Wait, "the app's handler got the command");
            await heating.WaitForLineAsync(l => l == "off", Wait, "the app published heating off");
        }
    }
}
