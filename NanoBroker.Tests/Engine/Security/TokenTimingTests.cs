#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using NanoBroker.Protocol;
using NanoBroker.Tokens;

namespace NanoBroker.Tests.Engine.Security
{
    /// <summary>
    /// What one ES256 (P-256), one RS256 (2048-bit) and one HS256 verification cost where the tests run (the nanoCLR
    /// figure is the one that matters for the board): written to the test output, and bounded so that a slowdown by
    /// an order shows. Ad hoc: wall-clock time over a few rounds, not a benchmark.
    /// </summary>
    [TestClass]
    public class TokenTimingTests
    {
        [TestMethod]
        public void Es256Rs256AndHs256VerificationTime()
        {
            JwtVerifier ec = new JwtVerifier(TestTokens.EcSettings(TestTokens.OpensslEcPem));
            byte[] esToken = Utf8.GetBytes(TestTokens.OpensslEs256Token);
            JwtVerifier rsa = new JwtVerifier(TestTokens.RsaSettings(TestTokens.OpensslPem));
            byte[] token = Utf8.GetBytes(TestTokens.OpensslRs256Token);
            JwtVerifier hmac = new JwtVerifier(TestTokens.HmacSettings());
            byte[] hsToken = Utf8.GetBytes(TestTokens.OpensslHs256Token);
            const int Rounds = 3;
            // The first verification of each warms up (JIT on .NET) before the timed rounds.
            Assert.AreEqual(TokenCheck.Valid, ec.Verify(esToken, 0, esToken.Length, TestTokens.Now));
            Assert.AreEqual(TokenCheck.Valid, rsa.Verify(token, 0, token.Length, TestTokens.Now));
            Assert.AreEqual(TokenCheck.Valid, hmac.Verify(hsToken, 0, hsToken.Length, TestTokens.Now));
            System.DateTime start = System.DateTime.UtcNow;
            for (int i = 0; i < Rounds; i++)
            {
                Assert.AreEqual(TokenCheck.Valid, ec.Verify(esToken, 0, esToken.Length, TestTokens.Now));
            }
            System.DateTime afterEc = System.DateTime.UtcNow;
            for (int i = 0; i < Rounds; i++)
            {
                Assert.AreEqual(TokenCheck.Valid, rsa.Verify(token, 0, token.Length, TestTokens.Now));
            }
            System.DateTime afterRsa = System.DateTime.UtcNow;
            for (int i = 0; i < Rounds; i++)
            {
                Assert.AreEqual(TokenCheck.Valid, hmac.Verify(hsToken, 0, hsToken.Length, TestTokens.Now));
            }
            System.DateTime end = System.DateTime.UtcNow;
            long ecMicroseconds = (afterEc - start).Ticks / 10 / Rounds;
            long rsaMicroseconds = (afterRsa - afterEc).Ticks / 10 / Rounds;
            long hmacMicroseconds = (end - afterRsa).Ticks / 10 / Rounds;
            string line = "token verification: ES256 (P-256) " + ecMicroseconds + " us, RS256 (2048-bit) " + rsaMicroseconds
                + " us, HS256 " + hmacMicroseconds + " us";
#if NANOFRAMEWORK_1_0
            System.Diagnostics.Debug.WriteLine(line);
#else
            System.Console.WriteLine(line);
#endif
            Assert.IsTrue(ecMicroseconds < 60000000);
            Assert.IsTrue(rsaMicroseconds < 60000000);
        }
    }
}
