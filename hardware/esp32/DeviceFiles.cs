using System;
using System.IO;

namespace NanoBroker.Esp32
{
    /// <summary>Finds and reads the files named in the settings (access files, TLS certificate and key), bounded in size.</summary>
    public static class DeviceFiles
    {
        /// <summary>The key's value; without the key, <paramref name="fallback"/> when it exists; for an empty value, null (no file).</summary>
        public static string Resolve(string configured, string fallback)
        {
            if (configured == null)
            {
                return File.Exists(fallback) ? fallback : null;
            }
            return configured.Length == 0 ? null : configured;
        }

        /// <summary>
        /// The whole file. Throws, naming the file and its settings key, when it is missing or larger than
        /// <paramref name="maxBytes"/>: the caller stops the board rather than serve other than asked.
        /// </summary>
        public static byte[] Read(string path, string key, int maxBytes)
        {
            if (!File.Exists(path))
            {
                throw new Exception(path + " (" + key + " in " + DeviceSettings.DefaultPath + ") does not exist");
            }
            long length;
            FileStream stream = new FileStream(path, FileMode.Open, FileAccess.Read);
            try
            {
                length = stream.Length;
            }
            finally
            {
                stream.Dispose();
            }
            if (length > maxBytes)
            {
                throw new Exception(path + " has " + length + " bytes; the board reads at most " + maxBytes);
            }
            return File.ReadAllBytes(path);
        }
    }
}
