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
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw UsageError("\(path): no such file.")
        }
        guard !isDirectory.boolValue else { throw UsageError("\(path) is a directory, not a Markdown document.") }
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
