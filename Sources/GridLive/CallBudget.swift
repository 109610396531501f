/// The calls one API may make per KST day with one key. data.go.kr counts per API and per key, so two
/// sources of the same API sharing a key file share one budget.
public struct CallBudget: Sendable, Equatable {
    /// What the ledger counts under: API and key file.
    public var key: String
    public var api: LiveAPI
    /// data.go.kr's daily limit (100 for KPX developer accounts); 0: unlimited (the Greencap JSON feed).
    public var dailyLimit: Int
    /// Calls kept back for retries and for the later pages of a poll; scheduled polls use the rest.
    public var reserve: Int

    public init(api: LiveAPI, keyFile: String?, dailyLimit: Int, reserve: Int) {
        self.key = api.rawValue + (keyFile.map { " " + $0 } ?? "")
        self.api = api
        self.dailyLimit = dailyLimit
        self.reserve = min(reserve, max(dailyLimit - 1, 0))
    }

    public var isUnlimited: Bool { dailyLimit <= 0 }

    /// Calls a scheduled poll may start per day.
    public var scheduled: Int { max(dailyLimit - reserve, 1) }

    /// Scheduled calls allowed by `secondOfDay` (KST): spread evenly over the day plus a small head start,
    /// so a restart loop or a burst of back-fill cannot spend the whole day's calls in the morning.
    public func scheduledAllowance(secondOfDay: Int64) -> Int {
        let headStart = max(3, scheduled / 10)
        return min(scheduled, headStart + Int(Int64(scheduled) * secondOfDay / 86400))
    }

    /// The first second of the KST day at which the allowance exceeds `calls`.
    public func secondWhenAllowance(exceeds calls: Int) -> Int64 {
        let headStart = max(3, scheduled / 10)
        let needed = Int64(calls + 1 - headStart)
        guard needed > 0 else { return 0 }
        return (needed * 86400 + Int64(scheduled) - 1) / Int64(scheduled)
    }
}
