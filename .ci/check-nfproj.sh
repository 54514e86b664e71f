#!/usr/bin/env bash
# Checks the nanoFramework projects, which list their files and packages by hand:
#   - the engine is five nanoFramework assemblies (NanoBroker.Web: NanoBroker/Web/, listed by NanoBroker.Web/NanoBroker.Web.nfproj, referencing Protocol and Crypto only;
#     NanoBroker.Discovery: NanoBroker/Discovery/, by NanoBroker.Discovery/NanoBroker.Discovery.nfproj, referencing Protocol only), as one came too close to the MetadataProcessor's 64 KB of byte
#     code: NanoBroker.Protocol/NanoBroker.Protocol.nfproj lists every .cs of NanoBroker/Protocol/ and nothing else,
#     and references no other project and no package but mscorlib (the codec depends on nothing in NanoBroker);
#     NanoBroker.Crypto/NanoBroker.Crypto.nfproj lists files of NanoBroker/Security/ only (the cryptography; which
#     ones, it says, and .ci/nanoframework/EngineAssemblies.props says the same) and references NanoBroker.Protocol
#     and mscorlib only; NanoBroker/NanoBroker.nfproj lists every other .cs of NanoBroker/ (bin/ and obj/ aside);
#     the engine and every project that references it reference NanoBroker.Protocol and NanoBroker.Crypto;
#   - NanoBroker.MqttSn/NanoBroker.MqttSn.nfproj (the MQTT-SN gateway, an assembly on top of the engine) lists every .cs
#     of NanoBroker.MqttSn/, and NanoBroker.Tests.MqttSn/NanoBroker.Tests.MqttSn.nfproj lists Engine/MqttSn/ and the harness;
#   - hardware/esp32/NanoBroker.Esp32.nfproj likewise for hardware/esp32/, and samples/Esp32Sensor/Esp32Sensor.nfproj
#     for samples/Esp32Sensor/ (the nanoFramework sample, which references the engine as the board app does);
#   - the portable tests (NanoBroker.Tests/Engine/**/*.cs) are listed by four test projects, as one assembly would
#     pass the MetadataProcessor's 64 KB of byte code: NanoBroker.Tests.Storage/NanoBroker.Tests.Storage.nfproj
#     lists Engine/Storage/, Engine/Protocol/ and the harness (Engine/Harness/), NanoBroker.Tests.Mqtt5/NanoBroker.Tests.Mqtt5.nfproj
#     Engine/Mqtt5/, Engine/Security/ and the harness, NanoBroker.Tests.Fuzz/NanoBroker.Tests.Fuzz.nfproj the fuzz
#     suite (Engine/Fuzz*.cs) and the harness, NanoBroker.Tests/NanoBroker.Tests.nfproj everything else (with the
#     harness); each file once, none that does not exist;
#   - NanoBroker.Bridge/NanoBroker.Bridge.nfproj lists every .cs of NanoBroker.Bridge/, and
#     NanoBroker.Tests.Bridge/NanoBroker.Tests.Bridge.nfproj the portable bridge tests (Engine/Bridge/) and the harness;
#   - every <HintPath>..\packages\<id>.<version>\lib\... names a package of the project's packages.config,
#     the packages.config files agree on versions, and every <ProjectReference> exists.
# Prints what to add or remove and exits 1 on any problem. Plain python3 (stdlib only).
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 - <<'PY'
import os, re, sys
import xml.etree.ElementTree as ET

NS = '{http://schemas.microsoft.com/developer/msbuild/2003}'
problems = []

def cs_files(folder, sub=None):
    found = set()
    top = os.path.join(folder, sub) if sub else folder
    for dirpath, dirnames, filenames in os.walk(top):
        rel_dir = os.path.relpath(dirpath, folder)
        parts = [] if rel_dir == '.' else rel_dir.split(os.sep)
        if parts and parts[0] in ('bin', 'obj'):
            dirnames[:] = []
            continue
        dirnames[:] = [d for d in dirnames if not (not parts and d in ('bin', 'obj'))]
        for f in filenames:
            if f.endswith('.cs'):
                found.add('\\'.join(parts + [f]))
    return found

def items(project, kind):
    root = ET.parse(project).getroot()
    return [e.get('Include') for e in root.iter(NS + kind)], root

def packages(config):
    root = ET.parse(config).getroot()
    return {p.get('id'): p.get('version') for p in root.iter('package')}

def check_sources(project, folder, sub=None, both_ways=True):
    listed, _ = items(project, 'Compile')
    listed_set = set(listed)
    for dup in sorted({x for x in listed if listed.count(x) > 1}):
        problems.append('%s: %s is listed twice' % (project, dup))
    on_disk = cs_files(folder, sub)
    for f in sorted(on_disk - listed_set):
        problems.append('%s: add <Compile Include="%s" />' % (project, f))
    for f in sorted(listed_set - on_disk):
        if not os.path.exists(os.path.join(folder, *f.split('\\'))):
            problems.append('%s: remove <Compile Include="%s" /> (no such file)' % (project, f))
        elif both_ways:
            problems.append('%s: <Compile Include="%s" /> is outside what this project may list' % (project, f))

all_versions = {}

def check_packages(project):
    folder = os.path.dirname(project)
    config = os.path.join(folder, 'packages.config')
    if not os.path.exists(config):
        problems.append('%s: no packages.config beside it' % project)
        return
    pkgs = packages(config)
    for pid, ver in pkgs.items():
        all_versions.setdefault(pid, set()).add((ver, config))
    root = ET.parse(project).getroot()
    for hint in root.iter(NS + 'HintPath'):
        path = hint.text.strip()
        m = re.search(r'(?:^|\\)packages\\([^\\]+)\\lib\\[^\\]+$', path)
        if not m:
            problems.append('%s: HintPath %s is not ..\\packages\\<id>.<version>\\lib\\<file>' % (project, path))
            continue
        folder_name = m.group(1)
        if not any(folder_name == '%s.%s' % (pid, ver) for pid, ver in pkgs.items()):
            problems.append('%s: HintPath %s names package folder %s, which %s does not list (id and version)'
                            % (project, path, folder_name, config))
        if not os.path.normpath(os.path.join(folder, *path.split('\\'))).startswith('packages' + os.sep):
            problems.append('%s: HintPath %s does not point into the repository\'s packages folder' % (project, path))
    for ref in root.iter(NS + 'ProjectReference'):
        target = os.path.normpath(os.path.join(folder, *ref.get('Include').split('\\')))
        if not os.path.exists(target):
            problems.append('%s: ProjectReference %s does not exist' % (project, ref.get('Include')))

projects = {
    'protocol': 'NanoBroker.Protocol/NanoBroker.Protocol.nfproj',
    'crypto': 'NanoBroker.Crypto/NanoBroker.Crypto.nfproj',
    'web': 'NanoBroker.Web/NanoBroker.Web.nfproj',
    'discovery': 'NanoBroker.Discovery/NanoBroker.Discovery.nfproj',
    'engine': 'NanoBroker/NanoBroker.nfproj',
    'device': 'hardware/esp32/NanoBroker.Esp32.nfproj',
    'sample': 'samples/Esp32Sensor/Esp32Sensor.nfproj',
    'tests': 'NanoBroker.Tests/NanoBroker.Tests.nfproj',
    'storage-tests': 'NanoBroker.Tests.Storage/NanoBroker.Tests.Storage.nfproj',
    'mqtt5-tests': 'NanoBroker.Tests.Mqtt5/NanoBroker.Tests.Mqtt5.nfproj',
    'fuzz-tests': 'NanoBroker.Tests.Fuzz/NanoBroker.Tests.Fuzz.nfproj',
    'web-tests': 'NanoBroker.Tests.Web/NanoBroker.Tests.Web.nfproj',
    'bridge': 'NanoBroker.Bridge/NanoBroker.Bridge.nfproj',
    'bridge-tests': 'NanoBroker.Tests.Bridge/NanoBroker.Tests.Bridge.nfproj',
    'mqttsn': 'NanoBroker.MqttSn/NanoBroker.MqttSn.nfproj',
    'mqttsn-tests': 'NanoBroker.Tests.MqttSn/NanoBroker.Tests.MqttSn.nfproj',
}

def check_split_engine():
    """NanoBroker/ is listed by three projects: Protocol/ by NanoBroker.Protocol and the files of Security/ that
    NanoBroker.Crypto lists by it (both linked from ..\\NanoBroker\\), the rest by NanoBroker."""
    engine = cs_files('NanoBroker')
    protocol = {f for f in engine if f.startswith('Protocol\\')}
    crypto_listed, _ = items(projects['crypto'], 'Compile')
    crypto = set()
    for f in crypto_listed:
        rel = f[len('..\\NanoBroker\\'):] if f.startswith('..\\NanoBroker\\') else None
        if rel is None or not rel.startswith('Security\\'):
            problems.append('%s: <Compile Include="%s" /> is not a file of ..\\NanoBroker\\Security\\' % (projects['crypto'], f))
        elif rel in engine:
            crypto.add(rel)
    web = {f for f in engine if f.startswith('Web\\')}
    discovery = {f for f in engine if f.startswith('Discovery\\')}
    check_listed(projects['engine'], '', engine - protocol - crypto - web - discovery)
    check_listed(projects['web'], '..\\NanoBroker\\', web)
    check_listed(projects['discovery'], '..\\NanoBroker\\', discovery)
    check_listed(projects['protocol'], '..\\NanoBroker\\', protocol)
    check_listed(projects['crypto'], '..\\NanoBroker\\', crypto)
    check_own_references('protocol', set(), 'the codec references nothing else in NanoBroker')
    check_own_references('crypto', {projects['protocol']}, 'the cryptography uses the codec (Utf8) only')
    check_own_references('web', {projects['protocol'], projects['crypto']}, 'the web front end uses Base64 (NanoBroker.Crypto) only')
    check_own_references('discovery', {projects['protocol']}, 'the mDNS responder uses the codec (Utf8) only')
    engine_assemblies = [projects['protocol'], projects['crypto'], projects['web']]
    for name, project in projects.items():
        refs = project_references(project)
        if name not in ('protocol', 'crypto', 'web', 'discovery') and (name == 'engine' or projects['engine'] in refs):
            for needed in engine_assemblies:
                if needed not in refs:
                    problems.append('%s: add <ProjectReference Include="%s" /> (the engine\'s types use it)'
                                    % (project, relative_include(project, needed)))
    # The compile checks in .ci/nanoframework split the sources the same way, from one list of their own.
    props = '.ci/nanoframework/EngineAssemblies.props'
    text = ET.parse(props).getroot().find('PropertyGroup/CryptoSources').text
    in_props = {f.strip().replace('$(EngineFolder)', '').replace('/', '\\') for f in text.split(';') if f.strip()}
    if in_props != crypto:
        problems.append('%s: CryptoSources lists %s; %s lists %s' % (props, ', '.join(sorted(in_props)),
                        projects['crypto'], ', '.join(sorted(crypto))))

def check_own_references(name, allowed, why):
    """A layer below the engine references the projects it is allowed and no package but mscorlib."""
    project = projects[name]
    for ref in sorted(project_references(project) - allowed):
        problems.append('%s: references %s; %s' % (project, ref, why))
    _, root = items(project, 'Compile')
    for ref in root.iter(NS + 'Reference'):
        if ref.get('Include') != 'mscorlib':
            problems.append('%s: references %s; it needs mscorlib only' % (project, ref.get('Include')))

def project_references(project):
    """The projects a project references, as repository-relative paths with forward slashes."""
    _, root = items(project, 'Compile')
    folder = os.path.dirname(project)
    return {os.path.normpath(os.path.join(folder, *ref.get('Include').split('\\'))).replace(os.sep, '/')
            for ref in root.iter(NS + 'ProjectReference')}

def relative_include(project, target):
    return os.path.relpath(target, os.path.dirname(project)).replace(os.sep, '\\')

def check_split_tests():
    """The five test projects together list NanoBroker.Tests/Engine: Storage/ and Protocol/ in one, Mqtt5/ and
    Security/ in another, the fuzz suite (Fuzz*.cs) in a third, Web/ in a fourth, the rest in the fifth, the harness in all."""
    engine = cs_files('NanoBroker.Tests', 'Engine')
    storage = {f for f in engine if f.startswith('Engine\\Storage\\') or f.startswith('Engine\\Protocol\\')}
    mqtt5 = {f for f in engine if f.startswith('Engine\\Mqtt5\\') or f.startswith('Engine\\Security\\')}
    fuzz = {f for f in engine if f.startswith('Engine\\Fuzz') and f.count('\\') == 1}
    web = {f for f in engine if f.startswith('Engine\\Web\\')}
    bridge = {f for f in engine if f.startswith('Engine\\Bridge\\')}
    harness = {f for f in engine if f.startswith('Engine\\Harness\\')}
    mqttsn = {f for f in engine if f.startswith('Engine\\MqttSn\\')}
    check_listed(projects['tests'], '', engine - storage - mqtt5 - fuzz - web - bridge - mqttsn)
    check_listed(projects['web-tests'], '..\\NanoBroker.Tests\\', web | harness)
    check_listed(projects['bridge-tests'], '..\\NanoBroker.Tests\\', bridge | harness)
    check_listed(projects['mqttsn-tests'], '..\\NanoBroker.Tests\\', mqttsn | harness)
    check_listed(projects['storage-tests'], '..\\NanoBroker.Tests\\', storage | harness)
    check_listed(projects['mqtt5-tests'], '..\\NanoBroker.Tests\\', mqtt5 | harness)
    # The web fuzzer (FuzzWebTests) builds its requests and frames with the web tests' WsClient.
    check_listed(projects['fuzz-tests'], '..\\NanoBroker.Tests\\', fuzz | harness | {'Engine\\Web\\WsClient.cs'})

def check_listed(project, prefix, expected):
    listed, _ = items(project, 'Compile')
    for dup in sorted({x for x in listed if listed.count(x) > 1}):
        problems.append('%s: %s is listed twice' % (project, dup))
    wanted = {prefix + f for f in expected}
    for f in sorted(wanted - set(listed)):
        problems.append('%s: add <Compile Include="%s" />' % (project, f))
    for f in sorted(set(listed) - wanted):
        problems.append('%s: remove <Compile Include="%s" /> (it belongs to another project, or does not exist)' % (project, f))
for name, project in projects.items():
    if not os.path.exists(project):
        problems.append('%s is missing' % project)
if not problems:
    check_split_engine()
    check_sources(projects['device'], 'hardware/esp32')
    check_sources(projects['sample'], 'samples/Esp32Sensor')
    check_sources(projects['bridge'], 'NanoBroker.Bridge')
    check_sources(projects['mqttsn'], 'NanoBroker.MqttSn')
    # The nanoFramework test projects hold the portable tests only (Engine/); Integration/ is .NET-only.
    check_split_tests()
    for project in projects.values():
        check_packages(project)
    for pid, found in sorted(all_versions.items()):
        versions = {v for v, _ in found}
        if len(versions) > 1:
            problems.append('package %s has different versions: %s' % (pid, ', '.join(sorted('%s in %s' % f for f in found))))

if problems:
    for p in problems:
        print('check-nfproj: ' + p, file=sys.stderr)
    print('check-nfproj: %d problem(s)' % len(problems), file=sys.stderr)
    sys.exit(1)
print('check-nfproj: NanoBroker.Protocol.nfproj, NanoBroker.Crypto.nfproj, NanoBroker.nfproj, NanoBroker.Web.nfproj, NanoBroker.Discovery.nfproj, NanoBroker.Bridge.nfproj, NanoBroker.MqttSn.nfproj, NanoBroker.Esp32.nfproj, Esp32Sensor.nfproj and the test projects list every source and only pinned packages')
PY
