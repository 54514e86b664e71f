using System.Security.Cryptography;
using System.Text;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoBroker.Security;
using NanoBroker.Tokens;

namespace NanoBroker.Tests.Integration
{
    /// <summary>
    /// The engine's P-256 arithmetic against .NET's ECDsa (the platform's OpenSSL here): signatures of random keys
    /// and messages, in the IEEE P1363 form R || S that RFC 7518 section 3.4 uses, verify, and the same with one bit
    /// flipped do not. Many keys and signatures reach carries and borrows the fixed vectors may miss.
    /// </summary>
    [TestClass]
    public class Es256CrossCheckTests
    {
        [TestMethod]
        public void SignaturesOfDotNetsEcdsaVerifyAndFlippedOnesDoNot()
        {
            EcdsaSignature ecdsa = new EcdsaSignature();
            for (int k = 0; k < 40; k++)
            {
                using ECDsa signer = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                string problem;
                P256PublicKey key = EcPublicKey.FromPem(Encoding.UTF8.GetBytes(signer.ExportSubjectPublicKeyInfoPem()), out problem).Point;
                Assert.IsNull(problem);
                for (int m = 0; m < 5; m++)
                {
                    byte[] message = RandomNumberGenerator.GetBytes(1 + m * 37);
                    byte[] signature = signer.SignData(message, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
                    byte[] hash = SHA256.HashData(message);
                    Assert.IsTrue(ecdsa.Verify(key, hash, signature, 0, signature.Length), "key " + k + " message " + m);
                    int bit = RandomNumberGenerator.GetInt32(512);
                    signature[bit / 8] ^= (byte)(1 << (bit % 8));
                    Assert.IsFalse(ecdsa.Verify(key, hash, signature, 0, signature.Length), "bit " + bit);
                    signature[bit / 8] ^= (byte)(1 << (bit % 8));
                    hash[m] ^= 0x80;
                    Assert.IsFalse(ecdsa.Verify(key, hash, signature, 0, signature.Length), "hash changed");
                }
            }
        }

        [TestMethod]
        public void KTimesGIsDotNetsPublicKeyForItsPrivateKey()
        {
            // u1 G + u2 Q with one scalar zero is a single multiplication: d G, from either slot, is the key .NET made.
            P256 curve = new P256();
            uint[][] gx = P256.NewTable(), gy = P256.NewTable();
            using ECDsa any = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            ECCurve explicitCurve = any.ExportExplicitParameters(false).Curve;
            uint[] x = Limbs(explicitCurve.G.X), y = Limbs(explicitCurve.G.Y);
            curve.ToField(x, x);
            curve.ToField(y, y);
            curve.OddMultiples(x, y, gx, gy);
            uint[] zero = new uint[P256.Limbs];
            for (int k = 0; k < 40; k++)
            {
                using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                ECParameters parameters = key.ExportExplicitParameters(true);
                uint[] d = Limbs(parameters.D);
                uint[] qx = Limbs(parameters.Q.X);
                Assert.IsTrue(curve.MultiplyAdd(d, zero, gx, gy) && curve.ResultXIs(qx), "u1 " + k);
                Assert.IsTrue(curve.MultiplyAdd(zero, d, gx, gy) && curve.ResultXIs(qx), "u2 " + k);
            }
        }

        private static uint[] Limbs(byte[] bigEndian)
        {
            uint[] limbs = new uint[P256.Limbs];
            Montgomery.ToLimbs(bigEndian, 0, bigEndian.Length, limbs, P256.Limbs);
            return limbs;
        }
    }
}