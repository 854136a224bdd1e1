#!/usr/bin/env bash
# capture_lib.sh — helpers shared by the `lockdown capture` end-to-end tests
# (test_capture.sh, test_capture_watchdog.sh, test_capture_hostile.sh): where a
# container's freezer lives and whether it is frozen (cgroup v1 freezer.state
# and cgroup v2 cgroup.freeze / cgroup.events, read straight from the kernel,
# not from lockdown), the "running and not paused" assertion made after every
# capture, and readers of the bundle's ELF cores and tars (python3, so the
# checks do not trust lockdown's own parsers). Source after lib.sh.

if [[ -n ${_LD_CAPTURE_LIB_LOADED:-} ]]; then return 0; fi
_LD_CAPTURE_LIB_LOADED=1

# cap_cgroup_dirs NAME — sets CAP_PID (init, host pid namespace), CAP_ID (full
# id), CAP_V1 (the v1 freezer dir, '' when the host has none) and CAP_V2 (the
# unified dir, '' when none), from /proc/PID/cgroup of the container's init.
cap_cgroup_dirs() {
  local line path v2mount=/sys/fs/cgroup
  CAP_PID=$(docker inspect -f '{{.State.Pid}}' "$1" 2>/dev/null)
  # shellcheck disable=SC2034 # used by the tests that source this file
  CAP_ID=$(docker inspect -f '{{.Id}}' "$1" 2>/dev/null)
  CAP_V1='' CAP_V2=''
  [[ -n $CAP_PID && $CAP_PID != 0 ]] || return 1
  [[ -e /sys/fs/cgroup/unified/cgroup.controllers ]] && v2mount=/sys/fs/cgroup/unified
  while IFS= read -r line; do
    path=${line#*:*:}
    case $line in
      0::*) [[ -e $v2mount${path%/}/cgroup.freeze ]] && CAP_V2=$v2mount${path%/} ;;
      *:freezer:* | *:*,freezer:* | *:freezer,*:*)
        [[ -e /sys/fs/cgroup/freezer${path%/}/freezer.state ]] && CAP_V1=/sys/fs/cgroup/freezer${path%/}
        ;;
    esac
  done <"/proc/$CAP_PID/cgroup"
  return 0
}

# cap_freezer_report — "THAWED" when neither freezer holds the container
# (after cap_cgroup_dirs), else what holds it ("v1 freezer.state FROZEN; v2
# cgroup.freeze 1 (frozen 1)"). Reads with `read`, no fork: fast enough to
# poll every few milliseconds.
cap_freezer_report() {
  local v1='' v2f='' v2e='' line what=''
  if [[ -n $CAP_V1 ]]; then
    read -r v1 <"$CAP_V1/freezer.state" 2>/dev/null || v1='?'
    [[ $v1 == THAWED ]] || what+="v1 freezer.state $v1; "
  fi
  if [[ -n $CAP_V2 ]]; then
    read -r v2f <"$CAP_V2/cgroup.freeze" 2>/dev/null || v2f='?'
    while read -r line; do [[ $line == frozen\ * ]] && v2e=${line#frozen }; done <"$CAP_V2/cgroup.events" 2>/dev/null
    [[ $v2f == 0 && $v2e == 0 ]] || what+="v2 cgroup.freeze $v2f (frozen $v2e); "
  fi
  if [[ -z $what ]]; then echo THAWED; else echo "${what%; }"; fi
}

# cap_is_frozen — true while either freezer says frozen (or freezing)
cap_is_frozen() {
  local v1='' line
  if [[ -n $CAP_V1 ]]; then
    read -r v1 <"$CAP_V1/freezer.state" 2>/dev/null
    [[ $v1 == FROZEN || $v1 == FREEZING ]] && return 0
  fi
  if [[ -n $CAP_V2 ]]; then
    while read -r line; do [[ $line == 'frozen 1' ]] && return 0; done <"$CAP_V2/cgroup.events" 2>/dev/null
  fi
  return 1
}

# assert_running_not_paused NAME WHEN — after a capture: the engine says
# running and not paused, neither freezer holds the container, and a
# process started in it runs (a frozen container would hang the exec).
assert_running_not_paused() {
  local name=$1 when=$2 state
  state=$(docker inspect -f '{{.State.Status}} paused={{.State.Paused}}' "$name" 2>&1)
  assert_eq "running paused=false" "$state" "$when: the engine shows $name running, not paused"
  cap_cgroup_dirs "$name" || { fail_plain "$when: $name has no init pid"; return 0; }
  local report
  report=$(cap_freezer_report)
  assert_eq THAWED "$report" "$when: the cgroup freezer state of $name"
  if [[ $report != THAWED ]]; then
    # an exec into a frozen cgroup blocks runc, and the engine with it
    fail_plain "$when: docker exec not tried: $name is frozen"
  elif timeout 15 docker exec "$name" true >/dev/null 2>&1; then
    pass "$when: a process runs in $name (docker exec true)"
  else
    fail_plain "$when: docker exec true in $name did not complete in 15 s"
  fi
}

# cap_force_thaw NAME... — at the end of a test, whatever failed: thaw the
# containers by hand (the engine's unpause, then both freezers), so a broken
# watchdog does not leave a frozen container that wedges the engine
cap_force_thaw() {
  local name
  for name in "$@"; do
    cap_cgroup_dirs "$name" 2>/dev/null || continue
    if [[ $(timeout 10 docker inspect -f '{{.State.Paused}}' "$name" 2>/dev/null) == true ]]; then
      timeout 10 docker unpause "$name" >/dev/null 2>&1
    fi
    [[ -n $CAP_V2 ]] && echo 0 >"$CAP_V2/cgroup.freeze" 2>/dev/null
    [[ -n $CAP_V1 ]] && echo THAWED >"$CAP_V1/freezer.state" 2>/dev/null
  done
  return 0
}

# The python3 readers, written once per test into LD_TMP.
CAP_PY=$LD_TMP/capture_readers.py
cat >"$CAP_PY" <<'EOF'
# ELF core and tar readers for the capture e2e tests: independent of lockdown.
import json, struct, sys, tarfile

def core(path):
    data = open(path, 'rb').read()
    if data[:4] != b'\x7fELF' or data[4] != 2 or data[5] != 1:
        sys.exit(f'{path}: not a little-endian ELF64 file')
    e_type, = struct.unpack_from('<H', data, 16)
    e_phoff, = struct.unpack_from('<Q', data, 32)
    e_phentsize, e_phnum = struct.unpack_from('<HH', data, 54)
    loads, notes = [], 0
    for i in range(e_phnum):
        (p_type, p_flags, p_offset, p_vaddr, _pa, p_filesz, p_memsz,
         _al) = struct.unpack_from('<IIQQQQQQ', data, e_phoff + i * e_phentsize)
        if p_type == 1:
            loads.append((p_offset, p_vaddr, p_filesz, p_memsz))
        elif p_type == 4:
            notes += 1
    return data, e_type, loads, notes

cmd = sys.argv[1]
if cmd == 'marker':      # marker CORE STRING: the virtual addresses where STRING is in a PT_LOAD
    data, e_type, loads, _ = core(sys.argv[2])
    if e_type != 4:
        sys.exit(f'e_type {e_type}, not ET_CORE')
    m = sys.argv[3].encode()
    off = data.find(m)
    while off >= 0:
        for (o, v, fs, _ms) in loads:
            if o <= off and off + len(m) <= o + fs:
                print(hex(v + off - o))
        off = data.find(m, off + 1)
elif cmd == 'summary':   # summary CORE: {"type", "loads", "with_contents", "filesz", "notes"}
    data, e_type, loads, notes = core(sys.argv[2])
    print(json.dumps({'type': e_type, 'loads': len(loads),
                      'with_contents': sum(1 for l in loads if l[2] > 0),
                      'filesz': sum(l[2] for l in loads), 'notes': notes}))
elif cmd == 'tar':       # tar TAR: one JSON line per member (name without ./ or /)
    with tarfile.open(sys.argv[2], 'r:') as t:
        for m in t:
            name = m.name
            while name.startswith('./') or name.startswith('/'):
                name = name[2:] if name.startswith('./') else name[1:]
            rec = {'name': name, 'type': 'file' if m.isreg() else 'dir' if m.isdir() else
                   'symlink' if m.issym() else 'hardlink' if m.islnk() else
                   'chr' if m.ischr() else 'blk' if m.isblk() else 'fifo' if m.isfifo() else 'other',
                   'size': m.size, 'link': m.linkname, 'major': m.devmajor, 'minor': m.devminor}
            if m.isreg():
                rec['content'] = t.extractfile(m).read(4096).decode('latin-1')
            print(json.dumps(rec))
else:
    sys.exit('usage: marker CORE STRING | summary CORE | tar TAR')
EOF

# cap_marker_addrs CORE STRING — addresses of STRING in the core's PT_LOAD contents
cap_marker_addrs() { python3 "$CAP_PY" marker "$1" "$2"; }
# cap_core_summary CORE — JSON: type, loads, with_contents, filesz, notes
cap_core_summary() { python3 "$CAP_PY" summary "$1"; }
# cap_tar_list TAR — JSON lines: name, type, size, link, major, minor, content
cap_tar_list() { python3 "$CAP_PY" tar "$1"; }

# cap_gdb_string CORE ADDR — what gdb -batch prints for x/s ADDR on the core alone
cap_gdb_string() {
  DEBUGINFOD_URLS='' timeout 60 gdb -nx -batch -ex "x/s $2" -c "$1" 2>&1
}

# jq_q ARGS... — jq -e with its output discarded (for assert_true)
jq_q() { jq -e "$@" >/dev/null; }

# cap_artifact_path BUNDLE JQ_FILTER — the path of the first manifest artifact
# matching the filter (on .artifacts[]), '' when none
cap_artifact_path() {
  jq -r "[.artifacts[] | select($2) | .path][0] // empty" "$1/manifest.json" 2>/dev/null
}
