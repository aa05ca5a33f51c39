#!/usr/bin/env bash
# Installs the system packages Icebox and its tests need. Idempotent; run as root (or via sudo).
#
# Debian 12's criu (3.17) fails on kernels >= 6.13 at the vDSO, and trixie's 4.1.1 cannot dump
# TCP sockets on recent kernels, so on Debian we take criu >= 4.2 from unstable with apt pinning:
# only criu and what it strictly needs come from there, everything else stays on the release.
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
  exec sudo -E bash "$0" "$@"
fi

export DEBIAN_FRONTEND=noninteractive
log() { printf '[setup-system] %s\n' "$*"; }

. /etc/os-release
want_criu="4.2"

criu_ok() {
  command -v criu >/dev/null 2>&1 || return 1
  local v
  v="$(criu --version 2>/dev/null | sed -n 's/^Version: *//p' | head -1)"
  [ -n "$v" ] && dpkg --compare-versions "$v" ge "$want_criu"
}

if [ "${ID:-}" = "debian" ] && ! criu_ok; then
  if ! grep -rqs 'unstable' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    log "adding Debian unstable (pinned at priority 100, used only for criu)"
    cat >/etc/apt/sources.list.d/icebox-unstable.sources <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: unstable
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  fi
  cat >/etc/apt/preferences.d/icebox-unstable <<'PIN'
Package: *
Pin: release a=unstable
Pin-Priority: 100
PIN
fi

log "apt-get update"
apt-get update -qq

base_pkgs=(
  iproute2 util-linux acl procps lsof
  pkexec polkitd dbus
  strace gdb build-essential tmux
  chromium fonts-dejavu-core
  python3
)
log "installing: ${base_pkgs[*]}"
apt-get install -y -qq --no-install-recommends "${base_pkgs[@]}" >/dev/null

if ! criu_ok; then
  if [ "${ID:-}" = "debian" ]; then
    log "installing criu from unstable"
    apt-get install -y -qq -t unstable --no-install-recommends criu python3-pycriu >/dev/null
  else
    apt-get install -y -qq --no-install-recommends criu python3-pycriu >/dev/null
  fi
fi
# crit is the test oracle for our image decoder.
if ! command -v crit >/dev/null 2>&1; then
  if [ "${ID:-}" = "debian" ]; then
    apt-get install -y -qq -t unstable --no-install-recommends python3-pycriu crit >/dev/null 2>&1 ||
      apt-get install -y -qq -t unstable --no-install-recommends python3-pycriu >/dev/null
  else
    apt-get install -y -qq --no-install-recommends python3-pycriu >/dev/null
  fi
fi

criu_ok || { log "FAILED: criu >= $want_criu is not installed (found: $(criu --version 2>&1 | head -1))"; exit 1; }
log "criu: $(criu --version | head -1)"

if ! out="$(criu check 2>&1)"; then
  log "FAILED: 'criu check' does not pass on this kernel ($(uname -r)):"
  printf '%s\n' "$out" >&2
  exit 1
fi
log "criu check: $out"
command -v crit >/dev/null || { log "FAILED: crit (python3-pycriu) missing"; exit 1; }
log "done"
