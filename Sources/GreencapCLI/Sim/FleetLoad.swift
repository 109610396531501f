import Foundation
import NIOCore
import Synchronization
import Wire
import WireClient

/// The fleet behind `sim fleet`: one task and one `WireSession` per node, a window of unacknowledged batches,
/// reconnect-and-resend from the collector's `lastStoredSequence` when a connection drops.
///
/// Column bytes are encoded once per node (eight template batches, cycled) and only the sequence and the
/// timestamp column are encoded per send, so the tool's own CPU goes to the sockets, not to the encoder: on a
/// shared 2-core machine every cycle the tool saves is one the collector can use.
struct FleetLoad {
    struct Plan: Sendable {
        var host: String
        var port: Int
        var nodes: Int
        var prefix: String
        var keysDirectory: String
        var seconds: Double
        var ticks: Int
        var intervalMs: Int64
        var window: Int
        var realtime: Bool
    }

    struct Report {
        var nodes: Int
        var wallSeconds: Double
        var samplesSent: Int
        var samplesAcked: Int
        var lost: Int
        var reconnects: Int
        var failures: [String]

        var summary: String {
            let rate = Double(samplesAcked) / max(wallSeconds, 0.001)
            var line = "nodes=\(nodes) seconds=\(String(format: "%.1f", wallSeconds)) samples_sent=\(samplesSent) "
            line += "samples_acked=\(samplesAcked) acked_per_second=\(Int(rate)) lost=\(lost) reconnects=\(reconnects)"
            if !failures.isEmpty { line += " failures=\"\(failures.prefix(3).joined(separator: "; "))\"" }
            return line
        }
    }

    final class Counters: Sendable {
        let sent = Atomic<Int>(0)
        let acked = Atomic<Int>(0)
        let lost = Atomic<Int>(0)
        let reconnects = Atomic<Int>(0)
        let failures = Mutex<[String]>([])
    }

    let plan: Plan

    func run() async throws -> Report {
        var keys: [NodeKey] = []
        for index in 1...plan.nodes {
            let path = plan.keysDirectory + "/" + SimFleetNodes.id(prefix: plan.prefix, index: index) + ".key"
            do { keys.append(try NodeKey(contentsOf: path)) } catch { throw FleetError(description: "\(error)") }
        }
        let counters = Counters()
        let clock = ContinuousClock()
        let started = clock.now
        let end = started + .milliseconds(Int64(plan.seconds * 1000))
        let progress = Task {
            var last = 0
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                let acked = counters.acked.load(ordering: .relaxed)
                FileHandle.standardError.write(Data("acked \(acked - last)/s, total \(acked)\n".utf8))
                last = acked
            }
        }
        await withTaskGroup(of: Void.self) { group in
            for index in 1...plan.nodes {
                let key = keys[index - 1]
                group.addTask {
                    await NodeSender(plan: plan, index: index, key: key, counters: counters, end: end).run()
                }
            }
        }
        progress.cancel()
        let wall = (clock.now - started).secondsDouble
        return Report(
            nodes: plan.nodes, wallSeconds: wall, samplesSent: counters.sent.load(ordering: .relaxed),
            samplesAcked: counters.acked.load(ordering: .relaxed), lost: counters.lost.load(ordering: .relaxed),
            reconnects: counters.reconnects.load(ordering: .relaxed), failures: counters.failures.withLock { $0 })
    }
}

struct FleetError: Error, CustomStringConvertible {
    var description: String
}

/// One simulated node.
struct NodeSender {
    let plan: FleetLoad.Plan
    let index: Int
    let key: NodeKey
    let counters: FleetLoad.Counters
    let end: ContinuousClock.Instant

    func run() async {
        let node = SimFleetNodes.id(prefix: plan.prefix, index: index)
        let start = Int64(Date().timeIntervalSince1970 * 1000)
        var model = NodeStreamModel(seed: UInt64(index), start: start, intervalMilliseconds: plan.intervalMs)
        let encoder = SampleBatchEncoder()
        // Column bytes of eight batches, cycled; see FleetLoad's comment.
        var templates: [[UInt8]] = []
        for _ in 0..<8 {
            let batch = model.nextBatch(ticks: plan.ticks)
            guard let full = try? encoder.encode(batch),
                let head = try? encoder.encode(SampleBatch(sequence: batch.sequence, timestamps: batch.timestamps, columns: []))
            else { return fail("cannot encode the model's batch") }
            templates.append(Array(full.readableBytesView.dropFirst(head.readableBytes - 1)))
        }
        let samplesPerBatch = plan.ticks * model.series.count
        var nextTime = start
        var nextSequence: UInt64 = 1
        var acked: UInt64 = 0
        var unacked: [UInt64: ByteBuffer] = [:]
        var connections = 0
        let clock = ContinuousClock()
        let paceStart = clock.now

        func body(sequence: UInt64) -> ByteBuffer? {
            let timestamps = (0..<plan.ticks).map { nextTime + Int64($0) * plan.intervalMs }
            nextTime += Int64(plan.ticks) * plan.intervalMs
            guard let head = try? encoder.encode(SampleBatch(sequence: sequence, timestamps: timestamps, columns: [])) else { return nil }
            var buffer = ByteBufferAllocator().buffer(capacity: head.readableBytes + 1024)
            buffer.writeBytes(head.readableBytesView.dropLast())
            buffer.writeBytes(templates[Int(sequence % 8)])
            return buffer
        }

        while true {
            let sending = clock.now < end
            if !sending && unacked.isEmpty { break }
            if !sending && clock.now > end + .seconds(30) { break }
            let session: WireSession
            do {
                session = try await WireSession.connect(host: plan.host, port: plan.port, nodeID: node, key: key, agentVersion: "sim-fleet")
            } catch {
                counters.reconnects.add(1, ordering: .relaxed)
                if case .refused = error.problem { return fail("\(node): \(error)") }
                try? await Task.sleep(for: .milliseconds(200 + Int64.random(in: 0..<300)))
                continue
            }
            if connections == 0 && unacked.isEmpty {
                // A rerun against the same store continues the node's sequence instead of being deduplicated.
                nextSequence = session.lastStoredSequence + 1
                acked = session.lastStoredSequence
            }
            if connections > 0 { counters.reconnects.add(1, ordering: .relaxed) }
            connections += 1
            // Whatever the collector stored is done, whether or not its ack reached us.
            settle(through: session.lastStoredSequence, acked: &acked, unacked: &unacked, samplesPerBatch: samplesPerBatch)
            var inbound = session.inbound.makeAsyncIterator()
            do {
                try await session.send(.seriesDictionary(model.series))
                for sequence in unacked.keys.sorted() {
                    if let buffer = unacked[sequence] { try await session.send(type: .samples, body: buffer) }
                }
                while true {
                    let open = clock.now < end
                    while open, nextSequence - 1 - acked < UInt64(plan.window) {
                        if plan.realtime {
                            let due = paceStart + .milliseconds(Int64(nextSequence - 1) * Int64(plan.ticks) * plan.intervalMs)
                            if due > clock.now { break }
                        }
                        guard let buffer = body(sequence: nextSequence) else { return fail("cannot encode a batch") }
                        try await session.send(type: .samples, body: buffer)
                        unacked[nextSequence] = buffer
                        counters.sent.add(samplesPerBatch, ordering: .relaxed)
                        nextSequence += 1
                    }
                    if !open && unacked.isEmpty { break }
                    if plan.realtime && open && nextSequence - 1 == acked {
                        try? await Task.sleep(for: .milliseconds(20))
                        continue
                    }
                    guard let message = await inbound.next() else { throw FleetError(description: "connection closed") }
                    if case .ack(let sequence) = message {
                        settle(through: sequence, acked: &acked, unacked: &unacked, samplesPerBatch: samplesPerBatch)
                    }
                }
                await session.close()
                break
            } catch {
                await session.close()
                continue
            }
        }
        counters.lost.add(unacked.count * samplesPerBatch, ordering: .relaxed)
    }

    private func settle(through sequence: UInt64, acked: inout UInt64, unacked: inout [UInt64: ByteBuffer], samplesPerBatch: Int) {
        guard sequence > acked else { return }
        var newly = 0
        for stored in (acked + 1)...sequence where unacked.removeValue(forKey: stored) != nil { newly += 1 }
        acked = sequence
        counters.acked.add(newly * samplesPerBatch, ordering: .relaxed)
    }

    private func fail(_ why: String) {
        counters.failures.withLock { $0.append(why) }
    }
}

extension Duration {
    var secondsDouble: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
