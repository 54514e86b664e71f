using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Text;
using System.Threading.Tasks;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MQTTnet.Protocol;

namespace NanoBroker.Tests.Integration
{
    /// <summary>
    /// A client may send QoS 1 and QoS 2 PUBLISH packets back to back without waiting for each flow to end:
    /// MQTT 3.1.1 sets no limit on them (the Receive Maximum of MQTT 5.0 defaults to 65,535), so a broker with
    /// a smaller InflightWindow must slow the client down, not disconnect it. Every message is acknowledged
    /// [MQTT-4.3.2-2, MQTT-4.3.3-2], delivered exactly once at QoS 2 (no duplicates to onward recipients,
    /// [MQTT-4.3.3-2]) and in order [MQTT-4.6.0-6]. Issue #10.
    /// </summary>
    [TestClass]
    public class InboundFlowTests : BrokerTest
    {
        private const string Python = "/usr/bin/python3";
        private const int Window = 4;
        private const int Messages = 40;

        // paho-mqtt 1.6 (Debian's python3-paho-mqtt): the publisher sends `count` messages at `qos` with
        // max_inflight_messages at its default of 20, back to back; then an "end" marker at the same QoS.
        // It reports a disconnect it did not ask for (and does not hide it behind paho's reconnect).
        private const string PipelineScript = @"
import sys, threading, time
import paho.mqtt.client as mqtt
host, port, qos, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])

_out = threading.Lock()
def say(*words):
    with _out:
        sys.stdout.write(' '.join(str(w) for w in words) + '\n')
        sys.stdout.flush()

failed = threading.Event()
def wait(event, what, seconds=6):
    deadline = time.time() + seconds
    while time.time() < deadline and not event.is_set() and not failed.is_set():
        event.wait(0.05)
    if not event.is_set():
        say('TIMEOUT ' + what)
        sys.exit(3)

subscribed, ended, all_completed = threading.Event(), threading.Event(), threading.Event()
completed = [0]

def on_sub_connect(c, userdata, flags, rc):
    say('SUB CONNACK', rc)
    c.subscribe('flow/t', qos=2)

def on_subscribe(c, userdata, mid, granted):
    subscribed.set()

def on_message(c, userdata, m):
    text = m.payload.decode()
    say('MESSAGE', m.qos, text)
    if text == 'end':
        ended.set()

def on_pub_connect(c, userdata, flags, rc):
    say('PUB CONNACK', rc)

def on_pub_disconnect(c, userdata, rc):
    if rc != 0:
        say('PUB DISCONNECTED', rc)
        failed.set()

def on_publish(c, userdata, mid):
    completed[0] += 1
    if completed[0] == count + 1:
        all_completed.set()

sub = mqtt.Client(client_id='flow-sub', clean_session=True, protocol=mqtt.MQTTv311)
sub.on_connect, sub.on_subscribe, sub.on_message = on_sub_connect, on_subscribe, on_message
sub.connect(host, port, 30)
sub.loop_start()
wait(subscribed, 'SUBACK')

pub = mqtt.Client(client_id='flow-pub', clean_session=True, protocol=mqtt.MQTTv311)
say('MAX INFLIGHT', pub._max_inflight_messages)
pub.on_connect, pub.on_disconnect, pub.on_publish = on_pub_connect, on_pub_disconnect, on_publish
pub.connect(host, port, 30)
pub.loop_start()
for i in range(count):
    pub.publish('flow/t', 'm%d' % i, qos=qos)
pub.publish('flow/t', 'end', qos=qos)
wait(all_completed, 'acknowledgements of all publishes')
wait(ended, 'the end marker at the subscriber')
pub.disconnect(); sub.disconnect()
pub.loop_stop(); sub.loop_stop()
say('COMPLETED', completed[0])
say('DONE')
";

        private async Task<ChildProcess> RunPipelineAsync(int qos, int count)
        {
            string path = Path.Combine(Path.GetTempPath(), "nanobroker-flow-" + Guid.NewGuid().ToString("N") + ".py");
            File.WriteAllText(path, PipelineScript);
            try
            {
                return await ChildProcess.RunAsync(TimeSpan.FromSeconds(12), Python, "-u", path, TestBroker.Host, Broker.PortText, qos.ToString(), count.ToString());
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

        // paho pipelines 20 QoS 2 publishes at once into a broker with InflightWindow 4: the connection stays,
        // all 40 complete (PUBCOMP) and each arrives once, in order, at the subscriber.
        [TestMethod]
        [Timeout(20000)]
        [DataRow(2)] // QoS 2 [MQTT-4.3.3-2]
        [DataRow(1)] // QoS 1 [MQTT-4.3.2-2]
        public async Task PahoPipeliningPublishes_IsNotDisconnected_AndEachMessageArrivesOnce(int qos)
        {
            StartBroker(o => o.InflightWindow = Window);
            using ChildProcess script = await RunPipelineAsync(qos, Messages);
            string[] lines = Lines(script);
            string cut = lines.FirstOrDefault(l => l.StartsWith("PUB DISCONNECTED", StringComparison.Ordinal));
            Assert.IsNull(cut, "the broker disconnected the pipelining publisher (" + cut + ")" + script.Transcript());
            Assert.AreEqual(0, script.ExitCode, script.Transcript());
            CollectionAssert.Contains(lines, "MAX INFLIGHT 20", "paho's default window is larger than the broker's" + script.Transcript());
            CollectionAssert.Contains(lines, "PUB CONNACK 0", script.Transcript());
            CollectionAssert.Contains(lines, "COMPLETED " + (Messages + 1), script.Transcript());
            string[] expected = Enumerable.Range(0, Messages).Select(i => "MESSAGE " + qos + " m" + i).Append("MESSAGE " + qos + " end").ToArray();
            CollectionAssert.AreEqual(expected, lines.Where(l => l.StartsWith("MESSAGE ", StringComparison.Ordinal)).ToArray(),
                "each message once and in order" + script.Transcript());
            Assert.AreEqual("DONE", lines[^1], script.Transcript());
        }

        // The same at the packet level: 20 QoS 2 PUBLISH packets in one write before any PUBREL. Whatever pace
        // the broker sets, every PUBLISH gets its PUBREC [MQTT-4.3.3-2] and, after our PUBREL, its PUBCOMP,
        // without the connection being closed; the subscriber gets each message once, in order.
        [TestMethod]
        [Timeout(20000)]
        public async Task TwentyQos2PublishesBeforeAnyPubRel_AreAllCompleted_MQTT_4_3_3_2()
        {
            const int count = 20;
            StartBroker(o => o.InflightWindow = Window);
            await using MqttNetPeer subscriber = await MqttNetPeer.ConnectAsync(Broker, "flow-sub", cancel: Timeout);
            await subscriber.SubscribeAsync("flow/raw", MqttQualityOfServiceLevel.ExactlyOnce, Timeout);

            using RawMqttClient publisher = await RawMqttClient.ConnectAsync(Broker, RawMqttClient.Connect("flow-raw"), Timeout);
            List<byte> burst = new List<byte>();
            for (int i = 1; i <= count; i++)
            {
                burst.AddRange(RawMqttClient.Publish("flow/raw", Encoding.UTF8.GetBytes("m" + i), 2, packetId: i));
            }
            await publisher.SendAsync(burst.ToArray(), Timeout);

            HashSet<int> received = new HashSet<int>();
            HashSet<int> completed = new HashSet<int>();
            while (completed.Count < count)
            {
                RawMqttClient.Packet p = await publisher.ReadPacketAsync(Wait);
                Assert.IsNotNull(p, "the broker closed the connection after " + received.Count + " PUBREC and " + completed.Count + " PUBCOMP of " + count);
                if (p.Header == 0x50)
                {
                    Assert.IsTrue(received.Add(p.AckId), "a second PUBREC for " + p.AckId);
                    try
                    {
                        await publisher.SendAsync(RawMqttClient.Ack(0x62, p.AckId), Timeout);
                    }
                    catch (SocketException e)
                    {
                        Assert.Fail("the broker closed the connection (" + e.SocketErrorCode + ") after " + received.Count + " PUBREC and " + completed.Count + " PUBCOMP of " + count);
                    }
                }
                else if (p.Header == 0x70)
                {
                    Assert.IsTrue(received.Contains(p.AckId), "PUBCOMP before PUBREC for " + p.AckId);
                    Assert.IsTrue(completed.Add(p.AckId), "a second PUBCOMP for " + p.AckId);
                }
                else
                {
                    Assert.Fail("unexpected packet 0x" + p.Header.ToString("X2"));
                }
            }
            // An end marker, one more QoS 2 flow after all others completed: a duplicate would come before it.
            await publisher.SendAsync(RawMqttClient.Publish("flow/raw", Encoding.UTF8.GetBytes("end"), 2, packetId: count + 1), Timeout);
            Assert.AreEqual(count + 1, (await publisher.ExpectPacketAsync(0x50, "PUBREC of the end marker")).AckId);
            await publisher.SendAsync(RawMqttClient.Ack(0x62, count + 1), Timeout);
            Assert.AreEqual(count + 1, (await publisher.ExpectPacketAsync(0x70, "PUBCOMP of the end marker")).AckId);

            List<ReceivedMessage> got = await Collect.MessagesAsync(subscriber, count + 1, TimeSpan.FromSeconds(5));
            string[] expected = Enumerable.Range(1, count).Select(i => "m" + i).Append("end").ToArray();
            CollectionAssert.AreEqual(expected, got.Select(m => m.Text).ToArray(), "each message once and in order:" + Collect.Describe(got));
        }
    }
}
