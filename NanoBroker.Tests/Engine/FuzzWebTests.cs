#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Tests.Engine.Harness;
using NanoBroker.Tests.Engine.Web;
using NanoBroker.Web;

namespace NanoBroker.Tests.Engine
{
    /// <summary>
    /// A seeded fuzzer of the web port's sessions: mutated and random HTTP request heads (bit flips, truncations,
    /// spliced random bytes, repeated and overlong headers) and mutated WebSocket frame streams, fed in random chunks.
    /// Checked throughout: nothing throws; a request head ends in one of the statuses the parser defines, the same
    /// whatever the chunks, within its byte limit; valid frame streams (fragments, pings and pongs between them, all
    /// three length forms) give back exactly the bytes they carry and a pong per ping; a mutated stream never gives
    /// more bytes than it had, and ends, if it ends, with a close code RFC 6455 section 7.4 allows, after which the
    /// session reads nothing more and sends well-formed control frames only.
    /// </summary>
    [TestClass]
    public class FuzzWebTests
    {
        private const int Rounds = 300;

        private static readonly string[] Heads =
        {
            WsClient.Request("mqtt"),
            WsClient.Request("mqttv3.1"),
            // paho-mqtt for Python 1.6
            "GET /mqtt HTTP/1.1\r\nHost: 127.0.0.1:9001\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nOrigin: http://127.0.0.1:9001\r\n"
                + "Sec-WebSocket-Key: " + WsClient.SampleKey + "\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: mqtt\r\n\r\n",
            // a browser's page request
            "GET / HTTP/1.1\r\nHost: board.local\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64)\r\nAccept: text/html,*/*;q=0.8\r\n"
                + "Accept-Encoding: gzip, deflate\r\nConnection: keep-alive\r\n\r\n",
        };

        private static bool Defined(int status)
        {
            return status == 0 || status == 101 || status == 200 || status == 400 || status == 404 || status == 405
                || status == 414 || status == 426 || status == 431;
        }

        private static byte[] Mutate(System.Random random, byte[] valid)
        {
            byte[] b = (byte[])valid.Clone();
            int kind = random.Next(5);
            if (kind == 0)
            {
                for (int flips = 1 + random.Next(4); flips > 0; flips--)
                {
                    b[random.Next(b.Length)] ^= (byte)(1 << random.Next(8));
                }
                return b;
            }
            if (kind == 1)
            {
                byte[] cut = new byte[random.Next(b.Length)];
                System.Array.Copy(b, 0, cut, 0, cut.Length);
                return cut;
            }
            if (kind == 2)
            {
                // Random bytes spliced in.
                int at = random.Next(b.Length);
                byte[] noise = new byte[1 + random.Next(300)];
                random.NextBytes(noise);
                byte[] spliced = new byte[b.Length + noise.Length];
                System.Array.Copy(b, 0, spliced, 0, at);
                System.Array.Copy(noise, 0, spliced, at, noise.Length);
                System.Array.Copy(b, at, spliced, at + noise.Length, b.Length - at);
                return spliced;
            }
            if (kind == 3)
            {
                byte[] noise = new byte[random.Next(600)];
                random.NextBytes(noise);
                return noise;
            }
            // A part of itself repeated (headers twice, a line made long).
            int from = random.Next(b.Length);
            int length = 1 + random.Next(b.Length - from);
            int times = 1 + random.Next(20);
            byte[] longer = new byte[b.Length + length * times];
            System.Array.Copy(b, 0, longer, 0, from + length);
            for (int t = 0; t < times; t++)
            {
                System.Array.Copy(b, from, longer, from + length * (t + 1), length);
            }
            System.Array.Copy(b, from + length, longer, from + length * (times + 1), b.Length - from - length);
            return longer;
        }

        // Reads a head in random chunks; returns the status.
        private static int ReadInChunks(System.Random random, UpgradeRequest request, byte[] bytes, int limit)
        {
            request.Reset();
            int at = 0;
            while (at < bytes.Length && request.Status == 0)
            {
                int n = 1 + random.Next(bytes.Length - at);
                int taken = request.Read(bytes, at, n);
                Assert.IsTrue(taken <= n, "took more than given");
                Assert.IsTrue(taken == n || request.Status != 0, "stopped early without an outcome");
                at += taken;
            }
            Assert.IsTrue(at <= limit, "read " + at + " bytes of a head limited to " + limit);
            return request.Status;
        }

        [TestMethod]
        public void MutatedRequestHeadsEndInADefinedStatusWhateverTheChunks()
        {
            System.Random random = new System.Random(19);
            UpgradeRequest whole = new UpgradeRequest(1024);
            UpgradeRequest chunked = new UpgradeRequest(1024);
            int upgrades = 0;
            int refusals = 0;
            for (int round = 0; round < Rounds; round++)
            {
                byte[] head = Mutate(random, Packets.Bytes(Heads[random.Next(Heads.Length)]));
                whole.Reset();
                whole.Read(head, 0, head.Length);
                Assert.IsTrue(Defined(whole.Status), "status " + whole.Status);
                Assert.AreEqual(whole.Status, ReadInChunks(random, chunked, head, 1024), "round " + round);
                if (whole.Status == UpgradeRequest.SwitchingProtocols)
                {
                    upgrades++;
                    Assert.AreEqual(UpgradeRequest.KeyChars, whole.KeyLength);
                }
                else if (whole.Status >= 400)
                {
                    refusals++;
                }
            }
            // The mutations reach both outcomes (a fuzzer that only ever refuses tests little).
            Assert.IsTrue(upgrades > 0 && refusals > 0, "upgrades " + upgrades + ", refusals " + refusals);
        }

        // A valid stream of frames carrying payload, with pings, pongs and fragments; counts its pings.
        private static byte[] ValidFrames(System.Random random, byte[] payload, out int pings)
        {
            byte[] stream = new byte[0];
            pings = 0;
            int at = 0;
            while (at < payload.Length)
            {
                int message = 1 + random.Next(payload.Length - at);
                int fragments = 1 + random.Next(3);
                int sent = 0;
                for (int f = 0; f < fragments && sent < message; f++)
                {
                    int n = f == fragments - 1 ? message - sent : random.Next(message - sent + 1);
                    byte[] part = new byte[n];
                    System.Array.Copy(payload, at + sent, part, 0, n);
                    bool last = sent + n == message;
                    stream = Packets.Concat(stream, WsClient.Frame(last, f == 0 ? FrameDecoder.Binary : FrameDecoder.Continuation, part));
                    sent += n;
                    if (random.Next(4) == 0)
                    {
                        byte[] data = new byte[random.Next(FrameDecoder.MaxControlBytes + 1)];
                        random.NextBytes(data);
                        bool ping = random.Next(2) == 0;
                        pings += ping ? 1 : 0;
                        stream = Packets.Concat(stream, WsClient.Frame(true, ping ? FrameDecoder.Ping : FrameDecoder.Pong, data));
                    }
                }
                if (sent < message)
                {
                    byte[] rest = new byte[message - sent];
                    System.Array.Copy(payload, at + sent, rest, 0, rest.Length);
                    stream = Packets.Concat(stream, WsClient.Frame(true, FrameDecoder.Continuation, rest));
                }
                at += message;
            }
            return stream;
        }

        private static WebSocketSession Upgraded(WebPort port)
        {
            WebSocketSession session = port.Take(0);
            byte[] head = Packets.Bytes(WsClient.Request("mqtt"));
            session.Received(head, 0, head.Length, 0);
            DrainControl(session);
            return session;
        }

        // Sends what the session has of its own; checks each control frame is well formed; returns the pongs in it.
        private static int DrainControl(WebSocketSession session)
        {
            int pongs = 0;
            int n;
            while ((n = session.OwnCount()) > 0)
            {
                byte[] b = session.OwnBuffer;
                int at = session.OwnStart;
                if (b[at] == 0x8a || b[at] == 0x88)
                {
                    int length = b[at + 1];
                    Assert.IsTrue(length <= FrameDecoder.MaxControlBytes, "control frame of " + length);
                    Assert.IsTrue(n >= 2 + length, "control frame cut");
                    pongs += b[at] == 0x8a ? 1 : 0;
                    if (b[at] == 0x88)
                    {
                        Assert.AreEqual(2, length);
                    }
                    n = 2 + length;
                }
                session.OwnSent(n);
            }
            return pongs;
        }

        // Feeds frames in random chunks as the loop does (each chunk read into the receive buffer after what the engine holds).
        private static int Feed(System.Random random, WebSocketSession session, byte[] frames, byte[] engine, out int pongs)
        {
            int engineBytes = 0;
            int at = 0;
            pongs = 0;
            while (at < frames.Length)
            {
                int n = 1 + random.Next(frames.Length - at < 2000 ? frames.Length - at : 2000);
                System.Array.Copy(frames, at, engine, engineBytes, n);
                int got = session.Received(engine, engineBytes, n, 0);
                Assert.IsTrue(got >= 0 && got <= n, "gave " + got + " of " + n);
                engineBytes += got;
                at += n;
                pongs += DrainControl(session);
            }
            return engineBytes;
        }

        [TestMethod]
        public void ValidFrameStreamsGiveBackTheirBytesAndAPongPerPing()
        {
            System.Random random = new System.Random(6455);
            WebOptions options = WebOptions.Esp32();
            options.MaxClients = 1;
            WebPort port = new WebPort(options, null);
            for (int round = 0; round < Rounds / 3; round++)
            {
                WebSocketSession session = Upgraded(port);
                byte[] payload = Packets.Payload(random.Next(10) == 0 ? 70000 : 1 + random.Next(400), round);
                int pings;
                byte[] frames = ValidFrames(random, payload, out pings);
                byte[] engine = new byte[frames.Length];
                int pongs;
                int got = Feed(random, session, frames, engine, out pongs);
                Assert.AreEqual(0, session.CloseCode, "round " + round);
                Assert.AreEqual(payload.Length, got, "round " + round);
                for (int i = 0; i < got; i++)
                {
                    Assert.AreEqual(payload[i], engine[i], "round " + round + ", byte " + i);
                }
                // A pong per ping, or fewer when pings came faster than pongs went (section 5.5.3: the latest is enough).
                Assert.IsTrue(pongs <= pings && (pings == 0 || pongs > 0), pongs + " pongs for " + pings + " pings");
                port.Release(session);
            }
        }

        [TestMethod]
        public void MutatedFrameStreamsCloseWithAnAllowedCodeAndReadNothingAfter()
        {
            System.Random random = new System.Random(1002);
            WebOptions options = WebOptions.Esp32();
            options.MaxClients = 1;
            options.MaxFrameBytes = 1000;
            WebPort port = new WebPort(options, null);
            int closed = 0;
            for (int round = 0; round < Rounds; round++)
            {
                WebSocketSession session = Upgraded(port);
                int pings;
                byte[] frames = Mutate(random, ValidFrames(random, Packets.Payload(1 + random.Next(600), round), out pings));
                byte[] engine = new byte[frames.Length + 1];
                int pongs;
                int got = Feed(random, session, frames, engine, out pongs);
                Assert.IsTrue(got <= frames.Length);
                int code = session.CloseCode;
                if (code != 0)
                {
                    closed++;
                    Assert.IsTrue(code == 1000 || code == 1001 || code == 1002 || code == 1003 || code == 1009 || (code >= 1007 && code <= 1011) || (code >= 3000 && code <= 4999), "close code " + code);
                    Assert.IsTrue(session.Finished, "closed but not finished");
                    byte[] more = WsClient.Frame(true, FrameDecoder.Binary, Packets.Bytes("after"));
                    Assert.AreEqual(0, session.Received(more, 0, more.Length, 0));
                }
                port.Release(session);
            }
            Assert.IsTrue(closed > Rounds / 4, "closed " + closed + " of " + Rounds);
        }
    }
}
