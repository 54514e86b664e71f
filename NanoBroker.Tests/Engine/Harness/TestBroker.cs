#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;
using NanoBroker.Storage;

namespace NanoBroker.Tests.Engine.Harness
{
    /// <summary>A broker on a fake clock, with shorthands to open, connect and subscribe clients.</summary>
    public sealed class TestBroker
    {
        public readonly FakeClock Clock;
        public readonly Broker Broker;

        public TestBroker() : this(SmallOptions())
        {
        }

        public TestBroker(BrokerOptions options) : this(options, null)
        {
        }

        /// <summary>A broker that reports to <paramref name="log"/>.</summary>
        public TestBroker(BrokerOptions options, IBrokerLog log)
        {
            Clock = new FakeClock(1000);
            Broker = new Broker(options, Clock.Now, log);
        }

        /// <summary>A broker whose durable state is restored from <paramref name="storage"/> and kept there.</summary>
        public static TestBroker Restored(IStorageBackend storage, BrokerOptions options)
        {
            return Restored(storage, options, null);
        }

        /// <summary>As <see cref="Restored(IStorageBackend, BrokerOptions)"/>, with the access control the host would set before restoring.</summary>
        public static TestBroker Restored(IStorageBackend storage, BrokerOptions options, NanoBroker.Security.AccessControl access)
        {
            TestBroker b = new TestBroker(options);
            b.Broker.Access = access;
            b.RestoreSummary = b.Broker.Restore(new RecordLog(storage, options.StorageBatchBytes));
            return b;
        }

        /// <summary>As <see cref="Restored(IStorageBackend, BrokerOptions)"/>, reporting to <paramref name="log"/>.</summary>
        public static TestBroker RestoredWithLog(IStorageBackend storage, BrokerOptions options, IBrokerLog log)
        {
            TestBroker b = new TestBroker(options, log);
            b.RestoreSummary = b.Broker.Restore(new RecordLog(storage, options.StorageBatchBytes));
            return b;
        }

        /// <summary>What Broker.Restore reported, for a broker made by <see cref="Restored"/>.</summary>
        public string RestoreSummary { get; private set; }

        /// <summary>The ESP32 defaults, with $SYS off so that only the test's own messages appear.</summary>
        public static BrokerOptions SmallOptions()
        {
            BrokerOptions o = BrokerOptions.Esp32();
            o.SysIntervalMs = 0;
            // Retained messages at QoS 0 are written with everything else (CommitStorage); the board's longer
            // delay for them has tests of its own (RetainedCommitTests).
            o.StorageRetainedDelayMs = 0;
            return o;
        }

        /// <summary>SmallOptions with every change written at the next call into the engine, as on the desktop: for tests of what is durable.</summary>
        public static BrokerOptions StorageOptions()
        {
            BrokerOptions o = SmallOptions();
            o.StorageCommitDelayMs = 0;
            return o;
        }

        public BrokerStats Stats { get { return Broker.Stats; } }

        public TestClient Open()
        {
            return new TestClient(Broker, Clock);
        }

        /// <summary>Connects a clean-session client without keep-alive and checks its CONNACK 0.</summary>
        public TestClient Connect(string clientId)
        {
            return Connect(clientId, true);
        }

        public TestClient Connect(string clientId, bool cleanSession)
        {
            TestClient c = Open();
            c.Send(Packets.Connect(clientId, cleanSession, 0));
            ExpectConnAck(c, ConnectReturnCode.Accepted);
            return c;
        }

        /// <summary>Connects with the given CONNECT and checks CONNACK 0; returns the client, its CONNACK checked and read.</summary>
        public TestClient Connect(byte[] connect)
        {
            TestClient c = Open();
            c.Send(connect);
            ExpectConnAck(c, ConnectReturnCode.Accepted);
            return c;
        }

        /// <summary>Connects and subscribes to one filter, checking SUBACK grants the QoS.</summary>
        public TestClient Subscriber(string clientId, string filter, int qos)
        {
            TestClient c = Connect(clientId);
            Subscribe(c, filter, qos);
            return c;
        }

        public void Subscribe(TestClient c, string filter, int qos)
        {
            c.Subscribe(77, filter, qos);
            Packet suback = c.Read();
            Expect.Type(PacketType.SubAck, suback);
            Expect.AreEqual(77, suback.PacketId, "SUBACK packet id");
            Expect.AreEqual(1, suback.ReturnCodes.Length, "SUBACK return codes");
            Expect.AreEqual(qos, suback.ReturnCodes[0], "granted QoS");
        }

        public void Unsubscribe(TestClient c, string filter)
        {
            c.Send(Packets.Unsubscribe(78, filter));
            Expect.Ack(c.Read(), PacketType.UnsubAck, 78);
        }

        /// <summary>CONNECT on a new connection: CONNACK with this code, and for a refusal the end of the connection.</summary>
        public Packet ConnectExpecting(byte[] connect, int code)
        {
            TestClient c = Open();
            c.Send(connect);
            Packet p = ExpectConnAck(c, code);
            if (code != ConnectReturnCode.Accepted)
            {
                // [MQTT-3.2.2-4] session present 0 with a refusal; [MQTT-3.2.2-5] then the connection closes.
                Assert.IsFalse(p.SessionPresent, "session present with a refusal");
                Assert.IsTrue(c.IsClosing, "refused connection closes");
                Assert.IsNull(c.Read(), "nothing after a refusing CONNACK");
            }
            else
            {
                Assert.IsFalse(c.IsClosing);
            }
            return p;
        }

        public Packet ExpectConnAck(TestClient c, int code)
        {
            Packet p = c.Read();
            Expect.Type(PacketType.ConnAck, p);
            Expect.AreEqual(code, p.ReturnCode, "CONNACK return code");
            return p;
        }

        /// <summary>Reconnects a persistent session and checks CONNACK says the session was there [MQTT-3.2.2-2].</summary>
        public TestClient Resume(string clientId)
        {
            return Resume(clientId, Packets.Connect(clientId, false, 0));
        }

        /// <summary>As <see cref="Resume(string)"/>, with the given CONNECT (clean session 0).</summary>
        public TestClient Resume(string clientId, byte[] connect)
        {
            TestClient c = Open();
            c.Send(connect);
            Expect.AreEqual(1, ExpectConnAck(c, ConnectReturnCode.Accepted).SessionPresent ? 1 : 0, "CONNACK session present for " + clientId);
            return c;
        }

        /// <summary>Writes the pending records: the clock moves on by StorageCommitDelayMs.</summary>
        public void CommitStorage()
        {
            Broker.CommitStorageIfDue(Clock.Advance(Broker.Options.StorageCommitDelayMs));
        }

        /// <summary>Moves the clock on and ticks the broker.</summary>
        public void Tick(long advanceMs)
        {
            Broker.Tick(Clock.Advance(advanceMs));
        }
    }
}
