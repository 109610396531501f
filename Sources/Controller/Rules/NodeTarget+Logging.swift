import GreencapCore
import Logging

extension NodeTarget {
    /// Logs each rejected rule with what to do about it, and the safe outcome; once per evaluation that
    /// changed something (the caller decides), not per control tick.
    public func logRejections(to logger: Logger, node: String) {
        for rejection in rejections {
            logger.warning(
                "cap rule rejected, node held at or below its safe cap: \(rejection.error.what); \(rejection.error.remedy)",
                metadata: ["node": "\(node)", "rule": "\(rejection.ruleID)", "target": "\(cap.wholeWattsText)"])
        }
    }
}
