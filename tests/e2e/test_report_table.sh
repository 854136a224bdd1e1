#!/usr/bin/env bash
# End-to-end: the table report fits the terminal and leaves nothing out.
# The real binary runs with COLUMNS=50 and COLUMNS=200 on reports that have
# every kind of row — an image scan of a small Debian-like root file system
# (OS and npm vulnerabilities from the fixture feeds, a secret at a known
# line, a setuid file), a Dockerfile lint (file:line rows), an assess of a
# host root with an engine that does not answer (controls the run owed but
# could not assess), and, when an engine answers, a docker audit — and for
# each, against the JSON report of the same run:
#   - no line is wider than COLUMNS (counted in characters);
#   - every check id of the JSON report appears in the table (on one line
#     when it fits one), and nothing is cut short with "…";
#   - every finding with a file and line shows "file: PATH:LINE";
#   - vulnerabilities: per target, Trivy's "Total: N (CRITICAL: .., HIGH:
#     .., MEDIUM: .., LOW: .., UNKNOWN: ..)" line, counted here from the
#     JSON findings (no exception, unknown = no severity from the feed),
#     right under the target, and each package line once.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$LD_REPO/tests/e2e/fixtures/report_rootfs.sh"
require_cmd jq python3

export LOCKDOWN_DB=$LD_TMP/never-created.db # never read the user's database
ROOT=$LD_TMP/rootfs
DB=$LD_TMP/vuln.db
make_report_rootfs "$ROOT"
make_report_db "$DB"
assert_file_exists "$DB" 'fixture feeds imported'
host=$LD_TMP/host
mkdir -p "$host/etc" "$host/var/lib/docker" "$host/etc/docker"
printf 'ID=debian\nVERSION_ID="12"\n' >"$host/etc/os-release"
echo '{"icc": false, "live-restore": true}' >"$host/etc/docker/daemon.json"

# table_checks NAME WIDTH JSON TABLE — the assertions on one table
table_checks() {
  local name=$1 width=$2 json=$3 table=$4 id long
  long=$(python3 - "$width" "$table" <<'PY'
import sys
width, path = int(sys.argv[1]), sys.argv[2]
for n, line in enumerate(open(path, encoding="utf-8").read().split("\n"), 1):
    if len(line) > width:
        print(f"line {n} has {len(line)} characters: {line}")
PY
)
  if [[ -z $long ]]; then
    pass "$name, COLUMNS=$width: no line wider than $width"
  else
    fail_plain "$name, COLUMNS=$width: lines wider than $width" "$long"
  fi
  if grep -qF '…' "$table"; then
    fail_plain "$name, COLUMNS=$width: something was cut short with …" "$(grep -nF '…' "$table" | head -5)"
  else
    pass "$name, COLUMNS=$width: nothing cut short"
  fi
  # the table with its wrapping undone: newline + indentation removed
  python3 -c 'import re, sys; sys.stdout.write(re.sub(r"\n *", "", open(sys.argv[1], encoding="utf-8").read()))' \
    "$table" >"$table.joined"
  local missing=()
  while IFS= read -r id; do
    if ((${#id} + 6 <= width)); then
      grep -qF -- "$id" "$table" || missing+=("$id")
    else
      grep -qF -- "$id" "$table.joined" || missing+=("$id (wrapped)")
    fi
  done < <(jq -r '[.findings[].check_id] | unique[]' "$json")
  local n
  n=$(jq '[.findings[].check_id] | unique | length' "$json")
  if ((${#missing[@]} == 0)); then
    pass "$name, COLUMNS=$width: all $n check ids of the JSON report are in the table"
  else
    fail_plain "$name, COLUMNS=$width: check ids missing from the table" "${missing[*]}"
  fi
  missing=()
  while IFS= read -r loc; do
    grep -qF -- "file: $loc" "$table.joined" || missing+=("$loc")
  done < <(jq -r '.findings[] | select(.target.path != null and .target.line != null and .vulnerability == null)
                  | "\(.target.path):\(.target.line)"' "$json" | sort -u)
  n=$(jq '[.findings[] | select(.target.path != null and .target.line != null and .vulnerability == null)] | length' "$json")
  if ((${#missing[@]} == 0)); then
    pass "$name, COLUMNS=$width: the $n findings with a file and line show file: PATH:LINE"
  else
    fail_plain "$name, COLUMNS=$width: file:line missing" "${missing[*]}"
  fi
}

# vuln_totals JSON — "TARGET<TAB>Total: ..." per target with vulnerabilities,
# counted from the JSON findings
vuln_totals() {
  jq -r '
    [.findings[] | select(.vulnerability != null)]
    | group_by(.target.id)[]
    | (.[0].target) as $t
    | (if ($t.name // "") != "" and ($t.id // "") != "" and $t.name != $t.id
       then "\($t.name) (\($t.id))" else ($t.name // $t.id) end) as $desc
    | [.[] | select(.exception == null)
       | if .vulnerability.severity_source == "default" or .severity == "info" then "UNKNOWN"
         else (.severity | ascii_upcase) end] as $s
    | def n($x): [$s[] | select(. == $x)] | length;
      "\($desc)\tTotal: \($s | length) (CRITICAL: \(n("CRITICAL")), HIGH: \(n("HIGH")), MEDIUM: \(n("MEDIUM")), LOW: \(n("LOW")), UNKNOWN: \(n("UNKNOWN")))"' "$1"
}

# report NAME ARGS... — JSON once, then the table at 50 and 200 columns
report() {
  local name=$1 json=$LD_TMP/$1.json w
  shift
  run_ld "$@" --format json --output "$json" --quiet
  if [[ $LD_EXIT != 0 && $LD_EXIT != 1 ]]; then
    fail "$name: the JSON report did not complete (exit $LD_EXIT)"
    return 0
  fi
  pass "$name: JSON report (exit $LD_EXIT, $(jq '.findings | length' "$json") findings)"
  for w in 50 200; do
    COLUMNS=$w run_ld "$@" --quiet
    if [[ $LD_EXIT != 0 && $LD_EXIT != 1 ]]; then
      fail "$name, COLUMNS=$w: the table did not complete (exit $LD_EXIT)"
      continue
    fi
    cp "$LD_STDOUT_FILE" "$LD_TMP/$name.$w.txt"
    table_checks "$name" "$w" "$json" "$LD_TMP/$name.$w.txt"
  done
}

# ---- an image scan: vulnerabilities, a secret, a setuid file --------------------
report image image scan "dir:$ROOT" --db "$DB"
json=$LD_TMP/image.json
assert_json_file "$json" '[.findings[] | select(.vulnerability)] | length >= 8' \
  'the fixture yields OS and npm vulnerabilities'
assert_json_file "$json" 'any(.findings[]; .check_id == "image.secrets" and .target.line == 3)' \
  'the fixture yields a secret at line 3'
nt=0
while IFS=$'\t' read -r desc total; do
  nt=$((nt + 1))
  # at 200 columns nothing wraps: the Total line sits right under its target
  got=$(sed -n '/^VULNERABILITIES/,$p' "$LD_TMP/image.200.txt" | grep -A1 -xF -- "  target: $desc" | sed -n 2p)
  assert_eq "  $total" "$got" "COLUMNS=200: $desc: $total (counted from the JSON findings)"
  # at 50 it may wrap: the same words once the lines are joined
  if tr -d ' \n' <"$LD_TMP/image.50.txt" | grep -qF -- "$(tr -d ' ' <<<"$total")"; then
    pass "COLUMNS=50: $desc: the same Total line, wrapped"
  else
    fail_plain "COLUMNS=50: $desc: no $total"
  fi
done < <(vuln_totals "$json")
assert_eq 1 "$nt" 'one target with vulnerabilities'
# each package once, with its vulnerabilities under it
while IFS=$'\t' read -r pkg ver ids; do
  count=$(awk -v head="    $pkg $ver (" 'index($0, head) == 1 { n++ } END { print n + 0 }' \
    "$LD_TMP/image.200.txt")
  assert_eq 1 "$count" "package line $pkg $ver once"
  block=$(awk -v head="    $pkg $ver (" 'index($0, head) == 1 { on = 1; next } on && /^    [^ ]/ { on = 0 } on' \
    "$LD_TMP/image.200.txt")
  for id in $ids; do
    if grep -qE "^      [A-Z]+ +$id " <<<"$block"; then
      pass "$id listed under $pkg $ver"
    else
      fail_plain "$id not under $pkg $ver" "$block"
    fi
  done
done < <(jq -r '[.findings[] | select(.vulnerability) | .vulnerability]
                | group_by([.package, .installed_version])[]
                | "\(.[0].package)\t\(.[0].installed_version)\t\([.[].id] | unique | join(" "))"' "$json")

# ---- a Dockerfile: rows with file:line -------------------------------------------
report dockerfile dockerfile lint "$LD_REPO/tests/e2e/fixtures/dockerfiles/bad.Dockerfile"
assert_json_file "$LD_TMP/dockerfile.json" '[.findings[] | select(.target.line != null)] | length >= 10' \
  'the Dockerfile findings carry lines'

# ---- assess: a host root and an engine that does not answer ----------------------
report assess assess --host-root "$host" --docker-host "unix://$LD_TMP/no-engine.sock"
if grep -qF 'Required controls this run owed but could not assess' "$LD_TMP/assess.200.txt"; then
  pass 'assess: the controls it could not assess are listed'
else
  fail_plain 'assess: no list of owed, unassessed controls' "$(tail -n 30 "$LD_TMP/assess.200.txt")"
fi

# ---- docker audit of the engine, when there is one -------------------------------
if engine_available; then
  report docker-audit docker audit
elif [[ ${LOCKDOWN_TEST_ENGINE:-0} == 1 ]]; then
  fail_plain "Docker engine expected (LOCKDOWN_TEST_ENGINE=1) but $LD_DOCKER_SOCK does not answer"
else
  skip_part "no Docker engine on $LD_DOCKER_SOCK: docker audit table not checked (tests/harness/engine-up.sh)"
fi
