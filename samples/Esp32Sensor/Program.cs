using System;
using System.Device.Adc;
using System.Device.Gpio;
using System.Device.Wifi;
using System.Threading;
using NanoBroker;
using NanoBroker.Net;
using NanoBroker.Protocol;

namespace Esp32Sensor
{
    /// <summary>
    /// An ESP32 app with a broker inside (README, "Use it in your own app"): it joins its Wi-Fi, starts NanoBroker on port
    /// 1883, publishes the reading of ADC channel 0 (GPIO36 on an ESP32 DevKit: a potentiometer or a light sensor) every
    /// 5 seconds as a retained message on sensor/adc, and switches the LED on GPIO2 from sensor/led/set ("on" or "off"),
    /// reporting it on sensor/led. Any MQTT client on the network can watch and command it:
    ///   mosquitto_sub -h &lt;board&gt; -t 'sensor/#' -v
    ///   mosquitto_pub -h &lt;board&gt; -t sensor/led/set -m on
    /// </summary>
    public static class Program
    {
        // Your network.
        private const string WifiName = "your-network";
        private const string WifiPassword = "your-password";

        private const int AdcChannelNumber = 0;
        private const int LedPin = 2;
        private const int ReadEveryMs = 5000;

        private static readonly byte[] ReadingTopic = Utf8.GetBytes("sensor/adc");
        private static readonly byte[] LedTopic = Utf8.GetBytes("sensor/led");
        private static readonly byte[] On = Utf8.GetBytes("on");
        private static readonly byte[] Off = Utf8.GetBytes("off");

        private static GpioPin led;
        private static bool ledOn;

        public static void Main()
        {
            WifiConnectionStatus status = WifiAdapter.FindAllAdapters()[0].Connect(WifiName, WifiReconnectionKind.Automatic, WifiPassword).ConnectionStatus;
            Console.WriteLine("Wi-Fi: " + (status == WifiConnectionStatus.Success ? "connected" : "not connected"));

            led = new GpioController().OpenPin(LedPin, PinMode.Output);
            AdcChannel sensor = new AdcController().OpenChannel(AdcChannelNumber);

            // The ESP32's defaults leave room for the app; its callbacks run on the broker's thread.
            Broker broker = new Broker(BrokerOptions.Esp32(), EmbeddedBroker.ClockMs(), null);
            broker.AddMessageHandler("sensor/led/set", OnLedCommand);
            broker.ClientConnected = OnClientConnected;
            EmbeddedBroker server = EmbeddedBroker.Start(broker, 1883);

            while (true)
            {
                server.Publish(ReadingTopic, Utf8.GetBytes(sensor.ReadValue().ToString()), 0, true);
                server.Publish(LedTopic, ledOn ? On : Off, 0, true);
                Thread.Sleep(ReadEveryMs);
            }
        }

        // On the broker's thread, for each message on sensor/led/set; the payload is read where it lies.
        private static void OnLedCommand(byte[] topic, int topicStart, int topicLength, byte[] payload, int payloadStart, int payloadLength, int qos, bool retain)
        {
            ledOn = payloadLength == On.Length && payload[payloadStart] == On[0] && payload[payloadStart + 1] == On[1];
            led.Write(ledOn ? PinValue.High : PinValue.Low);
        }

        private static void OnClientConnected(byte[] clientId, int clientIdStart, int clientIdLength)
        {
            Console.WriteLine("client " + Utf8.GetString(clientId, clientIdStart, clientIdLength) + " connected");
        }
    }
}
