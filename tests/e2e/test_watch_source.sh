#!/usr/bin/env bash
# test_watch_source.sh — the eBPF event source (src/runtime/bpf_source.c and
# src/runtime/bpf/lockdown.bpf.c) on the real kernel, with a real engine,
# through tests/tools/rt_dump (the source's events as JSON lines):
#   - from a busybox container: an exec with its command line, its exe and
#     the container's cgroup ids (the inode of its unified cgroup dir, and of
#     its v1 memory dir); a write below /etc; reads of /etc/shadow, also by a
#     relative and by a "/../" path (resolved in the kernel); bind, listen,
#     connect and accept on 127.0.0.1 with the port; ptrace; mount and
#     unshare refused by Docker's seccomp profile (seen at their exit, no
#     arguments) and, in a container without seccomp, refused by the kernel
#     (with their arguments); setuid(0) by uid 1000; memfd_create and an
#     execveat of the memfd (exe_from_memfd); a static binary compiled here
#     and docker-cp'ed in (its exe path, exe_upper_layer);
#   - lockdown's own pid is not reported (self_pid); with host events off
#     nothing from the host's root cgroup is;
#   - FLOOD: N opens of a marker path with the smallest ring (one page):
#     every open is either delivered or counted as dropped under openat,
#     exactly, and some are dropped; with the default ring none is.
# Needs root (loads eBPF programs), gcc with a static libc, the engine and
# lockdown-test/busybox:1.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ $(id -u) -eq 0 ]] || skip --optional "needs root to load eBPF programs"
require_cmd jq gcc docker
require_image lockdown-test/busybox:1

RT_DUMP=${LOCKDOWN_RT_DUMP:-}
if [[ -z $RT_DUMP ]]; then
  for c in "${LOCKDOWN_BUILD_DIR:-}/tests/tools/rt_dump" "$(dirname "${LOCKDOWN:-/nonexistent}")/tests/tools/rt_dump"; do
    [[ -x $c ]] && { RT_DUMP=$c; break; }
  done
fi
if [[ ! -x $RT_DUMP ]]; then
  fail_plain "tests/tools/rt_dump not found next to LOCKDOWN_BIN='${LOCKDOWN:-}' (build target rt_dump)"
  exit 1
fi
[[ -r /sys/kernel/btf/vmlinux ]] || skip --optional "this kernel has no BTF (/sys/kernel/btf/vmlinux): eBPF CO-RE cannot load"

tag=$$-$RANDOM
FLOOD_N=${LD_FLOOD_N:-20000} # about 4 MB of records: a quarter of the default ring

# ---- the probe: the calls the kernel should see, one per mode --------------
cat >"$LD_TMP/ldprobe.c" <<'EOF'
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void report(const char *what, long rc)
{
    printf("%s %ld %s\n", what, rc, rc < 0 ? strerror(errno) : "ok");
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    if (!strcmp(mode, "child-ok"))
        return 0;
    if (!strcmp(mode, "net") && argc > 2) {
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)strtol(argv[2], NULL, 10))};
        inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
        int l = socket(AF_INET, SOCK_STREAM, 0), one = 1;
        setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        report("bind", bind(l, (struct sockaddr *)&a, sizeof a));
        report("listen", listen(l, 4));
        int c = socket(AF_INET, SOCK_STREAM, 0);
        report("connect", connect(c, (struct sockaddr *)&a, sizeof a));
        report("accept", accept(l, NULL, NULL));
        return 0;
    }
    if (!strcmp(mode, "ptrace")) {
        pid_t child = fork();
        if (child == 0) {
            pause();
            _exit(0);
        }
        printf("child %d\n", child);
        report("ptrace", ptrace(PTRACE_ATTACH, child, NULL, NULL));
        kill(child, SIGKILL);
        waitpid(child, NULL, 0);
        return 0;
    }
    if (!strcmp(mode, "mount")) {
        report("mount", mount("ldtmpfs", "/mnt", "tmpfs", 0, NULL));
        return 0;
    }
    if (!strcmp(mode, "unshare")) {
        report("unshare", unshare(CLONE_NEWUTS));
        return 0;
    }
    if (!strcmp(mode, "setuid") && argc > 2) {
        report("setuid", setuid((uid_t)strtol(argv[2], NULL, 10)));
        return 0;
    }
    if (!strcmp(mode, "memfd")) {
        int fd = memfd_create("ldmemfd", 0);
        report("memfd_create", fd);
        int self = open("/proc/self/exe", O_RDONLY);
        char buf[65536];
        ssize_t n;
        while ((n = read(self, buf, sizeof buf)) > 0)
            if (write(fd, buf, (size_t)n) != n)
                return 1;
        char *args[] = {"ldprobe", "child-ok", NULL}, *env[] = {NULL};
        fflush(stdout);
        syscall(SYS_execveat, fd, "", args, env, AT_EMPTY_PATH);
        report("execveat", -1);
        return 1;
    }
    if (!strcmp(mode, "flood") && argc > 3) {
        long n = strtol(argv[2], NULL, 10);
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        for (long i = 0; i < n; i++) {
            int fd = open(argv[3], O_RDONLY);
            if (fd < 0) {
                report("open", -1);
                return 1;
            }
            close(fd);
        }
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        printf("%ld %.3f %.0f\n", n, s, (double)n / s);
        return 0;
    }
    return 2;
}
EOF
if ! gcc -static -O2 -o "$LD_TMP/ldprobe" "$LD_TMP/ldprobe.c" 2>"$LD_TMP/gcc.err"; then
  skip "gcc -static failed (libc6-dev provides libc.a): $(head -c 300 "$LD_TMP/gcc.err")"
fi

# ---- rt_dump in the background ------------------------------------------------
DUMP_PID=
READY=$LD_TMP/ready
start_dump() { # start_dump OUT [RT_DUMP ARGS...] — returns once the programs are attached ($READY exists)
  local out=$1 i
  shift
  rm -f "$READY"
  "$RT_DUMP" --ready-file "$READY" "$@" >"$out" 2>"$out.err" &
  DUMP_PID=$!
  LAST_DUMP_PID=$DUMP_PID
  for ((i = 0; i < 300; i++)); do
    [[ -e $READY ]] && return 0
    kill -0 "$DUMP_PID" 2>/dev/null || break
    sleep 0.1
  done
  wait "$DUMP_PID" 2>/dev/null
  DUMP_PID=
  if grep -q "built without eBPF" "$out.err"; then
    skip "this lockdown was built without eBPF: $(head -n1 "$out.err") (bash scripts/install-deps.sh: clang libbpf-dev bpftool)"
  fi
  fail_plain "rt_dump did not attach" "$(head -n 5 "$out.err")"
  exit 1
}
stop_dump() {
  [[ -n $DUMP_PID ]] || return 0
  kill -INT "$DUMP_PID" 2>/dev/null
  wait "$DUMP_PID" 2>/dev/null
  DUMP_PID=
}
ld_on_exit '[[ -n $DUMP_PID ]] && kill -INT $DUMP_PID'

# events of one container (its v2 cgroup id) from a dump, as compact JSON
events_of() { # events_of FILE CGROUP_ID [JQ_FILTER]
  jq -c --argjson cg "$2" "select(.cgroup_id == \$cg)${3:+ | $3}" "$1"
}
has_event() { # has_event DESC FILE CGROUP_ID JQ_CONDITION
  local desc=$1 file=$2 cg=$3 cond=$4 n
  n=$(jq -c --argjson cg "$cg" "select(.cgroup_id == \$cg and ($cond))" "$file" | wc -l)
  if ((n > 0)); then pass "$desc"; else
    fail_plain "$desc: no event with $cond" "events of the container:" "$(events_of "$file" "$cg" '{type,syscall,comm,ret,path,exepath,cmdline,sock,sock_local,request,target_pid,target_uid,uid}' | grep -v '"clone"\|procexit' | head -n 40)"
  fi
}

# the cgroup ids of a running container, from its init process
cgroup_ids() { # cgroup_ids CONTAINER → "V2_ID V1_MEMORY_ID" (0 when absent)
  local pid v2 mem v2dir memdir
  pid=$(docker inspect -f '{{.State.Pid}}' "$1")
  v2=$(awk -F: '$1 == "0" {print $3}' "/proc/$pid/cgroup")
  mem=$(awk -F: '$2 ~ /(^|,)memory(,|$)/ {print $3}' "/proc/$pid/cgroup")
  if [[ $(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null) == cgroup2fs ]]; then
    v2dir=/sys/fs/cgroup/unified$v2
  else
    v2dir=/sys/fs/cgroup$v2
  fi
  memdir=/sys/fs/cgroup/memory$mem
  echo "$(stat -c %i "$v2dir" 2>/dev/null || echo 0) $( [[ -n $mem ]] && stat -c %i "$memdir" 2>/dev/null || echo 0)"
}

# ---- containers ------------------------------------------------------------------
C1=ldbpf-src-$tag
C2=ldbpf-src-noseccomp-$tag
ld_on_exit "docker rm -f $C1 $C2"
docker run -d --name "$C1" lockdown-test/busybox:1 sleep 300 >/dev/null ||
  { fail_plain "docker run $C1 failed"; exit 1; }
docker run -d --name "$C2" --security-opt seccomp=unconfined lockdown-test/busybox:1 sleep 300 >/dev/null ||
  { fail_plain "docker run $C2 (seccomp=unconfined) failed"; exit 1; }
docker cp "$LD_TMP/ldprobe" "$C1:/ldprobe" && docker cp "$LD_TMP/ldprobe" "$C2:/ldprobe" ||
  { fail_plain "docker cp of the probe failed"; exit 1; }
read -r CG1 CG1_V1 <<<"$(cgroup_ids "$C1")"
read -r CG2 _ <<<"$(cgroup_ids "$C2")"
[[ $CG1 != 0 && $CG2 != 0 ]] || { fail_plain "no v2 cgroup dir found for the containers"; exit 1; }

# ---- one dump while the containers do things ---------------------------------------
OUT=$LD_TMP/events.jsonl
# host events off: the host's root cgroup is dropped in the kernel (this
# shell's open below a watched prefix too), the containers' events are not
HOSTCHECK=$LD_TMP/hostcheck
mkdir -p "$HOSTCHECK"
if [[ $(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null) == cgroup2fs ]]; then
  ROOT_CG=$(stat -c %i /sys/fs/cgroup/unified)
else
  ROOT_CG=$(stat -c %i /sys/fs/cgroup)
fi
start_dump "$OUT" --no-host --defaults --prefix "$HOSTCHECK/"
: >"$HOSTCHECK/by-the-host-shell"
PORT=$((20000 + RANDOM % 20000))
# one docker exec per container and user (each costs the engine a process)
docker exec "$C1" sh -c "
  /bin/echo ldmark-exec-$tag >/dev/null
  echo x > /etc/ldmark-$tag
  cat /etc/shadow >/dev/null
  cd /etc && head -c 1 ./shadow >/dev/null; cd /
  wc -c /tmp/../etc/shadow >/dev/null
  /ldprobe net $PORT
  /ldprobe ptrace
  /ldprobe mount
  /ldprobe unshare
  /ldprobe memfd" >"$LD_TMP/c1.out" 2>&1
docker exec -u 1000 "$C1" /ldprobe setuid 0 >/dev/null
docker exec "$C2" sh -c "/ldprobe mount; /ldprobe unshare" >/dev/null
sleep 0.3
stop_dump
STATS=$(tail -n 1 "$OUT")
jq -e '.stats' <<<"$STATS" >/dev/null || { fail_plain "rt_dump printed no statistics" "$(tail -n 3 "$OUT.err")"; exit 1; }
echo "# coverage: $(jq -r .stats.coverage <<<"$STATS")"

# exec: command line, exe, cgroup ids
has_event "exec in the container with its command line and exe" "$OUT" "$CG1" \
  ".type == \"execve\" and .cmdline == \"/bin/echo ldmark-exec-$tag\" and .path == \"/bin/echo\" and .exepath == \"/bin/busybox\" and (.exe_upper_layer | not) and .comm == \"echo\""
if [[ $CG1_V1 != 0 ]]; then
  has_event "exec carries the container's v1 memory cgroup id (inode $CG1_V1)" "$OUT" "$CG1" \
    ".type == \"execve\" and .cmdline == \"/bin/echo ldmark-exec-$tag\" and .cgroup_v1_id == $CG1_V1"
else
  pass "no v1 memory hierarchy on this host: cgroup_v1_id is 0 by design"
  has_event "exec carries no v1 cgroup id on a pure v2 host" "$OUT" "$CG1" ".type == \"execve\" and .cgroup_v1_id == 0"
fi

# files
has_event "write below /etc" "$OUT" "$CG1" \
  ".type == \"openat\" and .path == \"/etc/ldmark-$tag\" and (.open_flags % 4) != 0 and .ret >= 0 and .comm == \"sh\""
has_event "read of /etc/shadow" "$OUT" "$CG1" \
  ".type == \"openat\" and .path == \"/etc/shadow\" and (.open_flags % 4) == 0 and .ret >= 0 and .comm == \"cat\""
has_event "the relative ./shadow opened from /etc is reported as /etc/shadow" "$OUT" "$CG1" \
  ".type == \"openat\" and .path == \"/etc/shadow\" and .comm == \"head\""
has_event "/tmp/../etc/shadow is reported as /etc/shadow" "$OUT" "$CG1" \
  ".type == \"openat\" and .path == \"/etc/shadow\" and .comm == \"wc\""
n=$(events_of "$OUT" "$CG1" 'select((.type == "openat") and (.path | test("^/(proc|dev|lib/ld|sys)")))' | wc -l)
assert_eq 0 "$n" "opens outside the filter (libraries, /proc, /dev) are not reported"

# network
has_event "bind of 127.0.0.1:$PORT" "$OUT" "$CG1" \
  ".type == \"bind\" and .sock.addr == \"127.0.0.1\" and .sock.port == $PORT and .ret == 0"
has_event "listen on the socket bound to port $PORT" "$OUT" "$CG1" \
  ".type == \"listen\" and .sock_local.port == $PORT and .ret == 0"
has_event "connect to 127.0.0.1:$PORT" "$OUT" "$CG1" \
  ".type == \"connect\" and .sock.addr == \"127.0.0.1\" and .sock.port == $PORT"
has_event "accept: the peer on 127.0.0.1, the local port $PORT" "$OUT" "$CG1" \
  ".type == \"accept\" and .sock.addr == \"127.0.0.1\" and .sock_local.port == $PORT and .ret >= 0"

# the copied-in binary and ptrace
has_event "exec of the docker-cp'ed binary: its exe path, in the writable layer" "$OUT" "$CG1" \
  ".type == \"execve\" and .exepath == \"/ldprobe\" and .cmdline == \"/ldprobe ptrace\" and .exe_upper_layer == true"
child=$(awk '$1 == "child" {print $2}' "$LD_TMP/c1.out")
has_event "ptrace(PTRACE_ATTACH) of the child (pid $child in the container)" "$OUT" "$CG1" \
  ".type == \"ptrace\" and .request == 16 and .target_pid == ${child:-0}"

# mount and unshare: refused by seccomp (no arguments) and by the kernel (with them)
has_event "mount refused by Docker's seccomp profile is still seen (at its exit)" "$OUT" "$CG1" \
  ".type == \"mount\" and .ret < 0"
has_event "mount without seccomp: target, source and fstype" "$OUT" "$CG2" \
  ".type == \"mount\" and .path == \"/mnt\" and .fstype == \"tmpfs\" and .source_path == \"ldtmpfs\" and .ret < 0"
has_event "unshare refused in the default container is seen" "$OUT" "$CG1" ".type == \"unshare\" and .ret < 0"
has_event "unshare(CLONE_NEWUTS) without seccomp: its flags" "$OUT" "$CG2" \
  ".type == \"unshare\" and .request == 67108864"

# setuid by a non-root user
has_event "setuid(0) by uid 1000" "$OUT" "$CG1" \
  ".type == \"setuid\" and .syscall == \"setuid\" and .uid == 1000 and .target_uid == 0 and .ret < 0"

# memfd
has_event "memfd_create with its name" "$OUT" "$CG1" \
  ".type == \"memfd_create\" and .path == \"ldmemfd\" and .ret >= 0"
has_event "execveat of the memfd: exe_from_memfd" "$OUT" "$CG1" \
  ".type == \"execveat\" and .exe_from_memfd == true and (.exepath | startswith(\"/memfd:ldmemfd\")) and .cmdline == \"ldprobe child-ok\""

# host events off
n=$(jq -c --arg p "$HOSTCHECK/by-the-host-shell" 'select(.path == $p)' "$OUT" | wc -l)
assert_eq 0 "$n" "host events off: the host shell's open below a watched prefix is not reported"
n=$(jq -c --argjson root "$ROOT_CG" 'select(.type and .cgroup_id == $root)' "$OUT" | wc -l)
assert_eq 0 "$n" "host events off: no event from the root cgroup (id $ROOT_CG)"
assert_eq 0 "$(jq .stats.dropped <<<"$STATS")" "nothing dropped with the default ring"
assert_eq false "$(jq .stats.reduced <<<"$STATS")" "full coverage on this kernel"

# ---- FLOOD: every open delivered or counted ------------------------------------------
M=$LD_TMP/flood-$tag
mkdir -p "$M" && : >"$M/f"
# rt_dump creates its ready file itself, after attaching, below the marker
# prefix: were its own pid not filtered in the kernel, that open would be
# reported like the flood's
READY=$M/ready
flood_run() { # flood_run RING_BYTES → sets F_MARKED F_DROPPED F_OPENAT_DROPPED F_RATE F_SELF
  local out=$LD_TMP/flood-$1.jsonl st
  start_dump "$out" --prefix "$M/" --ring-bytes "$1"
  read -r _ _ F_RATE < <("$LD_TMP/ldprobe" flood "$FLOOD_N" "$M/f")
  stop_dump
  st=$(tail -n 1 "$out")
  F_MARKED=$(jq -c --arg p "$M/f" 'select(.type == "openat" and .path == $p)' "$out" | wc -l)
  F_DROPPED=$(jq '.stats.dropped' <<<"$st")
  F_OPENAT_DROPPED=$(jq '.stats.dropped_by_type.openat // 0' <<<"$st")
  F_SELF=$(jq -c --argjson me "$LAST_DUMP_PID" --arg p "$READY" 'select(.pid == $me or .path == $p)' "$out" | wc -l)
}
flood_run 4096
echo "# flood, 4096-byte ring: $FLOOD_N opens at ${F_RATE:-?}/s: $F_MARKED delivered, $F_OPENAT_DROPPED counted dropped (all types: $F_DROPPED)"
assert_eq "$FLOOD_N" "$((F_MARKED + F_OPENAT_DROPPED))" "smallest ring: delivered + dropped(openat) == $FLOOD_N opens"
assert_true "smallest ring: the flood overflowed it (dropped $F_DROPPED > 0)" test "$F_DROPPED" -gt 0
flood_run 0
echo "# flood, default ring: $FLOOD_N opens at ${F_RATE:-?}/s: $F_MARKED delivered, $F_DROPPED dropped"
assert_eq "$FLOOD_N" "$F_MARKED" "default ring: all $FLOOD_N opens delivered"
assert_eq 0 "$F_DROPPED" "default ring: nothing dropped"
assert_eq 0 "$F_SELF" "rt_dump's own open of its ready file below the marker prefix is not reported (self_pid)"
