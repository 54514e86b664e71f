using NanoBroker.Routing;

namespace NanoBroker
{
    /// <summary>
    /// The callbacks of the app that embeds the broker: message handlers by topic filter, client connected and
    /// disconnected, and an authenticator. The engine holds none until the app sets one (<see cref="EngineContext.Hooks"/>
    /// stays null), so a broker without callbacks pays one null test per routed message and allocates nothing. The
    /// handlers are few and added at start, so matching is a scan of their filters; it allocates nothing either.
    /// </summary>
    internal sealed class AppHooks
    {
        private readonly EngineContext context;
        private byte[][] filters = new byte[0][];
        private MessageHandler[] handlers = new MessageHandler[0];

        internal AppHooks(EngineContext context)
        {
            this.context = context;
        }

        /// <summary>Called when a client's connection is accepted.</summary>
        internal ClientHandler Connected;

        /// <summary>Called when a connected client's connection ends.</summary>
        internal ClientHandler Disconnected;

        /// <summary>Asked for each CONNECT the broker would accept.</summary>
        internal ClientAuthenticator Authenticator;

        // Calls into the app in progress: the engine's state is mid-change then, so the app may not publish (Broker.Publish).
        private int calling;

        /// <summary>True while a callback runs.</summary>
        internal bool Calling { get { return calling > 0; } }

        /// <summary>Adds a handler for the messages whose topics match <paramref name="filter"/> (validated by the caller).</summary>
        internal void Add(byte[] filter, MessageHandler handler)
        {
            // Grown by one at each addition: handlers are added at start, not while routing.
            int n = handlers.Length;
            byte[][] moreFilters = new byte[n + 1][];
            MessageHandler[] moreHandlers = new MessageHandler[n + 1];
            System.Array.Copy(filters, moreFilters, n);
            System.Array.Copy(handlers, moreHandlers, n);
            moreFilters[n] = filter;
            moreHandlers[n] = handler;
            filters = moreFilters;
            handlers = moreHandlers;
        }

        /// <summary>A message was routed: each handler whose filter matches its topic is called once.</summary>
        internal void Published(InboundMessage m)
        {
            for (int i = 0; i < handlers.Length; i++)
            {
                byte[] filter = filters[i];
                if (Topic.Matches(filter, 0, filter.Length, m.Topic, m.TopicStart, m.TopicLength))
                {
                    calling++;
                    try
                    {
                        handlers[i](m.Topic, m.TopicStart, m.TopicLength, m.Body, m.PayloadStart, m.PayloadLength, m.Qos, m.Retain);
                    }
                    catch (System.Exception e)
                    {
                        Failed(e);
                    }
                    finally
                    {
                        calling--;
                    }
                }
            }
        }

        /// <summary>A client connected (or, <paramref name="connected"/> false, a connected client's connection ended).</summary>
        internal void ClientChanged(bool connected, byte[] clientId, int clientIdLength)
        {
            ClientHandler handler = connected ? Connected : Disconnected;
            if (handler == null)
            {
                return;
            }
            calling++;
            try
            {
                handler(clientId, 0, clientIdLength);
            }
            catch (System.Exception e)
            {
                Failed(e);
            }
            finally
            {
                calling--;
            }
        }

        /// <summary>The app's answer for a CONNECT (true when no authenticator is set).</summary>
        internal bool Authenticate(byte[] connect, int clientIdStart, int clientIdLength, int userNameStart, int userNameLength, int passwordStart, int passwordLength)
        {
            if (Authenticator == null)
            {
                return true;
            }
            calling++;
            try
            {
                return Authenticator(connect, clientIdStart, clientIdLength, userNameStart, userNameLength, passwordStart, passwordLength);
            }
            catch (System.Exception e)
            {
                // A client the app could not judge is not let in.
                Failed(e);
                return false;
            }
            finally
            {
                calling--;
            }
        }

        // An exception of the app's stops at the engine's edge: the engine's state is mid-change and must go on.
        private void Failed(System.Exception e)
        {
            context.Warn("an app callback threw " + e.Message);
        }
    }
}
