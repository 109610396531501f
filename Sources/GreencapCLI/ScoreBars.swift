import Foundation

/// The compact bar chart of `greencap green-hours`: one bar per hour, eighths of a cell for resolution.
/// Plain `#` bars (no colour, ASCII only) when standard output is not a terminal or NO_COLOR is set, so a
/// pipe, a log file or a screen reader gets text that means the same.
struct ScoreBars {
    var fancy: Bool

    /// Fancy only on a terminal, and never with NO_COLOR set to anything (https://no-color.org).
    static func forStandardOutput(environment: [String: String] = ProcessInfo.processInfo.environment) -> ScoreBars {
        ScoreBars(fancy: isatty(STDOUT_FILENO) != 0 && environment["NO_COLOR"] == nil && environment["TERM"] != "dumb")
    }

    static let eighths = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]

    /// A bar `width` cells long at score 1; the score is clamped to 0…1.
    func bar(_ score: Double, width: Int = 20) -> String {
        let clamped = score.isFinite ? min(max(score, 0), 1) : 0
        guard fancy else {
            return String(repeating: "#", count: Int((clamped * Double(width)).rounded()))
        }
        let units = Int((clamped * Double(width * 8)).rounded())
        let text = String(repeating: "█", count: units / 8) + Self.eighths[units % 8]
        // Green from 0.6, yellow from 0.3, else red: the colour says at a glance what the length says exactly.
        let colour = clamped >= 0.6 ? "32" : clamped >= 0.3 ? "33" : "31"
        return "\u{1B}[\(colour)m\(text)\u{1B}[0m"
    }
}
