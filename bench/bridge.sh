#!/usr/bin/env bash
# The bridge scenario (issue #15): a local publisher sends QoS 1 messages to an edge broker, which bridges them
# (topic bench/# out 1) to an upstream mosquitto where a subscriber receives them. The edge is NanoBroker's desktop
# host, then mosquitto with its own bridge (connection/address/topic bench/# out 1), each against a fresh upstream
# mosquitto, same client, same messages. Prints messages/s (first send to last arrival) and the latency of each
# message (median, 99th percentile), and NanoBroker's ratios to mosquitto's bridge.
#
#   bench/bridge.sh                     # 3 rounds of 20,000 messages of 64 B; writes bench/results/bridge.md
#   BENCH_COUNT=2000 bench/bridge.sh    # a quick run: writes bench/results/quick/bridge.md instead
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
COUNT="${BENCH_COUNT:-20000}"
ROUNDS="${BENCH_ROUNDS:-3}"
SIZE=64
OUT="$ROOT/bench/results"
{ [ -n "${BENCH_COUNT:-}" ] || [ -n "${BENCH_ROUNDS:-}" ]; } && OUT="$ROOT/bench/results/quick"
mkdir -p "$OUT"
WORK="$(mktemp -d /tmp/nanobroker-bridge-bench.XXXXXX)"
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.1; done; echo "bench: nothing on port $1" >&2; exit 1; }

echo "== building NanoBroker.Host (Release)"
dotnet build -c Release -nologo -v q NanoBroker.Host/NanoBroker.Host.csproj >/dev/null
HOST="$ROOT/NanoBroker.Host/bin/Release/net10.0/NanoBroker.Host.dll"

run_one() { # edge kind, round -> JSON line
    local kind="$1" round="$2" up edge dir
    up="$(free_port)"; edge="$(free_port)"; dir="$WORK/$kind-$round"; mkdir -p "$dir"
    printf 'listener %s 127.0.0.1\nallow_anonymous true\nmax_queued_messages 100000\n' "$up" >"$dir/upstream.conf"
    mosquitto -c "$dir/upstream.conf" >"$dir/upstream.log" 2>&1 & PIDS+=($!)
    wait_port "$up"
    if [ "$kind" = nanobroker ]; then
        printf 'port=%s\nbridge.up.address=127.0.0.1:%s\nbridge.up.topic=bench/# out 1\nbridge.up.clientid=edge-%s\n' "$edge" "$up" "$round" >"$dir/nanobroker.ini"
        dotnet "$HOST" --config "$dir/nanobroker.ini" --data "$dir/data" >"$dir/edge.log" 2>&1 & PIDS+=($!)
    else
        printf 'listener %s 127.0.0.1\nallow_anonymous true\nmax_queued_messages 100000\nconnection up\naddress 127.0.0.1:%s\ntopic bench/# out 1\nclientid edge-%s\ncleansession false\n' "$edge" "$up" "$round" >"$dir/edge.conf"
        mosquitto -c "$dir/edge.conf" >"$dir/edge.log" 2>&1 & PIDS+=($!)
    fi
    wait_port "$edge"
    sleep 1.5   # the bridge connects upstream and subscribes locally
    /usr/bin/python3 bench/bridge.py "$edge" "$up" "$COUNT" "$SIZE"
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
    PIDS=()
}

declare -A RESULTS
for round in $(seq "$ROUNDS"); do
    for kind in nanobroker mosquitto; do
        line="$(run_one "$kind" "$round")"
        echo "$kind round $round: $line"
        RESULTS[$kind-$round]="$line"
    done
done

/usr/bin/python3 - "$OUT/bridge.md" "$COUNT" "$SIZE" "$ROUNDS" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" "$(mosquitto -h 2>/dev/null | head -1)" \
    "$(for k in "${!RESULTS[@]}"; do echo "$k ${RESULTS[$k]}"; done)" <<'PY'
import json, statistics, sys
out, count, size, rounds, cores, load, mosq, lines = sys.argv[1:9]
runs = {}
for line in lines.splitlines():
    key, data = line.split(" ", 1)
    runs.setdefault(key.rsplit("-", 1)[0], []).append(json.loads(data))
def med(kind, field):
    return statistics.median(r[field] for r in runs[kind])
nb, mq = "nanobroker", "mosquitto"
rows = [("messages/s (first send to last arrival)", "msgs_per_s", True), ("latency median, ms", "p50_ms", False), ("latency 99th percentile, ms", "p99_ms", False)]
text = ["# Bridged QoS 1: local publisher -> edge broker's bridge -> upstream mosquitto -> subscriber", "",
        "`bench/bridge.sh`: %s messages of %s B at QoS 1 per run (the publisher keeps 100 unacknowledged), the median of %s runs;"
        " the edge is NanoBroker's desktop host (`bridge.up.topic=bench/# out 1`) or mosquitto's own bridge"
        " (`topic bench/# out 1`), the upstream a fresh mosquitto each run. %s cores, load before %s; %s." % (count, size, rounds, cores, load, mosq), "",
        "| | NanoBroker bridge | mosquitto bridge | NanoBroker / mosquitto |", "|---|---:|---:|---:|"]
for label, field, higher in rows:
    a, b = med(nb, field), med(mq, field)
    ratio = a / b if b else float("nan")
    text.append("| %s | %.1f | %.1f | %.2fx%s |" % (label, a, b, ratio, "" if higher else " (lower is better)"))
text.append("")
text.append("Every run received all %s messages: %s." % (count, all(r["received"] == int(count) for k in runs for r in runs[k])))
open(out, "w").write("\n".join(text) + "\n")
print("\n".join(text))
PY
echo "== wrote ${OUT#"$ROOT"/}/bridge.md"
