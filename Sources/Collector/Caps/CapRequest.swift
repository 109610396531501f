import Controller
import Foundation
import GreencapConfig
import GreencapCore
import Hummingbird

/// `POST /api/v1/caps`'s body, checked field by field so each refusal names the field and what to send.
struct CapRequest: Sendable {
    var scope: APICap.Scope
    var name: String
    var total: Milliwatts
    var leaseMilliseconds: Int64
    var reason: String

    static let maximumReasonLength = 500
    static let example = #"{"scope":"rack","name":"r07","watts":40000,"lease_seconds":14400,"reason":"breaker B3 serviced"}"#

    private struct Body: Decodable {
        var scope: String?
        var name: String?
        var watts: Double?
        var leaseSeconds: Int64?
        var reason: String?
    }

    static func parse(_ data: Data, maxLease: Duration) throws(APIError) -> CapRequest {
        let body: Body = try JSONBody.decode(Body.self, data, example: example)
        guard let scopeText = body.scope else { throw missing("scope", "one of site, row, rack, node, circuit") }
        guard let scope = APICap.Scope(rawValue: scopeText) else {
            throw field("scope", "expected one of site, row, rack, node, circuit, found \"\(scopeText)\"")
        }
        guard let name = body.name?.trimmingCharacters(in: .whitespaces), !name.isEmpty else {
            throw missing("name", "the \(scope.rawValue)'s name (for a circuit, its circuit id in the rules file)")
        }
        guard let watts = body.watts else { throw missing("watts", "the \(scope.rawValue)'s total power in watts, e.g. 40000") }
        guard watts.isFinite, watts > 0, watts < 1e12 else { throw field("watts", "expected a power in watts above 0, found \(watts)") }
        guard let lease = body.leaseSeconds else {
            throw missing("lease_seconds", "how long the cap lasts in seconds (at most \(maxLease.components.seconds)); every cap ends on its own")
        }
        guard lease > 0, lease <= maxLease.components.seconds else {
            throw field(
                "lease_seconds",
                "expected 1 to \(maxLease.components.seconds) seconds ([api] max_lease = \(format(maxLease))), found \(lease)")
        }
        let reason = body.reason?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard !reason.isEmpty else { throw missing("reason", "why the cap is needed, e.g. \"breaker B3 serviced\"; it goes into every audit record") }
        guard reason.count <= maximumReasonLength else { throw field("reason", "at most \(maximumReasonLength) characters, found \(reason.count)") }
        return CapRequest(
            scope: scope, name: name, total: Milliwatts(Int64((watts * 1000).rounded())), leaseMilliseconds: lease * 1000, reason: reason)
    }

    /// The cap to store: the scope resolved against the nodes the collector knows (404 for a name none of them
    /// has) and the power checked against what those nodes can be held to and draw (409).
    func resolve(nodes known: [SQLiteStore.KnownNode], fileRules: CapRuleSet?, settings: APISettings, author: String, now: Int64)
        throws(APIError) -> APICap
    {
        var cap = APICap(
            id: "", scope: scope, name: name, total: total, nodeShare: nil, nodes: [], author: author, reason: reason, createdAt: now,
            expiresAt: now + leaseMilliseconds)
        if scope == .circuit {
            let circuits = fileRules?.circuits ?? []
            guard let rule = circuits.first(where: { $0.circuit == name }) ?? circuits.first(where: { $0.id == name }) else {
                let names = circuits.map(\.circuit)
                throw APIError(
                    .notFound, "no circuit '\(name)' in the collector's rules file",
                    hint: names.isEmpty ? "circuits are defined in [policy] rules_file; it has none" : "circuits: \(names.joined(separator: ", "))")
            }
            guard total <= rule.breakerRating else {
                throw APIError(
                    .conflict, "\(wattsText(total)) is above circuit \(rule.circuit)'s breaker rating of \(wattsText(rule.breakerRating))",
                    hint: "a cap can only lower what the circuit may carry; the rules file already holds it to \(wattsText(rule.usablePower))")
            }
            cap.nodes = rule.shares
            cap.name = rule.circuit
            let totalWeight = rule.shares.reduce(0) { $0 + max(0, $1.weight) }
            for share in rule.shares {
                let part = Milliwatts(total.value * Int64(share.weight) / Int64(max(1, totalWeight)))
                let floor = known.first { $0.id == share.node }?.lowestEnforceable ?? settings.nodeFloor
                guard part >= floor else {
                    throw APIError(
                        .conflict,
                        "\(wattsText(total)) on circuit \(rule.circuit) gives node \(share.node) \(wattsText(part)), below the \(wattsText(floor)) it can be held to",
                        hint: "raise watts; the node's floor is its lowest enforceable power when it reported one, else [api] node_floor")
                }
            }
            return cap
        }
        let members = known.filter { node in
            switch scope {
            case .site: node.site == name
            case .row: node.row == name
            case .rack: node.rack == name
            case .node: node.id == name
            case .circuit: false
            }
        }
        guard !members.isEmpty else {
            throw APIError(
                .notFound, scope == .node ? "no node '\(name)' is known to this collector" : "no node the collector knows is in \(scope.rawValue) '\(name)'",
                hint: scope == .node
                    ? "GET /api/v1/nodes lists the nodes that have connected"
                    : "placement comes from each agent's [node] \(scope.rawValue); GET /api/v1/nodes shows it per node")
        }
        let share = Milliwatts(total.value / Int64(members.count))
        let floors = members.map { $0.lowestEnforceable ?? settings.nodeFloor }
        let floor = floors.max() ?? settings.nodeFloor
        guard share >= floor else {
            throw APIError(
                .conflict,
                "\(wattsText(total)) over the \(members.count) node(s) of \(scope.rawValue) \(name) is \(wattsText(share)) each, below the floor of \(wattsText(floor)) per node",
                hint: "send at least \(wattsText(Milliwatts(floor.value * Int64(members.count)))); a node's floor is its lowest enforceable power when it reported one, else [api] node_floor")
        }
        let ceiling = members.reduce(Int64(0)) { $0 + ($1.highestEnforceable ?? settings.nodeCeiling).value }
        guard total.value <= ceiling else {
            throw APIError(
                .conflict,
                "\(wattsText(total)) is above what the \(members.count) node(s) of \(scope.rawValue) \(name) can draw (\(wattsText(Milliwatts(ceiling))))",
                hint: "check the unit: watts is the scope's total in watts (40 kW is 40000)")
        }
        cap.nodeShare = share
        cap.nodes = members.map { CircuitShare(node: $0.id) }
        return cap
    }

    private static func missing(_ name: String, _ expected: String) -> APIError {
        APIError(.badRequest, "field '\(name)' is missing: expected \(expected)", hint: "example body: \(example)")
    }

    private static func field(_ name: String, _ problem: String) -> APIError {
        APIError(.badRequest, "field '\(name)': \(problem)", hint: "example body: \(example)")
    }
}

func wattsText(_ power: Milliwatts) -> String {
    power.value % 1_000_000 == 0 ? "\(power.value / 1_000_000) kW" : "\((power.value + 500) / 1000) W"
}

/// Request bodies: JSON with snake_case keys, at most 64 KiB; a body that does not decode says where.
enum JSONBody {
    static let maximumBytes = 64 << 10

    static func read(_ request: Request) async throws(APIError) -> Data {
        do {
            var buffer = try await request.body.collect(upTo: maximumBytes)
            return Data(buffer.readBytes(length: buffer.readableBytes) ?? [])
        } catch {
            throw APIError(.contentTooLarge, "the request body is over \(maximumBytes) bytes or could not be read: \(error)")
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, _ data: Data, example: String) throws(APIError) -> T {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(T.self, from: data)
        } catch let error as DecodingError {
            throw APIError(.badRequest, "the body is not the JSON expected: \(describe(error))", hint: "example body: \(example)")
        } catch {
            throw APIError(.badRequest, "the body is not JSON: \(error)", hint: "example body: \(example)")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            let text = keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return text.isEmpty ? "the body" : "field '\(snake(text))'"
        }
        switch error {
        case .typeMismatch(let type, let context): return "\(path(context.codingPath)) must be \(noun(type))"
        case .valueNotFound(let type, let context): return "\(path(context.codingPath)) must be \(noun(type)), found null"
        case .keyNotFound(let key, _): return "field '\(snake(key.stringValue))' is missing"
        case .dataCorrupted(let context): return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }

    private static func noun(_ type: Any.Type) -> String {
        if type == String.self { return "a string" }
        if type == Double.self || type == Int64.self || type == Int.self { return "a number" }
        return "\(type)"
    }

    /// Coding paths come back in Swift's camelCase; the API speaks snake_case.
    private static func snake(_ text: String) -> String {
        var result = ""
        for character in text {
            if character.isUppercase {
                result += "_" + character.lowercased()
            } else {
                result.append(character)
            }
        }
        return result
    }
}
