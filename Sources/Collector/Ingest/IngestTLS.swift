import NIOSSL
import Synchronization
import Wire

/// TLS on the ingest listener (`[ingest] tls_certificate` / `tls_key`). Node authentication stays the HMAC
/// challenge–response; TLS adds confidentiality, so readings and policies cannot be read off the network.
///
/// The context is rebuilt on SIGHUP with the node keys, so a renewed certificate takes effect without a
/// restart; a certificate that fails to load leaves the one in use.
public final class IngestTLS: Sendable {
    public let certificatePath: String
    public let keyPath: String
    private let context: Mutex<NIOSSLContext>

    public init(certificate: String, key: String) throws(IngestTLSError) {
        certificatePath = certificate
        keyPath = key
        context = Mutex(try Self.load(certificate: certificate, key: key))
    }

    /// Loads the files again; on failure the context in use stays and the error says why.
    public func reload() throws(IngestTLSError) {
        let fresh = try Self.load(certificate: certificatePath, key: keyPath)
        context.withLock { $0 = fresh }
    }

    func makeHandler() -> NIOSSLServerHandler {
        NIOSSLServerHandler(context: context.withLock { $0 })
    }

    static func load(certificate: String, key: String) throws(IngestTLSError) -> NIOSSLContext {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificate)
        } catch {
            throw IngestTLSError(file: certificate, problem: "not a readable PEM certificate chain (\(error))")
        }
        guard !chain.isEmpty else { throw IngestTLSError(file: certificate, problem: "holds no certificate") }
        let privateKey: NIOSSLPrivateKey
        do {
            // Read like a node key: a TLS key others can read lets them impersonate the collector.
            let pem = try KeyFile.contents(of: key, limit: 64 << 10)
            privateKey = try NIOSSLPrivateKey(bytes: Array(pem.utf8), format: .pem)
        } catch let error as NodeKeyError {
            throw IngestTLSError(file: key, problem: "\(error)")
        } catch {
            throw IngestTLSError(file: key, problem: "not a PEM private key (\(error))")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(privateKey))
        configuration.minimumTLSVersion = .tlsv12
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw IngestTLSError(file: key, problem: "does not match the certificate in \(certificate) (\(error))")
        }
    }
}

public struct IngestTLSError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var problem: String

    public var description: String { "[ingest] TLS: \(file): \(problem)" }
}
