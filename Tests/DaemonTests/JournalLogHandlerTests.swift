@testable import Daemon
import Logging
import Testing

@Suite struct JournalLogHandlerTests {
    @Test func syslogPrioritiesMatchJournald() {
        #expect(JournalLogHandler.syslogPriority(.critical) == 2)
        #expect(JournalLogHandler.syslogPriority(.error) == 3)
        #expect(JournalLogHandler.syslogPriority(.warning) == 4)
        #expect(JournalLogHandler.syslogPriority(.notice) == 5)
        #expect(JournalLogHandler.syslogPriority(.info) == 6)
        #expect(JournalLogHandler.syslogPriority(.debug) == 7)
    }

    @Test func levelIsSharedAndChangesAtOnce() {
        let control = LogLevelControl(.info)
        var handler = JournalLogHandler(label: "t", level: control, style: .journald)
        #expect(handler.logLevel == .info)
        control.level = .debug
        #expect(handler.logLevel == .debug, "a reload changes the level of existing loggers")
        handler.logLevel = .error
        #expect(control.level == .error)
    }
}
