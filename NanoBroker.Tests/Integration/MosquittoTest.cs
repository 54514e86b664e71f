using System;
using System.Collections.Generic;
using System.Threading.Tasks;

namespace NanoBroker.Tests.Integration
{
    /// <summary>
    /// Tests that drive the broker with mosquitto_pub and mosquitto_sub (Debian's mosquitto-clients).
    /// mosquitto_sub runs with -d under stdbuf -oL so its "Subscribed" line tells when it is ready, and each
    /// message line arrives as soon as it is printed.
    /// </summary>
    public abstract class MosquittoTest : BrokerTest
    {
        protected static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(5);

        /// <summary>-h/-p of the test broker, then the arguments.</summary>
        protected string[] Args(params string[] arguments)
        {
            List<string> all = new List<string> { "-h", TestBroker.Host, "-p", Broker.PortText };
            all.AddRange(arguments);
            return all.ToArray();
        }

        /// <summary>mosquitto_pub with the given arguments, run to its end; returns it for its exit code and output.</summary>
        protected async Task<ChildProcess> PubAsync(params string[] arguments)
        {
            return await ChildProcess.RunAsync(ExitWait, "mosquitto_pub", Args(arguments));
        }

        /// <summary>The arguments of stdbuf for a line-buffered mosquitto_sub with these arguments (and the broker's).</summary>
        protected string[] SubArgs(params string[] arguments)
        {
            List<string> all = new List<string> { "-oL", "mosquitto_sub" };
            all.AddRange(Args(arguments));
            return all.ToArray();
        }

        /// <summary>A running mosquitto_sub (with -d), returned once its SUBACK arrived.</summary>
        protected async Task<ChildProcess> StartSubAsync(params string[] arguments)
        {
            string[] withDebug = new string[arguments.Length + 1];
            withDebug[0] = "-d";
            arguments.CopyTo(withDebug, 1);
            ChildProcess sub = ChildProcess.Start("stdbuf", SubArgs(withDebug));
            try
            {
                await sub.WaitForLineAsync(l => l.StartsWith("Subscribed (mid", StringComparison.Ordinal), Wait, "SUBACK");
                return sub;
            }
            catch
            {
                sub.Dispose();
                throw;
            }
        }

        /// <summary>A line mosquitto_sub prints for a message (not one of its -d debug lines).</summary>
        protected static bool IsMessageLine(string line)
        {
            return !line.StartsWith("Client ", StringComparison.Ordinal) && !line.StartsWith("Subscribed (mid", StringComparison.Ordinal);
        }
    }
}
