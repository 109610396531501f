import Controller
import GreencapCore
import NIOCore
import Wire

/// One message of every type, with fixed values: the round-trip cases, the fuzzer's seeds and the docs
/// examples (docs/protocol.md names each by its key here).
enum Fixtures {
    static let clientNonce = AuthNonce(bytes: (0..<32).map { UInt8($0) })
    static let serverNonce = AuthNonce(bytes: (0..<32).map { UInt8(0xA0 + $0 % 16) })
    static let keyBytes: [UInt8] = (0..<32).map { UInt8(0x10 + $0) }
    static var key: NodeKey { try! NodeKey(bytes: keyBytes) }  // fixed test bytes, not input
    static let transcript = AuthTranscript(nodeID: "gpu-a01", clientNonce: clientNonce, serverNonce: serverNonce, version: 1)

    static let dictionary: [SeriesDefinition] = [
        SeriesDefinition(id: 0, metric: "gpu_power_watts", labels: [.init("gpu", "0")], unit: "W"),
        SeriesDefinition(id: 1, metric: "gpu_energy_joules", labels: [.init("gpu", "0")], unit: "J", kind: .counter),
        SeriesDefinition(id: 5, metric: "ups_input_voltage_volts", labels: [.init("device", "ups-1")], unit: "V", decimals: 1),
    ]

    static let samples = SampleBatch(
        sequence: 7, timestamps: [1_735_689_600_000, 1_735_689_601_000, 1_735_689_602_000, 1_735_689_603_000],
        columns: [
            SampleColumn(seriesID: 0, values: [612, 618, 618, 605]),
            SampleColumn(seriesID: 1, values: [41_000_000, 41_000_612, 41_001_230, 41_001_848]),
            SampleColumn(seriesID: 5, values: [2301, nil, 2301, 2301]),
        ])

    static let rules = CapRuleSet(
        hardCaps: [
            HardCapRule(
                id: "row3-maint", scope: .row("r3"), amount: .eachNode(.watts(4000)), reason: "cooling maintenance",
                author: "kim", issuedAt: 1_735_689_000_000, expiresAt: 1_735_776_000_000)
        ],
        circuits: [
            CircuitRule(
                id: "pdu-a-b1", circuit: "A/B1", breakerRating: .watts(17_300), shares: [CircuitShare(node: "gpu-a01"), CircuitShare(node: "gpu-a02", weight: 2)],
                reason: "32 A breaker", author: "lee", issuedAt: 1_735_000_000_000)
        ],
        renewable: RenewablePolicy(
            id: "green-v2", floor: .watts(3000), ceiling: .watts(6000),
            tiers: [
                RenewableTier(minimumScore: 0, cap: .watts(3000)), RenewableTier(minimumScore: 0.4, cap: .watts(4500)),
                RenewableTier(minimumScore: 0.75, cap: .watts(6000)),
            ], author: "energy-team", issuedAt: 1_735_600_000_000),
        layout: FleetLayout(nodes: [NodeIdentity(id: "gpu-a01", site: "naju", row: "r3", rack: "k7")]))

    static let audit = WireAuditRecord(
        AuditRecord(
            time: 1_735_689_605_250, node: "gpu-a01", gpu: 3, old: .watts(700), new: .watts(560),
            cause: .target(.renewable(policyID: "green-v2", tier: 1, greenScore: 0.52)), leaseExpiresAt: 1_735_690_500_000,
            dryRun: false))

    /// Keyed by the name the docs use.
    static let messages: [(String, WireMessage)] = [
        ("hello", .hello(.init(nodeID: "gpu-a01", agentVersion: "0.1.0", supportedVersions: [1], clientNonce: clientNonce))),
        ("challenge", .challenge(.init(version: 1, serverNonce: serverNonce))),
        ("auth-response", .authResponse(transcript.proof(for: .agent, key: key))),
        ("auth-result", .authResult(.accepted(serverProof: transcript.proof(for: .collector, key: key), lastStoredSequence: 6))),
        ("auth-refused", .authResult(.refused(reason: "unknown node"))),
        ("series-dictionary", .seriesDictionary(dictionary)),
        ("samples", .samples(samples)),
        (
            "events",
            .events(
                EventBatch(
                    sequence: 8,
                    events: [
                        .audit(audit), .spoolLoss(time: 1_735_689_606_000, samplesThinned: 1200, eventsDropped: 0),
                        .note(time: 1_735_689_607_000, code: 3, text: "nvml re-enumerated"),
                    ]))
        ),
        ("ack", .ack(sequence: 8)),
        (
            "policy",
            .policy(
                PolicyMessage(
                    id: "p-20250101-0900", issuedAt: 1_735_689_600_000, leaseExpiresAt: 1_735_690_500_000, rules: rules,
                    greenScore: 0.52, feedUpdatedAt: 1_735_689_000_000, siteBudgetShare: .watts(5200)))
        ),
        ("policy-ack", .policyAck(.applied(policyID: "p-20250101-0900"))),
        ("policy-rejected", .policyAck(.rejected(policyID: "p-20250101-0900", reason: "rule 'row3-maint': cap below GPU minimums"))),
        ("ping", .ping(sentAt: 1_735_689_600_000)),
        ("pong", .pong(pingSentAt: 1_735_689_600_000, sentAt: 1_735_689_600_003)),
        ("close", .close(.init(code: .shuttingDown, reason: "collector restarting"))),
        (
            "node-info",
            .nodeInfo(
                NodeInfo(
                    site: "naju", row: "r3", rack: "k7", gpuCount: 8, safeCap: .watts(5600), lowestEnforceable: .watts(1400),
                    highestEnforceable: .watts(6000)))
        ),
    ]

    static func frame(_ message: WireMessage) throws -> [UInt8] {
        var buffer = try WireCodec().encode(message)
        return buffer.readBytes(length: buffer.readableBytes) ?? []
    }

    /// A frame with a correct checksum around an arbitrary body, for the malformed-body cases.
    static func frame(type: UInt8, body: [UInt8], version: UInt8 = 1, flags: UInt8 = 0) throws -> [UInt8] {
        var out = ByteBuffer()
        try WireFrame(version: version, type: type, flags: flags, payload: ByteBuffer(bytes: body)).write(into: &out, limits: WireLimits(maxFrameBytes: .max))
        return out.readBytes(length: out.readableBytes) ?? []
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(separator: " ")
    }
}
