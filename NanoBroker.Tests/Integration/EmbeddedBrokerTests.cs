using System;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoBroker.Net;

namespace NanoBroker.Tests.Integration
{
    /// <summary>
    /// EmbeddedBroker, the socket loop on a thread of its own for an app that embeds the broker: the app's messages from
    /// its own threads and from a handler reach real clients (mosquitto_sub), the mailbox refuses what does not fit until
    /// the loop has routed what it holds, and Shutdown ends the thread and frees the port.
    /// </summary>
    [TestClass]
    public class EmbeddedBrokerTests
    {
        private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);


        private static byte[] Bytes(string text)
        {
            return System.Text.Encoding.UTF8.GetBytes(text);
        }

        [TestMethod]
        [Timeout(30000)]
        public async Task HandlerRepublishesThroughTheMailboxToARealClient()
        {
            int port = FreePort.Next();
            Broker broker = new Broker(BrokerOptions.Esp32(), EmbeddedBroker.ClockMs(), null);
            EmbeddedBroker server = null;
            // A handler may not call Broker.Publish (the engine is mid-change) but may post to the mailbox.
            broker.AddMessageHandler("in/+", (topic, ts, tl, payload, ps, pl, qos, retain) =>
                server.Publish(Bytes("out"), 0, 3, payload, ps, pl, 1, false));
            server = EmbeddedBroker.Start(broker, port);
            try
            {
                using ChildProcess sub = ChildProcess.Start("stdbuf", "-oL", "mosquitto_sub", "-d", "-p", port.ToString(), "-t", "out", "-t", "app");
                await sub.WaitForLineAsync(l => l.StartsWith("Subscribed (mid", StringComparison.Ordinal), Wait, "SUBACK");
                Assert.IsTrue(server.Publish(Bytes("app"), Bytes("from the app's thread"), 0, false));
                await sub.WaitForLineAsync(l => l == "from the app's thread", Wait, "the app's message");
                using (ChildProcess pub = await ChildProcess.RunAsync(Wait, "mosquitto_pub", "-p", port.ToString(), "-t", "in/1", "-m", "echo me"))
                {
                    Assert.AreEqual(0, await pub.WaitForExitAsync(Wait), pub.Error);
                }
                await sub.WaitForLineAsync(l => l == "echo me", Wait, "the handler's message");
            }
            finally
            {
                server.Shutdown();
            }
            // The thread ended and the listener is closed: the port can be bound again.
            TcpListener again = new TcpListener(IPAddress.Any, port);
            again.Start();
            again.Stop();
        }

        [TestMethod]
        public void MailboxRefusesWhatDoesNotFitUntilTheLoopRoutedIt()
        {
            Broker broker = new Broker(BrokerOptions.Esp32(), EmbeddedBroker.ClockMs(), null);
            // Not started: nothing routes the mailbox (MaxPacketSize, 1 024 bytes on the ESP32's defaults) yet.
            EmbeddedBroker server = new EmbeddedBroker(broker, null);
            byte[] payload = new byte[600];
            Assert.IsTrue(server.Publish(Bytes("a"), payload, 0, false));
            Assert.IsFalse(server.Publish(Bytes("a"), payload, 0, false), "the mailbox is full");
            Assert.IsFalse(server.Publish(Bytes("a/+"), new byte[1], 0, false), "not a topic name");
            server.Start();
            bool taken = false;
            for (int i = 0; i < 200 && !taken; i++)
            {
                System.Threading.Thread.Sleep(10);
                taken = server.Publish(Bytes("a"), payload, 0, false);
            }
            server.Shutdown();
            Assert.IsTrue(taken, "the loop emptied the mailbox");
        }
    }
}
