using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoBroker.Tests.Integration;

namespace NanoBroker.Tests.Host
{
    /// <summary>
    /// The real host binary (NanoBroker.Host.dll) run as a process: one broker per port and per data folder,
    /// one clear line and a non-zero exit for each bad input, a clean stop on SIGTERM, and --config.
    /// </summary>
    [TestClass]
    public class HostProcessTests
    {
        private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

        [TestMethod]
        [Timeout(60000, CooperativeCancellation = true)]
        public async Task ASecondBrokerOnAPortIsRefusedWhoeverHoldsIt()
        {
            string dataA = TempFolder(), dataB = TempFolder();
            try
            {
                int port = FreePort.Next();
                using ChildProcess first = await StartListeningAsync("--port", port.ToString(), "--data", dataA);
                using ChildProcess second = await RunAsync("--port", port.ToString(), "--data", dataB);
                AssertOneLineError(second, 1, "--port " + port, "already in use");

                // A socket that asked for SO_REUSEPORT (.NET's ReuseAddress on Linux) holds the port: still refused.
                using Socket other = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                other.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                other.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                other.Listen(1);
                int held = ((IPEndPoint)other.LocalEndPoint).Port;
                using ChildProcess third = await RunAsync("--port", held.ToString(), "--data", dataB);
                AssertOneLineError(third, 1, "--port " + held, "already in use");
            }
            finally
            {
                Delete(dataA);
                Delete(dataB);
            }
        }

        [TestMethod]
        [Timeout(60000, CooperativeCancellation = true)]
        public async Task ASecondBrokerOnAFolderIsRefusedNamingTheFolderAndTheHolder()
        {
            string data = TempFolder();
            try
            {
                using ChildProcess first = await StartListeningAsync("--port", FreePort.Next().ToString(), "--data", data);
                using ChildProcess second = await RunAsync("--port", FreePort.Next().ToString(), "--data", data);
                AssertOneLineError(second, 1, "--data " + Path.GetFullPath(data), "in use by another broker (PID " + first.Id + ")");

                // The lock is the process's: once it is gone (even killed), the folder is free again.
                first.Kill();
                using ChildProcess again = await StartListeningAsync("--port", FreePort.Next().ToString(), "--data", data);
            }
            finally
            {
                Delete(data);
            }
        }

        [TestMethod]
        [Timeout(90000, CooperativeCancellation = true)]
        [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
        public async Task EachBadInputIsOneLineNamingTheOptionAndANonZeroExit()
        {
            string data = TempFolder();
            string missing = Path.Combine(data, "no-such-folder");
            string unwritable = Path.Combine(data, "read-only");
            Directory.CreateDirectory(unwritable);
            File.SetUnixFileMode(unwritable, UnixFileMode.UserRead | UnixFileMode.UserExecute);
            if (Environment.UserName == "root")
            {
                // root writes through file modes: a folder of sysfs takes no files, even from root.
                unwritable = "/sys/kernel";
            }
            try
            {
                AssertOneLineError(await RunAsync("--data", "/proc/version"), 1, "--data /proc/version", "is a file");
                AssertOneLineError(await RunAsync("--data", unwritable), 1, "--data " + unwritable, "cannot");
                AssertOneLineError(await RunAsync("--data", "/proc/nanobroker-data"), 1, "--data /proc/nanobroker-data", "cannot");
                AssertOneLineError(await RunAsync("--data", ""), 2, "--data", "needs a folder");
                AssertOneLineError(await RunAsync("--data", data, "--password-file", Path.Combine(missing, "passwords.txt")), 2, "--password-file", "no such file");
                AssertOneLineError(await RunAsync("--data", data, "--acl-file", Path.Combine(data, "acl.txt")), 2, "--acl-file", "no such file");
                AssertOneLineError(await RunAsync("passwd", "-b", Path.Combine(missing, "passwords.txt"), "user", "secret"), 1, "passwd -b", "does not exist");
                AssertOneLineError(await RunAsync("--max-clients", "0"), 2, "--max-clients", "at least 1");
                AssertOneLineError(await RunAsync("--max-sessions", "1", "--max-clients", "2"), 2, "--max-sessions must be at least --max-clients", "");
                AssertOneLineError(await RunAsync("--config", Path.Combine(missing, "nanobroker.ini")), 2, "--config", "no such file");
            }
            finally
            {
                File.SetUnixFileMode(Path.Combine(data, "read-only"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                Delete(data);
            }
        }

        [TestMethod]
        [Timeout(60000, CooperativeCancellation = true)]
        public async Task SigtermStopsCleanlyAndCommitsRetainedMessages()
        {
            string data = TempFolder();
            try
            {
                string port = FreePort.Next().ToString();
                // A retained QoS 0 message would wait a minute for its commit: only the stop writes it.
                using ChildProcess broker = await StartListeningAsync("--port", port, "--data", data, "--storage-retained-delay-ms", "60000");
                using (ChildProcess pub = await ChildProcess.RunAsync(Wait, "mosquitto_pub", "-p", port, "-t", "sig/term", "-m", "kept", "-r", "-q", "0"))
                {
                    Assert.AreEqual(0, pub.ExitCode, pub.Transcript());
                }
                Assert.AreEqual("sig/term kept", await ReadRetainedAsync(port), "the broker has it before the stop");

                using (ChildProcess kill = await ChildProcess.RunAsync(Wait, "kill", "-TERM", broker.Id.ToString()))
                {
                    Assert.AreEqual(0, kill.ExitCode, kill.Transcript());
                }
                Assert.AreEqual(0, await broker.WaitForExitAsync(Wait), broker.Transcript());
                StringAssert.Contains(broker.Error, "nanobroker stopping", broker.Transcript());

                using ChildProcess again = await StartListeningAsync("--port", port, "--data", data);
                Assert.AreEqual("sig/term kept", await ReadRetainedAsync(port), "retained after the restart" + again.Transcript());
            }
            finally
            {
                Delete(data);
            }
        }

        [TestMethod]
        [Timeout(60000, CooperativeCancellation = true)]
        public async Task SigtermToDotnetRunStopsTheBrokerItStarted()
        {
            string data = TempFolder();
            try
            {
                // The host project beside the test project (bin/Debug/net10.0 of NanoBroker.Tests), built with it.
                string project = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "NanoBroker.Host"));
                string configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent.Name;
                int port = FreePort.Next();
                using ChildProcess run = ChildProcess.Start("dotnet", "run", "--no-build", "-c", configuration, "--project", project, "--", "--port", port.ToString(), "--data", data);
                for (int waited = 0; !run.Error.Contains(" listening on "); waited += 20)
                {
                    Assert.IsFalse(run.HasExited || waited > Wait.TotalMilliseconds, "dotnet run did not start the broker" + run.Transcript());
                    await Task.Delay(20);
                }
                using (ChildProcess kill = await ChildProcess.RunAsync(Wait, "kill", "-TERM", run.Id.ToString()))
                {
                    Assert.AreEqual(0, kill.ExitCode, kill.Transcript());
                }
                await run.WaitForExitAsync(Wait);
                StringAssert.Contains(run.Error, "nanobroker stopping", run.Transcript());
                // No orphan: the port is free again.
                using Socket probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                for (int attempt = 0; ; attempt++)
                {
                    try
                    {
                        probe.Bind(new IPEndPoint(IPAddress.Loopback, port));
                        break;
                    }
                    catch (SocketException) when (attempt < 100)
                    {
                        await Task.Delay(50);
                    }
                }
            }
            finally
            {
                Delete(data);
            }
        }

        [TestMethod]
        [Timeout(60000, CooperativeCancellation = true)]
        public async Task ConfigFileIsReadAndTheCommandLineOverridesIt()
        {
            string data = TempFolder();
            try
            {
                string config = Path.Combine(data, "nanobroker.ini");
                File.WriteAllText(config,
                    "# the board's format\n" +
                    "ssid=MyNetwork\n" +
                    "led_pin=2\n" +
                    "port=1\n" +
                    "max_clients=8   # a comment\n" +
                    "queue_full=Drop\n" +
                    "verbose=true\n");
                string port = FreePort.Next().ToString();
                using ChildProcess broker = await StartListeningAsync("--config", config, "--port", port, "--data", Path.Combine(data, "d"));
                StringAssert.Contains(broker.Error, "sets ssid, led_pin: for the board only", broker.Transcript());
                StringAssert.Contains(broker.Error, "listening on 127.0.0.1:" + port, broker.Transcript());

                File.WriteAllText(config, "port=1883\nmax_clients=8\nmax_bogus=3\n");
                AssertOneLineError(await RunAsync("--config", config), 2, "--config " + config + " line 3", "unknown key max_bogus");
                File.WriteAllText(config, "port=1883\n\nmax_clients=many\n");
                AssertOneLineError(await RunAsync("--config", config), 2, "--config " + config + " line 3", "max_clients needs a whole number");
            }
            finally
            {
                Delete(data);
            }
        }

        [TestMethod]
        [Timeout(90000, CooperativeCancellation = true)]
        public async Task TheHostServesWsAndWssAndABusyWsPortIsOneLine()
        {
            string data = TempFolder(), other = TempFolder();
            try
            {
                string cert = Path.Combine(data, "server.pem"), key = Path.Combine(data, "server.key");
                using (System.Security.Cryptography.RSA rsa = System.Security.Cryptography.RSA.Create(2048))
                {
                    var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=localhost", rsa,
                        System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
                    using var self = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
                    File.WriteAllText(cert, self.ExportCertificatePem());
                    File.WriteAllText(key, rsa.ExportPkcs8PrivateKeyPem());
                }
                string port = FreePort.Next().ToString(), ws = FreePort.Next().ToString(), wss = FreePort.Next().ToString();
                using ChildProcess host = await StartListeningAsync("--port", port, "--data", data, "--ws-port", ws, "--wss-port", wss,
                    "--cert", cert, "--key", key, "--tls-port", FreePort.Next().ToString());
                for (int waited = 0; !host.Error.Contains("wss and https on "); waited += 20)
                {
                    Assert.IsTrue(waited < Wait.TotalMilliseconds, "no wss line" + host.Transcript());
                    await Task.Delay(20);
                }
                StringAssert.Contains(host.Error, "WebSockets and the status page on 127.0.0.1:" + ws, host.Transcript());
                foreach (string[] via in new[] { new[] { "ws", ws }, new[] { "wss", wss } })
                {
                    using ChildProcess js = MqttJs.Start(new
                    {
                        host = "127.0.0.1",
                        port = int.Parse(via[1]),
                        protocol = via[0],
                        protocolVersion = 4,
                        clientId = "host-" + via[0],
                        steps = new object[] { new { publish = "sig/" + via[0], payload = "over " + via[0], qos = 1, retain = true } },
                    });
                    Assert.AreEqual(0, await js.WaitForExitAsync(Wait), js.Transcript());
                }
                using (ChildProcess sub = await ChildProcess.RunAsync(Wait, "mosquitto_sub", "-p", port, "-t", "sig/#", "-v", "-C", "2", "-W", "10"))
                {
                    Assert.AreEqual("sig/ws over ws\nsig/wss over wss", sub.Output.Trim().Replace("\r", ""), sub.Transcript());
                }
                using ChildProcess second = await RunAsync("--port", FreePort.Next().ToString(), "--data", other, "--ws-port", ws);
                AssertOneLineError(second, 1, "--ws-port " + ws, "already in use");
            }
            finally
            {
                Delete(data);
                Delete(other);
            }
        }

        private static async Task<string> ReadRetainedAsync(string port)
        {
            using ChildProcess sub = await ChildProcess.RunAsync(Wait, "mosquitto_sub", "-p", port, "-t", "sig/#", "-v", "-C", "1", "-W", "10");
            Assert.AreEqual(0, sub.ExitCode, sub.Transcript());
            return sub.Output.Trim();
        }

        private static void AssertOneLineError(ChildProcess host, int exitCode, string option, string problem)
        {
            string error = host.Error.TrimEnd();
            Assert.AreEqual(exitCode, host.ExitCode, host.Transcript());
            Assert.IsFalse(error.Contains('\n'), "one line" + host.Transcript());
            StringAssert.StartsWith(error, "nanobroker: ", host.Transcript());
            StringAssert.Contains(error, option, host.Transcript());
            StringAssert.Contains(error, problem, host.Transcript());
            Assert.IsFalse(error.Contains("Exception") || error.Contains("Unhandled"), "no stack trace" + host.Transcript());
        }

        /// <summary>Runs the host to its exit.</summary>
        private static Task<ChildProcess> RunAsync(params string[] args)
        {
            return ChildProcess.RunAsync(Wait, "dotnet", Arguments(args));
        }

        /// <summary>Starts the host and waits for its "listening on" line (on standard error, as the host logs).</summary>
        private static async Task<ChildProcess> StartListeningAsync(params string[] args)
        {
            ChildProcess host = ChildProcess.Start("dotnet", Arguments(args));
            for (int waited = 0; !host.Error.Contains(" listening on "); waited += 20)
            {
                if (host.HasExited || waited > Wait.TotalMilliseconds)
                {
                    string transcript = host.Transcript();
                    host.Dispose();
                    Assert.Fail("the host did not start listening" + transcript);
                }
                await Task.Delay(20);
            }
            return host;
        }

        private static string[] Arguments(string[] args)
        {
            string[] all = new string[args.Length + 1];
            all[0] = Path.Combine(AppContext.BaseDirectory, "NanoBroker.Host.dll");
            Array.Copy(args, 0, all, 1, args.Length);
            return all;
        }

        private static string TempFolder()
        {
            string folder = Path.Combine(Path.GetTempPath(), "nanobroker-host-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            return folder;
        }

        private static void Delete(string folder)
        {
            try
            {
                Directory.Delete(folder, true);
            }
            catch (IOException)
            {
            }
        }

    }
}
