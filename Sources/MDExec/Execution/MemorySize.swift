import Foundation

/// Sizes such as `512m`, `2g`, `1048576`.
package enum MemorySize {
    package static func bytes(_ text: String) -> Int64? {
        let lower = text.lowercased().trimmingWhitespace()
        let units: [(String, Int64)] = [
            ("kb", 1 << 10), ("k", 1 << 10), ("mb", 1 << 20), ("m", 1 << 20), ("gb", 1 << 30), ("g", 1 << 30), ("b", 1),
        ]
        for (suffix, factor) in units where lower.hasSuffix(suffix) {
            guard let number = Double(lower.dropLast(suffix.count)), number > 0 else { return nil }
            return Int64(number * Double(factor))
        }
        guard let number = Int64(lower), number > 0 else { return nil }
        return number
    }
}
