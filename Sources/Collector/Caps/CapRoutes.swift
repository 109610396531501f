import Controller
import GreencapConfig
import Hummingbird

/// `GET|POST /api/v1/caps`, `DELETE /api/v1/caps/{id}` and `GET /api/v1/audit`: caps in force (rules file and
/// API), engineers' changes to them, and the audit of both the agents' records and the collector's cap log.
struct CapRoutes: Sendable {
    let control: CapControl?
    let telemetry: (any TelemetryQueries)?
    let authority: APIAuthority
    /// Unix seconds, for the audit's default time range (the HTTP server's clock).
    let now: @Sendable () -> Int64

    func set(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let caller = try authority.authorize(request, needs: .engineer, action: "setting a cap")
        let control = try available()
        let known = try await store { () async throws(StoreError) in try await control.store.knownNodes() }
        let cap = try CapRequest.parse(try await JSONBody.read(request), maxLease: control.settings.maxLease)
            .resolve(
                nodes: known,
                fileRules: control.planner.fileRules, settings: control.settings, author: caller.name, now: control.now())
        let stored = try await store { () async throws(StoreError) in try await control.store.insertCap(cap) }
        try await store { () async throws(StoreError) in try await control.refresh() }
        context.logger.notice(
            "cap set", metadata: ["cap": "\(stored.id)", "scope": "\(stored.scope.rawValue) \(stored.name)", "author": "\(caller.name)"])
        return JSONResponse.make(CapView(stored, layout: FleetLayout(nodes: known.map(\.identity))), status: .created)
    }

    func clear(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let caller = try authority.authorize(request, needs: .engineer, action: "clearing a cap")
        let control = try available()
        guard let id = context.parameters.get("id"), !id.isEmpty else { throw APIError(.badRequest, "missing cap id in the path") }
        struct Body: Decodable { var reason: String? }
        let data = try await JSONBody.read(request)
        let example = #"{"reason":"breaker B3 back in service"}"#
        let body = data.isEmpty ? Body() : try JSONBody.decode(Body.self, data, example: example)
        let reason = (body.reason ?? QueryParameters(request: request).string("reason") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else {
            throw APIError(.badRequest, "field 'reason' is missing: say why the cap is lifted; it goes into the cap log", hint: "example body: \(example)")
        }
        guard reason.count <= CapRequest.maximumReasonLength else {
            throw APIError(.badRequest, "field 'reason': at most \(CapRequest.maximumReasonLength) characters, found \(reason.count)")
        }
        if let rules = control.planner.fileRules, rules.hardCaps.contains(where: { $0.id == id }) || rules.circuits.contains(where: { $0.id == id }) {
            throw APIError(
                .conflict, "cap '\(id)' comes from the collector's rules file, not the API",
                hint: "edit [policy] rules_file to change it; the API clears only the caps it set (ids api-N)")
        }
        let now = control.now()
        guard let cleared = try await store({ () async throws(StoreError) in try await control.store.clearCap(id: id, author: caller.name, reason: reason, now: now) })
        else {
            throw APIError(.notFound, "no cap '\(id)' is in force", hint: "GET /api/v1/caps lists the caps in force; a cap whose lease ended is already gone")
        }
        try await store { () async throws(StoreError) in try await control.refresh() }
        context.logger.notice("cap cleared", metadata: ["cap": "\(cleared.id)", "author": "\(caller.name)"])
        struct Cleared: Encodable {
            var cleared: CapView
            var by: String
            var reason: String
            var time: APITime
        }
        return JSONResponse.make(Cleared(cleared: CapView(cleared, layout: control.planner.layout), by: caller.name, reason: reason, time: APITime(milliseconds: now)))
    }

    func list(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        guard control != nil || telemetry != nil else { throw APIError.telemetryUnavailable }
        var caps: [CapView] = []
        if let control {
            let layout = control.planner.layout
            if let rules = control.planner.fileRules {
                caps += rules.hardCaps.map { CapView($0, layout: layout) } + rules.circuits.map(CapView.init)
            }
            caps += try await store { () async throws(StoreError) in try await control.store.capsInForce(now: control.now()) }
                .map { CapView($0, layout: layout) }
        }
        var deliveries: [CapDelivery]?
        if let telemetry { deliveries = try await query { try await telemetry.caps() } }
        struct Body: Encodable {
            var caps: [CapView]
            /// Per node, the newest policy sent and its acknowledgement.
            var deliveries: [CapDelivery]?
        }
        return JSONResponse.make(Body(caps: caps, deliveries: deliveries))
    }

    func audit(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let parameters = QueryParameters(request: request)
        let (from, to) = try parameters.range(defaultSpanSeconds: 24 * 3600, now: now())
        let limit = try parameters.integer("limit", in: 1...10_000) ?? 1000
        let node = parameters.string("node")
        let author = parameters.string("author")
        let cause = parameters.string("cause")
        var entries: [AuditEntry]?
        if let telemetry {
            if let node, try await query({ try await telemetry.node(id: node) }) == nil { throw APIError.unknownNode(node) }
            // A cause's machine name ("hard-cap") stands for its stable code; the stored text is the explanation.
            let agentCause = cause.flatMap { Self.causeCodes[$0] }.map(String.init) ?? cause
            let filter = AuditFilter(
                node: node, cause: agentCause, author: author, from: APITime(seconds: from), to: APITime(seconds: to), limit: limit)
            entries = try await query { try await telemetry.audit(filter) }
        }
        var changes: [CapChange]?
        if let control {
            // Without 'to', up to the present millisecond: a change made in this second is not left out.
            let until = parameters.string("to") == nil ? Int64.max : to * 1000
            let filter = SQLiteStore.CapChangeFilter(node: node, author: author, action: cause, from: from * 1000, to: until, limit: limit)
            changes = try await store { () async throws(StoreError) in try await control.store.capChanges(filter) }
        }
        guard entries != nil || changes != nil else { throw APIError.telemetryUnavailable }
        struct Body: Encodable {
            var from: APITime
            var to: APITime
            /// What the agents recorded: every cap change they applied, with cause and author.
            var entries: [AuditEntry]?
            /// What the collector recorded: caps set, cleared and ended through the API.
            var capChanges: [CapChange]?
        }
        return JSONResponse.make(Body(from: APITime(seconds: from), to: APITime(seconds: to), entries: entries, capChanges: changes))
    }

    /// `ChangeCause.code` names to the stable codes the agents send (Wire's `AuditCauseCode`, docs/protocol.md).
    static let causeCodes: [String: Int] = [
        "hard-cap": 1, "circuit": 2, "renewable": 3, "site-budget": 4, "no-policy": 5, "rejected-rule": 6, "lease-expired": 7,
        "feed-stale": 8, "ups-on-battery": 9, "closed-loop": 20, "demand": 21, "drift": 22, "gpu-ignoring-limit": 23, "agent-stop": 24,
    ]

    private func available() throws(APIError) -> CapControl {
        guard let control else {
            throw APIError(.serviceUnavailable, "this collector does not take cap changes", hint: "cap changes need the collector's policy planner and store")
        }
        return control
    }

    private func store<T>(_ body: () async throws(StoreError) -> T) async throws(APIError) -> T {
        do { return try await body() } catch { throw .storeFailed(error) }
    }

    private func query<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let error as APIError { throw error } catch { throw APIError.storeFailed(error) }
    }
}
