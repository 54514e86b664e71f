#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Tests.Engine.Harness;
using NanoBroker.Web;

namespace NanoBroker.Tests.Engine.Web
{
    /// <summary>The HTTP request head of the web port: RFC 6455 section 4.2.1's checks, and what hostile input meets.</summary>
    [TestClass]
    public class UpgradeRequestTests
    {
        private static UpgradeRequest Read(string text)
        {
            UpgradeRequest request = new UpgradeRequest(2048);
            request.Reset();
            byte[] bytes = Packets.Bytes(text);
            request.Read(bytes, 0, bytes.Length);
            return request;
        }

        private static int Status(string text)
        {
            return Read(text).Status;
        }

        [TestMethod]
        public void Rfc6455Section4_2_1TheSampleHandshakeWithMqttIsAnUpgrade()
        {
            UpgradeRequest request = Read(WsClient.Request("mqtt"));
            Assert.AreEqual(UpgradeRequest.SwitchingProtocols, request.Status);
            Assert.AreEqual(UpgradeRequest.ProtocolMqtt, request.Protocol);
            Assert.AreEqual(WsClient.SampleKey, WsClient.Text(request.Key, 0, request.KeyLength));
        }

        [TestMethod]
        public void ByteByByteIsTheSameAsAllAtOnce()
        {
            UpgradeRequest request = new UpgradeRequest(2048);
            request.Reset();
            byte[] bytes = Packets.Bytes(WsClient.Request("mqtt"));
            for (int i = 0; i < bytes.Length; i++)
            {
                Assert.AreEqual(0, request.Status, "before byte " + i);
                Assert.AreEqual(1, request.Read(bytes, i, 1));
            }
            Assert.AreEqual(UpgradeRequest.SwitchingProtocols, request.Status);
        }

        [TestMethod]
        public void TheBytesAfterTheHeadAreLeftForTheFrames()
        {
            byte[] head = Packets.Bytes(WsClient.Request("mqtt"));
            byte[] bytes = Packets.Concat(head, new byte[] { 0x82, 0x80, 1, 2, 3, 4 });
            UpgradeRequest request = new UpgradeRequest(2048);
            request.Reset();
            Assert.AreEqual(head.Length, request.Read(bytes, 0, bytes.Length));
        }

        [TestMethod]
        public void Mqtt6_0_0_3TheOlderMqttv31SubprotocolIsChosenWhenMqttIsNotOffered()
        {
            Assert.AreEqual(UpgradeRequest.ProtocolMqttV31, Read(WsClient.Request("mqttv3.1")).Protocol);
            Assert.AreEqual(UpgradeRequest.ProtocolMqtt, Read(WsClient.Request("mqttv3.1, mqtt")).Protocol);
        }

        [TestMethod]
        public void Mqtt6_0_0_4AnUpgradeWithoutTheMqttSubprotocolIsRefused()
        {
            Assert.AreEqual(400, Status(WsClient.Request(null)));
            Assert.AreEqual(400, Status(WsClient.Request("chat, superchat")));
            // Subprotocol names are case-sensitive tokens.
            Assert.AreEqual(400, Status(WsClient.Request("MQTT")));
        }

        [TestMethod]
        public void Rfc6455Section4_2_1HeaderNamesAndConnectionAndUpgradeTokensIgnoreCase()
        {
            string text = "GET / HTTP/1.1\r\nhOST: a\r\nupgrade: WebSocket\r\nconnection: keep-alive, UPGRADE\r\n"
                + "sec-websocket-key: " + WsClient.SampleKey + "\r\nSEC-WEBSOCKET-VERSION: 13\r\nsec-websocket-protocol: mqtt\r\n\r\n";
            Assert.AreEqual(UpgradeRequest.SwitchingProtocols, Status(text));
        }

        [TestMethod]
        public void Rfc6455Section4_2_1EachRequiredHeaderIsRequired()
        {
            string full = WsClient.Request("mqtt");
            Assert.AreEqual(400, Status(WsClient.Replace(full, "Host: server.example.com\r\n", "")));
            Assert.AreEqual(400, Status(WsClient.Replace(full, "Upgrade: websocket\r\n", "Upgrade: h2c\r\n")));
            Assert.AreEqual(400, Status(WsClient.Replace(full, "Connection: Upgrade\r\n", "Connection: keep-alive\r\n")));
            Assert.AreEqual(400, Status(WsClient.Replace(full, "Sec-WebSocket-Key: " + WsClient.SampleKey + "\r\n", "")));
            Assert.AreEqual(400, Status(WsClient.Replace(full, "Sec-WebSocket-Version: 13\r\n", "")));
            Assert.AreEqual(405, Status(WsClient.Replace(full, "GET /mqtt", "POST /mqtt")));
            Assert.AreEqual(400, Status(WsClient.Replace(full, "HTTP/1.1", "HTTP/1.0")));
        }

        [TestMethod]
        public void Rfc6455Section4_2_1Item5TheKeyIsSixteenBytesInBase64()
        {
            string full = WsClient.Request("mqtt");
            Assert.AreEqual(400, Status(WsClient.Replace(full, WsClient.SampleKey, "dGhlIHNhbXBsZSBub25jZQ")));
            Assert.AreEqual(400, Status(WsClient.Replace(full, WsClient.SampleKey, "dGhlIHNhbXBsZSBub25jZQ=x")));
            Assert.AreEqual(400, Status(WsClient.Replace(full, WsClient.SampleKey, "dGhlIHNhbXBsZSBub2*jZQ==")));
            // Twice is refused too.
            Assert.AreEqual(400, Status(WsClient.Replace(full, "\r\n\r\n", "\r\nSec-WebSocket-Key: " + WsClient.SampleKey + "\r\n\r\n")));
        }

        [TestMethod]
        public void Rfc6455Section4_2_2AnotherVersionGets426()
        {
            Assert.AreEqual(426, Status(WsClient.Replace(WsClient.Request("mqtt"), "Version: 13", "Version: 8")));
        }

        [TestMethod]
        public void APlainGetOfTheRootIsThePageAndOfAnythingElse404()
        {
            Assert.AreEqual(UpgradeRequest.PageRequest, Status("GET / HTTP/1.1\r\nHost: board\r\nAccept: text/html\r\n\r\n"));
            Assert.AreEqual(UpgradeRequest.PageRequest, Status("GET /index.html HTTP/1.1\nHost: board\n\n"));
            Assert.AreEqual(404, Status("GET /admin HTTP/1.1\r\nHost: board\r\n\r\n"));
            Assert.AreEqual(400, Status("GET / HTTP/1.1\r\n\r\n"));
        }

        [TestMethod]
        public void LongHeadersNobodyReadsAreSkippedWithoutBeingKept()
        {
            string cookie = "Cookie: ";
            for (int i = 0; i < 100; i++)
            {
                cookie += "session=0123456789;";
            }
            string text = WsClient.Replace(WsClient.Request("mqtt"), "Origin:", cookie + "\r\nOrigin:");
            UpgradeRequest request = new UpgradeRequest(4096);
            request.Reset();
            byte[] bytes = Packets.Bytes(text);
            request.Read(bytes, 0, bytes.Length);
            Assert.AreEqual(UpgradeRequest.SwitchingProtocols, request.Status);
        }

        [TestMethod]
        public void AHeadOverItsLimitGets431AndIsNotReadFurther()
        {
            UpgradeRequest request = new UpgradeRequest(256);
            request.Reset();
            byte[] endless = Packets.Bytes("GET / HTTP/1.1\r\nHost: a\r\n");
            int taken = 0;
            for (int round = 0; round < 100 && request.Status == 0; round++)
            {
                taken += request.Read(endless, 0, endless.Length);
                endless = Packets.Bytes("X-Filler: aaaaaaaaaaaaaaaa\r\n");
            }
            Assert.AreEqual(431, request.Status);
            Assert.AreEqual(256, taken);
        }

        [TestMethod]
        public void ARequestLineOverTheLineLimitGets414()
        {
            string target = "/";
            for (int i = 0; i < UpgradeRequest.LineBytes; i++)
            {
                target += "a";
            }
            Assert.AreEqual(414, Status("GET " + target + " HTTP/1.1\r\nHost: a\r\n\r\n"));
        }

        [TestMethod]
        public void GarbageAndFoldedLinesGet400()
        {
            // A TLS ClientHello's first bytes (a client speaking TLS to the plain port), as bytes: nanoCLR's strings end at a NUL.
            UpgradeRequest request = new UpgradeRequest(2048);
            request.Reset();
            byte[] hello = new byte[] { 0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03, (byte)'\r', (byte)'\n' };
            request.Read(hello, 0, hello.Length);
            Assert.AreEqual(400, request.Status);
            Assert.AreEqual(400, Status("GET /\r\n"));
            Assert.AreEqual(400, Status("GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n"));
            Assert.AreEqual(400, Status("GET / HTTP/1.1\r\nHost: a\r\nNo colon here\r\n\r\n"));
            Assert.AreEqual(400, Status("GET / HTTP/1.1\r\nHost: a\r\nBad name: x\r\n\r\n"));
        }
    }
}
