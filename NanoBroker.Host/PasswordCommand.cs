using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using NanoBroker.Security;

namespace NanoBroker.Host
{
    /// <summary>
    /// "passwd -b FILE USER PASSWORD [ITERATIONS]": adds or replaces a user's salted hash in a password file,
    /// like mosquitto_passwd -b.
    /// </summary>
    public static class PasswordCommand
    {
        /// <summary>
        /// Iterations of PBKDF2-SHA-256 by default: they slow down guessing from a stolen file, and every
        /// CONNECT pays them once. An ESP32 interprets the hash, so give its users fewer (see hardware/README.md).
        /// </summary>
        public const int DefaultIterations = 1000;

        public static int Run(string[] args)
        {
            int iterations = DefaultIterations;
            if ((args.Length != 5 && args.Length != 6) || args[1] != "-b"
                || (args.Length == 6 && (!int.TryParse(args[5], out iterations) || iterations < 1)))
            {
                Console.Error.WriteLine("usage: passwd -b FILE USER PASSWORD [ITERATIONS (default " + DefaultIterations + ")]");
                return 2;
            }
            string file = args[2];
            string user = args[3];
            if (user.Length == 0 || user.Contains(':'))
            {
                Console.Error.WriteLine("nanobroker: a user name must not be empty or contain ':'");
                return 2;
            }
            string folder = Path.GetDirectoryName(Path.GetFullPath(file));
            if (!Directory.Exists(folder))
            {
                Console.Error.WriteLine("nanobroker: passwd -b " + file + ": the folder " + folder + " does not exist");
                return 1;
            }
            if (Directory.Exists(file))
            {
                Console.Error.WriteLine("nanobroker: passwd -b " + file + ": is a folder, not a file");
                return 1;
            }
            try
            {
                List<string> lines = new List<string>();
                if (File.Exists(file))
                {
                    foreach (string line in File.ReadAllLines(file))
                    {
                        if (!line.StartsWith(user + ":", StringComparison.Ordinal))
                        {
                            lines.Add(line);
                        }
                    }
                }
                lines.Add(AccessFiles.FormatPasswordLine(user, args[4], RandomNumberGenerator.GetBytes(16), iterations));
                File.WriteAllLines(file, lines);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                Console.Error.WriteLine("nanobroker: passwd -b " + file + ": cannot write it (" + e.Message + ")");
                return 1;
            }
            return 0;
        }
    }
}
