using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;

namespace LoadGenerator
{
    /// <summary>
    /// Acknowledgements of durable state at idle (a persistent CONNACK, its SUBACK, a retained QoS 1 PUBACK), and
    /// connects/s and deliveries/s with many connections held.
    /// </summary>
    public static class Scale
    {
        /// <summary>Median milliseconds of each acknowledgement over <paramref name="tries"/> persistent clients, one at a time, idle between.</summary>
        public static AckLatencies[] AckLatency(IPEndPoint broker, Protocol protocol, string runId, int tries)
        {
            List<double>[] ms = { new List<double>(), new List<double>(), new List<double>() };
            string problem = null;
            byte[] head = new byte[2];
            byte[] body = new byte[64];
            byte[] disconnect = { Wire.Disconnect << 4, 0 };
            Random random = new Random(12);
            for (int i = 0; i < tries && problem == null; i++)
            {
                // Idle between tries, at no fixed phase of a broker's timers.
                Thread.Sleep(20 + random.Next(30));
                string id = runId + "-ack" + i;
                try
                {
                    using (Socket s = Wire.Open(broker, 5000))
                    {
                        long t = Stopwatch.GetTimestamp();
                        byte[] connect = protocol.ConnectPacket(id, 60, true);
                        Wire.SendAll(s, connect, 0, connect.Length);
                        Expect(s, protocol, head, ref body, Wire.ConnAck);
                        ms[0].Add(Since(t));

                        t = Stopwatch.GetTimestamp();
                        byte[] sub = protocol.SubscribePacket(1, new[] { "bench/" + id }, 1);
                        Wire.SendAll(s, sub, 0, sub.Length);
                        Expect(s, protocol, head, ref body, Wire.SubAck);
                        ms[1].Add(Since(t));

                        t = Stopwatch.GetTimestamp();
                        byte[] topic = Encoding.UTF8.GetBytes("bench/" + id + "/retained");
                        byte[] pub = new byte[protocol.PublishSize(topic.Length, 1, 0, 16)];
                        protocol.WritePublish(pub, 0, topic, 1, 2, ForwardedProperties.Empty, 16, 0, i, 0);
                        pub[0] |= 1; // retain
                        Wire.SendAll(s, pub, 0, pub.Length);
                        Expect(s, protocol, head, ref body, Wire.PubAck);
                        ms[2].Add(Since(t));

                        // Clear what this try left: the retained message and the session.
                        int propertyLength = protocol.IsMqtt5 ? 1 : 0;
                        byte[] clear = new byte[protocol.PublishSize(topic.Length, 0, 0, 0)];
                        clear[0] = (Wire.Publish << 4) | 1;
                        int at = 1 + Wire.WriteLength(clear, 1, 2 + topic.Length + propertyLength);
                        Wire.WriteString(clear, at, topic); // and at 5.0 an empty property block (the 0 already there)
                        Wire.SendAll(s, clear, 0, clear.Length);
                        Wire.SendAll(s, disconnect, 0, 2);
                    }
                    using (Socket s = Wire.Open(broker, 5000))
                    {
                        protocol.Handshake(s, id);
                        Wire.SendAll(s, disconnect, 0, 2);
                    }
                }
                catch (Exception e) when (e is SocketException || e is InvalidOperationException)
                {
                    problem = "try " + i + ": " + e.Message;
                }
            }
            AckLatencies[] results = new AckLatencies[3];
            for (int k = 0; k < 3; k++)
            {
                ms[k].Sort();
                results[k] = new AckLatencies
                {
                    Outcome = new Flow.Outcome { Valid = problem == null && ms[k].Count == tries, Problem = problem, Deliveries = ms[k].Count },
                    MedianMs = ms[k].Count > 0 ? ms[k][ms[k].Count / 2] : 0,
                    MaxMs = ms[k].Count > 0 ? ms[k][ms[k].Count - 1] : 0,
                };
            }
            return results;
        }

        /// <summary>One acknowledgement's latencies over the tries, in milliseconds.</summary>
        public sealed class AckLatencies
        {
            public Flow.Outcome Outcome;
            public double MedianMs;
            public double MaxMs;
        }

        private static double Since(long t)
        {
            return (Stopwatch.GetTimestamp() - t) * 1000.0 / Stopwatch.Frequency;
        }

        private static void Expect(Socket s, Protocol protocol, byte[] head, ref byte[] body, int type)
        {
            if (protocol.IsMqtt5)
            {
                // 5.0 acknowledgements carry property blocks: a CONNACK's may not fit in one length byte.
                int first;
                if (Wire5.ReadPacket(s, ref body, out first) < 0) throw new InvalidOperationException("closed before packet type " + type);
                if (first >> 4 != type) throw new InvalidOperationException("expected packet type " + type + ", got 0x" + first.ToString("x2"));
                return;
            }
            if (!Wire.ReadExactly(s, head, 2)) throw new InvalidOperationException("closed before packet type " + type);
            if (head[0] >> 4 != type) throw new InvalidOperationException("expected packet type " + type + ", got 0x" + head[0].ToString("x2"));
            if (head[1] > body.Length || !Wire.ReadExactly(s, body, head[1])) throw new InvalidOperationException("bad packet of type " + type);
        }

        /// <summary>
        /// Opens <paramref name="count"/> idle connections (CONNECT, CONNACK) with 4 clients connecting in parallel and
        /// keeps them; the first outcome is connects/s. Then the 4x4 QoS 0 64 B flow runs for <paramref name="seconds"/>
        /// beside them: the second outcome is its deliveries/s. Finally every held connection must answer PINGREQ.
        /// </summary>
        public static Flow.Outcome[] Held(IPEndPoint broker, Protocol protocol, string runId, int count, double seconds, int pubs, int subs)
        {
            const int workers = 4;
            Socket[] held = new Socket[count];
            int next = -1;
            int failures = 0;
            string firstFailure = null;
            long start = Stopwatch.GetTimestamp();
            Thread[] threads = new Thread[workers];
            for (int w = 0; w < workers; w++)
            {
                threads[w] = new Thread(() =>
                {
                    int i;
                    while ((i = Interlocked.Increment(ref next)) < count && Volatile.Read(ref failures) == 0)
                    {
                        try
                        {
                            Socket s = Wire.Open(broker, 10000);
                            held[i] = s;
                            ConnAck a = protocol.Handshake(s, runId + "-n" + i);
                            if (a == null || a.Code != 0) throw new InvalidOperationException("connection #" + (i + 1) + ": " + Protocol.Refusal(a));
                        }
                        catch (Exception e) when (e is SocketException || e is InvalidOperationException)
                        {
                            if (Interlocked.Increment(ref failures) == 1) firstFailure = "connection #" + (i + 1) + ": " + e.Message;
                        }
                    }
                }) { IsBackground = true };
                threads[w].Start();
            }
            foreach (Thread t in threads) t.Join();
            double elapsed = (Stopwatch.GetTimestamp() - start) / (double)Stopwatch.Frequency;
            Flow.Outcome connects = new Flow.Outcome { Deliveries = count, DeliveriesPerSecond = count / elapsed, Valid = failures == 0 };
            connects.Problem = failures == 0 ? null : failures + " failed; first: " + firstFailure;
            Flow.Outcome flow;
            try
            {
                if (failures == 0)
                {
                    flow = new Flow { Publishers = pubs, Subscribers = subs, Qos = 0, Payload = 64, Seconds = seconds, Protocol = protocol }.Run(broker, runId + "f");
                    byte[] ping = { Wire.PingReq << 4, 0 };
                    byte[] resp = new byte[2];
                    int alive = 0;
                    foreach (Socket s in held)
                    {
                        try { Wire.SendAll(s, ping, 0, 2); if (Wire.ReadExactly(s, resp, 2) && resp[0] == Wire.PingResp << 4) alive++; }
                        catch (SocketException) { }
                    }
                    if (alive != count)
                    {
                        flow.Valid = false;
                        flow.Problem = (count - alive) + " of " + count + " held connections did not answer PINGREQ after the flow";
                    }
                }
                else
                {
                    flow = new Flow.Outcome { Valid = false, Problem = "not run: " + connects.Problem };
                }
            }
            finally
            {
                byte[] disconnect = { Wire.Disconnect << 4, 0 };
                foreach (Socket s in held)
                {
                    if (s == null) continue;
                    try { Wire.SendAll(s, disconnect, 0, 2); } catch (SocketException) { }
                    s.Close();
                }
            }
            return new[] { connects, flow };
        }
    }
}
