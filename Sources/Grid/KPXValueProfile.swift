/// The shape of a day-row file's values: enough to tell solar, wind and demand apart when the header does
/// not say. Used to suggest a quantity and to check a stated one, never to decide alone.
struct KPXValueProfile {
    var guess: FeedQuantity
    var evidence: String

    /// `days`: each day's 24 values (trade hour n at n − 1), blanks as nil.
    init?(days: [[Double?]]) {
        func mean(_ hours: ClosedRange<Int>) -> Double? {
            let values = days.flatMap { day in hours.compactMap { day[$0 - 1] } }
            return values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
        }
        let all = days.flatMap { $0.compactMap { $0 } }.sorted()
        guard let night = mean(1...5), let midday = mean(11...15), !all.isEmpty else { return nil }
        let floor = all[all.count / 100]
        let peak = all[all.count * 99 / 100]
        // Sunlight: trade hours 1–5 (00:00–05:00 KST) are dark all year.
        if midday > 0, night < 0.05 * midday {
            guess = .solar
            evidence = "trade hours 1–5 average \(KPXValueProfile.percent(night / midday)) of hours 11–15"
        } else if peak > 0, floor > 0.2 * peak {
            // A grid's load never stops: its low is a large share of its peak. Wind falls to near zero on calm days.
            guess = .demand
            evidence = "the values stay above \(KPXValueProfile.percent(floor / peak)) of their peak"
        } else {
            guess = .wind
            evidence = "they run through the night and fall near zero at times"
        }
    }

    static func percent(_ share: Double) -> String {
        let tenths = Int((share * 1000).rounded())
        return "\(tenths / 10).\(tenths % 10) %"
    }
}
