#!/usr/bin/env bash
# Runs flash.ps1 with -WhatIf (PowerShell 7; installed as the "PowerShell" dotnet tool when missing) and checks
# that it prints the nanoff commands for firmware (with --fwversion, the version pinned in hardware/firmware.json),
# the native-assembly check (and the checksums it expects), Wi-Fi credentials and the app, runs none of them, and
# refuses clearly when the serial port is missing; that, run against a stand-in nanoff that reports a board's
# native assemblies, it deploys the app when they match hardware/firmware.json and stops before the app, naming
# the assembly, when System.Net's checksum differs; that it warns when the board would refuse everyone
# (no -PasswordFile, no -AllowAnonymous); that -SettingsFile -AllowAnonymous -PasswordFile -AclFile -TlsCertificate
# -TlsKey print one nanoff --filedeployment whose JSON (nanoFirmwareFlasher's format) lists the five files for I:\
# and the settings with allow_anonymous=true (the Wi-Fi password hidden); and that a malformed password file
# or a certificate without its key is refused before anything runs.
# Without a PowerShell that can be installed it says why and skips.
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

pinned="$(python3 -c 'import json; print(json.load(open("hardware/firmware.json"))["firmware"]["version"])')"
# System.Net's row of the table: package version, native version and checksum flash.ps1 must name.
read -r net_package net_native net_checksum <<<"$(python3 -c 'import json
r = next(p for p in json.load(open("hardware/firmware.json"))["packages"] if p["native_assembly"] == "System.Net")
print(r["version"], r["native_version"], r["native_checksum"])')"
out="$("$pwsh_cmd" -NoProfile -NonInteractive -File ./flash.ps1 -SerialPort /dev/ttyUSB0 -Target ESP32_PSRAM_REV0 \
  -WifiSsid x -WifiPassword y -WhatIf 2>&1)"
status=$?
echo "$out"
failed=0
if [ "$status" -ne 0 ]; then echo "flash.ps1 -WhatIf exited with $status" >&2; failed=1; fi
for expected in \
  "nanoff --update --target ESP32_PSRAM_REV0 --fwversion $pinned --serialport /dev/ttyUSB0" \
  'nanoff --nanodevice --devicedetails --serialport /dev/ttyUSB0' \
  'nanoff --networkdeployment ' \
  'nanoff --nanodevice --deploy --serialport /dev/ttyUSB0 --image '; do
  if ! grep -qF -- "What if: Performing the operation \"$expected" <<<"$out"; then
    echo "flash.ps1 -WhatIf did not print: $expected" >&2; failed=1
  fi
done
if grep -q '^== ' <<<"$out"; then echo "flash.ps1 -WhatIf ran a command" >&2; failed=1; fi
if ! grep -qF "  System.Net v$net_native, checksum $net_checksum" <<<"$out" || ! grep -qF 'native assemblies the board must report' <<<"$out"; then
  echo "flash.ps1 -WhatIf did not show the native assemblies it checks (System.Net v$net_native, checksum $net_checksum)" >&2; failed=1
fi
nodetect="$("$pwsh_cmd" -NoProfile -NonInteractive -File ./flash.ps1 -SerialPort /dev/ttyUSB0 -SkipApp -WhatIf 2>&1)"
if ! grep -qF "What if: Performing the operation \"nanoff --update --platform esp32 --fwversion $pinned --serialport /dev/ttyUSB0" <<<"$nodetect"; then
  echo "flash.ps1 -WhatIf without -Target did not pin the firmware: $nodetect" >&2; failed=1
fi
if ! grep -qF 'the board refuses clients without a user name' <<<"$out"; then
  echo "flash.ps1 -WhatIf without -PasswordFile or -AllowAnonymous did not warn that nobody can connect" >&2; failed=1
fi

# Access files: one --filedeployment with the settings (allow_anonymous=true), the passwords and the rules.
fixtures="$(mktemp -d)"
trap 'rm -rf "$fixtures"' EXIT
printf 'led_pin=4\npassword=wifi-secret\nallow_anonymous=false\n' >"$fixtures/nanobroker.ini"
printf '# users\nalice:$pbkdf2-sha256$1000$%s$%s\n' "$(printf '0%.0s' {1..32})" "$(printf 'a%.0s' {1..64})" >"$fixtures/passwords.txt"
printf 'user alice\ntopic readwrite home/#\n' >"$fixtures/acl.txt"
printf -- '-----BEGIN CERTIFICATE-----\n' >"$fixtures/server.crt"
printf -- '-----BEGIN PRIVATE KEY-----\n' >"$fixtures/server.key"
files_out="$("$pwsh_cmd" -NoProfile -NonInteractive -File ./flash.ps1 -SerialPort /dev/ttyUSB0 -SkipFirmware -SkipApp \
  -SettingsFile "$fixtures/nanobroker.ini" -AllowAnonymous -PasswordFile "$fixtures/passwords.txt" -AclFile "$fixtures/acl.txt" \
  -TlsCertificate "$fixtures/server.crt" -TlsKey "$fixtures/server.key" -WhatIf 2>&1)"
status=$?
echo "$files_out"
if [ "$status" -ne 0 ]; then echo "flash.ps1 -WhatIf with access files exited with $status" >&2; failed=1; fi
if ! grep -qF -- 'What if: Performing the operation "nanoff --filedeployment ' <<<"$files_out"; then
  echo "flash.ps1 -WhatIf with access files did not print nanoff --filedeployment" >&2; failed=1
fi
if grep -q '^== ' <<<"$files_out"; then echo "flash.ps1 -WhatIf with access files ran a command" >&2; failed=1; fi
if ! FIXTURES="$fixtures" python3 - "$files_out" <<'PY'
import json, os, sys
lines = sys.argv[1].splitlines()
fixtures = os.environ['FIXTURES']
def block_after(header, end):
    start = next(i for i, l in enumerate(lines) if l.startswith(header)) + 1
    stop = next(i for i in range(start, len(lines)) if end(lines[i]))
    return lines[start:stop]
deploy = json.loads('\n'.join(block_after('files.json for nanoff --filedeployment', lambda l: l == '}') + ['}']))
files = {f['DestinationFilePath']: f['SourceFilePath'] for f in deploy['Files']}
assert deploy['SerialPort'] == '/dev/ttyUSB0', deploy
assert list(files) == ['I:\\nanobroker.ini', 'I:\\passwords.txt', 'I:\\acl.txt', 'I:\\server.crt', 'I:\\server.key'], files
assert files['I:\\server.crt'] == os.path.join(fixtures, 'server.crt'), files
assert files['I:\\server.key'] == os.path.join(fixtures, 'server.key'), files
assert files['I:\\passwords.txt'] == os.path.join(fixtures, 'passwords.txt'), files
assert files['I:\\acl.txt'] == os.path.join(fixtures, 'acl.txt'), files
settings = block_after('I:\\nanobroker.ini would hold', lambda l: l.startswith('What if:'))
assert settings == ['led_pin=4', 'password=<hidden>', 'allow_anonymous=true'], settings
PY
then
  echo "flash.ps1 -WhatIf with access files did not print the expected files.json and settings" >&2; failed=1
fi
if grep -qF 'wifi-secret' <<<"$files_out"; then echo "flash.ps1 -WhatIf printed the Wi-Fi password" >&2; failed=1; fi
if grep -qF 'the board refuses clients without a user name' <<<"$files_out"; then
  echo "flash.ps1 warned that nobody can connect although -AllowAnonymous and -PasswordFile were given" >&2; failed=1
fi

printf 'alice:plaintext\n' >"$fixtures/bad-passwords.txt"
bad="$("$pwsh_cmd" -NoProfile -NonInteractive -File ./flash.ps1 -SerialPort /dev/null -SkipFirmware -SkipApp \
  -PasswordFile "$fixtures/bad-passwords.txt" 2>&1)"
if [ $? -eq 0 ] || ! grep -qF 'line 1: not user:$pbkdf2-sha256$' <<<"$bad" || grep -q '^== ' <<<"$bad"; then
  echo "flash.ps1 did not refuse a malformed password file before running anything: $bad" >&2; failed=1
fi

half="$("$pwsh_cmd" -NoProfile -NonInteractive -File ./flash.ps1 -SerialPort /dev/null -SkipFirmware -SkipApp \
  -TlsCertificate "$fixtures/server.crt" -AllowAnonymous 2>&1)"
if [ $? -eq 0 ] || ! grep -qF 'TLS needs both files' <<<"$half" || grep -q '^== ' <<<"$half"; then
  echo "flash.ps1 did not refuse a certificate without its key before running anything: $half" >&2; failed=1
fi

# A stand-in nanoff (first on PATH) that logs its arguments and reports a board's native assemblies: the check
# must let the app through when they match hardware/firmware.json, and stop before it when System.Net differs.
fake="$fixtures/bin"; mkdir -p "$fake"
cat >"$fake/nanoff" <<'SH'
#!/usr/bin/env bash
echo "$*" >>"$FAKE_NANOFF_LOG"
case " $* " in
  *" --devicedetails "*)
    printf 'HAL build info: nanoCLR running @ ESP32_PSRAM_REV0\n\nNative Assemblies:\n'
    cat "$FAKE_NANOFF_NATIVE" ;;
esac
exit 0
SH
chmod +x "$fake/nanoff"
python3 - "$fixtures/native-good.txt" "$fixtures/native-bad.txt" <<'PY'
import json, sys
rows = [p for p in json.load(open('hardware/firmware.json'))['packages'] if p['native_assembly']]
line = lambda name, ver, chk: '  %s v%s, checksum %s\n' % (name, ver, chk)
open(sys.argv[1], 'w').write(''.join(line(r['native_assembly'], r['native_version'], r['native_checksum']) for r in rows)
                             + '  nanoFramework.Hardware.Esp32 v100.0.10.0, checksum 0x6A20A689\n')
open(sys.argv[2], 'w').write(''.join(line(r['native_assembly'], '100.2.0.14', '0x8EFB9944') if r['native_assembly'] == 'System.Net'
                                     else line(r['native_assembly'], r['native_version'], r['native_checksum']) for r in rows))
PY
printf 'app' >"$fixtures/app.bin"
for case in good bad; do
  : >"$fixtures/nanoff-$case.log"
  run="$(PATH="$fake:$PATH" FAKE_NANOFF_LOG="$fixtures/nanoff-$case.log" FAKE_NANOFF_NATIVE="$fixtures/native-$case.txt" \
    "$pwsh_cmd" -NoProfile -NonInteractive -File ./flash.ps1 -SerialPort /dev/null -Target ESP32_PSRAM_REV0 \
    -Image "$fixtures/app.bin" -AllowAnonymous 2>&1)"
  status=$?
  echo "$run"
  calls="$(cat "$fixtures/nanoff-$case.log")"
  if ! grep -qxF -- "--update --target ESP32_PSRAM_REV0 --fwversion $pinned --serialport /dev/null" <<<"$calls"; then
    echo "flash.ps1 ($case board) did not run nanoff --update with --fwversion $pinned: $calls" >&2; failed=1
  fi
  if [ "$case" = good ]; then
    if [ "$status" -ne 0 ] || ! grep -qF -- '--deploy' <<<"$calls" || ! grep -qF 'native assemblies match hardware/firmware.json' <<<"$run"; then
      echo "flash.ps1 did not deploy the app to a board whose native assemblies match (exit $status): $calls" >&2; failed=1
    fi
  else
    if [ "$status" -eq 0 ] || grep -qF -- '--deploy' <<<"$calls" \
      || ! grep -qF "System.Net: the firmware has v100.2.0.14, checksum 0x8EFB9944; nanoFramework.System.Net $net_package needs v$net_native, checksum $net_checksum" <<<"$run"; then
      echo "flash.ps1 did not stop before the app on a board whose System.Net differs (exit $status): $calls" >&2; failed=1
    fi
  fi
done

refused="$("$pwsh_cmd" -NoProfile -NonInteractive -File ./flash.ps1 -Target ESP32_REV0 2>&1)"
if [ $? -eq 0 ] || ! grep -qF 'give the board' <<<"$refused"; then
  echo "flash.ps1 without -SerialPort did not refuse with a clear message: $refused" >&2; failed=1
fi

# Get-Help reads the comment-based help only when it opens the script (a #Requires line above it hides it).
synopsis="$("$pwsh_cmd" -NoProfile -NonInteractive -Command 'Get-Help ./flash.ps1 | Select-Object -ExpandProperty Synopsis' 2>&1)"
if ! grep -qF 'Puts NanoBroker on an ESP32' <<<"$synopsis"; then
  echo "Get-Help ./flash.ps1 shows no synopsis: $synopsis" >&2; failed=1
fi

if [ "$failed" -ne 0 ]; then exit 1; fi
echo "flash.ps1 dry run: Get-Help shows its help; it prints the nanoff commands (firmware $pinned pinned) and the files for I:\\, checks the board's native assemblies before the app, warns when nobody could connect, refuses a missing serial port, a malformed password file and a certificate without its key"
