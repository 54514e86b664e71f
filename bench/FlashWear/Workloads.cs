using System;
using NanoBroker;

namespace FlashWear
{
    /// <summary>The workloads measured (hardware/README.md, "Flash budget"). Every random choice comes from a fixed seed.</summary>
    public static class Workloads
    {
        public const long Second = 1000;
        public const long Minute = 60 * Second;
        public const long Hour = 60 * Minute;

        public static string Describe(string name, int qos)
        {
            switch (name)
            {
                case "a": return "one sensor publishing a retained value at QoS " + qos + " every 10 s";
                case "b": return "8 persistent clients (clean session 0, with a retained will) reconnecting every minute: DISCONNECT, CONNECT, SUBSCRIBE, retained \"online\" at QoS 1";
                case "c": return "a QoS 1 offline queue (PersistQueuedMessages on): a meter publishes at QoS 1 every 10 s; a persistent subscriber is online 10 minutes an hour, acknowledging, and offline 50";
                case "d": return "home: 20 retained updates a minute at QoS " + qos + " over 20 topics from 5 devices (each with a retained will), one persistent subscriber to everything";
                default: return null;
            }
        }

        /// <summary>The options the workload needs beyond the board's defaults.</summary>
        public static void Adjust(string name, BrokerOptions options)
        {
            if (name == "c")
            {
                options.PersistQueuedMessages = true;
            }
        }

        public static void Schedule(string name, Simulation sim, long endMs, int qos)
        {
            switch (name)
            {
                case "a": Sensor(sim, endMs, qos); break;
                case "b": Reconnecting(sim, endMs); break;
                case "c": OfflineQueue(sim, endMs); break;
                case "d": Home(sim, endMs, qos); break;
                default: throw new ArgumentException("no workload " + name);
            }
        }

        // (a) One sensor, a retained value every 10 s.
        private static void Sensor(Simulation sim, long endMs, int qos)
        {
            SimClient sensor = sim.Client("sensor-livingroom");
            Random random = new Random(1);
            sim.At(Second, () => sensor.Connect(true));
            for (long t = 10 * Second; t < endMs; t += 10 * Second)
            {
                sim.At(t, () => sensor.Publish("home/livingroom/temperature", (18 + random.NextDouble() * 6).ToString("0.0"), qos, true));
            }
        }

        // (b) 8 persistent clients reconnecting every minute, staggered.
        private static void Reconnecting(Simulation sim, long endMs)
        {
            for (int i = 0; i < 8; i++)
            {
                SimClient device = sim.Client("device-" + i);
                string status = "devices/" + i + "/status";
                long offset = Second + i * 7500;
                Action connect = () =>
                {
                    device.Connect(false, status, "offline", 1, true);
                    device.Subscribe("devices/" + device.ClientId.Substring(7) + "/command", 1);
                    device.Publish(status, "online", 1, true);
                };
                sim.At(offset, connect);
                for (long t = offset + Minute; t < endMs; t += Minute)
                {
                    sim.At(t, device.Disconnect);
                    sim.At(t + Second, connect);
                }
            }
        }

        // (c) A QoS 1 offline queue kept on flash, filled while the subscriber is away, drained when it is back.
        private static void OfflineQueue(Simulation sim, long endMs)
        {
            SimClient meter = sim.Client("meter");
            SimClient logger = sim.Client("logger");
            Random random = new Random(3);
            sim.At(Second, () => meter.Connect(true));
            sim.At(2 * Second, () =>
            {
                logger.Connect(false);
                logger.Subscribe("meter/#", 1);
            });
            for (long t = 10 * Second; t < endMs; t += 10 * Second)
            {
                sim.At(t, () => meter.Publish("meter/power", "{\"w\":" + random.Next(100, 3000) + "}", 1, false));
            }
            for (long hour = 0; hour < endMs; hour += Hour)
            {
                sim.At(hour + 10 * Minute, logger.Disconnect);
                sim.At(hour + Hour, () => logger.Connect(false));
            }
        }

        // (d) A home: 5 devices with 4 topics each, every topic updated about once a minute (so 20 updates a
        // minute), and one persistent subscriber (the home automation server) to everything.
        private static void Home(Simulation sim, long endMs, int qos)
        {
            string[] rooms = { "kitchen", "livingroom", "bedroom", "bathroom", "garage" };
            string[] kinds = { "temperature", "humidity", "power", "motion" };
            Random random = new Random(4);
            SimClient server = sim.Client("homeassistant");
            sim.At(Second, () =>
            {
                server.Connect(false);
                server.Subscribe("home/#", 0);
            });
            for (int d = 0; d < rooms.Length; d++)
            {
                SimClient device = sim.Client("sensor-" + rooms[d]);
                string status = "home/" + rooms[d] + "/status";
                sim.At(2 * Second + d * Second, () =>
                {
                    device.Connect(true, status, "offline", 1, true);
                    device.Publish(status, "online", 1, true);
                });
                for (int k = 0; k < kinds.Length; k++)
                {
                    string topic = "home/" + rooms[d] + "/" + kinds[k] + "/state";
                    string kind = kinds[k];
                    // Every topic about once a minute, at its own phase, 45-75 s apart.
                    for (long t = 10 * Second + random.Next(0, 60000); t < endMs; t += random.Next(45000, 75001))
                    {
                        sim.At(t, () => device.Publish(topic, Payload(kind, random), qos, true));
                    }
                }
            }
        }

        private static string Payload(string kind, Random random)
        {
            switch (kind)
            {
                case "temperature": return "{\"temperature\":" + (15 + random.NextDouble() * 10).ToString("0.0") + ",\"unit\":\"C\"}";
                case "humidity": return "{\"humidity\":" + random.Next(30, 70) + "}";
                case "power": return "{\"power\":" + random.Next(0, 2500) + ",\"voltage\":" + random.Next(225, 240) + "}";
                default: return random.Next(2) == 0 ? "ON" : "OFF";
            }
        }
    }
}
