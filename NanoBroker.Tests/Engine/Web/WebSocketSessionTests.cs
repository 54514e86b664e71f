#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Tests.Engine.Harness;
using NanoBroker.Web;

namespace NanoBroker.Tests.Engine.Web
{
    /// <summary>
    /// A web port's session as the socket loop drives it: raw bytes in (rewritten in place into MQTT bytes), its own
    /// bytes (responses, control frames, frame headers) and the outbox's as frames out, and its timeouts.
    /// </summary>
    [TestClass]
    public class WebSocketSessionTests
    {
        private static WebPort NewPort(int maxClients, byte[] page)
        {
            WebOptions options = WebOptions.Esp32();
            options.MaxClients = maxClients;
            options.MaxFrameBytes = 4096;
            return new WebPort(options, page == null ? null : new PageBytes(page));
        }

        // Feeds bytes as the loop does (into a receive buffer at 0); returns the MQTT bytes the engine gets.
        private static string Feed(WebSocketSession session, byte[] bytes, long now)
        {
            byte[] buffer = new byte[bytes.Length + 16];
            System.Array.Copy(bytes, 0, buffer, 0, bytes.Length);
            int n = session.Received(buffer, 0, bytes.Length, now);
            return WsClient.Text(buffer, 0, n);
        }

        // Everything the session sends of its own now, as text.
        private static string Drain(WebSocketSession session)
        {
            string sent = "";
            int n;
            while ((n = session.OwnCount()) > 0)
            {
                sent += WsClient.Text(session.OwnBuffer, session.OwnStart, n);
                session.OwnSent(n);
            }
            return sent;
        }

        private static WebSocketSession Upgraded(WebPort port)
        {
            WebSocketSession session = port.Take(0);
            Assert.AreEqual("", Feed(session, Packets.Bytes(WsClient.Request("mqtt")), 0));
            Drain(session);
            Assert.IsTrue(session.IsOpen);
            return session;
        }

        [TestMethod]
        public void Rfc6455Section4_2_2TheUpgradeIsAnsweredWithTheAcceptAndTheMqttSubprotocol()
        {
            WebSocketSession session = NewPort(1, null).Take(0);
            Feed(session, Packets.Bytes(WsClient.Request("mqtt")), 0);
            Assert.AreEqual("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "
                + WsClient.SampleAccept + "\r\nSec-WebSocket-Protocol: mqtt\r\n\r\n", Drain(session));
            Assert.IsTrue(session.IsOpen);
            Assert.IsFalse(session.Finished);
        }

        [TestMethod]
        public void FramesInTheSameReadAsTheRequestReachTheEngine()
        {
            WebSocketSession session = NewPort(1, null).Take(0);
            byte[] connect = Packets.Connect("ws", true, 30);
            byte[] bytes = Packets.Concat(Packets.Bytes(WsClient.Request("mqtt")), WsClient.Frame(true, FrameDecoder.Binary, connect));
            Assert.AreEqual(WsClient.Text(connect, 0, connect.Length), Feed(session, bytes, 0));
        }

        [TestMethod]
        public void Rfc6455Section5_5_2APingIsAnsweredWithAPongOfItsPayload()
        {
            WebSocketSession session = Upgraded(NewPort(1, null));
            Assert.AreEqual("", Feed(session, WsClient.Frame(true, FrameDecoder.Ping, Packets.Bytes("are you there")), 0));
            Assert.AreEqual("\u008a\u000dare you there", Drain(session));
            Assert.IsTrue(session.IsOpen);
        }

        [TestMethod]
        public void Rfc6455Section5_5_1ACloseIsEchoedThenTheSessionIsFinished()
        {
            WebSocketSession session = Upgraded(NewPort(1, null));
            Feed(session, WsClient.Frame(true, FrameDecoder.Close, new byte[] { 0x03, 0xe8 }), 0);
            Assert.IsFalse(session.Finished);
            Assert.AreEqual("\u0088\u0002\u0003\u00e8", Drain(session));
            Assert.IsTrue(session.Finished);
        }

        [TestMethod]
        public void Rfc6455Section7_1_7AProtocolErrorSendsClose1002()
        {
            WebSocketSession session = Upgraded(NewPort(1, null));
            Feed(session, WsClient.Frame(true, FrameDecoder.Binary, Packets.Bytes("x"), false), 0);
            Assert.AreEqual(FrameDecoder.ProtocolError, session.CloseCode);
            Assert.AreEqual("\u0088\u0002\u0003\u00ea", Drain(session));
            Assert.IsTrue(session.Finished);
        }

        [TestMethod]
        public void Rfc6455Section7_4_1AnOversizedFrameSendsClose1009()
        {
            WebSocketSession session = Upgraded(NewPort(1, null));
            Feed(session, WsClient.Frame(true, FrameDecoder.Binary, Packets.Payload(4097, 0)), 0);
            Assert.AreEqual("\u0088\u0002\u0003\u00f1", Drain(session));
        }

        [TestMethod]
        public void Mqtt6_0_0_1TheOutboxGoesOutInBinaryFramesAHeaderBeforeEachRun()
        {
            WebSocketSession session = Upgraded(NewPort(1, null));
            // 4 outbox bytes: a header for them first, then they are sent from the outbox itself.
            Assert.AreEqual(0, session.Payload(4));
            Assert.AreEqual("\u0082\u0004", Drain(session));
            Assert.AreEqual(4, session.Payload(4));
            session.PayloadSent(3);
            // The frame's last byte before any new header, even when more bytes came meanwhile.
            Assert.AreEqual(1, session.Payload(300));
            Assert.AreEqual(0, session.OwnCount());
            session.PayloadSent(1);
            Assert.AreEqual(0, session.Payload(300));
            Assert.AreEqual("\u0082\u007e\u0001\u002c", Drain(session));
        }

        [TestMethod]
        public void ASmallRunOfTheOutboxIsFramedWholeIntoOneSend()
        {
            WebSocketSession session = Upgraded(NewPort(1, null));
            byte[] outbox = Packets.Bytes("xxPUBACKyy");
            Assert.AreEqual(6, session.FrameCopy(outbox, 2, 6));
            Assert.AreEqual("\u0082\u0006PUBACK", Drain(session));
            // What does not fit the session's buffer is framed in place (Payload), a header first.
            Assert.AreEqual(0, session.FrameCopy(new byte[600], 0, 600));
            Assert.AreEqual(0, session.Payload(600));
            Assert.AreEqual("\u0082\u007e\u0002\u0058", Drain(session));
            // Nor while that frame is open.
            Assert.AreEqual(0, session.FrameCopy(outbox, 0, 4));
        }

        // A socket that takes at most Room bytes a send and keeps what it took, as text.
        private sealed class FakeSocket : ISlotSender
        {
            public int Room = int.MaxValue;
            public string Wire = "";

            public int TrySend(int slot, byte[] buffer, int offset, int count)
            {
                int n = count < Room ? count : Room;
                Wire += WsClient.Text(buffer, offset, n);
                return n;
            }
        }

        [TestMethod]
        public void PumpSendsTheResponseThenTheOutboxInFramesAsTheSocketTakesThem()
        {
            WebSocketSession session = NewPort(1, null).Take(0);
            Feed(session, Packets.Bytes(WsClient.Request("mqtt")), 0);
            FakeSocket socket = new FakeSocket();
            socket.Room = 7;
            byte[] outbox = Packets.Bytes("CONNACK");
            int taken = 0;
            // The 101 response goes first, 7 bytes a send, then the outbox's 7 bytes framed whole: taken once.
            for (int round = 0; round < 100 && taken < outbox.Length; round++)
            {
                taken += session.Pump(socket, 0, outbox, taken, outbox.Length - taken, false, 0);
            }
            Assert.AreEqual(7, taken);
            while (session.Pump(socket, 0, outbox, 7, 0, false, 0) > 0 || session.OwnCount() > 0)
            {
            }
            Assert.IsTrue(socket.Wire.StartsWith("HTTP/1.1 101 Switching Protocols\r\n"), socket.Wire);
            Assert.IsTrue(socket.Wire.EndsWith("\r\n\r\n\u0082\u0007CONNACK"), socket.Wire);
        }

        [TestMethod]
        public void PumpStartsTheCloseHandshakeWhenTheEngineClosesAndItsOutboxIsSent()
        {
            WebSocketSession session = Upgraded(NewPort(1, null));
            FakeSocket socket = new FakeSocket();
            byte[] outbox = Packets.Bytes("CONNACK5");
            Assert.AreEqual(8, session.Pump(socket, 0, outbox, 0, 8, true, 0));
            Assert.AreEqual(0, session.Pump(socket, 0, outbox, 8, 0, true, 0));
            Assert.AreEqual("\u0082\u0008CONNACK5\u0088\u0002\u0003\u00e8", socket.Wire);
            Assert.IsTrue(session.Finished);
        }

        [TestMethod]
        public void Rfc6455Section5_4APongWaitsForTheFrameBeingSent()
        {
            WebSocketSession session = Upgraded(NewPort(1, null));
            session.Payload(10);
            Drain(session);
            session.PayloadSent(5);
            Feed(session, WsClient.Frame(true, FrameDecoder.Ping, new byte[0]), 0);
            Assert.AreEqual(0, session.OwnCount());
            session.PayloadSent(5);
            Assert.AreEqual("\u008a\u0000", Drain(session));
        }

        [TestMethod]
        public void AClientThatNeverFinishesTheUpgradeExpires()
        {
            WebPort port = NewPort(1, null);
            WebSocketSession session = port.Take(1000);
            Feed(session, Packets.Bytes("GET /mqtt HTTP/1.1\r\nHost: a\r\n"), 1000);
            Assert.IsFalse(session.Expired(1000 + WebOptions.Esp32().TimeoutMs - 1));
            Assert.IsTrue(session.Expired(1000 + WebOptions.Esp32().TimeoutMs));
        }

        [TestMethod]
        public void AnOpenSessionDoesNotExpire()
        {
            WebSocketSession session = Upgraded(NewPort(1, null));
            Assert.IsFalse(session.Expired(long.MaxValue / 2));
        }

        [TestMethod]
        public void ThePageIsServedFromItsArrayThenTheSessionIsFinished()
        {
            byte[] page = Packets.Bytes("<!doctype html><p>hi</p>");
            WebSocketSession session = NewPort(1, page).Take(0);
            Feed(session, Packets.Bytes("GET / HTTP/1.1\r\nHost: board\r\n\r\n"), 0);
            string response = Drain(session);
            Assert.AreEqual("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nCache-Control: no-cache\r\nConnection: close\r\nContent-Length: 24\r\n\r\n<!doctype html><p>hi</p>", response);
            Assert.IsTrue(session.Finished);
        }

        [TestMethod]
        public void APageLargerThanTheSessionsBufferIsReadAndSentInChunks()
        {
            // Letters only: nanoCLR's strings end at a NUL, and the test compares text.
            byte[] page = new byte[5000];
            for (int i = 0; i < page.Length; i++)
            {
                page[i] = (byte)('a' + i % 26);
            }
            WebSocketSession session = NewPort(1, page).Take(0);
            Feed(session, Packets.Bytes("GET / HTTP/1.1\r\nHost: board\r\n\r\n"), 0);
            string response = Drain(session);
            string body = response.Substring(response.IndexOf("\r\n\r\n") + 4);
            Assert.AreEqual(WsClient.Text(page, 0, page.Length), body);
            Assert.IsTrue(session.Finished);
        }

        [TestMethod]
        public void ARefusalIsSentThenTheSessionIsFinished()
        {
            WebSocketSession session = NewPort(1, null).Take(0);
            Feed(session, Packets.Bytes(WsClient.Replace(WsClient.Request("mqtt"), "Version: 13", "Version: 7")), 0);
            Assert.AreEqual("HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", Drain(session));
            Assert.IsTrue(session.Finished);
            // Without a page, the root is 404.
            session = NewPort(1, null).Take(0);
            Feed(session, Packets.Bytes("GET / HTTP/1.1\r\nHost: board\r\n\r\n"), 0);
            Assert.AreEqual("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", Drain(session));
        }

        [TestMethod]
        public void TheEngineClosingStartsTheCloseHandshakeWith1000()
        {
            WebSocketSession session = Upgraded(NewPort(1, null));
            session.EngineClosing(0);
            Assert.AreEqual("\u0088\u0002\u0003\u00e8", Drain(session));
            Assert.IsTrue(session.Finished);
        }

        [TestMethod]
        public void ThePortHoldsAtMostMaxClientsSessions()
        {
            WebPort port = NewPort(2, null);
            WebSocketSession a = port.Take(0);
            Assert.IsNotNull(port.Take(0));
            Assert.IsNull(port.Take(0));
            port.Release(a);
            Assert.IsNotNull(port.Take(0));
        }
    }
}
