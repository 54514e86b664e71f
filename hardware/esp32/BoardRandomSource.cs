using NanoBroker.Security;

namespace NanoBroker.Esp32
{
    /// <summary>
    /// The board's random source for the engine (SCRAM-SHA-256 nonces and decoy secret): nanoFramework's System.Random,
    /// which on the ESP32 draws every byte from the chip's hardware random number generator (nf-interpreter targets/ESP32/_nanoCLR/targetRandom.cpp: esp_random).
    /// </summary>
    internal sealed class BoardRandomSource : IRandomSource
    {
        private readonly System.Random random = new System.Random();
        private readonly byte[] chunk = new byte[64];

        public void Fill(byte[] buffer, int offset, int count)
        {
            while (count > 0)
            {
                int n = count < chunk.Length ? count : chunk.Length;
                random.NextBytes(chunk);
                System.Array.Copy(chunk, 0, buffer, offset, n);
                offset += n;
                count -= n;
            }
        }
    }
}
