import Foundation
import GreencapTestSupport
import GridLive
import Testing

/// What the gateway does when things go wrong, replayed: quota, refused keys, broken bodies, 5xx,
/// timeouts. Each case checks the calls actually made, since calls are what the quota counts.
@Suite struct GatewayFaultTests {
    @Test func quotaExceededStopsTheAPIUntilKSTMidnightAcrossARestart() async throws {
        let rig = try LiveRig(now: "2024-05-01T03:20:00Z")  // 12:20 KST
        defer { rig.stop() }
        let settings = rig.settings(.sumperfuel5m)
        try await rig.server.fault("quota")
        var poller = rig.poller(settings)
        let report = await poller.poll()
        let midnight = utc("2024-05-01T15:00:00Z")  // 00:00 KST on 2 May
        #expect(report.failure == .quotaExceeded(api: .sumperfuel5m, untilUTC: midnight))
        #expect(report.failure?.description.contains("no calls to it until 2024-05-02 00:00 KST") == true)
        #expect(try await rig.server.requests().count == 1, "code 22 is not retried")

        // Later the same day: nothing is sent, before or after a restart (the block is in the quota file).
        rig.clock.set(utc("2024-05-01T10:00:00Z"))
        _ = await poller.poll()
        var restarted = rig.poller(settings)
        let afterRestart = await restarted.poll()
        #expect(afterRestart.failure == .quotaExceeded(api: .sumperfuel5m, untilUTC: midnight))
        #expect(try await rig.server.requests().count == 1)

        // After KST midnight the API is called again.
        try await rig.server.clear()
        rig.clock.set(midnight + 60)
        let nextDay = await restarted.poll()
        #expect(nextDay.failure == nil && nextDay.rows.records.count == 3)
        #expect(try await rig.server.requests().count == 1)
    }

    @Test func theDaysCallCountSurvivesARestart() async throws {
        let rig = try LiveRig(now: "2024-05-01T11:00:00Z")  // 20:00 KST
        defer { rig.stop() }
        var settings = rig.settings(.sumperfuel5m)
        settings.dailyLimit = 5
        settings.reserve = 0
        var poller = rig.poller(settings)
        for _ in 0..<3 { _ = await poller.poll() }
        #expect(rig.ledger().status(settings.budget, now: rig.clock.now).calls == 3)

        var restarted = rig.poller(settings)
        for _ in 0..<2 { #expect(await restarted.poll().failure == nil) }
        let spent = await restarted.poll()
        #expect(spent.failure == .budgetSpent(api: .sumperfuel5m, calls: 5, limit: 5, untilUTC: utc("2024-05-01T15:00:00Z")))
        #expect(try await rig.server.requests().count == 5)
    }

    @Test func scheduledCallsAreSpreadOverTheDay() async throws {
        let rig = try LiveRig(now: "2024-05-01T15:10:00Z")  // 00:10 KST: only the head start is open
        defer { rig.stop() }
        var poller = rig.poller(rig.settings(.sumperfuel5m))  // 100 a day, 10 in reserve: head start 9
        for _ in 0..<9 { #expect(await poller.poll().failure == nil) }
        let paced = await poller.poll()
        guard case .paced(_, let next)? = paced.failure else {
            Issue.record("expected the tenth call to wait, got \(String(describing: paced.failure))")
            return
        }
        #expect(next == utc("2024-05-01T15:16:00Z"), "one more call every 86400/90 s = 16 min after 00:00 KST")
        #expect(try await rig.server.requests().count == 9)
    }

    @Test func aKeyNotRegisteredSaysWhatToDoAndIsNotRetried() async throws {
        let rig = try LiveRig(now: "2024-05-01T03:20:00Z")
        defer { rig.stop() }
        try await rig.server.fault("bad-key")
        var poller = rig.poller(rig.settings(.sumperfuel5m))
        let report = await poller.poll()
        guard case .keyRejected(.sumperfuel5m, "30", _, rig.keyFile)? = report.failure else {
            Issue.record("expected code 30, got \(String(describing: report.failure))")
            return
        }
        let text = report.failure?.description ?? ""
        #expect(text.contains("data.go.kr says the service key is not registered (code 30"))
        #expect(text.contains("check \(rig.keyFile) holds the decoded key"))
        #expect(try await rig.server.requests().count == 1, "retries 3, yet one call: a refused key is never retried")

        // The same key is not tried again soon; a new key file is tried at once.
        _ = await poller.poll()
        #expect(try await rig.server.requests().count == 1)
        try await rig.server.clear()
        _ = try rig.directory.write("kpx.key", ReplayServer.key + "\n\n")
        _ = try rig.directory.write("kpx.key", "another+key\n")
        chmod(rig.keyFile, 0o600)
        _ = await poller.poll()
        #expect(try await rig.server.requests().count == 1)
    }

    @Test func anExpiredKeyAndAnUnapprovedAPIAreNamed() async throws {
        let rig = try LiveRig(now: "2024-05-01T03:20:00Z")
        defer { rig.stop() }
        try await rig.server.fault("expired")
        var poller = rig.poller(rig.settings(.jeju5m, dataType: .json))
        let expired = await poller.poll()
        #expect(expired.failure?.description.contains("the service key has expired (code 31") == true, "\(String(describing: expired.failure))")
        try await rig.server.fault("denied")
        var other = rig.poller(rig.settings(.pvByRegion))
        let denied = await other.poll()
        #expect(denied.failure?.description.contains("denies access (code 20") == true, "\(String(describing: denied.failure))")
    }

    @Test func aKeyFileHoldingTheEncodedKeyIsRefusedWithAHint() async throws {
        let rig = try LiveRig(now: "2024-05-01T03:20:00Z")
        defer { rig.stop() }
        _ = try rig.directory.write("kpx.key", QueryString.encode(ReplayServer.key))
        chmod(rig.keyFile, 0o600)
        var poller = rig.poller(rig.settings(.sumperfuel5m))
        let report = await poller.poll()
        #expect(report.failure?.description.contains("the key file seems to hold the URL-encoded key") == true)
        #expect(try await rig.server.requests().first?.keyOK == false)
    }

    @Test func aWorldReadableKeyFileIsRefusedBeforeAnyCall() async throws {
        let rig = try LiveRig(now: "2024-05-01T03:20:00Z")
        defer { rig.stop() }
        chmod(rig.keyFile, 0o644)
        var poller = rig.poller(rig.settings(.sumperfuel5m))
        let report = await poller.poll()
        #expect(report.failure?.description.contains("every user on this machine may read it (mode 0644)") == true)
        #expect(report.failure?.description.contains("chmod 640") == true)
        #expect(try await rig.server.requests().isEmpty)
    }

    @Test func malformedXMLNamesTheAPIPageAndPosition() async throws {
        let rig = try LiveRig(now: "2024-05-01T03:20:00Z")
        defer { rig.stop() }
        try await rig.server.fault("malformed-xml")
        var poller = rig.poller(rig.settings(.sumperfuel5m, dataType: .xml))
        let report = await poller.poll()
        // The first </item> in the fixture is misspelt </itme>: libxml2 stops on that line.
        let fixture = try String(
            contentsOfFile: ReplayServer.fixtures + "/B552115/sumperfuel5m/getSumperfuel5m/numOfRows=300&pageNo=1.xml", encoding: .utf8)
        let line = (fixture.components(separatedBy: "\n").firstIndex { $0.contains("</item>") } ?? 0) + 1
        guard case .malformed(.sumperfuel5m, 1, "XML", let position, _)? = report.failure else {
            Issue.record("expected malformed XML, got \(String(describing: report.failure))")
            return
        }
        #expect(position.hasPrefix("line \(line),"), "\(position)")
        #expect(report.failure?.description.hasPrefix("sumperfuel5m page 1: malformed XML at line \(line)") == true)
        #expect(report.rows.records.isEmpty)
        #expect(try await rig.server.requests().count == 1, "a broken document is not retried")
    }

    @Test func malformedJSONNamesTheAPIAndPage() async throws {
        let rig = try LiveRig(now: "2024-05-01T03:20:00Z")
        defer { rig.stop() }
        try await rig.server.fault("malformed-json")
        var poller = rig.poller(rig.settings(.jeju5m))
        let report = await poller.poll()
        guard case .malformed(.jeju5m, 1, "JSON", _, _)? = report.failure else {
            Issue.record("expected malformed JSON, got \(String(describing: report.failure))")
            return
        }
        #expect(report.rows.records.isEmpty)
    }

    @Test func a500IsRetriedWithBackoffUntilItPasses() async throws {
        let rig = try LiveRig(now: "2024-05-01T03:20:00Z")
        defer { rig.stop() }
        try await rig.server.fault("status:500", times: 2)
        var poller = rig.poller(rig.settings(.sumperfuel5m))
        let report = await poller.poll()
        #expect(report.failure == nil && report.rows.records.count == 3)
        #expect(try await rig.server.requests().map(\.status) == [500, 500, 200])
        #expect(report.calls == 3, "retries count against the day's calls")
    }

    @Test func retriesEndAfterTheConfiguredNumber() async throws {
        let rig = try LiveRig(now: "2024-05-01T03:20:00Z")
        defer { rig.stop() }
        try await rig.server.fault("status:503")
        var poller = rig.poller(rig.settings(.sumperfuel5m))
        let report = await poller.poll()
        #expect(report.failure == .httpStatus(api: .sumperfuel5m, page: 1, status: 503))
        #expect(try await rig.server.requests().count == 4, "one call and three retries")
    }

    @Test func aTruncatedBodyIsRetried() async throws {
        let rig = try LiveRig(now: "2024-05-01T03:20:00Z")
        defer { rig.stop() }
        try await rig.server.fault("truncated", times: 1)
        var poller = rig.poller(rig.settings(.sumperfuel5m))
        let report = await poller.poll()
        #expect(report.failure == nil && report.rows.records.count == 3, "\(String(describing: report.failure))")
        #expect(try await rig.server.requests().count == 2)
    }

    @Test func aSlowAnswerTimesOut() async throws {
        let rig = try LiveRig(now: "2024-05-01T03:20:00Z")
        defer { rig.stop() }
        try await rig.server.fault("slow:3")
        var settings = rig.settings(.sumperfuel5m)
        settings.timeout = .milliseconds(400)
        settings.retry.retries = 1
        var poller = rig.poller(settings)
        let started = ContinuousClock.now
        let report = await poller.poll()
        guard case .timeout(.sumperfuel5m, 1, _)? = report.failure else {
            Issue.record("expected a timeout, got \(String(describing: report.failure))")
            return
        }
        #expect(ContinuousClock.now - started < .seconds(3), "two attempts of 0.4 s, not the server's 3 s")
    }

    @Test func aGatewayErrorCodeInTheNormalEnvelopeIsReported() async throws {
        let rig = try LiveRig(now: "2024-05-01T03:20:00Z")
        defer { rig.stop() }
        try await rig.server.fault("header:10")
        var poller = rig.poller(rig.settings(.sumperfuel5m, dataType: .xml))
        let report = await poller.poll()
        guard case .requestRejected(.sumperfuel5m, 1, "10", _)? = report.failure else {
            Issue.record("expected code 10, got \(String(describing: report.failure))")
            return
        }
        #expect(try await rig.server.requests().count == 1)
    }
}
