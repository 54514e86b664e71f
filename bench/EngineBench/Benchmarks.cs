using BenchmarkDotNet.Attributes;
using LoadGenerator;
using NanoBroker;
using NanoBroker.Sessions;

namespace EngineBench
{
    // Each benchmark operation routes one PUBLISH through the engine and drains every outbox it filled,
    // so "Mean" is the time per routed message and "Allocated" the managed bytes per routed message.

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

    /// <summary>Routing cost as the subscription table grows: N non-matching filters plus 1 matching.</summary>
    [MemoryDiagnoser]
    public class SubscriptionTableSize
    {
        [Params(10, 100, 1000)]
        public int NonMatching;

        private Harness h;
        private Connection publisher;
        private Connection subscriber;
        private byte[] publish;

        [GlobalSetup]
        public void Setup()
        {
            h = new Harness(BrokerOptions.Desktop());
            // The non-matching filters are spread over 10 sessions, a mix of exact and wildcard filters.
            Connection[] others = new Connection[10];
            for (int i = 0; i < others.Length; i++) others[i] = h.Connect("other" + i);
            for (int i = 0; i < NonMatching; i++)
            {
                string filter = (i % 3) switch
                {
                    0 => "sensors/room" + i + "/temperature",
                    1 => "devices/" + i + "/+/state",
                    _ => "sensors/room" + i + "/#",
                };
                h.Subscribe(others[i % others.Length], filter, 0);
            }
            subscriber = h.Connect("sub");
            h.Subscribe(subscriber, "sensors/kitchen/temperature", 0);
            publisher = h.Connect("pub");
            publish = Harness.Publish("sensors/kitchen/temperature", 0, 0, 64, false);
        }

        [Benchmark]
        public int Route()
        {
            h.Feed(publisher, publish);
            return h.Drain(subscriber);
        }
    }
}
