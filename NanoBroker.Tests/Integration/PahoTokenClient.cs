using System;
using System.IO;
using System.Threading.Tasks;

namespace NanoBroker.Tests.Integration
{
    /// <summary>
    /// python3-paho-mqtt (3.1.1) connecting once per token, with the token as the password of user "jwt": prints
    /// "CONNACK rc" for each, in order.
    /// </summary>
    public static class PahoTokenClient
    {
        private const string Script = @"
import sys, threading
import paho.mqtt.client as mqtt
host, port, client_id = sys.argv[1], int(sys.argv[2]), sys.argv[3]
for token in sys.argv[4:]:
    done = threading.Event()
    def on_connect(c, userdata, flags, rc):
        print('CONNACK', rc, flush=True)
        done.set()
    c = mqtt.Client(client_id=client_id, protocol=mqtt.MQTTv311)
    c.username_pw_set('jwt', token)
    c.on_connect = on_connect
    c.connect(host, port, 30)
    c.loop_start()
    done.wait(5)
    c.disconnect()
    c.loop_stop()
";

        /// <summary>Runs the client to its end against the broker at <paramref name="port"/>; returns it for its output.</summary>
        public static async Task<ChildProcess> RunAsync(string port, string clientId, params string[] tokens)
        {
            string path = Path.Combine(Path.GetTempPath(), "nanobroker-paho-jwt-" + Guid.NewGuid().ToString("N") + ".py");
            File.WriteAllText(path, Script);
            try
            {
                string[] args = new string[5 + tokens.Length];
                args[0] = "-u";
                args[1] = path;
                args[2] = TestBroker.Host;
                args[3] = port;
                args[4] = clientId;
                tokens.CopyTo(args, 5);
                return await ChildProcess.RunAsync(TimeSpan.FromSeconds(15), "/usr/bin/python3", args);
            }
            finally
            {
                File.Delete(path);
            }
        }
    }
}
