import GreencapCore
import GridLive
import Testing

/// The arithmetic under the adapters: KST days, hour-ending trade hours, encoding, backoff, budgets.
@Suite struct CalendarAndBudgetTests {
    @Test func tradeHourOneStartsAt1500UTCTheDayBefore() throws {
        let day = try #require(KSTCalendar.parseDate("20240501"))
        #expect(KSTCalendar.tradeHourStartUTC(dayNumber: day, tradeHour: 1) == utc("2024-04-30T15:00:00Z"))
        #expect(KSTCalendar.tradeHourStartUTC(dayNumber: day, tradeHour: 24) == utc("2024-05-01T14:00:00Z"))
        #expect(KSTCalendar.parseDateTime("20240501240000") == utc("2024-05-01T15:00:00Z"), "KPX writes midnight as 24:00")
        #expect(KSTCalendar.parseDateTime("20240501126000") == nil)
        #expect(KSTCalendar.parseDate("20240231") == nil)
    }

    @Test func theQuotaDayTurnsAtKSTMidnight() {
        let beforeMidnight = utc("2024-05-01T14:59:59Z")  // 23:59:59 KST
        #expect(KSTCalendar.yyyymmdd(dayNumber: KSTCalendar.dayNumber(beforeMidnight)) == "20240501")
        #expect(KSTCalendar.yyyymmdd(dayNumber: KSTCalendar.dayNumber(beforeMidnight + 1)) == "20240502")
        #expect(KSTCalendar.nextMidnightUTC(after: beforeMidnight) == utc("2024-05-01T15:00:00Z"))
        #expect(KSTCalendar.nextMidnightUTC(after: utc("2024-05-01T15:00:00Z")) == utc("2024-05-02T15:00:00Z"))
    }

    @Test func keysAreEncodedExactlyOnce() {
        #expect(QueryString.encode("ab+c/d==") == "ab%2Bc%2Fd%3D%3D")
        #expect(QueryString.encode("a%2B") == "a%252B", "an already-encoded key is encoded again (and flagged as such elsewhere)")
        #expect(QueryString.encode("전라남도") == "%EC%A0%84%EB%9D%BC%EB%82%A8%EB%8F%84")
        #expect(
            QueryString.url(base: "https://apis.data.go.kr/B552115/", path: "x/y", parameters: [("serviceKey", "k+1"), ("pageNo", "1")])
                == "https://apis.data.go.kr/B552115/x/y?serviceKey=k%2B1&pageNo=1")
    }

    @Test func backoffDoublesWithJitterUpToItsCap() {
        let policy = RetryPolicy(retries: 5, base: .seconds(2), cap: .seconds(10))
        #expect(policy.delay(attempt: 1, random: 0) == .seconds(1) && policy.delay(attempt: 1, random: 1) == .seconds(2))
        #expect(policy.delay(attempt: 2, random: 0) == .seconds(2) && policy.delay(attempt: 3, random: 0.5) == .seconds(6))
        #expect(policy.delay(attempt: 9, random: 1) == .seconds(10))
    }

    @Test func theBudgetSpreadsCallsOverTheDayAndKeepsAReserve() {
        let budget = CallBudget(api: .sumperfuel5m, keyFile: "/etc/greencap/kpx.key", dailyLimit: 100, reserve: 10)
        #expect(budget.scheduled == 90)
        #expect(budget.scheduledAllowance(secondOfDay: 0) == 9)
        #expect(budget.scheduledAllowance(secondOfDay: 43200) == 54)
        #expect(budget.scheduledAllowance(secondOfDay: 86399) == 90)
        let settings = LiveSourceSettings(api: .sumperfuel5m, keyFile: "/k", every: .seconds(60))
        #expect(settings.effectivePeriod == .seconds(961), "86400 s / 90 calls, rounded up: the 5-minute feed is polled every 16 min")
        let sameKey = CallBudget(api: .sumperfuel5m, keyFile: "/etc/greencap/kpx.key", dailyLimit: 100, reserve: 10)
        #expect(sameKey.key == budget.key, "one API and one key: one quota, whatever the source is called")
    }
}
