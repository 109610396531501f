import Foundation

/// A program run by a test, with its output captured.
public final class Subprocess: @unchecked Sendable {
    public let process = Process()
    private let output = Pipe()
    private let lock = NSLock()
    private var captured = Data()
    private var drained = false
    private let endOfOutput = DispatchSemaphore(value: 0)

    public init(_ executable: String, _ arguments: [String], environment: [String: String] = [:], workingDirectory: String? = nil) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        merged.removeValue(forKey: "NOTIFY_SOCKET")
        merged.removeValue(forKey: "WATCHDOG_USEC")
        merged.removeValue(forKey: "JOURNAL_STREAM")
        for (key, value) in environment { merged[key] = value }
        process.environment = merged
        if let workingDirectory { process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory) }
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        // One blocking reader to end of file keeps the bytes in order and lets wait() know all has arrived.
        let reader = output.fileHandleForReading
        Thread.detachNewThread { [self] in
            while true {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                lock.withLock { captured.append(chunk) }
            }
            endOfOutput.signal()
        }
        try process.run()
    }

    /// Runs to completion and returns (status, combined stdout+stderr).
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:], workingDirectory: String? = nil)
        throws -> (status: Int32, output: String)
    {
        let child = try Subprocess(executable, arguments, environment: environment, workingDirectory: workingDirectory)
        let status = child.wait()
        return (status, child.text)
    }

    public var pid: Int32 { process.processIdentifier }

    public func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    public var isRunning: Bool { process.isRunning }

    /// Waits for exit; returns the exit status (128 + signal when killed).
    @discardableResult
    public func wait(timeout: Duration = .seconds(60)) -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline { usleep(10_000) }
        if process.isRunning {
            signal(SIGKILL)
            process.waitUntilExit()
        }
        process.waitUntilExit()
        collectRemainingOutput()
        let status = process.terminationStatus
        return process.terminationReason == .uncaughtSignal ? 128 + status : status
    }

    /// Waits until the reader saw end of file (the child and anything that inherited its output closed it),
    /// so a large output written just before exit is never cut short.
    private func collectRemainingOutput() {
        lock.withLock {
            guard !drained else { return }
            drained = true
        }
        try? output.fileHandleForWriting.close()
        _ = endOfOutput.wait(timeout: .now() + 5)
    }

    public var text: String { lock.withLock { String(decoding: captured, as: UTF8.self) } }

    /// Waits until the output contains `needle`.
    public func waitForOutput(_ needle: String, timeout: Duration = .seconds(10)) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if text.contains(needle) { return true }
            usleep(20_000)
        }
        return false
    }

    /// `waitForOutput` without holding one of the cooperative pool's few threads while the child works.
    public func awaitOutput(_ needle: String, timeout: Duration = .seconds(10)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if text.contains(needle) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
