#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;

namespace NanoBroker.Tests.Engine.Protocol
{
    /// <summary>
    /// MQTT 5.0 property blocks (section 2.2.2): one test per property identifier, then the failures. Each block is
    /// written out byte by byte: its length, then identifier and value.
    /// </summary>
    [TestClass]
    public class PropertiesTests
    {
        // The block's bytes as ints (a length prefix first), decoded as a property block of kind.
        private static int Code(int kind, params int[] block)
        {
            byte[] b = Raw.Bytes(block);
            int next;
            return new Properties().Decode(kind, b, 0, b.Length, out next);
        }

        private static Properties Decoded(int kind, params int[] block)
        {
            byte[] b = Raw.Bytes(block);
            Properties p = new Properties();
            int next;
            Assert.AreEqual((int)ReasonCode.Success, (int)p.Decode(kind, b, 0, b.Length, out next), p.Problem);
            Assert.AreEqual(b.Length, next);
            return p;
        }

        [TestMethod]
        public void EmptyBlockReadsAsDefaults()
        {
            Properties p = Decoded(PacketType.Connect, 0);
            Assert.AreEqual(0, p.Length);
            Assert.IsFalse(p.Has(PropertyId.ReceiveMaximum));
            Assert.AreEqual(65535, p.ReceiveMaximum);
            Assert.AreEqual(2, p.MaximumQos);
            Assert.AreEqual(1, p.RequestProblemInformation);
            int at = p.Start;
            int nameStart, nameLength, valueStart, valueLength;
            Assert.IsFalse(p.NextUserProperty(ref at, out nameStart, out nameLength, out valueStart, out valueLength));
        }

        [TestMethod]
        public void PayloadFormatIndicator_0x01()
        {
            Properties p = Decoded(PacketType.Publish, 2, 0x01, 1);
            Assert.IsTrue(p.Has(PropertyId.PayloadFormatIndicator));
            Assert.AreEqual(1, p.PayloadFormatIndicator);
            Assert.AreEqual(1, Decoded(Properties.Will, 2, 0x01, 1).PayloadFormatIndicator);
            Assert.AreEqual((int)ReasonCode.ProtocolError, Code(PacketType.Publish, 2, 0x01, 2), "0 or 1 only");
        }

        [TestMethod]
        public void MessageExpiryInterval_0x02()
        {
            Properties p = Decoded(PacketType.Publish, 5, 0x02, 0xFF, 0xFF, 0xFF, 0xFF);
            Assert.IsTrue(4294967295L == p.MessageExpiryInterval, "a four-byte integer, unsigned");
            Assert.IsTrue(60L == Decoded(Properties.Will, 5, 0x02, 0, 0, 0, 60).MessageExpiryInterval);
        }

        [TestMethod]
        public void ContentType_0x03()
        {
            Properties p = Decoded(PacketType.Publish, 6, 0x03, 0, 3, 'a', '/', 'b');
            Assert.AreEqual(4, p.ContentTypeStart);
            Assert.AreEqual(3, p.ContentTypeLength);
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Code(PacketType.Publish, 4, 0x03, 0, 1, 0xFF), "ill-formed UTF-8 [MQTT-1.5.4-1]");
        }

        [TestMethod]
        public void ResponseTopic_0x08()
        {
            Properties p = Decoded(PacketType.Publish, 6, 0x08, 0, 3, 'r', '/', '1');
            Assert.AreEqual(4, p.ResponseTopicStart);
            Assert.AreEqual(3, p.ResponseTopicLength);
            Assert.AreEqual((int)ReasonCode.ProtocolError, Code(PacketType.Publish, 6, 0x08, 0, 3, 'r', '/', '#'), "no wildcards [MQTT-3.3.2-14]");
        }

        [TestMethod]
        public void CorrelationData_0x09()
        {
            Properties p = Decoded(PacketType.Publish, 5, 0x09, 0, 2, 0xFF, 0x00);
            Assert.AreEqual(4, p.CorrelationDataStart);
            Assert.AreEqual(2, p.CorrelationDataLength, "binary data: any bytes");
        }

        [TestMethod]
        public void SubscriptionIdentifier_0x0B()
        {
            Assert.AreEqual(268435455, Decoded(PacketType.Subscribe, 5, 0x0B, 0xFF, 0xFF, 0xFF, 0x7F).SubscriptionIdentifier);
            Assert.AreEqual((int)ReasonCode.ProtocolError, Code(PacketType.Subscribe, 2, 0x0B, 0), "0 is a Protocol Error (5.0 section 3.8.2.1.2)");
            Assert.AreEqual((int)ReasonCode.ProtocolError, Code(PacketType.Subscribe, 4, 0x0B, 1, 0x0B, 2), "at most one in SUBSCRIBE");
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Code(PacketType.Subscribe, 3, 0x0B, 0x81, 0x00), "not in its shortest form [MQTT-1.5.5-1]");
            Properties p = Decoded(PacketType.Publish, 4, 0x0B, 1, 0x0B, 2);
            Assert.AreEqual(2, p.SubscriptionIdentifierCount, "a PUBLISH to a client carries one per matching subscription [MQTT-3.3.4-3]");
            Assert.AreEqual(1, p.SubscriptionIdentifier);
        }

        [TestMethod]
        public void SessionExpiryInterval_0x11()
        {
            Assert.IsTrue(300L == Decoded(PacketType.Connect, 5, 0x11, 0, 0, 1, 0x2C).SessionExpiryInterval);
            Assert.IsTrue(Decoded(PacketType.ConnAck, 5, 0x11, 0, 0, 0, 0).Has(PropertyId.SessionExpiryInterval));
            Assert.IsTrue(Decoded(PacketType.Disconnect, 5, 0x11, 0, 0, 0, 1).Has(PropertyId.SessionExpiryInterval));
        }

        [TestMethod]
        public void AssignedClientIdentifier_0x12()
        {
            Properties p = Decoded(PacketType.ConnAck, 5, 0x12, 0, 2, 'i', 'd');
            Assert.AreEqual(4, p.AssignedClientIdentifierStart);
            Assert.AreEqual(2, p.AssignedClientIdentifierLength);
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Code(PacketType.Connect, 5, 0x12, 0, 2, 'i', 'd'), "a server's property");
        }

        [TestMethod]
        public void ServerKeepAlive_0x13()
        {
            Assert.AreEqual(0x1234, Decoded(PacketType.ConnAck, 3, 0x13, 0x12, 0x34).ServerKeepAlive);
        }

        [TestMethod]
        public void AuthenticationMethod_0x15()
        {
            Properties p = Decoded(PacketType.Connect, 4, 0x15, 0, 1, 'x');
            Assert.AreEqual(4, p.AuthenticationMethodStart);
            Assert.AreEqual(1, p.AuthenticationMethodLength);
            Assert.IsTrue(Decoded(PacketType.Auth, 4, 0x15, 0, 1, 'x').Has(PropertyId.AuthenticationMethod));
        }

        [TestMethod]
        public void AuthenticationData_0x16()
        {
            Properties p = Decoded(PacketType.Auth, 5, 0x16, 0, 2, 0, 0xFF);
            Assert.AreEqual(4, p.AuthenticationDataStart);
            Assert.AreEqual(2, p.AuthenticationDataLength);
        }

        [TestMethod]
        public void RequestProblemInformation_0x17()
        {
            Assert.AreEqual(0, Decoded(PacketType.Connect, 2, 0x17, 0).RequestProblemInformation);
            Assert.AreEqual((int)ReasonCode.ProtocolError, Code(PacketType.Connect, 2, 0x17, 2), "0 or 1 only (5.0 section 3.1.2.11.7)");
        }

        [TestMethod]
        public void WillDelayInterval_0x18()
        {
            Assert.IsTrue(10L == Decoded(Properties.Will, 5, 0x18, 0, 0, 0, 10).WillDelayInterval);
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Code(PacketType.Connect, 5, 0x18, 0, 0, 0, 10), "a will property, not a CONNECT one");
        }

        [TestMethod]
        public void RequestResponseInformation_0x19()
        {
            Assert.AreEqual(1, Decoded(PacketType.Connect, 2, 0x19, 1).RequestResponseInformation);
            Assert.AreEqual((int)ReasonCode.ProtocolError, Code(PacketType.Connect, 2, 0x19, 5), "0 or 1 only (5.0 section 3.1.2.11.6)");
        }

        [TestMethod]
        public void ResponseInformation_0x1A()
        {
            Properties p = Decoded(PacketType.ConnAck, 4, 0x1A, 0, 1, 'r');
            Assert.AreEqual(4, p.ResponseInformationStart);
            Assert.AreEqual(1, p.ResponseInformationLength);
        }

        [TestMethod]
        public void ServerReference_0x1C()
        {
            Properties p = Decoded(PacketType.Disconnect, 5, 0x1C, 0, 2, 'h', '2');
            Assert.AreEqual(4, p.ServerReferenceStart);
            Assert.AreEqual(2, p.ServerReferenceLength);
        }

        [TestMethod]
        public void ReasonString_0x1F()
        {
            Properties p = Decoded(PacketType.PubAck, 5, 0x1F, 0, 2, 'n', 'o');
            Assert.AreEqual(4, p.ReasonStringStart);
            Assert.AreEqual(2, p.ReasonStringLength);
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Code(PacketType.Publish, 5, 0x1F, 0, 2, 'n', 'o'), "not a PUBLISH property");
        }

        [TestMethod]
        public void ReceiveMaximum_0x21()
        {
            Assert.AreEqual(20, Decoded(PacketType.Connect, 3, 0x21, 0, 20).ReceiveMaximum);
            Assert.AreEqual((int)ReasonCode.ProtocolError, Code(PacketType.Connect, 3, 0x21, 0, 0), "0 is a Protocol Error (5.0 section 3.1.2.11.3)");
        }

        [TestMethod]
        public void TopicAliasMaximum_0x22()
        {
            Assert.AreEqual(10, Decoded(PacketType.Connect, 3, 0x22, 0, 10).TopicAliasMaximum);
        }

        [TestMethod]
        public void TopicAlias_0x23()
        {
            Properties p = Decoded(PacketType.Publish, 5, 0x01, 0, 0x23, 0, 7);
            Assert.AreEqual(7, p.TopicAlias);
            Assert.AreEqual(3, p.TopicAliasAt, "where a verbatim copy leaves it out");
            Assert.AreEqual((int)ReasonCode.TopicAliasInvalid, Code(PacketType.Publish, 3, 0x23, 0, 0), "0 is not permitted [MQTT-3.3.2-8]: a Protocol Error, DISCONNECT 0x94 as for one above the maximum");
        }

        [TestMethod]
        public void MaximumQos_0x24()
        {
            Assert.AreEqual(1, Decoded(PacketType.ConnAck, 2, 0x24, 1).MaximumQos);
            Assert.AreEqual((int)ReasonCode.ProtocolError, Code(PacketType.ConnAck, 2, 0x24, 2), "0 or 1 only (5.0 section 3.2.2.3.4)");
        }

        [TestMethod]
        public void RetainAvailable_0x25()
        {
            Assert.AreEqual(0, Decoded(PacketType.ConnAck, 2, 0x25, 0).RetainAvailable);
            Assert.AreEqual((int)ReasonCode.ProtocolError, Code(PacketType.ConnAck, 2, 0x25, 2));
        }

        [TestMethod]
        public void UserProperty_0x26_RepeatsAndKeepsOrder()
        {
            // Allowed in every packet with properties, any number of times, in order [MQTT-3.3.2-18].
            Properties p = Decoded(PacketType.Subscribe, 15, 0x26, 0, 1, 'a', 0, 1, '1', 0x0B, 5, 0x26, 0, 1, 'b', 0, 0);
            Assert.AreEqual(2, p.UserPropertyCount);
            int at = p.Start;
            int nameStart, nameLength, valueStart, valueLength;
            Assert.IsTrue(p.NextUserProperty(ref at, out nameStart, out nameLength, out valueStart, out valueLength));
            Assert.AreEqual(4, nameStart);
            Assert.AreEqual(1, nameLength);
            Assert.AreEqual(7, valueStart);
            Assert.AreEqual(1, valueLength);
            Assert.IsTrue(p.NextUserProperty(ref at, out nameStart, out nameLength, out valueStart, out valueLength), "the Subscription Identifier between them is skipped");
            Assert.AreEqual(13, nameStart);
            Assert.AreEqual(0, valueLength);
            Assert.IsFalse(p.NextUserProperty(ref at, out nameStart, out nameLength, out valueStart, out valueLength));
            Assert.IsTrue(Decoded(Properties.Will, 5, 0x26, 0, 0, 0, 0).Has(PropertyId.UserProperty));
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Code(PacketType.Auth, 6, 0x26, 0, 1, 0xC0, 0, 0), "ill-formed UTF-8 name");
        }

        [TestMethod]
        public void MaximumPacketSize_0x27()
        {
            Assert.IsTrue(1024L == Decoded(PacketType.Connect, 5, 0x27, 0, 0, 4, 0).MaximumPacketSize);
            Assert.AreEqual((int)ReasonCode.ProtocolError, Code(PacketType.Connect, 5, 0x27, 0, 0, 0, 0), "0 is a Protocol Error (5.0 section 3.1.2.11.4)");
        }

        [TestMethod]
        public void WildcardSubscriptionAvailable_0x28()
        {
            Assert.AreEqual(0, Decoded(PacketType.ConnAck, 2, 0x28, 0).WildcardSubscriptionAvailable);
            Assert.AreEqual((int)ReasonCode.ProtocolError, Code(PacketType.ConnAck, 2, 0x28, 3));
        }

        [TestMethod]
        public void SubscriptionIdentifierAvailable_0x29()
        {
            Assert.AreEqual(0, Decoded(PacketType.ConnAck, 2, 0x29, 0).SubscriptionIdentifierAvailable);
        }

        [TestMethod]
        public void SharedSubscriptionAvailable_0x2A()
        {
            Assert.AreEqual(0, Decoded(PacketType.ConnAck, 2, 0x2A, 0).SharedSubscriptionAvailable);
        }

        [TestMethod]
        public void RepeatedPropertyIsProtocolError()
        {
            // "It is a Protocol Error to include the ... more than once" (5.0 section 3, each property).
            Assert.AreEqual((int)ReasonCode.ProtocolError, Code(PacketType.Publish, 4, 0x01, 0, 0x01, 1));
            Assert.AreEqual((int)ReasonCode.ProtocolError, Code(PacketType.Connect, 10, 0x11, 0, 0, 0, 1, 0x11, 0, 0, 0, 1));
        }

        [TestMethod]
        public void TruncatedValueIsMalformed_MQTT_2_2_2_1()
        {
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Code(PacketType.Connect, 3, 0x11, 0, 0), "four-byte integer cut at the block's end");
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Code(PacketType.Publish, 4, 0x03, 0, 5, 'a'), "string longer than the block");
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Code(PacketType.Publish, 1, 0x01), "byte property without its byte");
        }

        [TestMethod]
        public void UnknownIdentifierIsMalformed()
        {
            // 5.0 section 2.2.2.2: an identifier not valid for the packet is a Malformed Packet.
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Code(PacketType.Publish, 2, 0x04, 0));
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Code(PacketType.Publish, 2, 0x2B, 0));
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Code(PacketType.Publish, 2, 0x80, 0));
        }

        [TestMethod]
        public void IdentifierNotAllowedInPacketIsMalformed()
        {
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Code(PacketType.Publish, 5, 0x11, 0, 0, 0, 1), "Session Expiry Interval in PUBLISH");
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Code(PacketType.Connect, 3, 0x23, 0, 1), "Topic Alias in CONNECT");
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Code(PacketType.Unsubscribe, 2, 0x0B, 1), "Subscription Identifier in UNSUBSCRIBE");
        }

        [TestMethod]
        public void LengthPrefixPastTheEndIsMalformed()
        {
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Code(PacketType.Publish, 3, 0x01, 0));
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Code(PacketType.Publish, 0x80), "a length cut in its variable byte integer");
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Code(PacketType.Publish, 0x80, 0x80, 0x80, 0x80, 0x01), "five length bytes");
        }

        [TestMethod]
        public void BlockLeavesTheRestOfThePacket()
        {
            byte[] b = Raw.Bytes(2, 0x01, 1, 'p', 'a', 'y');
            Properties p = new Properties();
            int next;
            Assert.AreEqual((int)ReasonCode.Success, (int)p.Decode(PacketType.Publish, b, 0, b.Length, out next));
            Assert.AreEqual(3, next);
            Assert.AreEqual(1, p.Start);
            Assert.AreEqual(2, p.Length);
        }

        [TestMethod]
        public void WritersProduceTheSpecBytes()
        {
            byte[] b = new byte[32];
            byte[] text = Raw.Bytes('k', 'v');
            int at = Properties.WriteByte(b, 0, PropertyId.PayloadFormatIndicator, 1);
            at = Properties.WriteUInt16(b, at, PropertyId.ReceiveMaximum, 0x0102);
            at = Properties.WriteUInt32(b, at, PropertyId.SessionExpiryInterval, 0xFFFFFFFFL);
            at = Properties.WriteVarInt(b, at, PropertyId.SubscriptionIdentifier, 128);
            at = Properties.WriteField(b, at, PropertyId.ContentType, text, 0, 1);
            at = Properties.WriteUserProperty(b, at, text, 0, 1, 1, 1);
            int expected = Properties.SizeOfByte + Properties.SizeOfUInt16 + Properties.SizeOfUInt32 + Properties.SizeOfVarInt(128)
                + Properties.SizeOfField(1) + Properties.SizeOfUserProperty(1, 1);
            Assert.AreEqual(expected, at);
            byte[] want = Raw.Bytes(0x01, 1, 0x21, 1, 2, 0x11, 0xFF, 0xFF, 0xFF, 0xFF, 0x0B, 0x80, 0x01, 0x03, 0, 1, 'k', 0x26, 0, 1, 'k', 0, 1, 'v');
            Assert.AreEqual(want.Length, at);
            for (int i = 0; i < want.Length; i++)
            {
                Assert.AreEqual((int)want[i], (int)b[i], "byte " + i);
            }
        }

        // A PUBLISH property block: Topic Alias, Content Type "t", Message Expiry, User Property a=b, Subscription
        // Identifier 3, Payload Format 1, Correlation Data 0x07.
        private static int[] Forwarding()
        {
            return new int[]
            {
            27,
            0x23, 0, 5,
            0x03, 0, 1, 't',
            0x02, 0, 0, 0, 60,
            0x26, 0, 1, 'a', 0, 1, 'b',
            0x0B, 3,
            0x01, 1,
            0x09, 0, 1, 7,
            };
        }

        [TestMethod]
        public void ForwardedRunsLeaveOutTopicAliasSubscriptionIdentifierAndMessageExpiry_MQTT_3_3_2_17()
        {
            byte[] b = Raw.Bytes(Forwarding());
            Properties p = Decoded(PacketType.Publish, Forwarding());
            byte[] copied = new byte[40];
            int n = 0;
            int at = p.Start;
            int runStart, runLength;
            int runs = 0;
            while (Properties.NextForwardedRun(b, ref at, p.Start + p.Length, out runStart, out runLength))
            {
                System.Array.Copy(b, runStart, copied, n, runLength);
                n += runLength;
                runs++;
            }
            Assert.AreEqual(3, runs, "content type; user property; payload format and correlation data");
            Assert.AreEqual(n, Properties.ForwardedLength(b, p.Start, p.Length));
            // [MQTT-3.3.2-18] the User Property and the others stay in the order sent.
            Raw.Equal(Raw.Bytes(0x03, 0, 1, 't', 0x26, 0, 1, 'a', 0, 1, 'b', 0x01, 1, 0x09, 0, 1, 7), copied, 0, n);
        }

        [TestMethod]
        public void NoForwardedRunInABlockOfOnlyPerConnectionProperties()
        {
            int[] full = new int[] { 8, 0x23, 0, 1, 0x02, 0, 0, 0, 9 };
            byte[] b = Raw.Bytes(full);
            Properties p = Decoded(PacketType.Publish, full);
            int at = p.Start;
            int runStart, runLength;
            Assert.IsFalse(Properties.NextForwardedRun(b, ref at, p.Start + p.Length, out runStart, out runLength));
            Assert.AreEqual(0, Properties.ForwardedLength(b, p.Start, p.Length));
        }
    }
}
