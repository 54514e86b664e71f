#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;
using NanoBroker.Tokens;

namespace NanoBroker.Tests.Engine.Security
{
    /// <summary>The bounded JSON reader of token headers and claims (RFC 8259).</summary>
    [TestClass]
    public class JsonReaderTests
    {
        private static JsonReader Over(string json)
        {
            byte[] bytes = Utf8.GetBytes(json);
            JsonReader reader = new JsonReader();
            reader.Reset(bytes, 0, bytes.Length);
            return reader;
        }

        private static string Unescaped(string json)
        {
            byte[] bytes = Utf8.GetBytes(json);
            JsonReader reader = new JsonReader();
            reader.Reset(bytes, 0, bytes.Length);
            int start, length;
            return reader.ReadString(out start, out length) ? Utf8.GetString(bytes, start, length) : null;
        }

        [TestMethod]
        public void Rfc8259Section7_EscapesAreUnescapedInPlace()
        {
            Assert.AreEqual("a\"b\\c/d\n", Unescaped("\"a\\\"b\\\\c\\/d\\n\""));
            Assert.AreEqual("\u00e9\u20ac", Unescaped("\"\\u00e9\\u20ac\""));
            // A surrogate pair is one code point, U+1F600, 4 bytes of UTF-8.
            byte[] bytes = Utf8.GetBytes("\"\\ud83d\\ude00\"");
            JsonReader reader = new JsonReader();
            reader.Reset(bytes, 0, bytes.Length);
            int start, length;
            Assert.IsTrue(reader.ReadString(out start, out length));
            Assert.AreEqual("f09f9880", CryptoTests.Hex(new byte[] { bytes[start], bytes[start + 1], bytes[start + 2], bytes[start + 3] }));
            Assert.AreEqual(4, length);
        }

        [TestMethod]
        public void BadStringsAreRefused()
        {
            Assert.IsNull(Unescaped("\"\\ud83d\""));
            Assert.IsNull(Unescaped("\"\\x\""));
            Assert.IsNull(Unescaped("\"a\nb\""));
            Assert.IsNull(Unescaped("\"open"));
        }

        [TestMethod]
        public void NumbersKeepTheirIntegerPartAndRefuseExponents()
        {
            long value;
            Assert.IsTrue(Over("1300819380").ReadNumber(out value));
            Assert.AreEqual(1300819380L, value);
            Assert.IsTrue(Over("-5.25").ReadNumber(out value));
            Assert.AreEqual(-5L, value);
            Assert.IsFalse(Over("1e9").ReadNumber(out value));
            Assert.IsFalse(Over("1.").ReadNumber(out value));
            Assert.IsFalse(Over("1234567890123456789").ReadNumber(out value));
        }

        [TestMethod]
        public void MembersAreReadAndOthersSkipped()
        {
            JsonReader reader = Over(" { \"a\" : [1, {\"x\": null}, true, false, \"s\"], \"b\": -2 } ");
            Assert.IsTrue(reader.BeginObject());
            Assert.AreEqual(JsonReader.More, reader.NextMember());
            Assert.IsTrue(reader.KeyIs("a"));
            Assert.IsTrue(reader.SkipValue());
            Assert.AreEqual(JsonReader.More, reader.NextMember());
            Assert.IsTrue(reader.KeyIs("b"));
            long value;
            Assert.IsTrue(reader.ReadNumber(out value));
            Assert.AreEqual(-2L, value);
            Assert.AreEqual(JsonReader.End, reader.NextMember());
            Assert.IsTrue(reader.AtEnd());
        }

        [TestMethod]
        public void MissingAndTrailingCommasAreRefused()
        {
            JsonReader reader = Over("{\"a\":1 \"b\":2}");
            Assert.IsTrue(reader.BeginObject());
            Assert.AreEqual(JsonReader.More, reader.NextMember());
            Assert.IsTrue(reader.SkipValue());
            Assert.AreEqual(JsonReader.Malformed, reader.NextMember());
            Assert.IsFalse(Over("[1,2,]").SkipValue());
        }

        [TestMethod]
        public void NestingPastTheDepthLimitIsRefused()
        {
            Assert.IsTrue(Over("[[[[[[[[]]]]]]]]").SkipValue());
            Assert.IsFalse(Over("[[[[[[[[[]]]]]]]]]").SkipValue());
        }
    }
}
