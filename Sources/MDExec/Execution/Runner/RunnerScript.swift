import Foundation

/// The session runner: a POSIX `sh` loop started once per document that runs one block
/// per request, so a block costs no process start-up of the engine (no exec per block).
///
/// A request is four lines on the runner's standard input: a fresh random token, the
/// timeout in seconds, the file to run, and the interpreter command; with an empty file,
/// the fourth line is a shell command in base64 (the init command, pip installs), run
/// with `sh -c`. The runner answers on standard output with `TOKEN S PID`
/// when the block starts (PID leads the block's process group) and `TOKEN E CODE` when it
/// ends, and with `TOKEN E` on standard error, so both streams are closed off before the
/// result is taken. The token is never exported or written where a block can read it, so
/// no output can forge a marker. Needs only `sh` and coreutils' `timeout`.
enum RunnerScript {
    /// The script, passed as `sh -c SCRIPT mdexec-runner`.
    static let source = #"""
set -f
while IFS= read -r t && IFS= read -r s && IFS= read -r f && IFS= read -r c; do
  if [ -z "$f" ]; then
    sh -c 'printf "%sS%s\n" "$1" "$$"; exec timeout -k 2 "$2" sh -c "$3"' mdexec-sh "$t" "$s" "$(printf %s "$c" | base64 -d)" </dev/null &
  else
    sh -c 'printf "%sS%s\n" "$1" "$$"; s=$2; f=$3; shift 3; exec timeout -k 2 "$s" "$@" "$f"' mdexec-block "$t" "$s" "$f" $c </dev/null &
  fi
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
