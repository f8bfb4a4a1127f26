import Foundation
import MDExecTestSupport

#if FUZZING
import CLibFuzzer
#endif

// The libFuzzer target over extraction and report writing (the report invariants of docs/reference.md).
//
//   scripts/fuzz.sh [SECONDS]     builds it with -sanitize=fuzzer -DFUZZING and runs it
//
// Built plainly (as `swift build` does), it replays inputs instead: the files, or the files
// in the folders, given as arguments. A crashing input found by the fuzzer can so be
// replayed and debugged without libFuzzer:
//
//   swift run mdexec-report-fuzzer .build-fuzz/crash-...

/// Checks one input; a broken invariant ends the process, which libFuzzer reports with the input.
func checkInput(_ bytes: [UInt8]) {
    guard let problems = ReportMutations.check(document: bytes), !problems.isEmpty else { return }
    let text = String(decoding: bytes, as: UTF8.self)
    FileHandle.standardError.write(
        Data(
            "report invariant broken: \(problems.prefix(3).joined(separator: "; "))\ndocument: \(text.debugDescription)\n"
                .utf8))
    abort()
}

#if FUZZING
/// libFuzzer's entry point (its own `main` may call it; ours goes through the driver).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    checkInput(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
#endif

@main
enum ReportFuzzer {
    static func main() {
        #if FUZZING
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzOneInput(data, size) })
        #else
        replay(CommandLine.arguments.dropFirst())
        #endif
    }

    static func replay(_ arguments: ArraySlice<String>) {
        var files: [String] = []
        for argument in arguments {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory) else {
                FileHandle.standardError.write(Data("no such file: \(argument)\n".utf8))
                exit(2)
            }
            if isDirectory.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: argument)) ?? []
                files += names.sorted().map { argument + "/" + $0 }
            } else {
                files.append(argument)
            }
        }
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else { continue }
            checkInput([UInt8](data))
        }
        print("replayed \(files.count) inputs: every report invariant holds")
    }
}
