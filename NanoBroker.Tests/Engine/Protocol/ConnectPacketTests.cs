#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;
using NanoBroker.Tests.Engine.Harness;

namespace NanoBroker.Tests.Engine.Protocol
{
    /// <summary>CONNECT bodies of MQTT 3.1, 3.1.1 and 5.0 (section 3.1), decoded by <see cref="ConnectPacket"/>.</summary>
    [TestClass]
    public class ConnectPacketTests
    {
        private static int Decode(ConnectPacket p, ByteWriter body)
        {
            byte[] b = body.ToArray();
            return p.Decode(0, b, 0, b.Length);
        }

        private static ByteWriter Head(string name, int level, int flags)
        {
            return new ByteWriter().Field(name).Byte(level).Byte(flags).UInt16(60);
        }

        [TestMethod]
        public void Mqtt311WithWillUserAndPassword()
        {
            ConnectPacket p = new ConnectPacket(new Properties(), new Properties());
            ByteWriter w = Head("MQTT", 4, 0xF6).Field("dev").Field("w/t").Field("bye").Field("u").Field("pw");
            Assert.AreEqual((int)ReasonCode.Success, Decode(p, w));
            Assert.AreEqual(4, (int)p.Version);
            Assert.IsTrue(p.CleanSession);
            Assert.AreEqual(60, p.KeepAliveSeconds);
            Assert.AreEqual(12, p.ClientIdStart);
            Assert.AreEqual(3, p.ClientIdLength);
            Assert.IsTrue(p.HasWill);
            Assert.AreEqual(2, p.WillQos);
            Assert.IsTrue(p.WillRetain);
            Assert.AreEqual(17, p.WillTopicStart);
            Assert.AreEqual(22, p.WillMessageStart);
            Assert.AreEqual(3, p.WillMessageLength);
            Assert.AreEqual(27, p.UserNameStart);
            Assert.AreEqual(30, p.PasswordStart);
            Assert.AreEqual(2, p.PasswordLength);
            Assert.AreEqual(0, p.Properties.Length, "no properties before 5.0");
        }

        [TestMethod]
        public void Mqtt31MqIsdpLevel3()
        {
            ConnectPacket p = new ConnectPacket(new Properties(), new Properties());
            Assert.AreEqual((int)ReasonCode.Success, Decode(p, Head("MQIsdp", 3, 0x02).Field("legacy")));
            Assert.AreEqual((int)ProtocolVersion.Mqtt31, (int)p.Version);
        }

        [TestMethod]
        public void KnownNameWithOtherLevelIsUnsupportedVersion_MQTT_3_1_2_2()
        {
            ConnectPacket p = new ConnectPacket(new Properties(), new Properties());
            Assert.AreEqual((int)ReasonCode.UnsupportedProtocolVersion, Decode(p, Head("MQTT", 3, 0x02).Field("x")));
            Assert.AreEqual(3, (int)p.Version, "the level read, for the engine's CONNACK");
            Assert.AreEqual((int)ReasonCode.UnsupportedProtocolVersion, Decode(p, Head("MQIsdp", 4, 0x02).Field("x")));
            Assert.AreEqual((int)ReasonCode.UnsupportedProtocolVersion, Decode(p, new ByteWriter().Field("MQTT").Byte(6)), "nothing after the level is read");
            Assert.AreEqual(6, (int)p.Version);
        }

        [TestMethod]
        public void UnknownProtocolNameIsProtocolError_MQTT_3_1_2_1()
        {
            ConnectPacket p = new ConnectPacket(new Properties(), new Properties());
            Assert.AreEqual((int)ReasonCode.ProtocolError, Decode(p, Head("MQTX", 5, 0x02).Field("x")));
            Assert.AreEqual(0, (int)p.Version);
        }

        [TestMethod]
        public void FixedHeaderFlagsMustBeZero_MQTT_2_2_2_2()
        {
            byte[] b = Head("MQTT", 4, 0x02).Field("x").ToArray();
            Assert.AreEqual((int)ReasonCode.MalformedPacket, (int)new ConnectPacket(new Properties(), new Properties()).Decode(1, b, 0, b.Length));
        }

        [TestMethod]
        public void FlagViolationsAreMalformed()
        {
            ConnectPacket p = new ConnectPacket(new Properties(), new Properties());
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Decode(p, Head("MQTT", 4, 0x03).Field("x")), "reserved flag [MQTT-3.1.2-3]");
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Decode(p, Head("MQTT", 5, 0x12).Byte(0).Field("x")), "will QoS without will [5.0 MQTT-3.1.2-11]");
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Decode(p, Head("MQTT", 4, 0x22).Field("x")), "will retain without will [MQTT-3.1.2-15]");
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Decode(p, Head("MQTT", 4, 0x1E).Field("x").Field("t").Field("m")), "will QoS 3 [MQTT-3.1.2-14]");
        }

        [TestMethod]
        public void PasswordWithoutUserNameIsMalformedIn311ButAllowedIn5_MQTT_3_1_2_22()
        {
            ConnectPacket p = new ConnectPacket(new Properties(), new Properties());
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Decode(p, Head("MQTT", 4, 0x42).Field("x").Field("pw")));
            Assert.AreEqual((int)ReasonCode.Success, Decode(p, Head("MQTT", 5, 0x42).Byte(0).Field("x").Field("pw")), "5.0 section 3.1.2.9");
            Assert.IsFalse(p.HasUserName);
            Assert.IsTrue(p.HasPassword);
        }

        [TestMethod]
        public void Mqtt5WithPropertiesAndWillProperties()
        {
            // Session Expiry Interval 60 and Receive Maximum 10; will: Will Delay Interval 5, Payload Format Indicator 1.
            ConnectPacket p = new ConnectPacket(new Properties(), new Properties());
            ByteWriter w = Head("MQTT", 5, 0x0E).Byte(8).Byte(0x11).Byte(0).Byte(0).Byte(0).Byte(60).Byte(0x21).UInt16(10);
            w.Field("c5").Byte(7).Byte(0x18).Byte(0).Byte(0).Byte(0).Byte(5).Byte(0x01).Byte(1).Field("w").Field("m");
            Assert.AreEqual((int)ReasonCode.Success, Decode(p, w));
            Assert.AreEqual(5, (int)p.Version);
            Assert.IsTrue(60L == p.Properties.SessionExpiryInterval);
            Assert.AreEqual(10, p.Properties.ReceiveMaximum);
            Assert.AreEqual(21, p.ClientIdStart);
            Assert.AreEqual(2, p.ClientIdLength);
            Assert.AreEqual(1, p.WillQos);
            Assert.IsTrue(5L == p.WillProperties.WillDelayInterval);
            Assert.AreEqual(1, p.WillProperties.PayloadFormatIndicator);
            Assert.AreEqual(1, p.WillTopicLength);
            Assert.AreEqual(1, p.WillMessageLength);
        }

        [TestMethod]
        public void Mqtt5PropertyFailuresAreThePacketsFailures()
        {
            ConnectPacket p = new ConnectPacket(new Properties(), new Properties());
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Decode(p, Head("MQTT", 5, 0x02).Byte(3).Byte(0x23).UInt16(1).Field("x")), "Topic Alias in CONNECT");
            Assert.IsNotNull(p.Problem);
            Assert.AreEqual((int)ReasonCode.ProtocolError, Decode(p, Head("MQTT", 5, 0x02).Byte(3).Byte(0x21).UInt16(0).Field("x")), "Receive Maximum 0");
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Decode(p, Head("MQTT", 5, 0x06).Byte(0).Field("x").Byte(2).Byte(0x11).Byte(0).Field("w").Field("m")),
                "Session Expiry Interval among the will properties");
            Assert.AreEqual((int)ReasonCode.ProtocolError, Decode(p, Head("MQTT", 5, 0x02).Byte(4).Byte(0x16).Field("d").Field("x")),
                "Authentication Data without Authentication Method (5.0 section 3.1.2.11.10)");
        }

        [TestMethod]
        public void PayloadFailuresAreMalformed()
        {
            ConnectPacket p = new ConnectPacket(new Properties(), new Properties());
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Decode(p, Head("MQTT", 4, 0x02).UInt16(1).Byte(0xFF)), "client id not UTF-8 [MQTT-3.1.3-4]");
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Decode(p, Head("MQTT", 4, 0x06).Field("x").Field("a/+").Field("m")), "will topic with a wildcard");
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Decode(p, Head("MQTT", 4, 0x06).Field("x").Field("a")), "missing will message");
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Decode(p, Head("MQTT", 4, 0x82).Field("x")), "missing user name");
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Decode(p, Head("MQTT", 4, 0x02).Field("x").Byte(0)), "bytes after the payload");
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Decode(p, new ByteWriter().Field("MQTT")), "truncated before the level");
            Assert.AreEqual((int)ReasonCode.MalformedPacket, Decode(p, Head("MQTT", 5, 0x02).Field("x")), "5.0 without its property length: the id's length is read as one");
        }
    }
}
