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
        var info = stat()
        guard stat(path, &info) == 0 else {
            let reason = errno == ENOENT ? "no such file" : String(cString: strerror(errno)).lowercased()
            throw UsageError("\(path): \(reason).")
        }
        guard (info.st_mode & S_IFMT) != S_IFDIR else { throw UsageError("\(path) is a directory, not a Markdown document.") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw UsageError("\(path): cannot be read (permission denied?).")
        }
        do {
            return LoadedDocument(path: path, document: try MarkdownDocument.parse([UInt8](data)))
        } catch {
            throw UsageError("\(path): \(error.description)")
        }
    }
}

/// Bad usage or unusable input: one line on standard error, exit 2.
struct UsageError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
