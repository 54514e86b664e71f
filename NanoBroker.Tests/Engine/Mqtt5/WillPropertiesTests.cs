#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;
using NanoBroker.Storage;
using NanoBroker.Tests.Engine.Harness;

namespace NanoBroker.Tests.Engine.Mqtt5
{
    /// <summary>
    /// MQTT 5.0 will properties (section 3.1.3.2): stored with the will message, those a broker forwards (all but Will
    /// Delay and Message Expiry, kept apart) in the message store and in the WillSet record's field D, the delay in its
    /// Value (docs/record-format.md).
    /// </summary>
    [TestClass]
    public class WillPropertiesTests
    {
        private static V5PropertyWriter Forwarded()
        {
            return new V5PropertyWriter().PayloadFormatIndicator(1).ContentType("text/plain").ResponseTopic("reply/dev")
                .CorrelationData(new byte[] { 7, 8 }).UserProperty("site", "lab");
        }

        private static V5PropertyWriter WillProperties()
        {
            return new V5PropertyWriter().WillDelayInterval(30).PayloadFormatIndicator(1).MessageExpiryInterval(120).ContentType("text/plain")
                .ResponseTopic("reply/dev").CorrelationData(new byte[] { 7, 8 }).UserProperty("site", "lab");
        }

        private static TestClient ConnectWithWill(TestBroker b, V5PropertyWriter willProperties)
        {
            TestClient c = b.Open();
            c.Send(V5Packets.Connect("dev", false, 0, new V5PropertyWriter().SessionExpiryInterval(3600),
                "status/dev", Utf8.GetBytes("gone"), 1, false, willProperties, null, null));
            V5Clients.ExpectConnAck(c.Read5(), ReasonCode.Success);
            return c;
        }

        [TestMethod]
        public void TheWillsForwardedPropertiesAreStoredWithIt_Section_3_1_3_2()
        {
            TestBroker b = V5Clients.Broker();
            int freeBefore = b.Broker.Messages.FreeMessages;
            ConnectWithWill(b, WillProperties());
            Assert.AreEqual(freeBefore - 1, b.Broker.Messages.FreeMessages, "the will is stored");
            byte[] block = Forwarded().ToBlock();
            int stored = -1;
            for (int m = 0; m < 64 && stored < 0; m++)
            {
                if (b.Broker.Messages.References(m) > 0 && b.Broker.Messages.TopicLength(m) == 10)
                {
                    stored = m;
                }
            }
            Assert.IsTrue(stored >= 0, "the will's handle");
            Assert.AreEqual(block.Length - 1, b.Broker.Messages.PropertiesLength(stored), "forwarded properties only: no Will Delay, no Message Expiry");
            byte[] bytes = new byte[b.Broker.Messages.Length(stored)];
            b.Broker.Messages.CopyOut(stored, 0, bytes, 0, bytes.Length);
            for (int i = 1; i < block.Length; i++)
            {
                Assert.AreEqual((int)block[i], (int)bytes[10 + i - 1], "property byte " + i + ", in order");
            }
            Assert.AreEqual("gone", Utf8.GetString(bytes, b.Broker.Messages.PayloadOffset(stored), 4), "the payload after them");
        }

        [TestMethod]
        public void AWillWithPropertiesIsPublishedWithItsPayloadWhole_Section_3_1_3_2()
        {
            TestBroker b = V5Clients.Broker();
            TestClient reader = V5Clients.Connect(b, "reader");
            V5Clients.Subscribe(reader, "status/#", 1);
            TestClient d = b.Open();
            d.Send(V5Packets.Connect("dev2", true, 0, null, "status/dev", Utf8.GetBytes("gone"), 1, false, Forwarded(), null, null));
            V5Clients.ExpectConnAck(d.Read5(), ReasonCode.Success);
            d.Drop();
            V5Packet will = reader.Read5();
            Assert.IsNotNull(will, "the will");
            Assert.AreEqual("status/dev", will.TopicText);
            Assert.AreEqual("gone", will.PayloadText, "the properties stored before it are not in the payload");
        }

        [TestMethod]
        public void TheWillSetRecordHoldsTheClientIdThePropertiesAndTheDelay_RecordFormat_WillSet()
        {
            RamStorage ram = new RamStorage();
            BrokerOptions o = TestBroker.StorageOptions();
            TestBroker b = TestBroker.Restored(ram, o);
            ConnectWithWill(b, WillProperties());
            b.CommitStorage();

            RecordLog log = new RecordLog(ram.AfterPowerCut(0), o.StorageBatchBytes);
            log.Open();
            WillRecordSink sink = new WillRecordSink();
            log.Replay(sink, new byte[o.MaxPacketSize + Record.Overhead + 512], new RecordView());
            Assert.AreEqual(1, sink.Count, "one WillSet");
            Assert.AreEqual("dev", sink.ClientId, "A: the client id");
            Assert.AreEqual("status/dev", sink.Topic, "B: the topic");
            Assert.AreEqual("gone", sink.Payload, "C: the payload");
            Assert.AreEqual(30L, (long)sink.Value, "Value: the Will Delay Interval");
            byte[] block = Forwarded().ToBlock();
            Assert.AreEqual(block.Length - 1, sink.Properties.Length, "D: the forwarded will properties");
            for (int i = 1; i < block.Length; i++)
            {
                Assert.AreEqual((int)block[i], (int)sink.Properties[i - 1], "D byte " + i);
            }
        }

        // Collects the WillSet records a replay reads.
        private sealed class WillRecordSink : IRecordSink
        {
            public int Count;
            public string ClientId;
            public string Topic;
            public string Payload;
            public uint Value;
            public byte[] Properties;

            public void Apply(RecordView r)
            {
                if (r.Kind != RecordKind.WillSet)
                {
                    return;
                }
                Count++;
                ClientId = Utf8.GetString(r.Buffer, r.AStart, r.ALength);
                Topic = Utf8.GetString(r.Buffer, r.BStart, r.BLength);
                Payload = Utf8.GetString(r.Buffer, r.CStart, r.CLength);
                Value = r.Value;
                Properties = new byte[r.DLength];
                System.Array.Copy(r.Buffer, r.DStart, Properties, 0, r.DLength);
            }
        }
    }
}
