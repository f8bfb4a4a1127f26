#!/usr/bin/env bash
# Runs mdexec's whole test suite, installing what it needs on a Debian machine (as root):
# libcmark, libcurl, docker.io and debootstrap; starts a Docker engine when none answers,
# builds the local test image, then `swift test`.
# With CI=true an engine that cannot be reached fails the run; otherwise the Docker tests
# skip and say so.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/setup.sh

ensure_packages pkg-config libcmark-dev libcurl4-openssl-dev curl || exit 1
engine=ok
ensure_packages docker.io debootstrap && ensure_engine && ensure_image || engine=missing
trap stop_started_engine EXIT
if [ "$engine" != ok ]; then
  if [ "${CI:-}" = "true" ]; then
    say "CI=true and no usable Docker engine: failing"
    exit 1
  fi
  say "WARNING: no usable Docker engine: the Docker tests will SKIP"
fi

swift build --build-tests "$@"
# libFuzzer over extraction and report writing, for a bounded time (CI, or when asked).
if [ "${CI:-}" = "true" ] || [ -n "${MDEXEC_FUZZ_SECONDS:-}" ]; then
  scripts/fuzz.sh "${MDEXEC_FUZZ_SECONDS:-60}"
fi
# Serially: the engine tests start containers, floods and fork bombs that would starve
# each other on a small machine.
swift test --skip-build --no-parallel "$@" 2>&1 | tee /tmp/mdexec-test.log
status=${PIPESTATUS[0]}
exit "$status"
