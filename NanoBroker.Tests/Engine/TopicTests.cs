#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;
using NanoBroker.Routing;

namespace NanoBroker.Tests.Engine
{
    /// <summary>Topic names, filters and matching, with the examples of MQTT 3.1.1 section 4.7.</summary>
    [TestClass]
    public class TopicTests
    {
        private static bool Name(string s)
        {
            byte[] b = Utf8.GetBytes(s);
            return Topic.IsValidName(b, 0, b.Length);
        }

        private static bool Filter(string s)
        {
            byte[] b = Utf8.GetBytes(s);
            return Topic.IsValidFilter(b, 0, b.Length);
        }

        private static bool Match(string filter, string topic)
        {
            byte[] f = Utf8.GetBytes(filter);
            byte[] t = Utf8.GetBytes(topic);
            return Topic.Matches(f, 0, f.Length, t, 0, t.Length);
        }

        private static bool MatchBytes(string filter, byte[] topic)
        {
            byte[] f = Utf8.GetBytes(filter);
            return Topic.Matches(f, 0, f.Length, topic, 0, topic.Length);
        }

        [TestMethod]
        public void EmptyNameAndEmptyFilterAreInvalid_MQTT_4_7_3_1()
        {
            Assert.IsFalse(Topic.IsValidName(new byte[0], 0, 0));
            Assert.IsFalse(Topic.IsValidFilter(new byte[0], 0, 0));
        }

        [TestMethod]
        public void NameWithWildcardIsInvalid_MQTT_3_3_2_2()
        {
            Assert.IsFalse(Name("a/+"));
            Assert.IsFalse(Name("a/#"));
            Assert.IsFalse(Name("+"));
            Assert.IsFalse(Name("#"));
            Assert.IsFalse(Name("a+b"));
            Assert.IsTrue(Name("a/b"));
            Assert.IsTrue(Name("/"));
            Assert.IsTrue(Name("a//b"));
            Assert.IsTrue(Name(" "));
            Assert.IsTrue(Name("$SYS/broker"));
        }

        [TestMethod]
        public void NameWithNullCharacterIsInvalid_MQTT_4_7_3_2()
        {
            Assert.IsFalse(Topic.IsValidName(new byte[] { (byte)'a', 0, (byte)'b' }, 0, 3));
            Assert.IsFalse(Topic.IsValidFilter(new byte[] { (byte)'a', 0, (byte)'b' }, 0, 3));
        }

        [TestMethod]
        public void NameWithIllFormedUtf8IsInvalid_MQTT_1_5_3_1()
        {
            Assert.IsFalse(Topic.IsValidName(new byte[] { (byte)'a', 0xED, 0xA0, 0x80 }, 0, 4), "a UTF-16 surrogate");
            Assert.IsFalse(Topic.IsValidName(new byte[] { (byte)'a', 0xC0, 0xAF }, 0, 3), "an overlong '/'");
            Assert.IsFalse(Topic.IsValidFilter(new byte[] { 0xFF }, 0, 1));
            Assert.IsTrue(Name("caf\u00e9/\u6e29\u5ea6"));
        }

        [TestMethod]
        public void MultiLevelWildcardOnlyAloneAndLast_MQTT_4_7_1_2()
        {
            Assert.IsTrue(Filter("#"));
            Assert.IsTrue(Filter("sport/tennis/#"));
            Assert.IsTrue(Filter("/#"));
            Assert.IsFalse(Filter("sport/tennis#"));
            Assert.IsFalse(Filter("sport/tennis/#/ranking"));
            Assert.IsFalse(Filter("#/"));
            Assert.IsFalse(Filter("##"));
        }

        [TestMethod]
        public void SingleLevelWildcardOccupiesAWholeLevel_MQTT_4_7_1_3()
        {
            Assert.IsTrue(Filter("+"));
            Assert.IsTrue(Filter("+/tennis/#"));
            Assert.IsTrue(Filter("sport/+/player1"));
            Assert.IsTrue(Filter("+/+"));
            Assert.IsTrue(Filter("/+"));
            Assert.IsTrue(Filter("+/"));
            Assert.IsFalse(Filter("sport+"));
            Assert.IsFalse(Filter("sport/+player1"));
            Assert.IsFalse(Filter("++"));
            Assert.IsFalse(Filter("a/b+/c"));
        }

        [TestMethod]
        public void MultiLevelWildcardMatchesParentAndChildren_Section_4_7_1_2()
        {
            Assert.IsTrue(Match("sport/tennis/player1/#", "sport/tennis/player1"));
            Assert.IsTrue(Match("sport/tennis/player1/#", "sport/tennis/player1/ranking"));
            Assert.IsTrue(Match("sport/tennis/player1/#", "sport/tennis/player1/score/wimbledon"));
            Assert.IsTrue(Match("sport/#", "sport"));
            Assert.IsTrue(Match("#", "sport/tennis"));
            Assert.IsTrue(Match("#", "/"));
            Assert.IsTrue(Match("a/#", "a/"));
            Assert.IsFalse(Match("sport/tennis/player1/#", "sport/tennis/player2"));
            Assert.IsFalse(Match("sport/tennis/player1/#", "sport/tennis"));
            Assert.IsFalse(Match("sport/#", "sports"));
        }

        [TestMethod]
        public void SingleLevelWildcardMatchesOneLevel_Section_4_7_1_3()
        {
            Assert.IsTrue(Match("sport/tennis/+", "sport/tennis/player1"));
            Assert.IsTrue(Match("sport/tennis/+", "sport/tennis/player2"));
            Assert.IsFalse(Match("sport/tennis/+", "sport/tennis/player1/ranking"));
            Assert.IsFalse(Match("sport/+", "sport"));
            Assert.IsTrue(Match("sport/+", "sport/"));
            Assert.IsTrue(Match("+/+", "/finance"));
            Assert.IsTrue(Match("/+", "/finance"));
            Assert.IsFalse(Match("+", "/finance"));
            Assert.IsTrue(Match("+", "finance"));
            Assert.IsTrue(Match("a/+/c", "a//c"), "'+' matches an empty level");
            Assert.IsTrue(Match("+/b/#", "x/b"));
            Assert.IsTrue(Match("a/+/#", "a/b"));
        }

        [TestMethod]
        public void LiteralFiltersMatchWholeLevelsOnly()
        {
            Assert.IsTrue(Match("a/b", "a/b"));
            Assert.IsFalse(Match("a/b", "a/bc"));
            Assert.IsFalse(Match("a/bc", "a/b"));
            Assert.IsFalse(Match("a/b", "a/b/c"));
            Assert.IsFalse(Match("a/b/c", "a/b"));
            Assert.IsFalse(Match("a/", "a"));
            Assert.IsFalse(Match("a", "a/"));
            Assert.IsFalse(Match("/a", "a"));
        }

        [TestMethod]
        public void MatchingIsCaseSensitiveAndUnnormalized_MQTT_4_7_3_4()
        {
            Assert.IsFalse(Match("ACCOUNTS", "Accounts"));
            Assert.IsFalse(Match("a/b", "a/b "));
            Assert.IsTrue(Match("Accounts payable", "Accounts payable"));
        }

        [TestMethod]
        public void DollarTopicsNotMatchedByLeadingWildcards_MQTT_4_7_2_1()
        {
            Assert.IsFalse(Match("#", "$SYS/broker/uptime"));
            Assert.IsFalse(Match("+/monitor/Clients", "$SYS/monitor/Clients"));
            Assert.IsFalse(Match("+", "$SYS"));
            Assert.IsTrue(Match("$SYS/#", "$SYS/monitor/Clients"));
            Assert.IsTrue(Match("$SYS/monitor/+", "$SYS/monitor/Clients"));
            Assert.IsTrue(Match("$SYS/#", "$SYS"));
            Assert.IsTrue(Match("a/#", "a/$b"), "'$' only matters as the first character of the name");
        }

        [TestMethod]
        public void MatchesRespectsOffsets()
        {
            byte[] topic = Utf8.GetBytes("xxa/b/cyy");
            byte[] filter = Utf8.GetBytes("--a/+/c--");
            Assert.IsTrue(Topic.Matches(filter, 2, 5, topic, 2, 5));
            Assert.IsFalse(Topic.Matches(filter, 2, 5, topic, 2, 6));
            Assert.IsTrue(MatchBytes("a/+/c", new byte[] { (byte)'a', (byte)'/', 0xC3, 0xA9, (byte)'/', (byte)'c' }));
        }

        [TestMethod]
        public void LongestTopicName65535BytesIsValid_MQTT_4_7_3_3()
        {
            byte[] name = new byte[65535];
            for (int i = 0; i < name.Length; i++)
            {
                name[i] = (byte)'a';
            }
            Assert.IsTrue(Topic.IsValidName(name, 0, name.Length));
            Assert.IsTrue(Topic.Matches(name, 0, name.Length, name, 0, name.Length));
        }
    }
}
