#!/usr/bin/env bash
# Fuzzes extraction and report writing with libFuzzer for a bounded time.
#
#   scripts/fuzz.sh [SECONDS]      default 60
#
# Builds the target Tests/ReportFuzzer with `-sanitize=fuzzer` (scratch path .build-fuzz)
# and runs it from the committed corpus Tests/ReportFuzzer/corpus. New inputs go to a
# temporary folder, so the committed corpus stays small; a crashing input (a broken
# report invariant) is saved as .build-fuzz/crash-* and the script fails. Replay one with
#   swift run mdexec-report-fuzzer .build-fuzz/crash-...
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
say() { echo "[fuzz] $*" >&2; }

say "building the libFuzzer target (swift build -Xswiftc -sanitize=fuzzer)"
# lld (shipped with Swift): gold stops with an internal error on this link.
swift build --scratch-path .build-fuzz --product mdexec-report-fuzzer \
  -Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING -Xswiftc -use-ld=lld >&2
binary=".build-fuzz/debug/mdexec-report-fuzzer"
work="$(mktemp -d /tmp/mdexec-fuzz.XXXXXX)"
trap 'rm -rf "$work" "$work.log"' EXIT

say "fuzzing for ${seconds} s from Tests/ReportFuzzer/corpus"
SWIFT_BACKTRACE=enable=no "$binary" -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix=.build-fuzz/ "$work" Tests/ReportFuzzer/corpus 2> "$work.log" || {
  tail -40 "$work.log" >&2
  say "FAILED: a report invariant broke or the fuzzer crashed; the input is in .build-fuzz/crash-*"
  exit 1
}
grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb|^Done" "$work.log" >&2 || true
rm -f "$work.log"
say "no report invariant broken in ${seconds} s"
