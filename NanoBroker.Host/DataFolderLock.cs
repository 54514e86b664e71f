using System;
using System.Globalization;
using System.IO;

namespace NanoBroker.Host
{
    /// <summary>
    /// One broker per data folder: an OS lock on <c>nanobroker.lock</c> in the folder, held for the life of the
    /// process (a FileStream with FileShare.None: flock on Unix, a share lock on Windows), so a crash or a kill
    /// releases it. The holder's PID is written beside it in <c>nanobroker.pid</c> (the locked file cannot be read
    /// by another .NET process) so that a second broker can say who holds the folder.
    /// </summary>
    public sealed class DataFolderLock : IDisposable
    {
        public const string LockFileName = "nanobroker.lock";
        public const string PidFileName = "nanobroker.pid";

        private readonly FileStream stream;

        private DataFolderLock(FileStream stream)
        {
            this.stream = stream;
        }

        /// <summary>
        /// Creates the folder if needed and locks it; throws <see cref="IOException"/> with a one-line message for
        /// the user (naming --data and the folder) when it is not a usable folder or another broker holds it.
        /// </summary>
        public static DataFolderLock Acquire(string folder)
        {
            string full = Path.GetFullPath(folder);
            if (File.Exists(full))
            {
                throw new IOException("--data " + folder + ": is a file, not a folder");
            }
            try
            {
                Directory.CreateDirectory(full);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new IOException("--data " + folder + ": cannot create the folder (" + e.Message + ")");
            }
            string lockPath = Path.Combine(full, LockFileName);
            FileStream stream;
            try
            {
                stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (UnauthorizedAccessException e)
            {
                throw CannotWrite(folder, e);
            }
            catch (IOException e) when (HeldByAnother(e))
            {
                string holder = Holder(full);
                throw new IOException("--data " + full + ": the folder is in use by another broker" + (holder != null ? " (PID " + holder + ")" : "") + "; one broker per data folder");
            }
            catch (IOException e)
            {
                throw CannotWrite(folder, e);
            }
            try
            {
                // A file that is not a regular one (say in /proc) takes no lock file of its own: writing the PID
                // makes sure the folder holds files at all.
                File.WriteAllText(Path.Combine(full, PidFileName), Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                stream.Dispose();
                throw CannotWrite(folder, e);
            }
            return new DataFolderLock(stream);
        }

        private static IOException CannotWrite(string folder, Exception e)
        {
            return new IOException("--data " + folder + ": cannot write in the folder (" + e.Message + ")");
        }

        /// <summary>
        /// The lock is taken: EWOULDBLOCK from flock on Unix (the raw errno: 11 on Linux, 35 on macOS and the BSDs),
        /// a sharing or lock violation on Windows.
        /// </summary>
        private static bool HeldByAnother(IOException e)
        {
            int code = e.HResult & 0xFFFF;
            return OperatingSystem.IsWindows() ? code == 32 || code == 33 : e.HResult == 11 || e.HResult == 35;
        }

        /// <summary>The PID the holder wrote, or null.</summary>
        private static string Holder(string folder)
        {
            try
            {
                string text = File.ReadAllText(Path.Combine(folder, PidFileName)).Trim();
                int pid;
                return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out pid) ? text : null;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return null;
            }
        }

        public void Dispose()
        {
            stream.Dispose();
        }
    }
}
