import Foundation
import GreencapTestSupport
import Logging
@testable import Uplink

/// A spool in a fresh temporary directory, small enough that tests fill it in milliseconds.
struct SpoolFixture {
    let directory: TemporaryDirectory
    var configuration: SpoolConfiguration
    static let logger = Logger(label: "uplink-test")

    init(capacity: Int = 64 << 10, segment: Int = 4 << 10, headroom: Int? = nil, sync: SyncPolicy = .everyAppend) throws {
        directory = try TemporaryDirectory.make()
        configuration = SpoolConfiguration(
            directory: directory.path + "/spool", capacityBytes: capacity, segmentBytes: segment, sync: sync,
            headroomBytes: headroom)
    }

    func open() async throws -> Spool { try await Spool.open(configuration, logger: Self.logger) }

    /// Segment files, oldest first.
    func segmentFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: configuration.directory)
            .filter { $0.hasPrefix("segment-") && $0.hasSuffix(".log") }.sorted()
            .map { configuration.directory + "/" + $0 }
    }

    func bytes(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }

    func write(_ path: String, _ bytes: [UInt8]) throws { try Data(bytes).write(to: URL(fileURLWithPath: path)) }

    func remove() { directory.remove() }
}

/// A payload that says which record it is, padded to `size` bytes.
func payload(_ tag: Int, size: Int = 64) -> [UInt8] {
    var bytes = Array("record-\(tag)".utf8)
    bytes += [UInt8](repeating: UInt8(tag & 0xFF), count: max(0, size - bytes.count))
    return bytes
}
