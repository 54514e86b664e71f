namespace NanoBroker
{
    /// <summary>
    /// Called on the engine's thread when a client's connection is accepted (<see cref="Broker.ClientConnected"/>) or a
    /// connected client's connection ends, however it ends (<see cref="Broker.ClientDisconnected"/>). The client
    /// identifier is a view into the engine's buffers, valid only during the call.
    /// </summary>
    /// <param name="clientId">The buffer that holds the client identifier (UTF-8; one the broker assigned for an empty one).</param>
    /// <param name="clientIdStart">Where the identifier starts in <paramref name="clientId"/>.</param>
    /// <param name="clientIdLength">The identifier's length in bytes.</param>
    public delegate void ClientHandler(byte[] clientId, int clientIdStart, int clientIdLength);
}
