using System;

namespace NanoBroker.Esp32
{
    /// <summary>The broker's log on Console: the nanoFramework debug output (Visual Studio, VS Code with a board attached).</summary>
    public sealed class SerialLog : IBrokerLog
    {
        private readonly bool verbose;

        public SerialLog(bool verbose)
        {
            this.verbose = verbose;
        }

        public bool Verbose { get { return verbose; } }

        public void Info(string line)
        {
            Console.WriteLine("nanobroker: " + line);
        }

        public void Warning(string line)
        {
            Console.WriteLine("nanobroker: warning: " + line);
        }
    }
}
