#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.MqttSn;
using NanoBroker.Tests.Engine.Harness;

namespace NanoBroker.Tests.Engine.MqttSn
{
    /// <summary>Malformed datagrams are dropped and counted, and touch no client (MQTT-SN v1.2 section 5.2).</summary>
    [TestClass]
    public class SnMalformedTests
    {
        [TestMethod]
        public void LengthFieldOtherThanTheDatagramSizeIsDropped_Section_5_2_1()
        {
            SnRig rig = new SnRig();
            SnTestClient c = rig.Connected("dev", 10);
            byte[] ping = SnMessages.PingReq();
            ping[0] = 3;
            c.Send(ping);
            c.Send(new byte[] { 0x01, 0x00, 0x05, 0x16, 0x00 });
            c.Send(new byte[] { 0x05 });
            c.ExpectNothing();
            Assert.AreEqual(3, (int)rig.Gateway.Stats.Malformed);
            Assert.AreEqual(3, (int)rig.Broker.Stats.MessagesDropped, "counted in $SYS/broker/messages/dropped too");
            Assert.AreEqual(SnClientState.Active, rig.Gateway.StateOf(c.Address));
        }

        [TestMethod]
        public void UnknownTypesAndShortFieldsAreDroppedAndTheClientGoesOn_Section_5_2_2()
        {
            SnRig rig = new SnRig();
            TestClient sub = rig.Broker.Subscriber("sub", "a/#", 1);
            SnTestClient c = rig.Connected("dev", 10);
            int id = c.Register("a/b", 1);
            c.Send(SnMessages.Message(0x03, new byte[] { 1, 2 }));
            c.Send(SnMessages.Message(0x0C, new byte[] { 0x20, 0 }));
            c.Send(SnMessages.Message(0x0C, new byte[] { 0x20, 0, (byte)id, 0, 0 }));
            c.Send(SnMessages.Message(0x04, new byte[] { 0x04, 0x02, 0, 10, 65 }));
            c.ExpectNothing();
            Assert.AreEqual(4, (int)rig.Gateway.Stats.Malformed, "an unknown type, a short PUBLISH, QoS 1 with MsgId 0, CONNECT with ProtocolId 2");
            c.Send(SnMessages.Publish(1, false, false, SnMessages.Normal, id, 5, "ok"));
            Assert.AreEqual(SnFlags.Accepted, c.Expect(SnMessageType.PubAck).Byte(4));
            Expect.Publish(sub.Read(), "a/b", "ok", 1, false);
        }

        [TestMethod]
        public void DatagramLargerThanTheLimitIsDropped()
        {
            SnRig rig = new SnRig();
            SnTestClient c = rig.Connected("dev", 10);
            int id = c.Register("a/b", 1);
            string text = "";
            for (int i = 0; i < 30; i++)
            {
                text += "0123456789";
            }
            c.Send(SnMessages.Publish(1, false, false, SnMessages.Normal, id, 5, text));
            c.ExpectNothing();
            Assert.AreEqual(1, (int)rig.Gateway.Stats.Malformed);
        }
    }
}
