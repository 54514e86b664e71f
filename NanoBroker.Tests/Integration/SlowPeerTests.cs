using System;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MQTTnet.Protocol;

namespace NanoBroker.Tests.Integration
{
    /// <summary>
    /// Peers that are slow on purpose, over real sockets: one that dribbles its CONNECT, one that never
    /// reads, one that goes silent. Each is ended by its timer while a healthy pair goes on at its usual pace.
    /// </summary>
    [TestClass]
    public class SlowPeerTests : BrokerTest
    {
        /// <summary>A QoS 1 pair that exchanges numbered messages, timing each from publish to arrival.</summary>
        private sealed class HealthyPair : IAsyncDisposable
        {
            public MqttNetPeer Pub;
            public MqttNetPeer Sub;
            public int Exchanged;
            public long WorstMs;

            public static async Task<HealthyPair> StartAsync(TestBroker broker, CancellationToken cancel)
            {
                HealthyPair pair = new HealthyPair();
                pair.Sub = await MqttNetPeer.ConnectAsync(broker, "healthy-sub", cancel: cancel);
                await pair.Sub.SubscribeAsync("calm/#", MqttQualityOfServiceLevel.AtLeastOnce, cancel);
                pair.Pub = await MqttNetPeer.ConnectAsync(broker, "healthy-pub", cancel: cancel);
                return pair;
            }

            /// <summary>One message there and timed; every message arrives, in order.</summary>
            public async Task ExchangeAsync(CancellationToken cancel)
            {
                Stopwatch watch = Stopwatch.StartNew();
                string payload = "n" + Exchanged;
                await Pub.PublishAsync("calm/x", payload, MqttQualityOfServiceLevel.AtLeastOnce, cancel: cancel);
                ReceivedMessage m = await Sub.NextAsync(TimeSpan.FromSeconds(5), payload);
                Assert.AreEqual(payload, m.Text, "the healthy pair's messages arrive in order");
                WorstMs = Math.Max(WorstMs, watch.ElapsedMilliseconds);
                Exchanged++;
            }

            public async ValueTask DisposeAsync()
            {
                await Pub.DisposeAsync();
                await Sub.DisposeAsync();
            }
        }

        // ConnectTimeoutMs: "a connection without CONNECT is closed" (MQTT section 3.1.4 leaves the
        // "reasonable amount of time" to the server). A CONNECT sent one byte per second never completes.
        [TestMethod]
        [Timeout(20000)]
        public async Task DribbledConnect_DoesNotSlowOthers_AndIsClosedByTheConnectTimeout()
        {
            StartBroker(o => o.ConnectTimeoutMs = 3000);
            await using HealthyPair pair = await HealthyPair.StartAsync(Broker, Timeout);
            using RawMqttClient dribbler = await RawMqttClient.OpenAsync(Broker, Timeout);
            byte[] connect = RawMqttClient.Connect("dribbler");
            Stopwatch open = Stopwatch.StartNew();
            using CancellationTokenSource stop = new CancellationTokenSource(TimeSpan.FromSeconds(8));
            Task dribbling = Task.Run(async () =>
            {
                try
                {
                    for (int i = 0; i < connect.Length && !stop.IsCancellationRequested; i++)
                    {
                        await dribbler.SendAsync(new[] { connect[i] }, stop.Token);
                        await Task.Delay(1000, stop.Token);
                    }
                }
                catch (Exception)
                {
                    // The broker closed the socket, or the test ended.
                }
            });
            Task<RawMqttClient.Packet> closed = dribbler.ReadPacketAsync(TimeSpan.FromSeconds(8));

            while (!closed.IsCompleted)
            {
                await pair.ExchangeAsync(Timeout);
                await Task.Delay(50, Timeout);
            }
            long closedAfterMs = open.ElapsedMilliseconds;
            stop.Cancel();
            await dribbling;

            Assert.IsNull(await closed, "no CONNACK for a CONNECT that never completed");
            Assert.IsTrue(closedAfterMs >= 2900 && closedAfterMs < 5000, "closed " + closedAfterMs + " ms after opening; ConnectTimeoutMs is 3000");
            Assert.IsTrue(Broker.Logged("closed: no CONNECT within 3000 ms"), "broker log:\n" + Broker.LogText);
            Assert.IsTrue(pair.Exchanged >= 20, "the healthy pair exchanged only " + pair.Exchanged + " messages meanwhile");
            Assert.IsTrue(pair.WorstMs < 500, "the healthy pair's slowest message took " + pair.WorstMs + " ms while a CONNECT was dribbled in");
            Console.WriteLine("dribbled CONNECT closed after " + closedAfterMs + " ms; healthy pair: " + pair.Exchanged + " messages, slowest " + pair.WorstMs + " ms");
        }

        // SlowClientTimeoutMs: "a client whose send buffer stays full ... this long is disconnected"; QoS 0
        // to it is dropped meanwhile (README, OutboxBytes). A subscriber to a busy topic that never reads.
        // On the board's loop (BoardLoopTests), whose sends block until every byte is out as nanoFramework's
        // Socket.Send does, an outbox far larger than the socket's free space stalls the loop unless it sends at
        // most SocketLoop.MaxSendBytes after a writable poll: then the healthy pair stops and this test fails.
        [TestMethod]
        [Timeout(20000)]
        public async Task ClientThatNeverReads_IsDisconnectedAfterSlowClientTimeout_WhileOthersContinue()
        {
            StartBroker(o =>
            {
                o.MaxPacketSize = 4096;
                o.OutboxBytes = 64 * 1024;
                o.SlowClientTimeoutMs = 1500;
            });
            await using HealthyPair pair = await HealthyPair.StartAsync(Broker, Timeout);

            // A socket with a small receive buffer that reads its CONNACK and SUBACK, then nothing more.
            using Socket sink = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
            await sink.ConnectAsync(new IPEndPoint(IPAddress.Loopback, Broker.Port), Timeout);
            await sink.SendAsync(RawMqttClient.Connect("sink"), SocketFlags.None, Timeout);
            await sink.SendAsync(RawMqttClient.Subscribe(1, "busy/#", 0), SocketFlags.None, Timeout);
            byte[] replies = new byte[4 + 5];
            for (int got = 0; got < replies.Length;)
            {
                int n = await sink.ReceiveAsync(replies.AsMemory(got), SocketFlags.None, Timeout);
                Assert.IsTrue(n > 0, "the broker closed the sink before its SUBACK");
                got += n;
            }
            Assert.AreEqual(0x20, replies[0], "CONNACK");
            Assert.AreEqual(0x90, replies[4], "SUBACK");

            await using MqttNetPeer flooder = await MqttNetPeer.ConnectAsync(Broker, "flooder", cancel: Timeout);
            byte[] payload = new byte[1024];
            Stopwatch flood = Stopwatch.StartNew();
            long disconnectedAfterMs = -1;
            int published = 0;
            while (flood.ElapsedMilliseconds < 9000)
            {
                for (int i = 0; i < 200; i++)
                {
                    await flooder.PublishAsync("busy/x", payload, MqttQualityOfServiceLevel.AtMostOnce, cancel: Timeout);
                    published++;
                }
                await pair.ExchangeAsync(Timeout);
                if (Broker.Logged("client sink disconnected: not reading"))
                {
                    disconnectedAfterMs = flood.ElapsedMilliseconds;
                    break;
                }
            }
            // The healthy pair keeps going after the sink is gone.
            for (int i = 0; i < 10; i++)
            {
                await pair.ExchangeAsync(Timeout);
            }

            Assert.IsTrue(disconnectedAfterMs >= 1500, "the sink was disconnected " + disconnectedAfterMs + " ms into the flood; SlowClientTimeoutMs is 1500\n" + Broker.LogText);
            Assert.IsTrue(disconnectedAfterMs < 9000, "the sink was disconnected " + disconnectedAfterMs + " ms into the flood");
            Assert.IsTrue(pair.WorstMs < 1000, "the healthy pair's slowest message took " + pair.WorstMs + " ms");
            Assert.IsTrue(flooder.Client.IsConnected, "the flooder (QoS 0, never held back) is still connected");
            Console.WriteLine("sink disconnected " + disconnectedAfterMs + " ms into a flood of " + published + " x 1 KB; healthy pair: " + pair.Exchanged + " messages, slowest " + pair.WorstMs + " ms");
        }

        // [MQTT-3.1.2-24] a client silent for one and a half keep-alive periods is disconnected, as by a
        // network failure: its will is published [MQTT-3.1.2-8].
        [TestMethod]
        [Timeout(10000)]
        public async Task HalfOpenConnection_IsClosedAtOneAndAHalfKeepAlive()
        {
            await using MqttNetPeer watcher = await MqttNetPeer.ConnectAsync(Broker, "watcher", cancel: Timeout);
            await watcher.SubscribeAsync("wills/#", MqttQualityOfServiceLevel.AtLeastOnce, Timeout);
            using RawMqttClient silent = await RawMqttClient.ConnectAsync(Broker,
                RawMqttClient.Connect("silent", keepAliveSeconds: 1, willTopic: "wills/silent", willPayload: new byte[] { (byte)'x' }, willQos: 1), Timeout);
            Stopwatch quiet = Stopwatch.StartNew();
            Assert.IsNull(await silent.ReadPacketAsync(TimeSpan.FromSeconds(4)), "the broker sent a packet to a silent client");
            long closedAfterMs = quiet.ElapsedMilliseconds;
            ReceivedMessage will = await watcher.NextAsync(Wait, "the will of the silent client");
            Assert.AreEqual("wills/silent", will.Topic);
            // 1.5 s, and the loop's 100 ms tick.
            Assert.IsTrue(closedAfterMs >= 1400 && closedAfterMs < 2300, "closed " + closedAfterMs + " ms after CONNACK; keep-alive 1 s");
            Assert.IsTrue(Broker.Logged("client silent disconnected: keep-alive timeout"), Broker.LogText);
            Console.WriteLine("half-open connection closed " + closedAfterMs + " ms after CONNACK (keep-alive 1 s)");
        }
    }
}
