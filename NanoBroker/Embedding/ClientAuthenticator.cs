namespace NanoBroker
{
    /// <summary>
    /// Called on the engine's thread for each CONNECT the broker would otherwise accept (<see cref="Broker.Authenticator"/>):
    /// true lets the client in, false refuses it with CONNACK 4 (MQTT 5.0: 0x86 Bad User Name or Password). Every field
    /// lies in <paramref name="connect"/>, the received CONNECT, valid only during the call.
    /// </summary>
    /// <param name="connect">The buffer that holds the CONNECT packet.</param>
    /// <param name="clientIdStart">Where the client identifier starts.</param>
    /// <param name="clientIdLength">The client identifier's length in bytes (0 when the client sent none).</param>
    /// <param name="userNameStart">Where the user name starts.</param>
    /// <param name="userNameLength">The user name's length in bytes, or -1 when the CONNECT has no user name.</param>
    /// <param name="passwordStart">Where the password starts.</param>
    /// <param name="passwordLength">The password's length in bytes, or -1 when the CONNECT has no password.</param>
    /// <returns>True to accept the client.</returns>
    public delegate bool ClientAuthenticator(byte[] connect, int clientIdStart, int clientIdLength, int userNameStart, int userNameLength, int passwordStart, int passwordLength);
}
