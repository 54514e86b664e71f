// Test-only declarations of the nanoFramework.TestFramework members the portable engine tests use,
// signatures as in github:nanoframework/nanoFramework.TestFramework (bodies are stubs: this only compiles).
using System;

namespace nanoFramework.TestFramework
{
    // source/TestFramework/TestFramework.cs
    [AttributeUsage(AttributeTargets.Class)]
    public sealed class TestClassAttribute : Attribute
    {
    }

    // source/TestFramework/TestMethodAttribute.cs
    [AttributeUsage(AttributeTargets.Method)]
    public sealed class TestMethodAttribute : Attribute
    {
    }

    public sealed partial class Assert
    {
        // source/TestFramework/Assert.NoGenerics.AreEqual.cs: one overload per type, no generics.
        public static void AreEqual(bool expected, bool actual, string message = "") { throw null; }
        public static void AreEqual(byte expected, byte actual, string message = "") { throw null; }
        public static void AreEqual(char expected, char actual, string message = "") { throw null; }
        public static void AreEqual(DateTime expected, DateTime actual, string message = "") { throw null; }
        public static void AreEqual(double expected, double actual, string message = "") { throw null; }
        public static void AreEqual(float expected, float actual, string message = "") { throw null; }
        public static void AreEqual(int expected, int actual, string message = "") { throw null; }
        public static void AreEqual(long expected, long actual, string message = "") { throw null; }
        public static void AreEqual(object expected, object actual, string message = "") { throw null; }
        public static void AreEqual(sbyte expected, sbyte actual, string message = "") { throw null; }
        public static void AreEqual(short expected, short actual, string message = "") { throw null; }
        public static void AreEqual(string expected, string actual, string message = "") { throw null; }
        public static void AreEqual(uint expected, uint actual, string message = "") { throw null; }
        public static void AreEqual(ulong expected, ulong actual, string message = "") { throw null; }
        public static void AreEqual(ushort expected, ushort actual, string message = "") { throw null; }

        // source/TestFramework/Assertions/Assert.IsTrue.cs
        public static void IsTrue(bool condition, string message = "") { throw null; }
        public static void IsFalse(bool condition, string message = "") { throw null; }

        // source/TestFramework/Assertions/Assert.IsNull.cs
        public static void IsNull(object value, string message = "") { throw null; }
        public static void IsNotNull(object value, string message = "") { throw null; }
    }
}
