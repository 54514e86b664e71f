#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;

namespace NanoBroker.Tests.Engine.Protocol
{
    /// <summary>CONNACK (section 3.2) encoded per version: 5.0 reason codes, mapped to 3.1.1 return codes for 3.x.</summary>
    [TestClass]
    public class ConnAckPacketTests
    {
        [TestMethod]
        public void Mqtt311AcceptedWithSessionPresent_MQTT_3_2_2_2()
        {
            byte[] o = new byte[8];
            int at = ConnAckPacket.Write(ProtocolVersion.Mqtt311, o, 0, true, ReasonCode.Success, null);
            Assert.AreEqual(ConnAckPacket.SizeOf(ProtocolVersion.Mqtt311, null), at);
            Raw.Equal(Raw.Bytes(0x20, 2, 1, 0), o, 0, at);
        }

        [TestMethod]
        public void Mqtt3xRefusalsMapToReturnCodes()
        {
            // As MQTTnet's MqttConnectReasonCodeConverter; anything without a 3.1.1 counterpart is "server unavailable".
            Assert.AreEqual(1, (int)ConnAckPacket.ReturnCode(ReasonCode.UnsupportedProtocolVersion));
            Assert.AreEqual(2, (int)ConnAckPacket.ReturnCode(ReasonCode.ClientIdentifierNotValid));
            Assert.AreEqual(3, (int)ConnAckPacket.ReturnCode(ReasonCode.ServerUnavailable));
            Assert.AreEqual(3, (int)ConnAckPacket.ReturnCode(ReasonCode.ServerBusy));
            Assert.AreEqual(3, (int)ConnAckPacket.ReturnCode(ReasonCode.QuotaExceeded));
            Assert.AreEqual(4, (int)ConnAckPacket.ReturnCode(ReasonCode.BadUserNameOrPassword));
            Assert.AreEqual(5, (int)ConnAckPacket.ReturnCode(ReasonCode.NotAuthorized));
            Assert.AreEqual(5, (int)ConnAckPacket.ReturnCode(ReasonCode.BadAuthenticationMethod));
            byte[] o = new byte[8];
            int at = ConnAckPacket.Write(ProtocolVersion.Mqtt31, o, 0, false, ReasonCode.ClientIdentifierNotValid, null);
            Raw.Equal(Raw.Bytes(0x20, 2, 0, 2), o, 0, at);
        }

        [TestMethod]
        public void Mqtt5WithoutProperties()
        {
            byte[] o = new byte[8];
            int at = ConnAckPacket.Write(ProtocolVersion.Mqtt5, o, 0, false, ReasonCode.UnsupportedProtocolVersion, null);
            Assert.AreEqual(ConnAckPacket.SizeOf(ProtocolVersion.Mqtt5, null), at);
            Raw.Equal(Raw.Bytes(0x20, 3, 0, 0x84, 0), o, 0, at);
        }

        [TestMethod]
        public void Mqtt5WritesOnlyThePropertiesSet()
        {
            ConnAckProperties props = new ConnAckProperties();
            props.Clear();
            props.ReceiveMaximum = 10;
            props.MaximumQos = 1;
            props.SharedSubscriptionAvailable = false;
            props.AssignedClientIdentifier = Raw.Bytes('n', 'b', '-', '1');
            props.AssignedClientIdentifierStart = 3;
            props.AssignedClientIdentifierLength = 1;
            byte[] o = new byte[32];
            int at = ConnAckPacket.Write(ProtocolVersion.Mqtt5, o, 0, false, ReasonCode.Success, props);
            Assert.AreEqual(ConnAckPacket.SizeOf(ProtocolVersion.Mqtt5, props), at);
            Raw.Equal(Raw.Bytes(0x20, 14, 0, 0, 11, 0x12, 0, 1, '1', 0x21, 0, 10, 0x24, 1, 0x2A, 0), o, 0, at);
        }

        [TestMethod]
        public void Mqtt5OmitsPropertiesAtTheValueTheirAbsenceMeans_Section_3_2_2_3()
        {
            ConnAckProperties props = new ConnAckProperties();
            props.Clear();
            props.ReceiveMaximum = 65535;
            props.MaximumQos = 2;
            props.TopicAliasMaximum = 0;
            byte[] o = new byte[8];
            int at = ConnAckPacket.Write(ProtocolVersion.Mqtt5, o, 0, false, ReasonCode.Success, props);
            Raw.Equal(Raw.Bytes(0x20, 3, 0, 0, 0), o, 0, at);
        }

        [TestMethod]
        public void Mqtt5EveryPropertyRoundTripsThroughTheDecoder()
        {
            ConnAckProperties props = new ConnAckProperties();
            props.Clear();
            byte[] text = Raw.Bytes('a', 'b', 'c');
            props.SessionExpiryInterval = 0xFFFFFFFFL;
            props.ReceiveMaximum = 5;
            props.MaximumQos = 0;
            props.RetainAvailable = false;
            props.MaximumPacketSize = 4096;
            props.AssignedClientIdentifier = text; props.AssignedClientIdentifierLength = 3;
            props.TopicAliasMaximum = 4;
            props.ReasonString = text; props.ReasonStringLength = 1;
            props.WildcardSubscriptionAvailable = false;
            props.SubscriptionIdentifiersAvailable = false;
            props.SharedSubscriptionAvailable = false;
            props.ServerKeepAlive = 30;
            props.ResponseInformation = text; props.ResponseInformationLength = 2;
            props.ServerReference = text; props.ServerReferenceStart = 1; props.ServerReferenceLength = 2;
            props.AuthenticationMethod = text; props.AuthenticationMethodLength = 3;
            props.AuthenticationData = text; props.AuthenticationDataStart = 2; props.AuthenticationDataLength = 1;
            byte[] o = new byte[128];
            int end = ConnAckPacket.Write(ProtocolVersion.Mqtt5, o, 0, true, ReasonCode.Success, props);
            Assert.AreEqual(ConnAckPacket.SizeOf(ProtocolVersion.Mqtt5, props), end);
            Properties p = new Properties();
            int next;
            Assert.AreEqual((int)ReasonCode.Success, (int)p.Decode(PacketType.ConnAck, o, 4, end, out next), p.Problem);
            Assert.AreEqual(end, next);
            Assert.IsTrue(0xFFFFFFFFL == p.SessionExpiryInterval);
            Assert.AreEqual(5, p.ReceiveMaximum);
            Assert.AreEqual(0, p.MaximumQos);
            Assert.AreEqual(0, p.RetainAvailable);
            Assert.IsTrue(4096L == p.MaximumPacketSize);
            Assert.AreEqual(3, p.AssignedClientIdentifierLength);
            Assert.AreEqual(4, p.TopicAliasMaximum);
            Assert.AreEqual(1, p.ReasonStringLength);
            Assert.AreEqual(0, p.WildcardSubscriptionAvailable);
            Assert.AreEqual(0, p.SubscriptionIdentifierAvailable);
            Assert.AreEqual(0, p.SharedSubscriptionAvailable);
            Assert.AreEqual(30, p.ServerKeepAlive);
            Assert.AreEqual(2, p.ResponseInformationLength);
            Assert.AreEqual((int)'b', (int)o[p.ServerReferenceStart]);
            Assert.AreEqual(3, p.AuthenticationMethodLength);
            Assert.AreEqual((int)'c', (int)o[p.AuthenticationDataStart]);
        }
    }
}
