using System;
using System.Text;
using System.Threading;
using NanoBroker;
using NanoBroker.Net;

namespace DesktopThermostat
{
    /// <summary>
    /// A thermostat with its own MQTT broker: it publishes the room temperature (simulated) every second as a retained
    /// message on thermostat/temperature, takes a new set point from thermostat/setpoint, and publishes whether it heats
    /// on thermostat/heating. Any MQTT client on the port can watch and command it:
    ///   mosquitto_sub -p 1883 -t 'thermostat/#' -v
    ///   mosquitto_pub -p 1883 -t thermostat/setpoint -m 23.5
    /// Usage: DesktopThermostat [port] (1883 by default). Ctrl+C stops it.
    /// </summary>
    public static class Program
    {
        private static readonly byte[] TemperatureTopic = Encoding.UTF8.GetBytes("thermostat/temperature");
        private static readonly byte[] HeatingTopic = Encoding.UTF8.GetBytes("thermostat/heating");

        // Written by the message handler (the broker's thread), read by the main loop.
        private static double setPoint = 20.0;

        public static void Main(string[] args)
        {
            int port = args.Length > 0 ? int.Parse(args[0]) : 1883;
            Broker broker = new Broker(BrokerOptions.Esp32(), EmbeddedBroker.ClockMs(), null);
            broker.AddMessageHandler("thermostat/setpoint", OnSetPoint);
            broker.ClientConnected = (id, start, length) => Console.WriteLine("client " + Encoding.UTF8.GetString(id, start, length) + " connected");
            broker.ClientDisconnected = (id, start, length) => Console.WriteLine("client " + Encoding.UTF8.GetString(id, start, length) + " left");
            EmbeddedBroker server = EmbeddedBroker.Start(broker, port);
            Console.WriteLine("thermostat: MQTT on port " + port);

            using ManualResetEvent stop = new ManualResetEvent(false);
            Console.CancelKeyPress += (sender, e) => { e.Cancel = true; stop.Set(); };
            double temperature = 18.0;
            bool heating = false;
            while (!stop.WaitOne(1000))
            {
                // The room warms while heating and cools otherwise.
                temperature += heating ? 0.5 : -0.1;
                heating = temperature < Volatile.Read(ref setPoint);
                server.Publish(TemperatureTopic, Encoding.UTF8.GetBytes(temperature.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)), 0, true);
                server.Publish(HeatingTopic, Encoding.UTF8.GetBytes(heating ? "on" : "off"), 0, true);
            }
            server.Shutdown();
        }

        // On the broker's thread, for each message on thermostat/setpoint: the payload is the new set point in degrees.
        private static void OnSetPoint(byte[] topic, int topicStart, int topicLength, byte[] payload, int payloadStart, int payloadLength, int qos, bool retain)
        {
            string text = Encoding.UTF8.GetString(payload, payloadStart, payloadLength);
            if (double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double value))
            {
                Volatile.Write(ref setPoint, value);
                Console.WriteLine("set point " + value.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }
    }
}
