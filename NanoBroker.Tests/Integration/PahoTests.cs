using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MQTTnet.Protocol;

namespace NanoBroker.Tests.Integration
{
    /// <summary>
    /// The broker driven by Eclipse paho-mqtt for Python (Debian's python3-paho-mqtt, the 1.6 API) run
    /// with /usr/bin/python3: each script prints one line per event, which the test parses. The scripts
    /// bound their own waits (5 s) and the test kills them after 8 s.
    /// </summary>
    [TestClass]
    public class PahoTests : BrokerTest
    {
        private const string Python = "/usr/bin/python3";
        private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(8);

        // Shared by the scripts: arguments, and a wait that ends the script with a message on timeout.
        private const string Prelude = @"
import sys, threading, time
import paho.mqtt.client as mqtt
host, port = sys.argv[1], int(sys.argv[2])

# One write per line under a lock: callbacks of two clients' threads must not interleave their lines.
_out = threading.Lock()
def say(*words):
    with _out:
        sys.stdout.write(' '.join(str(w) for w in words) + '\n')
        sys.stdout.flush()

def wait(event, what, seconds=5):
    if not event.wait(seconds):
        say('TIMEOUT ' + what)
        sys.exit(3)

def client(client_id, clean_session):
    return mqtt.Client(client_id=client_id, clean_session=clean_session, protocol=mqtt.MQTTv311)
";

        private const string Qos2Script = Prelude + @"
subscribed, received, completed = threading.Event(), threading.Event(), threading.Event()

def on_sub_connect(c, userdata, flags, rc):
    say('SUB CONNACK', rc)
    c.subscribe('paho/q2', qos=2)

def on_subscribe(c, userdata, mid, granted):
    say('SUBACK', granted[0])
    subscribed.set()

def on_message(c, userdata, m):
    # paho 1.6 hands over an incoming QoS 2 message when the broker's PUBREL arrives.
    say('MESSAGE', m.topic, m.qos, int(m.retain), m.payload.hex())
    received.set()

def on_publish(c, userdata, mid):
    # For QoS 2: after PUBCOMP.
    say('PUBLISH COMPLETE', mid)
    completed.set()

sub = client('paho-sub', True)
sub.on_connect, sub.on_subscribe, sub.on_message = on_sub_connect, on_subscribe, on_message
sub.connect(host, port, 30)
sub.loop_start()
wait(subscribed, 'SUBACK')

pub = client('paho-pub', True)
pub.on_publish = on_publish
pub.connect(host, port, 30)
pub.loop_start()
pub.publish('paho/q2', bytes(range(256)) * 4, qos=2)
wait(completed, 'PUBCOMP')
wait(received, 'message')
pub.disconnect(); sub.disconnect()
pub.loop_stop(); sub.loop_stop()
say('DONE')
";

        // argv[3]: 'subscribe' (create the session, subscribe, leave with DISCONNECT) or 'resume N' (take N messages).
        private const string PersistentScript = Prelude + @"
mode = sys.argv[3]
expected = int(sys.argv[4]) if len(sys.argv) > 4 else 0
ready, done = threading.Event(), threading.Event()
count = [0]

def on_connect(c, userdata, flags, rc):
    say('CONNACK', rc, 'session_present=%d' % flags['session present'])
    if mode == 'subscribe':
        c.subscribe('paho/queue/#', qos=1)
    else:
        ready.set()

def on_subscribe(c, userdata, mid, granted):
    say('SUBACK', granted[0])
    ready.set()

def on_message(c, userdata, m):
    say('MESSAGE', m.topic, m.qos, m.payload.decode())
    count[0] += 1
    if count[0] == expected:
        done.set()

c = client('paho-persistent', False)
c.on_connect, c.on_subscribe, c.on_message = on_connect, on_subscribe, on_message
c.connect(host, port, 30)
c.loop_start()
wait(ready, 'CONNACK/SUBACK')
if mode == 'resume':
    wait(done, '%d messages' % expected)
    time.sleep(0.2)
c.disconnect()
c.loop_stop()
say('DONE', count[0])
";

        private const string TakeoverScript = Prelude + @"
a_connected, a_gone, b_ready, b_got = threading.Event(), threading.Event(), threading.Event(), threading.Event()

def a_on_connect(c, userdata, flags, rc):
    say('A CONNACK', rc)
    a_connected.set()

def a_on_disconnect(c, userdata, rc):
    say('A DISCONNECTED', rc)
    a_gone.set()

# A is driven by hand (no loop thread), so nothing reconnects it behind the test's back.
a = client('paho-same-id', True)
a.on_connect, a.on_disconnect = a_on_connect, a_on_disconnect
a.connect(host, port, 30)
deadline = time.time() + 5
while not a_connected.is_set() and time.time() < deadline:
    a.loop(0.05)
wait(a_connected, 'A CONNACK', 0)

def b_on_connect(c, userdata, flags, rc):
    say('B CONNACK', rc)
    c.subscribe('paho/takeover', qos=1)

def b_on_subscribe(c, userdata, mid, granted):
    b_ready.set()

def b_on_message(c, userdata, m):
    say('B MESSAGE', m.topic, m.payload.decode())
    b_got.set()

b = client('paho-same-id', True)
b.on_connect, b.on_subscribe, b.on_message = b_on_connect, b_on_subscribe, b_on_message
b.connect(host, port, 30)
b.loop_start()
deadline = time.time() + 5
while not a_gone.is_set() and time.time() < deadline:
    a.loop(0.05)
wait(a_gone, 'A disconnected by the broker', 0)
wait(b_ready, 'B SUBACK')
b.publish('paho/takeover', 'hello from B', qos=1)
wait(b_got, 'B message')
b.disconnect()
b.loop_stop()
say('DONE')
";

        private async Task<ChildProcess> RunScriptAsync(string script, params string[] arguments)
        {
            string path = Path.Combine(Path.GetTempPath(), "nanobroker-paho-" + Guid.NewGuid().ToString("N") + ".py");
            File.WriteAllText(path, script);
            try
            {
                string[] all = new[] { "-u", path, TestBroker.Host, Broker.PortText }.Concat(arguments).ToArray();
                return await ChildProcess.RunAsync(ScriptTimeout, Python, all);
            }
            finally
            {
                File.Delete(path);
            }
        }

        private static string[] Lines(ChildProcess script)
        {
            return script.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }

        // [MQTT-4.3.3-*] QoS 2 from paho to paho through the broker: the publisher's flow completes (PUBCOMP),
        // the subscriber gets the payload once at QoS 2 [MQTT-3.8.4-6] after the broker's PUBREL.
        [TestMethod]
        [Timeout(10000)]
        public async Task Qos2_RoundTripBetweenPahoClients_MQTT_4_3_3()
        {
            using ChildProcess script = await RunScriptAsync(Qos2Script);
            Assert.AreEqual(0, script.ExitCode, script.Transcript());
            string[] lines = Lines(script);
            string payloadHex = string.Concat(Enumerable.Repeat(Convert.ToHexString(Enumerable.Range(0, 256).Select(i => (byte)i).ToArray()).ToLowerInvariant(), 4));
            CollectionAssert.Contains(lines, "SUB CONNACK 0", script.Transcript());
            CollectionAssert.Contains(lines, "SUBACK 2", script.Transcript());
            CollectionAssert.Contains(lines, "PUBLISH COMPLETE 1", script.Transcript());
            string[] messages = lines.Where(l => l.StartsWith("MESSAGE ", StringComparison.Ordinal)).ToArray();
            Assert.HasCount(1, messages, script.Transcript());
            Assert.AreEqual("MESSAGE paho/q2 2 0 " + payloadHex, messages[0]);
            Assert.AreEqual("DONE", lines[^1], script.Transcript());
        }

        // [MQTT-3.1.2-4] paho with clean_session=False: its subscription and the QoS 1 messages published
        // (by MQTTnet) while it was away are kept; on reconnect CONNACK has session present [MQTT-3.2.2-2]
        // and the messages come in order [MQTT-4.6.0-6].
        [TestMethod]
        [Timeout(10000)]
        public async Task PersistentSession_PahoReceivesQueuedQos1MessagesAfterReconnect_MQTT_3_1_2_4()
        {
            using (ChildProcess first = await RunScriptAsync(PersistentScript, "subscribe"))
            {
                Assert.AreEqual(0, first.ExitCode, first.Transcript());
                string[] lines = Lines(first);
                CollectionAssert.Contains(lines, "CONNACK 0 session_present=0", "[MQTT-3.2.2-3]" + first.Transcript());
                CollectionAssert.Contains(lines, "SUBACK 1", first.Transcript());
            }

            await using (MqttNetPeer publisher = await MqttNetPeer.ConnectAsync(Broker, "mqttnet-pub", cancel: Timeout))
            {
                for (int i = 0; i < 10; i++)
                {
                    await publisher.PublishAsync("paho/queue/" + (i % 2 == 0 ? "even" : "odd"), "queued " + i, MqttQualityOfServiceLevel.AtLeastOnce, cancel: Timeout);
                }
            }

            using ChildProcess again = await RunScriptAsync(PersistentScript, "resume", "10");
            Assert.AreEqual(0, again.ExitCode, again.Transcript());
            string[] resumed = Lines(again);
            Assert.AreEqual("CONNACK 0 session_present=1", resumed[0], again.Transcript());
            string[] expected = Enumerable.Range(0, 10)
                .Select(i => "MESSAGE paho/queue/" + (i % 2 == 0 ? "even" : "odd") + " 1 queued " + i)
                .ToArray();
            CollectionAssert.AreEqual(expected, resumed.Where(l => l.StartsWith("MESSAGE ", StringComparison.Ordinal)).ToArray(), again.Transcript());
            Assert.AreEqual("DONE 10", resumed[^1], "no more than the queued messages" + again.Transcript());
        }

        // [MQTT-3.1.4-2] a second paho client with the same client id: the broker disconnects the first
        // (paho's on_disconnect with a non-zero rc: not asked for), and the second works.
        [TestMethod]
        [Timeout(10000)]
        public async Task Takeover_SecondPahoClientWithSameIdDisconnectsFirst_MQTT_3_1_4_2()
        {
            using ChildProcess script = await RunScriptAsync(TakeoverScript);
            Assert.AreEqual(0, script.ExitCode, script.Transcript());
            string[] lines = Lines(script);
            CollectionAssert.Contains(lines, "A CONNACK 0", script.Transcript());
            CollectionAssert.Contains(lines, "B CONNACK 0", script.Transcript());
            string gone = lines.Single(l => l.StartsWith("A DISCONNECTED ", StringComparison.Ordinal));
            Assert.AreNotEqual("A DISCONNECTED 0", gone, "the first client's end was not unexpected");
            CollectionAssert.Contains(lines, "B MESSAGE paho/takeover hello from B", script.Transcript());
            Assert.IsTrue(Broker.Logged("client paho-same-id disconnected: session taken over by a new connection"), "broker log:\n" + Broker.LogText);
        }
    }
}
