using System;
using BenchmarkDotNet.Attributes;
using LoadGenerator;
using NanoBroker;
using NanoBroker.Sessions;

namespace EngineBench
{
    // Each benchmark operation routes one PUBLISH through the engine and drains every outbox it filled,
    // so "Mean" is the time per routed message and "Allocated" the managed bytes per routed message;
    // SubscribeUnsubscribe and RetainedOnSubscribe handle a SUBSCRIBE instead (see their summaries).

    /// <summary>QoS 0 PUBLISH of 64 B to 1 or 10 subscribers.</summary>
    [MemoryDiagnoser]
    public class PublishQos0
    {
        [Params(1, 10)]
        public int Subscribers;

        private Harness h;
        private Connection publisher;
        private Connection[] subscribers;
        private byte[] publish;

        [GlobalSetup]
        public void Setup()
        {
            h = new Harness(BrokerOptions.Desktop());
            subscribers = new Connection[Subscribers];
            for (int i = 0; i < Subscribers; i++)
            {
                subscribers[i] = h.Connect("sub" + i);
                h.Subscribe(subscribers[i], "sensors/+/temperature", 0);
            }
            publisher = h.Connect("pub");
            publish = Harness.Publish("sensors/kitchen/temperature", 0, 0, 64, false);
        }

        [Benchmark]
        public int Route()
        {
            h.Feed(publisher, publish);
            int bytes = 0;
            for (int i = 0; i < subscribers.Length; i++) bytes += h.Drain(subscribers[i]);
            return bytes;
        }
    }

    /// <summary>QoS 1 PUBLISH of 64 B to 1 subscriber: the publisher's PUBACK and the subscriber's PUBACK included.</summary>
    [MemoryDiagnoser]
    public class PublishQos1
    {
        private Harness h;
        private Connection publisher;
        private Connection subscriber;
        private byte[] publish;
        private byte[] ack;

        [GlobalSetup]
        public void Setup()
        {
            h = new Harness(BrokerOptions.Desktop());
            subscriber = h.Connect("sub");
            h.Subscribe(subscriber, "sensors/+/temperature", 1);
            publisher = h.Connect("pub");
            publish = Harness.Publish("sensors/kitchen/temperature", 1, 7, 64, false);
            ack = new byte[4];
        }

        [Benchmark]
        public int RouteAndAcknowledge()
        {
            h.Feed(publisher, publish);
            int bytes = h.Drain(publisher);
            int id = Harness.HeadPacketId(subscriber);
            bytes += h.Drain(subscriber);
            Wire.WriteAck(ack, 0, Wire.PubAck, id);
            h.Feed(subscriber, ack);
            return bytes;
        }
    }

    /// <summary>Retained QoS 0 PUBLISH of 64 B (replacing the topic's retained message) to 1 subscriber.</summary>
    [MemoryDiagnoser]
    public class RetainedPublish
    {
        private Harness h;
        private Connection publisher;
        private Connection subscriber;
        private byte[] publish;

        [GlobalSetup]
        public void Setup()
        {
            h = new Harness(BrokerOptions.Desktop());
            subscriber = h.Connect("sub");
            h.Subscribe(subscriber, "status/#", 0);
            publisher = h.Connect("pub");
            publish = Harness.Publish("status/device42", 0, 0, 64, true);
        }

        [Benchmark]
        public int RouteAndRetain()
        {
            h.Feed(publisher, publish);
            return h.Drain(subscriber);
        }
    }

    /// <summary>
    /// Routing cost as the subscriptions grow: QoS 0 PUBLISH of 64 B to the 1 subscriber whose filter matches,
    /// beside N non-matching filters of 10 other sessions (mixed shapes, see Harness.SubscribeMixed) that
    /// share the topic's first two levels.
    /// </summary>
    [MemoryDiagnoser]
    public class RouteBesideFilters
    {
        [Params(10, 100, 1000, 10000)]
        public int NonMatching;

        private Harness h;
        private Connection publisher;
        private Connection subscriber;
        private byte[] publish;

        [GlobalSetup]
        public void Setup()
        {
            h = new Harness(Harness.Large());
            Connection[] others = new Connection[10];
            for (int i = 0; i < others.Length; i++) others[i] = h.Connect("other" + i);
            h.SubscribeMixed(others, NonMatching);
            subscriber = h.Connect("sub");
            h.Subscribe(subscriber, "site/c0/+/temperature", 0);
            publisher = h.Connect("pub");
            publish = Harness.Publish("site/c0/dev0/temperature", 0, 0, 64, false);
        }

        [Benchmark]
        public int Route()
        {
            h.Feed(publisher, publish);
            return h.Drain(subscriber);
        }
    }

    /// <summary>SUBSCRIBE and UNSUBSCRIBE of one filter (with their SUBACK and UNSUBACK) beside 10,000 subscriptions of 10 other sessions.</summary>
    [MemoryDiagnoser]
    public class SubscribeUnsubscribe
    {
        private Harness h;
        private Connection client;
        private byte[] subscribe;
        private byte[] unsubscribe;

        [GlobalSetup]
        public void Setup()
        {
            h = new Harness(Harness.Large());
            Connection[] others = new Connection[10];
            for (int i = 0; i < others.Length; i++) others[i] = h.Connect("other" + i);
            h.SubscribeMixed(others, 10000);
            client = h.Connect("client");
            // A shape of the others' with a name none of them has.
            subscribe = Wire.SubscribePacket(1, new[] { "site/c42/+/alarm100" }, 0);
            unsubscribe = Wire.UnsubscribePacket(2, "site/c42/+/alarm100");
        }

        [Benchmark]
        public int SubscribeThenUnsubscribe()
        {
            h.Feed(client, subscribe);
            int bytes = h.Drain(client);
            h.Feed(client, unsubscribe);
            return bytes + h.Drain(client);
        }
    }

    /// <summary>
    /// SUBSCRIBE to site/+/dev3/state while 10,000 retained messages (64 B) are set, on site/I/devJ/state for I and J
    /// from 0 to 99: the time until its SUBACK and the 100 retained messages it matches have left the outbox. The same
    /// filter again each time: a repeated SUBSCRIBE replaces the subscription and sends the retained messages again.
    /// </summary>
    [MemoryDiagnoser]
    public class RetainedOnSubscribe
    {
        private Harness h;
        private Connection subscriber;
        private byte[] subscribe;

        [GlobalSetup]
        public void Setup()
        {
            h = new Harness(Harness.Large());
            Connection publisher = h.Connect("pub");
            int expected = 5;
            for (int i = 0; i < 100; i++)
            {
                for (int j = 0; j < 100; j++)
                {
                    byte[] publish = Harness.Publish("site/" + i + "/dev" + j + "/state", 0, 0, 64, true);
                    h.Feed(publisher, publish);
                    if (j == 3) expected += publish.Length;
                }
            }
            subscriber = h.Connect("sub");
            subscribe = Wire.SubscribePacket(1, new[] { "site/+/dev3/state" }, 0);
            int delivered = SubscribeAndReceive();
            if (delivered != expected) throw new InvalidOperationException("SUBSCRIBE brought " + delivered + " bytes, expected " + expected + " (SUBACK and 100 retained messages)");
        }

        [Benchmark]
        public int SubscribeAndReceive()
        {
            h.Feed(subscriber, subscribe);
            return h.Drain(subscriber);
        }
    }
}
