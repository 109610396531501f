import Foundation
import GreencapCore

/// When each scripted fault began and ended (Unix milliseconds), as the demo caused it.
struct DemoEventLog {
    struct Span {
        var phase: DemoEvents.Phase
        var startMilliseconds: Int64
        var startSecond: Double
        var endMilliseconds: Int64?
        /// Per node, when its status line first showed the fallback for this fault.
        var seen: [String: Int64] = [:]

        /// What a node's status line says while it holds the fallback for this fault.
        var marker: String { phase == .upsOnBattery ? "EMERGENCY: UPS on battery" : "SAFE: feed stale" }
    }

    private(set) var spans: [Span] = []

    mutating func record(_ phase: DemoEvents.Phase, from previous: DemoEvents.Phase, atSecond second: Double) {
        let now = Timestamp.nowMilliseconds()
        if previous != .normal, let last = spans.indices.last { spans[last].endMilliseconds = now }
        if phase != .normal { spans.append(Span(phase: phase, startMilliseconds: now, startSecond: second)) }
    }

    /// Notes which nodes' status lines show the current fault's fallback.
    mutating func observe(statuses: [String: String]) {
        guard let last = spans.indices.last, spans[last].endMilliseconds == nil else { return }
        let now = Timestamp.nowMilliseconds()
        for (node, status) in statuses where spans[last].seen[node] == nil && status.contains(spans[last].marker) {
            spans[last].seen[node] = now
        }
    }
}

/// The agents' audit files, read back after the run: what changed, why, and how fast each fault was met.
struct DemoAudit {
    struct Record {
        var node: String
        var time: Int64
        var cause: String
    }

    var records: [Record]
    var nodes: [String]

    static func read(directory: String, nodes: [String]) -> DemoAudit {
        var records: [Record] = []
        for node in nodes {
            guard let text = try? String(contentsOfFile: directory + "/\(node).jsonl", encoding: .utf8) else { continue }
            for line in text.split(separator: "\n") {
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                    let time = (object["time"] as? String).flatMap(Self.milliseconds), let cause = object["cause"] as? String
                else { continue }
                records.append(Record(node: node, time: time, cause: cause))
            }
        }
        return DemoAudit(records: records, nodes: nodes)
    }

    /// "2026-11-21T13:32:37.775Z" → Unix milliseconds.
    static func milliseconds(_ text: String) -> Int64? {
        guard text.count == 24, text.hasSuffix("Z"), let fraction = Int64(text.dropFirst(20).dropLast()),
            let seconds = Timestamp.parseRFC3339(String(text.prefix(19)) + "Z")
        else { return nil }
        return seconds * 1000 + fraction
    }

    /// Per cause, how many GPU limit changes were audited.
    var countsByCause: [(cause: String, count: Int)] {
        Dictionary(grouping: records, by: \.cause).map { ($0.key, $0.value.count) }.sorted { $0.count > $1.count }
    }

    /// For each node, seconds from `start` to its first change with `cause`; nil for a node that never made one.
    func reaction(cause: String, after start: Int64, before end: Int64?) -> [String: Double?] {
        var result: [String: Double?] = [:]
        for node in nodes {
            let first = records.filter { $0.node == node && $0.cause == cause && $0.time >= start && $0.time <= (end ?? .max) }
                .map(\.time).min()
            result.updateValue(first.map { Double($0 - start) / 1000 }, forKey: node)
        }
        return result
    }
}
