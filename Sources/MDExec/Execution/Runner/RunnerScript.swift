import Foundation

/// The runner: a POSIX `sh` loop started once per document that runs one block
/// per request, so a block costs no process start-up of the engine (no exec per block).
///
/// A request is four lines on the runner's standard input: a fresh random token, the
/// timeout in seconds, the file to run, and the interpreter command; with an empty file,
/// the fourth line is a shell command in base64 (the init command, pip installs), run
/// with `sh -c`. The runner answers on standard output with `TOKEN S PID`
/// when the block starts (PID leads the block's process group) and `TOKEN E CODE` when it
/// ends, and with `TOKEN E` on standard error, so both streams are closed off before the
/// result is taken. The token lives only in the runner's variables (never in an argument
/// list, the environment or a file a block can read), so no output can forge a marker.
/// `timeout` makes itself the leader of the block's process group, which is how the whole
/// tree is killed. Needs only `sh`, `base64` and coreutils' `timeout`.
enum RunnerScript {
    /// The script, passed as `sh -c SCRIPT mdexec-runner`.
    static let source = #"""
        set -f
        while IFS= read -r t && IFS= read -r s && IFS= read -r f && IFS= read -r c; do
          if [ -z "$f" ]; then
            timeout -k \#(ExecutionJob.killGraceSeconds) "$s" sh -c "$(printf %s "$c" | base64 -d)" </dev/null &
          else
            timeout -k \#(ExecutionJob.killGraceSeconds) "$s" $c "$f" </dev/null &
          fi
          printf '%sS%s\n' "$t" "$!"
          wait $!
          r=$?
          printf '%sE%s\n' "$t" "$r"
          printf '%sE\n' "$t" >&2
        done
        """#

    /// The arguments that start the runner with `sh`.
    static let arguments = ["-c", source, "mdexec-runner"]

    /// The bytes of one request: run `file` with `command`.
    static func request(token: String, timeoutSeconds: Int, file: String, command: [String]) -> [UInt8] {
        let lines = [token, String(timeoutSeconds), file, command.joined(separator: " ")]
        return Array((lines.joined(separator: "\n") + "\n").utf8)
    }

    /// The bytes of one request: run `shellCommand` with `sh -c`.
    static func request(token: String, timeoutSeconds: Int, shellCommand: String) -> [UInt8] {
        let encoded = Data(shellCommand.utf8).base64EncodedString()
        let lines = [token, String(timeoutSeconds), "", encoded]
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
