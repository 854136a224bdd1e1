#!/usr/bin/env bash
# End-to-end test of lockdown watch's syslog outputs against a REAL syslog
# receiver: Debian's rsyslogd, started here with its own config, pid file,
# a private unix socket (imuxsock, no system socket), a UDP and a TCP port
# on 127.0.0.1 (imudp, imtcp with octet-counted framing), mmpstrucdata to
# parse RFC 5424 structured data, and omfile into the test's temp dir.
# Alerts go out through each transport (tests/tools/rt_sink_send drives the
# same sinks `lockdown watch --output` opens) and are read back from
# rsyslog's file: the rule name (MSGID and SD), the message, a hostile
# container name in the structured data, PRI from facility and priority,
# the 8 KiB UDP cut, the JSON after the text. A python3 TCP socket checks
# the octet-counting framing byte for byte against the --format syslog
# lines the same run wrote to a file. A collector that is down is an error
# said quickly, not a hang. Last, `lockdown watch` itself (when built): a
# busybox container running sh, the default rules, --output udp://..., and
# the alert read back from rsyslog.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_cmd rsyslogd python3
SEND=${LD_SINK_SEND:-${LOCKDOWN_BUILD_DIR:-$(dirname "${LOCKDOWN:-$LD_REPO/build/lockdown}")}/tests/tools/rt_sink_send}
[[ -x $SEND ]] || { fail_plain "rt_sink_send helper not built at $SEND (ninja rt_sink_send)"; exit 1; }

free_port() { # free_port tcp|udp
  python3 - "$1" <<'EOF'
import socket, sys
kind = socket.SOCK_STREAM if sys.argv[1] == "tcp" else socket.SOCK_DGRAM
s = socket.socket(socket.AF_INET, kind); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
EOF
}

RS=$LD_TMP/rsyslog
mkdir -p "$RS/work" "$RS/out"
UDP=$(free_port udp)
TCP=$(free_port tcp)
SOCK=$RS/log.sock
OUT=$RS/out/all.log
# inputname TAB pri TAB hostname TAB app-name TAB msgid TAB structured data as JSON TAB msg
cat >"$RS/rsyslog.conf" <<EOF
global(workDirectory="$RS/work" maxMessageSize="64k")
module(load="imuxsock" SysSock.Use="off")
module(load="imudp")
module(load="imtcp")
module(load="mmpstrucdata")
template(name="ldtest" type="list") {
  property(name="inputname") constant(value="\t")
  property(name="pri") constant(value="\t")
  property(name="hostname") constant(value="\t")
  property(name="app-name") constant(value="\t")
  property(name="msgid") constant(value="\t")
  property(name="\$!rfc5424-sd") constant(value="\t")
  property(name="msg" droplastlf="on") constant(value="\n")
}
ruleset(name="ld") {
  action(type="mmpstrucdata")
  action(type="omfile" file="$OUT" template="ldtest")
}
input(type="imuxsock" Socket="$SOCK" UseSpecialParser="off" ParseHostname="on" RateLimit.Interval="0" ruleset="ld")
input(type="imudp" address="127.0.0.1" port="$UDP" ruleset="ld")
input(type="imtcp" address="127.0.0.1" port="$TCP" ruleset="ld")
EOF
rsyslogd -n -f "$RS/rsyslog.conf" -i "$RS/rsyslogd.pid" >"$RS/rsyslogd.log" 2>&1 &
RS_PID=$!
ld_on_exit "kill $RS_PID; wait $RS_PID"
for _ in $(seq 1 50); do
  [[ -S $SOCK ]] && (exec 3<>"/dev/tcp/127.0.0.1/$TCP") 2>/dev/null && break
  sleep 0.1
done
if ! [[ -S $SOCK ]] || ! kill -0 "$RS_PID" 2>/dev/null; then
  fail_plain "rsyslogd did not come up" "$(cat "$RS/rsyslogd.log")"
  exit 1
fi
pass "rsyslogd up: unix $SOCK, udp $UDP, tcp $TCP (pid $RS_PID)"

# wait_lines INPUT N: until rsyslog's file holds N lines from INPUT (10 s)
wait_lines() {
  local i
  for i in $(seq 1 100); do
    [[ $(grep -c "^$1	" "$OUT" 2>/dev/null) -ge $2 ]] && return 0
    sleep 0.1
  done
  return 1
}

# check_lines INPUT MARK N PRI: N lines from INPUT whose message contains
# MARK, each with the rule as MSGID and in SD, the hostile container name
# intact, the pid, and the message with its index
check_lines() {
  python3 - "$OUT" "$@" <<'EOF'
import json, sys
path, inp, mark, n, pri = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
rows = []
with open(path, encoding="utf-8") as f:
    for line in f:
        parts = line.rstrip("\n").split("\t", 6)
        if len(parts) == 7 and parts[0] == inp and mark in parts[6]:
            rows.append(parts)
errs = []
if len(rows) != n:
    errs.append(f"{len(rows)} lines, want {n}")
for i, (_, p, host, app, msgid, sd, msg) in enumerate(rows):
    if p != pri: errs.append(f"pri {p}, want {pri}")
    if host != "rt-sink-send": errs.append(f"hostname {host!r}")
    if app != "lockdown": errs.append(f"app-name {app!r}")
    if msgid != "Shell_spawned_in_container": errs.append(f"msgid {msgid!r}")
    try:
        params = json.loads(sd).get("lockdown@32473", {})
    except ValueError:
        errs.append(f"rsyslog could not parse the structured data: {sd[:120]!r}")
        continue
    want = {"rule": "Shell spawned in container", "container.name": 'we"ird]na\\me',
            "container.image": "lockdown-test/busybox:1", "proc.name": "sh", "proc.pid": "4242",
            "control": "NIST-CTR-01-A", "priority": params.get("priority")}
    for k, v in want.items():
        if params.get(k) != v: errs.append(f"SD {k}={params.get(k)!r}, want {v!r}")
    if msg != f"{mark} (#{i})": errs.append(f"msg {msg!r}, want {mark + f' (#{i})'!r}")
if errs:
    print("\n".join(errs[:10])); sys.exit(1)
EOF
}

# ---- each transport, read back from rsyslog ---------------------------------------
NAME='we"ird]na\me'
for t in unix udp tcp; do
  case $t in
    unix) spec=unix:$SOCK input=imuxsock ;;
    udp) spec=udp://127.0.0.1:$UDP input=imudp ;;
    tcp) spec=tcp://127.0.0.1:$TCP input=imtcp ;;
  esac
  mark="via $t: café ✓"
  run_cmd "$SEND" --count 3 --container-name "$NAME" --message "$mark" "$spec"
  assert_exit 0 "$t: sent"
  if wait_lines "$input" 3 && detail=$(check_lines "$input" "$mark" 3 12); then
    pass "$t: 3 alerts read back from rsyslog with rule, message and structured data intact"
  else
    fail_plain "$t: alerts not read back intact" "${detail:-timed out}" "$(tail -n 5 "$OUT" 2>/dev/null)"
  fi
done

# ---- PRI: facility * 8 + the rule's priority -------------------------------------------
run_cmd "$SEND" --facility 16 --priority critical --container-name "$NAME" --message "pri check" "udp://127.0.0.1:$UDP"
assert_exit 0 "local0.crit sent"
if wait_lines imudp 4 && detail=$(check_lines imudp "pri check" 1 130); then
  pass "PRI 130 (local0 = 16, critical = 2) as rsyslog reads it"
else
  fail_plain "PRI not 130" "${detail:-timed out}"
fi

# ---- UDP: one datagram at most 8 KiB, cut with a note ---------------------------------------
BIG=$(python3 -c 'print("U" * 20000)')
rc=0
"$SEND" --message "big $BIG" "udp://127.0.0.1:$UDP" 2>"$LD_TMP/big.err" || rc=$?
assert_eq 0 "$rc" "a 20 KB alert sent over UDP $(cat "$LD_TMP/big.err")"
if wait_lines imudp 5; then
  got=$(python3 - "$OUT" <<'EOF'
import sys
for line in open(sys.argv[1], encoding="utf-8"):
    p = line.rstrip("\n").split("\t", 6)
    if p[0] == "imudp" and p[6].startswith("big U"):
        print(len(p[6].encode()), p[6].endswith("[truncated by lockdown]"))
EOF
)
  read -r msglen cut <<<"$got"
  if [[ $cut == True ]] && ((msglen > 7000 && msglen < 8192)); then
    pass "UDP: the message arrived cut below 8 KiB ($msglen bytes of MSG) with the note"
  else
    fail_plain "UDP: large message not cut as promised" "$got"
  fi
else
  fail_plain "UDP: the large message did not arrive"
fi

# ---- the JSON document after the text -------------------------------------------------
run_cmd "$SEND" --json-in-syslog --message "with json" "tcp://127.0.0.1:$TCP"
assert_exit 0 "--json-in-syslog sent"
if wait_lines imtcp 4; then
  detail=$(python3 - "$OUT" <<'EOF'
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    p = line.rstrip("\n").split("\t", 6)
    if p[0] == "imtcp" and p[6].startswith("with json (#0) "):
        doc = json.loads(p[6][len("with json (#0) "):])
        assert doc["rule"]["name"] == "Shell spawned in container", doc["rule"]
        assert doc["event"]["kind"] == "alert"
        assert doc["container"]["image"]["name"] == "lockdown-test/busybox"
        print("ok"); break
EOF
  ) || true
  if [[ $detail == ok ]]; then pass "TCP: the ECS JSON after the text survived rsyslog"; else fail_plain "TCP: JSON after the text not intact" "$detail"; fi
else
  fail_plain "TCP: the JSON alert did not arrive"
fi

# ---- octet-counting framing, byte for byte -------------------------------------------
PY_PORT=$(free_port tcp)
python3 - "$PY_PORT" "$LD_TMP/tcp.raw" "$LD_TMP/py.ready" <<'EOF' &
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1); s.settimeout(20)
open(sys.argv[3], "w").close()
c, _ = s.accept(); c.settimeout(20)
data = b""
while True:
    b = c.recv(65536)
    if not b: break
    data += b
open(sys.argv[2], "wb").write(data)
EOF
PY_PID=$!
ld_on_exit "kill $PY_PID"
for _ in $(seq 1 50); do [[ -e $LD_TMP/py.ready ]] && break; sleep 0.1; done
run_cmd "$SEND" --format syslog --count 5 --ts 1764842400123456789 --container-name "$NAME" \
  --message $'multi\nline é' "tcp://127.0.0.1:$PY_PORT" "$LD_TMP/lines.syslog"
assert_exit 0 "5 alerts to the python3 collector and a syslog-format file"
wait "$PY_PID" 2>/dev/null
detail=$(python3 - "$LD_TMP/tcp.raw" "$LD_TMP/lines.syslog" <<'EOF'
import sys
data = open(sys.argv[1], "rb").read()
lines = open(sys.argv[2], "rb").read().split(b"\n")[:-1]
frames, off = [], 0
while off < len(data):
    sp = data.index(b" ", off)
    digits = data[off:sp]
    assert digits.isdigit() and not digits.startswith(b"0"), f"bad octet count {digits!r} at {off}"
    n = int(digits)
    msg = data[sp + 1: sp + 1 + n]
    assert len(msg) == n, f"frame at {off}: {len(msg)} bytes, count says {n}"
    assert msg.startswith(b"<") and b"\n" not in msg, f"frame at {off} is not one syslog message"
    frames.append(msg)
    off = sp + 1 + n
assert off == len(data), "stream does not end at a frame boundary"
assert len(frames) == 5, f"{len(frames)} frames"
assert frames == lines, "TCP payloads differ from the --format syslog lines"
assert frames[0].startswith(b"<12>1 2025-12-04T10:00:00.123456Z rt-sink-send lockdown "), frames[0][:80]
print("ok")
EOF
) || true
if [[ $detail == ok ]]; then
  pass "TCP: octet-counted frames are byte for byte the RFC 5424 lines of the file output"
else
  fail_plain "TCP framing" "$detail"
fi

# ---- a collector that is down: said at once, no hang ----------------------------------------
DEAD=$(free_port tcp)
start=$(date +%s%N)
run_cmd "$SEND" --count 5 "tcp://127.0.0.1:$DEAD"
elapsed=$((($(date +%s%N) - start) / 1000000))
assert_exit 1 "dead TCP collector"
assert_stderr_contains "not connected" "dead TCP collector named"
if ((elapsed < 5000)); then pass "dead collector: 5 alerts and close in ${elapsed} ms"; else fail_plain "dead collector took ${elapsed} ms"; fi
run_cmd "$SEND" "unix:$LD_TMP/no-such.sock"
assert_exit 1 "missing unix socket refused at open"
assert_stderr_contains "no-such.sock"

# ---- lockdown watch itself ------------------------------------------------------------------
if ! "$LOCKDOWN" watch --help >/dev/null 2>&1; then
  skip_part "lockdown watch is not in this build: the watch part did not run"
  exit 0
fi
require_image lockdown-test/busybox:1
CT=ldsinks-$$-$RANDOM
ld_on_exit "docker rm -f $CT"
"$LOCKDOWN" watch --output "udp://127.0.0.1:$UDP" --duration 40 --stats-interval 0 \
  >"$LD_TMP/watch.out" 2>"$LD_TMP/watch.err" &
W_PID=$!
ld_on_exit "kill $W_PID"
for _ in $(seq 1 150); do grep -q "watching" "$LD_TMP/watch.err" 2>/dev/null && break; kill -0 "$W_PID" 2>/dev/null || break; sleep 0.1; done
if ! grep -q "watching" "$LD_TMP/watch.err"; then
  fail_plain "lockdown watch did not start" "$(cat "$LD_TMP/watch.err")"
  exit 1
fi
docker run --rm --name "$CT" lockdown-test/busybox:1 sh -c 'sh -c "echo hi"; sleep 1' >/dev/null 2>&1
found=""
for _ in $(seq 1 100); do
  found=$(python3 - "$OUT" "$CT" <<'EOF'
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    p = line.rstrip("\n").split("\t", 6)
    if len(p) < 7 or p[0] != "imudp" or p[4] != "Shell_spawned_in_container": continue
    sd = json.loads(p[5]).get("lockdown@32473", {})
    if sd.get("container.name") == sys.argv[2]:
        print(sd.get("rule"), "|", sd.get("container.image"), "|", sd.get("control"), "|", p[6]); break
EOF
)
  [[ -n $found ]] && break
  sleep 0.1
done
kill -TERM "$W_PID" 2>/dev/null
wait "$W_PID" 2>/dev/null
W_EXIT=$?
if [[ $found == "Shell spawned in container | lockdown-test/busybox:1 | "* ]]; then
  pass "lockdown watch: the shell in $CT reached rsyslog over UDP ($found)"
else
  fail_plain "lockdown watch: no shell alert for $CT in rsyslog" "$(grep imudp "$OUT" | tail -n 3)" "$(cat "$LD_TMP/watch.err")"
fi
assert_eq 0 "$W_EXIT" "lockdown watch stopped by SIGTERM exits 0"
if wait_lines imudp 1 && grep -q "^imudp	[0-9]*	[^	]*	lockdown	stats	" "$OUT"; then
  pass "lockdown watch: the final statistics record reached rsyslog"
else
  fail_plain "lockdown watch: no statistics record in rsyslog" "$(grep imudp "$OUT" | tail -n 3)"
fi
