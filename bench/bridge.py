#!/usr/bin/python3
"""One bridged run for bench/bridge.sh: publishes COUNT QoS 1 messages to the edge broker (as fast as the client's
window of 100 unacknowledged messages allows) and receives them from the upstream broker, through the edge's bridge.
Prints one JSON line: messages/s from the first send to the last arrival, and the latency of each message (sent to
received, both on this machine's clock) as median and 99th percentile in ms. Debian's python3-paho-mqtt (1.6)."""
import json, sys, threading, time
import paho.mqtt.client as mqtt

edge_port, upstream_port, count, size = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
latencies = []
done = threading.Event()
subscribed = threading.Event()

def on_message(client, userdata, m):
    latencies.append(time.perf_counter_ns() - int(m.payload[:20]))
    if len(latencies) >= count:
        done.set()

sub = mqtt.Client(client_id="bench-upstream-sub", clean_session=True)
sub.on_message = on_message
sub.on_subscribe = lambda *a: subscribed.set()
sub.connect("127.0.0.1", upstream_port)
sub.subscribe("bench/#", 1)
sub.loop_start()
subscribed.wait(10)

pub = mqtt.Client(client_id="bench-edge-pub", clean_session=True)
pub.max_inflight_messages_set(100)
pub.max_queued_messages_set(0)
pub.connect("127.0.0.1", edge_port)
pub.loop_start()
time.sleep(0.5)
start = time.perf_counter_ns()
padding = b"x" * max(0, size - 20)
for i in range(count):
    info = pub.publish("bench/edge", b"%020d" % time.perf_counter_ns() + padding, qos=1)
    # paho queues without bound: wait while the window is full.
    while len(pub._out_messages) >= 100:
        time.sleep(0.0002)
ok = done.wait(120)
end = time.perf_counter_ns()
pub.loop_stop(); sub.loop_stop()
latencies.sort()
n = len(latencies)
print(json.dumps({
    "received": n, "sent": count, "seconds": (end - start) / 1e9,
    "msgs_per_s": n / ((end - start) / 1e9) if ok else 0,
    "p50_ms": latencies[n // 2] / 1e6 if n else None,
    "p99_ms": latencies[min(n - 1, n * 99 // 100)] / 1e6 if n else None,
}))
