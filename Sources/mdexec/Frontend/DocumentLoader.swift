import Foundation
import MDExec

/// A document read and parsed, with the path the user gave.
struct LoadedDocument: Sendable {
    var path: String
    var document: MarkdownDocument
}

/// Reads documents; everything wrong with one is a usage error (exit 2).
enum DocumentLoader {
    static func load(_ path: String) throws(UsageError) -> LoadedDocument {
        let source = try readSource(path)
        do {
            return LoadedDocument(path: path, document: try MarkdownDocument.parse(source))
        } catch {
            throw UsageError("\(path): \(error.description)")
        }
    }

    /// The bytes of the document at `path`, read straight into one array.
    static func readSource(_ path: String) throws(UsageError) -> [UInt8] {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let reason = errno == ENOENT ? "no such file" : String(cString: strerror(errno)).lowercased()
            throw UsageError("\(path): \(reason).")
        }
        guard (info.st_mode & S_IFMT) != S_IFDIR else {
            throw UsageError("\(path) is a directory, not a Markdown document.")
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw UsageError("\(path): cannot be read (permission denied?).") }
        defer { close(fd) }
        // A regular file's size is known: one array of that size (plus one byte, to see the
        // end). A pipe, a device or a file that grew is read on in chunks until it ends.
        let expected = max(Int(info.st_size), 0) + 1
        var failure: Int32 = 0
        var bytes = [UInt8](unsafeUninitializedCapacity: expected) { buffer, count in
            count = 0
            while count < buffer.count {
                let got = read(fd, buffer.baseAddress! + count, buffer.count - count)
                if got > 0 {
                    count += got
                } else if got == 0 || errno != EINTR {
                    if got < 0 { failure = errno }
                    return
                }
            }
        }
        if failure == 0, bytes.count == expected {
            var chunk = [UInt8](repeating: 0, count: 64 << 10)
            while true {
                let got = read(fd, &chunk, chunk.count)
                if got > 0 {
                    bytes.append(contentsOf: chunk[..<got])
                } else if got == 0 || errno != EINTR {
                    if got < 0 { failure = errno }
                    break
                }
            }
        }
        guard failure == 0 else {
            throw UsageError("\(path): cannot be read (\(String(cString: strerror(failure)).lowercased())).")
        }
        return bytes
    }
}

/// Bad usage or unusable input: one line on standard error, exit 2.
struct UsageError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
