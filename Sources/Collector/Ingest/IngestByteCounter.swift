import NIOCore

/// Counts the bytes agents send (after TLS, before decoding) for `greencap_ingest_bytes_total`, so the
/// encoded size per sample can be watched in production, not only in the benchmark.
final class IngestByteCounter: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let metrics: CollectorMetrics

    init(metrics: CollectorMetrics) { self.metrics = metrics }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        metrics.ingestBytes.increment(by: Int64(unwrapInboundIn(data).readableBytes))
        context.fireChannelRead(data)
    }
}
