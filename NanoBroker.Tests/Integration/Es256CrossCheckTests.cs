using System.Security.Cryptography;
using System.Text;
using Microsoft.VisualStudio.TestTools.UnitTesting;
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
                EcPublicKey key = EcPublicKey.FromPem(Encoding.UTF8.GetBytes(signer.ExportSubjectPublicKeyInfoPem()), out problem);
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
    }
}
