#!/usr/bin/env bash
# Runs mdexec's whole test suite, installing what it needs on a Debian machine (as root):
# libcmark, libcurl, docker.io, podman and debootstrap; starts a Docker engine when none
# answers and a Podman service on its own socket, builds the local test image and the
# figure image (python3-matplotlib, while the tests compile) and loads them into Podman,
# then `swift test`: the whole suite against Docker, then the engine suites again against
# Podman (DOCKER_HOST).
# MDEXEC_ENGINES="docker" (or "podman") limits the engines. With CI=true an engine that
# cannot be had fails the run; otherwise its tests skip and say so.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/setup.sh

engines="${MDEXEC_ENGINES:-docker podman}"
wants() { [[ " $engines " == *" $1 "* ]]; }
missing() {
  if [ "${CI:-}" = "true" ]; then
    say "CI=true and no usable $1: failing"
    exit 1
  fi
  say "WARNING: no usable $1: $2"
}

ensure_packages pkg-config libcmark-dev libcurl4-openssl-dev curl || exit 1
# The tree is formatted with swift format (.swift-format); CI keeps it so.
if [ "${CI:-}" = "true" ]; then
  say "swift format lint --strict"
  swift format lint --strict --recursive --parallel Package.swift Sources Tests \
    || { say "not formatted: run swift format -i -r Package.swift Sources Tests"; exit 1; }
fi
trap 'stop_started_podman; stop_started_engine' EXIT
docker=ok
ensure_packages docker.io debootstrap && ensure_engine && ensure_image || docker=missing
[ "$docker" = ok ] || missing "Docker engine" "the Docker tests will SKIP"
# The figure image takes about a minute (apt-get in a container): built while the tests compile.
figures_pid=""
if [ "$docker" = ok ]; then
  ensure_figure_image > /tmp/mdexec-figure-image.log 2>&1 &
  figures_pid=$!
fi
podman=skipped
if wants podman; then
  podman=ok
  [ "$docker" = ok ] && ensure_packages podman catatonit && ensure_podman && ensure_podman_image "$MDEXEC_TEST_IMAGE" \
    || podman=missing
  [ "$podman" = ok ] || missing "Podman service" "the suite will not run against Podman"
fi

swift build --build-tests "$@"
figures=missing
if [ -n "$figures_pid" ] && wait "$figures_pid"; then
  figures=ok
else
  [ -z "$figures_pid" ] || tail -20 /tmp/mdexec-figure-image.log >&2
  missing "figure image ($MDEXEC_FIGURE_IMAGE)" "the matplotlib figure tests will SKIP"
fi
# libFuzzer over extraction and report writing, for a bounded time (CI, or when asked).
if [ "${CI:-}" = "true" ] || [ -n "${MDEXEC_FUZZ_SECONDS:-}" ]; then
  scripts/fuzz.sh "${MDEXEC_FUZZ_SECONDS:-60}"
fi

# Serially: the engine tests start containers, floods and fork bombs that would starve
# each other on a small machine.
status=0
set +e
if wants docker; then
  say "the whole suite, against Docker ($MDEXEC_SOCK)"
  swift test --skip-build --no-parallel "$@" 2>&1 | tee /tmp/mdexec-test.log
  status=${PIPESTATUS[0]}
else
  say "the suites that need no engine"
  swift test --skip-build --no-parallel --skip "$MDEXEC_ENGINE_SUITES" "$@" 2>&1 | tee /tmp/mdexec-test.log
  status=${PIPESTATUS[0]}
fi
if [ "$podman" = ok ] && [ "$figures" = ok ]; then
  ensure_podman_image "$MDEXEC_FIGURE_IMAGE" || missing "figure image in Podman" "the figure tests will SKIP on Podman"
fi
if [ "$podman" = ok ]; then
  say "the engine suites again, against Podman (DOCKER_HOST=unix://$MDEXEC_PODMAN_SOCK, image $MDEXEC_PODMAN_IMAGE)"
  DOCKER_HOST="unix://$MDEXEC_PODMAN_SOCK" MDEXEC_TEST_IMAGE="$MDEXEC_PODMAN_IMAGE" \
    MDEXEC_FIGURE_IMAGE="$MDEXEC_PODMAN_FIGURE_IMAGE" \
    swift test --skip-build --no-parallel --filter "$MDEXEC_ENGINE_SUITES" "$@" 2>&1 | tee /tmp/mdexec-test-podman.log
  podman_status=${PIPESTATUS[0]}
  [ "$podman_status" = 0 ] || status=$podman_status
fi
exit "$status"
