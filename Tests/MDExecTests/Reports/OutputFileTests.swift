import Foundation
import Testing

@testable import MDExec

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("OutputFile")
struct OutputFileTests {
    /// A fresh temporary directory, removed after `body`.
    func withDirectory(_ body: (String) throws -> Void) throws {
        var template = Array("\(NSTemporaryDirectory())/mdexec-reports-XXXXXX".utf8CString)
        let made = mkdtemp(&template)
        let dir = try #require(made.map { String(cString: $0) })
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try body(dir)
    }

    func inode(_ path: String) -> ino_t? {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_ino : nil
    }

    func mode(_ path: String) -> mode_t {
        var info = stat()
        _ = stat(path, &info)
        return info.st_mode & 0o7777
    }

    func contents(_ path: String) -> String? {
        (try? Data(contentsOf: URL(fileURLWithPath: path))).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test("a new file is created with the whole content and no temporary file left")
    func newFile() throws {
        try withDirectory { dir in
            let path = dir + "/report.md"
            try OutputFile.write(Array("hello\n".utf8), to: path)
            #expect(contents(path) == "hello\n")
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["report.md"])
            #expect(mode(path) & 0o600 == 0o600)
        }
    }

    @Test("an existing regular file is replaced by rename, keeping its permissions")
    func replacesRegularFile() throws {
        try withDirectory { dir in
            let path = dir + "/report.md"
            try Data("old content that is longer\n".utf8).write(to: URL(fileURLWithPath: path))
            chmod(path, 0o640)
            let before = inode(path)
            try OutputFile.write(Array("new\n".utf8), to: path)
            #expect(contents(path) == "new\n")
            #expect(inode(path) != before, "replaced by a new file, not rewritten in place")
            #expect(mode(path) == 0o640)
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["report.md"])
        }
    }

    @Test("a FIFO is written directly, never replaced")
    func fifo() async throws {
        var template = Array("\(NSTemporaryDirectory())/mdexec-fifo-XXXXXX".utf8CString)
        let dir = try #require(mkdtemp(&template).map { String(cString: $0) })
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/pipe"
        #expect(mkfifo(path, 0o600) == 0)
        let before = inode(path)
        let reader = Task.detached { () -> String in
            let handle = FileHandle(forReadingAtPath: path)!
            defer { try? handle.close() }
            return String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
        }
        try OutputFile.write(Array("through the pipe\n".utf8), to: path)
        #expect(await reader.value == "through the pipe\n")
        var info = stat()
        #expect(lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO, "still a FIFO")
        #expect(inode(path) == before)
    }

    @Test("a character device is written directly")
    func characterDevice() throws {
        try OutputFile.write(Array("discarded".utf8), to: "/dev/null")
        var info = stat()
        #expect(stat("/dev/null", &info) == 0 && info.st_mode & S_IFMT == S_IFCHR)
    }

    @Test("a symlink's target is replaced and the link stays a link")
    func symbolicLink() throws {
        try withDirectory { dir in
            let target = dir + "/real.md"
            let link = dir + "/link.md"
            try Data("old\n".utf8).write(to: URL(fileURLWithPath: target))
            #expect(symlink("real.md", link) == 0)
            try OutputFile.write(Array("new\n".utf8), to: link)
            #expect(contents(target) == "new\n")
            var info = stat()
            #expect(lstat(link, &info) == 0 && info.st_mode & S_IFMT == S_IFLNK)
            #expect(contents(link) == "new\n")
        }
    }

    @Test("a missing directory is a ReportError that says so")
    func missingDirectory() throws {
        try withDirectory { dir in
            let path = dir + "/missing/report.md"
            let error = try #require(throws: ReportError.self) {
                try OutputFile.write([0x41], to: path)
            }
            #expect(error.code == .directoryNotFound)
            #expect(
                error.description.hasPrefix("Cannot write report to \(path): directory \(dir)/missing does not exist."))
        }
    }

    @Test("a directory as target is a ReportError")
    func directoryTarget() throws {
        try withDirectory { dir in
            let error = try #require(throws: ReportError.self) {
                try OutputFile.write([0x41], to: dir)
            }
            #expect(error.code == .isADirectory)
            #expect(error.description.contains("is a directory"))
        }
    }

    @Test(
        "an unwritable directory is a ReportError and leaves nothing behind",
        .enabled(if: getuid() != 0, "root can write anywhere"))
    func permissionDenied() throws {
        try withDirectory { dir in
            let locked = dir + "/locked"
            try FileManager.default.createDirectory(atPath: locked, withIntermediateDirectories: false)
            chmod(locked, 0o500)
            defer { chmod(locked, 0o700) }
            let error = try #require(throws: ReportError.self) {
                try OutputFile.write([0x41], to: locked + "/r.md")
            }
            #expect(error.code == .permissionDenied)
            #expect(try FileManager.default.contentsOfDirectory(atPath: locked).isEmpty)
        }
    }

    @Test("standard stream paths name file descriptors")
    func descriptorPaths() {
        #expect(OutputFile.openDescriptorNumber("/dev/stdout") == 1)
        #expect(OutputFile.openDescriptorNumber("/dev/stderr") == 2)
        #expect(OutputFile.openDescriptorNumber("/dev/fd/63") == 63)
        #expect(OutputFile.openDescriptorNumber("/proc/self/fd/1") == 1)
        #expect(OutputFile.openDescriptorNumber("/dev/fd/x") == nil)
        #expect(OutputFile.openDescriptorNumber("report.md") == nil)
    }
}
