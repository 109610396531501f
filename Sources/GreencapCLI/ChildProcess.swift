#if canImport(Glibc)
import Glibc
#endif

/// A daemon started by the demo, in a process group of its own so that Ctrl-C reaches only the demo,
/// which then stops its children in order with SIGTERM, as systemd would.
final class ChildProcess {
    let name: String
    let pid: pid_t
    let logPath: String
    private(set) var exitStatus: Int32?

    init(name: String, executable: String, arguments: [String], environment: [String: String], logPath: String) throws(DemoError) {
        self.name = name
        self.logPath = logPath
        var fileActions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        posix_spawn_file_actions_init(&fileActions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&fileActions)
            posix_spawnattr_destroy(&attributes)
        }
        posix_spawn_file_actions_addopen(&fileActions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&fileActions, 2, logPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&fileActions, 2, 1)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var child: pid_t = 0
        let result = posix_spawn(&child, executable, &fileActions, &attributes, argv, envp)
        guard result == 0 else {
            throw .spawnFailed(name: name, executable: executable, reason: String(cString: strerror(result)))
        }
        pid = child
    }

    /// Reaps the child if it has exited; returns whether it is still running.
    @discardableResult
    func poll() -> Bool {
        guard exitStatus == nil else { return false }
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        if result == pid {
            exitStatus = Self.decode(status)
            return false
        }
        return result == 0
    }

    func signal(_ number: Int32) {
        if exitStatus == nil { kill(pid, number) }
    }

    /// Exit code, or 128 + signal number for a child killed by a signal (the shell's convention).
    private static func decode(_ status: Int32) -> Int32 {
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    /// The last lines of the child's log, to show why it failed.
    func logTail(lines: Int = 8) -> String {
        guard let handle = fopen(logPath, "r") else { return "(no log at \(logPath))" }
        defer { fclose(handle) }
        var all: [String] = []
        var buffer = [CChar](repeating: 0, count: 4096)
        while fgets(&buffer, Int32(buffer.count), handle) != nil {
            all.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return all.suffix(lines).joined()
    }
}
