import Foundation
import Testing

@testable import MDExec

@Suite("Workspace paths: nothing is written outside the workspace")
struct WorkspacePathTests {
    let root: String

    init() throws {
        var template = Array((NSTemporaryDirectory() + "mdexec-ws-XXXXXX").utf8CString)
        root = String(cString: try #require(mkdtemp(&template)))
    }

    @Test(
        "relative paths are normalised",
        arguments: [
            ("a.py", "a.py"), ("./a.py", "a.py"), ("sub/dir/a.py", "sub/dir/a.py"),
            ("sub/../a.py", "a.py"), ("sub//a.py", "sub/a.py"),
            ("sub/", "sub"), ("a/./b", "a/b"), ("a/b/..", "a"), (".hidden/x..y", ".hidden/x..y"),
            ("...", "..."), ("a/.../b", "a/.../b"), ("x/.", "x"),
        ])
    func normalises(input: String, expected: String) throws {
        #expect(try WorkspacePath.normalized(input) == expected)
    }

    @Test(
        "escapes are refused with the ancestor's message",
        arguments: [
            "../x", "/abs/x.py", "a/../../x", "..", ".", "", "a\nb", "a\0b", "/", "./..", "a/../..", "./",
        ])
    func refusesEscapes(input: String) {
        #expect(throws: ExecutionError.self) { try WorkspacePath.normalized(input) }
        do {
            _ = try WorkspacePath.normalized(input)
        } catch {
            #expect(error.code == .outsideWorkspace)
            #expect(error.message == "Filename is not in the workspace")
        }
    }

    @Test("writing creates missing folders inside the workspace")
    func writesNested() throws {
        try WorkspacePath.write(Array("hi".utf8), to: "a/b/c.txt", root: root)
        #expect(try String(contentsOfFile: root + "/a/b/c.txt", encoding: .utf8) == "hi")
    }

    @Test("a symlink inside the workspace that points out is refused, as folder and as file")
    func refusesSymlinkOut() throws {
        let outside = root + "-outside"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: outside) }
        #expect(symlink(outside, root + "/link") == 0)
        #expect(symlink(outside + "/target.txt", root + "/file-link") == 0)
        for path in ["link/x.py", "file-link", "link/deeper/x.py"] {
            #expect(throws: ExecutionError.self) { try WorkspacePath.write(Array("x".utf8), to: path, root: root) }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside).isEmpty)
    }

    @Test("a symlink that stays inside the workspace is followed")
    func followsSymlinkInside() throws {
        try FileManager.default.createDirectory(atPath: root + "/real", withIntermediateDirectories: true)
        #expect(symlink(root + "/real", root + "/alias") == 0)
        try WorkspacePath.write(Array("ok".utf8), to: "alias/f.txt", root: root)
        #expect(try String(contentsOfFile: root + "/real/f.txt", encoding: .utf8) == "ok")
    }
}
