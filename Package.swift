// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "mdexec",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "mdexec", targets: ["mdexec"]),
        .library(name: "MDExec", targets: ["MDExec"]),
        .library(name: "DockerEngine", targets: ["DockerEngine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CCmark",
            pkgConfig: "libcmark",
            providers: [.apt(["libcmark-dev"])]
        ),
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .target(
            name: "CCurlShims",
            dependencies: ["CCurl"]
        ),
        .target(
            name: "DockerEngine",
            dependencies: [
                "CCurl", "CCurlShims",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        .target(
            name: "MDExec",
            dependencies: [
                "CCmark",
                "DockerEngine",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .executableTarget(
            name: "mdexec",
            dependencies: [
                "MDExec",
                "DockerEngine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Test support shared by the test targets and the fuzzer: seeded randomness, the
        // report invariants, the mutation corpus.
        .target(
            name: "MDExecTestSupport",
            dependencies: ["MDExec"],
            path: "Tests/MDExecTestSupport"
        ),
        // The gate of every test against a real engine (Docker or Podman).
        .target(
            name: "EngineTestSupport",
            dependencies: ["DockerEngine"],
            path: "Tests/EngineTestSupport"
        ),
        // The libFuzzer target (scripts/fuzz.sh); a replayer of its inputs when built plainly.
        .systemLibrary(
            name: "CLibFuzzer",
            path: "Tests/ReportFuzzer/CLibFuzzer"
        ),
        .executableTarget(
            name: "mdexec-report-fuzzer",
            dependencies: ["MDExecTestSupport", "CLibFuzzer"],
            path: "Tests/ReportFuzzer",
            exclude: ["corpus", "CLibFuzzer"]
        ),
        .testTarget(
            name: "MDExecTests",
            dependencies: ["MDExec", "MDExecTestSupport"]
        ),
        .testTarget(
            name: "DockerEngineTests",
            dependencies: ["DockerEngine", "EngineTestSupport", .product(name: "Logging", package: "swift-log")],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["MDExec", "MDExecTestSupport", "EngineTestSupport", "DockerEngine", "mdexec"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
