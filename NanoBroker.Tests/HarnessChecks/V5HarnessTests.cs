using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoBroker.Protocol;
using NanoBroker.Tests.Engine.Harness;

namespace NanoBroker.Tests.HarnessChecks
{
    /// <summary>
    /// The MQTT 5.0 harness checked against real bytes: packets V5Packets builds by hand equal what mosquitto_pub
    /// and mosquitto_sub 2.0.11 sent (captured once with a fake server), and V5Packet reads what mosquitto 2.0.11
    /// sent back, so the harness is right before any engine code is judged by it.
    /// Host-only (not under Engine/) for now: with these 11 tests NanoBroker.Tests.nfproj's assembly passes the
    /// MetadataProcessor's 64 KB byte code table ("Byte code table overflow"); they keep to the portable Assert subset
    /// so they can move back beside the 5.0 engine tests once those get an nfproj of their own.
    /// </summary>
    [TestClass]
    public class V5HarnessTests
    {
        // mosquitto_pub -V mqttv5 -i cap-pub -k 30 -t cap/t -m hi -q 1 -D connect session-expiry-interval 60
        //   -D connect receive-maximum 20 -D connect maximum-packet-size 1000 -D connect topic-alias-maximum 5
        //   -D connect request-response-information 1 -D connect request-problem-information 0 -D connect user-property k v
        //   -D publish user-property a b -D publish content-type text/plain -D publish response-topic cap/r
        //   -D publish correlation-data c1 -D publish message-expiry-interval 10 -D publish payload-format-indicator 1
        private const string MosquittoPubConnect = "102f00044d5154540502001e1b110000003c21001427000003e8220005190117002600016b000176"
            + "00076361702d707562";
        private const string MosquittoPubPublish = "323400056361702f740001282600016100016203000a746578742f706c61696e0800056361702f72"
            + "0900026331020000000a01016869";

        // mosquitto_sub -V mqttv5 -i cap-sub -k 30 -t 'cap/#' -q 2 -D subscribe subscription-identifier 300
        private const string MosquittoSubConnect = "101700044d5154540502001e0321001400076361702d737562";
        private const string MosquittoSubSubscribe = "820e0001030bac0200056361702f2302";

        // What mosquitto 2.0.11 (default listener) sent to that CONNECT and SUBSCRIBE, to the PUBLISH above, and to
        // an UNSUBSCRIBE (packet id 5) of a filter never subscribed.
        private const string MosquittoConnAck = "200900000622000a210014";
        private const string MosquittoSubAck = "900400010002";
        private const string MosquittoPublish = "323700056361702f7400012b0bac022600016100016203000a746578742f706c61696e0800056361"
            + "702f7209000263310101020000000a6869";
        private const string MosquittoUnsubAck = "b00400050011";

        // Section 3.1: CONNECT, its properties (3.1.2.11) in the order given.
        [TestMethod]
        public void V5ConnectWithPropertiesEqualsMosquittoPubsBytes()
        {
            V5PropertyWriter properties = new V5PropertyWriter().SessionExpiryInterval(60).ReceiveMaximum(20).MaximumPacketSize(1000)
                .TopicAliasMaximum(5).RequestResponseInformation(1).RequestProblemInformation(0).UserProperty("k", "v");
            Expect.Bytes(Packets.FromHex(MosquittoPubConnect), V5Packets.Connect("cap-pub", true, 30, properties), "CONNECT");
            V5PropertyWriter receiveMaximum = new V5PropertyWriter().ReceiveMaximum(20);
            Expect.Bytes(Packets.FromHex(MosquittoSubConnect), V5Packets.Connect("cap-sub", true, 30, receiveMaximum), "CONNECT");
        }

        // Section 3.3.2.3: PUBLISH properties between the packet id and the payload.
        [TestMethod]
        public void V5PublishWithPropertiesEqualsMosquittoPubsBytes()
        {
            V5PropertyWriter properties = new V5PropertyWriter().UserProperty("a", "b").ContentType("text/plain").ResponseTopic("cap/r")
                .CorrelationData(Packets.Bytes("c1")).MessageExpiryInterval(10).PayloadFormatIndicator(1);
            Expect.Bytes(Packets.FromHex(MosquittoPubPublish), V5Packets.Publish("cap/t", "hi", 1, false, false, 1, properties), "PUBLISH");
        }

        // Section 3.8.2.1.2: the Subscription Identifier is a Variable Byte Integer (300 = ac 02).
        [TestMethod]
        public void V5SubscribeWithSubscriptionIdentifierEqualsMosquittoSubsBytes()
        {
            int options = V5Packets.SubscriptionOptions(2, false, false, 0);
            Expect.Bytes(Packets.FromHex(MosquittoSubSubscribe), V5Packets.Subscribe(1, "cap/#", options, 300), "SUBSCRIBE");
        }

        // Section 3.8.3.1: QoS in bits 0-1, No Local bit 2, Retain As Published bit 3, Retain Handling bits 4-5.
        [TestMethod]
        public void SubscriptionOptionsByteHasEachOptionInItsBits()
        {
            Assert.AreEqual(0x01, V5Packets.SubscriptionOptions(1, false, false, 0));
            Assert.AreEqual(0x04, V5Packets.SubscriptionOptions(0, true, false, 0));
            Assert.AreEqual(0x08, V5Packets.SubscriptionOptions(0, false, true, 0));
            Assert.AreEqual(0x20, V5Packets.SubscriptionOptions(0, false, false, 2));
            Assert.AreEqual(0x1E, V5Packets.SubscriptionOptions(2, true, true, 1));
        }

        // Section 1.5.5's table: the edges of one to four bytes.
        [TestMethod]
        public void VarIntIsWrittenAsTheSpecificationsTableShows()
        {
            Expect.Bytes(new byte[] { 0x00 }, new ByteWriter().VarInt(0).ToArray(), "0");
            Expect.Bytes(new byte[] { 0x7F }, new ByteWriter().VarInt(127).ToArray(), "127");
            Expect.Bytes(new byte[] { 0x80, 0x01 }, new ByteWriter().VarInt(128).ToArray(), "128");
            Expect.Bytes(new byte[] { 0xFF, 0x7F }, new ByteWriter().VarInt(16383).ToArray(), "16 383");
            Expect.Bytes(new byte[] { 0x80, 0x80, 0x01 }, new ByteWriter().VarInt(16384).ToArray(), "16 384");
            Expect.Bytes(new byte[] { 0xFF, 0xFF, 0xFF, 0x7F }, new ByteWriter().VarInt(268435455).ToArray(), "268 435 455");
        }

        // Sections 3.4.2, 3.14.2, 3.15.2: reason code, then properties only when there are any.
        [TestMethod]
        public void V5AcksDisconnectAndAuthAreBuiltAsTheSpecificationLaysThemOut()
        {
            Expect.Bytes(new byte[] { 0x40, 3, 0, 7, 0x10 }, V5Packets.PubAck(7, 0x10, null), "PUBACK no matching subscribers");
            Expect.Bytes(new byte[] { 0x62, 4, 0, 7, 0x92, 0 }, V5Packets.PubRel(7, 0x92, new V5PropertyWriter()), "PUBREL id not found, empty properties");
            Expect.Bytes(new byte[] { 0x70, 7, 0, 7, 0, 3, 0x1F, 0, 0 }, V5Packets.PubComp(7, 0, new V5PropertyWriter().ReasonString("")), "PUBCOMP reason string");
            Expect.Bytes(new byte[] { 0xE0, 7, 0x04, 5, 0x11, 0, 0, 0x0E, 0x10 }, V5Packets.Disconnect(0x04, 3600), "DISCONNECT with will, session expiry 3600");
            Expect.Bytes(new byte[] { 0xF0, 10, 0x18, 8, 0x15, 0, 2, (byte)'m', (byte)'x', 0x16, 0, 0 },
                V5Packets.Auth(0x18, new V5PropertyWriter().AuthenticationMethod("mx").AuthenticationData(new byte[0])), "AUTH continue");
        }

        // Section 3.1.3: the will's properties come before its topic; the flags as in 3.1.1 (will QoS 1, retain).
        [TestMethod]
        public void V5ConnectWithWillPutsWillPropertiesBeforeWillTopic()
        {
            byte[] connect = V5Packets.Connect("c", false, 10, null, "w", Packets.Bytes("p"), 1, true,
                new V5PropertyWriter().WillDelayInterval(5), "u", Packets.Bytes("pw"));
            Expect.Bytes(Packets.FromHex("1021 00044d515454 05 ec 000a 00 0001 63 05 1800000005 0001 77 0001 70 0001 75 0002 7077"), connect, "CONNECT with will");
            Expect.Bytes(Packets.FromHex("100e 00044d515454 05 02 003c 00 0001 63"), Packets.Connect(Packets.V5, "c", true, 60), "Connect(V5, ...)");
            Expect.Bytes(Packets.FromHex("100d 00044d515454 04 02 003c 0001 63"), Packets.Connect(Packets.V311, "c", true, 60), "Connect(V311, ...)");
        }

        // [MQTT-3.2.2-1] reserved flags 0; CONNACK properties (section 3.2.2.3) by identifier.
        [TestMethod]
        public void V5PacketReadsMosquittosConnAckProperties()
        {
            V5Packet p = V5Packet.Parse(Packets.FromHex(MosquittoConnAck));
            Assert.IsNull(p.Problem, p.Problem);
            Assert.AreEqual(PacketType.ConnAck, p.Type);
            Assert.IsFalse(p.SessionPresent);
            Assert.AreEqual(0, p.ReasonCode);
            Assert.AreEqual(2, p.Properties.Count);
            Assert.AreEqual(10L, p.Properties.Number(V5Property.TopicAliasMaximum));
            Assert.AreEqual(20L, p.Properties.Number(V5Property.ReceiveMaximum));
            Assert.AreEqual(-1L, p.Properties.Number(V5Property.MaximumQoS));
        }

        // [MQTT-3.3.4-3] the subscription identifier, then the application properties forwarded [MQTT-3.3.2-17].
        [TestMethod]
        public void V5PacketReadsMosquittosPublishWithProperties()
        {
            V5Packet p = V5Packet.Parse(Packets.FromHex(MosquittoPublish));
            Assert.IsNull(p.Problem, p.Problem);
            Assert.AreEqual("cap/t", p.TopicText);
            Assert.AreEqual("hi", p.PayloadText);
            Assert.AreEqual(1, p.Qos);
            Assert.AreEqual(1, p.PacketId);
            Assert.AreEqual(300L, p.Properties.Number(V5Property.SubscriptionIdentifier));
            Assert.AreEqual(1, p.Properties.UserPropertyCount);
            Assert.AreEqual("a", p.Properties.UserPropertyName(0));
            Assert.AreEqual("b", p.Properties.UserPropertyValue(0));
            Assert.AreEqual("text/plain", p.Properties.Text(V5Property.ContentType));
            Assert.AreEqual("cap/r", p.Properties.Text(V5Property.ResponseTopic));
            Assert.AreEqual("c1", p.Properties.Text(V5Property.CorrelationData));
            Assert.AreEqual(1L, p.Properties.Number(V5Property.PayloadFormatIndicator));
            Assert.AreEqual(10L, p.Properties.Number(V5Property.MessageExpiryInterval));
            Assert.AreEqual(V5Property.SubscriptionIdentifier, p.Properties.IdAt(0));
        }

        // SUBACK (section 3.9.3) granted QoS 2; UNSUBACK (section 3.11.3) 0x11 no subscription existed.
        [TestMethod]
        public void V5PacketReadsMosquittosSubAckAndUnsubAckReasonCodes()
        {
            V5Packet suback = V5Packet.Parse(Packets.FromHex(MosquittoSubAck));
            Assert.IsNull(suback.Problem, suback.Problem);
            Assert.AreEqual(1, suback.PacketId);
            Assert.AreEqual(1, suback.ReasonCodes.Length);
            Assert.AreEqual(2, (int)suback.ReasonCodes[0]);
            V5Packet unsuback = V5Packet.Parse(Packets.FromHex(MosquittoUnsubAck));
            Assert.IsNull(unsuback.Problem, unsuback.Problem);
            Assert.AreEqual(5, unsuback.PacketId);
            Assert.AreEqual(0x11, (int)unsuback.ReasonCodes[0]);
        }

        // Section 3.4.2.1: a reason code left out means 0; a server DISCONNECT with a reason string (section 3.14.2.2.3).
        [TestMethod]
        public void V5PacketReadsShortAcksAndServerDisconnect()
        {
            V5Packet shortest = V5Packet.Parse(new byte[] { 0x40, 2, 0, 9 });
            Assert.IsNull(shortest.Problem, shortest.Problem);
            Assert.AreEqual(9, shortest.PacketId);
            Assert.AreEqual(0, shortest.ReasonCode);
            V5Packet withReason = V5Packet.Parse(new byte[] { 0x50, 3, 0, 9, 0x10 });
            Assert.AreEqual(0x10, withReason.ReasonCode);
            V5Packet disconnect = V5Packet.Parse(Packets.FromHex("e0 06 8e 04 1f 0001 78"));
            Assert.IsNull(disconnect.Problem, disconnect.Problem);
            Assert.AreEqual(0x8E, disconnect.ReasonCode);
            Assert.AreEqual("x", disconnect.Properties.Text(V5Property.ReasonString));
        }

        // What the reader reports instead of throwing: a truncated value, an unknown identifier, a wrong length.
        [TestMethod]
        public void V5PacketReportsMalformedPacketsAsProblems()
        {
            Assert.IsNotNull(V5Packet.Parse(Packets.FromHex("20 05 00 00 02 21 00")).Problem, "two-byte value cut short");
            Assert.IsNotNull(V5Packet.Parse(Packets.FromHex("20 05 00 00 02 7f 00")).Problem, "property 0x7F");
            Assert.IsNotNull(V5Packet.Parse(Packets.FromHex("20 04 00 00 00")).Problem, "remaining length 4, 3 bytes there");
            Assert.IsNotNull(V5Packet.Parse(Packets.FromHex("20 04 00 00 00 00")).Problem, "a byte left over");
            Assert.IsNotNull(V5Packet.Parse(Packets.FromHex("20 03 02 00 00")).Problem, "CONNACK reserved flag [MQTT-3.2.2-1]");
        }
    }
}
