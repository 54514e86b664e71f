#!/usr/bin/env bash
# dotnet pack of the engine for .NET apps (NanoBroker/NanoBroker.csproj): it must succeed, and the package must hold
# the assembly and its XML documentation, with the readme and icon it names. Exits 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
out="$(mktemp -d /tmp/nanobroker-pack.XXXXXX)"
trap 'rm -rf "$out"' EXIT
dotnet pack NanoBroker/NanoBroker.csproj -c Release -o "$out" -nologo -v quiet
python3 - "$out" <<'PY'
import glob, sys, zipfile
packages = glob.glob(sys.argv[1] + '/NanoBroker.*.nupkg')
if len(packages) != 1:
    sys.exit('check-dotnet-pack: expected one NanoBroker .nupkg, found %s' % packages)
names = set(zipfile.ZipFile(packages[0]).namelist())
missing = [n for n in ('lib/net10.0/NanoBroker.dll', 'lib/net10.0/NanoBroker.xml', 'README.md', 'icon.png') if n not in names]
if missing:
    sys.exit('check-dotnet-pack: %s lacks %s' % (packages[0].split('/')[-1], ', '.join(missing)))
print('check-dotnet-pack: %s holds lib/net10.0/NanoBroker.dll and NanoBroker.xml, the readme and the icon' % packages[0].split('/')[-1])
PY
