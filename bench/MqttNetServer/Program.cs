using System;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using MQTTnet.Server;

namespace MqttNetServer
{
    // A stock MQTTnet 5 server on 127.0.0.1:PORT with the library's defaults, except the per-client
    // pending-message limit, raised (like NanoBroker's --queue-depth and mosquitto's max_queued_messages)
    // so that no broker in the comparison drops messages because of a small queue.
    public static class Program
    {
        public static async Task<int> Main(string[] args)
        {
            int port = 1883;
            int pending = 100000;
            for (int i = 0; i + 1 < args.Length; i += 2)
            {
                if (args[i] == "-p") port = int.Parse(args[i + 1]);
                else if (args[i] == "--max-pending") pending = int.Parse(args[i + 1]);
            }
            MqttServerFactory factory = new MqttServerFactory();
            MqttServerOptions options = factory.CreateServerOptionsBuilder()
                .WithDefaultEndpoint()
                .WithDefaultEndpointBoundIPAddress(IPAddress.Loopback)
                .WithDefaultEndpointPort(port)
                .WithMaxPendingMessagesPerClient(pending)
                .Build();
            using (MqttServer server = factory.CreateMqttServer(options))
            {
                await server.StartAsync();
                Console.WriteLine("mqttnet server listening on 127.0.0.1:" + port);
                using (ManualResetEventSlim stop = new ManualResetEventSlim())
                {
                    Console.CancelKeyPress += (s, e) => { e.Cancel = true; stop.Set(); };
                    AppDomain.CurrentDomain.ProcessExit += (s, e) => stop.Set();
                    stop.Wait();
                }
                await server.StopAsync();
            }
            return 0;
        }
    }
}
