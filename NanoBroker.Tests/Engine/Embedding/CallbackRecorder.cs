using NanoBroker.Protocol;

namespace NanoBroker.Tests.Engine.Embedding
{
    /// <summary>
    /// The app side of the embedding tests: handlers for <see cref="Broker"/>'s callbacks that note what they were called
    /// with (as text, so tests compare strings), one instance per test.
    /// </summary>
    public sealed class CallbackRecorder
    {
        /// <summary>Each call, as "topic=payload qos retain", "+client", "-client" or "?client user".</summary>
        public string Calls = "";

        public int Count;

        /// <summary>The user name <see cref="Authenticate"/> lets in (with password "secret").</summary>
        public string AllowedUser = "app";

        /// <summary>Whether a <see cref="Broker.Publish(byte[], byte[], int, bool, long)"/> tried from <see cref="PublishBack"/> threw.</summary>
        public bool PublishThrew;

        public Broker Broker;

        public void Message(byte[] topic, int topicStart, int topicLength, byte[] payload, int payloadStart, int payloadLength, int qos, bool retain)
        {
            Note(Utf8.GetString(topic, topicStart, topicLength) + "=" + Utf8.GetString(payload, payloadStart, payloadLength) + " " + qos + (retain ? " retained" : ""));
        }

        /// <summary>A handler that does nothing: what routing costs with a handler set is the engine's.</summary>
        public void Ignore(byte[] topic, int topicStart, int topicLength, byte[] payload, int payloadStart, int payloadLength, int qos, bool retain)
        {
            Count++;
        }

        /// <summary>A handler that tries to publish from within the callback, which the engine refuses.</summary>
        public void PublishBack(byte[] topic, int topicStart, int topicLength, byte[] payload, int payloadStart, int payloadLength, int qos, bool retain)
        {
            try
            {
                Broker.Publish(Utf8.GetBytes("echo"), Utf8.GetBytes("x"), 0, false, 0);
            }
            catch (System.InvalidOperationException)
            {
                PublishThrew = true;
            }
        }

        public void Connected(byte[] clientId, int clientIdStart, int clientIdLength)
        {
            Note("+" + Utf8.GetString(clientId, clientIdStart, clientIdLength));
        }

        public void Disconnected(byte[] clientId, int clientIdStart, int clientIdLength)
        {
            Note("-" + Utf8.GetString(clientId, clientIdStart, clientIdLength));
        }

        public bool Authenticate(byte[] connect, int clientIdStart, int clientIdLength, int userNameStart, int userNameLength, int passwordStart, int passwordLength)
        {
            string user = userNameLength < 0 ? "(none)" : Utf8.GetString(connect, userNameStart, userNameLength);
            Note("?" + Utf8.GetString(connect, clientIdStart, clientIdLength) + " " + user);
            return user == AllowedUser && passwordLength >= 0 && Utf8.GetString(connect, passwordStart, passwordLength) == "secret";
        }

        /// <summary>An authenticator that fails: the client it was asked about is refused.</summary>
        public bool Throw(byte[] connect, int clientIdStart, int clientIdLength, int userNameStart, int userNameLength, int passwordStart, int passwordLength)
        {
            throw new System.InvalidOperationException("the app's check failed");
        }

        private void Note(string call)
        {
            Calls += (Count == 0 ? "" : "; ") + call;
            Count++;
        }
    }
}
