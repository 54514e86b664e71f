#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;

namespace NanoBroker.Tests.Engine.Protocol
{
    /// <summary>SUBSCRIBE (section 3.8): every filter checked first, then read by the cursor.</summary>
    [TestClass]
    public class SubscribePacketTests
    {
        private static int Decode(SubscribePacket p, int version, byte[] body)
        {
            return p.Decode(version, 0x02, body, 0, body.Length);
        }

        [TestMethod]
        public void Mqtt311TwoFilters()
        {
            SubscribePacket p = new SubscribePacket(new Properties());
            Assert.AreEqual((int)ReasonCode.Success, Decode(p, ProtocolVersion.Mqtt311, Raw.Bytes(0, 9, 0, 3, 'a', '/', '#', 1, 0, 1, '+', 2)));
            Assert.AreEqual(9, p.PacketId);
            Assert.AreEqual(2, p.Count);
            p.First();
            Assert.AreEqual(4, p.FilterStart);
            Assert.AreEqual(3, p.FilterLength);
            Assert.AreEqual(1, p.Qos);
            Assert.IsTrue(p.Next());
            Assert.AreEqual(10, p.FilterStart);
            Assert.AreEqual(2, p.Qos);
            Assert.AreEqual(10, p.TopicStart);
            Assert.IsFalse(p.Next());
        }

        [TestMethod]
        public void Mqtt311SharePrefixIsAnOrdinaryFilter()
        {
            SubscribePacket p = new SubscribePacket(new Properties());
            Assert.AreEqual((int)ReasonCode.Success, Decode(p, ProtocolVersion.Mqtt311, Raw.Bytes(0, 1, 0, 9, '$', 's', 'h', 'a', 'r', 'e', '/', 'g', '/', 0)));
            p.First();
            Assert.IsFalse(p.IsShared);
        }

        [TestMethod]
        public void Mqtt311OptionFailures_MQTT_3_8_3_4()
        {
            SubscribePacket p = new SubscribePacket(new Properties());
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Decode(p, ProtocolVersion.Mqtt311, Raw.Bytes(0, 1, 0, 1, 'a', 3)), "QoS 3");
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Decode(p, ProtocolVersion.Mqtt311, Raw.Bytes(0, 1, 0, 1, 'a', 0x04)), "upper bits");
        }

        [TestMethod]
        public void Mqtt5OptionsAndSubscriptionIdentifier()
        {
            // Subscription Identifier 300; options: QoS 1, No Local, Retain As Published, Retain Handling 2.
            SubscribePacket p = new SubscribePacket(new Properties());
            Assert.AreEqual((int)ReasonCode.Success, Decode(p, ProtocolVersion.Mqtt5, Raw.Bytes(0, 2, 3, 0x0B, 0xAC, 0x02, 0, 1, 'x', 0x2D)));
            Assert.AreEqual(300, p.Properties.SubscriptionIdentifier);
            Assert.AreEqual(1, p.Count);
            p.First();
            Assert.AreEqual(8, p.FilterStart);
            Assert.AreEqual(1, p.Qos);
            Assert.IsTrue(p.NoLocal);
            Assert.IsTrue(p.RetainAsPublished);
            Assert.AreEqual(2, p.RetainHandling);
        }

        [TestMethod]
        public void Mqtt5SharedSubscription_MQTT_4_8_2_1()
        {
            SubscribePacket p = new SubscribePacket(new Properties());
            Assert.AreEqual((int)ReasonCode.Success, Decode(p, ProtocolVersion.Mqtt5, Raw.Bytes(0, 1, 0, 0, 13, '$', 's', 'h', 'a', 'r', 'e', '/', 'g', '1', '/', 'a', '/', '+', 1)));
            p.First();
            Assert.IsTrue(p.IsShared);
            Assert.AreEqual(12, p.ShareNameStart);
            Assert.AreEqual(2, p.ShareNameLength);
            Assert.AreEqual(15, p.TopicStart);
            Assert.AreEqual(3, p.TopicLength);
        }

        [TestMethod]
        public void Mqtt5InvalidSharedSubscriptionsAreMalformed_MQTT_4_8_2_2()
        {
            SubscribePacket p = new SubscribePacket(new Properties());
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Decode(p, ProtocolVersion.Mqtt5, Raw.Bytes(0, 1, 0, 0, 8, '$', 's', 'h', 'a', 'r', 'e', '/', 'g', 0)), "no filter after the name");
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Decode(p, ProtocolVersion.Mqtt5, Raw.Bytes(0, 1, 0, 0, 9, '$', 's', 'h', 'a', 'r', 'e', '/', '/', 'a', 0)), "empty ShareName");
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Decode(p, ProtocolVersion.Mqtt5, Raw.Bytes(0, 1, 0, 0, 10, '$', 's', 'h', 'a', 'r', 'e', '/', '+', '/', 'a', 0)), "wildcard in the ShareName");
        }

        [TestMethod]
        public void Mqtt5NoLocalOnSharedIsProtocolError_MQTT_3_8_3_4()
        {
            Assert.AreEqual((int)ReasonCode.ProtocolError,
                Decode(new SubscribePacket(new Properties()), ProtocolVersion.Mqtt5, Raw.Bytes(0, 1, 0, 0, 10, '$', 's', 'h', 'a', 'r', 'e', '/', 'g', '/', 'a', 0x04)));
        }

        [TestMethod]
        public void Mqtt5OptionFailures()
        {
            SubscribePacket p = new SubscribePacket(new Properties());
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Decode(p, ProtocolVersion.Mqtt5, Raw.Bytes(0, 1, 0, 0, 1, 'a', 0x40)), "reserved bits [MQTT-3.8.3-5]");
            Assert.AreEqual((int)ReasonCode.ProtocolError, Decode(p, ProtocolVersion.Mqtt5, Raw.Bytes(0, 1, 0, 0, 1, 'a', 0x30)), "Retain Handling 3");
            Assert.AreEqual((int)ReasonCode.ProtocolError, Decode(p, ProtocolVersion.Mqtt5, Raw.Bytes(0, 1, 0, 0, 1, 'a', 0x03)), "QoS 3");
            Assert.AreEqual((int)ReasonCode.ProtocolError, Decode(p, ProtocolVersion.Mqtt5, Raw.Bytes(0, 1, 4, 0x0B, 1, 0x0B, 2, 0, 1, 'a', 0)), "two Subscription Identifiers");
        }

        [TestMethod]
        public void EveryFilterIsCheckedBeforeAny_MQTT_4_7_1_1()
        {
            SubscribePacket p = new SubscribePacket(new Properties());
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Decode(p, ProtocolVersion.Mqtt311, Raw.Bytes(0, 1, 0, 1, 'a', 0, 0, 2, 'a', '#', 0)), "the second filter");
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Decode(p, ProtocolVersion.Mqtt5, Raw.Bytes(0, 1, 0, 0, 1, 'a', 0, 0, 1, 'b')), "options byte missing");
        }

        [TestMethod]
        public void NoFilterIsProtocolError_MQTT_3_8_3_3_And5_MQTT_3_8_3_2()
        {
            SubscribePacket p = new SubscribePacket(new Properties());
            Assert.AreEqual((int)ReasonCode.ProtocolError, Decode(p, ProtocolVersion.Mqtt311, Raw.Bytes(0, 1)));
            Assert.AreEqual((int)ReasonCode.ProtocolError, Decode(p, ProtocolVersion.Mqtt5, Raw.Bytes(0, 1, 0)));
        }

        [TestMethod]
        public void PacketIdentifierAndFlags()
        {
            SubscribePacket p = new SubscribePacket(new Properties());
            Assert.AreEqual((int)ReasonCode.ProtocolError, Decode(p, ProtocolVersion.Mqtt311, Raw.Bytes(0, 0, 0, 1, 'a', 0)), "identifier 0 [MQTT-2.3.1-1]");
            byte[] b = Raw.Bytes(0, 1, 0, 1, 'a', 0);
            Assert.AreEqual((int)ReasonCode.MalformedPacket, (int)p.Decode(ProtocolVersion.Mqtt311, 0x00, b, 0, b.Length), "flags 0010 [MQTT-3.8.1-1]");
        }
    }
}
