#!/usr/bin/env bash
# engine-up.sh — makes a Docker engine answer on /var/run/docker.sock for the
# end-to-end tests. Does nothing when one already answers /_ping; otherwise
# installs docker.io + containerd if missing, starts containerd and dockerd in
# the background (detached, they outlive this script) and waits for /_ping.
# Logs: /var/log/lockdown-test-containerd.log, /var/log/lockdown-test-dockerd.log
#
# What these machines need: nothing special. The kernel has overlayfs and
# cgroup v1 hierarchies mounted, and iptables (nf_tables) works, so plain
# `dockerd --containerd=...` comes up with overlay2 + cgroupfs + iptables.
# Extra dockerd flags can be passed in LOCKDOWN_DOCKERD_ARGS (e.g.
# "--iptables=false" on a host whose netfilter is unusable).
set -euo pipefail

SOCK=/var/run/docker.sock
CONTAINERD_SOCK=/run/containerd/containerd.sock
LOG_DIR=/var/log
CONTAINERD_LOG=$LOG_DIR/lockdown-test-containerd.log
DOCKERD_LOG=$LOG_DIR/lockdown-test-dockerd.log
WAIT_SECONDS=${LOCKDOWN_ENGINE_WAIT:-60}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)

die() { echo "engine-up: error: $*" >&2; exit 1; }

ping_engine() {
  [[ -S $SOCK ]] || return 1
  [[ $(curl -s --max-time 3 --unix-socket "$SOCK" http://localhost/_ping 2>/dev/null) == OK ]]
}

# Fast path: an engine already answers.
command -v curl >/dev/null 2>&1 && ping_engine && exit 0

[[ $(id -u) -eq 0 ]] || die "no Docker engine answers on $SOCK and starting one needs root (re-run as root)"

bash "$repo/scripts/install-deps.sh" docker.io containerd curl iproute2
command -v dockerd >/dev/null || die "dockerd not found after installing docker.io"
command -v containerd >/dev/null || die "containerd not found after installing containerd"

show_logs() {
  local f
  for f in "$CONTAINERD_LOG" "$DOCKERD_LOG"; do
    [[ -s $f ]] || continue
    echo "---- last lines of $f ----" >&2
    tail -n 30 "$f" >&2
  done
}

mkdir -p "$LOG_DIR" /run/containerd

containerd_up() {
  [[ -S $CONTAINERD_SOCK ]] || return 1
  command -v ctr >/dev/null 2>&1 || return 0
  ctr --address "$CONTAINERD_SOCK" --timeout 3s version >/dev/null 2>&1
}

if ! containerd_up; then
  if ! pgrep -x containerd >/dev/null 2>&1; then
    # A stale socket from a dead containerd would not stop a new one (it
    # unlinks it), but remove it anyway so the wait below means something.
    rm -f "$CONTAINERD_SOCK"
    echo "==== $(date -u +%FT%TZ) engine-up: starting containerd" >>"$CONTAINERD_LOG"
    setsid nohup containerd >>"$CONTAINERD_LOG" 2>&1 </dev/null &
  fi
  for ((i = 0; i < 40; i++)); do
    containerd_up && break
    sleep 0.5
  done
  containerd_up || { show_logs; die "containerd did not come up on $CONTAINERD_SOCK within 20 s"; }
fi

if ! pgrep -x dockerd >/dev/null 2>&1; then
  # A pid file left by a dockerd that died with the machine is harmless
  # (dockerd checks whether that pid is alive), as is a stale socket.
  rm -f "$SOCK"
  # shellcheck disable=SC2086 # LOCKDOWN_DOCKERD_ARGS is a list of flags
  echo "==== $(date -u +%FT%TZ) engine-up: starting dockerd ${LOCKDOWN_DOCKERD_ARGS:-}" >>"$DOCKERD_LOG"
  # shellcheck disable=SC2086
  setsid nohup dockerd --containerd="$CONTAINERD_SOCK" ${LOCKDOWN_DOCKERD_ARGS:-} \
    >>"$DOCKERD_LOG" 2>&1 </dev/null &
fi

deadline=$((SECONDS + WAIT_SECONDS))
while ((SECONDS < deadline)); do
  ping_engine && exit 0
  if ! pgrep -x dockerd >/dev/null 2>&1; then
    sleep 0.5
    ping_engine && exit 0
    show_logs
    die "dockerd exited during start-up (see $DOCKERD_LOG)"
  fi
  sleep 0.5
done
show_logs
die "Docker engine did not answer /_ping on $SOCK within ${WAIT_SECONDS} s"
