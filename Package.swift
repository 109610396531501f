// swift-tools-version: 6.1
import PackageDescription

// Strict Swift 6 everywhere: data-race safety is a compile error, not a warning.
let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "greencap",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "greencap-agent", targets: ["greencap-agent"]),
        .executable(name: "greencap-collector", targets: ["greencap-collector"]),
        .executable(name: "greencap", targets: ["greencap"]),
        // libgreencap-nvml-sim.so: stands in for libnvidia-ml.so.1 in tests and the demo.
        .library(name: "greencap-nvml-sim", type: .dynamic, targets: ["NVMLSimulator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // Units, identifiers, clocks: no dependencies outside the standard library.
        .target(name: "GreencapCore", swiftSettings: strict),

        // A TOML 1.0 reader that keeps the source line of every key, so config errors can point at it.
        .target(name: "TOML", swiftSettings: strict),

        // Agent and collector configuration: schema, defaults, validation with file/line/key errors.
        .target(name: "GreencapConfig", dependencies: ["TOML", "GreencapCore"], swiftSettings: strict),

        // Daemon plumbing shared by both services: sd_notify, watchdog, logging, signals, reload.
        .target(
            name: "Daemon",
            dependencies: [
                "GreencapConfig", "GreencapCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),

        // The NVML types Greencap uses (a header only: the library itself is opened at run time).
        .target(name: "CNVML"),

        // GPUs through NVML: dlopen loader, typed errors, reads, power-limit writes, a thread of their own.
        .target(
            name: "GPU",
            dependencies: ["CNVML", "GreencapCore", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),

        // An NVML look-alike with a physical model of H100 SXM boards and fault injection (see docs/nvml-simulator.md).
        .target(
            name: "NVMLSimulator",
            dependencies: ["CNVML"],
            cSettings: [.define("GREENCAP_NVML_PROTOTYPES"), .unsafeFlags(["-Wall", "-Wextra", "-Werror"])],
            linkerSettings: [.linkedLibrary("m"), .linkedLibrary("pthread")]
        ),

        // libmodbus (Debian: libmodbus-dev) and libudev (libudev-dev), found through pkg-config.
        .systemLibrary(name: "CModbus", pkgConfig: "libmodbus", providers: [.apt(["libmodbus-dev"])]),
        .systemLibrary(name: "CUdev", pkgConfig: "libudev", providers: [.apt(["libudev-dev"])]),

        // PDU, UPS and meter readings over Modbus TCP/RTU: device profiles as data, our own decoding, a poller
        // with one thread per bus, and the simulator's register server.
        .target(
            name: "Modbus",
            dependencies: [
                "CModbus", "GreencapCore", "GreencapConfig", "TOML", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),

        // Serial adapters through libudev: enumeration with stable attributes, and a hot-plug monitor.
        .target(
            name: "SerialPorts",
            dependencies: ["CUdev", "GreencapCore", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),

        // Renewable feed records, replay of recorded KPX hours, green score.
        .target(name: "Grid", dependencies: ["GreencapCore"], swiftSettings: strict),

        // The power-cap controller's pure core: cap rules, renewable tiers, the node control loop, safety,
        // audit records and a deterministic simulation harness. No I/O and no clock: "now" is an input.
        .target(
            name: "Controller",
            dependencies: ["GreencapCore", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),

        // Live grid feeds over HTTPS: KPX's data.go.kr APIs and the Greencap JSON feed, with the daily call budget,
        // page cache and retries the collector polls them through.
        .target(
            name: "GridLive",
            dependencies: [
                "Grid", "GreencapCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),

        // Greencap's binary protocol between agents and the collector: framing (CRC32C), messages, the
        // delta/zig-zag sample encoding, HMAC-SHA256 challenge–response. Shared by both ends; see docs/protocol.md.
        .target(
            name: "Wire",
            dependencies: [
                "GreencapCore", "Controller",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),

        // Prometheus remote-write 1.0: the WriteRequest protobuf and snappy block compression, written out by
        // hand (two small encoders instead of a code generator and a C library), and the HTTP sender.
        .target(
            name: "RemoteWrite",
            dependencies: [
                "GreencapCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),

        // The agent's on-disk spool for the uplink: opaque records by class, sequence numbers that survive restarts,
        // CRC-framed segment files, thinning and dropping by class when full, a loss report (docs/spool.md).
        .target(
            name: "Uplink",
            dependencies: ["GreencapCore", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),

        // The agent side of one Wire connection: connect, handshake (verifying the collector's proof), send
        // batches, receive acks and policy. The agent's uplink, the load tool and the tests build on it.
        .target(
            name: "WireClient",
            dependencies: [
                "Wire", "GreencapCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),  // optional TLS to the collector
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),

        // The node daemon.
        .target(
            name: "Agent",
            dependencies: [
                "Daemon", "GreencapConfig", "GreencapCore", "GPU", "Modbus", "SerialPorts", "Controller", "Wire", "WireClient",
                "Uplink", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),

        // The central daemon.
        .target(
            name: "Collector",
            dependencies: [
                "Daemon", "GreencapConfig", "GreencapCore", "Grid", "GridLive", "Controller",
                "Wire",
                "RemoteWrite",  // the remote-write export (Sources/Collector/Export)
                .product(name: "Crypto", package: "swift-crypto"),  // API token hashes (Sources/Collector/Auth)
                .product(name: "ArgumentParser", package: "swift-argument-parser"),  // greencap-collector token
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),  // optional TLS on the ingest listener
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                // The HTTP API and /metrics (Sources/Collector/HTTP).
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            // The dashboard (Sources/Collector/Dashboard) compiled into the binary as byte arrays: the collector
            // ships as one static binary, so nothing is read from disk at run time.
            resources: [
                .embedInCode("Dashboard/Assets/index.html"),
                .embedInCode("Dashboard/Assets/dashboard.js"),
                .embedInCode("Dashboard/Assets/dashboard.css"),
            ],
            swiftSettings: strict
        ),

        // The `greencap` command line: commissioning tools and the demo.
        .target(
            name: "GreencapCLI",
            dependencies: [
                "GreencapConfig", "GreencapCore", "Grid", "Daemon", "Collector", "Controller", "GPU", "Modbus", "SerialPorts", "Wire", "WireClient", "RemoteWrite",
                "TOML",  // ~/.config/greencap/config.toml (Client/)
                // The collector API client (Sources/GreencapCLI/Client).
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),

        .executableTarget(
            name: "greencap-agent",
            dependencies: ["Agent", "Daemon", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "greencap-collector",
            dependencies: ["Collector", "Daemon", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strict
        ),
        .executableTarget(name: "greencap", dependencies: ["GreencapCLI"], swiftSettings: strict),

        // Helpers the test suites share: a real notify socket, child processes, repository paths.
        .target(name: "GreencapTestSupport", path: "Tests/GreencapTestSupport", swiftSettings: strict),

        .testTarget(name: "TOMLTests", dependencies: ["TOML", "GreencapTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "GreencapConfigTests", dependencies: ["GreencapConfig", "TOML", "GreencapTestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "DaemonTests",
            dependencies: [
                "Daemon", "Agent", "GreencapConfig", "GreencapCore", "GPU", "Wire", "GreencapTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "GPUTests",
            dependencies: [
                "GPU", "CNVML", "GreencapCore", "GreencapTestSupport", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "ModbusTests",
            dependencies: [
                "Modbus", "CModbus", "GreencapCore", "GreencapTestSupport", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "SerialPortsTests",
            dependencies: ["SerialPorts", "GreencapTestSupport", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict),
        .testTarget(name: "GridTests", dependencies: ["Grid", "GreencapCore", "GreencapTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "CollectorTests", dependencies: ["Collector", "Grid", "GreencapConfig", "GreencapTestSupport"],
            swiftSettings: strict),
        .testTarget(name: "ControllerTests", dependencies: ["Controller", "GreencapTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "GridLiveTests",
            dependencies: [
                "GridLive", "Grid", "GreencapCore", "GreencapTestSupport", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "WireTests",
            dependencies: [
                "Wire", "GreencapCore", "GreencapTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "RemoteWriteTests",
            dependencies: ["RemoteWrite", "GreencapTestSupport", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict),
        .testTarget(
            name: "UplinkTests",
            dependencies: ["Uplink", "GreencapTestSupport", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict),
        .testTarget(
            name: "IngestTests",
            dependencies: [
                "Collector", "Wire", "WireClient", "GreencapConfig", "GreencapTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "HTTPAPITests",
            dependencies: [
                "Collector", "Grid", "GreencapConfig", "GreencapCore", "GreencapTestSupport", "Wire",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        .testTarget(name: "SystemTests", dependencies: ["GreencapConfig", "GreencapCore", "GreencapTestSupport"], swiftSettings: strict),
        // green-hours, windows and slurm begin against a real collector; Slurm/job_submit.lua in real Slurm daemons.
        .testTarget(name: "EnergyTests", dependencies: ["Grid", "GreencapCore", "GreencapTestSupport"], swiftSettings: strict),
        // The `greencap` CLI against real collectors and agents (the binaries, not the library).
        .testTarget(name: "CLITests", dependencies: ["GreencapCore", "GreencapTestSupport"], swiftSettings: strict),
    ]
)
