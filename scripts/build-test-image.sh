#!/usr/bin/env bash
# Builds the local images the engine tests run in (no registry needed).
#   scripts/build-test-image.sh            a minimal Debian bookworm with python3, pip and
#                                          procps, imported as mdexec-test:bookworm
#   scripts/build-test-image.sh --figures  that image plus Debian's python3-matplotlib
#                                          (about 1.3 GB), as mdexec-figures:bookworm: only
#                                          the figure tests use it
# Reuses an image that already exists. Needs root, debootstrap and a running engine; the
# figure image also needs the docker CLI and the Debian mirror (apt-get in a container on
# the host's network).
set -euo pipefail
IMAGE="${MDEXEC_TEST_IMAGE:-mdexec-test:bookworm}"
FIGURE_IMAGE="${MDEXEC_FIGURE_IMAGE:-mdexec-figures:bookworm}"
SOCK="${DOCKER_SOCK:-/var/run/docker.sock}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"

exists() {
  [ "$(curl -s -o /dev/null -w '%{http_code}' --unix-socket "$SOCK" "http://localhost/images/$1/json")" = 200 ]
}

if [ "${1:-}" = "--figures" ]; then
  if exists "$FIGURE_IMAGE"; then
    echo "build-test-image: $FIGURE_IMAGE already exists" >&2
    exit 0
  fi
  exists "$IMAGE" || { echo "build-test-image: $IMAGE is missing: build it first (no option)" >&2; exit 1; }
  builder="mdexec-figure-build-$$"
  export DOCKER_HOST="unix://$SOCK"
  trap 'docker rm -f "$builder" >/dev/null 2>&1 || true' EXIT
  echo "build-test-image: installing python3-matplotlib into $IMAGE (about a minute)" >&2
  docker run --name "$builder" --network host "$IMAGE" sh -c '
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends python3-matplotlib >/tmp/apt.log 2>&1 \
      || { tail -20 /tmp/apt.log; exit 1; }
    apt-get clean && rm -rf /var/lib/apt/lists/* /tmp/apt.log
    python3 -c "import matplotlib.pyplot"' >&2
  docker commit --change 'CMD ["/bin/sh"]' "$builder" "$FIGURE_IMAGE" >/dev/null
  echo "build-test-image: $FIGURE_IMAGE done" >&2
  exit 0
fi

if exists "$IMAGE"; then
  echo "build-test-image: $IMAGE already exists" >&2
  exit 0
fi
root=$(mktemp -d /tmp/mdexec-rootfs.XXXXXX)
trap 'rm -rf "$root"' EXIT
echo "build-test-image: debootstrap bookworm into $root (about a minute)" >&2
debootstrap --variant=minbase --include=python3,python3-pip,python-is-python3,procps \
  bookworm "$root" "$MIRROR" > "$root.log" 2>&1 || { tail -20 "$root.log" >&2; exit 1; }
rm -f "$root.log"
echo "build-test-image: importing as $IMAGE" >&2
tar -C "$root" -c . | curl -sf --unix-socket "$SOCK" -X POST -H 'Content-Type: application/x-tar' \
  --data-binary @- "http://localhost/images/create?fromSrc=-&repo=${IMAGE%%:*}&tag=${IMAGE##*:}" > /dev/null
echo "build-test-image: done" >&2
