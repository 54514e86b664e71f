using System.Security.Cryptography;
using NanoBroker.Security;

namespace NanoBroker.Host
{
    /// <summary>The desktop's cryptographic random source for the engine (SCRAM-SHA-256 nonces and decoy secret).</summary>
    public sealed class SystemRandomSource : IRandomSource
    {
        public void Fill(byte[] buffer, int offset, int count)
        {
            RandomNumberGenerator.Fill(new System.Span<byte>(buffer, offset, count));
        }
    }
}
