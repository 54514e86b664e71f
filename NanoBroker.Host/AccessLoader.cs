using System;
using System.IO;
using NanoBroker.Security;

namespace NanoBroker.Host
{
    /// <summary>Builds the broker's access control from the command line's files.</summary>
    public static class AccessLoader
    {
        /// <summary>Null when every client may connect and do anything; throws <see cref="InvalidDataException"/> naming the bad line.</summary>
        public static AccessControl Load(CommandLine settings)
        {
            // Token users need access control (their identities and rules live there).
            if (settings.PasswordFile == null && settings.AclFile == null && settings.AllowAnonymous && !settings.TokensOn)
            {
                return null;
            }
            AccessControl access = new AccessControl(settings.AllowAnonymous, settings.Broker.MaxPacketSize);
            access.HidesRefusalReasons = settings.HideRefusalReasons;
            if (settings.PasswordFile != null)
            {
                string problem = AccessFiles.LoadPasswords(Read("--password-file", settings.PasswordFile), access);
                if (problem != null)
                {
                    throw new InvalidDataException(settings.PasswordFile + ", " + problem);
                }
            }
            if (settings.AclFile != null)
            {
                string problem = AccessFiles.LoadRules(Read("--acl-file", settings.AclFile), access);
                if (problem != null)
                {
                    throw new InvalidDataException(settings.AclFile + ", " + problem);
                }
            }
            return access;
        }

        /// <summary>The file's bytes; a missing or unreadable file is an <see cref="InvalidDataException"/> naming the option.</summary>
        internal static byte[] Read(string option, string file)
        {
            try
            {
                return File.ReadAllBytes(file);
            }
            catch (Exception e) when (e is FileNotFoundException || e is DirectoryNotFoundException)
            {
                throw new InvalidDataException(option + " " + file + ": no such file");
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new InvalidDataException(option + " " + file + ": cannot read it (" + e.Message + ")");
            }
        }
    }
}
