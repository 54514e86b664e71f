using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading;

namespace LoadGenerator
{
    /// <summary>Connection scenarios: connect/CONNACK/DISCONNECT cycles per second, and the most connections held at once.</summary>
    public static class Connections
    {
        /// <summary>Workers each open a socket, send CONNECT, wait for CONNACK 0, send DISCONNECT and close, for a fixed time.</summary>
        public static Flow.Outcome Rate(IPEndPoint broker, Protocol protocol, string runId, double seconds, int workers)
        {
            long done = 0;
            int failures = 0;
            string firstFailure = null;
            long end = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
            long start = Stopwatch.GetTimestamp();
            byte[] disconnect = { Wire.Disconnect << 4, 0 };
            Thread[] threads = new Thread[workers];
            for (int w = 0; w < workers; w++)
            {
                int worker = w;
                threads[w] = new Thread(() =>
                {
                    int i = 0;
                    while (Stopwatch.GetTimestamp() < end)
                    {
                        try
                        {
                            using (Socket s = Wire.Open(broker, 5000))
                            {
                                ConnAck a = protocol.Handshake(s, runId + "-c" + worker + "-" + i++);
                                if (a == null || a.Code != 0) throw new InvalidOperationException(Protocol.Refusal(a));
                                Wire.SendAll(s, disconnect, 0, 2);
                                s.Shutdown(SocketShutdown.Send);
                                // Wait for the broker to close its side, so a cycle ends with the broker done with it.
                                byte[] rest = new byte[16];
                                while (s.Receive(rest) > 0) { }
                            }
                            Interlocked.Increment(ref done);
                        }
                        catch (Exception e) when (e is SocketException || e is InvalidOperationException)
                        {
                            if (Interlocked.Increment(ref failures) == 1) firstFailure = e.Message;
                            Thread.Sleep(10);
                        }
                    }
                }) { IsBackground = true };
                threads[w].Start();
            }
            foreach (Thread t in threads) t.Join();
            double elapsed = (Stopwatch.GetTimestamp() - start) / (double)Stopwatch.Frequency;
            Flow.Outcome o = new Flow.Outcome();
            o.Deliveries = done;
            o.DeliveriesPerSecond = done / elapsed;
            o.Valid = failures == 0 && done > 0;
            o.Problem = failures == 0 ? null : failures + " failed connects; first: " + firstFailure;
            return o;
        }

        /// <summary>
        /// Opens connections one after another (CONNECT, CONNACK 0) up to <paramref name="limit"/>, stopping at the
        /// first refusal; then checks that every one still answers PINGREQ. The value is the count that answered.
        /// </summary>
        public static Flow.Outcome Held(IPEndPoint broker, Protocol protocol, string runId, int limit, out string stoppedBy)
        {
            List<Socket> held = new List<Socket>();
            stoppedBy = "reached the limit of " + limit;
            try
            {
                for (int i = 0; i < limit; i++)
                {
                    Socket s;
                    try
                    {
                        s = Wire.Open(broker, 3000);
                    }
                    catch (SocketException e)
                    {
                        stoppedBy = "connect #" + (i + 1) + " failed: " + e.SocketErrorCode;
                        break;
                    }
                    held.Add(s);
                    ConnAck a;
                    try
                    {
                        a = protocol.Handshake(s, runId + "-h" + i);
                    }
                    catch (Exception e) when (e is SocketException || e is InvalidOperationException)
                    {
                        stoppedBy = "connection #" + (i + 1) + ": " + e.Message;
                        held.RemoveAt(held.Count - 1);
                        s.Close();
                        break;
                    }
                    if (a == null || a.Code != 0)
                    {
                        stoppedBy = "connection #" + (i + 1) + " refused: " + (a == null ? "closed without CONNACK" : "CONNACK " + a.Code);
                        held.RemoveAt(held.Count - 1);
                        s.Close();
                        break;
                    }
                }
                // All still there? One PINGREQ each, then collect the PINGRESPs.
                byte[] ping = { Wire.PingReq << 4, 0 };
                byte[] resp = new byte[2];
                int alive = 0;
                foreach (Socket s in held)
                {
                    try { Wire.SendAll(s, ping, 0, 2); } catch (SocketException) { }
                }
                foreach (Socket s in held)
                {
                    try
                    {
                        if (Wire.ReadExactly(s, resp, 2) && resp[0] == Wire.PingResp << 4) alive++;
                    }
                    catch (SocketException) { }
                }
                Flow.Outcome o = new Flow.Outcome();
                o.Deliveries = alive;
                o.DeliveriesPerSecond = alive;
                o.Valid = alive > 0;
                if (alive != held.Count) o.Problem = (held.Count - alive) + " of " + held.Count + " accepted connections did not answer PINGREQ";
                return o;
            }
            finally
            {
                byte[] disconnect = { Wire.Disconnect << 4, 0 };
                foreach (Socket s in held)
                {
                    try { Wire.SendAll(s, disconnect, 0, 2); } catch (SocketException) { }
                    s.Close();
                }
            }
        }
    }
}
