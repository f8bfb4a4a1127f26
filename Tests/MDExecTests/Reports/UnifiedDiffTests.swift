import MDExecTestSupport
import Testing

@testable import MDExec

@Suite("UnifiedDiff")
struct UnifiedDiffTests {
    @Test("equal texts give no diff")
    func equal() {
        #expect(UnifiedDiff.render(expected: "a\nb\n", actual: "a\nb\n") == "")
        #expect(UnifiedDiff.render(expected: "", actual: "") == "")
    }

    @Test("one changed line with three lines of context")
    func oneChange() {
        let expected = (1...10).map { "line \($0)" }.joined(separator: "\n") + "\n"
        let actual = expected.replacingOccurrences(of: "line 6\n", with: "line six\n")
        #expect(
            UnifiedDiff.render(expected: expected, actual: actual, expectedLabel: "recorded", actualLabel: "actual")
                == """
                --- recorded
                +++ actual
                @@ -3,7 +3,7 @@
                 line 3
                 line 4
                 line 5
                -line 6
                +line six
                 line 7
                 line 8
                 line 9

                """)
    }

    @Test("distant changes make separate hunks; near ones merge")
    func hunks() {
        let a = (1...20).map(String.init).joined(separator: "\n")
        let far = a.replacingOccurrences(of: "2\n", with: "two\n").replacingOccurrences(of: "\n19", with: "\nnineteen")
        #expect(UnifiedDiff.render(expected: a, actual: far).components(separatedBy: "\n@@").count - 1 == 2)
        let near = a.replacingOccurrences(of: "\n5\n", with: "\nfive\n").replacingOccurrences(
            of: "\n10\n", with: "\nten\n")
        #expect(UnifiedDiff.render(expected: a, actual: near).components(separatedBy: "\n@@").count - 1 == 1)
    }

    @Test("insertions into and deletions from empty texts")
    func empty() {
        #expect(UnifiedDiff.render(expected: "", actual: "x\n") == "--- expected\n+++ actual\n@@ -0,0 +1 @@\n+x\n")
        #expect(
            UnifiedDiff.render(expected: "x\ny\n", actual: "") == "--- expected\n+++ actual\n@@ -1,2 +0,0 @@\n-x\n-y\n")
    }

    @Test("applying the diff's edits to the expected lines gives the actual lines")
    func randomEdits() {
        var g = SeededGenerator(seed: 3)
        for _ in 0..<300 {
            let a = (0..<g.int(0...15)).map { _ in g.pick(["a", "b", "c", "d", ""]) }
            let b = (0..<g.int(0...15)).map { _ in g.pick(["a", "b", "c", "e", ""]) }
            let ops = UnifiedDiff.editScript(a, b)
            #expect(ops.filter { $0.kind != .insert }.map { a[$0.a] } == a)
            #expect(ops.filter { $0.kind != .delete }.map { b[$0.b] } == b)
            #expect(ops.filter { $0.kind == .equal }.allSatisfy { a[$0.a] == b[$0.b] })
            // Myers finds a shortest script: never more edits than the LCS bound allows.
            let edits = ops.filter { $0.kind != .equal }.count
            #expect(edits == a.count + b.count - 2 * lcs(a, b))
            // The rendered diff, read back, also rebuilds both sides.
            let diff = UnifiedDiff.render(
                expected: a.map { $0 + "\n" }.joined(), actual: b.map { $0 + "\n" }.joined(), context: 1000)
            if a != b {
                let body = diff.split(separator: "\n", omittingEmptySubsequences: false).dropFirst(3).dropLast()
                #expect(body.filter { !$0.hasPrefix("+") }.map { String($0.dropFirst()) } == a)
                #expect(body.filter { !$0.hasPrefix("-") }.map { String($0.dropFirst()) } == b)
            }
        }
    }

    func lcs(_ a: [String], _ b: [String]) -> Int {
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                table[i][j] = a[i] == b[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
            }
        }
        return table[0][0]
    }

    @Test("huge unrelated texts still give a bounded diff")
    func huge() {
        let a = (0..<5000).map { "a\($0)" }.joined(separator: "\n")
        let b = (0..<5000).map { "b\($0)" }.joined(separator: "\n")
        let diff = UnifiedDiff.render(expected: a, actual: b)
        #expect(diff.hasPrefix("--- expected\n+++ actual\n@@ -1,5000 +1,5000 @@\n-a0\n"))
    }
}
