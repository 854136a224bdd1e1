#!/usr/bin/env bash
# test_hostile_k8s.sh — hostile manifests for `lockdown k8s scan` (issue 12,
# under the rules of issue 11: no hang, bounded memory, one clear line on
# stderr, no control byte on the terminal, no user file changed): alias bombs
# (nested aliases and merge keys), deep nesting in YAML and JSON, a 100 MB
# value on one line and in a block, a sparse 300 MB file, 100,000 documents,
# NUL bytes and invalid UTF-8, escape sequences in names, directory symlink
# loops and links out of the tree, a FIFO and a deep tree under a directory.
# Every input is built here; nothing binary is committed.
#
# Bounds: refusals within 5-20 s and 64-400 MiB peak RSS (the 100 MB inputs
# are read whole: the file is in memory once, and libyaml holds a block
# scalar's text before lockdown sees it); hostile.sh multiplies them under
# ASan. Verdicts use --check pss.privileged so the cases test the loader, not
# the families.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$LD_REPO/tests/e2e/hostile.sh"
require_cmd python3

POD='apiVersion: v1
kind: Pod
metadata: {name: ok, namespace: shop}
spec: {containers: [{name: c, image: registry.example.com/c:1}]}
'
CHECK=(--check pss.privileged)

# ---- alias bombs ---------------------------------------------------------------------------
hostile_dir laughs
python3 - "$HOSTILE_DIR/laughs.yaml" <<'PY'
import sys
lines = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: lol}', 'data:',
         '  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
prev = 'a'
for c in 'bcdefghij':
    lines.append('  %s: &%s [%s]' % (c, c, ','.join(['*' + prev] * 10)))
    prev = c
open(sys.argv[1], 'w').write('\n'.join(lines) + '\n')
PY
hostile_case "billion laughs (10^10 nodes through aliases)" 3 5 64 -- k8s scan "${CHECK[@]}" laughs.yaml
assert_stderr_contains "alias bomb"

hostile_dir merge-bomb
python3 - "$HOSTILE_DIR/merge.yaml" <<'PY'
import sys
out = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: m}', 'data:',
       '  m0: &m0 {' + ', '.join('k%d: v' % i for i in range(50)) + '}']
for i in range(1, 40):
    # each level merges the previous one and lists it again: doubling
    out.append('  m%d: &m%d {<<: [*m%d], x%d: [*m%d, *m%d]}' % (i, i, i - 1, i, i - 1, i - 1))
open(sys.argv[1], 'w').write('\n'.join(out) + '\n')
PY
hostile_case "merge keys and aliases doubling 40 times" 3 5 64 -- k8s scan "${CHECK[@]}" merge.yaml
assert_stderr_contains "alias bomb"

# ---- depth -------------------------------------------------------------------------------------
hostile_dir deep-yaml
python3 -c 'import sys; n=200000; open(sys.argv[1],"w").write("a: " + "["*n + "]"*n + "\n")' \
  "$HOSTILE_DIR/deep.yaml"
hostile_case "YAML nested 200,000 levels" 3 5 64 -- k8s scan "${CHECK[@]}" deep.yaml
assert_stderr_contains "deeper than"
hostile_dir deep-json
python3 -c 'import sys; n=200000; open(sys.argv[1],"w").write("{\"a\":" * n + "1" + "}" * n)' \
  "$HOSTILE_DIR/deep.json"
hostile_case "JSON nested 200,000 levels" 3 5 64 -- k8s scan "${CHECK[@]}" deep.json
assert_stderr_contains "deeper than"
hostile_dir deep-block
python3 - "$HOSTILE_DIR/deep.yaml" <<'PY'
import sys
out = []
for i in range(5000):
    out.append(' ' * i + 'k:')
open(sys.argv[1], 'w').write('\n'.join(out) + ' v\n')
PY
hostile_case "block mappings 5,000 levels deep" 3 10 64 -- k8s scan "${CHECK[@]}" deep.yaml

# ---- size --------------------------------------------------------------------------------------
hostile_dir long-line
python3 - "$HOSTILE_DIR/big.yaml" <<'PY'
import sys
with open(sys.argv[1], 'w') as f:
    f.write('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  x: ')
    chunk = 'A' * (1 << 20)
    for _ in range(100):
        f.write(chunk)
    f.write('\n')
PY
hostile_case "a 100 MB value on one line" 3 10 160 -- k8s scan "${CHECK[@]}" big.yaml
assert_stderr_contains "line 5 is longer than"
hostile_dir block-scalar
python3 - "$HOSTILE_DIR/big.yaml" <<'PY'
import sys
with open(sys.argv[1], 'w') as f:
    f.write('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  x: |\n')
    line = '    ' + 'B' * 1020 + '\n'
    for _ in range(100 * 1024):
        f.write(line)
PY
hostile_case "a 100 MB block scalar" 3 20 400 -- k8s scan "${CHECK[@]}" big.yaml
assert_stderr_contains "at most 8388608 are accepted"
hostile_dir json-string
python3 - "$HOSTILE_DIR/big.json" <<'PY'
import sys
with open(sys.argv[1], 'w') as f:
    f.write('{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"big"},"data":{"x":"')
    chunk = 'C' * (1 << 20)
    for _ in range(100):
        f.write(chunk)
    f.write('"}}')
PY
hostile_case "a 100 MB JSON string" 3 10 160 -- k8s scan "${CHECK[@]}" big.json
assert_stderr_contains "string longer than"
hostile_dir sparse
truncate -s 300M "$HOSTILE_DIR/sparse.yaml"
hostile_case "a 300 MB (sparse) file" 3 5 64 -- k8s scan "${CHECK[@]}" sparse.yaml
assert_stderr_contains "larger than"

# ---- many documents -----------------------------------------------------------------------------
hostile_dir many-docs
python3 -c 'import sys; open(sys.argv[1],"w").write("---\nnot: a kubernetes object\n" * 100000)' \
  "$HOSTILE_DIR/docs.yaml"
hostile_case "100,000 documents, none an object" 3 10 128 -- k8s scan "${CHECK[@]}" docs.yaml
assert_stderr_contains "no Kubernetes object"
hostile_dir many-objects
python3 - "$HOSTILE_DIR/objs.yaml" <<'PY'
import sys
with open(sys.argv[1], 'w') as f:
    for i in range(100000):
        f.write('---\napiVersion: v1\nkind: Pod\nmetadata: {name: p%d, namespace: n%d}\n'
                'spec: {containers: [{name: c, image: x}]}\n' % (i, i % 50))
PY
hostile_case "100,000 pods" 0 30 512 -- k8s scan "${CHECK[@]}" --format json -o report.json objs.yaml

# ---- bytes that are not text ----------------------------------------------------------------------
hostile_dir nul
printf 'apiVersion: v1\nkind: Pod\x00\nmetadata: {name: x}\n' >"$HOSTILE_DIR/nul.yaml"
hostile_case "a NUL byte" 3 5 64 -- k8s scan "${CHECK[@]}" nul.yaml
hostile_dir utf8
printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: "\xff\xfe"}\n' >"$HOSTILE_DIR/bad.yaml"
hostile_case "invalid UTF-8" 3 5 64 -- k8s scan "${CHECK[@]}" bad.yaml
ESC_POD='apiVersion: v1\nkind: Pod\nmetadata: {name: "x\\e[2J\\e]0;pwned\\a", namespace: "\\u202eevil"}\nspec: {containers: [{name: "\\e[31mred", image: x, securityContext: {privileged: true}}]}\n'
hostile_dir escapes
printf "$ESC_POD" >"$HOSTILE_DIR/esc.yaml"
hostile_case "escape sequences in names reach no terminal" 1 5 64 -- k8s scan "${CHECK[@]}" esc.yaml
hostile_dir escapes-sarif
printf "$ESC_POD" >"$HOSTILE_DIR/esc.yaml"
hostile_case "escape sequences, SARIF output" 1 5 64 -- k8s scan "${CHECK[@]}" --format sarif esc.yaml

# ---- directories ---------------------------------------------------------------------------------
hostile_dir links
mkdir -p "$HOSTILE_DIR/tree/sub"
printf '%s' "$POD" >"$HOSTILE_DIR/tree/ok.yaml"
ln -s . "$HOSTILE_DIR/tree/self"
ln -s .. "$HOSTILE_DIR/tree/sub/up"
ln -s /etc "$HOSTILE_DIR/tree/etc"
hostile_watch secret.yaml 'apiVersion: v1
kind: Pod
metadata: {name: outside}
spec: {containers: [{name: c, image: x, securityContext: {privileged: true}}]}
'
ln -s "$REPLY" "$HOSTILE_DIR/tree/outside.yaml"
hostile_case "symbolic link loops and links out of the tree" 0 5 64 -- k8s scan "${CHECK[@]}" --format json tree
if grep -q '"outside"\|Pod/default/outside' "$LD_STDOUT_FILE"; then
  fail "a file behind a symbolic link was read"
else
  pass "no file behind a symbolic link was read"
fi

hostile_dir fifo
mkdir -p "$HOSTILE_DIR/tree"
printf '%s' "$POD" >"$HOSTILE_DIR/tree/a.yaml"
mkfifo "$HOSTILE_DIR/tree/b.yaml"
hostile_case "a FIFO named .yaml under a directory" 0 5 64 -- k8s scan "${CHECK[@]}" tree
hostile_dir fifo-named
mkfifo "$HOSTILE_DIR/pipe.yaml"
hostile_case "a FIFO nobody writes, named on the command line" 3 5 64 -- k8s scan "${CHECK[@]}" pipe.yaml
hostile_dir dev-zero
hostile_case "/dev/zero" 3 5 64 -- k8s scan "${CHECK[@]}" /dev/zero
assert_stderr_contains "character device"

hostile_dir deep-tree
python3 - "$HOSTILE_DIR" <<'PY'
import os, sys
d = os.path.join(sys.argv[1], 'tree')
os.makedirs(d)
open(os.path.join(d, 'top.yaml'), 'w').write('apiVersion: v1\nkind: Pod\nmetadata: {name: top}\n'
                                             'spec: {containers: [{name: c, image: x}]}\n')
os.chdir(d)
for i in range(200):
    os.mkdir('d')
    os.chdir('d')
open('deep.yaml', 'w').write('apiVersion: v1\nkind: Pod\nmetadata: {name: deep}\n')
PY
hostile_case "a tree 200 directories deep: checks not assessed, gate fails closed" 1 10 64 -- \
  k8s scan "${CHECK[@]}" --format json tree
assert_json '[.findings[] | select(.status == "error")] | length == 1' "the check says it could not see everything"
assert_json '[.notes[] | select(contains("deeper than 64 levels"))] | length == 1' "the report says why"

hostile_dir many-files
python3 - "$HOSTILE_DIR" <<'PY'
import os, sys
d = os.path.join(sys.argv[1], 'tree')
os.makedirs(d)
for i in range(20000):
    open(os.path.join(d, 'p%05d.yaml' % i), 'w').write(
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c%d}\n' % i)
PY
hostile_case "20,000 files in one directory" 0 20 128 -- k8s scan --check pss.privileged tree
