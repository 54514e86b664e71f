#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Bridge;
using NanoBroker.Security;

namespace NanoBroker.Tests.Engine.Bridge
{
    /// <summary>Topic rules in mosquitto's form, the bridge.&lt;name&gt;.&lt;key&gt; lines, the back-off and the echo filter.</summary>
    [TestClass]
    public class BridgeSettingsTests
    {
        [TestMethod]
        public void RuleDefaultsToOutAtQos0WithoutPrefixes()
        {
            string problem;
            BridgeRule r = BridgeRule.Parse("sensors/#", out problem);
            Assert.IsNull(problem);
            Assert.IsTrue(r.Out);
            Assert.IsFalse(r.In);
            Assert.AreEqual(0, r.Qos);
            Assert.AreEqual(0, r.LocalPrefixLength);
        }

        [TestMethod]
        public void RulePrefixesAreAddedToThePatternOnEachSide_EmptyQuotesForNone()
        {
            string problem;
            BridgeRule r = BridgeRule.Parse("# both 2 \"\" site1/  # a comment", out problem);
            Assert.IsNull(problem);
            Assert.AreEqual(2, r.Qos);
            Assert.AreEqual("#", BridgeHarness.Text(r.LocalFilter));
            Assert.AreEqual("site1/#", BridgeHarness.Text(r.RemoteFilter));
            Assert.AreEqual(6, r.RemotePrefixLength);
        }

        [TestMethod]
        public void BadRulesAreRefusedWithAReason()
        {
            string problem;
            Assert.IsNull(BridgeRule.Parse("a/# sideways", out problem));
            Assert.IsNotNull(problem);
            Assert.IsNull(BridgeRule.Parse("a/# out 3", out problem));
            Assert.IsNotNull(problem);
            Assert.IsNull(BridgeRule.Parse("a/#/b out 1", out problem));
            Assert.IsNotNull(problem);
            Assert.IsNull(BridgeRule.Parse("  ", out problem));
            Assert.IsNotNull(problem);
        }

        [TestMethod]
        public void ConfigLinesMakeNamedBridges()
        {
            BridgeConfig c = new BridgeConfig();
            Assert.IsTrue(BridgeConfig.IsBridgeLine("bridge.cloud.address=broker.example:8883"));
            Assert.IsFalse(BridgeConfig.IsBridgeLine("port=1883"));
            Assert.IsNull(c.Read("bridge.cloud.address=broker.example:8883"));
            Assert.IsNull(c.Read("bridge.cloud.tls=true   # comment"));
            Assert.IsNull(c.Read("bridge.cloud.topic=# both 1"));
            Assert.IsNull(c.Read("bridge.cloud.keepalive_interval=30"));
            Assert.IsNull(c.Read("bridge.cloud.cleansession=true"));
            Assert.IsNull(c.Read("bridge.other.address=10.0.0.2"));
            Assert.IsNull(c.Read("bridge.other.topic=x out"));
            Assert.AreEqual(2, c.Count);
            BridgeSettings s = c.At(0);
            Assert.AreEqual("cloud", s.Name);
            Assert.AreEqual("broker.example", s.Host);
            Assert.AreEqual(8883, s.UpstreamPort);
            Assert.IsTrue(s.Tls);
            Assert.IsTrue(s.CleanSession);
            Assert.AreEqual(30, s.KeepAliveSeconds);
            Assert.AreEqual(1883, c.At(1).UpstreamPort);
            Assert.IsNull(c.Validate());
        }

        [TestMethod]
        public void ConfigProblemsNameTheKey()
        {
            BridgeConfig c = new BridgeConfig();
            Assert.IsNotNull(c.Read("bridge.x.colour=blue"));
            Assert.IsNotNull(c.Read("bridge.x.keepalive_interval=0"));
            Assert.IsNotNull(c.Read("bridge.x.tls=yes"));
            Assert.IsNotNull(c.Read("bridge.x.address=h:99999"));
            Assert.IsNotNull(c.Read("bridge..address=h"));
            // A bridge without a topic rule cannot run.
            Assert.IsNull(c.Read("bridge.y.address=h"));
            Assert.IsNotNull(c.Validate());
        }

        [TestMethod]
        public void BackoffDoublesUpToTheMaximumWithJitterInTheUpperHalf()
        {
            Backoff none = new Backoff(100, 800, null);
            Assert.AreEqual(100, none.NextDelayMs());
            Assert.AreEqual(200, none.NextDelayMs());
            Assert.AreEqual(400, none.NextDelayMs());
            Assert.AreEqual(800, none.NextDelayMs());
            Assert.AreEqual(800, none.NextDelayMs());
            none.Reset();
            Assert.AreEqual(100, none.NextDelayMs());
            Backoff jittered = new Backoff(1000, 8000, new FixedRandom());
            for (int i = 0; i < 6; i++)
            {
                int full = i < 3 ? 1000 << i : 8000;
                int d = jittered.NextDelayMs();
                Assert.IsTrue(d >= full / 2 && d <= full, "attempt " + i + ": " + d);
            }
        }

        [TestMethod]
        public void EchoFilterForgetsAMatchOnceTakenAndTheOldestWhenFull()
        {
            EchoFilter f = new EchoFilter(2);
            f.Remember(1);
            f.Remember(2);
            f.Remember(3);
            Assert.IsFalse(f.TakeEcho(1), "pushed out by the third");
            Assert.IsTrue(f.TakeEcho(2));
            Assert.IsFalse(f.TakeEcho(2), "taken once");
            Assert.IsTrue(f.TakeEcho(3));
        }

        /// <summary>0x9D, 0x9E, ...: bytes that differ draw by draw.</summary>
        public sealed class FixedRandom : IRandomSource
        {
            private int next = 0x9D;

            public void Fill(byte[] buffer, int offset, int count)
            {
                for (int i = 0; i < count; i++)
                {
                    buffer[offset + i] = (byte)next++;
                }
            }
        }
    }
}
