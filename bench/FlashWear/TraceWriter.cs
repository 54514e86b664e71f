using System;
using System.IO;
using NanoBroker.Esp32;

namespace FlashWear
{
    /// <summary>Writes FlashStorage's file-system calls as trace lines (format: README.md), each after the simulated time.</summary>
    public sealed class TraceWriter : IFlashTrace
    {
        private readonly TextWriter output;
        private long writtenTime = -1;

        public TraceWriter(TextWriter output)
        {
            this.output = output;
        }

        /// <summary>Simulated milliseconds since start; a "t" line precedes the next call made at a new time.</summary>
        public long Now;

        public long Calls { get; private set; }
        public long Opens { get; private set; }
        public long Closes { get; private set; }
        public long BytesWritten { get; private set; }

        public void Comment(string text)
        {
            output.WriteLine("# " + text);
        }

        public void Call(string operation, int stream, string file, long value)
        {
            if (Now != writtenTime)
            {
                output.WriteLine("t " + Now);
                writtenTime = Now;
            }
            Calls++;
            switch (operation)
            {
                case "open":
                    Opens++;
                    output.WriteLine("open " + stream + " " + file + " " + ModeOf(value));
                    break;
                case "close":
                    Closes++;
                    output.WriteLine("close " + stream);
                    break;
                case "write":
                    BytesWritten += value;
                    output.WriteLine("write " + stream + " " + value);
                    break;
                case "read":
                case "seek":
                case "setlength":
                    output.WriteLine(operation + " " + stream + " " + value);
                    break;
                case "flush":
                case "length":
                    output.WriteLine(operation + " " + stream);
                    break;
                case "exists":
                case "delete":
                case "move":
                case "mkdir":
                    output.WriteLine(operation + " " + file);
                    break;
                default:
                    throw new InvalidOperationException("FlashStorage made a call the trace format has no line for: " + operation);
            }
        }

        // FileMode and FileAccess as FlashStorage opens them (IFlashTrace: mode * 16 + access).
        private static string ModeOf(long value)
        {
            FileMode mode = (FileMode)(value / 16);
            FileAccess access = (FileAccess)(value % 16);
            if (mode == FileMode.Append) return "append";
            if (mode == FileMode.Open && access == FileAccess.Read) return "read";
            if (mode == FileMode.Open && access == FileAccess.ReadWrite) return "readwrite";
            if (mode == FileMode.OpenOrCreate && access == FileAccess.ReadWrite) return "create";
            throw new InvalidOperationException("FlashStorage opened a file in a way the trace format has no word for: " + mode + ", " + access);
        }
    }
}
