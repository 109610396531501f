import Foundation
import Synchronization
import Wire

/// The node keys the collector verifies against: `<keys_dir>/<node-id>.key`, each read with `NodeKey`'s
/// rules (mode 0600, owned by the service user). Loaded at start, re-read on SIGHUP, and a single file is
/// tried again when an unknown node says hello (at most once a second per node id, so a peer cycling ids
/// cannot turn hellos into a disk-read loop of its own).
public final class NodeKeyring: Sendable {
    public let directory: String
    private let keys = Mutex<[String: NodeKey]>([:])
    private let lastMiss = Mutex<[String: ContinuousClock.Instant]>([:])

    public init(directory: String) { self.directory = directory }

    public enum Lookup: Sendable {
        case found(NodeKey)
        case unknown
        case unusable(String)
    }

    /// Node ids are file names here: letters, digits, '.', '_', '-', not starting with '.', at most 128 bytes.
    public static func isValidNodeID(_ id: String) -> Bool {
        guard !id.isEmpty, id.utf8.count <= 128, id.first != "." else { return false }
        return id.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "._-".unicodeScalars.contains(scalar))
        }
    }

    /// Reads every `*.key` file; returns how many loaded and one line per file refused.
    @discardableResult
    public func reload() -> (loaded: Int, problems: [String]) {
        var fresh: [String: NodeKey] = [:]
        var problems: [String] = []
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        if names.isEmpty && !FileManager.default.fileExists(atPath: directory) {
            problems.append("\(directory): no such directory; create it and put one <node-id>.key per node in it")
        }
        for name in names.sorted() where name.hasSuffix(".key") {
            let node = String(name.dropLast(4))
            guard Self.isValidNodeID(node) else { continue }
            do {
                fresh[node] = try NodeKey(contentsOf: directory + "/" + name)
            } catch {
                problems.append(error.description)
            }
        }
        keys.withLock { $0 = fresh }
        lastMiss.withLock { $0 = [:] }
        return (fresh.count, problems)
    }

    /// The node's key, from memory or, for a node not seen yet, from its file.
    public func key(for node: String) -> Lookup {
        if let key = keys.withLock({ $0[node] }) { return .found(key) }
        guard Self.isValidNodeID(node) else { return .unknown }
        let now = ContinuousClock.now
        let recentlyMissed = lastMiss.withLock { misses in
            if let at = misses[node], now - at < .seconds(1) { return true }
            misses[node] = now
            return false
        }
        if recentlyMissed { return .unknown }
        let path = directory + "/" + node + ".key"
        guard FileManager.default.fileExists(atPath: path) else { return .unknown }
        do {
            let key = try NodeKey(contentsOf: path)
            keys.withLock { $0[node] = key }
            return .found(key)
        } catch {
            return .unusable(error.description)
        }
    }
}
