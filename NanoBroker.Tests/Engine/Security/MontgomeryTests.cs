#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Security;

namespace NanoBroker.Tests.Engine.Security
{
    /// <summary>Montgomery exponentiation against Python's pow(x, e, m) on a 128-bit odd modulus.</summary>
    [TestClass]
    public class MontgomeryTests
    {
        private static string Power(string x, uint e)
        {
            uint[] m = Limbs("f123456789abcdef0123456789abcdef");
            uint[] r2 = new uint[4];
            Montgomery.RSquared(m, 4, r2);
            uint[] result = new uint[4];
            new Montgomery(4).Power(Limbs(x), e, m, 4, r2, Montgomery.NegativeInverse(m[0]), result);
            byte[] bytes = new byte[16];
            Montgomery.FromLimbs(result, bytes, 0, 16);
            return CryptoTests.Hex(bytes);
        }

        private static uint[] Limbs(string hex)
        {
            byte[] bytes = CryptoTests.FromHex(hex);
            uint[] limbs = new uint[4];
            Montgomery.ToLimbs(bytes, 0, bytes.Length, limbs, 4);
            return limbs;
        }

        [TestMethod]
        public void PowerMatchesPython()
        {
            // python3 -c "m=0xf123456789abcdef0123456789abcdef; print(hex(pow(3,65537,m)))"
            Assert.AreEqual("973419e95e56c84d1d909570c5cc498e", Power("03", 65537));
            Assert.AreEqual("157199875200ee7f3266028971138e9c", Power("1234567890abcdef", 3));
            // (m - 1)^17 = -1 mod m.
            Assert.AreEqual("f123456789abcdef0123456789abcdee", Power("f123456789abcdef0123456789abcdee", 17));
        }

        [TestMethod]
        public void NegativeInverseTimesTheModulusIsMinusOne()
        {
            uint m0 = 0x89abcdef;
            Assert.AreEqual(0xFFFFFFFFu, m0 * Montgomery.NegativeInverse(m0));
        }
    }
}
