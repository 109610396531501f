import Prometheus

/// The collector's own metrics, served at `GET /metrics` in the Prometheus text format. One instance per
/// collector, handed to whoever counts: the ingest server calls e.g. `metrics.ingestFrames.increment()`,
/// `metrics.refusals(reason: "auth").increment()`, `metrics.storeCommit.record(duration)`. It uses its own
/// registry rather than the global MetricsSystem, so tests can run several collectors in one process.
public final class CollectorMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()

    /// Wire frames received (any type).
    public let ingestFrames: Counter
    /// Samples stored from batches (duplicates not counted).
    public let ingestSamples: Counter
    /// Bytes read from agent connections.
    public let ingestBytes: Counter
    /// Nodes with an authenticated connection now.
    public let connectedNodes: Gauge
    /// Time for one telemetry transaction to commit.
    public let storeCommit: DurationHistogram
    /// Seconds since the start of the newest stored grid hour; set when /metrics is scraped.
    public let gridHourAge: Gauge

    public init() {
        ingestFrames = registry.makeCounter(
            descriptor: Self.name("ingest", "frames", "total", "Binary-protocol frames received from agents."))
        ingestSamples = registry.makeCounter(
            descriptor: Self.name("ingest", "samples", "total", "Samples stored from agent batches (duplicates excluded)."))
        ingestBytes = registry.makeCounter(descriptor: Self.name("ingest", "bytes", "total", "Bytes read from agent connections."))
        connectedNodes = registry.makeGauge(descriptor: Self.name("ingest", "connected_nodes", "", "Nodes with an authenticated connection."))
        storeCommit = registry.makeDurationHistogram(
            descriptor: Self.name("store", "commit_duration", "seconds", "Time for one telemetry transaction to commit."),
            buckets: [.milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
                .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5)])
        gridHourAge = registry.makeGauge(
            descriptor: Self.name("grid", "latest_hour_age", "seconds", "Seconds since the start of the newest stored grid hour."))
        // Declared up front so dashboards and alerts see a 0, not a missing series, before the first refusal.
        for reason in Self.refusalReasons { _ = refusals(reason: reason) }
    }

    /// Reasons the ingest server refuses a connection or a frame. Label values must stay a small fixed set:
    /// every distinct value is a new series in Prometheus.
    public static let refusalReasons = ["auth", "malformed", "duplicate_node", "too_many_connections", "overload", "timeout", "tls"]

    public func refusals(reason: String) -> Counter {
        registry.makeCounter(
            descriptor: Self.name("ingest", "refusals", "total", "Connections or frames the ingest server refused, by reason."),
            labels: [("reason", reason)])
    }

    /// `route` is the registered path pattern ("/api/v1/nodes/{id}"), never the raw URL, to bound the series.
    func httpRequests(route: String, status: Int) -> Counter {
        registry.makeCounter(
            descriptor: Self.name("http", "requests", "total", "HTTP API requests by route pattern and status code."),
            labels: [("route", route), ("status", String(status))])
    }

    public func exposition() -> [UInt8] { registry.emitToBuffer() }

    private static func name(_ subsystem: String, _ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "greencap", subsystem: subsystem, metricName: metric, unitName: unit, helpText: help)
    }
}
