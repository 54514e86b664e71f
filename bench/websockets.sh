#!/usr/bin/env bash
# MQTT over WebSockets: deliveries/s through NanoBroker's web port (--ws-port) beside mosquitto's websockets listener
# (Debian's mosquitto, built with libwebsockets), with one load generator (bench/WsBench: 4 publishers x 4
# subscribers, MQTT 3.1.1, 64 B, QoS 0 and 1, each packet one binary WebSocket message, every delivery checked in
# order), one broker after another on loopback ports. Prints the rates and NanoBroker's ratio to mosquitto, and writes
# bench/results/websockets.md after a full run; a quick run (BENCH_SECONDS set) writes to bench/results/quick/.
# An MQTTnet server is not in this comparison: MQTTnet 5 serves WebSockets only inside ASP.NET Core (MQTTnet.AspNetCore).
#
#   bench/websockets.sh                   # 3 s per scenario
#   BENCH_SECONDS=1 bench/websockets.sh   # shorter (noisier), results to bench/results/quick/
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SECS="${BENCH_SECONDS:-3}"
RESULTS="$ROOT/bench/results"
[ -n "${BENCH_SECONDS:-}" ] && RESULTS="$ROOT/bench/results/quick"
LOADAVG_BEFORE="$(cut -d" " -f1-3 /proc/loadavg)"
WORK="$(mktemp -d /tmp/nanobroker-wsbench.XXXXXX)"
BROKER_PID=""
cleanup() {
    if [ -n "$BROKER_PID" ] && kill -0 "$BROKER_PID" 2>/dev/null; then kill "$BROKER_PID" 2>/dev/null || true; wait "$BROKER_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT
command -v mosquitto >/dev/null || { echo "bench: mosquitto is not installed (apt-get install mosquitto)" >&2; exit 1; }

echo "== building (Release)"
for project in NanoBroker.Host/NanoBroker.Host.csproj bench/WsBench/WsBench.csproj; do
    dotnet build -c Release -nologo -v q "$project" >"$WORK/build.log" 2>&1 || { grep -E "error" "$WORK/build.log" | sort -u >&2; exit 1; }
done

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_port() {
    for _ in $(seq 1 150); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
        kill -0 "$BROKER_PID" 2>/dev/null || { echo "bench: the broker exited" >&2; cat "$WORK"/*.log >&2; return 1; }
        sleep 0.1
    done
    echo "bench: nothing listens on port $1" >&2; return 1
}

declare -A RATE
for name in nanobroker mosquitto; do
    port="$(free_port)"; ws="$(free_port)"
    if [ "$name" = nanobroker ]; then
        dotnet "$ROOT/NanoBroker.Host/bin/Release/net10.0/NanoBroker.Host.dll" -p "$port" --ws-port "$ws" --data "$WORK/data" \
            --queue-depth 5000 >"$WORK/$name.log" 2>&1 &
    else
        # mosquitto 2.0.11 starts no websockets listener unless a plain one is configured too.
        printf 'listener %s 127.0.0.1\nlistener %s\nprotocol websockets\nallow_anonymous true\npersistence false\nmax_queued_messages 0\nmax_queued_bytes 0\nmax_inflight_messages 32\nset_tcp_nodelay true\nlog_dest stderr\nlog_type error\n' \
            "$port" "$ws" >"$WORK/mosquitto.conf"
        mosquitto -c "$WORK/mosquitto.conf" >"$WORK/$name.log" 2>&1 &
    fi
    BROKER_PID=$!
    wait_port "$ws"
    echo "== $name"
    while read -r scenario rate; do
        echo "$scenario $rate"
        RATE["$name $scenario"]="$rate"
    done < <(dotnet "$ROOT/bench/WsBench/bin/Release/net10.0/WsBench.dll" "ws://127.0.0.1:$ws/mqtt" "$SECS")
    kill "$BROKER_PID"; wait "$BROKER_PID" 2>/dev/null || true; BROKER_PID=""
done

mkdir -p "$RESULTS"
{
    echo "# MQTT over WebSockets: NanoBroker beside mosquitto"
    echo
    echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "- CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(nproc) cores (brokers and load generator share them)"
    echo "- .NET: SDK $(dotnet --version); mosquitto: $(mosquitto -h 2>/dev/null | head -1 | sed 's/^mosquitto version //') (websockets listener, libwebsockets)"
    echo "- machine load average before the run: $LOADAVG_BEFORE"
    echo "- load: bench/WsBench, 4 publishers x 4 subscribers over ws://, MQTT 3.1.1, 64 B, $SECS s per scenario after 1 s of warm-up; at most 256 messages per publisher published but not yet delivered to all subscribers, 16 awaiting PUBACK at QoS 1"
    echo
    echo "| scenario | unit | nanobroker | mosquitto | nanobroker / mosquitto |"
    echo "|---|---|---:|---:|---:|"
    for scenario in ws-q0-64 ws-q1-64; do
        nb="${RATE[nanobroker $scenario]}"; mq="${RATE[mosquitto $scenario]}"
        printf '| deliveries/s, QoS %s, 64 B, 4x4, WebSockets | msg/s | %s | %s | %s× |\n' "${scenario:4:1}" "$nb" "$mq" "$(python3 -c "print(f'{$nb / $mq:.2f}')")"
    done
} >"$RESULTS/websockets.md"
cat "$RESULTS/websockets.md"
echo "== wrote ${RESULTS#"$ROOT"/}/websockets.md"
