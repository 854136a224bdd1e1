#!/usr/bin/env bash
# End-to-end: the `lockdown watch` command line on the real binary. Usage
# errors exit 2 naming the option; --validate checks rule files with the
# default rules and reports each error as FILE:LINE (exit 1), a good file
# gives the rule count (exit 0), a missing file exits 3; --list-rules shows
# the default rules (and follows --rules overrides); --list-fields the
# fields; outputs that cannot be used exit 3; a watcher stops on SIGTERM and
# SIGINT with exit 0 and prints statistics that match its JSON statistics
# record; --duration stops it by itself; --format syslog writes RFC 5424
# lines; --containers-only leaves host events out; a non-root user gets a
# clear "no event source" (exit 3). The watchers here need root; the rest
# does not.
set -uo pipefail
source "$LOCKDOWN_SOURCE_DIR/tests/e2e/lib.sh"
source "$LOCKDOWN_SOURCE_DIR/tests/e2e/watch_lib.sh"
require_cmd jq

q() { jq -Rn --arg v "$1" '$v'; } # a jq string literal
DEFAULT_RULES=(
  "Shell spawned in container"
  "Package manager run in container"
  "Write below system directory in container"
  "Sensitive file read"
  "Outbound connection not allowed by egress policy"
  "Drop and execute new binary in container"
  "Execution from memfd"
  "Ptrace of another process"
  "Mount in container"
  "Kernel module load"
  "Docker socket accessed from container"
  "Setuid to root by non-root process"
  "Privileged container started"
  "Container started with host namespaces"
  "Namespace change in container"
)

# ---- help and usage errors ---------------------------------------------------------------
run_ld watch --help
assert_exit 0
for o in --rules --output --format --duration --ring-bytes --no-ebpf --validate --stats-interval; do
  assert_stdout_contains "$o" "watch --help names $o"
done
run_ld watch --format xml
assert_exit 2 "--format xml"
assert_stderr_contains "xml"
run_ld watch --duration soon
assert_exit 2 "--duration soon"
assert_stderr_contains "--duration"
run_ld watch --duration -5
assert_exit 2 "--duration -5"
run_ld watch --ring-bytes 12
assert_exit 2 "--ring-bytes 12 (below a page)"
assert_stderr_contains "--ring-bytes"
run_ld watch --stats-interval x
assert_exit 2 "--stats-interval x"
run_ld watch --frobnicate
assert_exit 2 "unknown option"
assert_stderr_contains "frobnicate"
run_ld watch --output
assert_exit 2 "--output without a value"
run_ld watch extra-argument
assert_exit 2 "a stray argument"
assert_stderr_contains "extra-argument"

# ---- --list-fields / --list-rules ----------------------------------------------------------
run_ld watch --list-fields
assert_exit 0 "--list-fields"
missing_fields=()
for f in evt.type proc.name proc.cmdline proc.pname proc.aname user.uid container.id container.name \
  container.image fd.name fd.sip fd.dport k8s.ns.name k8s.pod.name; do
  grep -qx -- "$f" "$LD_STDOUT_FILE" || grep -q -- "^${f}[[ ]" "$LD_STDOUT_FILE" || missing_fields+=("$f")
done
if ((${#missing_fields[@]} == 0)); then
  pass "--list-fields lists the Falco fields the issue names"
else
  fail "--list-fields lacks: ${missing_fields[*]}"
fi

run_ld watch --list-rules
assert_exit 0 "--list-rules"
list_default=$LD_TMP/list-default.txt
cp "$LD_STDOUT_FILE" "$list_default"
missing=()
for r in "${DEFAULT_RULES[@]}"; do
  grep -qF -- "$r" "$list_default" || missing+=("$r")
done
if ((${#missing[@]} == 0)); then
  pass "--list-rules shows all ${#DEFAULT_RULES[@]} default rules"
else
  fail "--list-rules lacks ${#missing[@]} default rule(s): ${missing[*]}"
fi
n_default=$(grep -c . "$list_default")
# every default rule carries a catalog control (the column after the priority)
if awk '{print $2}' "$list_default" | grep -qx -- '-'; then
  fail "a default rule has no catalog control in --list-rules" "$(grep -E '^[^ ]+ +- ' "$list_default")"
else
  pass "every default rule names a catalog control"
fi

# ---- --validate --------------------------------------------------------------------------------
cat >"$LD_TMP/good.yaml" <<'EOF'
- list: ldw_tools
  items: [nc, ncat, socat]

- macro: ldw_tool_run
  condition: evt.type = execve and proc.name in (ldw_tools)

- rule: Network tool in container
  desc: a network tool ran in a container
  condition: ldw_tool_run and container.id != host
  output: "network tool %proc.name in %container.name (%container.image)"
  priority: WARNING
  tags: [container, NIST-CTR-01-A]

- rule: Shell spawned in container
  enabled: false
  override:
    enabled: replace
EOF
run_ld watch --validate "$LD_TMP/good.yaml"
assert_exit 0 "--validate a good file"
# one rule added, one default rule disabled: the count is the default count
assert_stdout_contains "$n_default rules valid (1 file checked)" "the count follows the merge (+1 rule, -1 disabled)"

run_ld watch --rules "$LD_TMP/good.yaml" --list-rules
assert_exit 0 "--list-rules with --rules"
grep -qF "Network tool in container" "$LD_STDOUT_FILE" && pass "--list-rules shows the added rule" ||
  fail "--list-rules lacks the added rule"
grep -qF "Shell spawned in container" "$LD_STDOUT_FILE" &&
  fail "--list-rules still shows the rule the file disabled" || pass "the disabled default rule is gone"

# bad files: each error names FILE:LINE, the line of the offending key
# expect_invalid NAME LINE WORDS... — validate $LD_TMP/NAME.yaml
expect_invalid() {
  local name=$1 line=$2 w
  shift 2
  run_ld watch --validate "$LD_TMP/$name.yaml"
  assert_exit 1 "--validate $name.yaml"
  if grep -Fq -- "$name.yaml:$line:" "$LD_STDERR_FILE"; then
    pass "$name.yaml: the error names $name.yaml:$line"
  else
    fail "$name.yaml: no error naming $name.yaml:$line"
  fi
  for w in "$@"; do
    assert_stderr_contains "$w" "$name.yaml"
  done
}
cat >"$LD_TMP/badfield.yaml" <<'EOF'
# a field name with a typo
- rule: Typo field
  desc: x
  condition: evt.type = execve and proc.nme = sh
  output: "%proc.name"
  priority: WARNING
EOF
expect_invalid badfield 4 "unknown field 'proc.nme'" "did you mean proc.name"
cat >"$LD_TMP/badmacro.yaml" <<'EOF'
- rule: Undefined macro
  desc: x
  condition: evt.type = execve and ldw_no_such_macro
  output: "%proc.name"
  priority: WARNING
EOF
expect_invalid badmacro 3 "ldw_no_such_macro"
cat >"$LD_TMP/badprio.yaml" <<'EOF'
- rule: Bad priority
  desc: x
  condition: evt.type = execve
  output: "%proc.name"
  priority: LOUD
EOF
expect_invalid badprio 5 "LOUD"
cat >"$LD_TMP/badyaml.yaml" <<'EOF'
- rule: Broken yaml
  desc: x
  condition: evt.type = execve
  output: "unterminated
  priority: WARNING
- rule: [
EOF
run_ld watch --validate "$LD_TMP/badyaml.yaml"
assert_exit 1 "--validate a file that is not YAML"
assert_stderr_matches 'badyaml\.yaml:[4-7]\b' "a YAML error names the file and a line from the broken scalar on"
cat >"$LD_TMP/badparen.yaml" <<'EOF'
- macro: ok_macro
  condition: evt.type = execve

- rule: Unbalanced
  desc: x
  condition: (ok_macro and proc.name = sh
  output: "%proc.name"
  priority: WARNING
EOF
expect_invalid badparen 6 "')'"
cat >"$LD_TMP/badoutput.yaml" <<'EOF'
- rule: Bad output field
  desc: x
  condition: evt.type = execve
  output: "shell %proc.nmae"
  priority: WARNING
EOF
expect_invalid badoutput 4 "proc.nmae"
cat >"$LD_TMP/cycle.yaml" <<'EOF'
- macro: a_macro
  condition: b_macro
- macro: b_macro
  condition: a_macro
- rule: Cycle
  desc: x
  condition: a_macro
  output: x
  priority: WARNING
EOF
run_ld watch --validate "$LD_TMP/cycle.yaml"
assert_exit 1 "--validate a macro cycle"
assert_stderr_matches 'cycle\.yaml:[24]: .*macro cycle' "the cycle error names the file and a macro's line"

# several files: the good one passes, only the bad one is named
run_ld watch --validate "$LD_TMP/good.yaml" --validate "$LD_TMP/badfield.yaml"
assert_exit 1 "--validate good + bad"
assert_stderr_contains "badfield.yaml:"
assert_stderr_not_contains "good.yaml:" "the good file has no error"
# a file that is not there: could not complete (3), naming the file
run_ld watch --validate "$LD_TMP/no-such-rules.yaml"
assert_exit 3 "--validate a missing file"
assert_stderr_contains "no-such-rules.yaml"
# bad rules given to a watcher: it does not start (3)
run_ld watch --rules "$LD_TMP/badfield.yaml" --duration 1
assert_exit 3 "watch with a bad --rules file"
assert_stderr_contains "badfield.yaml:"

# ---- the watchers -------------------------------------------------------------------------------
if [[ $(id -u) != 0 ]]; then
  skip --optional "the watcher tests need root (eBPF, proc connector)"
fi

# unusable outputs: 3, before anything is watched
mkdir -p "$LD_TMP/outdir"
run_ld watch --output "$LD_TMP/no-such-dir/alerts.json" --duration 1
assert_exit 3 "--output in a directory that does not exist"
assert_stderr_contains "no-such-dir"
run_ld watch --output "$LD_TMP/outdir" --duration 1
assert_exit 3 "--output a directory"
ln -s "$LD_TMP/target.json" "$LD_TMP/link.json"
run_ld watch --output "$LD_TMP/link.json" --duration 1
assert_exit 3 "--output a symbolic link"
[[ ! -e $LD_TMP/target.json ]] && pass "the link's target was not created" || fail "the link was followed"

# not root: no event source, one clear line, 3
if command -v setpriv >/dev/null; then
  run_cmd setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$LOCKDOWN" watch --duration 1 --output -
  assert_exit 3 "watch as uid 65534"
  assert_stderr_contains "no event source" "as uid 65534"
else
  skip_part "setpriv (util-linux) not installed: the non-root case did not run"
fi

# SIGTERM: exit 0, statistics on stderr and in the file, and they agree
watch_start term || { _ld_explicit_exit=1; exit 1; }
grep -q 'watching with ebpf' "$(watch_stderr term)" && pass "root on this kernel watches with eBPF" ||
  fail_plain "not watching with eBPF" "$(head -n 5 "$(watch_stderr term)")"
# something to see: a host process reading /etc/shadow ("Sensitive file read" watches the host too)
cat /etc/shadow >/dev/null
watch_wait_for term ".rule.name == \"Sensitive file read\"" 5 || true
watch_stop term TERM
assert_eq 0 "$WATCH_EXIT" "exit status after SIGTERM"
awk -v s="$WATCH_SECONDS" 'BEGIN {exit !(s < 5)}' && pass "stopped ${WATCH_SECONDS}s after SIGTERM" ||
  fail_plain "took ${WATCH_SECONDS}s to stop after SIGTERM"
summary=$(grep -m1 'events seen' "$(watch_stderr term)")
stats=$(watch_stats term)
if [[ -n $summary && -n $stats ]]; then
  pass "statistics printed on stderr and written as a JSON record"
  for k in events emitted dropped lost; do
    word=$(case $k in events) echo 'events seen' ;; emitted) echo 'alerts emitted' ;; dropped) echo 'dropped' ;; lost) echo 'lost' ;; esac)
    a=$(sed -nE "s/.* ([0-9]+) $word.*/\\1/p" <<<"$summary")
    b=$(jq -r ".lockdown.stats.$k" <<<"$stats")
    assert_eq "$b" "$a" "stats $k: stderr vs JSON"
  done
  assert_eq "$(jq -r '.lockdown.stats.emitted' <<<"$stats")" "$(watch_count term)" "alerts emitted == alert lines"
  jq -e '.event.dataset == "lockdown.watch.stats" and (.lockdown.stats.uptime_s | type == "number") and (.lockdown.stats.source == "ebpf")' \
    <<<"$stats" >/dev/null && pass "the stats record: dataset lockdown.watch.stats, uptime, source ebpf" ||
    fail_plain "the stats record lacks dataset/uptime/source" "${stats:0:600}"
  if [[ $(jq -r '.lockdown.stats.events' <<<"$stats") -gt 0 ]]; then
    pass "events were seen (host processes ran)"
  else
    fail_plain "no event seen in the SIGTERM run although processes ran" "$summary"
  fi
else
  fail_plain "no statistics after SIGTERM" "stderr: $(cat "$(watch_stderr term)")" "stats: ${stats:-none}"
fi
n=$(watch_count term '.rule.name == "Sensitive file read" and .container.id == "host" and .file.path == "/etc/shadow"')
[[ $n -gt 0 ]] && pass "a host read of /etc/shadow is an alert with container.id host" ||
  fail_plain "no 'Sensitive file read' alert for cat /etc/shadow on the host" \
    "$(watch_describe term 'Sensitive file read' host)"

# SIGINT: the same
watch_start int || { _ld_explicit_exit=1; exit 1; }
watch_stop int INT
assert_eq 0 "$WATCH_EXIT" "exit status after SIGINT"
grep -q 'events seen' "$(watch_stderr int)" && pass "statistics after SIGINT" || fail_plain "no statistics after SIGINT"

# --duration: stops by itself
t0=$(date +%s.%N)
"$LOCKDOWN" watch --duration 3 --output "$LD_TMP/duration.json" --stats-interval 1 2>"$LD_TMP/duration.stderr" &
WATCH_PIDS[duration]=$!
ld_on_exit "watch_kill duration"
watch_wait_exit duration 30
took=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')
assert_eq 0 "$WATCH_EXIT" "exit status after --duration 3"
awk -v s="$took" 'BEGIN {exit !(s >= 3 && s < 20)}' && pass "--duration 3 ended after ${took}s" ||
  fail_plain "--duration 3 ended after ${took}s"
up=$(jq -R -r 'fromjson? | select(.event.kind == "metric") | .lockdown.stats.uptime_s' "$LD_TMP/duration.json" | tail -n 1)
awk -v u="$up" 'BEGIN {exit !(u >= 2.9 && u < 4.5)}' && pass "final uptime_s $up ~ 3" || fail_plain "final uptime_s '$up' is not about 3"
n_metric=$(jq -R -c 'fromjson? | select(.event.kind == "metric")' "$LD_TMP/duration.json" | wc -l)
((n_metric >= 3)) && pass "--stats-interval 1 over 3 s: $n_metric statistics records" ||
  fail_plain "--stats-interval 1 over 3 s gave $n_metric statistics records (periodic + final expected)"

# --format syslog to a file: RFC 5424 lines
watch_start syslog --format syslog || { _ld_explicit_exit=1; exit 1; }
cat /etc/shadow >/dev/null
sleep 1
watch_stop syslog
line=$(grep -m1 'Sensitive file read' "$(watch_file syslog)")
if [[ $line =~ ^\<[0-9]{1,3}\>1\ [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9:]+)\ [^\ ]+\ lockdown\  ]]; then
  pass "--format syslog: an RFC 5424 line for the alert"
else
  fail_plain "--format syslog: no RFC 5424 line for 'Sensitive file read'" "$(head -n 3 "$(watch_file syslog)")"
fi

# --containers-only: the host read is not an alert
watch_start conly --containers-only || { _ld_explicit_exit=1; exit 1; }
cat /etc/shadow >/dev/null
sleep 1
watch_stop conly
n=$(watch_count conly '.container.id == "host"')
[[ $n == 0 ]] && pass "--containers-only: no alert from the host" ||
  fail_plain "--containers-only: $n host alert(s)" "$(watch_alerts conly '.container.id == "host"' | head -n 3 | jq -c '{rule: .rule.name, p: .process.name}')"

# --ring-bytes: a small ring is accepted and used
watch_start ring --ring-bytes 64K || { _ld_explicit_exit=1; exit 1; }
watch_stop ring
assert_eq 0 "$WATCH_EXIT" "--ring-bytes 64K runs"
