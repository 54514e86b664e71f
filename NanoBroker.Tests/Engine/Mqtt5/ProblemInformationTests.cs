#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;
using NanoBroker.Tests.Engine.Harness;

namespace NanoBroker.Tests.Engine.Mqtt5
{
    /// <summary>
    /// Request Problem Information and Request Response Information (MQTT 5.0 sections 3.1.2.11.6 and 3.1.2.11.7): the
    /// broker sends no Reason String or User Property outside PUBLISH, CONNACK and DISCONNECT to a client that asked
    /// for none, and never Response Information (a server may send none).
    /// </summary>
    [TestClass]
    public class ProblemInformationTests
    {
        private static void ExpectNoProblemInformation(V5Packet p, string what)
        {
            Assert.IsNotNull(p, what);
            Assert.IsFalse(p.Properties.Has(V5Property.ReasonString), what + ": no Reason String");
            Assert.IsFalse(p.Properties.Has(V5Property.UserProperty), what + ": no User Property");
        }

        [TestMethod]
        public void RequestProblemInformation0GetsNoReasonStringOrUserProperty_MQTT_3_1_2_29()
        {
            TestBroker b = V5Clients.Broker();
            TestClient c = b.Open();
            c.Send(V5Packets.Connect("dev", true, 0, new V5PropertyWriter().RequestProblemInformation(0)));
            V5Clients.ExpectConnAck(c.Read5(), ReasonCode.Success);
            // Acknowledgements with reason codes: SUBACK, UNSUBACK (0x11), PUBACK, PUBREC, PUBCOMP.
            c.Send(V5Packets.Subscribe(1, new string[] { "a", "b/#" }, new int[] { 1, 1 }, null));
            ExpectNoProblemInformation(c.Read5(), "SUBACK");
            c.Send(V5Packets.Unsubscribe(2, "never"));
            ExpectNoProblemInformation(c.Read5(), "UNSUBACK");
            c.Send(V5Packets.Publish("b", "x", 1, false, false, 3, null));
            ExpectNoProblemInformation(c.Read5(), "PUBACK");
            c.Send(V5Packets.Publish("b", "x", 2, false, false, 4, null));
            ExpectNoProblemInformation(c.Read5(), "PUBREC");
            c.Send(V5Packets.PubRel(4, 0, null));
            ExpectNoProblemInformation(c.Read5(), "PUBCOMP");
            c.Send(V5Packets.PubRel(5, 0, null));
            ExpectNoProblemInformation(c.Read5(), "PUBCOMP 0x92");
        }

        [TestMethod]
        public void RequestResponseInformation1GetsNoResponseInformation_Section_3_1_2_11_7()
        {
            TestBroker b = V5Clients.Broker();
            TestClient c = b.Open();
            c.Send(V5Packets.Connect("dev", true, 0, new V5PropertyWriter().RequestResponseInformation(1)));
            V5Packet ack = c.Read5();
            V5Clients.ExpectConnAck(ack, ReasonCode.Success);
            Assert.IsFalse(ack.Properties.Has(V5Property.ResponseInformation), "the server may send none [MQTT-3.2.2-...] and does not");
        }
    }
}
