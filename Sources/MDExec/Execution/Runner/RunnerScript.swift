import Foundation

/// The runner: a POSIX `sh` loop started once per document that runs one block
/// per request, so a block costs no process start-up of the engine (no exec per block).
///
/// A request is five lines on the runner's standard input: a fresh random token, the
/// timeout in seconds, the file to run, the interpreter command, and the session (empty:
/// the block runs in a process of its own). With an empty file, the fourth line is a shell
/// command in base64 (the init command, pip installs), run with `sh -c`. The runner answers
/// on standard output with `TOKEN S PID` when the block starts (PID leads the block's
/// process group) and `TOKEN E CODE` when it ends, and with `TOKEN E` on standard error, so
/// both streams are closed off before the result is taken. The token lives only in the
/// runner's variables (never in an argument list, the environment or a file a block can
/// read), so no output can forge a marker. `timeout` makes itself the leader of a fresh
/// block's process group, which is how the whole tree is killed; it runs under
/// `PYTHONUNBUFFERED=1` (and the workspace on `PYTHONPATH` for a file in `.mdexec/`, see
/// `ExecutionJob.freshCommand`). Needs only `sh`, `base64` and coreutils' `timeout`.
///
/// A session request's fifth line is `ID KIND RESULT` (`py` or `sh`, then a second random
/// token: the driver runs in the same process as the blocks, so it never sees the marker
/// token). The runner starts the
/// session's driver on first use (`setsid`, so the session leads its own process group;
/// see `SessionDriver`), in a directory of two fifos: `next`, which the driver reads the
/// block from, and `done`, which the driver (or the wrapper that outlives it) opens to
/// wake the runner. The block's result is a file named after the request's result token
/// and its code (`rRESULT.CODE`); the driver's own end is `x.CODE`. The start marker says
/// `TOKEN S PID R` when the session was restarted (its previous process ended) and
/// `TOKEN S PID F` when no session could start and the block ran in its own process.
/// Timeouts of session blocks are the host's: SIGINT to the group, SIGKILL 2 s later.
enum RunnerScript {
    /// The script, passed as `sh -c SCRIPT mdexec-runner PYTHON-DRIVER`.
    static let source = #"""
        set -f
        py=$1 mg=$2 D= ds=- ids=
        if [ -n "$mg" ]; then exec 3>&2 2>&1; else exec 3>&2; fi
        has() { set +f; for x in "$1".*; do if [ -e "$x" ]; then v=${x##*.}; set -f; return 0; fi; done; set -f; return 1; }
        await() { while :; do IFS= read -r _ <"$1/done"; has "$1/$2" && return 0; has "$1/x" && return 1; done; }
        ended() { : >"$sd/x.$?"; : >"$sd/done"; }
        gone() { kill -KILL -"$sp" 2>/dev/null; eval "p_$i="; }
        begin() {
          if [ -z "$D" ]; then D=$(mktemp -d /tmp/mdexec-sessions.XXXXXX) || return 1; fi
          if [ "$ds" = - ]; then ds=; env --default-signal=INT true 2>/dev/null && ds="env --default-signal=INT,QUIT"; fi
          sd=$D/$1
          if [ -e "$sd" ]; then rm -rf "$sd"; fi
          mkdir "$sd" && mkfifo "$sd/next" "$sd/done" || return 1
          if [ "$2" = py ]; then
            ( exec 3>&- 6>&1 7>&2 >/dev/null 2>&1; ( exec $ds setsid $3 -u -c "$py" "$sd" "$mg" </dev/null >&6 2>&7 6>&- 7>&- ); ended ) &
          else
            ( exec 3>&- 6>&1 7>&2 >/dev/null 2>&1; ( exec $ds setsid $3 -c "exec 8>&1 9>&2; >\"$sd/p.\$\$\"; >\"$sd/done\"; trap 'return 130' INT; while __mdx=; do POSIXLY_CORRECT=1; \\. \"$sd/next\"; done" </dev/null >&6 2>&7 6>&- 7>&- ); ended ) &
          fi
          await "$sd" p || return 1
          sp=$v
          case " $ids " in *" $1 "*) ;; *) ids="$ids $1" ;; esac
        }
        fresh() {
          case $f in
            \#(BlockPlanner.unnamedFolder)/*) \#(ExecutionJob.unbuffered) \#(ExecutionJob.workspaceOnPythonPath) timeout -k \#(ExecutionJob.killGraceSeconds) "$s" $c "$f" </dev/null 3>&- & ;;
            *) \#(ExecutionJob.unbuffered) timeout -k \#(ExecutionJob.killGraceSeconds) "$s" $c "$f" </dev/null 3>&- & ;;
          esac
          printf '%sS%s%s\n' "$t" "$!" "$1"
          wait $!
          r=$?
        }
        while IFS= read -r t && IFS= read -r s && IFS= read -r f && IFS= read -r c && IFS= read -r k; do
          if [ -z "$f" ]; then
            timeout -k \#(ExecutionJob.killGraceSeconds) "$s" sh -c "$(printf %s "$c" | base64 -d)" </dev/null 3>&- &
            printf '%sS%s\n' "$t" "$!"
            wait $!
            r=$?
          elif [ -z "$k" ]; then
            fresh ""
          else
            i=${k%% *} n=${k#* } m=
            q=${n#* } n=${n%% *}
            eval "sp=\${p_$i-} m=\${g_$i-} g_$i="
            sd=$D/$i
            if [ -n "$sp" ] && has "$sd/x"; then IFS= read -r _ <"$sd/done"; gone; sp= m=" R"; fi
            case "$PWD/$f" in *[\"\$\`\\]*) sp= n=- ;; esac
            if [ -z "$sp" ] && [ "$n" != - ]; then
              if begin "$i" "$n" "$c"; then eval "p_$i=\$sp"; else sp=; fi
            fi
            if [ -z "$sp" ]; then
              fresh " F"
            else
              printf '%sS%s%s\n' "$t" "$sp" "$m"
              if [ "$n" = py ]; then
                printf '%s\n%s\n' "$q" "$f" >"$sd/next"
              else
                printf 'exec 1>&8 2>&9\nunset -f . exec unset\nunset POSIXLY_CORRECT\ncase "$PWD" in "%s") \\. "./%s" ;; *) \\. "%s/%s" ;; esac </dev/null\n>"%s/r%s.$?"\n>"%s/done"\n' \
                  "$PWD" "$f" "$PWD" "$f" "$sd" "$q" "$sd" >"$sd/next"
              fi
              if await "$sd" "r$q"; then r=$v; else r=$v; gone; eval "g_$i=' R'"; fi
            fi
          fi
          printf '%sE%s\n' "$t" "$r"
          printf '%sE\n' "$t" >&3
        done
        for i in $ids; do
          eval "sp=\${p_$i-}"
          if [ -n "$sp" ]; then kill -KILL -"$sp" 2>/dev/null; IFS= read -r _ <"$D/$i/done"; fi
        done
        if [ -n "$D" ]; then rm -rf "$D"; fi
        """#

    /// The arguments that start the runner with `sh`. With `mergeStreams` the runner sends
    /// its stderr, and so every block's, into its stdout (its own end-of-stderr marker goes to
    /// the real stderr, fd 3, which no block inherits).
    static func arguments(mergeStreams: Bool) -> [String] {
        ["-c", source, "mdexec-runner", SessionDriver.pythonSource, mergeStreams ? "1" : ""]
    }

    /// The bytes of one request: run `file` with `command`, in `session` when one is given.
    static func request(
        token: String, timeoutSeconds: Int, file: String, command: [String],
        session: (id: Int, driver: SessionDriver)? = nil
    ) -> [UInt8] {
        let sessionLine = session.map { "\($0.id) \($0.driver.rawValue) \(newToken().dropFirst(4))" } ?? ""
        let lines = [token, String(timeoutSeconds), file, command.joined(separator: " "), sessionLine]
        return Array((lines.joined(separator: "\n") + "\n").utf8)
    }

    /// The bytes of one request: run `shellCommand` with `sh -c`.
    static func request(token: String, timeoutSeconds: Int, shellCommand: String) -> [UInt8] {
        let encoded = Data(shellCommand.utf8).base64EncodedString()
        let lines = [token, String(timeoutSeconds), "", encoded, ""]
        return Array((lines.joined(separator: "\n") + "\n").utf8)
    }

    /// A new unguessable marker token: a byte no text uses, then 128 random bits in hex.
    static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let hex = (0..<4).map { _ in
            let word = generator.next() as UInt32
            let digits = String(word, radix: 16)
            return String(repeating: "0", count: 8 - digits.count) + digits
        }
        return "\u{1E}mdx" + hex.joined()
    }
}
