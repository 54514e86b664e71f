using System;
using BenchmarkDotNet.Attributes;
using LoadGenerator;
using NanoBroker;
using NanoBroker.Sessions;

namespace EngineBench
{
    // MQTT 5.0 routes, as Benchmarks.cs's 3.1.1 ones: each operation routes one 64 B PUBLISH from a 5.0 publisher to
    // 5.0 subscribers and drains every outbox it filled, so Allocated is the managed bytes per routed message (0 is
    // the goal: no allocation per packet, with or without properties and aliases).

    /// <summary>
    /// QoS 0 PUBLISH of 64 B at 5.0 to 1 or 10 5.0 subscribers: with an empty property block, with the load generator's
    /// forwarded properties (Message Expiry Interval, Content Type, User Property), or with an inbound Topic Alias
    /// (the topic sent once in setup, then an empty topic and the alias).
    /// </summary>
    [MemoryDiagnoser]
    public class PublishQos0Mqtt5
    {
        [Params(1, 10)]
        public int Subscribers;

        [Params(PublishExtras.None, PublishExtras.Properties, PublishExtras.Alias)]
        public PublishExtras Extras;

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
                subscribers[i] = h.Connect5("sub" + i);
                h.Subscribe5(subscribers[i], "sensors/+/temperature", 0);
            }
            publisher = h.Connect5("pub");
            if (Extras == PublishExtras.Alias)
            {
                publish = Harness.PublishMqtt5("sensors/kitchen/temperature", 0, 0, Extras, true);
                Route();
            }
            publish = Harness.PublishMqtt5("sensors/kitchen/temperature", 0, 0, Extras, false);
            int delivered = Route() / Subscribers;
            int expected = Harness.ForwardedSize("sensors/kitchen/temperature", 0, Extras);
            if (delivered != expected) throw new InvalidOperationException("each subscriber got " + delivered + " bytes, expected " + expected);
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

    /// <summary>QoS 1 PUBLISH of 64 B at 5.0 to 1 5.0 subscriber, both PUBACKs included; PUBLISH extras as <see cref="PublishQos0Mqtt5"/>.</summary>
    [MemoryDiagnoser]
    public class PublishQos1Mqtt5
    {
        [Params(PublishExtras.None, PublishExtras.Properties, PublishExtras.Alias)]
        public PublishExtras Extras;

        private Harness h;
        private Connection publisher;
        private Connection subscriber;
        private byte[] publish;
        private byte[] ack;

        [GlobalSetup]
        public void Setup()
        {
            h = new Harness(BrokerOptions.Desktop());
            subscriber = h.Connect5("sub");
            h.Subscribe5(subscriber, "sensors/+/temperature", 1);
            publisher = h.Connect5("pub");
            ack = new byte[4];
            if (Extras == PublishExtras.Alias)
            {
                publish = Harness.PublishMqtt5("sensors/kitchen/temperature", 1, 7, Extras, true);
                RouteAndAcknowledge();
            }
            publish = Harness.PublishMqtt5("sensors/kitchen/temperature", 1, 7, Extras, false);
            int bytes = RouteAndAcknowledge();
            int expected = 4 + Harness.ForwardedSize("sensors/kitchen/temperature", 1, Extras);
            if (bytes != expected) throw new InvalidOperationException("PUBACK and delivery were " + bytes + " bytes, expected " + expected);
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
}
