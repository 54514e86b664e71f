#!/usr/bin/env bash
# Checks NanoBroker.nuspec, the nanoFramework package, against what it packs (nuget pack needs the nanoFramework build
# tools, which this machine has not, so the package itself is not made here):
#   - its lib\netnano1.0\ files are exactly the .dll, .pe, .pdbx and .xml of the engine's assemblies (the bridge's and the MQTT-SN gateway's included), the names the .nfproj
#     files give (AssemblyName), from each project's bin\Release\, and each project writes that .xml (DocumentationFile);
#   - its dependencies (the netnano1.0 group) are exactly the packages the four projects' packages.config files pin,
#     at their versions;
#   - its version is the engine's (NanoBroker/BrokerVersion.cs), as is the .NET package's (NanoBroker/NanoBroker.csproj);
#   - the readme and icon it names are packed from files that exist, and it has a licence;
#   - NuGet packs it without a warning, with stand-ins for the assemblies (dotnet pack of a throwaway project that
#     names it as its NuspecFile): the schema, the licence expression, the readme and icon fields, the framework folder.
# Prints each problem and exits 1 on any. python3 (stdlib only) and the .NET SDK.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 - <<'PY'
import os, re, sys
import xml.etree.ElementTree as ET

MSBUILD = '{http://schemas.microsoft.com/developer/msbuild/2003}'
NUSPEC = '{http://schemas.microsoft.com/packaging/2012/06/nuspec.xsd}'
PROJECTS = ['NanoBroker.Protocol/NanoBroker.Protocol.nfproj', 'NanoBroker.Crypto/NanoBroker.Crypto.nfproj', 'NanoBroker.Web/NanoBroker.Web.nfproj', 'NanoBroker.Discovery/NanoBroker.Discovery.nfproj', 'NanoBroker/NanoBroker.nfproj',
            'NanoBroker.Bridge/NanoBroker.Bridge.nfproj', 'NanoBroker.MqttSn/NanoBroker.MqttSn.nfproj']
KINDS = ['dll', 'pe', 'pdbx', 'xml']
problems = []

spec = ET.parse('NanoBroker.nuspec').getroot()
meta = spec.find(NUSPEC + 'metadata')
def field(name):
    e = meta.find(NUSPEC + name)
    return None if e is None else (e.text or '').strip()

files = {}
for f in spec.find(NUSPEC + 'files').iter(NUSPEC + 'file'):
    files[f.get('target').replace('/', '\\')] = f.get('src').replace('/', '\\')

expected_lib = {}
pinned = {}
for project in PROJECTS:
    root = ET.parse(project).getroot()
    name = root.find('.//' + MSBUILD + 'AssemblyName').text
    folder = os.path.dirname(project)
    doc = root.find('.//' + MSBUILD + 'DocumentationFile')
    if doc is None or doc.text.replace('$(Configuration)', 'Release') != 'bin\\Release\\%s.xml' % name:
        problems.append('%s: <DocumentationFile>bin\\$(Configuration)\\%s.xml</DocumentationFile> is needed for the package' % (project, name))
    for kind in KINDS:
        expected_lib['lib\\netnano1.0\\%s.%s' % (name, kind)] = '%s\\bin\\Release\\%s.%s' % (folder, name, kind)
    for p in ET.parse(os.path.join(folder, 'packages.config')).getroot().iter('package'):
        if pinned.setdefault(p.get('id'), p.get('version')) != p.get('version'):
            problems.append('%s pins %s %s, another project %s' % (project, p.get('id'), p.get('version'), pinned[p.get('id')]))

packed_lib = {t: s for t, s in files.items() if t.startswith('lib\\')}
for target in sorted(set(expected_lib) - set(packed_lib)):
    problems.append('NanoBroker.nuspec: add <file src="%s" target="%s" />' % (expected_lib[target], target))
for target in sorted(set(packed_lib) - set(expected_lib)):
    problems.append('NanoBroker.nuspec: %s is not an output of the engine projects' % target)
for target in sorted(set(packed_lib) & set(expected_lib)):
    if packed_lib[target] != expected_lib[target]:
        problems.append('NanoBroker.nuspec: %s should come from %s, not %s' % (target, expected_lib[target], packed_lib[target]))

groups = list(meta.find(NUSPEC + 'dependencies'))
if len(groups) != 1 or groups[0].tag != NUSPEC + 'group' or groups[0].get('targetFramework') != 'netnano1.0':
    problems.append('NanoBroker.nuspec: the dependencies should be one <group targetFramework="netnano1.0">')
dependencies = {d.get('id'): d.get('version') for d in meta.iter(NUSPEC + 'dependency')}
for package in sorted(set(pinned) | set(dependencies)):
    if pinned.get(package) != dependencies.get(package):
        problems.append('NanoBroker.nuspec: dependency %s is %s, packages.config pins %s' % (package, dependencies.get(package), pinned.get(package)))

engine = re.search(r'Text = "([^"]+)"', open('NanoBroker/BrokerVersion.cs').read()).group(1)
if field('version') != engine:
    problems.append('NanoBroker.nuspec: version %s, the engine is %s (NanoBroker/BrokerVersion.cs)' % (field('version'), engine))
csproj = ET.parse('NanoBroker/NanoBroker.csproj').getroot()
version = csproj.find('.//Version')
if version is None or version.text != engine:
    problems.append('NanoBroker/NanoBroker.csproj: <Version> should be %s (NanoBroker/BrokerVersion.cs)' % engine)

for name in ('readme', 'icon'):
    target = field(name)
    packed = [s for t, s in files.items() if target and (t == target or t.rstrip('\\') + '\\' + s.split('\\')[-1] == target)]
    if not packed:
        problems.append('NanoBroker.nuspec: the %s %s is not among the files packed' % (name, target))
    for src in packed:
        if not os.path.isfile(src.replace('\\', '/')):
            problems.append('NanoBroker.nuspec: %s does not exist' % src)
if meta.find(NUSPEC + 'license') is None:
    problems.append('NanoBroker.nuspec: no <license>')

for p in problems:
    print('check-nuspec: ' + p)
if problems:
    print('check-nuspec: %d problem(s)' % len(problems))
    sys.exit(1)
print('check-nuspec: NanoBroker.nuspec packs the %d outputs of the engine\'s %d nanoFramework assemblies, depends on the %d packages they pin, version %s'
      % (len(expected_lib), len(PROJECTS), len(pinned), engine))
PY

stage="$(mktemp -d /tmp/nanobroker-nuspec.XXXXXX)"
trap 'rm -rf "$stage"' EXIT
cp NanoBroker.nuspec "$stage/"
python3 - "$stage" <<'PY'
import os, sys, xml.etree.ElementTree as ET
NUSPEC = '{http://schemas.microsoft.com/packaging/2012/06/nuspec.xsd}'
stage = sys.argv[1]
for f in ET.parse('NanoBroker.nuspec').getroot().iter(NUSPEC + 'file'):
    src = f.get('src').replace('\\', '/')
    os.makedirs(os.path.join(stage, os.path.dirname(src)), exist_ok=True)
    with open(os.path.join(stage, src), 'wb') as out:
        out.write(open(src, 'rb').read() if os.path.isfile(src) else b'stand-in')
PY
cat >"$stage/pack.csproj" <<'XML'
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>netstandard2.0</TargetFramework>
    <NuspecFile>NanoBroker.nuspec</NuspecFile>
    <NuspecBasePath>.</NuspecBasePath>
    <IncludeBuildOutput>false</IncludeBuildOutput>
  </PropertyGroup>
</Project>
XML
if ! output="$(dotnet pack "$stage/pack.csproj" -o "$stage/out" -nologo 2>&1)" || echo "$output" | grep -q "warning"; then
  echo "$output" | grep -E "warning|error" | sort -u
  echo "check-nuspec: NuGet does not pack NanoBroker.nuspec cleanly"
  exit 1
fi
echo "check-nuspec: NuGet packs it without a warning ($(cd "$stage/out" && ls *.nupkg), stand-ins for the assemblies)"
