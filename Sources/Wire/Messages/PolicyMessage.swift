import Controller

/// The collector's downlink is the controller's own `NodePolicy` (rules, green score, feed time, lease), so
/// what the agent enforces is exactly what the collector planned; no mirror type to drift. On the wire a
/// policy with no feed time carries 0 (1970), which every agent reads as stale: the same outcome as "never".
public typealias PolicyMessage = NodePolicy
