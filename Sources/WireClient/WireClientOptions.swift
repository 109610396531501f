import Wire

/// Timeouts and limits of one client session. Every wait has a bound: connecting, each handshake step, each
/// send, and silence from the collector (3 × `pingInterval`).
public struct WireClientOptions: Sendable {
    public var connectTimeout: Duration = .seconds(5)
    /// For each of the collector's two handshake answers.
    public var handshakeTimeout: Duration = .seconds(10)
    /// A send the socket has not taken within this closes the session.
    public var sendTimeout: Duration = .seconds(30)
    /// The session pings this often; a collector silent for 3 × this is taken as gone. nil: no pings.
    public var pingInterval: Duration? = .seconds(10)
    public var limits: WireLimits = .standard
    /// nil: the protocol runs over plain TCP.
    public var tls: WireClientTLS?

    public init() {}
}

public struct WireClientError: Error, Sendable, CustomStringConvertible {
    public enum Problem: Sendable, Equatable {
        case cannotConnect(String)
        case timedOut(String)
        /// The collector refused the handshake (its unauthenticated reason).
        case refused(String)
        /// The collector's proof did not verify: not the collector holding this node's key.
        case collectorNotAuthenticated
        case protocolViolation(String)
        case closed(String)
        case encoding(String)
        /// TLS could not be set up or the collector's certificate was not accepted.
        case tls(String)
    }

    public var problem: Problem

    public init(_ problem: Problem) { self.problem = problem }

    public var description: String {
        switch problem {
        case .cannotConnect(let why): "cannot connect to the collector: \(why)"
        case .timedOut(let what): "timed out: \(what)"
        case .refused(let why): "the collector refused the node: \(why) (check the node id and the key file on both sides)"
        case .collectorNotAuthenticated:
            "the collector's proof does not verify: it does not hold this node's key (wrong address, or an impostor)"
        case .protocolViolation(let what): "protocol violation by the collector: \(what)"
        case .closed(let why): "connection closed: \(why)"
        case .encoding(let why): "cannot encode: \(why)"
        case .tls(let why): "TLS: \(why) (check [uplink] tls_ca and tls_server_name against the collector's certificate)"
        }
    }
}
