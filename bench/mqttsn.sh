#!/usr/bin/env bash
# MQTT-SN publishes per second into the broker, to one MQTT subscriber (bench/MqttSnLoad): QoS 0 and QoS 1, through
# NanoBroker's own gateway (the desktop host with --mqttsn-port) and, beside it when MQTTSN_PAHO_GATEWAY names an
# Eclipse Paho MQTT-SNGateway binary you built yourself (UDP; github:eclipse/paho.mqtt-sn.embedded-c, not part of
# this repository), through that gateway in front of mosquitto. Prints the figures and writes them to
# bench/results/quick/mqttsn.md (not committed).
#
#   bench/mqttsn.sh
#   MQTTSN_PAHO_GATEWAY=/path/to/MQTT-SNGateway bench/mqttsn.sh
#   MQTTSN_PUBLISHERS=4 MQTTSN_SECONDS=3 MQTTSN_PAYLOAD=64 bench/mqttsn.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PUBLISHERS="${MQTTSN_PUBLISHERS:-4}"
SECS="${MQTTSN_SECONDS:-3}"
PAYLOAD="${MQTTSN_PAYLOAD:-64}"
OUT="$ROOT/bench/results/quick"
mkdir -p "$OUT"
WORK="$(mktemp -d /tmp/nanobroker-mqttsn-bench.XXXXXX)"
PIDS=()

cleanup() {
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket
s=socket.socket(); s.bind(("127.0.0.1",0)); t=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); t.bind(("127.0.0.1", s.getsockname()[1])); print(s.getsockname()[1])'
}

wait_tcp() {
    for _ in $(seq 100); do
        if (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    echo "bench: nothing listens on $1" >&2
    exit 1
}

dotnet build NanoBroker.Host/NanoBroker.Host.csproj -c Release -nologo -v quiet >/dev/null
dotnet build bench/MqttSnLoad/MqttSnLoad.csproj -c Release -nologo -v quiet >/dev/null
LOAD="dotnet bench/MqttSnLoad/bin/Release/net10.0/MqttSnLoad.dll"
RESULT="$OUT/mqttsn.md"
{
    echo "# MQTT-SN publishes/s to an MQTT subscriber ($PUBLISHERS publishers, $PAYLOAD B, ${SECS} s each, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
    echo
} > "$RESULT"

run_load() {
    local name="$1" sn="$2" mqtt="$3" tag="$4"
    for qos in 0 1; do
        line="$($LOAD "$sn" "$mqtt" "$qos" "$PUBLISHERS" "$SECS" "$PAYLOAD")"
        echo "$name: $line"
        echo "- $name: $line" >> "$RESULT"
        echo "$qos $(echo "$line" | sed -n 's/.*B: \([0-9]*\) delivered.*/\1/p')" >> "$WORK/rates.$tag"
    done
}

MQTT_PORT="$(free_port)"
SN_PORT="$(free_port)"
dotnet NanoBroker.Host/bin/Release/net10.0/NanoBroker.Host.dll --port "$MQTT_PORT" --mqttsn-port "$SN_PORT" --mqttsn-advertise-s 0 \
    --data "$WORK/data" > "$WORK/nanobroker.log" 2>&1 &
PIDS+=($!)
wait_tcp "$MQTT_PORT"
run_load "NanoBroker (its MQTT-SN gateway)" "$SN_PORT" "$MQTT_PORT" nanobroker
kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true

if [ -n "${MQTTSN_PAHO_GATEWAY:-}" ]; then
    MQTT_PORT="$(free_port)"
    SN_PORT="$(free_port)"
    printf 'listener %s 127.0.0.1\nallow_anonymous true\n' "$MQTT_PORT" > "$WORK/mosquitto.conf"
    mosquitto -c "$WORK/mosquitto.conf" > "$WORK/mosquitto.log" 2>&1 &
    PIDS+=($!)
    wait_tcp "$MQTT_PORT"
    cat > "$WORK/gateway.conf" <<CONF
GatewayID=1
GatewayName=PahoGateway-bench
MaxNumberOfClients=$((PUBLISHERS + 8))
KeepAlive=900
BrokerName=127.0.0.1
BrokerPortNo=$MQTT_PORT
BrokerSecurePortNo=8883
AggregatingGateway=NO
QoS-1=NO
Forwarder=NO
PredefinedTopic=NO
ClientAuthentication=NO
GatewayPortNo=$SN_PORT
MulticastPortNo=$(free_port)
MulticastIP=225.1.1.1
MulticastTTL=1
ShearedMemory=NO
CONF
    (cd "$WORK" && "$MQTTSN_PAHO_GATEWAY" -f "$WORK/gateway.conf" > "$WORK/paho.log" 2>&1) &
    PIDS+=($!)
    sleep 1
    run_load "Paho MQTT-SNGateway + mosquitto $(mosquitto -h 2>/dev/null | head -1 | awk '{print $3}')" "$SN_PORT" "$MQTT_PORT" paho
fi
if [ -n "${MQTTSN_PAHO_GATEWAY:-}" ]; then
    # NanoBroker's rate over the Paho gateway's, per QoS.
    paste "$WORK/rates.nanobroker" "$WORK/rates.paho" | while read -r qos nb _ paho; do
        ratio="$(awk -v a="$nb" -v b="$paho" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')"
        echo "QoS $qos: NanoBroker / (Paho gateway + mosquitto) = ${ratio}x" | tee -a "$RESULT"
    done
fi
echo "bench: written to $RESULT"
