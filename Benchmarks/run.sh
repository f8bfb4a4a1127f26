#!/usr/bin/env bash
# mdexec benchmarks: one run, one table of medians and ratios (see BENCHMARKS.md).
#
#   Benchmarks/run.sh [--quick] [--image IMAGE] [--reps N] [--no-autogen] [--no-jupyter] [--keep]
#
# Needs: a Docker engine (DOCKER_SOCK, default /var/run/docker.sock), the image (default
# mdexec-test:bookworm, built by scripts/build-test-image.sh when missing), bash, curl,
# python3. Optional: GNU time at /usr/bin/time (peak RSS rows), cmark (extraction row),
# python3's venv + PyPI (AutoGen rows; Jupyter row: nbclient + ipykernel, on the host).
# A missing optional piece skips its rows, saying so. mdexec's blocks run in its default
# (notebook) mode and, when the binary has --fresh, again with --fresh (one process per
# block). MDEXEC=path uses that binary; otherwise mdexec is built in release mode
# (scratch dir .build-bench). BENCH_WORK (default ${TMPDIR:-/tmp}/mdexec-bench) holds the
# AutoGen and Jupyter venvs (reused between runs; AUTOGEN_VENV, JUPYTER_VENV override)
# and one directory per run (removed unless --keep).
#
# --quick: one repetition and smaller sizes (for CI, about 1-2 minutes once the venvs
# exist). Default (full): 3 repetitions, 1/10/50/200 blocks, a 50 MB document.
# Benchmarks are not tests: nothing here fails on a slow result; the exit status is
# non-zero only when a measurement could not be made at all.
set -euo pipefail
export LC_ALL=C
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"

QUICK=0
IMAGE="${MDEXEC_TEST_IMAGE:-mdexec-test:bookworm}"
REPS=""
AUTOGEN=1
JUPYTER=1
KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --image) IMAGE="$2"; shift ;;
    --image=*) IMAGE="${1#*=}" ;;
    --reps) REPS="$2"; shift ;;
    --no-autogen) AUTOGEN=0 ;;
    --no-jupyter) JUPYTER=0 ;;
    --keep) KEEP=1 ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

if [ "$QUICK" = 1 ]; then
  REPS="${REPS:-1}"; SIZES=(1 10 50); FALLBACK_SIZES=(10 50); FLOOR_N=50
  AUTOGEN_N=50; BIG_MB=10; PRINT_MIB=200
else
  REPS="${REPS:-3}"; SIZES=(1 10 50 200); FALLBACK_SIZES=(10 200); FLOOR_N=200
  AUTOGEN_N=50; BIG_MB=50; PRINT_MIB=200
fi
LANGS=(sh python)
JUPYTER_SIZES=(10 200)   # in both modes: a kernel runs 200 cells in about a second
JUPYTER_PINS=('nbclient==0.11.0' 'ipykernel==7.4.0' 'nbformat==5.11.1')

SOCK="${DOCKER_SOCK:-/var/run/docker.sock}"
export DOCKER_HOST="unix://$SOCK"   # for mdexec and AutoGen's docker SDK alike
BENCH_WORK="${BENCH_WORK:-${TMPDIR:-/tmp}/mdexec-bench}"
VENV="${AUTOGEN_VENV:-$BENCH_WORK/autogen-venv}"
JVENV="${JUPYTER_VENV:-$BENCH_WORK/jupyter-venv}"
RUN_ID="$(date +%Y%m%d-%H%M%S)-$$"
RUN="$BENCH_WORK/run-$RUN_ID"
RESULTS="$RUN/results.txt"
mkdir -p "$RUN"
: > "$RESULTS"

say() { echo "[bench] $*" >&2; }
record() { echo "$*" >> "$RESULTS"; }          # key value
note() { record "note.$1 ${*:2}"; say "$1: ${*:2}"; }
usec() { local t="${EPOCHREALTIME/./}"; echo "$((10#$t))"; }

api() { curl -sS --unix-socket "$SOCK" "$@"; }

# --- cleanup: only what this run created ------------------------------------------------
cleanup() {
  local ids
  ids=$(api -g "http://localhost/containers/json?all=1&filters={\"label\":[\"mdexec.bench=$RUN_ID\"]}" 2>/dev/null \
    | grep -o '"Id":"[0-9a-f]*"' | cut -d'"' -f4 || true)
  for id in $ids; do api -X DELETE -o /dev/null "http://localhost/containers/$id?force=1&v=1" || true; done
  ids=$(api -g "http://localhost/containers/json?all=1&filters={\"name\":[\"mdexec-bench-autogen-$RUN_ID\"]}" 2>/dev/null \
    | grep -o '"Id":"[0-9a-f]*"' | cut -d'"' -f4 || true)
  for id in $ids; do api -X DELETE -o /dev/null "http://localhost/containers/$id?force=1&v=1" || true; done
  if [ "$KEEP" = 1 ]; then say "kept $RUN"; else rm -rf "$RUN"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- prerequisites ------------------------------------------------------------------------
command -v curl >/dev/null || { say "curl is required"; exit 1; }
command -v python3 >/dev/null || { say "python3 is required"; exit 1; }
[ "$(curl -s -m 5 --unix-socket "$SOCK" http://localhost/_ping || true)" = OK ] \
  || { say "no Docker engine answers on $SOCK"; exit 1; }
API="v$(api http://localhost/version | python3 -c 'import json,sys; print(json.load(sys.stdin)["ApiVersion"])')"
if [ "$(api -o /dev/null -w '%{http_code}' "http://localhost/images/$IMAGE/json")" != 200 ]; then
  if [ "$IMAGE" = mdexec-test:bookworm ] && [ -x "$REPO/scripts/build-test-image.sh" ]; then
    say "building $IMAGE"; DOCKER_SOCK="$SOCK" "$REPO/scripts/build-test-image.sh"
  else
    say "image $IMAGE is not on the engine (pull or build it first)"; exit 1
  fi
fi
TIME=""
if [ -x /usr/bin/time ] && /usr/bin/time -f %M -o /dev/null true 2>/dev/null; then TIME=/usr/bin/time
else note rss "GNU time not found at /usr/bin/time (apt-get install time): peak RSS not measured"; fi

if [ -z "${MDEXEC:-}" ]; then
  say "building mdexec (release, scratch .build-bench)"
  (cd "$REPO" && swift build -c release --scratch-path .build-bench --product mdexec >&2) \
    || { say "the release build failed (above); MDEXEC=/path/to/mdexec benchmarks a binary built elsewhere"; exit 1; }
  MDEXEC="$(cd "$REPO" && swift build -c release --scratch-path .build-bench --show-bin-path)/mdexec"
fi
[ -x "$MDEXEC" ] || { say "no mdexec binary at $MDEXEC"; exit 1; }
say "mdexec: $MDEXEC; image: $IMAGE; reps: $REPS; quick: $QUICK; run dir: $RUN"
record "mdexec_version $("$MDEXEC" --version 2>/dev/null | head -1 | tr ' ' _)"
# Notebook mode (the default once the binary has it) against --fresh (one process per
# block). The help is read whole first: `mdexec run --help | grep -q` under pipefail would
# fail whenever grep's early exit broke mdexec's pipe.
RUN_HELP="$("$MDEXEC" run --help 2>&1 || true)"
if grep -q -- --fresh <<< "$RUN_HELP"; then FRESH=1
else FRESH=0; note fresh "this mdexec has no --fresh: only its default mode is measured, the --fresh rows are skipped"; fi
record "notebook $FRESH"
record "loadavg.start $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null | tr ' ' /)"

gen() { python3 "$HERE/gen_doc.py" "$@"; }

# --- mdexec end to end ---------------------------------------------------------------------
# One run: `mdexec run` on DOC, wall time in µs recorded under KEY, peak RSS (KiB) under
# rss.KEY, the JSON results kept as $RUN/KEY.json; checks every block passed.
mdexec_run() {
  local key=$1 doc=$2 want=$3; shift 3
  local json="$RUN/$key.json" err="$RUN/$key.err" t0 t1 status=0
  local wrap=()
  [ -n "$TIME" ] && wrap=("$TIME" -f %M -o "$RUN/$key.rss")
  t0=$(usec)
  "${wrap[@]}" "$MDEXEC" run --image "$IMAGE" -q -o /dev/null --json "$json" "$@" "$doc" 2> "$err" || status=$?
  t1=$(usec)
  if [ "$status" != 0 ] || ! python3 - "$json" "$want" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
sys.exit(0 if r["summary"]["passed"] == int(sys.argv[2]) else 1)
EOF
  then
    say "mdexec failed on $doc (exit $status):"; tail -5 "$err" >&2
    record "fail.$key 1"
    return 1
  fi
  record "$key $((t1 - t0))"
  [ -n "$TIME" ] && record "rss.$key $(tail -1 "$RUN/$key.rss")"
  python3 - "$json" "$key" >> "$RESULTS" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
for b in r["blocks"]:
    if b.get("duration_ms") is not None:
        print(f"blockms.{sys.argv[2]} {b['duration_ms']}")
EOF
  return 0
}

# --- exec floor and in-container loop (curl on one running container) -------------------
# A container like mdexec's (same main command, workspace bind-mounted, no network).
floor_container() {
  local ws=$1 body id
  body=$(python3 - "$IMAGE" "$ws" "$RUN_ID" <<'EOF'
import json, sys
print(json.dumps({
    "Image": sys.argv[1],
    "Cmd": ["sh", "-c", "trap 'exit 0' TERM INT HUP; while :; do sleep 3600 & wait $!; done"],
    "WorkingDir": "/workspace", "Tty": False,
    "Labels": {"mdexec": "1", "mdexec.bench": sys.argv[3]},
    "HostConfig": {"Binds": [sys.argv[2] + ":/workspace:rw"], "NetworkMode": "none"},
}))
EOF
)
  id=$(api -f -H 'Content-Type: application/json' -d "$body" "http://localhost/$API/containers/create" \
    | grep -o '"Id":"[0-9a-f]*"' | cut -d'"' -f4)
  api -f -X POST "http://localhost/$API/containers/$id/start" >&2
  echo "$id"
}

# Runs one exec per Cmd (JSON arrays, one per line on stdin) the way a plain client does:
# POST /containers/ID/exec, POST /exec/EID/start (output to the end), GET /exec/EID/json.
# Two curl processes in all (creates in one, start+inspect pairs in the other, --next
# between URLs so curl reuses connections where the engine keeps them open; /start
# always ends with the engine closing the connection). Prints the µs it took; the
# responses go to OUT. Fails unless every exec exited 0.
exec_batch() {
  local id=$1 out=$2 cmds=() args=() eids t0 t1 n
  mapfile -t cmds
  n=${#cmds[@]}
  for c in "${cmds[@]}"; do
    args+=(--unix-socket "$SOCK" -H 'Content-Type: application/json'
      -d "{\"Cmd\":$c,\"AttachStdout\":true,\"AttachStderr\":true,\"WorkingDir\":\"/workspace\"}"
      -w '\n' "http://localhost/$API/containers/$id/exec" --next)
  done
  unset 'args[${#args[@]}-1]'   # no --next after the last URL
  t0=$(usec)
  eids=$(curl -sS "${args[@]}" | grep -o '"Id":"[0-9a-f]*"' | cut -d'"' -f4)
  args=()
  for e in $eids; do
    args+=(--unix-socket "$SOCK" -H 'Content-Type: application/json' -d '{"Detach":false,"Tty":false}'
      "http://localhost/$API/exec/$e/start" --next
      --unix-socket "$SOCK" "http://localhost/$API/exec/$e/json" --next)
  done
  unset 'args[${#args[@]}-1]'
  curl -sS "${args[@]}" > "$out"
  t1=$(usec)
  local ok
  ok=$(grep -ao '"ExitCode":0' "$out" | wc -l)
  [ "$ok" = "$n" ] || { say "exec batch: $ok of $n execs exited 0 (see $out)"; return 1; }
  echo $((t1 - t0))
}

loop_cmd() {  # the in-container loop over the files of one language: one exec
  python3 - "$1" "$RUN/files-$1.txt" <<'EOF'
import json, sys
files = open(sys.argv[2]).read().split()
print(json.dumps(["sh", "-c", 'for f; do timeout -k 2 60 %s "$f" || exit; done' % sys.argv[1], "loop"] + files))
EOF
}

jupyter_ready() {
  [ -x "$JVENV/bin/python" ] && "$JVENV/bin/python" - "${JUPYTER_PINS[@]}" 2>/dev/null <<'EOF'
import importlib.metadata as m, sys
import nbclient, nbformat, ipykernel  # noqa: F401
for pin in sys.argv[1:]:
    name, version = pin.split("==")
    assert m.version(name) == version, pin
EOF
}

autogen_ready() {
  [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c \
    'import importlib.metadata as m, autogen_ext.code_executors.docker; assert m.version("autogen-ext") == "0.7.5"' 2>/dev/null
}

# --- preparation --------------------------------------------------------------------------------
for lang in "${LANGS[@]}"; do
  for n in "${SIZES[@]}" "${FALLBACK_SIZES[@]}"; do
    [ -f "$RUN/doc-$lang-$n.md" ] || gen doc "$lang" "$n" "$RUN/doc-$lang-$n.md"
  done
done
ws="$RUN/floor-ws"; mkdir -p "$ws"
for lang in "${LANGS[@]}"; do gen files "$lang" "$FLOOR_N" "$ws" > "$RUN/files-$lang.txt"; done
sed 's/.*/["timeout","-k","2","60","sh","&"]/' "$RUN/files-sh.txt" > "$RUN/floor-cmds.txt"
for lang in "${LANGS[@]}"; do loop_cmd "$lang" > "$RUN/loop-cmd-$lang.txt"; done
gen big "$BIG_MB" "$RUN/big.md"
record "big.bytes $(wc -c < "$RUN/big.md")"
if command -v cmark >/dev/null; then HAVE_CMARK=1; else HAVE_CMARK=0; note cmark "cmark not installed (apt-get install cmark)"; fi
gen print "$PRINT_MIB" "$RUN/print.md"

# ensure_venv NAME VENV READY_CHECK PACKAGE...: a venv of VENV holding the packages (made
# when READY_CHECK fails); false, with a note, when it cannot be had.
ensure_venv() {
  local name="$1" venv="$2" ready="$3"; shift 3
  "$ready" && return 0
  say "installing $* into $venv"
  rm -rf "$venv"
  { python3 -m venv "$venv" && "$venv/bin/pip" install -q "$@"; } > "$RUN/$name-pip.log" 2>&1 || true
  "$ready" && return 0
  note "$name" "cannot install $* (no venv/PyPI?): $(tail -2 "$RUN/$name-pip.log" 2>/dev/null | tr '\n' ' ')"
  return 1
}

if [ "$AUTOGEN" = 1 ]; then
  ensure_venv autogen "$VENV" autogen_ready 'autogen-ext[docker]==0.7.5' || AUTOGEN=0
else
  note autogen "skipped (--no-autogen)"
fi
if [ "$JUPYTER" = 1 ]; then
  ensure_venv jupyter "$JVENV" jupyter_ready "${JUPYTER_PINS[@]}" || JUPYTER=0
else
  note jupyter "skipped (--no-jupyter)"
fi

# --- the rounds: every contender once per round, so load drift on a shared machine hits
# all of them alike ---------------------------------------------------------------------------
for rep in $(seq 1 "$REPS"); do
  say "round $rep/$REPS: mdexec run (${SIZES[*]} blocks x ${LANGS[*]}, default mode$([ "$FRESH" = 1 ] && echo ' and --fresh' || true))"
  for lang in "${LANGS[@]}"; do
    for n in "${SIZES[@]}"; do
      mdexec_run "e2e.$lang.$n" "$RUN/doc-$lang-$n.md" "$n" || true
      if [ "$FRESH" = 1 ]; then mdexec_run "fresh.$lang.$n" "$RUN/doc-$lang-$n.md" "$n" --fresh || true; fi
    done
  done

  say "round $rep/$REPS: mdexec --runner exec (${FALLBACK_SIZES[*]} sh blocks), exec floor and in-container loop ($FLOOR_N blocks)"
  for n in "${FALLBACK_SIZES[@]}"; do
    mdexec_run "fallback.sh.$n" "$RUN/doc-sh-$n.md" "$n" --runner exec || true
  done
  cid=$(floor_container "$ws")
  if t=$(exec_batch "$cid" "$RUN/floor.out" < "$RUN/floor-cmds.txt"); then
    record "floor.sh.$FLOOR_N $t"
    grep -aq "block $((FLOOR_N - 1)):" "$RUN/floor.out" || say "floor: missing block output"
  fi
  for lang in "${LANGS[@]}"; do
    if t=$(exec_batch "$cid" "$RUN/loop.out" < "$RUN/loop-cmd-$lang.txt"); then
      record "loop.$lang.$FLOOR_N $t"
      grep -aq "block $((FLOOR_N - 1)):" "$RUN/loop.out" || say "loop: missing block output"
    fi
  done
  api -X DELETE -o /dev/null "http://localhost/containers/$cid?force=1&v=1"

  if [ "$AUTOGEN" = 1 ]; then
    say "round $rep/$REPS: AutoGen DockerCommandLineCodeExecutor ($AUTOGEN_N blocks x ${LANGS[*]}; its stop waits 10 s)"
    "$VENV/bin/python" "$HERE/autogen_bench.py" --image "$IMAGE" --blocks "$AUTOGEN_N" --reps 1 \
      --name-prefix "mdexec-bench-autogen-$RUN_ID" >> "$RESULTS" 2> "$RUN/autogen.err" \
      || note autogen "AutoGen run failed: $(tail -3 "$RUN/autogen.err" | tr '\n' ' ')"
  fi

  if [ "$JUPYTER" = 1 ]; then
    say "round $rep/$REPS: Jupyter, nbclient + ipykernel on the host (${JUPYTER_SIZES[*]} python cells)"
    "$JVENV/bin/python" "$HERE/jupyter_bench.py" --sizes "$(IFS=,; echo "${JUPYTER_SIZES[*]}")" --reps 1 \
      >> "$RESULTS" 2> "$RUN/jupyter.err" \
      || note jupyter "Jupyter run failed: $(grep -v 'running over TCP without encryption' "$RUN/jupyter.err" | tail -3 | tr '\n' ' ')"
  fi

  say "round $rep/$REPS: extraction (${BIG_MB} MB) and a block printing $PRINT_MIB MiB"
  t0=$(usec)
  if "$MDEXEC" blocks --json "$RUN/big.md" > "$RUN/big.json" 2> "$RUN/big.err"; then
    t1=$(usec); record "extract.mdexec $((t1 - t0))"
  else
    say "mdexec blocks failed:"; tail -3 "$RUN/big.err" >&2; record "fail.extract.mdexec 1"
  fi
  if [ "$HAVE_CMARK" = 1 ]; then
    t0=$(usec); cmark "$RUN/big.md" > /dev/null; t1=$(usec); record "extract.cmark $((t1 - t0))"
  fi
  mdexec_run "print.$PRINT_MIB" "$RUN/print.md" 1 || true
done
[ -s "$RUN/big.json" ] && record "big.blocks $(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["blocks"]))' "$RUN/big.json")"
rm -f "$RUN/big.json"

# --- the table -------------------------------------------------------------------------------
record "loadavg.end $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null | tr ' ' /)"
{
  echo "quick $QUICK"; echo "reps $REPS"; echo "image $IMAGE"
  echo "floor_n $FLOOR_N"; echo "autogen_n $AUTOGEN_N"; echo "print_mib $PRINT_MIB"
  echo "jupyter_sizes ${JUPYTER_SIZES[*]}"
  echo "sizes ${SIZES[*]}"; echo "fallback_sizes ${FALLBACK_SIZES[*]}"
} >> "$RESULTS"
python3 "$HERE/report.py" "$RESULTS"
