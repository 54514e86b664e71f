using System;
using System.IO;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading;
using NanoBroker.Security;

namespace NanoBroker.Host
{
    public static class Program
    {
        public static int Main(string[] args)
        {
            if (args.Length > 0 && args[0] == "passwd")
            {
                return PasswordCommand.Run(args);
            }
            CommandLine settings;
            try
            {
                settings = CommandLine.Parse(args);
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine("nanobroker: " + e.Message);
                return 2;
            }
            if (settings.ShowHelp)
            {
                Console.Write(CommandLine.Help());
                return 0;
            }
            if (settings.ShowVersion)
            {
                Console.WriteLine("nanobroker " + BrokerVersion.Text);
                return 0;
            }

            ConsoleLog log = new ConsoleLog(settings.Verbose);
            if (settings.IgnoredKeys != null)
            {
                log.Info("config: " + settings.ConfigFile + " sets " + settings.IgnoredKeys + ": for the board only, not used on the desktop");
            }
            AccessControl access;
            NanoBroker.Tokens.JwtVerifier tokens;
            try
            {
                access = AccessLoader.Load(settings);
                tokens = TokenLoader.Load(settings);
            }
            catch (InvalidDataException e)
            {
                Console.Error.WriteLine("nanobroker: " + e.Message);
                return 2;
            }
            DataFolderLock folderLock;
            try
            {
                folderLock = DataFolderLock.Acquire(settings.DataFolder);
            }
            catch (IOException e)
            {
                Console.Error.WriteLine("nanobroker: " + e.Message);
                return 1;
            }
            using (folderLock)
            {
                return Serve(settings, log, access, tokens);
            }
        }

        // Why a listener could not start, naming the option that sets its port.
        private static string ListenProblem(string option, System.Net.IPAddress bind, int port, SocketException e)
        {
            return e.SocketErrorCode == SocketError.AddressAlreadyInUse
                ? option + " " + port + ": " + bind + ":" + port + " is already in use (another broker or program listens on it)"
                : option + " " + port + ": cannot listen on " + bind + ":" + port + ": " + e.Message;
        }

        private static int Serve(CommandLine settings, ConsoleLog log, AccessControl access, NanoBroker.Tokens.JwtVerifier tokens)
        {
            BrokerServer server;
            try
            {
                server = settings.TlsOnly
                    ? new BrokerServer(System.Net.IPAddress.Loopback, 0, settings.Broker, log, settings.DataFolder, access, false, tokens, settings.Web, settings.MqttSn)
                    : new BrokerServer(settings.Bind, settings.Port, settings.Broker, log, settings.DataFolder, access, false, tokens, settings.Web, settings.MqttSn);
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine("nanobroker: " + e.Message);
                return 1;
            }
            catch (InvalidOperationException e)
            {
                Console.Error.WriteLine("nanobroker: --data " + settings.DataFolder + ": cannot use the data in it: " + e.Message);
                return 1;
            }
            catch (SocketException e)
            {
                bool web = e.Data.Contains(BrokerServer.WebPortFailed);
                Console.Error.WriteLine("nanobroker: " + ListenProblem(web ? "--ws-port" : "--port", settings.Bind, web ? settings.Web.Port : settings.Port, e));
                return 1;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                Console.Error.WriteLine("nanobroker: --data " + settings.DataFolder + ": " + e.Message);
                return 1;
            }

            for (int i = 0; i < settings.Bridges.Count; i++)
            {
                NanoBroker.Bridge.BridgeSettings b = settings.Bridges.At(i);
                server.AddBridge(b);
                log.Info("bridge " + b.Name + " to " + b.Host + ":" + b.UpstreamPort + (b.Tls ? " (TLS)" : "") + ", " + b.RuleCount + " topic rules");
            }

            TlsListener tls = null;
            TlsListener wss = null;
            if (settings.CertificateFile != null)
            {
                string problem = null;
                bool webOption = false;
                try
                {
                    System.Security.Cryptography.X509Certificates.X509Certificate2 certificate = TlsListener.LoadCertificate(settings.CertificateFile, settings.KeyFile);
                    tls = new TlsListener(settings.Bind, settings.TlsPort, certificate, server.Endpoint, server.Broker.ConnectionSlots);
                    webOption = true;
                    if (settings.WssPort != 0 && server.WebEndpoint != null)
                    {
                        wss = new TlsListener(settings.Bind, settings.WssPort, certificate, server.WebEndpoint, settings.Web.MaxClients);
                    }
                }
                catch (SocketException e)
                {
                    problem = webOption ? ListenProblem("--wss-port", settings.Bind, settings.WssPort, e) : ListenProblem("--tls-port", settings.Bind, settings.TlsPort, e);
                    tls?.Dispose();
                }
                catch (Exception e) when (e is System.Security.Cryptography.CryptographicException || e is IOException || e is UnauthorizedAccessException)
                {
                    problem = "--cert " + settings.CertificateFile + " / --key " + settings.KeyFile + ": " + e.Message;
                }
                if (problem != null)
                {
                    Console.Error.WriteLine("nanobroker: " + problem);
                    server.Stop();
                    return 1;
                }
            }
            using (ManualResetEventSlim stop = new ManualResetEventSlim())
            {
                // Ctrl-C, and SIGTERM (kill, systemctl stop, a dotnet run that is stopped): the same clean stop.
                Console.CancelKeyPress += (sender, e) => { e.Cancel = true; stop.Set(); };
                using PosixSignalRegistration term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Set(); });
                AppDomain.CurrentDomain.ProcessExit += (sender, e) => stop.Set();
                server.Start();
                log.Info("storage: " + server.RestoreSummary);
                log.Info("nanobroker " + BrokerVersion.Text + " listening on " + (settings.TlsOnly ? "(internal) " : "") + server.Endpoint + ", data in " + Path.GetFullPath(settings.DataFolder));
                if (server.MqttSn != null)
                {
                    log.Info("MQTT-SN gateway on UDP " + server.MqttSn.Endpoint);
                }
                if (tls != null)
                {
                    tls.Start();
                    log.Info("TLS on " + tls.Endpoint);
                }
                if (server.WebEndpoint != null)
                {
                    log.Info("WebSockets and the status page on " + server.WebEndpoint + (settings.TlsOnly ? " (internal)" : ""));
                }
                if (wss != null)
                {
                    wss.Start();
                    log.Info("wss and https on " + wss.Endpoint);
                }
                stop.Wait();
                log.Info("nanobroker stopping");
                wss?.Dispose();
                tls?.Dispose();
                server.Stop();
            }
            return server.Failure == null ? 0 : 1;
        }
    }
}
