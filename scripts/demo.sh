#!/usr/bin/env bash
# From a fresh clone to a report: installs what mdexec needs on Debian (as root), starts a
# Docker engine when none answers, builds a local image (no registry needed), builds
# mdexec, and runs a sample document in a container.
#   scripts/demo.sh [DOC]   (default: samples/report.md, which draws a chart)
# Writes report.md (with its pictures in report_files/), report.html (one self-contained
# page, the pictures inline) and report.json (with provenance).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/setup.sh
doc="${1:-samples/report.md}"

ensure_packages pkg-config libcmark-dev libcurl4-openssl-dev curl docker.io debootstrap
ensure_engine
ensure_image
say "building mdexec"
swift build -c release --product mdexec 2>&1 | tail -1 >&2
bin="$(swift build -c release --show-bin-path)/mdexec"
say "running $doc in a container of $MDEXEC_TEST_IMAGE"
status=0
"$bin" run --image "$MDEXEC_TEST_IMAGE" -o report.md --html report.html --json report.json "$doc" || status=$?
say "report: report.md (pictures in report_files/), page: report.html, results: report.json"
say "(mdexec exited $status; see README.md for exit codes)"
say "the engine keeps running; mdexec is at $bin"
