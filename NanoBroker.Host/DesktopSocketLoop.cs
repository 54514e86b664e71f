using System.Collections;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net.Sockets;
using NanoBroker.Net;

namespace NanoBroker.Host
{
    /// <summary>
    /// The portable socket loop with .NET's better tools: Select to sleep until a socket is ready, and
    /// non-blocking sends so one slow reader never stalls the others.
    /// </summary>
    public sealed class DesktopSocketLoop : SocketLoop
    {
        private readonly Stopwatch clock = Stopwatch.StartNew();
        private readonly ArrayList readList = new ArrayList();
        private readonly ArrayList writeList = new ArrayList();
        private readonly Dictionary<Socket, int> slotOf = new Dictionary<Socket, int>();
        private readonly bool[] readable;

        public DesktopSocketLoop(Broker broker, Socket listener)
            : base(broker, listener)
        {
            readable = new bool[Sockets.Length];
        }

        protected override long NowMs()
        {
            return clock.ElapsedMilliseconds;
        }

        protected override void Wait(int timeoutMs)
        {
            readList.Clear();
            writeList.Clear();
            slotOf.Clear();
            readList.Add(Listener);
            for (int i = 0; i < Sockets.Length; i++)
            {
                readable[i] = false;
                Socket socket = Sockets[i];
                if (socket == null)
                {
                    continue;
                }
                slotOf[socket] = i;
                if (WantsToRead(i))
                {
                    readList.Add(socket);
                }
                if (HasPendingOutput(i))
                {
                    writeList.Add(socket);
                }
            }
            Socket.Select(readList, writeList.Count > 0 ? writeList : null, null, timeoutMs * 1000);
            foreach (Socket socket in readList)
            {
                int slot;
                if (slotOf.TryGetValue(socket, out slot))
                {
                    readable[slot] = true;
                }
            }
        }

        protected override bool IsReadable(int slot)
        {
            return readable[slot];
        }

        protected override int TrySend(int slot, byte[] buffer, int offset, int count)
        {
            SocketError error;
            int sent = Sockets[slot].Send(buffer, offset, count, SocketFlags.None, out error);
            if (error == SocketError.WouldBlock)
            {
                return 0;
            }
            if (error != SocketError.Success)
            {
                throw new SocketException((int)error);
            }
            return sent;
        }

        protected override void Configure(Socket socket)
        {
            base.Configure(socket);
            socket.Blocking = false;
        }
    }
}
