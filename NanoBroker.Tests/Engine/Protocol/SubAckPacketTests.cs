#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;

namespace NanoBroker.Tests.Engine.Protocol
{
    /// <summary>SUBACK (section 3.9): one code per filter, in order; a refusal as each version can say it.</summary>
    [TestClass]
    public class SubAckPacketTests
    {
        private static readonly int[] Requested = { 1, 2, 0 };

        private static byte[] Write(int version, out int end)
        {
            byte[] o = new byte[16];
            end = SubAckPacket.Write(version, o, 0, 0x0102, Raw.Bytes(ReasonCode.GrantedQos1, ReasonCode.NotAuthorized, ReasonCode.Success), Raw.Bytes(Requested), 3);
            Assert.AreEqual(SubAckPacket.SizeOf(version, 3), end);
            return o;
        }

        [TestMethod]
        public void Mqtt311RefusalIs0x80_MQTT_3_8_4_5()
        {
            int end;
            byte[] o = Write(ProtocolVersion.Mqtt311, out end);
            Raw.Equal(Raw.Bytes(0x90, 5, 1, 2, 1, 0x80, 0), o, 0, end);
        }

        [TestMethod]
        public void Mqtt31RefusalIsTheRequestedQos()
        {
            // MQTT 3.1 has no failure code: its client is told the QoS it asked for (as mosquitto, and the engine before).
            int end;
            byte[] o = Write(ProtocolVersion.Mqtt31, out end);
            Raw.Equal(Raw.Bytes(0x90, 5, 1, 2, 1, 2, 0), o, 0, end);
        }

        [TestMethod]
        public void Mqtt5SendsReasonCodesAfterEmptyProperties_MQTT_3_9_3_1()
        {
            int end;
            byte[] o = Write(ProtocolVersion.Mqtt5, out end);
            Raw.Equal(Raw.Bytes(0x90, 6, 1, 2, 0, 1, 0x87, 0), o, 0, end);
        }

        [TestMethod]
        public void ManyFiltersTakeATwoByteLength()
        {
            Assert.AreEqual(1 + 2 + 2 + 200, SubAckPacket.SizeOf(ProtocolVersion.Mqtt311, 200));
            Assert.AreEqual(1 + 1 + 2 + 1 + 3, SubAckPacket.SizeOf(ProtocolVersion.Mqtt5, 3));
        }
    }
}
