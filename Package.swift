// swift-tools-version: 6.1
import PackageDescription

// The core's numeric code is compiled optimized even in debug builds: measured here, an
// unoptimized build ran the same SIMD kernel 250× slower (0.05 vs 12.5 GFLOP/s), which would make
// `swift test` (a debug build) crawl through every test that trains a model.
let optimizedInDebug: [SwiftSetting] = [
    .unsafeFlags(["-O"], .when(configuration: .debug)),
]

let package = Package(
    name: "wdl",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "wdl", targets: ["wdl"]),
        .library(name: "WideDeep", targets: ["WideDeep"]),
    ],
    // `--traits MPI` builds the same `wdl` able to run as one job over several processes under
    // `mpirun` (needs libopenmpi-dev); the default build needs no MPI.
    traits: [.trait(name: "MPI", description: "Data-parallel training over Open MPI (needs libopenmpi-dev)")],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.60.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.20.0"),
    ],
    targets: [
        /// Matrix-product micro-kernels, portable; and the same source (a symlink) built for
        /// AVX2 + FMA CPUs, chosen at run time.
        .target(name: "Kernels", swiftSettings: optimizedInDebug),
        .target(
            name: "KernelsHaswell",
            swiftSettings: optimizedInDebug + [.unsafeFlags(["-target-cpu", "haswell"]), .define("WDL_FMA")]
        ),
        /// Processor hints (prefetch, spin-wait pause): static inline C, Swift has no spelling for them.
        .target(name: "CProcessorHints"),
        .target(
            name: "WideDeep",
            dependencies: ["Kernels", "KernelsHaswell", "SafeTensors", "CProcessorHints", "CZlib", "CZstd",
                           .product(name: "Yams", package: "Yams")],
            swiftSettings: optimizedInDebug
        ),
        /// gzip and zstd input through the system's zlib and libzstd (module map + shim header:
        /// zlib's inflateInit2 is a macro).
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CZstd", providers: [.apt(["libzstd-dev"])]),
        /// safetensors files: a generic reader and writer, no knowledge of the model.
        .target(name: "SafeTensors", swiftSettings: optimizedInDebug),
        /// Adapters around the core (the engine), each knowing it only through its public API:
        /// the exports (TensorBoard event files, ONNX, the protobuf writer they share),
        .target(name: "WdlExport", dependencies: ["WideDeep", "SafeTensors"]),
        /// the metrics logs read back (a run's records, a log followed as it grows, comparisons),
        .target(name: "WdlRuns", dependencies: ["WideDeep"]),
        /// and the control socket (server, client, wire messages, snapshot deltas).
        .target(name: "WdlControl", dependencies: ["WideDeep"]),
        /// Pure Swift UI logic: layout, widgets drawing into a cell buffer, themes, keys.
        .target(name: "Dashboard", dependencies: ["WideDeep", "WdlRuns", "WdlControl"]),
        /// The only module that talks to ncurses: the terminal backend.
        .target(name: "DashboardCurses", dependencies: ["Dashboard", "WdlRuns", "CNcursesw"]),
        .systemLibrary(name: "CNcursesw", providers: [.apt(["libncurses-dev"])]),
        /// What the front ends share and the core has no business with: the headless runner, the
        /// run summary's text, the benchmark suite and its report.
        .target(name: "WdlApp", dependencies: ["WideDeep", "WdlControl"]),
        /// Open MPI's C API through a shim header (its handles are macros Swift cannot import).
        .systemLibrary(name: "CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]),
        /// The core's `Communicator` over Open MPI; empty unless built with the MPI trait.
        .target(name: "WdlMPI", dependencies: ["WideDeep", .target(name: "CMPI", condition: .when(traits: ["MPI"]))]),
        /// `wdl serve`: the HTTP front end over the same encoder and scorer as `wdl predict`.
        .target(
            name: "WdlServe",
            dependencies: [
                "WideDeep",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ],
            // Its request reader walks every byte of every body: optimized in debug builds too.
            swiftSettings: optimizedInDebug
        ),
        .executableTarget(
            name: "wdl",
            dependencies: [
                "WideDeep",
                "WdlExport",
                "WdlRuns",
                "WdlControl",
                "WdlApp",
                "WdlMPI",
                "WdlServe",
                "SafeTensors",
                "Dashboard",
                "DashboardCurses",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        /// What the test targets share: repository paths, temporary folders, polling.
        .target(name: "WDLTestSupport", dependencies: ["WideDeep"], path: "Tests/WDLTestSupport"),
        .testTarget(
            name: "WideDeepTests",
            dependencies: ["WideDeep", "Kernels", "KernelsHaswell", "WDLTestSupport"],
            swiftSettings: optimizedInDebug
        ),
        // The adapters' tests; Support/ links the core tests' fixtures they train or build models with.
        .testTarget(name: "WdlExportTests", dependencies: ["WdlExport", "WideDeep", "WDLTestSupport"]),
        .testTarget(name: "WdlRunsTests", dependencies: ["WdlRuns", "WideDeep", "WDLTestSupport"]),
        .testTarget(name: "WdlControlTests", dependencies: ["WdlControl", "WideDeep", "WDLTestSupport"]),
        .testTarget(name: "SafeTensorsTests", dependencies: ["SafeTensors", "WDLTestSupport"]),
        .testTarget(name: "DashboardTests", dependencies: ["Dashboard", "WideDeep", "WdlRuns", "WdlControl", "WDLTestSupport"],
                    exclude: ["Golden"]),
        .testTarget(name: "WdlAppTests", dependencies: ["WdlApp", "WideDeep", "WdlControl", "WDLTestSupport"]),
        .testTarget(name: "WdlServeTests", dependencies: ["WdlServe", "WideDeep", "WDLTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
