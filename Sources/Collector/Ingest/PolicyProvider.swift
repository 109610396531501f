import Wire

/// Where the policy for a node comes from (the rules and green-score engine plugs in here). The ingest server
/// asks right after a node authenticates, every `policy_every`, and whenever `IngestServer.policyChanged()` is
/// called; it sends a policy whose id differs from the one last sent on that connection.
public protocol PolicyProvider: Sendable {
    func policy(for node: String) async -> PolicyMessage?
}

/// No policy source configured: nothing is pushed, and agents follow their own policy file or safe cap.
public struct NoPolicyProvider: PolicyProvider {
    public init() {}
    public func policy(for node: String) async -> PolicyMessage? { nil }
}
