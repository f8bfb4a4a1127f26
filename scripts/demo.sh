#!/usr/bin/env bash
# From a fresh clone to a report: installs what mdexec needs on Debian (as root), starts a
# Docker engine when none answers, builds a local image (no registry needed), builds
# mdexec, and runs a sample document in a container.
#   scripts/demo.sh [DOC]   (default: samples/llm-transcript.md; the report goes to report.md)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/setup.sh
doc="${1:-samples/llm-transcript.md}"

ensure_packages pkg-config libcmark-dev libcurl4-openssl-dev curl docker.io debootstrap
ensure_engine
ensure_image
say "building mdexec"
swift build -c release --product mdexec 2>&1 | tail -1 >&2
bin="$(swift build -c release --show-bin-path)/mdexec"
say "running $doc in a container of $MDEXEC_TEST_IMAGE"
status=0
"$bin" run --image "$MDEXEC_TEST_IMAGE" -o report.md --json report.json "$doc" || status=$?
say "report: report.md, results: report.json (mdexec exited $status; see README.md for exit codes)"
say "the engine keeps running; mdexec is at $bin"
