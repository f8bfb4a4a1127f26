# Shared by scripts/test.sh and scripts/demo.sh: installs what mdexec needs on Debian,
# starts a Docker engine when none answers, and builds the local test image.
# Source it; it defines functions only.

MDEXEC_TEST_IMAGE="${MDEXEC_TEST_IMAGE:-mdexec-test:bookworm}"
MDEXEC_FIGURE_IMAGE="${MDEXEC_FIGURE_IMAGE:-mdexec-figures:bookworm}"
export MDEXEC_TEST_IMAGE MDEXEC_FIGURE_IMAGE
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

# Whether an engine answers /_ping on the socket $1.
answers() {
  [ "$(curl -s -m 3 --unix-socket "$1" http://localhost/_ping 2>/dev/null)" = "OK" ]
}

# Waits up to a minute for the engine NAME (pid $2, log $3) to answer on socket $4.
wait_for() {
  local name=$1 pid=$2 log=$3 sock=$4
  for _ in $(seq 1 120); do
    answers "$sock" && { say "$name is up (pid $pid)"; return 0; }
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  say "$name did not come up; last lines of its log:"
  tail -20 "$log" >&2
  return 1
}

# Starts dockerd in the background when no engine answers, and waits for /_ping.
ensure_engine() {
  answers "$MDEXEC_SOCK" && { say "Docker engine answers on $MDEXEC_SOCK"; return 0; }
  if ! command -v dockerd >/dev/null || [ "$(id -u)" != 0 ]; then
    say "no Docker engine on $MDEXEC_SOCK and cannot start one (needs root and docker.io)"
    return 1
  fi
  say "starting dockerd (log: /tmp/mdexec-dockerd.log)"
  dockerd --iptables=false --bridge=none >/tmp/mdexec-dockerd.log 2>&1 &
  MDEXEC_STARTED_DOCKERD=$!
  wait_for dockerd "$MDEXEC_STARTED_DOCKERD" /tmp/mdexec-dockerd.log "$MDEXEC_SOCK"
}

# Stops the process $1 if this script started one.
stop_started() {
  [ -n "$1" ] || return 0
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# Stops the dockerd this script started, if it started one.
stop_started_engine() { stop_started "$MDEXEC_STARTED_DOCKERD"; }

ensure_image() {
  DOCKER_SOCK="$MDEXEC_SOCK" "$(dirname "${BASH_SOURCE[0]}")/../build-test-image.sh"
}

# The figure tests' image (the test image plus python3-matplotlib).
ensure_figure_image() {
  DOCKER_SOCK="$MDEXEC_SOCK" "$(dirname "${BASH_SOURCE[0]}")/../build-test-image.sh" --figures
}

# --- Podman: the second engine the Docker suites run against -------------------------------

MDEXEC_PODMAN_SOCK="${MDEXEC_PODMAN_SOCK:-/run/mdexec-podman.sock}"
MDEXEC_PODMAN_IMAGE="localhost/${MDEXEC_TEST_IMAGE}"
MDEXEC_PODMAN_FIGURE_IMAGE="localhost/${MDEXEC_FIGURE_IMAGE}"
MDEXEC_STARTED_PODMAN=""
# The suites that talk to an engine: what runs a second time against Podman.
MDEXEC_ENGINE_SUITES='DockerEngineTests|IntegrationTests\.DockerTests|IntegrationTests\.ReliabilityTests'

# Podman here needs explicit ulimits: the sandbox caps open files at 20000, and without
# them every container start fails with "error setting rlimit type 7".
ensure_podman_config() {
  local conf=/etc/containers/containers.conf
  if [ ! -e "$conf" ]; then
    mkdir -p /etc/containers
    printf '[containers]\ndefault_ulimits = ["nofile=20000:20000","nproc=32768:32768"]\n' > "$conf"
    say "wrote $conf (ulimits Podman needs on this machine)"
  elif ! grep -q default_ulimits "$conf"; then
    say "WARNING: $conf sets no default_ulimits; if container starts fail with 'error setting rlimit', add"
    say '  default_ulimits = ["nofile=20000:20000","nproc=32768:32768"] under [containers]'
  fi
}

# Starts `podman system service` on its own socket when none answers there, and waits for /_ping.
ensure_podman() {
  answers "$MDEXEC_PODMAN_SOCK" && { say "Podman answers on $MDEXEC_PODMAN_SOCK"; return 0; }
  command -v podman >/dev/null || { say "podman is not installed"; return 1; }
  ensure_podman_config
  say "starting podman system service on $MDEXEC_PODMAN_SOCK (log: /tmp/mdexec-podman.log)"
  rm -f "$MDEXEC_PODMAN_SOCK"
  # From /tmp: conmon leaves files (an `oom` marker) in the service's working directory.
  (cd /tmp && exec podman system service --time=0 "unix://$MDEXEC_PODMAN_SOCK") >/tmp/mdexec-podman.log 2>&1 &
  MDEXEC_STARTED_PODMAN=$!
  wait_for "the podman service" "$MDEXEC_STARTED_PODMAN" /tmp/mdexec-podman.log "$MDEXEC_PODMAN_SOCK"
}

# Loads the image $1 into Podman from Docker (no registry: the engine's own export), as
# localhost/$1.
ensure_podman_image() {
  if [ "$(curl -s -o /dev/null -w '%{http_code}' --unix-socket "$MDEXEC_PODMAN_SOCK" \
    "http://localhost/images/localhost/$1/json")" = 200 ]; then
    say "Podman has localhost/$1"
    return 0
  fi
  say "loading $1 into Podman (as localhost/$1)"
  curl -sf --unix-socket "$MDEXEC_SOCK" "http://localhost/images/$1/get" | podman load >/dev/null
}

# Stops the podman service this script started, if it started one.
stop_started_podman() { stop_started "$MDEXEC_STARTED_PODMAN"; }
