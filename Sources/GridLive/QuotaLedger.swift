import Foundation
import GreencapCore
import Logging
import Synchronization

/// Counts each budget's calls per KST day and remembers quota blocks, in a small JSON file under the
/// collector's state directory, so a restart neither resets the count nor calls an API the gateway
/// has already cut off until midnight. Written after every change (temp file + rename).
public final class QuotaLedger: Sendable {
    public let path: String
    private let state: Mutex<State>
    private let logger: Logger

    struct Entry: Codable, Equatable {
        var calls: Int
        var blockedUntil: Int64?
        var blockedBecause: String?
    }

    struct State: Codable, Equatable {
        var format = "greencap-grid-live-quota/1"
        /// The KST day the counts are for, `YYYYMMDD`.
        var day: String
        var budgets: [String: Entry] = [:]
    }

    /// Why a call may go ahead.
    public enum Purpose: Sendable {
        /// A poll's first call: within the spread allowance, leaving the reserve alone.
        case scheduled
        /// A later page of the same poll: anything but the reserve.
        case continuation
        /// A retry: may spend the reserve.
        case retry
    }

    public enum Decision: Sendable, Equatable {
        case granted(callsToday: Int)
        /// Over the spread allowance: wait until `retryAtUTC`.
        case paced(retryAtUTC: Int64)
        case refused(LiveFeedError)
    }

    public init(path: String, logger: Logger, now: Int64) {
        self.path = path
        self.logger = logger
        let today = KSTCalendar.yyyymmdd(dayNumber: KSTCalendar.dayNumber(now))
        var loaded = State(day: today)
        if let data = FileManager.default.contents(atPath: path) {
            do {
                loaded = try JSONDecoder().decode(State.self, from: data)
            } catch {
                logger.warning(
                    "grid live: quota file unreadable, starting today's counts at zero",
                    metadata: ["file": "\(path)", "reason": "\(error)"])
            }
        }
        state = Mutex(loaded)
    }

    /// Asks for one call and counts it when granted.
    public func claim(_ budget: CallBudget, purpose: Purpose, now: Int64) -> Decision {
        let decision: Decision = state.withLock { state in
            Self.roll(&state, now: now)
            var entry = state.budgets[budget.key] ?? Entry(calls: 0)
            if let until = entry.blockedUntil, until > now {
                if entry.blockedBecause == "quota" { return .refused(.quotaExceeded(api: budget.api, untilUTC: until)) }
                return .refused(.budgetSpent(api: budget.api, calls: entry.calls, limit: budget.dailyLimit, untilUTC: until))
            }
            if !budget.isUnlimited {
                let midnight = KSTCalendar.nextMidnightUTC(after: now)
                let ceiling = purpose == .retry ? budget.dailyLimit : budget.scheduled
                if entry.calls >= ceiling {
                    return .refused(.budgetSpent(api: budget.api, calls: entry.calls, limit: ceiling, untilUTC: midnight))
                }
                if purpose == .scheduled {
                    let second = KSTCalendar.secondOfDay(now)
                    if entry.calls >= budget.scheduledAllowance(secondOfDay: second) {
                        let at = KSTCalendar.midnightUTC(dayNumber: KSTCalendar.dayNumber(now))
                            + budget.secondWhenAllowance(exceeds: entry.calls)
                        return .paced(retryAtUTC: max(at, now + 1))
                    }
                }
            }
            entry.calls += 1
            state.budgets[budget.key] = entry
            return .granted(callsToday: entry.calls)
        }
        if case .granted = decision { save() }
        return decision
    }

    /// data.go.kr said the quota is spent: no calls under this budget until `untilUTC`.
    public func blockForQuota(_ budget: CallBudget, untilUTC: Int64, now: Int64) {
        state.withLock { state in
            Self.roll(&state, now: now)
            var entry = state.budgets[budget.key] ?? Entry(calls: 0)
            entry.blockedUntil = untilUTC
            entry.blockedBecause = "quota"
            state.budgets[budget.key] = entry
        }
        save()
    }

    /// Calls counted today under a budget, and the block in force, if any.
    public func status(_ budget: CallBudget, now: Int64) -> (calls: Int, blockedUntilUTC: Int64?) {
        state.withLock { state in
            Self.roll(&state, now: now)
            let entry = state.budgets[budget.key] ?? Entry(calls: 0)
            return (entry.calls, entry.blockedUntil.flatMap { $0 > now ? $0 : nil })
        }
    }

    /// A new KST day starts every budget at zero and lifts blocks that ended.
    private static func roll(_ state: inout State, now: Int64) {
        let today = KSTCalendar.yyyymmdd(dayNumber: KSTCalendar.dayNumber(now))
        guard state.day != today else { return }
        state.day = today
        state.budgets = state.budgets.compactMapValues { entry in
            guard let until = entry.blockedUntil, until > now else { return nil }
            return Entry(calls: 0, blockedUntil: until, blockedBecause: entry.blockedBecause)
        }
    }

    private func save() {
        let snapshot = state.withLock { $0 }
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            try encoder.encode(snapshot).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            // The count still holds in memory; only a restart would lose it.
            logger.warning("grid live: cannot save the quota file", metadata: ["file": "\(path)", "reason": "\(error)"])
        }
    }
}
