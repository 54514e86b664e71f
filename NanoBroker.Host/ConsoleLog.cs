using System;

namespace NanoBroker.Host
{
    /// <summary>Log lines on standard error with a timestamp, like mosquitto's.</summary>
    public sealed class ConsoleLog : IBrokerLog
    {
        public ConsoleLog(bool verbose)
        {
            Verbose = verbose;
        }

        public bool Verbose { get; }

        public void Info(string line)
        {
            Write(line);
        }

        public void Warning(string line)
        {
            Write("warning: " + line);
        }

        private static void Write(string line)
        {
            Console.Error.WriteLine(DateTime.Now.ToString("yyyy-MM-dd HH:mm:ss.fff") + " " + line);
        }
    }
}
