#!/usr/bin/env bash
# Checks that the firmware pin and the packages agree, so that a board flashed by flash.ps1 starts the app:
#   - hardware/firmware.json lists exactly the packages of hardware/esp32/packages.config, at the same versions,
#     each with a native assembly, native version and checksum (or none at all for a package without native code);
#   - the api-declarations (.ci/nanoframework/api-declarations/*.cs, first line "package <id> <version>, ... tag
#     v<version>") name the same versions of those packages (that every packages.config agrees, check-nfproj.sh checks);
#   - flash.ps1 pins the firmware of the table ($FirmwareVersion's default) and passes it to every nanoff --update;
#   - hardware/README.md, "Firmware and packages", shows the same rows and firmware version, and no --fwversion in
#     README.md or hardware/README.md names another version.
# Then it shows that it can fail: on a copy with System.Net's version changed in packages.config, and on one with
# another firmware version in flash.ps1, it must report a problem. Plain python3 (stdlib only); exits 1 on a problem.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 - <<'PY'
import json, os, re, shutil, sys, tempfile
import xml.etree.ElementTree as ET

FILES = ['hardware/firmware.json', 'hardware/esp32/packages.config', 'flash.ps1', 'hardware/README.md', 'README.md']

def packages(path):
    return {p.get('id'): p.get('version') for p in ET.parse(path).getroot().iter('package')}

def check(root):
    problems = []
    at = lambda *p: os.path.join(root, *p)
    try:
        table = json.load(open(at('hardware', 'firmware.json')))
    except (OSError, ValueError) as e:
        return ['hardware/firmware.json: %s' % e]
    pinned = table.get('firmware', {}).get('version', '')
    if not re.fullmatch(r'\d+\.\d+\.\d+\.\d+', pinned):
        problems.append('hardware/firmware.json: firmware.version %r is not a.b.c.d' % pinned)
    rows = table.get('packages', [])
    by_id = {r.get('id'): r for r in rows}
    if len(by_id) != len(rows):
        problems.append('hardware/firmware.json: a package is listed twice')
    for r in rows:
        native = (r.get('native_assembly'), r.get('native_version'), r.get('native_checksum'))
        if all(v is None for v in native):
            continue
        if not (native[0] and re.fullmatch(r'\d+\.\d+\.\d+\.\d+', native[1] or '')
                and re.fullmatch(r'0x[0-9A-F]{8}', native[2] or '')):
            problems.append('hardware/firmware.json: %s: native assembly, version a.b.c.d and checksum 0xXXXXXXXX '
                            'go together (all three, or all null): %r' % (r.get('id'), native))
        if not r.get('declared_in') or not r.get('firmware_table'):
            problems.append('hardware/firmware.json: %s: say where the values were read (declared_in, firmware_table)' % r.get('id'))

    device = packages(at('hardware', 'esp32', 'packages.config'))
    for pid, ver in sorted(device.items()):
        if pid not in by_id:
            problems.append('hardware/firmware.json: add %s %s (hardware/esp32/packages.config has it)' % (pid, ver))
        elif by_id[pid].get('version') != ver:
            problems.append('hardware/firmware.json: %s is %s, hardware/esp32/packages.config has %s'
                            % (pid, by_id[pid].get('version'), ver))
    for pid in sorted(set(by_id) - set(device)):
        problems.append('hardware/firmware.json: %s is not in hardware/esp32/packages.config' % pid)

    decl = at('.ci', 'nanoframework', 'api-declarations')
    for name in sorted(os.listdir(decl)):
        if not name.endswith('.cs'):
            continue
        first = open(os.path.join(decl, name), encoding='utf-8-sig').readline()
        m = re.search(r'package (\S+) (\S+), .* tag v(\S+?)\.?$', first.strip())
        if not m:
            problems.append('.ci/nanoframework/api-declarations/%s: first line does not name "package <id> <version>, ... tag v<version>"' % name)
            continue
        pid, ver, tag = m.groups()
        if pid in by_id and (ver != by_id[pid].get('version') or tag != ver):
            problems.append('.ci/nanoframework/api-declarations/%s: cites %s %s (tag v%s), the pinned version is %s'
                            % (name, pid, ver, tag, by_id[pid].get('version')))

    flash = open(at('flash.ps1'), encoding='utf-8-sig').read()
    m = re.search(r"\[string\]\s*\$FirmwareVersion\s*=\s*'([^']*)'", flash)
    if not m:
        problems.append("flash.ps1: no [string] $FirmwareVersion = '<version>' parameter")
    elif m.group(1) != pinned:
        problems.append('flash.ps1: pins firmware %s, hardware/firmware.json says %s' % (m.group(1), pinned))
    updates = re.findall(r"Invoke-Nanoff @\(([^)]*'--update'[^)]*)\)", flash)
    if not updates:
        problems.append('flash.ps1: no nanoff --update command found')
    for u in updates:
        if "'--fwversion', $FirmwareVersion" not in u:
            problems.append('flash.ps1: nanoff --update without --fwversion $FirmwareVersion: %s' % u.strip())

    readme = open(at('hardware', 'README.md'), encoding='utf-8').read()
    section = re.search(r'^## Firmware and packages\n(.*?)(?=^## |\Z)', readme, re.S | re.M)
    if not section:
        problems.append('hardware/README.md: no "## Firmware and packages" section')
    else:
        text = section.group(1)
        shown = set()
        for line in text.splitlines():
            cells = [c.strip().strip('`') for c in line.strip().strip('|').split('|')]
            if len(cells) >= 5 and cells[0].startswith('nanoFramework.'):
                shown.add(tuple(cells[:5]))
        want = set()
        for r in rows:
            want.add((r.get('id'), r.get('version'), r.get('native_assembly') or '-', r.get('native_version') or '-',
                      r.get('native_checksum') or '-'))
        for row in sorted(want - shown):
            problems.append('hardware/README.md, Firmware and packages: add the row | %s |' % ' | '.join(row))
        for row in sorted(shown - want):
            problems.append('hardware/README.md, Firmware and packages: row | %s | is not in hardware/firmware.json' % ' | '.join(row))
        if pinned not in text:
            problems.append('hardware/README.md, Firmware and packages: does not name firmware %s' % pinned)
    for doc in ('README.md', os.path.join('hardware', 'README.md')):
        for v in re.findall(r'--fwversion\s+`?(\d+\.\d+\.\d+\.\d+)', open(at(doc), encoding='utf-8').read()):
            if v != pinned:
                problems.append('%s: --fwversion %s, the pinned firmware is %s' % (doc, v, pinned))
    return problems

problems = check('.')
if problems:
    for p in problems:
        print('check-firmware-pin: ' + p, file=sys.stderr)
    print('check-firmware-pin: %d problem(s)' % len(problems), file=sys.stderr)
    sys.exit(1)

# The check must be able to fail: break a copy two ways and expect a report each time.
def broken_copy(edit_path, old, new):
    tmp = tempfile.mkdtemp(prefix='check-firmware-pin-')
    for f in FILES:
        os.makedirs(os.path.join(tmp, os.path.dirname(f)), exist_ok=True)
        shutil.copy(f, os.path.join(tmp, f))
    shutil.copytree('.ci/nanoframework/api-declarations', os.path.join(tmp, '.ci/nanoframework/api-declarations'))
    path = os.path.join(tmp, edit_path)
    text = open(path, encoding='utf-8-sig').read()
    assert old in text, (edit_path, old)
    open(path, 'w', encoding='utf-8').write(text.replace(old, new, 1))
    return tmp

table = json.load(open('hardware/firmware.json'))
net = next(r for r in table['packages'] if r['id'] == 'nanoFramework.System.Net')
pinned = table['firmware']['version']
for edit_path, old, new in [
        ('hardware/esp32/packages.config', 'id="nanoFramework.System.Net" version="%s"' % net['version'],
         'id="nanoFramework.System.Net" version="%s9"' % net['version']),
        ('flash.ps1', "$FirmwareVersion = '%s'" % pinned, "$FirmwareVersion = '%s9'" % pinned)]:
    tmp = broken_copy(edit_path, old, new)
    try:
        found = check(tmp)
    finally:
        shutil.rmtree(tmp)
    if not found:
        print('check-firmware-pin: a copy with %s changed (%s -> %s) passed: the check cannot fail' % (edit_path, old, new),
              file=sys.stderr)
        sys.exit(1)
print('check-firmware-pin: packages.config, hardware/firmware.json, hardware/README.md and flash.ps1 agree '
      '(firmware %s, %d packages, %d with native code); a changed package version or firmware pin is reported'
      % (pinned, len(table['packages']), sum(1 for r in table['packages'] if r['native_assembly'])))
PY
