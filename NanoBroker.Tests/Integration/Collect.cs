using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Text;
using System.Threading.Tasks;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace NanoBroker.Tests.Integration
{
    /// <summary>Waiting for a number of messages without failing on the first missing one, so an assertion can say how many came.</summary>
    public static class Collect
    {
        /// <summary>Up to <paramref name="count"/> messages of <paramref name="peer"/>, taking at most <paramref name="within"/> in all.</summary>
        public static async Task<List<ReceivedMessage>> MessagesAsync(MqttNetPeer peer, int count, TimeSpan within)
        {
            List<ReceivedMessage> messages = new List<ReceivedMessage>();
            Stopwatch clock = Stopwatch.StartNew();
            while (messages.Count < count)
            {
                TimeSpan left = within - clock.Elapsed;
                if (left <= TimeSpan.Zero)
                {
                    break;
                }
                try
                {
                    messages.Add(await peer.NextAsync(left));
                }
                catch (AssertFailedException)
                {
                    // NextAsync's timeout: the caller's assertion reports what did arrive.
                    break;
                }
            }
            return messages;
        }

        /// <summary>The messages as text, one per line, for assertion messages.</summary>
        public static string Describe(IEnumerable<ReceivedMessage> messages)
        {
            StringBuilder text = new StringBuilder();
            foreach (ReceivedMessage m in messages)
            {
                text.Append("\n  ").Append(m);
            }
            return text.ToString();
        }
    }
}
