using System;
using System.IO;
using NanoBroker.Security;

namespace NanoBroker.Esp32
{
    /// <summary>
    /// Builds the broker's access control from the board's files, as the desktop host's AccessLoader does from
    /// its command line: <c>password_file</c> (default <c>I:\passwords.txt</c> when present), <c>acl_file</c>
    /// (default <c>I:\acl.txt</c> when present) and <c>allow_anonymous</c> (default false on the board).
    /// </summary>
    public static class DeviceAccess
    {
        // Larger files would not fit the heap beside the broker (about 130 users, or a few hundred rules).
        private const int MaxFileBytes = 16384;

        private const string HowToAddUsers =
            "create users with 'dotnet run --project NanoBroker.Host -- passwd -b passwords.txt USER PASSWORD' and deploy the file"
            + " with 'flash.ps1 -PasswordFile passwords.txt -SkipFirmware -SkipApp', or let anyone in with 'flash.ps1 -AllowAnonymous"
            + " -SkipFirmware -SkipApp' (allow_anonymous=true in " + DeviceSettings.DefaultPath + ")";

        /// <summary>
        /// Null when every client may connect and do anything. Throws when a named file is missing, too large or
        /// has a bad line (the message names the file and the line): the board then stops rather than serve with
        /// rules other than those asked for.
        /// </summary>
        /// <param name="tokens">Token authentication is on: its identities need access control, and users may come from tokens alone.</param>
        public static AccessControl Load(DeviceSettings settings, int maxTopicBytes, IBrokerLog log, bool tokens = false)
        {
            string passwordFile = DeviceFiles.Resolve(settings.PasswordFile, DeviceSettings.DefaultPasswordFile);
            string aclFile = DeviceFiles.Resolve(settings.AclFile, DeviceSettings.DefaultAclFile);
            if (passwordFile == null && aclFile == null && settings.AllowAnonymous && !tokens)
            {
                log.Warning("access: anonymous access is on (allow_anonymous=true) and there is no password file:"
                    + " anyone on the network may connect, publish and subscribe");
                return null;
            }
            AccessControl access = new AccessControl(settings.AllowAnonymous, maxTopicBytes);
            access.HidesRefusalReasons = settings.HideRefusalReasons;
            if (passwordFile != null)
            {
                string problem = AccessFiles.LoadPasswords(DeviceFiles.Read(passwordFile, "password_file", MaxFileBytes), access);
                if (problem != null)
                {
                    throw new Exception(passwordFile + ", " + problem + "; fix it and deploy it again (flash.ps1 -PasswordFile FILE -SkipFirmware -SkipApp)");
                }
            }
            if (aclFile != null)
            {
                string problem = AccessFiles.LoadRules(DeviceFiles.Read(aclFile, "acl_file", MaxFileBytes), access);
                if (problem != null)
                {
                    throw new Exception(aclFile + ", " + problem + "; fix it and deploy it again (flash.ps1 -AclFile FILE -SkipFirmware -SkipApp)");
                }
            }
            log.Info("access: anonymous clients " + (settings.AllowAnonymous ? "allowed" : "refused") + "; "
                + access.UserCount + " users" + (passwordFile != null ? " from " + passwordFile : "") + "; "
                + (aclFile != null ? access.RuleCount + " topic rules from " + aclFile : "no topic rules (every client may use every topic)"));
            if (!settings.AllowAnonymous && access.UserCount == 0 && !tokens)
            {
                log.Warning("access: NOBODY CAN CONNECT: anonymous clients are refused (allow_anonymous=false, the board's default) and "
                    + (passwordFile == null ? "there is no password file (" + DeviceSettings.DefaultPasswordFile + ")" : passwordFile + " has no users")
                    + "; " + HowToAddUsers);
            }
            return access;
        }
    }
}
