# Shared by scripts/test.sh and scripts/demo.sh: installs what mdexec needs on Debian,
# starts a Docker engine when none answers, and builds the local test image.
# Source it; it defines functions only.

MDEXEC_TEST_IMAGE="${MDEXEC_TEST_IMAGE:-mdexec-test:bookworm}"
export MDEXEC_TEST_IMAGE
MDEXEC_SOCK="${MDEXEC_SOCK:-/var/run/docker.sock}"
MDEXEC_STARTED_DOCKERD=""

say() { echo "[mdexec setup] $*" >&2; }

# Installs the Debian packages named, when any is missing (needs root).
ensure_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    say "missing packages: ${missing[*]} (run as root, or install them with apt-get)"
    return 1
  fi
  say "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

engine_answers() {
  [ "$(curl -s -m 3 --unix-socket "$MDEXEC_SOCK" http://localhost/_ping 2>/dev/null)" = "OK" ]
}

# Starts dockerd in the background when no engine answers, and waits for /_ping.
ensure_engine() {
  engine_answers && { say "Docker engine answers on $MDEXEC_SOCK"; return 0; }
  if ! command -v dockerd >/dev/null || [ "$(id -u)" != 0 ]; then
    say "no Docker engine on $MDEXEC_SOCK and cannot start one (needs root and docker.io)"
    return 1
  fi
  say "starting dockerd (log: /tmp/mdexec-dockerd.log)"
  dockerd --iptables=false --bridge=none >/tmp/mdexec-dockerd.log 2>&1 &
  MDEXEC_STARTED_DOCKERD=$!
  for _ in $(seq 1 120); do
    engine_answers && { say "dockerd is up (pid $MDEXEC_STARTED_DOCKERD)"; return 0; }
    kill -0 "$MDEXEC_STARTED_DOCKERD" 2>/dev/null || break
    sleep 0.5
  done
  say "dockerd did not come up; last lines of its log:"
  tail -20 /tmp/mdexec-dockerd.log >&2
  return 1
}

# Stops the dockerd this script started, if it started one.
stop_started_engine() {
  [ -n "$MDEXEC_STARTED_DOCKERD" ] || return 0

  kill "$MDEXEC_STARTED_DOCKERD" 2>/dev/null || true
  wait "$MDEXEC_STARTED_DOCKERD" 2>/dev/null || true
}

ensure_image() {
  DOCKER_SOCK="$MDEXEC_SOCK" MDEXEC_TEST_IMAGE="$MDEXEC_TEST_IMAGE" "$(dirname "${BASH_SOURCE[0]}")/../build-test-image.sh"
}
