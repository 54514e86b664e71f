#!/usr/bin/env bash
# Checks that no portable test class (a [TestClass] under NanoBroker.Tests/Engine/) keeps instance state:
# nanoFramework's UnitTestLauncher invokes test methods without constructing the class, so an instance field or
# auto-property is null there (NullReferenceException on nanoCLR) while MSTest constructs it and passes. Static
# fields, constants and nested classes are fine. Prints each offending line and exits 1. Plain python3.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 - "$@" <<'PY'
import os, re, sys

FIELD = re.compile(r'^\s*(?:(?:private|public|internal|protected)\s+)+(?!.*\b(?:static|const|class|struct|enum|delegate)\b)'
                   r'(?:readonly\s+)?[\w.<>\[\],]+\s+\w+\s*(?:=[^;]*)?;')
AUTO_PROPERTY = re.compile(r'^\s*(?:(?:private|public|internal|protected)\s+)+(?!.*\bstatic\b)[\w.<>\[\],]+\s+\w+\s*\{\s*(?:get|set)\s*;')

def strip(line):
    line = re.sub(r'"(?:\\.|[^"\\])*"', '""', line)
    line = re.sub(r"'(?:\\.|[^'\\])'", "''", line)
    return line.split('//', 1)[0]

problems = []
root = os.path.join('NanoBroker.Tests', 'Engine')
for folder, dirs, files in os.walk(root):
    dirs[:] = [d for d in dirs if d not in ('bin', 'obj')]
    for name in sorted(files):
        if not name.endswith('.cs'):
            continue
        path = os.path.join(folder, name)
        depth = 0
        test_class_depth = None
        entered = False
        pending_test_class = False
        for number, raw in enumerate(open(path, encoding='utf-8-sig'), 1):
            line = strip(raw)
            if '[TestClass]' in line:
                pending_test_class = True
            if pending_test_class and re.search(r'\bclass\b', line):
                test_class_depth = depth + 1
                entered = False
                pending_test_class = False
            elif test_class_depth is not None and depth == test_class_depth and (FIELD.match(line) or AUTO_PROPERTY.match(line)):
                problems.append('%s:%d: instance state in a portable test class (make it static, or keep it in a local): %s'
                                % (path, number, raw.strip()))
            depth += line.count('{') - line.count('}')
            if test_class_depth is not None:
                if depth >= test_class_depth:
                    entered = True
                elif entered:
                    test_class_depth = None

if problems:
    for p in problems:
        print('check-portable-tests: ' + p, file=sys.stderr)
    sys.exit(1)
print('check-portable-tests: no portable test class keeps instance state (nanoFramework\'s launcher never constructs them)')
PY
