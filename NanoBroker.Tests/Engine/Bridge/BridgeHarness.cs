#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Bridge;
using NanoBroker.Protocol;
using NanoBroker.Tests.Engine.Harness;

namespace NanoBroker.Tests.Engine.Bridge
{
    /// <summary>
    /// A bridge on a <see cref="TestBroker"/> with the upstream played by the test: bytes fed into <see cref="NanoBroker.Bridge.Bridge.Input"/>
    /// and packets read off <see cref="NanoBroker.Bridge.Bridge.Output"/>, on the broker's fake clock.
    /// </summary>
    public static class BridgeHarness
    {
        /// <summary>A bridge "up" to up:1883 with the rules given, its first connect due now.</summary>
        public static NanoBroker.Bridge.Bridge Make(TestBroker tb, string[] rules)
        {
            string[] lines = new string[rules.Length];
            for (int i = 0; i < rules.Length; i++)
            {
                lines[i] = "bridge.up.topic=" + rules[i];
            }
            return MakeWith(tb, lines);
        }

        /// <summary>A bridge "up" to up:1883 with the bridge.up.* lines given.</summary>
        public static NanoBroker.Bridge.Bridge MakeWith(TestBroker tb, string[] lines)
        {
            BridgeConfig config = new BridgeConfig();
            Assert.IsNull(config.Read("bridge.up.address=up:1883"));
            Assert.IsNull(config.Read("bridge.up.restart_timeout=100:800"));
            for (int i = 0; i < lines.Length; i++)
            {
                Assert.IsNull(config.Read(lines[i]));
            }
            Assert.IsNull(config.Validate());
            return new NanoBroker.Bridge.Bridge(config.At(0), tb.Broker, new SilentLog(), 8, tb.Clock.Now);
        }

        /// <summary>Steps the bridge to Connecting, "connects" it, and returns the CONNECT it sent.</summary>
        public static Packet Connect(TestBroker tb, NanoBroker.Bridge.Bridge b)
        {
            b.Step(tb.Clock.Now);
            Assert.AreEqual((int)BridgeState.Connecting, (int)b.State);
            b.Connected(tb.Clock.Now);
            return Next(tb, b);
        }

        /// <summary>Connects and accepts: CONNECT, CONNACK 0, and SUBACK when the bridge subscribed; the bridge is then Ready.</summary>
        public static void Up(TestBroker tb, NanoBroker.Bridge.Bridge b)
        {
            Connect(tb, b);
            Feed(tb, b, new byte[] { 0x20, 2, 0, 0 });
            if (b.State == BridgeState.Subscribing)
            {
                Packet subscribe = Next(tb, b);
                Assert.AreEqual(PacketType.Subscribe, subscribe.Type);
                Feed(tb, b, new byte[] { 0x90, 3, subscribe.Raw[2], subscribe.Raw[3], 1 });
            }
            Assert.AreEqual((int)BridgeState.Ready, (int)b.State);
        }

        /// <summary>Upstream bytes to the bridge.</summary>
        public static void Feed(TestBroker tb, NanoBroker.Bridge.Bridge b, byte[] bytes)
        {
            System.Array.Copy(bytes, 0, b.Input, b.InputOffset, bytes.Length);
            b.Received(bytes.Length, tb.Clock.Now);
        }

        /// <summary>The next packet the bridge sends upstream (taken and reported sent), after a step; null when none.</summary>
        public static Packet Next(TestBroker tb, NanoBroker.Bridge.Bridge b)
        {
            tb.Broker.CommitStorageIfDue(tb.Clock.Now);
            b.Step(tb.Clock.Now);
            int size = Packet.SizeAt(b.Output, b.OutputStart, b.OutputCount);
            if (size < 0)
            {
                return null;
            }
            Packet p = Packet.Parse(b.Output, b.OutputStart, size);
            b.Sent(size, tb.Clock.Now);
            return p;
        }

        /// <summary>The text of a byte array.</summary>
        public static string Text(byte[] bytes)
        {
            return Utf8.GetString(bytes, 0, bytes.Length);
        }
    }

    /// <summary>A log that keeps nothing.</summary>
    public sealed class SilentLog : IBrokerLog
    {
        public bool Verbose { get { return false; } }

        public void Info(string line)
        {
        }

        public void Warning(string line)
        {
        }
    }
}
