#!/usr/bin/env bash
# Builds the local image the Docker tests run in (no registry needed): a minimal Debian
# bookworm with python3, pip and procps, imported as mdexec-test:bookworm.
# Reuses the image when it already exists. Needs root, debootstrap and a running engine.
set -euo pipefail
IMAGE="${MDEXEC_TEST_IMAGE:-mdexec-test:bookworm}"
SOCK="${DOCKER_SOCK:-/var/run/docker.sock}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"

if [ "$(curl -s -o /dev/null -w '%{http_code}' --unix-socket "$SOCK" "http://localhost/images/$IMAGE/json")" = 200 ]; then
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
