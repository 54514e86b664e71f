#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Tests.Engine.Harness;
using NanoBroker.Web;

namespace NanoBroker.Tests.Engine.Web
{
    /// <summary>The frames a client sends (RFC 6455 section 5), decoded in place.</summary>
    [TestClass]
    public class FrameDecoderTests
    {
        private static FrameDecoder NewDecoder(long maxFrameBytes)
        {
            FrameDecoder decoder = new FrameDecoder(maxFrameBytes);
            decoder.Reset();
            return decoder;
        }

        // Decodes all of bytes in one call after another (stopping at control frames); returns the data payload.
        private static byte[] DecodeAll(FrameDecoder decoder, byte[] bytes)
        {
            int at = 0;
            int written = 0;
            while (at < bytes.Length && decoder.CloseCode == 0)
            {
                written = decoder.Decode(bytes, at, bytes.Length, written);
                at = decoder.ReadEnd;
            }
            byte[] payload = new byte[written];
            System.Array.Copy(bytes, 0, payload, 0, written);
            return payload;
        }

        [TestMethod]
        public void Rfc6455Section5_7TheMaskedSampleAsABinaryFrame()
        {
            // Section 5.7's "A single-frame masked text message", with the binary opcode MQTT needs.
            byte[] frame = Packets.FromHex("82 85 37 fa 21 3d 7f 9f 4d 51 58");
            Expect.Bytes(Packets.Bytes("Hello"), DecodeAll(NewDecoder(1000), frame), "payload");
        }

        [TestMethod]
        public void Mqtt6_0_0_1ATextFrameClosesWith1003()
        {
            FrameDecoder decoder = NewDecoder(1000);
            DecodeAll(decoder, Packets.FromHex("81 85 37 fa 21 3d 7f 9f 4d 51 58"));
            Assert.AreEqual(FrameDecoder.UnsupportedData, decoder.CloseCode);
        }

        [TestMethod]
        public void Rfc6455Section5_1AnUnmaskedClientFrameClosesWith1002()
        {
            FrameDecoder decoder = NewDecoder(1000);
            Assert.AreEqual(0, DecodeAll(decoder, WsClient.Frame(true, FrameDecoder.Binary, Packets.Bytes("Hello"), false)).Length);
            Assert.AreEqual(FrameDecoder.ProtocolError, decoder.CloseCode);
        }

        [TestMethod]
        public void Rfc6455Section5_4FragmentsAreJoinedByteByByteAsAllAtOnce()
        {
            byte[] payload = Packets.Payload(300, 3);
            byte[] first = new byte[100];
            byte[] second = new byte[200];
            System.Array.Copy(payload, 0, first, 0, 100);
            System.Array.Copy(payload, 100, second, 0, 200);
            byte[] frames = Packets.Concat(WsClient.Frame(false, FrameDecoder.Binary, first), WsClient.Frame(true, FrameDecoder.Continuation, second));
            Expect.Bytes(payload, DecodeAll(NewDecoder(1000), (byte[])frames.Clone()), "payload");

            FrameDecoder decoder = NewDecoder(1000);
            int written = 0;
            for (int i = 0; i < frames.Length; i++)
            {
                written = decoder.Decode(frames, i, i + 1, written);
            }
            Assert.AreEqual(0, decoder.CloseCode);
            byte[] joined = new byte[written];
            System.Array.Copy(frames, 0, joined, 0, written);
            Expect.Bytes(payload, joined, "payload");
        }

        [TestMethod]
        public void Rfc6455Section5_4AContinuationWithoutAStartAndANewMessageInsideOneClose1002()
        {
            FrameDecoder decoder = NewDecoder(1000);
            DecodeAll(decoder, WsClient.Frame(true, FrameDecoder.Continuation, Packets.Bytes("x")));
            Assert.AreEqual(FrameDecoder.ProtocolError, decoder.CloseCode);

            decoder = NewDecoder(1000);
            DecodeAll(decoder, Packets.Concat(WsClient.Frame(false, FrameDecoder.Binary, Packets.Bytes("a")), WsClient.Frame(true, FrameDecoder.Binary, Packets.Bytes("b"))));
            Assert.AreEqual(FrameDecoder.ProtocolError, decoder.CloseCode);
        }

        [TestMethod]
        public void Rfc6455Section5_4APingBetweenFragmentsIsAnsweredAndTheMessageGoesOn()
        {
            byte[] frames = Packets.Concat(WsClient.Frame(false, FrameDecoder.Binary, Packets.Bytes("ab")),
                Packets.Concat(WsClient.Frame(true, FrameDecoder.Ping, Packets.Bytes("ping!")), WsClient.Frame(true, FrameDecoder.Continuation, Packets.Bytes("cd"))));
            FrameDecoder decoder = NewDecoder(1000);
            int written = decoder.Decode(frames, 0, frames.Length, 0);
            Assert.AreEqual(FrameDecoder.Ping, decoder.ControlOpcode);
            Assert.AreEqual("ping!", WsClient.Text(decoder.Control, 0, decoder.ControlLength));
            written = decoder.Decode(frames, decoder.ReadEnd, frames.Length, written);
            Assert.AreEqual(0, decoder.ControlOpcode);
            Assert.AreEqual("abcd", WsClient.Text(frames, 0, written));
        }

        [TestMethod]
        public void Rfc6455Section5_2SixteenAndSixtyFourBitLengths()
        {
            byte[] medium = Packets.Payload(1000, 1);
            Expect.Bytes(medium, DecodeAll(NewDecoder(100000), WsClient.Frame(true, FrameDecoder.Binary, medium)), "payload");
            byte[] large = Packets.Payload(70000, 2);
            Expect.Bytes(large, DecodeAll(NewDecoder(100000), WsClient.Frame(true, FrameDecoder.Binary, large)), "payload");
        }

        [TestMethod]
        public void Rfc6455Section5_2LengthsNotInTheirMinimalFormAndA64BitLengthWithItsTopBitClose1002()
        {
            FrameDecoder decoder = NewDecoder(100000);
            DecodeAll(decoder, Packets.FromHex("82 fe 00 7d 00 00 00 00"));
            Assert.AreEqual(FrameDecoder.ProtocolError, decoder.CloseCode);
            decoder = NewDecoder(100000);
            DecodeAll(decoder, Packets.FromHex("82 ff 00 00 00 00 00 00 ff ff 00 00 00 00"));
            Assert.AreEqual(FrameDecoder.ProtocolError, decoder.CloseCode);
            decoder = NewDecoder(long.MaxValue);
            DecodeAll(decoder, Packets.FromHex("82 ff 80 00 00 00 00 00 00 01 00 00 00 00"));
            Assert.AreEqual(FrameDecoder.ProtocolError, decoder.CloseCode);
        }

        [TestMethod]
        public void Rfc6455Section7_4_1AFrameOverTheLimitCloses1009BeforeItsPayloadIsRead()
        {
            FrameDecoder decoder = NewDecoder(1000);
            byte[] frame = WsClient.Frame(true, FrameDecoder.Binary, Packets.Payload(1001, 0));
            Assert.AreEqual(0, decoder.Decode(frame, 0, frame.Length, 0));
            Assert.AreEqual(FrameDecoder.MessageTooBig, decoder.CloseCode);
            Assert.AreEqual(8, decoder.ReadEnd);
            // A 64-bit length near 2^63 likewise.
            decoder = NewDecoder(1000);
            DecodeAll(decoder, Packets.FromHex("82 ff 7f ff ff ff ff ff ff ff 00 00 00 00"));
            Assert.AreEqual(FrameDecoder.MessageTooBig, decoder.CloseCode);
        }

        [TestMethod]
        public void Rfc6455Section5_5ControlFramesAreShortAndUnfragmented()
        {
            FrameDecoder decoder = NewDecoder(1000);
            DecodeAll(decoder, WsClient.Frame(true, FrameDecoder.Ping, Packets.Payload(126, 0)));
            Assert.AreEqual(FrameDecoder.ProtocolError, decoder.CloseCode);
            decoder = NewDecoder(1000);
            DecodeAll(decoder, WsClient.Frame(false, FrameDecoder.Ping, Packets.Bytes("x")));
            Assert.AreEqual(FrameDecoder.ProtocolError, decoder.CloseCode);
        }

        [TestMethod]
        public void Rfc6455Section5_2ReservedBitsAndOpcodesClose1002()
        {
            FrameDecoder decoder = NewDecoder(1000);
            DecodeAll(decoder, Packets.FromHex("c2 80 00 00 00 00"));
            Assert.AreEqual(FrameDecoder.ProtocolError, decoder.CloseCode);
            decoder = NewDecoder(1000);
            DecodeAll(decoder, Packets.FromHex("83 80 00 00 00 00"));
            Assert.AreEqual(FrameDecoder.ProtocolError, decoder.CloseCode);
            decoder = NewDecoder(1000);
            DecodeAll(decoder, Packets.FromHex("8b 80 00 00 00 00"));
            Assert.AreEqual(FrameDecoder.ProtocolError, decoder.CloseCode);
        }

        [TestMethod]
        public void Rfc6455Section5_5_1ACloseGivesItsCodeToEchoOr1000WithoutOne()
        {
            FrameDecoder decoder = NewDecoder(1000);
            DecodeAll(decoder, WsClient.Frame(true, FrameDecoder.Close, new byte[] { 0x0f, 0xa0 }));
            Assert.AreEqual(4000, decoder.CloseCode);
            decoder = NewDecoder(1000);
            DecodeAll(decoder, WsClient.Frame(true, FrameDecoder.Close, new byte[0]));
            Assert.AreEqual(FrameDecoder.NormalClosure, decoder.CloseCode);
        }

        [TestMethod]
        public void Rfc6455Section7_4ACloseWithOneByteOrACodeNotForTheWireCloses1002()
        {
            FrameDecoder decoder = NewDecoder(1000);
            DecodeAll(decoder, WsClient.Frame(true, FrameDecoder.Close, new byte[] { 0x03 }));
            Assert.AreEqual(FrameDecoder.ProtocolError, decoder.CloseCode);
            // 1005 and 1006 are never sent in a close frame (section 7.4.1).
            decoder = NewDecoder(1000);
            DecodeAll(decoder, WsClient.Frame(true, FrameDecoder.Close, new byte[] { 0x03, 0xed }));
            Assert.AreEqual(FrameDecoder.ProtocolError, decoder.CloseCode);
        }

        [TestMethod]
        public void NothingIsReadAfterAClose()
        {
            byte[] frames = Packets.Concat(WsClient.Frame(true, FrameDecoder.Close, new byte[0]), WsClient.Frame(true, FrameDecoder.Binary, Packets.Bytes("late")));
            FrameDecoder decoder = NewDecoder(1000);
            Assert.AreEqual(0, decoder.Decode(frames, 0, frames.Length, 0));
            Assert.AreEqual(6, decoder.ReadEnd);
            Assert.AreEqual(0, decoder.Decode(frames, decoder.ReadEnd, frames.Length, 0));
            Assert.AreEqual(6, decoder.ReadEnd);
        }
    }
}
