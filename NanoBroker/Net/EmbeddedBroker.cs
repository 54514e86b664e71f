using System.Net;
using System.Net.Sockets;
using System.Threading;

namespace NanoBroker.Net
{
    /// <summary>
    /// A broker inside an app: the portable socket loop on a thread of its own, serving MQTT on a port of the network the
    /// app has already brought up, and a way for the app's other threads to publish into it. The engine is
    /// single-threaded: every callback of the <see cref="NanoBroker.Broker"/> (message handlers, client connected and
    /// disconnected, the authenticator) runs on this loop's thread, and the app's messages reach the engine there too.
    /// </summary>
    /// <example>
    /// <code>
    /// Broker broker = new Broker(BrokerOptions.Esp32(), EmbeddedBroker.ClockMs(), null);
    /// broker.AddMessageHandler("home/lamp/set", OnLampCommand);
    /// EmbeddedBroker server = EmbeddedBroker.Start(broker, 1883);
    /// server.Publish(temperatureTopic, reading, 0, true);
    /// </code>
    /// </example>
    public class EmbeddedBroker : SocketLoop
    {
        private const int ListenBacklog = 4;

        private readonly PublishMailbox mailbox;
        private Thread thread;

        /// <summary>
        /// A loop for <paramref name="broker"/> that accepts clients from <paramref name="listener"/> (bound and listening),
        /// not started yet (see <see cref="Start()"/>). Its mailbox for the app's messages takes one packet's worth,
        /// the broker's MaxPacketSize.
        /// </summary>
        /// <param name="broker">The engine, with its callbacks and access rules set.</param>
        /// <param name="listener">A listening TCP socket.</param>
        public EmbeddedBroker(Broker broker, Socket listener) : base(broker, listener)
        {
            mailbox = new PublishMailbox(broker.Options.MaxPacketSize);
        }

        /// <summary>
        /// Listens on <paramref name="port"/> of every address the device has and starts the loop on a thread of its own.
        /// Bring the network up first (nanoFramework: the app's Wi-Fi connection).
        /// </summary>
        /// <param name="broker">The engine, with its callbacks and access rules set.</param>
        /// <param name="port">The TCP port, 1883 for MQTT.</param>
        /// <returns>The running broker; <see cref="Shutdown"/> ends it.</returns>
        public static EmbeddedBroker Start(Broker broker, int port)
        {
            Socket listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Bind(new IPEndPoint(IPAddress.Any, port));
            listener.Listen(ListenBacklog);
            EmbeddedBroker server = new EmbeddedBroker(broker, listener);
            server.Start();
            return server;
        }

        /// <summary>
        /// The loop's clock, in milliseconds since the device (or process) started: pass it as the <c>nowMs</c> of
        /// <see cref="NanoBroker.Broker(BrokerOptions, long, IBrokerLog)"/>.
        /// </summary>
        /// <returns>Monotonic milliseconds.</returns>
        public static long ClockMs()
        {
            // nanoFramework: nanoFramework.Runtime.Native's System.Environment; .NET: mscorlib's.
            return System.Environment.TickCount64;
        }

        /// <summary>The loop's clock: <see cref="ClockMs"/>.</summary>
        /// <returns>Monotonic milliseconds.</returns>
        protected override long NowMs()
        {
            return ClockMs();
        }

        /// <summary>Starts <see cref="SocketLoop.Run"/> on a new thread.</summary>
        public void Start()
        {
            thread = new Thread(Run);
            thread.Start();
        }

        /// <summary>
        /// Ends the loop (<see cref="SocketLoop.Stop"/>), waits for its thread (every client's socket closed then) and
        /// closes the listener. Not from the loop's thread (a callback).
        /// </summary>
        public void Shutdown()
        {
            Stop();
            if (thread != null)
            {
                thread.Join();
                thread = null;
            }
            if (Listener != null)
            {
                CloseQuietly(Listener);
            }
        }

        /// <summary>
        /// Publishes a message as the broker itself, from any thread (a handler's included): it is copied into the
        /// mailbox and routed by the loop's thread in its next pass, as <see cref="NanoBroker.Broker.Publish(byte[], int, int, byte[], int, int, int, bool, long)"/>.
        /// Allocates nothing.
        /// </summary>
        /// <param name="topic">The buffer that holds the topic name (UTF-8, no wildcards, not a $SYS topic).</param>
        /// <param name="topicStart">Where the topic name starts in <paramref name="topic"/>.</param>
        /// <param name="topicLength">The topic name's length in bytes.</param>
        /// <param name="payload">The buffer that holds the payload.</param>
        /// <param name="payloadStart">Where the payload starts in <paramref name="payload"/>.</param>
        /// <param name="payloadLength">The payload's length in bytes.</param>
        /// <param name="qos">0, 1 or 2.</param>
        /// <param name="retain">Whether the broker keeps it as the topic's retained message.</param>
        /// <returns>
        /// False when the broker would not take the message (an invalid or $SYS topic, a QoS not 0 to 2, larger than
        /// MaxPacketSize) or the mailbox is full with messages not routed yet (try again after a moment).
        /// </returns>
        public bool Publish(byte[] topic, int topicStart, int topicLength, byte[] payload, int payloadStart, int payloadLength, int qos, bool retain)
        {
            return Broker.Publishable(topic, topicStart, topicLength, payloadLength, qos)
                && mailbox.Post(topic, topicStart, topicLength, payload, payloadStart, payloadLength, qos, retain);
        }

        /// <summary>As <see cref="Publish(byte[], int, int, byte[], int, int, int, bool)"/> with whole arrays.</summary>
        /// <param name="topic">The topic name (UTF-8, no wildcards, not a $SYS topic).</param>
        /// <param name="payload">The payload.</param>
        /// <param name="qos">0, 1 or 2.</param>
        /// <param name="retain">Whether the broker keeps it as the topic's retained message.</param>
        /// <returns>See <see cref="Publish(byte[], int, int, byte[], int, int, int, bool)"/>.</returns>
        public bool Publish(byte[] topic, byte[] payload, int qos, bool retain)
        {
            return Publish(topic, 0, topic.Length, payload, 0, payload.Length, qos, retain);
        }

        /// <summary>Routes the messages the app posted since the last pass.</summary>
        /// <param name="now">The loop's clock.</param>
        protected override void OnIdle(long now)
        {
            mailbox.Deliver(Broker, now);
        }
    }
}
