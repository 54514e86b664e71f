#!/usr/bin/env bash
# Runs flash.ps1 with -WhatIf (PowerShell 7; installed as the "PowerShell" dotnet tool when missing) and checks
# that it prints the nanoff commands for firmware, Wi-Fi credentials and the app, runs none of them, and
# refuses clearly when the serial port is missing. Without a PowerShell that can be installed it says why
# and skips.
set -uo pipefail
cd "$(dirname "$0")/.."

pwsh_cmd="$(command -v pwsh || true)"
if [ -z "$pwsh_cmd" ] && [ -x "$HOME/.dotnet/tools/pwsh" ]; then pwsh_cmd="$HOME/.dotnet/tools/pwsh"; fi
if [ -z "$pwsh_cmd" ]; then
  echo "installing PowerShell 7 (dotnet tool PowerShell 7.6.9) for the flash.ps1 dry run"
  if dotnet tool install --global PowerShell --version 7.6.9 >/dev/null 2>&1 && [ -x "$HOME/.dotnet/tools/pwsh" ]; then
    pwsh_cmd="$HOME/.dotnet/tools/pwsh"
  else
    echo "flash.ps1 dry run: SKIPPED: no PowerShell 7 here and 'dotnet tool install --global PowerShell' failed"
    exit 0
  fi
fi

out="$("$pwsh_cmd" -NoProfile -NonInteractive -File ./flash.ps1 -SerialPort /dev/ttyUSB0 -Target ESP32_PSRAM_REV0 \
  -WifiSsid x -WifiPassword y -WhatIf 2>&1)"
status=$?
echo "$out"
failed=0
if [ "$status" -ne 0 ]; then echo "flash.ps1 -WhatIf exited with $status" >&2; failed=1; fi
for expected in \
  'nanoff --update --target ESP32_PSRAM_REV0 --serialport /dev/ttyUSB0' \
  'nanoff --networkdeployment ' \
  'nanoff --nanodevice --deploy --serialport /dev/ttyUSB0 --image '; do
  if ! grep -qF -- "What if: Performing the operation \"$expected" <<<"$out"; then
    echo "flash.ps1 -WhatIf did not print: $expected" >&2; failed=1
  fi
done
if grep -q '^== ' <<<"$out"; then echo "flash.ps1 -WhatIf ran a command" >&2; failed=1; fi

refused="$("$pwsh_cmd" -NoProfile -NonInteractive -File ./flash.ps1 -Target ESP32_REV0 2>&1)"
if [ $? -eq 0 ] || ! grep -qF 'give the board' <<<"$refused"; then
  echo "flash.ps1 without -SerialPort did not refuse with a clear message: $refused" >&2; failed=1
fi

if [ "$failed" -ne 0 ]; then exit 1; fi
echo "flash.ps1 dry run: prints the nanoff commands and refuses a missing serial port"
