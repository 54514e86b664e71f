#!/usr/bin/env bash
# A long fuzz run of the engine (the suite runs each seed for under a second):
#   bench/fuzz.sh            # 10 minutes over fresh seeds
#   bench/fuzz.sh 3600       # an hour
# Each seed's report (connections, violation closes, messages of the good pairs) is printed; a failure
# names its seed, to be replayed with NANOBROKER_FUZZ_SEED=<seed> (see README, "Security").
set -euo pipefail
cd "$(dirname "$0")/.."
NANOBROKER_FUZZ_SECONDS="${1:-600}" dotnet test NanoBroker.Tests/NanoBroker.Tests.csproj -c Release \
    --filter "FullyQualifiedName~FuzzTests.MutatedAndRandomStreams_Seed1" --logger "console;verbosity=detailed"
