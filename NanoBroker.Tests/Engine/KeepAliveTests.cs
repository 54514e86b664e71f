#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;
using NanoBroker.Tests.Engine.Harness;

namespace NanoBroker.Tests.Engine
{
    /// <summary>Keep-alive and PINGREQ (MQTT 3.1.1 sections 3.1.2.10 and 3.12).</summary>
    [TestClass]
    public class KeepAliveTests
    {
        [TestMethod]
        public void PingReqGetsPingResp_MQTT_3_12_4_1()
        {
            TestBroker b = new TestBroker();
            TestClient c = b.Connect("c");
            c.Send(Packets.PingReq());
            Expect.Bytes(new byte[] { 0xD0, 0x00 }, c.Read().Raw, "PINGRESP");
        }

        [TestMethod]
        public void SilenceBeyondOneAndAHalfKeepAlivesCloses_MQTT_3_1_2_24()
        {
            TestBroker b = new TestBroker();
            TestClient c = b.Connect(Packets.Connect("c", true, 10));
            b.Tick(15000);
            Assert.IsFalse(c.IsClosing, "exactly 1.5 x keep-alive is still allowed");
            b.Tick(1);
            Assert.IsTrue(c.IsClosing);
            Assert.AreEqual(0, b.Broker.ConnectedClients);
        }

        [TestMethod]
        public void PingReqKeepsTheConnectionAlive_MQTT_3_1_2_23()
        {
            TestBroker b = new TestBroker();
            TestClient c = b.Connect(Packets.Connect("c", true, 10));
            for (int i = 0; i < 10; i++)
            {
                b.Tick(9000);
                c.Send(Packets.PingReq());
                Expect.Type(PacketType.PingResp, c.Read());
            }
            Assert.IsFalse(c.IsClosing);
            b.Tick(15001);
            Assert.IsTrue(c.IsClosing);
        }

        [TestMethod]
        public void AnyControlPacketResetsTheTimer_MQTT_3_1_2_23()
        {
            TestBroker b = new TestBroker();
            TestClient c = b.Connect(Packets.Connect("c", true, 2));
            for (int i = 0; i < 5; i++)
            {
                b.Tick(2500);
                c.Publish("t", "alive", 0, false, 0);
            }
            Assert.IsFalse(c.IsClosing);
        }

        [TestMethod]
        public void KeepAlive0NeverTimesOut_MQTT_3_1_2_10()
        {
            TestBroker b = new TestBroker();
            TestClient c = b.Connect(Packets.Connect("c", true, 0));
            b.Tick(24L * 3600 * 1000);
            Assert.IsFalse(c.IsClosing);
        }

        [TestMethod]
        public void KeepAliveCountsFromConnectNotFromSocketOpen_MQTT_3_1_2_24()
        {
            TestBroker b = new TestBroker();
            TestClient c = b.Open();
            b.Clock.Advance(8000);
            c.Send(Packets.Connect("late", true, 2));
            b.ExpectConnAck(c, 0);
            b.Tick(1);
            Assert.IsFalse(c.IsClosing, "a client that just connected has had no time to be silent");
            b.Tick(2999);
            Assert.IsFalse(c.IsClosing);
            b.Tick(2);
            Assert.IsTrue(c.IsClosing);
        }

        [TestMethod]
        public void MaximumKeepAlive65535Seconds()
        {
            TestBroker b = new TestBroker();
            TestClient c = b.Connect(Packets.Connect("c", true, 65535));
            b.Tick(65535L * 1500);
            Assert.IsFalse(c.IsClosing);
            b.Tick(1);
            Assert.IsTrue(c.IsClosing);
        }

        [TestMethod]
        public void PingReqWithBodyCloses_MQTT_4_8_0_1()
        {
            TestBroker b = new TestBroker();
            TestClient c = b.Connect("c");
            c.Send(new byte[] { 0xC0, 0x01, 0x00 });
            Expect.ClosedSilently(c);
        }
    }
}
