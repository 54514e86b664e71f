#!/usr/bin/env bash
# Benchmarks NanoBroker's desktop host against mosquitto and a stock MQTTnet 5 server with the same
# load generator (bench/LoadGenerator), one broker after another, on loopback ports of this machine.
# Writes bench/results/latest.md, bench/results/latest.svg and the raw bench/results/*.json (the results
# README.md links to) after a full run. A quick run (BENCH_ONLY, BENCH_SECONDS or BENCH_BROKERS set) writes
# them to bench/results/quick/ instead (not committed), unless BENCH_OUT names the folder to write to
# (BENCH_OUT=bench/results to replace the committed results on purpose) or BENCH_SAVE=name writes
# bench/results/name.md and its JSON files (the ack-latency and scale results README.md links to).
# BENCH_MQTT=5 runs the scenarios with MQTT 5.0 clients, adding the 64 B -props and -alias variants; it too
# writes to bench/results/quick/ (as mqtt5.md) unless BENCH_OUT or BENCH_SAVE says otherwise. A broker that
# refuses 5.0 clients is skipped with a note. More NanoBroker host options go in BENCH_NANOBROKER_ARGS.
#
#   bench/run.sh                  # everything, about 3 to 4 minutes on 2 cores
#   BENCH_SECONDS=1 bench/run.sh  # shorter scenarios (noisier)
#   BENCH_ONLY=q0-64,q1-64 bench/run.sh   # a subset of scenario ids (see LoadGenerator's usage)
#   BENCH_BROKERS="nanobroker mosquitto" bench/run.sh
#   BENCH_NANOBROKER_DLL=/other/build/NanoBroker.Host.dll bench/run.sh   # another build of the host (before/after)
#   BENCH_ONLY=ack-lat bench/run.sh       # persistent CONNACK, SUBACK, retained QoS 1 PUBACK at idle (medians)
#   BENCH_ONLY=scale-1000,scale-5000 bench/run.sh   # connects/s and deliveries/s beside 1,000 and 5,000 idle connections
#   BENCH_ONLY=subs-5000,subs-10000 bench/run.sh    # QoS 1 deliveries/s while 100 subscribers hold 5,000 and 10,000 filters
#   BENCH_MQTT=5 BENCH_ONLY=q0-64,q1-64 BENCH_BROKERS="mosquitto mqttnet" BENCH_SECONDS=1 bench/run.sh   # MQTT 5.0, quick
#   BENCH_MQTT=5 BENCH_ONLY=q1-64,q1-64-props,q1-64-alias bench/run.sh   # 5.0 PUBLISH plain, with properties, with a topic alias
#   BENCH_NANOBROKER_ARGS="--some-option value" bench/run.sh   # more NanoBroker host options (word-split)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SECS="${BENCH_SECONDS:-3}"
LOADAVG_BEFORE="$(cut -d" " -f1-3 /proc/loadavg)"
ONLY="${BENCH_ONLY:-}"
BROKERS="${BENCH_BROKERS:-nanobroker mosquitto mqttnet}"
MQTT="${BENCH_MQTT:-3.1.1}"
case "$MQTT" in
    3.1.1|4) MQTT=3.1.1; DEFAULT_NAME=latest ;;
    5|5.0) MQTT=5; DEFAULT_NAME=mqtt5 ;;
    *) echo "bench: BENCH_MQTT is 3.1.1 or 5, not $MQTT" >&2; exit 1 ;;
esac
RESULTS="$ROOT/bench/results"
NAME="${BENCH_SAVE:-$DEFAULT_NAME}"
if [ -n "${BENCH_OUT:-}" ]; then
    mkdir -p "$BENCH_OUT"
    RESULTS="$(cd "$BENCH_OUT" && pwd)"
elif [ -z "${BENCH_SAVE:-}" ] && { [ -n "$ONLY" ] || [ -n "${BENCH_SECONDS:-}" ] || [ -n "${BENCH_BROKERS:-}" ] || [ "$MQTT" = 5 ]; }; then
    RESULTS="$ROOT/bench/results/quick"
fi
# The scale scenarios hold up to 5,000 connections beside the 4x4 flow: NanoBroker gets the slots for them.
# Its loop visits every slot each pass, so the other scenarios keep the 1,000 they always had.
NB_CLIENTS=1000
NB_SESSIONS=1024
case ",$ONLY," in *,scale-5000,*) NB_CLIENTS=5100; NB_SESSIONS=5200 ;; *,scale-1000,*) NB_CLIENTS=1100; NB_SESSIONS=1200 ;; esac
WORK="$(mktemp -d /tmp/nanobroker-bench.XXXXXX)"
BROKER_PID=""

cleanup() {
    if [ -n "$BROKER_PID" ] && kill -0 "$BROKER_PID" 2>/dev/null; then
        kill "$BROKER_PID" 2>/dev/null || true
        wait "$BROKER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

# The held-connections and scale scenarios open up to 5,000 sockets in each process.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
case ",$ONLY," in *,scale-5000,*)
    if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 12000 ]; then
        echo "bench: ulimit -n is $(ulimit -n) (hard limit $(ulimit -Hn)): the 5,000-connection scenario needs about 12,000" >&2
    fi ;;
esac

command -v mosquitto >/dev/null || { echo "bench: mosquitto is not installed (apt-get install mosquitto)" >&2; exit 1; }

echo "== building (Release)"
build() {
    # Once more on failure: a build running at the same time in this work tree can lock files.
    local log
    log="$(dotnet build -c Release -nologo -v q "$1" 2>&1)" || log="$(dotnet build -c Release -nologo -v q "$1" 2>&1)" \
        || { echo "$log" | grep -E "error|Error" | sort -u >&2; echo "bench: build of $1 failed" >&2; exit 1; }
}
build NanoBroker.Host/NanoBroker.Host.csproj
build bench/LoadGenerator/LoadGenerator.csproj
build bench/MqttNetServer/MqttNetServer.csproj
LOADGEN=(dotnet "$ROOT/bench/LoadGenerator/bin/Release/net10.0/LoadGenerator.dll")

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null \
        || echo $((20000 + RANDOM % 20000))
}

wait_port() {
    for _ in $(seq 1 150); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
        if ! kill -0 "$BROKER_PID" 2>/dev/null; then echo "bench: the broker exited" >&2; return 1; fi
        sleep 0.1
    done
    echo "bench: nothing listens on port $1" >&2
    return 1
}

start_broker() {
    local name="$1" port="$2"
    case "$name" in
        nanobroker)
            # Release host, fresh data folder, queue deep enough for the load generator's windows,
            # room for the held-connection and subscription scenarios; every other limit at the desktop defaults.
            # shellcheck disable=SC2086 # BENCH_NANOBROKER_ARGS is a list of options
            dotnet "${BENCH_NANOBROKER_DLL:-$ROOT/NanoBroker.Host/bin/Release/net10.0/NanoBroker.Host.dll}" -p "$port" --data "$WORK/nanobroker-data" \
                --queue-depth 5000 --max-clients "$NB_CLIENTS" --max-sessions "$NB_SESSIONS" \
                --max-subscriptions 20000 ${BENCH_NANOBROKER_ARGS:-} >"$WORK/$name.log" 2>&1 &
            ;;
        mosquitto)
            cat >"$WORK/mosquitto.conf" <<EOF
listener $port 127.0.0.1
allow_anonymous true
persistence false
# no per-client queue limit (QoS 1/2), as NanoBroker's deep queue and MQTTnet's raised limit
max_queued_messages 0
max_queued_bytes 0
# the same outbound inflight window as NanoBroker's desktop default (mosquitto's default is 20)
max_inflight_messages 32
# NanoBroker and MQTTnet disable Nagle on client sockets; mosquitto does only with this option
set_tcp_nodelay true
log_dest stderr
log_type error
log_type warning
EOF
            mosquitto -c "$WORK/mosquitto.conf" >"$WORK/$name.log" 2>&1 &
            ;;
        mqttnet)
            dotnet "$ROOT/bench/MqttNetServer/bin/Release/net10.0/MqttNetServer.dll" -p "$port" >"$WORK/$name.log" 2>&1 &
            ;;
        *) echo "bench: unknown broker $name" >&2; return 1 ;;
    esac
    BROKER_PID=$!
    wait_port "$port"
}

stop_broker() {
    kill "$BROKER_PID" 2>/dev/null || true
    wait "$BROKER_PID" 2>/dev/null || true
    BROKER_PID=""
}

mkdir -p "$RESULTS"
FILES=()
SKIPPED=()
for name in $BROKERS; do
    port="$(free_port)"
    start_broker "$name" "$port"
    args=(run --name "$name" --port "$port" --seconds "$SECS" --out "$WORK/$name.json")
    [ -n "$ONLY" ] && args+=(--only "$ONLY")
    [ "$MQTT" = 5 ] && args+=(--mqtt 5)
    rc=0
    "${LOADGEN[@]}" "${args[@]}" || rc=$?
    stop_broker
    if [ "$rc" = 3 ]; then
        # Exit code 3: the broker refused the load generator's MQTT 5.0 probe client.
        why="it refused an MQTT 5.0 client"
        [ "$name" = nanobroker ] && why="NanoBroker does not accept MQTT 5.0 yet (its CONNACK refused a 5.0 client)"
        echo "bench: skipping $name: $why" >&2
        SKIPPED+=("$name: $why")
        continue
    fi
    [ "$rc" = 0 ] || { echo "bench: the load generator failed against $name (exit code $rc)" >&2; exit 1; }
    if grep -qiE "exception|failed" "$WORK/$name.log"; then
        echo "bench: $name logged errors:" >&2
        grep -iE "exception|failed" "$WORK/$name.log" | head -5 >&2
    fi
    json="$RESULTS/$name.json"
    [ "$NAME" = latest ] || json="$RESULTS/$NAME-$name.json"
    cp "$WORK/$name.json" "$json"
    FILES+=("$json")
done
[ "${#FILES[@]}" -gt 0 ] || { echo "bench: no broker ran" >&2; exit 1; }

{
    echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "- CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(nproc) cores (brokers and load generator share them)"
    echo "- OS: $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
    echo "- .NET: SDK $(dotnet --version), runtime $(dotnet --list-runtimes | grep -m1 'Microsoft.NETCore.App' | cut -d' ' -f2)"
    echo "- mosquitto: $(mosquitto -h 2>/dev/null | head -1 | sed 's/^mosquitto version //'); MQTTnet.Server 5.2.0.1603"
    echo "- machine load average before the run: $LOADAVG_BEFORE (other work was running on the machine: numbers are noisy)"
    if [ "$MQTT" = 5 ]; then
        echo "- protocol: MQTT 5.0 for every client (PUBLISH with an empty property block; -props: a Message Expiry Interval, Content Type and User Property on every PUBLISH, each subscriber checking what arrives; -alias: a Topic Alias set by each publisher's first PUBLISH, then an empty topic)"
        for skipped in "${SKIPPED[@]}"; do echo "- not run: $skipped"; done
    fi
    echo "- load: 4 publishers x 4 subscribers (each subscribed to every publisher's topic), $SECS s per scenario, QoS 1/2 publishers pipelined with 16 in flight, at most 32 KB per publisher published but not yet delivered to all subscribers"
} >"$WORK/machine.md"

"${LOADGEN[@]}" report --md "$RESULTS/$NAME.md" --svg "$RESULTS/$NAME.svg" --machine "$WORK/machine.md" "${FILES[@]}"
echo "== wrote ${RESULTS#"$ROOT"/}/$NAME.md and ${RESULTS#"$ROOT"/}/$NAME.svg"
