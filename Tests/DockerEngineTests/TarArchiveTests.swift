import DockerEngine
import Foundation
import Testing

@Suite("Tar archives")
struct TarArchiveTests {
    private func listing(_ archive: [UInt8]) throws -> (listing: String, directory: URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mdexec-tar-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("archive.tar")
        try Data(archive).write(to: file)
        let list = try run(["tar", "-tvf", file.path])
        let extracted = directory.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: extracted, withIntermediateDirectories: true)
        _ = try run(["tar", "-xf", file.path, "-C", extracted.path])
        return (list, extracted)
    }

    private func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        let errors = Pipe()
        process.standardOutput = pipe
        process.standardError = errors
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "tar failed: \(errorText)")
        #expect(errorText.isEmpty, "tar warned: \(errorText)")
        return String(decoding: output, as: UTF8.self)
    }

    @Test("tar -tvf lists files, directories, modes and long names")
    func listedByTar() throws {
        let longDirectory = String(repeating: "d", count: 120)
        let prefixed = "\(longDirectory)/file.txt"
        let gnuLong = String(repeating: "x", count: 180) + ".py"
        var archive = TarArchive(userID: 1000, groupID: 1000, modificationTime: 1_700_000_000)
        try archive.addDirectory(path: "src")
        try archive.addFile(path: "src/main.py", contents: Array("print('hi')\n".utf8))
        try archive.addFile(path: "run.sh", contents: Array("#!/bin/sh\necho hi\n".utf8), mode: 0o755)
        try archive.addFile(path: "empty", contents: [])
        try archive.addFile(path: prefixed, contents: [UInt8](repeating: 0x41, count: 1000))
        try archive.addFile(path: gnuLong, contents: [0, 1, 2, 255])
        let bytes = archive.bytes
        #expect(bytes.count % 512 == 0)

        let (list, extracted) = try listing(bytes)
        let lines = list.split(separator: "\n").map(String.init)
        #expect(lines.count == 6)
        #expect(lines[0].hasPrefix("drwxr-xr-x 1000/1000") && lines[0].hasSuffix(" src/"))
        #expect(lines[1].hasPrefix("-rw-r--r-- 1000/1000") && lines[1].hasSuffix(" src/main.py"))
        #expect(lines[2].hasPrefix("-rwxr-xr-x") && lines[2].hasSuffix(" run.sh"))
        #expect(lines[3].contains(" 0 ") && lines[3].hasSuffix(" empty"))
        #expect(lines[4].contains(" 1000 ") && lines[4].hasSuffix(" \(prefixed)"))
        #expect(lines[5].hasSuffix(" \(gnuLong)"))
        #expect(lines[1].contains("2023-11-14"))

        #expect(try Data(contentsOf: extracted.appendingPathComponent("src/main.py")) == Data("print('hi')\n".utf8))
        #expect(try Data(contentsOf: extracted.appendingPathComponent(prefixed)).count == 1000)
        #expect(try Array(Data(contentsOf: extracted.appendingPathComponent(gnuLong))) == [0, 1, 2, 255])
    }

    @Test("an empty name is refused")
    func emptyName() {
        var archive = TarArchive()
        #expect(throws: TarArchive.BuildError.emptyName) { try archive.addFile(path: "/", contents: []) }
    }

    @Test(
        "the first regular file is read back: ours, GNU tar's and PAX; a link, a directory or a cut archive gives nil")
    func firstRegularFile() throws {
        var ours = TarArchive()
        let long = String(repeating: "p", count: 150) + ".png"
        try ours.addFile(path: long, contents: [1, 2, 3])
        #expect(TarArchive.firstRegularFile(in: ours.bytes) == [1, 2, 3], "after a GNU long-name entry")

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mdexec-tar-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let picture = [UInt8]((0..<1500).map { UInt8($0 % 251) })
        try Data(picture).write(to: directory.appendingPathComponent("chart.png"))
        try FileManager.default.createSymbolicLink(
            atPath: directory.path + "/x.png", withDestinationPath: "/etc/passwd")
        func archive(_ arguments: [String]) throws -> [UInt8] {
            let file = directory.appendingPathComponent("a-\(UUID()).tar").path
            _ = try run(["tar", "-cf", file, "-C", directory.path] + arguments)
            return try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
        }
        #expect(TarArchive.firstRegularFile(in: try archive(["chart.png"])) == picture)
        #expect(TarArchive.firstRegularFile(in: try archive(["--format=pax", "chart.png"])) == picture)
        #expect(TarArchive.firstRegularFile(in: try archive(["x.png"])) == nil, "a link is not followed")
        let whole = try archive(["chart.png"])
        #expect(TarArchive.firstRegularFile(in: Array(whole.prefix(1024))) == nil, "a cut archive")
        var folder = TarArchive()
        try folder.addDirectory(path: "charts")
        #expect(TarArchive.firstRegularFile(in: folder.bytes) == nil)
        #expect(TarArchive.firstRegularFile(in: []) == nil)
    }
}
