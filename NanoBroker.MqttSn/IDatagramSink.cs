namespace NanoBroker.MqttSn
{
    /// <summary>Where the gateway's datagrams go: the UDP edge sends each at once (or the tests keep them).</summary>
    public interface IDatagramSink
    {
        /// <summary>Sends one datagram to <paramref name="address"/> (<see cref="SnAddress"/>). The bytes are reused after the call.</summary>
        void Send(long address, byte[] buffer, int offset, int count);

        /// <summary>Sends one datagram to every gateway and client on the network (ADVERTISE, section 6.1).</summary>
        void Broadcast(byte[] buffer, int offset, int count);
    }
}
