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
    /// One publish/subscribe scenario: N publishers each on its own topic, M subscribers each subscribed
    /// to every publisher's topic, at one QoS and payload size, for a fixed time. Or, with <see cref="Filters"/>,
    /// one publisher whose every message matches exactly one of many filters. Every delivery is checked:
    /// per subscriber and publisher the sequence numbers must arrive complete and in order, exactly once.
    /// </summary>
    public sealed class Flow
    {
        public int Publishers = 4;
        public int Subscribers = 4;
        public int Qos;
        public int Payload = 64;
        public double Seconds = 3;

        /// <summary>0: as fast as the broker goes; else messages per second per publisher (latency runs).</summary>
        public int RatePerPublisher;

        /// <summary>QoS 1/2 PUBLISH packets a publisher has unacknowledged at once.</summary>
        public int InflightWindow = 16;

        /// <summary>
        /// Bytes of its messages a publisher may have published but not yet seen delivered to every subscriber.
        /// QoS 0 has no acknowledgement, so without this end-to-end window a fast publisher would outrun any
        /// subscriber and the test would measure how a broker drops, not how fast it delivers.
        /// </summary>
        public int EndToEndWindowBytes = 32768;

        /// <summary>
        /// 0: every subscriber subscribes to every publisher's topic. Else (one publisher) this many distinct
        /// filters, a multiple of the subscriber count, dealt out to the subscribers in turn: a third literal
        /// (site/c17/dev42/state), a third with '+' in the middle (site/c17/+/alarm42), a third with '#' at the
        /// end (site/c17/log42/#), with the run id for site. The publisher cycles over one topic per filter that
        /// matches it and no other, so message #n goes to subscriber n mod M alone and the broker's routing
        /// searches all the filters.
        /// </summary>
        public int Filters;

        /// <summary>The MQTT version of every client.</summary>
        public Protocol Protocol = Protocol.Mqtt311;

        /// <summary>At 5.0: what each PUBLISH carries besides topic and payload (receivers check it arrived as it must).</summary>
        public PublishExtras Extras;

        private IPEndPoint broker;
        private string prefix;
        // The filters scenario's first topic level, the run's own: its topics have a site's four levels (site/c17/dev42/state).
        private string site;
        private int window;
        // topics[p]: the topics publisher p cycles over, one per message.
        private byte[][][] topics;
        private int longestTopic;
        // The largest property block a PUBLISH of this run carries (5.0).
        private int propertyBytes;
        // QoS 1/2 PUBLISH packets a publisher has unacknowledged at most: InflightWindow, or less when a 5.0 broker's Receive Maximum says so.
        private int inflightLimit;
        // Topic aliases each publisher may set: the lowest Topic Alias Maximum of the publishers' CONNACKs (Alias runs).
        private int aliasLimit;
        private long endTicks;
        private long startTicks;
        private volatile bool stopSubscribers;
        private volatile bool abort;

        // delivered[s * Publishers + p]: the next sequence number subscriber s expects from publisher p.
        private int[] delivered;
        // How far that number moves per delivery: 1, or the subscriber count when each message has one receiver.
        private int stride;
        private int[] sent;
        private long[] deliveries;
        private long[] lastDeliveryTicks;
        private List<int>[] latencies;
        private ManualResetEventSlim[] progress;
        private readonly object errorLock = new object();
        private int errorCount;
        private string firstError;

        public sealed class Outcome
        {
            public bool Valid;
            public string Problem;
            public double DeliveriesPerSecond;
            public long Deliveries;
            public long Expected;
            public double P50Us;
            public double P99Us;
        }

        public Outcome Run(IPEndPoint endpoint, string runId)
        {
            broker = endpoint;
            prefix = "bench/" + runId;
            site = runId;
            if (Filters > 0 && (Publishers != 1 || Filters % Subscribers != 0))
            {
                throw new ArgumentException("a filters scenario has one publisher and a multiple of the subscriber count as filters");
            }
            topics = new byte[Publishers][][];
            longestTopic = 0;
            for (int p = 0; p < Publishers; p++)
            {
                topics[p] = TopicsOf(p);
                foreach (byte[] t in topics[p]) longestTopic = Math.Max(longestTopic, t.Length);
            }
            if (Extras != PublishExtras.None && !Protocol.IsMqtt5) throw new ArgumentException("PUBLISH properties and topic aliases need MQTT 5.0");
            propertyBytes = Extras == PublishExtras.Properties ? ForwardedProperties.Block.Length : Extras == PublishExtras.Alias ? 3 : 0;
            int packet = Protocol.PublishSize(longestTopic, Qos, propertyBytes, Payload);
            window = Math.Max(Qos == 0 ? 4 : InflightWindow, EndToEndWindowBytes / packet);
            inflightLimit = InflightWindow;
            aliasLimit = int.MaxValue;
            stride = Filters > 0 ? Subscribers : 1;
            delivered = new int[Publishers * Subscribers];
            if (Filters > 0)
            {
                for (int s = 0; s < Subscribers; s++) delivered[s] = s;
            }
            sent = new int[Publishers];
            deliveries = new long[Subscribers];
            lastDeliveryTicks = new long[Subscribers];
            latencies = new List<int>[Subscribers];
            progress = new ManualResetEventSlim[Publishers];
            for (int p = 0; p < Publishers; p++) progress[p] = new ManualResetEventSlim(false);

            List<Socket> all = new List<Socket>();
            Socket[] subs = new Socket[Subscribers];
            Socket[] pubs = new Socket[Publishers];
            Outcome outcome = new Outcome();
            try
            {
                for (int s = 0; s < Subscribers; s++)
                {
                    subs[s] = Wire.Open(broker, 10000);
                    all.Add(subs[s]);
                    ConnAck a = Protocol.Handshake(subs[s], runId + "-s" + s);
                    if (a == null || a.Code != 0) throw new InvalidOperationException("subscriber refused: " + Protocol.Refusal(a));
                    Protocol.SubscribeAndWait(subs[s], FiltersOf(s), Qos);
                    subs[s].ReceiveTimeout = 200;
                    latencies[s] = new List<int>(RatePerPublisher > 0 ? (int)(RatePerPublisher * Publishers * Seconds * 1.2) : 0);
                }
                for (int p = 0; p < Publishers; p++)
                {
                    pubs[p] = Wire.Open(broker, 10000);
                    all.Add(pubs[p]);
                    ConnAck a = Protocol.Handshake(pubs[p], runId + "-p" + p);
                    if (a == null || a.Code != 0) throw new InvalidOperationException("publisher refused: " + Protocol.Refusal(a));
                    inflightLimit = Math.Min(inflightLimit, a.ReceiveMaximum);
                    aliasLimit = Math.Min(aliasLimit, a.TopicAliasMaximum);
                }
                if (Extras == PublishExtras.Alias && aliasLimit == 0)
                {
                    CloseAll(all);
                    outcome.Problem = Report.NotRun + " the broker's CONNACK allows no topic aliases (Topic Alias Maximum 0)";
                    return outcome;
                }
            }
            catch (Exception e) when (e is SocketException || e is InvalidOperationException)
            {
                CloseAll(all);
                outcome.Problem = "setup failed: " + e.Message;
                return outcome;
            }

            Thread[] subThreads = new Thread[Subscribers];
            for (int s = 0; s < Subscribers; s++)
            {
                int index = s;
                subThreads[s] = new Thread(() => RunSubscriber(index, subs[index])) { IsBackground = true, Name = "sub" + s };
                subThreads[s].Start();
            }
            startTicks = Stopwatch.GetTimestamp();
            endTicks = startTicks + (long)(Seconds * Stopwatch.Frequency);
            Thread[] pubThreads = new Thread[Publishers];
            for (int p = 0; p < Publishers; p++)
            {
                int index = p;
                pubThreads[p] = new Thread(() => RunPublisher(index, pubs[index])) { IsBackground = true, Name = "pub" + p };
                pubThreads[p].Start();
            }
            foreach (Thread t in pubThreads)
            {
                if (!t.Join(TimeSpan.FromSeconds(Seconds + 30)))
                {
                    abort = true;
                    Error("a publisher hung (no acknowledgement progress)");
                }
            }

            // Drain: every published message must reach every subscriber; give up after 5 s without progress.
            long expected = 0;
            for (int p = 0; p < Publishers; p++) expected += (long)sent[p] * (Filters > 0 ? 1 : Subscribers);
            long last = -1;
            long lastChange = Stopwatch.GetTimestamp();
            while (true)
            {
                long total = TotalDeliveries();
                if (total >= expected) break;
                if (total != last)
                {
                    last = total;
                    lastChange = Stopwatch.GetTimestamp();
                }
                else if (Stopwatch.GetTimestamp() - lastChange > 5 * Stopwatch.Frequency)
                {
                    break;
                }
                Thread.Sleep(5);
            }
            stopSubscribers = true;
            foreach (Thread t in subThreads) t.Join(2000);
            foreach (Socket s in all)
            {
                try { Wire.SendAll(s, new byte[] { Wire.Disconnect << 4, 0 }, 0, 2); } catch (SocketException) { } catch (ObjectDisposedException) { }
            }
            CloseAll(all);

            long got = TotalDeliveries();
            long lastTicks = startTicks;
            foreach (long t in lastDeliveryTicks) lastTicks = Math.Max(lastTicks, t);
            outcome.Deliveries = got;
            outcome.Expected = expected;
            double seconds = (lastTicks - startTicks) / (double)Stopwatch.Frequency;
            outcome.DeliveriesPerSecond = seconds > 0 ? got / seconds : 0;
            List<int> lat = new List<int>();
            foreach (List<int> l in latencies) if (l != null) lat.AddRange(l);
            if (lat.Count > 0)
            {
                lat.Sort();
                outcome.P50Us = lat[(int)(lat.Count * 0.50)];
                outcome.P99Us = lat[Math.Min(lat.Count - 1, (int)(lat.Count * 0.99))];
            }
            if (errorCount > 0)
            {
                outcome.Problem = errorCount + " delivery errors; first: " + firstError;
            }
            else if (got != expected)
            {
                outcome.Problem = "missing deliveries: " + got + " of " + expected + " arrived";
            }
            else if (got == 0)
            {
                outcome.Problem = "nothing was delivered";
            }
            outcome.Valid = outcome.Problem == null;
            return outcome;
        }

        private string Topic(int publisher)
        {
            return prefix + "/p" + publisher.ToString("00");
        }

        // Filter k belongs to subscriber k mod M; its shape and the topic that matches it alone follow from k.
        private string Filter(int k)
        {
            return MixedFilters.Filter(site, Subscribers, k);
        }

        private string FilterTopic(int k)
        {
            return MixedFilters.Topic(site, Subscribers, k);
        }

        private string[] FiltersOf(int subscriber)
        {
            if (Filters == 0)
            {
                string[] all = new string[Publishers];
                for (int p = 0; p < Publishers; p++) all[p] = Topic(p);
                return all;
            }
            string[] filters = new string[Filters / Subscribers];
            for (int i = 0; i < filters.Length; i++) filters[i] = Filter(i * Subscribers + subscriber);
            return filters;
        }

        private byte[][] TopicsOf(int publisher)
        {
            if (Filters == 0) return new[] { Encoding.UTF8.GetBytes(Topic(publisher)) };
            byte[][] cycle = new byte[Filters][];
            for (int k = 0; k < Filters; k++) cycle[k] = Encoding.UTF8.GetBytes(FilterTopic(k));
            return cycle;
        }

        private long TotalDeliveries()
        {
            long total = 0;
            for (int s = 0; s < Subscribers; s++) total += Volatile.Read(ref deliveries[s]);
            return total;
        }

        private int MinDelivered(int publisher)
        {
            int min = int.MaxValue;
            for (int s = 0; s < Subscribers; s++)
            {
                int d = Volatile.Read(ref delivered[s * Publishers + publisher]);
                if (d < min) min = d;
            }
            return min;
        }

        private static bool SameTopic(byte[] b, int at, int length, byte[] topic)
        {
            if (length != topic.Length) return false;
            for (int i = 0; i < length; i++)
            {
                if (b[at + i] != topic[i]) return false;
            }
            return true;
        }

        private void Error(string what)
        {
            lock (errorLock)
            {
                errorCount++;
                if (firstError == null) firstError = what;
            }
        }

        private static void CloseAll(List<Socket> sockets)
        {
            foreach (Socket s in sockets)
            {
                try { s.Close(); } catch (SocketException) { }
            }
        }

        private void RunPublisher(int index, Socket socket)
        {
            byte[][] own = topics[index];
            int packet = Protocol.PublishSize(longestTopic, Qos, propertyBytes, Payload);
            int batchMax = Math.Max(1, 65536 / packet);
            byte[] output = new byte[(batchMax + inflightLimit + 2) * Math.Max(packet, 4) + 1024];
            byte[] properties = Extras == PublishExtras.Properties ? ForwardedProperties.Block : ForwardedProperties.Empty;
            // Alias runs: topic k < aliases goes with alias k + 1, its topic sent with the alias the first time only.
            int aliases = Extras == PublishExtras.Alias ? Math.Min(aliasLimit, own.Length) : 0;
            byte[][] aliasProperties = new byte[aliases][];
            for (int k = 0; k < aliases; k++) aliasProperties[k] = Wire5.AliasProperty(k + 1);
            bool[] aliasSet = new bool[aliases];
            byte[] noTopic = new byte[0];
            byte[] input = new byte[65536];
            int inputCount = 0;
            bool[] outstanding = new bool[65536];
            int inflight = 0;
            int nextId = 0;
            int seq = 0;
            long periodTicks = RatePerPublisher > 0 ? Stopwatch.Frequency / RatePerPublisher : 0;
            long nextDue = Stopwatch.GetTimestamp();
            socket.ReceiveTimeout = 10000;
            try
            {
                while (!abort)
                {
                    long now = Stopwatch.GetTimestamp();
                    bool timeUp = now >= endTicks;
                    int length = 0;
                    if (!timeUp)
                    {
                        int allowed = window - (seq - MinDelivered(index));
                        if (Qos > 0) allowed = Math.Min(allowed, inflightLimit - inflight);
                        allowed = Math.Min(allowed, batchMax);
                        if (periodTicks > 0)
                        {
                            if (now < nextDue) allowed = 0;
                            else allowed = Math.Min(allowed, 1);
                        }
                        for (int i = 0; i < allowed; i++)
                        {
                            int id = 0;
                            if (Qos > 0)
                            {
                                do { nextId = nextId == 65535 ? 1 : nextId + 1; } while (outstanding[nextId]);
                                id = nextId;
                                outstanding[id] = true;
                                inflight++;
                            }
                            int k = seq % own.Length;
                            byte[] topic = own[k];
                            byte[] extra = properties;
                            if (k < aliases)
                            {
                                extra = aliasProperties[k];
                                if (aliasSet[k]) topic = noTopic;
                                aliasSet[k] = true;
                            }
                            length += Protocol.WritePublish(output, length, topic, Qos, id, extra, Payload, index, seq, Stopwatch.GetTimestamp());
                            seq++;
                        }
                        if (allowed > 0 && periodTicks > 0) nextDue += periodTicks;
                        if (length > 0)
                        {
                            Wire.SendAll(socket, output, 0, length);
                            length = 0;
                        }
                    }
                    if (Qos == 0 || inflight == 0)
                    {
                        if (timeUp) break;
                        if (periodTicks > 0)
                        {
                            long wait = nextDue - Stopwatch.GetTimestamp();
                            if (wait > 0) Thread.Sleep(Math.Max(0, (int)(wait * 1000 / Stopwatch.Frequency)));
                        }
                        else if (window - (seq - MinDelivered(index)) <= 0)
                        {
                            progress[index].Reset();
                            if (window - (seq - MinDelivered(index)) <= 0) progress[index].Wait(5);
                        }
                        continue;
                    }
                    // QoS 1/2: read acknowledgements (at least one is due), answer PUBREC with PUBREL.
                    int n = socket.Receive(input, inputCount, input.Length - inputCount, SocketFlags.None);
                    if (n <= 0)
                    {
                        Error("publisher " + index + ": the broker closed the connection");
                        return;
                    }
                    inputCount += n;
                    int at = 0;
                    while (inputCount - at >= 4)
                    {
                        int type = input[at] >> 4;
                        int id = (input[at + 2] << 8) | input[at + 3];
                        int size = 4;
                        int reason = 0;
                        bool wellFormed = input[at + 1] == 2;
                        if (Protocol.IsMqtt5)
                        {
                            // 5.0 acknowledgements may add a reason code and properties [MQTT 5.0, 3.4.2.1].
                            int used;
                            int remaining = Wire.ReadLength(input, at + 1, inputCount, out used);
                            if (remaining < 0 || inputCount - at < 1 + used + remaining) break;
                            size = 1 + used + remaining;
                            id = (input[at + 1 + used] << 8) | input[at + 2 + used];
                            reason = remaining > 2 ? input[at + 3 + used] : 0;
                            wellFormed = remaining >= 2 && reason < 0x80;
                        }
                        if (!wellFormed || !outstanding[id]
                            || !(Qos == 1 && type == Wire.PubAck || Qos == 2 && (type == Wire.PubRec || type == Wire.PubComp)))
                        {
                            Error("publisher " + index + ": unexpected packet 0x" + input[at].ToString("x2") + " for id " + id
                                + (reason != 0 ? " (reason code 0x" + reason.ToString("x2") + ")" : ""));
                            abort = true;
                            return;
                        }
                        if (type == Wire.PubRec)
                        {
                            length += Wire.WriteAck(output, length, Wire.PubRel, id);
                        }
                        else
                        {
                            outstanding[id] = false;
                            inflight--;
                        }
                        at += size;
                    }
                    Buffer.BlockCopy(input, at, input, 0, inputCount - at);
                    inputCount -= at;
                    if (length > 0)
                    {
                        Wire.SendAll(socket, output, 0, length);
                    }
                }
            }
            catch (SocketException e)
            {
                Error("publisher " + index + ": " + e.SocketErrorCode + (e.SocketErrorCode == SocketError.TimedOut ? " (no acknowledgement for 10 s)" : ""));
            }
            finally
            {
                Volatile.Write(ref sent[index], seq);
            }
        }

        private void RunSubscriber(int index, Socket socket)
        {
            // Many subscribers get smaller buffers: a hundred of 2 MB each would be 200 MB to allocate and touch.
            int bufferBytes = Subscribers > 16 ? 1 << 16 : 1 << 20;
            byte[] input = new byte[bufferBytes];
            byte[] output = new byte[bufferBytes];
            int count = 0;
            bool[] advanced = new bool[Publishers];
            List<int> lat = RatePerPublisher > 0 ? latencies[index] : null;
            while (!stopSubscribers)
            {
                int n;
                try
                {
                    n = socket.Receive(input, count, input.Length - count, SocketFlags.None);
                }
                catch (SocketException e)
                {
                    if (e.SocketErrorCode == SocketError.TimedOut || e.SocketErrorCode == SocketError.WouldBlock) continue;
                    if (!stopSubscribers) Error("subscriber " + index + ": " + e.SocketErrorCode);
                    return;
                }
                if (n <= 0)
                {
                    if (!stopSubscribers) Error("subscriber " + index + ": the broker closed the connection");
                    return;
                }
                long now = Stopwatch.GetTimestamp();
                count += n;
                int at = 0;
                int outLength = 0;
                long got = 0;
                while (count - at >= 2)
                {
                    int used;
                    int remaining = Wire.ReadLength(input, at + 1, count, out used);
                    if (remaining < 0) break;
                    int size = 1 + used + remaining;
                    if (size > input.Length)
                    {
                        Error("subscriber " + index + ": packet of " + size + " bytes");
                        return;
                    }
                    if (count - at < size) break;
                    int type = input[at] >> 4;
                    if (type == Wire.Publish)
                    {
                        int qos = (input[at] >> 1) & 3;
                        int p = at + 1 + used;
                        int topicLength = (input[p] << 8) | input[p + 1];
                        int topicAt = p + 2;
                        p += 2 + topicLength;
                        int id = 0;
                        if (qos > 0)
                        {
                            id = (input[p] << 8) | input[p + 1];
                            p += 2;
                        }
                        if (Protocol.IsMqtt5)
                        {
                            int propertiesUsed;
                            int propertiesLength = Wire.ReadLength(input, p, at + size, out propertiesUsed);
                            p += propertiesUsed;
                            string wrong = propertiesLength < 0 ? "malformed property length" : ForwardedProperties.Check(Extras, input, p, p + propertiesLength);
                            if (wrong != null) Error("subscriber " + index + ": PUBLISH properties: " + wrong);
                            p += Math.Max(0, propertiesLength);
                        }
                        int payload = at + size - p;
                        if (qos != Qos || payload != Payload)
                        {
                            Error("subscriber " + index + ": PUBLISH at QoS " + qos + " with " + payload + " B, expected QoS " + Qos + " with " + Payload + " B");
                        }
                        else
                        {
                            int pub = (input[p] << 8) | input[p + 1];
                            int seq = (input[p + 2] << 24) | (input[p + 3] << 16) | (input[p + 4] << 8) | input[p + 5];
                            long stamp = 0;
                            for (int i = 0; i < 8; i++) stamp = (stamp << 8) | input[p + 6 + i];
                            if (pub >= Publishers)
                            {
                                Error("subscriber " + index + ": PUBLISH from unknown publisher " + pub);
                            }
                            else
                            {
                                if (Extras == PublishExtras.Alias && !SameTopic(input, topicAt, topicLength, topics[pub][seq % topics[pub].Length]))
                                {
                                    Error("subscriber " + index + ": PUBLISH #" + seq + " from publisher " + pub + " with a topic other than the one its alias stands for");
                                }
                                int slot = index * Publishers + pub;
                                int expected = delivered[slot];
                                if (seq != expected)
                                {
                                    Error("subscriber " + index + ": from publisher " + pub + " got #" + seq + ", expected #" + expected
                                        + (seq < expected ? " (duplicate or reordered)" : " (" + (seq - expected) / stride + " missing)"));
                                }
                                if (seq >= expected) Volatile.Write(ref delivered[slot], seq + stride);
                                advanced[pub] = true;
                                got++;
                                if (lat != null) lat.Add((int)((now - stamp) * 1000000 / Stopwatch.Frequency));
                            }
                        }
                        if (qos == 1) outLength += Wire.WriteAck(output, outLength, Wire.PubAck, id);
                        else if (qos == 2) outLength += Wire.WriteAck(output, outLength, Wire.PubRec, id);
                    }
                    else if (type == Wire.PubRel)
                    {
                        int id = (input[at + 2] << 8) | input[at + 3];
                        outLength += Wire.WriteAck(output, outLength, Wire.PubComp, id);
                    }
                    else if (type != Wire.PingResp)
                    {
                        Error("subscriber " + index + ": unexpected packet 0x" + input[at].ToString("x2"));
                    }
                    at += size;
                    if (outLength > output.Length - 8)
                    {
                        Wire.SendAll(socket, output, 0, outLength);
                        outLength = 0;
                    }
                }
                Buffer.BlockCopy(input, at, input, 0, count - at);
                count -= at;
                if (outLength > 0)
                {
                    try
                    {
                        Wire.SendAll(socket, output, 0, outLength);
                    }
                    catch (SocketException e)
                    {
                        if (!stopSubscribers) Error("subscriber " + index + ": " + e.SocketErrorCode);
                        return;
                    }
                }
                if (got > 0)
                {
                    Volatile.Write(ref deliveries[index], deliveries[index] + got);
                    Volatile.Write(ref lastDeliveryTicks[index], now);
                    for (int pub = 0; pub < Publishers; pub++)
                    {
                        if (advanced[pub])
                        {
                            advanced[pub] = false;
                            progress[pub].Set();
                        }
                    }
                }
            }
        }
    }
}
