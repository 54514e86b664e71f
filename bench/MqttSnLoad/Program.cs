using System;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;

namespace MqttSnLoad
{
    /// <summary>
    /// MQTT-SN publishes per second into a gateway, as one MQTT subscriber receives them. Each of P publishers is an
    /// MQTT-SN v1.2 client on its own UDP socket (CONNECT, REGISTER bench/sn/i, then PUBLISH with a sequence number);
    /// the subscriber is an MQTT 3.1.1 client on TCP subscribed to bench/sn/# at the publishes' QoS. QoS 1: each
    /// publisher keeps one PUBLISH in flight (MQTT-SN's one-at-a-time flow) and sends the next on PUBACK. QoS 0: each
    /// keeps at most a window of 64 publishes ahead of what the subscriber received from it (UDP has no flow control; a
    /// window stalled 200 ms is counted lost and reopened). Prints one line: delivered/s and lost.
    ///   MqttSnLoad SN_PORT MQTT_PORT QOS PUBLISHERS SECONDS PAYLOAD_BYTES
    /// </summary>
    public static class Program
    {
        private const int Window = 64;

        private static long[] received;
        private static long[] sent;

        public static int Main(string[] args)
        {
            if (args.Length != 6)
            {
                Console.Error.WriteLine("usage: MqttSnLoad SN_PORT MQTT_PORT QOS PUBLISHERS SECONDS PAYLOAD_BYTES");
                return 2;
            }
            int snPort = int.Parse(args[0]);
            int mqttPort = int.Parse(args[1]);
            int qos = int.Parse(args[2]);
            int publishers = int.Parse(args[3]);
            int seconds = int.Parse(args[4]);
            int payloadBytes = int.Parse(args[5]);
            received = new long[publishers];
            sent = new long[publishers];

            using Socket sub = Subscribe(mqttPort, qos);
            Thread reader = new Thread(() => Read(sub, qos)) { IsBackground = true };
            reader.Start();

            IPEndPoint gateway = new IPEndPoint(IPAddress.Loopback, snPort);
            Socket[] udp = new Socket[publishers];
            int[] topicIds = new int[publishers];
            for (int i = 0; i < publishers; i++)
            {
                udp[i] = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                udp[i].Bind(new IPEndPoint(IPAddress.Loopback, 0));
                udp[i].Connect(gateway);
                udp[i].ReceiveTimeout = 2000;
                topicIds[i] = Setup(udp[i], "snbench-" + i, "bench/sn/" + i);
            }

            long lost = 0;
            long stop = Stopwatch.GetTimestamp() + seconds * Stopwatch.Frequency;
            Thread[] threads = new Thread[publishers];
            long[] lostBy = new long[publishers];
            long start = Stopwatch.GetTimestamp();
            long receivedAtStart = Total(received);
            for (int i = 0; i < publishers; i++)
            {
                int p = i;
                threads[i] = new Thread(() => lostBy[p] = Publish(udp[p], p, topicIds[p], qos, payloadBytes, stop)) { IsBackground = true };
                threads[i].Start();
            }
            foreach (Thread t in threads)
            {
                t.Join();
            }
            double elapsed = (double)(Stopwatch.GetTimestamp() - start) / Stopwatch.Frequency;
            long delivered = Total(received) - receivedAtStart;
            Thread.Sleep(300);
            foreach (long l in lostBy)
            {
                lost += l;
            }
            long totalSent = Total(sent);
            long late = Total(received) - receivedAtStart - delivered;
            Console.WriteLine(string.Format(System.Globalization.CultureInfo.InvariantCulture,
                "qos {0}, {1} publishers, {2} B: {3:F0} delivered/s to the MQTT subscriber ({4} sent, {5} delivered in {6:F1} s, {7} after, {8} windows lost)",
                qos, publishers, payloadBytes, delivered / elapsed, totalSent, delivered, elapsed, late, lost));
            foreach (Socket s in udp)
            {
                s.Send(new byte[] { 2, 0x18 });
                s.Dispose();
            }
            return 0;
        }

        private static long Total(long[] counts)
        {
            long n = 0;
            for (int i = 0; i < counts.Length; i++)
            {
                n += Interlocked.Read(ref counts[i]);
            }
            return n;
        }

        // CONNECT (clean, keep-alive 60 s) and REGISTER; returns the topic id.
        private static int Setup(Socket s, string clientId, string topic)
        {
            byte[] id = Encoding.ASCII.GetBytes(clientId);
            byte[] connect = new byte[6 + id.Length];
            connect[0] = (byte)connect.Length;
            connect[1] = 0x04;
            connect[2] = 0x04;
            connect[3] = 0x01;
            connect[4] = 0;
            connect[5] = 60;
            id.CopyTo(connect, 6);
            byte[] buffer = new byte[1500];
            s.Send(connect);
            int n = s.Receive(buffer);
            if (n != 3 || buffer[1] != 0x05 || buffer[2] != 0)
            {
                throw new InvalidOperationException(clientId + ": no CONNACK accepted");
            }
            byte[] name = Encoding.ASCII.GetBytes(topic);
            byte[] register = new byte[6 + name.Length];
            register[0] = (byte)register.Length;
            register[1] = 0x0A;
            register[5] = 1;
            name.CopyTo(register, 6);
            s.Send(register);
            n = s.Receive(buffer);
            if (n != 7 || buffer[1] != 0x0B || buffer[6] != 0)
            {
                throw new InvalidOperationException(clientId + ": no REGACK accepted");
            }
            return (buffer[2] << 8) | buffer[3];
        }

        private static long Publish(Socket s, int p, int topicId, int qos, int payloadBytes, long stop)
        {
            byte[] publish = new byte[7 + payloadBytes];
            publish[0] = (byte)publish.Length;
            publish[1] = 0x0C;
            publish[2] = (byte)(qos << 5);
            publish[3] = (byte)(topicId >> 8);
            publish[4] = (byte)topicId;
            byte[] ack = new byte[64];
            int msgId = 0;
            long lost = 0;
            s.ReceiveTimeout = 1000;
            long stalledSince = 0;
            while (Stopwatch.GetTimestamp() < stop)
            {
                if (qos == 0)
                {
                    long ahead = Interlocked.Read(ref sent[p]) - Interlocked.Read(ref received[p]);
                    if (ahead >= Window)
                    {
                        long now = Stopwatch.GetTimestamp();
                        if (stalledSince == 0)
                        {
                            stalledSince = now;
                        }
                        else if (now - stalledSince > Stopwatch.Frequency / 5)
                        {
                            lost++;
                            Interlocked.Add(ref sent[p], -ahead);
                            stalledSince = 0;
                        }
                        Thread.SpinWait(50);
                        continue;
                    }
                    stalledSince = 0;
                    s.Send(publish);
                    Interlocked.Increment(ref sent[p]);
                    continue;
                }
                msgId = msgId == 65535 ? 1 : msgId + 1;
                publish[5] = (byte)(msgId >> 8);
                publish[6] = (byte)msgId;
                s.Send(publish);
                Interlocked.Increment(ref sent[p]);
                while (true)
                {
                    int n;
                    try
                    {
                        n = s.Receive(ack);
                    }
                    catch (SocketException)
                    {
                        lost++;
                        break;
                    }
                    if (n == 7 && ack[1] == 0x0D && ((ack[4] << 8) | ack[5]) == msgId)
                    {
                        break;
                    }
                }
            }
            return lost;
        }

        // An MQTT 3.1.1 subscriber to bench/sn/# on TCP.
        private static Socket Subscribe(int port, int qos)
        {
            Socket s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            s.Connect(new IPEndPoint(IPAddress.Loopback, port));
            byte[] id = Encoding.ASCII.GetBytes("snbench-sub");
            byte[] connect = new byte[14 + id.Length];
            connect[0] = 0x10;
            connect[1] = (byte)(12 + id.Length);
            new byte[] { 0, 4, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 4, 0x02, 0, 60, 0, (byte)id.Length }.CopyTo(connect, 2);
            id.CopyTo(connect, 14);
            s.Send(connect);
            byte[] buffer = new byte[4];
            ReadExactly(s, buffer, 4);
            byte[] filter = Encoding.ASCII.GetBytes("bench/sn/#");
            byte[] subscribe = new byte[7 + filter.Length];
            subscribe[0] = 0x82;
            subscribe[1] = (byte)(5 + filter.Length);
            subscribe[3] = 1;
            subscribe[5] = (byte)filter.Length;
            filter.CopyTo(subscribe, 6);
            subscribe[6 + filter.Length] = (byte)qos;
            s.Send(subscribe);
            byte[] suback = new byte[5];
            ReadExactly(s, suback, 5);
            return s;
        }

        private static void ReadExactly(Socket s, byte[] buffer, int count)
        {
            int at = 0;
            while (at < count)
            {
                int n = s.Receive(buffer, at, count - at, SocketFlags.None);
                if (n == 0)
                {
                    throw new InvalidOperationException("the broker closed the subscriber");
                }
                at += n;
            }
        }

        // Reads PUBLISH packets, counts them by publisher (the topic's last level), acknowledges QoS 1.
        private static void Read(Socket s, int qos)
        {
            byte[] buffer = new byte[1 << 16];
            int have = 0;
            byte[] puback = new byte[4 * 256];
            try
            {
                while (true)
                {
                    int n = s.Receive(buffer, have, buffer.Length - have, SocketFlags.None);
                    if (n == 0)
                    {
                        return;
                    }
                    have += n;
                    int at = 0;
                    int acks = 0;
                    while (true)
                    {
                        if (have - at < 2)
                        {
                            break;
                        }
                        int remaining = 0, shift = 0, p = at + 1;
                        bool whole = true;
                        while (true)
                        {
                            if (p >= have)
                            {
                                whole = false;
                                break;
                            }
                            int d = buffer[p++];
                            remaining |= (d & 0x7F) << shift;
                            shift += 7;
                            if ((d & 0x80) == 0)
                            {
                                break;
                            }
                        }
                        if (!whole || p + remaining > have)
                        {
                            break;
                        }
                        if ((buffer[at] & 0xF0) == 0x30)
                        {
                            int topicLength = (buffer[p] << 8) | buffer[p + 1];
                            int publisher = 0;
                            int level = p + 2 + topicLength;
                            while (buffer[level - 1] != (byte)'/')
                            {
                                level--;
                            }
                            for (int k = level; k < p + 2 + topicLength; k++)
                            {
                                publisher = publisher * 10 + (buffer[k] - '0');
                            }
                            Interlocked.Increment(ref received[publisher]);
                            if (((buffer[at] >> 1) & 3) == 1)
                            {
                                if (acks == 256)
                                {
                                    s.Send(puback, 0, acks * 4, SocketFlags.None);
                                    acks = 0;
                                }
                                int idAt = p + 2 + topicLength;
                                puback[acks * 4] = 0x40;
                                puback[acks * 4 + 1] = 2;
                                puback[acks * 4 + 2] = buffer[idAt];
                                puback[acks * 4 + 3] = buffer[idAt + 1];
                                acks++;
                            }
                        }
                        at = p + remaining;
                    }
                    if (acks > 0)
                    {
                        s.Send(puback, 0, acks * 4, SocketFlags.None);
                    }
                    Array.Copy(buffer, at, buffer, 0, have - at);
                    have -= at;
                }
            }
            catch (SocketException)
            {
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }
}
