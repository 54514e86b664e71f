using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoBroker.Protocol;
using NanoBroker.Tests.Engine.Harness;

namespace NanoBroker.Tests.Host
{
    /// <summary>BrokerOptions.Desktop(), the host's defaults, on the engine.</summary>
    [TestClass]
    public class DesktopDefaultsTests
    {
        // The desktop's defaults take a 1 MiB payload at QoS 0, 1 and 2 through lent buffers, none held per
        // connection. .NET only: the desktop's tables (tens of MB) do not fit nanoCLR's heap.
        [TestMethod]
        public void TheDesktopDefaultsTakeAOneMegabytePayloadAtEveryQos()
        {
            BrokerOptions o = BrokerOptions.Desktop();
            o.SysIntervalMs = 0;
            o.MaxClients = 4;
            o.MaxSessions = 8;
            Assert.IsTrue(o.MaxPacketSize >= 1048576 + 1024);
            Assert.IsTrue(o.ReceiveBytes < o.MaxPacketSize, "no connection holds MaxPacketSize of its own");
            Assert.IsTrue(o.OutboxBytes < o.MaxPacketSize);
            TestBroker b = new TestBroker(o);
            TestClient sub = b.Subscriber("sub", "big/#", 2);
            TestClient pub = b.Connect("pub");
            byte[] payload = Packets.Payload(1048576, 4);
            for (int qos = 0; qos <= 2; qos++)
            {
                pub.Send(Packets.Publish(Packets.Bytes("big/" + qos), payload, qos, qos == 1, false, qos == 0 ? 0 : 10 + qos));
                Assert.IsFalse(pub.IsClosing);
                Packet p = sub.Read();
                Expect.Type(PacketType.Publish, p);
                Assert.AreEqual("big/" + qos, p.TopicText);
                Expect.Bytes(payload, p.Payload, "payload");
                if (p.Qos == 1)
                {
                    sub.PubAck(p.PacketId);
                }
                else if (p.Qos == 2)
                {
                    sub.PubRec(p.PacketId);
                    Expect.Type(PacketType.PubRel, sub.Read());
                    sub.PubComp(p.PacketId);
                }
            }
            Assert.AreEqual(o.LargeReceiveBuffers, b.Broker.ReceiveBuffers.Available);
            Assert.AreEqual(o.LargeSendBuffers, b.Broker.SendBuffers.Available);
        }
    }
}
