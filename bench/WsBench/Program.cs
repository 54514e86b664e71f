using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;

namespace WsBench
{
    /// <summary>
    /// Deliveries per second of MQTT 3.1.1 over WebSockets: 4 publishers x 4 subscribers (each subscribed to every
    /// publisher's topic), 64-byte payloads, QoS 0 and QoS 1, each client a ClientWebSocket offering the mqtt
    /// subprotocol, each packet one binary message (as MQTT.js and paho send them). A publisher keeps at most Window
    /// messages published but not yet delivered to every subscriber (and, at QoS 1, at most 16 awaiting PUBACK), so
    /// no broker drops anything; every delivery is checked to come in order, once.
    /// Usage: WsBench URL SECONDS -> one line per scenario: "scenario deliveries/s".
    /// </summary>
    public static class Program
    {
        private const int Publishers = 4, Subscribers = 4, Payload = 64, Window = 256, QosWindow = 16;

        public static int Main(string[] args)
        {
            Uri url = new Uri(args[0]);
            double seconds = double.Parse(args[1], CultureInfo.InvariantCulture);
            foreach (int qos in new[] { 0, 1 })
            {
                double rate = new Flow(url, qos, seconds).Run().GetAwaiter().GetResult();
                Console.WriteLine("ws-q" + qos + "-64 " + rate.ToString("F0", CultureInfo.InvariantCulture));
            }
            return 0;
        }

        private sealed class Flow
        {
            private readonly Uri url;
            private readonly int qos;
            private readonly double seconds;
            private readonly string run = Guid.NewGuid().ToString("N").Substring(0, 8);
            // received[s, p]: messages of publisher p that subscriber s got; published[p].
            private readonly long[,] received = new long[Subscribers, Publishers];
            private readonly long[] published = new long[Publishers];
            private readonly SemaphoreSlim[] room = new SemaphoreSlim[Publishers];
            private volatile bool stopping;
            private long deliveries;

            public Flow(Uri url, int qos, double seconds)
            {
                this.url = url;
                this.qos = qos;
                this.seconds = seconds;
                for (int p = 0; p < Publishers; p++) room[p] = new SemaphoreSlim(0);
            }

            public async Task<double> Run()
            {
                List<ClientWebSocket> all = new List<ClientWebSocket>();
                List<Task> tasks = new List<Task>();
                for (int s = 0; s < Subscribers; s++)
                {
                    ClientWebSocket ws = await Connect("sub" + s);
                    all.Add(ws);
                    await ws.SendAsync(Subscribe("bench/" + run + "/+", qos), WebSocketMessageType.Binary, true, CancellationToken.None);
                    int index = s;
                    await Expect(ws, 0x90);
                    tasks.Add(Task.Run(() => Subscriber(index, ws)));
                }
                ClientWebSocket[] pubs = new ClientWebSocket[Publishers];
                for (int p = 0; p < Publishers; p++)
                {
                    pubs[p] = await Connect("pub" + p);
                    all.Add(pubs[p]);
                }
                Stopwatch clock = Stopwatch.StartNew();
                for (int p = 0; p < Publishers; p++)
                {
                    int index = p;
                    tasks.Add(Task.Run(() => Publisher(index, pubs[index])));
                }
                // A second of warm-up, then the measured stretch.
                await Task.Delay(1000);
                long start = Interlocked.Read(ref deliveries);
                clock.Restart();
                await Task.Delay(TimeSpan.FromSeconds(seconds));
                long counted = Interlocked.Read(ref deliveries) - start;
                double elapsed = clock.Elapsed.TotalSeconds;
                stopping = true;
                foreach (SemaphoreSlim r in room) r.Release(1000);
                foreach (ClientWebSocket ws in all) ws.Abort();
                try { await Task.WhenAll(tasks); } catch (Exception) { }
                return counted / elapsed;
            }

            private async Task<ClientWebSocket> Connect(string name)
            {
                ClientWebSocket ws = new ClientWebSocket();
                ws.Options.AddSubProtocol("mqtt");
                await ws.ConnectAsync(url, CancellationToken.None);
                List<byte> body = new List<byte>();
                body.AddRange(new byte[] { 0, 4, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 4, 2, 0, 60 });
                body.AddRange(Text(name + "-" + run));
                await ws.SendAsync(Packet(0x10, body), WebSocketMessageType.Binary, true, CancellationToken.None);
                await Expect(ws, 0x20);
                return ws;
            }

            private async Task Publisher(int p, ClientWebSocket ws)
            {
                byte[] topic = Text("bench/" + run + "/" + p);
                SemaphoreSlim acks = new SemaphoreSlim(QosWindow);
                Task reader = qos == 0 ? Task.CompletedTask : Task.Run(async () =>
                {
                    Reader r = new Reader(ws);
                    while (!stopping)
                    {
                        (int type, byte[] _) = await r.Next();
                        if (type == 0x40) acks.Release();
                    }
                });
                try
                {
                    for (long seq = 1; !stopping; seq++)
                    {
                        while (!stopping && seq - MinReceived(p) > Window) await room[p].WaitAsync(50);
                        while (qos == 1 && !stopping && !await acks.WaitAsync(50)) { }
                        List<byte> body = new List<byte>(topic);
                        if (qos == 1) body.AddRange(new byte[] { (byte)(seq >> 8 | 1), (byte)seq });
                        byte[] payload = new byte[Payload];
                        BitConverter.GetBytes(seq).CopyTo(payload, 0);
                        body.AddRange(payload);
                        await ws.SendAsync(Packet(qos == 0 ? 0x30 : 0x32, body), WebSocketMessageType.Binary, true, CancellationToken.None);
                        Interlocked.Exchange(ref published[p], seq);
                    }
                }
                catch (Exception) when (stopping) { }
                try { await reader; } catch (Exception) { }
            }

            private long MinReceived(int p)
            {
                long min = long.MaxValue;
                for (int s = 0; s < Subscribers; s++) min = Math.Min(min, Interlocked.Read(ref received[s, p]));
                return min;
            }

            private async Task Subscriber(int s, ClientWebSocket ws)
            {
                Reader r = new Reader(ws);
                try
                {
                    while (!stopping)
                    {
                        (int type, byte[] body) = await r.Next();
                        if ((type & 0xf0) != 0x30) continue;
                        int topicLength = (body[0] << 8) | body[1];
                        int p = body[2 + topicLength - 1] - '0';
                        int at = 2 + topicLength;
                        if ((type & 6) != 0)
                        {
                            await ws.SendAsync(new byte[] { 0x40, 2, body[at], body[at + 1] }, WebSocketMessageType.Binary, true, CancellationToken.None);
                            at += 2;
                        }
                        long seq = BitConverter.ToInt64(body, at);
                        long expected = received[s, p] + 1;
                        if (seq != expected) throw new InvalidOperationException("subscriber " + s + " got " + seq + " of publisher " + p + ", expected " + expected);
                        Interlocked.Exchange(ref received[s, p], seq);
                        Interlocked.Increment(ref deliveries);
                        room[p].Release();
                    }
                }
                catch (Exception) when (stopping) { }
            }

            private static async Task Expect(ClientWebSocket ws, int type)
            {
                (int got, byte[] _) = await new Reader(ws).Next();
                if ((got & 0xf0) != type) throw new InvalidOperationException("expected packet 0x" + type.ToString("x2") + ", got 0x" + got.ToString("x2"));
            }
        }

        // Reads MQTT packets from binary messages (a packet may span messages, a message hold several).
        private sealed class Reader
        {
            private readonly ClientWebSocket ws;
            private readonly byte[] buffer = new byte[1 << 16];
            private int start, end;

            public Reader(ClientWebSocket ws) { this.ws = ws; }

            public async Task<(int, byte[])> Next()
            {
                while (true)
                {
                    if (end - start >= 2)
                    {
                        int length = 0, mul = 1, i = start + 1;
                        for (; i < end; i++) { length += (buffer[i] & 127) * mul; mul *= 128; if ((buffer[i] & 128) == 0) break; }
                        if (i < end && end - (i + 1) >= length)
                        {
                            byte[] body = new byte[length];
                            Array.Copy(buffer, i + 1, body, 0, length);
                            int type = buffer[start];
                            start = i + 1 + length;
                            return (type, body);
                        }
                    }
                    if (start > 0) { Array.Copy(buffer, start, buffer, 0, end - start); end -= start; start = 0; }
                    WebSocketReceiveResult r = await ws.ReceiveAsync(new ArraySegment<byte>(buffer, end, buffer.Length - end), CancellationToken.None);
                    if (r.MessageType == WebSocketMessageType.Close) throw new InvalidOperationException("closed by the broker");
                    end += r.Count;
                }
            }
        }

        private static byte[] Subscribe(string filter, int qos)
        {
            List<byte> body = new List<byte> { 0, 1 };
            body.AddRange(Text(filter));
            body.Add((byte)qos);
            return Packet(0x82, body);
        }

        private static byte[] Text(string s)
        {
            byte[] b = System.Text.Encoding.UTF8.GetBytes(s);
            byte[] t = new byte[b.Length + 2];
            t[0] = (byte)(b.Length >> 8);
            t[1] = (byte)b.Length;
            b.CopyTo(t, 2);
            return t;
        }

        private static byte[] Packet(int type, List<byte> body)
        {
            List<byte> p = new List<byte> { (byte)type };
            int n = body.Count;
            do { int d = n % 128; n /= 128; p.Add((byte)(n > 0 ? d | 128 : d)); } while (n > 0);
            p.AddRange(body);
            return p.ToArray();
        }
    }
}
