import Foundation
import Logging
import RemoteWrite
import ServiceLifecycle

/// Sends what the collector stores to a remote-write receiver (docs/remote-write.md, "Collector export").
///
/// Every `every` it reads the chunks committed since its watermark (`export_state`), one request's worth at a
/// time, so memory per step is bounded by `max_samples_per_request` whatever the backlog; converts them
/// (`ExportSeriesMapping`) and sends them. The watermark moves only after a 2xx, or past a request the
/// receiver refused with a 4xx (logged with its reason and counted: the same bytes would be refused forever).
/// A receiver that is down keeps the watermark where it is; the exporter backs off and tries again, logging
/// once when the outage starts and once when it ends. It reads through GRDB's reader pool and never
/// touches ingest's path, so a stuck receiver cannot slow ingest.
public struct RemoteWriteExporter: Service {
    /// Sends one request's worth of series; a seam for tests, `RemoteWriteClient.write` in the daemon.
    public typealias Send = @Sendable ([TimeSeries]) async throws(RemoteWriteError) -> Void

    static let stateName = "remote_write"

    let store: SQLiteStore
    let endpoint: String
    let every: Duration
    let maxSamplesPerRequest: Int
    let send: Send
    let logger: Logger
    let now: @Sendable () -> Int64

    public init(
        store: SQLiteStore, endpoint: String, every: Duration, maxSamplesPerRequest: Int, logger: Logger, send: @escaping Send,
        now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }
    ) {
        self.store = store
        self.endpoint = endpoint
        self.every = every
        self.maxSamplesPerRequest = max(1, maxSamplesPerRequest)
        self.send = send
        var logger = logger
        logger[metadataKey: "source"] = "remote-write"
        self.logger = logger
        self.now = now
    }

    enum Outcome { case caughtUp, endpointDown, storeFailed, stopping }

    /// When the current outage began, so it is logged once at its start and once at its end.
    struct Outage {
        var since: Int64?
        var lastReason = ""
    }

    public func run() async throws {
        guard var state = await loadState() else { return }
        logger.info("remote-write export started", metadata: ["endpoint": "\(endpoint)", "after_rowid": "\(state.lastRowID)"])
        var outage = Outage()
        var backoff = every
        let backoffCap = max(every, .seconds(60))
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let wait: Duration
            switch await exportReady(&state, &outage) {
            case .stopping: return
            case .endpointDown:
                wait = backoff
                backoff = min(backoff * 2, backoffCap)
            case .caughtUp, .storeFailed:
                wait = every
                backoff = every
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: wait) }
        }
    }

    private func loadState() async -> ExportState? {
        var logged = false
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                return try await store.loadExportState(name: Self.stateName, nowMs: now())
            } catch {
                if !logged { logger.error("remote-write export cannot read its state (will retry): \(error)") }
                logged = true
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: every) }
        }
        return nil
    }

    /// Sends requests until nothing newer than the watermark is left, the receiver is down, or shutdown.
    func exportReady(_ state: inout ExportState, _ outage: inout Outage) async -> Outcome {
        do {
            let newest = try await store.newestChunkRowID()
            if newest < state.lastRowID {
                logger.notice("sample_chunk shrank below the export watermark; moving it down", metadata: ["from": "\(state.lastRowID)", "to": "\(newest)"])
                state.lastRowID = newest
                try await store.saveExportState(state, name: Self.stateName, nowMs: now())
            }
            while true {
                if Task.isShuttingDownGracefully || Task.isCancelled { return .stopping }
                let chunks = try await store.exportChunks(after: state.lastRowID, maxSamples: maxSamplesPerRequest, maxChunks: maxSamplesPerRequest)
                guard let last = chunks.last else { return .caughtUp }
                switch await deliver(chunks, &outage) {
                case .delivered(let samples): state.exportedSamples += Int64(samples)
                case .rejected(let samples):
                    state.rejectedRequests += 1
                    state.rejectedSamples += Int64(samples)
                case .down: return .endpointDown
                case .stopping: return .stopping
                }
                state.lastRowID = last.rowID
                try await store.saveExportState(state, name: Self.stateName, nowMs: now())
            }
        } catch {
            logger.error("remote-write export cannot read or save in the store (will retry): \(error)")
            return .storeFailed
        }
    }

    enum Delivery {
        case delivered(samples: Int)
        case rejected(samples: Int)
        case down
        case stopping
    }

    private func deliver(_ chunks: [ExportChunk], _ outage: inout Outage) async -> Delivery {
        let (series, undecodable) = ExportSeriesMapping.timeSeries(chunks)
        if undecodable > 0 {
            logger.warning("remote-write export skips chunks that do not decode or have no series row", metadata: ["chunks": "\(undecodable)"])
        }
        let samples = series.reduce(0) { $0 + $1.samples.count }
        guard samples > 0 else { return .delivered(samples: 0) }
        let range = "\(chunks.first?.rowID ?? 0)...\(chunks.last?.rowID ?? 0)"
        let failure: RemoteWriteError
        do {
            // A request cut short by shutdown is sent again after the restart: a receiver takes a sample it already
            // has (same time, same value) without complaint.
            try await cancelWhenGracefulShutdown { try await send(series) }
            if let since = outage.since {
                logger.notice(
                    "remote-write receiver reachable again; export resumes from its watermark",
                    metadata: ["endpoint": "\(endpoint)", "down_for_s": "\((now() - since) / 1000)"])
                outage = Outage()
            }
            logger.debug("remote-write export sent", metadata: ["samples": "\(samples)", "rowids": "\(range)"])
            return .delivered(samples: samples)
        } catch let error as RemoteWriteError {
            failure = error
        } catch {
            return .stopping
        }
        switch failure {
        case .rejected(_, let status, let message, _):
            logger.warning(
                "remote-write receiver refused a request; skipping past it",
                metadata: ["endpoint": "\(endpoint)", "status": "\(status)", "reason": "\(message)", "samples": "\(samples)", "rowids": "\(range)"])
            return .rejected(samples: samples)
        case .invalidSeries(let problem):
            logger.warning(
                "remote-write export skips chunks that make an invalid series",
                metadata: ["reason": "\(problem)", "samples": "\(samples)", "rowids": "\(range)"])
            return .rejected(samples: samples)
        case .cancelled:
            return .stopping
        case .gaveUp(_, _, let last):
            noteOutage(&outage, reason: "\(last)")
            return .down
        case .invalidEndpoint:
            noteOutage(&outage, reason: "\(failure)")
            return .down
        }
    }

    private func noteOutage(_ outage: inout Outage, reason: String) {
        if outage.since == nil {
            outage.since = now()
            logger.warning(
                "remote-write receiver unreachable; export paused at its watermark and retried with backoff (ingest goes on)",
                metadata: ["endpoint": "\(endpoint)", "reason": "\(reason)"])
        } else {
            logger.debug("remote-write receiver still unreachable", metadata: ["reason": "\(reason)"])
        }
        outage.lastReason = reason
    }
}
