import Foundation

/// The status line and headers of a raw HTTP/1.1 response, as read off a hijacked connection.
struct HTTPResponseHead: Sendable, Equatable {
    var status: Int
    /// Header names lower-cased.
    var headers: [String: String]

    /// Where the head ends (just past the blank line) in `bytes`, or nil while it is incomplete.
    static func end(in bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4)
        where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index + 4
        }
        return nil
    }

    /// Parses `HTTP/1.1 101 UPGRADED\r\nName: value\r\n...`; nil when it is not an HTTP response.
    init?(_ bytes: ArraySlice<UInt8>) {
        let text = String(decoding: bytes, as: UTF8.self)
        var lines = text.components(separatedBy: "\r\n").makeIterator()
        guard let statusLine = lines.next() else { return nil }
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/"), let status = Int(parts[1]) else { return nil }
        self.status = status
        headers = [:]
        while let line = lines.next(), !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers[name] = value
        }
    }
}
