import NIOCore
import NIOSSL

/// TLS to the collector (`[uplink] tls`). The collector's certificate is verified against `trustRootsFile`
/// (or the system's roots) and the name it must carry; the HMAC handshake still authenticates both sides
/// inside it.
public struct WireClientTLS: Sendable {
    /// PEM trust roots; nil: the system's.
    public var trustRootsFile: String?
    /// The name the certificate must carry; nil: the host connected to. An IP address is checked against the
    /// certificate's IP entries and not sent as SNI (which only carries names).
    public var serverName: String?

    public init(trustRootsFile: String? = nil, serverName: String? = nil) {
        self.trustRootsFile = trustRootsFile
        self.serverName = serverName
    }

    /// Built once per session setup: a context reads the trust roots file, so a replaced CA file is used at the
    /// next reconnect.
    func makeContext() throws(WireClientError) -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        if let trustRootsFile {
            do {
                configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(trustRootsFile))
            } catch {
                throw WireClientError(.tls("\(trustRootsFile): not a readable PEM file of trust roots (\(error))"))
            }
        }
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw WireClientError(.tls("cannot set up TLS: \(error)"))
        }
    }

    func makeHandler(context: NIOSSLContext, host: String) throws -> NIOSSLClientHandler {
        let name = serverName ?? host
        let isAddress = (try? SocketAddress(ipAddress: name, port: 0)) != nil
        return try NIOSSLClientHandler(context: context, serverHostname: isAddress ? nil : name)
    }
}
