#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif

namespace NanoBroker.Tests.Engine.Protocol
{
    /// <summary>Packets written out by hand for the codec tests: never through the encoders under test.</summary>
    public static class Raw
    {
        /// <summary>The bytes of <paramref name="values"/> (chars and ints as written in the spec's tables).</summary>
        public static byte[] Bytes(params int[] values)
        {
            byte[] b = new byte[values.Length];
            for (int i = 0; i < values.Length; i++)
            {
                b[i] = (byte)values[i];
            }
            return b;
        }

        /// <summary>Asserts that <paramref name="actual"/> holds exactly <paramref name="expected"/> from <paramref name="at"/> on, up to <paramref name="end"/>.</summary>
        public static void Equal(byte[] expected, byte[] actual, int at, int end)
        {
            Assert.AreEqual(expected.Length, end - at, "length");
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.AreEqual((int)expected[i], (int)actual[at + i], "byte " + i);
            }
        }
    }
}
