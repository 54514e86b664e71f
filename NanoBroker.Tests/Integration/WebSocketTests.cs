using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading.Tasks;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoBroker.Host;
using NanoBroker.Web;

namespace NanoBroker.Tests.Integration
{
    /// <summary>
    /// MQTT over WebSockets (MQTT 3.1.1 and 5.0 section 6, RFC 6455) with real clients: MQTT.js over ws:// and wss://
    /// and paho-mqtt for Python with transport="websockets", exchanging messages with mosquitto_pub/sub over TCP on
    /// the same broker; and the web port's HTTP side seen from a raw socket.
    /// </summary>
    [TestClass]
    public class WebSocketTests
    {
        private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

        private static BrokerServer Start(Action<WebOptions> configure = null)
        {
            return Start(null, TestBroker.DefaultOptions().SysIntervalMs, configure);
        }

        /// <summary>A broker with the test limits and a web port on a free port, the access rules given ($SYS every <paramref name="sysIntervalMs"/>).</summary>
        public static BrokerServer Start(NanoBroker.Security.AccessControl access, int sysIntervalMs, Action<WebOptions> configure = null, bool portableLoop = false)
        {
            WebOptions web = WebOptions.Desktop();
            web.Port = FreePort.Next();
            configure?.Invoke(web);
            BrokerOptions options = TestBroker.DefaultOptions();
            options.SysIntervalMs = sysIntervalMs;
            BrokerServer server = new BrokerServer(IPAddress.Loopback, 0, options, new ConsoleLog(false), null, access, portableLoop, null, web);
            server.Start();
            return server;
        }

        // Runs MQTT.js subscribed to tcp/<name> and publishing ws/<name>; mosquitto_sub must see its message and it mosquitto_pub's.
        private static async Task ExchangeWithMqttJs(BrokerServer server, int port, string protocol, int version, string name)
        {
            using ChildProcess sub = ChildProcess.Start("mosquitto_sub", "-h", "127.0.0.1", "-p", server.Port.ToString(), "-t", "ws/" + name, "-C", "1", "-W", "10");
            await Task.Delay(300);
            using ChildProcess js = MqttJs.Start(new
            {
                host = "127.0.0.1",
                port,
                protocol,
                path = "/mqtt",
                protocolVersion = version,
                protocolId = version == 3 ? "MQIsdp" : "MQTT",
                clientId = "js-" + name,
                steps = new object[]
                {
                    new { subscribe = "tcp/" + name, qos = 1 },
                    new { publish = "ws/" + name, payload = "from MQTT.js " + name, qos = 1 },
                    new { messages = 1, seconds = 8 },
                },
            });
            await js.WaitForLineAsync(l => MqttJs.IsEvent(l, "suback"), Wait, "MQTT.js SUBACK over " + protocol);
            using (ChildProcess pub = await ChildProcess.RunAsync(Wait, "mosquitto_pub", "-h", "127.0.0.1", "-p", server.Port.ToString(), "-t", "tcp/" + name, "-m", "from mosquitto_pub", "-q", "1"))
            {
                Assert.AreEqual(0, pub.ExitCode, pub.Transcript());
            }
            Assert.AreEqual(0, await js.WaitForExitAsync(Wait), js.Transcript());
            StringAssert.Contains(js.Output, "\"payload\":\"from mosquitto_pub\"", js.Transcript());
            Assert.AreEqual(0, await sub.WaitForExitAsync(Wait), sub.Transcript());
            Assert.AreEqual("from MQTT.js " + name, sub.Output.Trim());
        }

        [TestMethod]
        public async Task Mqtt5Section6MqttJsOverWsExchangesMessagesWithTcpClients()
        {
            using BrokerServer server = Start();
            await ExchangeWithMqttJs(server, server.WebEndpoint.Port, "ws", 5, "v5");
            await ExchangeWithMqttJs(server, server.WebEndpoint.Port, "ws", 4, "v311");
        }

        [TestMethod]
        public async Task TheBoardsSocketLoopServesTheWebPortToo()
        {
            // The ESP32's loop (polls, 2 KB sends into lwIP-sized send buffers), as BoardLoopTests run it over real TCP:
            // MQTT.js over ws://, paho with a 100 KB message, and the page.
            using BrokerServer server = Start(null, TestBroker.DefaultOptions().SysIntervalMs, null, true);
            await ExchangeWithMqttJs(server, server.WebEndpoint.Port, "ws", 4, "board");
            await ExchangeWithPaho(server);
            using System.Net.Http.HttpClient http = new System.Net.Http.HttpClient();
            Assert.AreEqual(StatusPage.Bytes().Length, (await http.GetByteArrayAsync("http://127.0.0.1:" + server.WebEndpoint.Port + "/")).Length);
        }

        [TestMethod]
        public async Task Mqtt6_0_0_3MqttJsAsAnMqtt31ClientOffersMqttv31AndIsServed()
        {
            using BrokerServer server = Start();
            await ExchangeWithMqttJs(server, server.WebEndpoint.Port, "ws", 3, "v31");
        }

        [TestMethod]
        public async Task MqttJsOverWssThroughTheTlsRelay()
        {
            using BrokerServer server = Start();
            using TlsListener wss = new TlsListener(IPAddress.Loopback, 0, SelfSigned(), server.WebEndpoint, 8);
            wss.Start();
            await ExchangeWithMqttJs(server, wss.Endpoint.Port, "wss", 5, "wss");
        }

        private const string PahoScript = @"
import sys, threading, subprocess
import paho.mqtt.client as mqtt
host, port, tcp_port = sys.argv[1], int(sys.argv[2]), sys.argv[3]
subscribed, received = threading.Event(), threading.Event()
big = bytes(range(256)) * 400
got = []
def on_connect(c, u, flags, rc):
    print('CONNACK', rc, flush=True)
    c.subscribe([('tcp/paho', 1), ('ws/big', 1)])
def on_subscribe(c, u, mid, granted):
    subscribed.set()
def on_message(c, u, m):
    got.append(m)
    print('MESSAGE', m.topic, len(m.payload), m.payload == big or m.payload.decode(), flush=True)
    if len(got) == 2:
        received.set()
c = mqtt.Client(client_id='paho-ws', transport='websockets')
c.ws_set_options(path='/mqtt')
c.on_connect, c.on_subscribe, c.on_message = on_connect, on_subscribe, on_message
c.connect(host, port, 30)
c.loop_start()
if not subscribed.wait(5): sys.exit(3)
c.publish('ws/paho', 'from paho over websockets', qos=1).wait_for_publish()
subprocess.run(['mosquitto_pub', '-h', host, '-p', tcp_port, '-t', 'tcp/paho', '-m', 'from mosquitto_pub', '-q', '1'], check=True)
c.publish('ws/big', big, qos=1)
if not received.wait(5): sys.exit(3)
c.disconnect(); c.loop_stop()
print('DONE', flush=True)
";

        [TestMethod]
        public async Task PahoWithTheWebsocketsTransportExchangesMessagesWithTcpClients()
        {
            using BrokerServer server = Start();
            await ExchangeWithPaho(server);
        }

        private static async Task ExchangeWithPaho(BrokerServer server)
        {
            using ChildProcess sub = ChildProcess.Start("mosquitto_sub", "-h", "127.0.0.1", "-p", server.Port.ToString(), "-t", "ws/paho", "-C", "1", "-W", "10");
            await Task.Delay(300);
            using ChildProcess paho = await ChildProcess.RunAsync(Wait, "/usr/bin/python3", "-c", PahoScript, "127.0.0.1", server.WebEndpoint.Port.ToString(), server.Port.ToString());
            Assert.AreEqual(0, paho.ExitCode, paho.Transcript());
            StringAssert.Contains(paho.Output, "MESSAGE tcp/paho 18 from mosquitto_pub", paho.Transcript());
            // 102,400 bytes back through the broker: frames with a 64-bit length both ways.
            StringAssert.Contains(paho.Output, "MESSAGE ws/big 102400 True", paho.Transcript());
            Assert.AreEqual(0, await sub.WaitForExitAsync(Wait), sub.Transcript());
            Assert.AreEqual("from paho over websockets", sub.Output.Trim());
        }

        [TestMethod]
        public async Task ThePageIsServedOverHttp()
        {
            using BrokerServer server = Start();
            using System.Net.Http.HttpClient http = new System.Net.Http.HttpClient();
            string page = await http.GetStringAsync("http://127.0.0.1:" + server.WebEndpoint.Port + "/");
            Assert.AreEqual(Encoding.UTF8.GetString(StatusPage.Bytes()), page);
            System.Net.Http.HttpResponseMessage missing = await http.GetAsync("http://127.0.0.1:" + server.WebEndpoint.Port + "/nothing");
            Assert.AreEqual(HttpStatusCode.NotFound, missing.StatusCode);
        }

        [TestMethod]
        public async Task AClientThatNeverFinishesTheUpgradeIsClosedAfterTheTimeout()
        {
            using BrokerServer server = Start(w => w.TimeoutMs = 500);
            using Socket socket = await Connect(server);
            await socket.SendAsync(Encoding.ASCII.GetBytes("GET /mqtt HTTP/1.1\r\nHost: a\r\n"));
            DateTime start = DateTime.UtcNow;
            Assert.AreEqual("", await ReadToEnd(socket));
            TimeSpan took = DateTime.UtcNow - start;
            Assert.IsTrue(took >= TimeSpan.FromMilliseconds(400) && took < TimeSpan.FromSeconds(5), "closed after " + took);
        }

        [TestMethod]
        public async Task Rfc6455Section5_1AnUnmaskedFrameGetsClose1002ThenTheConnectionCloses()
        {
            using BrokerServer server = Start();
            using Socket socket = await Connect(server);
            string key = "dGhlIHNhbXBsZSBub25jZQ==";
            await socket.SendAsync(Encoding.ASCII.GetBytes("GET /mqtt HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key
                + "\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: mqtt\r\n\r\n"));
            await socket.SendAsync(new byte[] { 0x82, 0x02, 0x10, 0x00 });
            string reply = await ReadToEnd(socket);
            StringAssert.StartsWith(reply, "HTTP/1.1 101 Switching Protocols\r\n");
            StringAssert.Contains(reply, "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n");
            StringAssert.EndsWith(reply, "\r\n\r\n\u0088\u0002\u0003\u00ea");
        }

        [TestMethod]
        public async Task AClientBeyondMaxWebClientsIsClosedAndTheOthersStay()
        {
            using BrokerServer server = Start(w => w.MaxClients = 2);
            using Socket a = await Connect(server);
            using Socket b = await Connect(server);
            await Task.Delay(300);
            using Socket c = await Connect(server);
            Assert.AreEqual("", await ReadToEnd(c));
            await a.SendAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
            StringAssert.StartsWith(await ReadToEnd(a), "HTTP/1.1 200 OK\r\n");
        }

        private static async Task<Socket> Connect(BrokerServer server)
        {
            Socket socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(server.WebEndpoint);
            return socket;
        }

        // What the peer sends until it closes (as Latin-1 text), within 8 s.
        private static async Task<string> ReadToEnd(Socket socket)
        {
            MemoryStream all = new MemoryStream();
            byte[] buffer = new byte[65536];
            using System.Threading.CancellationTokenSource limit = new System.Threading.CancellationTokenSource(TimeSpan.FromSeconds(8));
            int n;
            try
            {
                while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None, limit.Token)) > 0)
                {
                    all.Write(buffer, 0, n);
                }
            }
            catch (SocketException)
            {
                // A reset ends it too.
            }
            return Encoding.Latin1.GetString(all.ToArray());
        }

        private static X509Certificate2 SelfSigned()
        {
            using RSA key = RSA.Create(2048);
            CertificateRequest request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using X509Certificate2 certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
        }
    }
}
