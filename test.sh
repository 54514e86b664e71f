#!/usr/bin/env bash
# Runs every test of NanoBroker on a fresh Linux machine with the .NET SDK:
# installs the real MQTT peers the integration tests drive (Debian packages), compiles the engine
# against nanoFramework's mscorlib, runs the unit and integration tests, and prints
# "tests: N passed, N failed" from the test results.
set -euo pipefail
cd "$(dirname "$0")"

# chromium: the status page is tested in it (headless, driven by playwright-core). nats-server: a bridge's cluster upstream.
packages="mosquitto mosquitto-clients python3-paho-mqtt chromium nats-server"
missing=""
for p in $packages; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
# Node.js and npm run MQTT.js (an MQTT 5.0 client) for the integration tests; a Node.js of another origin will do.
command -v npm >/dev/null 2>&1 || missing="$missing nodejs npm"
if [ -n "$missing" ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing:$missing"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >/dev/null
fi
# The Debian broker is only a benchmark peer: keep its service from holding port 1883.
if command -v systemctl >/dev/null 2>&1; then systemctl stop mosquitto >/dev/null 2>&1 || true; fi

echo "== nanoFramework projects: every source file and package listed (.ci/check-nfproj.sh)"
bash .ci/check-nfproj.sh

echo "== portable tests keep no instance state: nanoFramework's launcher never constructs test classes (.ci/check-portable-tests.sh)"
bash .ci/check-portable-tests.sh

echo "== ESP32 firmware pin: packages.config, hardware/firmware.json and flash.ps1 agree (.ci/check-firmware-pin.sh)"
bash .ci/check-firmware-pin.sh

echo "== nanoFramework package: NanoBroker.nuspec packs the engine's assemblies and depends on what they pin (.ci/check-nuspec.sh)"
bash .ci/check-nuspec.sh

echo "== .NET package: dotnet pack of the engine holds the assembly and its XML docs (.ci/check-dotnet-pack.sh)"
bash .ci/check-dotnet-pack.sh

echo "== nanoFramework compile check: the engine against nanoFramework.CoreLibrary's mscorlib"
dotnet build .ci/nanoframework/NanoBroker.NanoFramework.csproj -nologo -v quiet

echo "== nanoFramework compile check: the bridge (NanoBroker.Bridge) as its own assembly against mscorlib and the engine's"
dotnet build .ci/nanoframework/bridge/NanoBroker.Bridge.NanoFramework.csproj -nologo -v quiet
echo "== nanoFramework compile check: the MQTT-SN gateway against mscorlib and the engine's public API"
dotnet build .ci/nanoframework/mqttsn/NanoBroker.MqttSn.NanoFramework.csproj -nologo -v quiet

echo "== nanoFramework compile check: the ESP32 app and the socket loop against mscorlib and the declared device APIs"
dotnet build .ci/nanoframework/device-check/NanoBroker.Esp32.CompileCheck.csproj -nologo -v quiet

echo "== nanoFramework compile check: samples/Esp32Sensor against the engine's public API, mscorlib and the declared ADC, GPIO and Wi-Fi APIs"
dotnet build .ci/nanoframework/sample-check/Esp32Sensor.CompileCheck.csproj -nologo -v quiet

echo "== nanoFramework compile check: the portable engine tests against mscorlib and nanoFramework.TestFramework's Assert"
dotnet build .ci/nanoframework/tests-check/NanoBroker.Tests.CompileCheck.csproj -nologo -v quiet

echo "== flash.ps1 dry run (.ci/check-flash-dry-run.sh)"
bash .ci/check-flash-dry-run.sh

echo "== running it as a service: dotnet publish of the host and the systemd unit (service/nanobroker.service)"
publish="$(mktemp -d /tmp/nanobroker-publish.XXXXXX)"
# Self-contained, as README says; the runtime pack comes from NuGet once. Offline, framework-dependent instead.
if dotnet publish NanoBroker.Host -c Release -r linux-x64 --self-contained -o "$publish" -nologo -v quiet >"$publish.log" 2>&1; then
  echo "published self-contained (linux-x64)"
else
  echo "NOTE: self-contained publish failed (no runtime pack from NuGet?); publishing framework-dependent instead:"
  tail -3 "$publish.log"
  dotnet publish NanoBroker.Host -c Release -o "$publish" -nologo -v quiet
fi
"$publish/NanoBroker.Host" --version
if command -v systemd-analyze >/dev/null 2>&1; then
  # The unit as installed, its ExecStart pointed at the binary just published (verify checks that it exists).
  mkdir -p "$publish/unit"
  sed "s#/opt/nanobroker/NanoBroker.Host#$publish/NanoBroker.Host#" service/nanobroker.service >"$publish/unit/nanobroker.service"
  verify="$(systemd-analyze verify "$publish/unit/nanobroker.service" 2>&1)" || { echo "$verify"; echo "systemd-analyze verify failed" >&2; exit 1; }
  if [ -n "$verify" ]; then echo "$verify"; echo "systemd-analyze verify warned about service/nanobroker.service" >&2; exit 1; fi
  echo "service/nanobroker.service: systemd-analyze verify passes"
else
  echo "NOTE: systemd-analyze is not installed here: service/nanobroker.service NOT verified"
fi
rm -rf "$publish" "$publish.log"

echo "== MQTT.js and playwright-core for the integration tests: npm ci in NanoBroker.Tests/Integration/js (package-lock.json), when it changed"
if [ ! -d NanoBroker.Tests/Integration/js/node_modules ] || [ NanoBroker.Tests/Integration/js/package-lock.json -nt NanoBroker.Tests/Integration/js/node_modules/.package-lock.json ]; then
  (cd NanoBroker.Tests/Integration/js && npm ci --no-audit --no-fund --loglevel=error)
fi

echo "== unit and integration tests"
results="$(pwd)/TestResults"
rm -rf "$results"
status=0
dotnet test NanoBroker.Tests/NanoBroker.Tests.csproj -nologo --logger "trx;LogFileName=results.trx" --results-directory "$results" || status=$?

trx="$results/results.trx"
if [ ! -f "$trx" ]; then
  echo "no test results were written" >&2
  echo "tests: 0 passed, 1 failed"
  exit 1
fi
counters=$(grep -o '<Counters [^>]*>' "$trx")
passed=$(echo "$counters" | sed -E 's/.* passed="([0-9]+)".*/\1/')
failed=$(echo "$counters" | sed -E 's/.* failed="([0-9]+)".*/\1/')
errors=$(echo "$counters" | sed -E 's/.* error="([0-9]+)".*/\1/')
timeouts=$(echo "$counters" | sed -E 's/.* timeout="([0-9]+)".*/\1/')
failed=$((failed + errors + timeouts))
echo "tests: $passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
