/// A line-based unified diff (Myers' algorithm), as `check` prints on standard error when
/// a block's output differs from the recorded one.
enum UnifiedDiff {
    /// The diff from `expected` to `actual`: `---`/`+++` header lines with the labels, then
    /// `@@ -a,b +c,d @@` hunks with `context` lines of context. Empty when the texts have the
    /// same lines. A final `\n` does not count as an extra (empty) line.
    static func render(
        expected: String, actual: String, expectedLabel: String = "expected",
        actualLabel: String = "actual", context: Int = 3
    ) -> String {
        let a = lines(of: expected)
        let b = lines(of: actual)
        let ops = editScript(a, b)
        guard ops.contains(where: { $0.kind != .equal }) else { return "" }
        var out = "--- \(expectedLabel)\n+++ \(actualLabel)\n"
        for hunk in hunks(ops, context: max(0, context)) {
            let slice = ops[hunk]
            let aCount = slice.filter { $0.kind != .insert }.count
            let bCount = slice.filter { $0.kind != .delete }.count
            let first = slice[slice.startIndex]
            out += "@@ -\(range(first.a, aCount)) +\(range(first.b, bCount)) @@\n"
            for op in slice {
                switch op.kind {
                case .equal: out += " " + a[op.a] + "\n"
                case .delete: out += "-" + a[op.a] + "\n"
                case .insert: out += "+" + b[op.b] + "\n"
                }
            }
        }
        return out
    }

    // MARK: - Edit script

    struct Op: Equatable {
        enum Kind { case equal, delete, insert }
        var kind: Kind
        /// Lines of `expected` before this one (its index when it is `equal` or `delete`).
        var a: Int
        /// Lines of `actual` before this one (its index when it is `equal` or `insert`).
        var b: Int
    }

    static func lines(of text: String) -> [String] {
        guard !text.isEmpty else { return [] }
        var parts = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if text.hasSuffix("\n") { parts.removeLast() }
        return parts
    }

    /// The shortest edit script from `a` to `b`. Common ends are trimmed first; a middle
    /// needing more than `maxEdits` edits is reported as a whole replacement, which keeps
    /// time and memory bounded for huge, unrelated outputs.
    static func editScript(_ a: [String], _ b: [String], maxEdits: Int = 2000) -> [Op] {
        var prefix = 0
        while prefix < a.count, prefix < b.count, a[prefix] == b[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < a.count - prefix, suffix < b.count - prefix,
            a[a.count - 1 - suffix] == b[b.count - 1 - suffix]
        {
            suffix += 1
        }
        let midA = Array(a[prefix..<(a.count - suffix)])
        let midB = Array(b[prefix..<(b.count - suffix)])
        var ops = (0..<prefix).map { Op(kind: .equal, a: $0, b: $0) }
        let middle =
            myers(midA, midB, maxEdits: maxEdits)
            ?? (midA.indices.map { Op(kind: .delete, a: $0, b: 0) }
                + midB.indices.map { Op(kind: .insert, a: midA.count, b: $0) })
        ops += middle.map { Op(kind: $0.kind, a: $0.a + prefix, b: $0.b + prefix) }
        let tailA = a.count - suffix
        let tailB = b.count - suffix
        ops += (0..<suffix).map { Op(kind: .equal, a: tailA + $0, b: tailB + $0) }
        return ops
    }

    private static func myers(_ a: [String], _ b: [String], maxEdits: Int) -> [Op]? {
        let n = a.count
        let m = b.count
        let limit = min(n + m, maxEdits)
        let offset = limit + 1
        var v = [Int](repeating: 0, count: 2 * limit + 3)
        var trace: [[Int]] = []
        var found = false
        search: for d in 0...limit {
            trace.append(Array(v[(offset - d)...(offset + d)]))
            for k in stride(from: -d, through: d, by: 2) {
                var x =
                    (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]))
                    ? v[offset + k + 1] : v[offset + k - 1] + 1
                var y = x - k
                while x < n, y < m, a[x] == b[y] {
                    x += 1
                    y += 1
                }
                v[offset + k] = x
                if x >= n, y >= m {
                    found = true
                    break search
                }
            }
        }
        guard found else { return nil }
        var ops: [Op] = []
        var x = n
        var y = m
        for d in stride(from: trace.count - 1, through: 0, by: -1) {
            let row = trace[d]
            func at(_ k: Int) -> Int { row[k + d] }
            let k = x - y
            let prevK: Int
            if d == 0 {
                prevK = 0
            } else if k == -d || (k != d && at(k - 1) < at(k + 1)) {
                prevK = k + 1
            } else {
                prevK = k - 1
            }
            let prevX = d == 0 ? 0 : at(prevK)
            let prevY = prevX - prevK
            while x > prevX, y > prevY {
                x -= 1
                y -= 1
                ops.append(Op(kind: .equal, a: x, b: y))
            }
            if d > 0 {
                if x == prevX {
                    y -= 1
                    ops.append(Op(kind: .insert, a: x, b: y))
                } else {
                    x -= 1
                    ops.append(Op(kind: .delete, a: x, b: y))
                }
            }
        }
        return ops.reversed()
    }

    // MARK: - Hunks

    /// Ranges of `ops` to print: each change with up to `context` equal lines around it,
    /// neighbouring changes merged when their contexts touch.
    private static func hunks(_ ops: [Op], context: Int) -> [Range<Int>] {
        var result: [Range<Int>] = []
        for (i, op) in ops.enumerated() where op.kind != .equal {
            let lower = max(0, i - context)
            let upper = min(ops.count, i + context + 1)
            if let last = result.last, lower <= last.upperBound {
                result[result.count - 1] = last.lowerBound..<max(last.upperBound, upper)
            } else {
                result.append(lower..<upper)
            }
        }
        return result
    }

    private static func range(_ start: Int, _ count: Int) -> String {
        switch count {
        case 0: return "\(start),0"
        case 1: return "\(start + 1)"
        default: return "\(start + 1),\(count)"
        }
    }
}
