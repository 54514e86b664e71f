using System;
using System.IO;
using System.Net.Sockets;
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
            AccessControl access;
            try
            {
                access = AccessLoader.Load(settings);
            }
            catch (InvalidDataException e)
            {
                Console.Error.WriteLine("nanobroker: " + e.Message);
                return 2;
            }
            BrokerServer server;
            try
            {
                server = settings.TlsOnly
                    ? new BrokerServer(System.Net.IPAddress.Loopback, 0, settings.Broker, log, settings.DataFolder, access)
                    : new BrokerServer(settings.Bind, settings.Port, settings.Broker, log, settings.DataFolder, access);
            }
            catch (InvalidOperationException e)
            {
                Console.Error.WriteLine("nanobroker: cannot use the data in " + settings.DataFolder + ": " + e.Message);
                return 1;
            }
            catch (SocketException e)
            {
                Console.Error.WriteLine("nanobroker: cannot listen on " + settings.Bind + ":" + settings.Port + ": " + e.Message);
                return 1;
            }

            TlsListener tls = null;
            if (settings.CertificateFile != null)
            {
                try
                {
                    tls = new TlsListener(settings.Bind, settings.TlsPort, TlsListener.LoadCertificate(settings.CertificateFile, settings.KeyFile), server.Endpoint, server.Broker.ConnectionSlots);
                }
                catch (Exception e) when (e is SocketException || e is System.Security.Cryptography.CryptographicException || e is IOException)
                {
                    Console.Error.WriteLine("nanobroker: cannot listen for TLS on " + settings.Bind + ":" + settings.TlsPort + ": " + e.Message);
                    server.Stop();
                    return 1;
                }
            }
            using (ManualResetEventSlim stop = new ManualResetEventSlim())
            {
                Console.CancelKeyPress += (sender, e) => { e.Cancel = true; stop.Set(); };
                AppDomain.CurrentDomain.ProcessExit += (sender, e) => stop.Set();
                server.Start();
                log.Info("storage: " + server.RestoreSummary);
                log.Info("nanobroker " + BrokerVersion.Text + " listening on " + (settings.TlsOnly ? "(internal) " : "") + server.Endpoint + ", data in " + Path.GetFullPath(settings.DataFolder));
                if (tls != null)
                {
                    tls.Start();
                    log.Info("TLS on " + tls.Endpoint);
                }
                stop.Wait();
                log.Info("nanobroker stopping");
                tls?.Dispose();
                server.Stop();
            }
            return server.Failure == null ? 0 : 1;
        }
    }
}
