#!/usr/bin/env bash
# --send KIND=URL: the findings and the summary of a run leave the node as
# OpenTelemetry logs (OTLP/HTTP JSON) or Elasticsearch _bulk documents, and
# --format jsonl writes them as JSON lines. Against a local receiver
# (send_receiver.py) that checks each request's format and logs what came:
# as many finding records as the JSON report of the same run has findings,
# the Authorization header from $LOCKDOWN_SEND_AUTHORIZATION arrived and
# the secret never shows on stderr, a busy answer (429) is retried once,
# a rejected send (500, "errors": true, a partial success) is exit 3 with
# one line while the report itself is still written, HTTPS with --send-ca.
# The input is a Dockerfile fixture: deterministic, no engine needed.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

command -v python3 >/dev/null || skip "no python3 for the receiver"
command -v jq >/dev/null || skip "no jq"

FIX=$LD_REPO/tests/e2e/fixtures/dockerfiles/bad.Dockerfile
RECEIVER=$LD_REPO/tests/e2e/send_receiver.py
SECRET='Bearer ld-test-s3cr3t-7f1e9a'
export LOCKDOWN_SEND_AUTHORIZATION=$SECRET

# start_receiver NAME MODE [--cert C --key K]: sets PORT and LOG
start_receiver() {
  local name=$1 mode=$2
  shift 2
  LOG=$LD_TMP/$name.log
  : >"$LOG"
  rm -f "$LD_TMP/$name.port"
  python3 "$RECEIVER" --port-file "$LD_TMP/$name.port" --log "$LOG" --mode "$mode" "$@" &
  local pid=$!
  ld_on_exit "kill $pid 2>/dev/null"
  for _ in $(seq 1 100); do
    [[ -s $LD_TMP/$name.port ]] && break
    sleep 0.05
  done
  PORT=$(cat "$LD_TMP/$name.port" 2>/dev/null)
  [[ -n $PORT ]] || { fail_plain "receiver $name did not start"; finish; }
}

# jqt ARG...: jq -e as a condition, quiet
jqt() { jq -e "$@" >/dev/null; }

# jq over the receiver's log as one array: logq [JQ-OPTION...] EXPR
logq() { jq -s "$@" "$LOG"; }

# ---- the JSON report and the JSON lines of the same input ----------------------
run_ld dockerfile lint "$FIX" --format json -o "$LD_TMP/report.json"
FINDINGS=$(jq '.findings | length' "$LD_TMP/report.json")
[[ $FINDINGS -gt 0 ]] && pass "the fixture has $FINDINGS findings" || fail "the fixture has no findings"

run_ld dockerfile lint "$FIX" --format jsonl
assert_exit 1 "jsonl: the gate fails as with json"
printf '%s\n' "$LD_STDOUT" >"$LD_TMP/out.jsonl"
assert_eq "$FINDINGS" "$(jq -s '[.[] | select(.type == "finding")] | length' "$LD_TMP/out.jsonl")" \
  "jsonl: one finding line per finding of the JSON report"
assert_eq 1 "$(jq -s '[.[] | select(.type == "summary")] | length' "$LD_TMP/out.jsonl")" \
  "jsonl: one summary line"
assert_eq summary "$(tail -n 1 "$LD_TMP/out.jsonl" | jq -r .type)" "jsonl: the summary comes last"
assert_eq "$((FINDINGS + 1))" "$(wc -l <"$LD_TMP/out.jsonl")" "jsonl: one object per line"
# each finding line holds the JSON report's finding, in the same order
assert_eq "$(jq -c '[.findings[] | [.control_id, .check_id, .status, .severity, .evidence, .target]]' "$LD_TMP/report.json")" \
  "$(jq -s -c '[.[] | select(.type == "finding") | [.control_id, .check_id, .status, .severity, .evidence, .target]]' "$LD_TMP/out.jsonl")" \
  "jsonl: finding lines carry the JSON report's findings in order"
assert_eq "$(jq -c '[.summary, .gate, .tiers]' "$LD_TMP/report.json")" \
  "$(tail -n 1 "$LD_TMP/out.jsonl" | jq -c '[.summary, .gate, .tiers]')" \
  "jsonl: the summary line has the JSON report's summary, gate and tiers"
assert_eq "$(hostname)" "$(head -n 1 "$LD_TMP/out.jsonl" | jq -r .host)" "jsonl: lines name the host"
assert_eq 1 "$(jq -s '[.[] | .run_id] | unique | length' "$LD_TMP/out.jsonl")" \
  "jsonl: one run id on every line"
assert_true "jsonl: every line names command, level and start" \
  jqt -s 'all(.[]; .command == "dockerfile lint" and (.level | type) == "string" and (.started_at | test("Z$")))' "$LD_TMP/out.jsonl"

# ---- OTLP and Elasticsearch, both in one run ------------------------------------
start_receiver ok ok
run_ld dockerfile lint "$FIX" --format json -o "$LD_TMP/sent.json" \
  --send "otlp=http://127.0.0.1:$PORT" --send "elasticsearch=http://127.0.0.1:$PORT/lockdown-findings"
assert_exit 1 "sent: the exit code is the gate's (the sends succeeded)"
assert_stderr_not_contains "ld-test-s3cr3t" "sent: the secret is not on stderr"
assert_stderr_contains "sending the LOCKDOWN_SEND_AUTHORIZATION credential over plain http" \
  "sent: a warning says the credential went over plain http"
assert_eq "$(jq '.findings | length' "$LD_TMP/sent.json")" "$FINDINGS" "sent: the report was written"
assert_eq '[]' "$(logq -c '[.[] | select(.problems != []) | .problems] | flatten')" \
  "sent: the receiver found both formats valid"
assert_eq '"/v1/logs"' "$(logq '[.[] | select(.kind == "otlp") | .path] | unique | .[0]')" \
  "otlp: a URL without a path is posted to /v1/logs"
assert_eq "$FINDINGS" "$(logq '[.[] | select(.kind == "otlp") | .types.finding // 0] | add')" \
  "otlp: one log record per finding of the JSON report"
assert_eq 1 "$(logq '[.[] | select(.kind == "otlp") | .types.summary // 0] | add')" \
  "otlp: one summary record"
assert_eq "$FINDINGS" "$(logq '[.[] | select(.kind == "elasticsearch") | .types.finding // 0] | add')" \
  "elasticsearch: one document per finding of the JSON report"
assert_eq '"/lockdown-findings/_bulk"' "$(logq '[.[] | select(.kind == "elasticsearch") | .path][0]')" \
  "elasticsearch: posted to INDEX/_bulk"
assert_eq '"lockdown-findings"' "$(logq '[.[] | select(.kind == "elasticsearch") | .index][0]')" \
  "elasticsearch: the action names the index"
assert_eq "[\"$SECRET\"]" "$(logq -c '[.[] | .authorization] | unique')" \
  "both: the Authorization header arrived as given"
assert_eq "\"$(hostname)\"" "$(logq '[.[] | .host] | unique | .[0]')" "both: host name"
assert_eq 1 "$(logq '[.[] | .run_id] | unique | length')" "both: the same run id in OTLP and Elasticsearch"
# severity mapping seen by a receiver: a failed critical finding is FATAL (21), a pass is INFO (9)
assert_true "otlp: a failed critical finding has severityNumber 21" \
  jqt -s '[.[] | .severities[] | select(.[0] == "fail" and .[1] == "critical") | .[2]] | length > 0 and all(. == 21)' "$LOG"
assert_true "otlp: a passed finding has severityNumber 9" \
  jqt -s '[.[] | .severities[] | select(.[0] == "pass") | .[2]] | length > 0 and all(. == 9)' "$LOG"

# ---- 429 once: retried after Retry-After -----------------------------------------
start_receiver busy 429once
run_ld dockerfile lint "$FIX" --format json -o "$LD_TMP/busy.json" --send "otlp=http://127.0.0.1:$PORT/v1/logs"
assert_exit 1 "429 once: retried, the send succeeded (exit is the gate's)"
assert_eq '[429,200]' "$(logq -c '[.[] | .status]')" "429 once: answered 429, then 200 to the retry"
assert_eq "$FINDINGS" "$(logq '.[1].types.finding')" "429 once: the retry carried every finding"

# ---- failures: exit 3, one line, the report still written -------------------------
start_receiver fail500 500
rm -f "$LD_TMP/f500.json"
run_ld dockerfile lint "$FIX" --format json -o "$LD_TMP/f500.json" --send "otlp=http://127.0.0.1:$PORT/v1/logs"
assert_exit 3 "500: exit 3"
assert_stderr_matches "^lockdown: could not send the report \(it was written\): otlp receiver http://127\.0\.0\.1:$PORT/v1/logs: the receiver answered HTTP 500: receiver broke on purpose$" \
  "500: one line naming the receiver, the status and its message"
assert_eq "$FINDINGS" "$(jq '.findings | length' "$LD_TMP/f500.json" 2>/dev/null)" "500: the report was written"
assert_eq 1 "$(logq 'length')" "500: not retried (only busy answers are)"

start_receiver eserr es-errors
run_ld dockerfile lint "$FIX" --format json -o "$LD_TMP/eserr.json" \
  --send "elasticsearch=http://elastic:pa55w0rd-x@127.0.0.1:$PORT/lockdown-findings/"
assert_exit 3 "errors:true: exit 3"
assert_stderr_contains "elasticsearch stored $FINDINGS of $((FINDINGS + 1)) documents; first error: mapper_parsing_exception: failed to parse field [target.line] (status 400)" \
  "errors:true: the message names the first item's error"
assert_stderr_not_contains "pa55w0rd-x" "errors:true: the URL's password is not on stderr"
assert_stderr_not_contains "ld-test-s3cr3t" "errors:true: the secret is not on stderr"
assert_eq "$FINDINGS" "$(jq '.findings | length' "$LD_TMP/eserr.json" 2>/dev/null)" "errors:true: the report was written"
assert_eq "$SECRET" "$(logq -r '.[0].authorization')" \
  "errors:true: \$LOCKDOWN_SEND_AUTHORIZATION wins over a URL's user:password"

# without $LOCKDOWN_SEND_AUTHORIZATION, a URL's user:password goes as Basic auth
start_receiver basic ok
LOCKDOWN_SEND_AUTHORIZATION= run_ld dockerfile lint "$FIX" --format json -o "$LD_TMP/basic.json" \
  --send "elasticsearch=http://elastic:pa55w0rd-x@127.0.0.1:$PORT/lockdown-findings"
assert_exit 1 "basic: sent (exit is the gate's)"
assert_eq "Basic $(printf 'elastic:pa55w0rd-x' | base64)" "$(logq -r '.[0].authorization')" \
  "basic: the URL's user:password arrived as Basic auth"

start_receiver partial otlp-partial
run_ld dockerfile lint "$FIX" --format jsonl --send "otlp=http://127.0.0.1:$PORT"
assert_exit 3 "partial success: exit 3"
assert_stderr_contains "the receiver rejected 1 of $((FINDINGS + 1)) log records: record too old (test)" \
  "partial success: the message says how many were rejected and why"

# nobody listening: fails fast, exit 3
run_ld dockerfile lint "$FIX" --format json -o "$LD_TMP/refused.json" --send "otlp=http://127.0.0.1:9/v1/logs"
assert_exit 3 "connection refused: exit 3"
assert_stderr_matches "^lockdown: could not send the report \(it was written\): otlp receiver http://127\.0\.0\.1:9/v1/logs: " \
  "connection refused: one line naming the receiver"

# ---- usage errors before any work ------------------------------------------------
run_ld dockerfile lint "$FIX" --send "splunk=http://127.0.0.1:1"
assert_exit 2 "an unknown kind is a usage error"
run_ld dockerfile lint "$FIX" --send "elasticsearch=http://127.0.0.1:1"
assert_exit 2 "an elasticsearch URL without an index is a usage error"
assert_stderr_contains "must name the index" "... saying the index is missing"
run_ld dockerfile lint "$FIX" --send "elasticsearch=http://127.0.0.1:1/Findings"
assert_exit 2 "an index Elasticsearch refuses (upper case) is a usage error"
run_ld dockerfile lint "$FIX" --send "otlp=ftp://127.0.0.1/"
assert_exit 2 "a scheme other than http(s) is a usage error"
run_ld dockerfile lint "$FIX" --send "otlp=http://127.0.0.1:1" --send-ca "$LD_TMP/missing.pem"
assert_exit 3 "an unreadable --send-ca is refused before any work"
LOCKDOWN_SEND_AUTHORIZATION=$'Bearer a\r\nX-Evil: 1' run_ld dockerfile lint "$FIX" --format json \
  -o "$LD_TMP/crlf.json" --send "otlp=http://127.0.0.1:9/v1/logs"
assert_exit 3 "an Authorization value with a line break is not sent"
assert_stderr_contains "holds a line break" "... and the message says why (not the value)"
assert_stderr_not_contains "X-Evil" "... without the value"

# ---- HTTPS with --send-ca -------------------------------------------------------------
if command -v openssl >/dev/null; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
    -keyout "$LD_TMP/tls.key" -out "$LD_TMP/tls.crt" 2>/dev/null
  start_receiver tls ok --cert "$LD_TMP/tls.crt" --key "$LD_TMP/tls.key"
  run_ld dockerfile lint "$FIX" --format json -o "$LD_TMP/tls.json" --send "otlp=https://127.0.0.1:$PORT"
  assert_exit 3 "https: a receiver the system CAs do not know is refused"
  assert_eq 0 "$(logq 'length')" "https: nothing was received over an unverified connection"
  run_ld dockerfile lint "$FIX" --format json -o "$LD_TMP/tls.json" --send "otlp=https://127.0.0.1:$PORT" \
    --send-ca "$LD_TMP/tls.crt"
  assert_exit 1 "https with --send-ca: sent (exit is the gate's)"
  assert_eq "$FINDINGS" "$(logq '[.[] | .types.finding // 0] | add')" "https with --send-ca: every finding arrived"
else
  skip_part "no openssl: HTTPS not tested"
fi

finish
