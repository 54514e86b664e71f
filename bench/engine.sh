#!/usr/bin/env bash
# Engine micro-benchmarks (BenchmarkDotNet, in process, short job) and the engine's heap report.
# Writes bench/results/engine.md (time and bytes allocated per routed message) and
# bench/results/engine-memory.md (heap of the engine per limit). A few minutes on 2 cores.
#
#   bench/engine.sh                 # everything
#   bench/engine.sh --memory        # only the heap report
#   bench/engine.sh --filter '*Qos0*'   # a subset of the benchmarks (BenchmarkDotNet filter)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
RESULTS="$ROOT/bench/results"
WORK="$(mktemp -d /tmp/nanobroker-engine.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$RESULTS"

echo "== building (Release)"
build() {
    # Once more on failure: a build running at the same time in this work tree can lock files.
    local log
    log="$(dotnet build -c Release -nologo -v q "$1" 2>&1)" || log="$(dotnet build -c Release -nologo -v q "$1" 2>&1)" \
        || { echo "$log" | grep -E "error|Error" | sort -u >&2; echo "bench: build of $1 failed" >&2; exit 1; }
}
build bench/EngineBench/EngineBench.csproj
BENCH=(dotnet "$ROOT/bench/EngineBench/bin/Release/net10.0/EngineBench.dll")

echo "== engine heap (--memory)"
"${BENCH[@]}" --memory | tee "$RESULTS/engine-memory.md"
[ "${1:-}" = "--memory" ] && exit 0

echo "== engine micro-benchmarks (BenchmarkDotNet)"
"${BENCH[@]}" --artifacts "$WORK" "$@"
{
    echo "# NanoBroker engine micro-benchmarks"
    echo
    echo "Each operation routes one 64 B PUBLISH through the sans-IO engine (bytes written into the receive buffer, Received, outboxes drained with Sent),"
    echo "so Mean is the time per routed message and Allocated the managed bytes allocated per routed message. SubscribeUnsubscribe: one SUBSCRIBE and"
    echo "UNSUBSCRIBE beside 10,000 subscriptions; RetainedOnSubscribe: a SUBSCRIBE and the 100 of 10,000 retained messages it matches. BenchmarkDotNet 0.15.8, in process, short job"
    echo "(3 warm-up and 8 measured iterations of 250 ms): the error columns are wide; compare orders of magnitude."
    echo
    for f in "$WORK"/results/*-report-github.md; do
        name="$(basename "$f" -report-github.md)"
        echo "### ${name#EngineBench.}"
        echo
        sed -n '/^|/p' "$f" | sed 's/\*\*//g'
        echo
    done
    echo '```'
    sed -n '/^BenchmarkDotNet/,/^$/p' "$(ls "$WORK"/results/*-report-github.md | head -1)" | sed '/^```/d'
    echo '```'
} >"$RESULTS/engine.md"
echo "== wrote bench/results/engine.md and bench/results/engine-memory.md"
