using System.Collections;
using NanoBroker.MqttSn;

namespace NanoBroker.Tests.Engine.MqttSn
{
    /// <summary>The gateway's datagrams as the tests see them: each kept, with its address, in order.</summary>
    public sealed class SnSink : IDatagramSink
    {
        private readonly ArrayList addresses = new ArrayList();
        private readonly ArrayList datagrams = new ArrayList();
        private readonly ArrayList read = new ArrayList();

        /// <summary>Broadcasts (ADVERTISE) so far.</summary>
        public int Broadcasts;
        public byte[] LastBroadcast;

        public void Send(long address, byte[] buffer, int offset, int count)
        {
            byte[] copy = new byte[count];
            System.Array.Copy(buffer, offset, copy, 0, count);
            addresses.Add(address);
            datagrams.Add(copy);
            read.Add(false);
        }

        public void Broadcast(byte[] buffer, int offset, int count)
        {
            Broadcasts++;
            LastBroadcast = new byte[count];
            System.Array.Copy(buffer, offset, LastBroadcast, 0, count);
        }

        /// <summary>The oldest datagram to <paramref name="address"/> not read yet, or null.</summary>
        public byte[] Next(long address)
        {
            for (int i = 0; i < datagrams.Count; i++)
            {
                if (!(bool)read[i] && (long)addresses[i] == address)
                {
                    read[i] = true;
                    return (byte[])datagrams[i];
                }
            }
            return null;
        }

        /// <summary>Datagrams to <paramref name="address"/> not read yet.</summary>
        public int Unread(long address)
        {
            int n = 0;
            for (int i = 0; i < datagrams.Count; i++)
            {
                if (!(bool)read[i] && (long)addresses[i] == address)
                {
                    n++;
                }
            }
            return n;
        }
    }
}
