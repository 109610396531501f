import Foundation
import GreencapCore
import GreencapTestSupport

/// A one-node Slurm cluster (Debian's slurmctld and slurmd, 22.05) in a temporary directory, run as the
/// test's own user: SlurmUser and SlurmdUser are that user and auth/none needs no munge daemon (22.05 still
/// ships it; docs/slurm.md says why that is only for tests). `job_submit.lua` is copied beside slurm.conf,
/// where slurmctld's lua plugin looks for it. `stop()` kills both daemons; call it in a `defer`.
final class SlurmCluster {
    let directory: TemporaryDirectory
    let config: String
    /// The environment every Slurm command and daemon gets: SLURM_CONF, and what the caller adds (the
    /// slurmctld side of job_submit.lua reads GREENCAP_BIN and GREENCAP_COLLECTOR from it).
    let environment: [String: String]
    /// slurmctld and slurmd, started with posix_spawn (see SpawnedProcess for why not Foundation's Process).
    private var daemons: [pid_t] = []

    static let tools = ["slurmctld", "slurmd", "sbatch", "scontrol", "sinfo"]

    init(directory: TemporaryDirectory, jobSubmitScript: String, environment extra: [String: String]) throws {
        for tool in Self.tools where Self.which(tool) == nil {
            throw TestFailure("\(tool) is not installed: run scripts/install-deps.sh (Debian's slurmctld, slurmd and slurm-client)")
        }
        guard let controllerPort = LoopbackPort.unused(), let nodePort = LoopbackPort.unused() else {
            throw TestFailure("no free loopback port for slurmctld/slurmd")
        }
        self.directory = directory
        let root = directory.path + "/slurm"
        for sub in ["", "/state", "/spool", "/log"] {
            try FileManager.default.createDirectory(atPath: root + sub, withIntermediateDirectories: true)
        }
        let user = String(cString: getpwuid(getuid()).pointee.pw_name)
        var name = [CChar](repeating: 0, count: 256)
        gethostname(&name, name.count)
        let host = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self).split(separator: ".").first.map(String.init) ?? "localhost"
        config = root + "/slurm.conf"
        // sched_interval=1: a job whose begin time has come is started within a second, not the default minute.
        let text = """
            ClusterName=greencap-test
            SlurmctldHost=\(host)(127.0.0.1)
            SlurmctldPort=\(controllerPort)
            SlurmdPort=\(nodePort)
            SlurmUser=\(user)
            SlurmdUser=\(user)
            AuthType=auth/none
            CredType=cred/none
            StateSaveLocation=\(root)/state
            SlurmdSpoolDir=\(root)/spool
            SlurmctldPidFile=\(root)/slurmctld.pid
            SlurmdPidFile=\(root)/slurmd.pid
            SlurmctldLogFile=\(root)/log/slurmctld.log
            SlurmdLogFile=\(root)/log/slurmd.log
            ProctrackType=proctrack/linuxproc
            TaskPlugin=task/none
            MpiDefault=none
            JobCompType=jobcomp/none
            AccountingStorageType=accounting_storage/none
            SelectType=select/linear
            SchedulerType=sched/builtin
            SchedulerParameters=sched_interval=1
            ReturnToService=2
            JobSubmitPlugins=lua
            NodeName=gcnode NodeHostname=\(host) NodeAddr=127.0.0.1 CPUs=1 State=UNKNOWN
            PartitionName=main Nodes=gcnode Default=YES MaxTime=INFINITE State=UP

            """
        try text.write(toFile: config, atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(atPath: jobSubmitScript, toPath: root + "/job_submit.lua")
        var environment = extra
        environment["SLURM_CONF"] = config
        self.environment = environment
    }

    /// Starts both daemons in the foreground (-D) and waits until the node is idle.
    func start() throws {
        let output = open(directory.path + "/slurm/log/daemons.out", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard output >= 0 else { throw TestFailure("cannot open the daemons' output file") }
        defer { close(output) }
        daemons.append(try SpawnedProcess.start(try Self.tool("slurmctld"), ["-D", "-i"], environment: environment, output: output))
        daemons.append(try SpawnedProcess.start(try Self.tool("slurmd"), ["-D", "-N", "gcnode"], environment: environment, output: output))
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if let state = try? run("sinfo", ["-h", "-n", "gcnode", "-o", "%T"]), state.status == 0, state.output.hasPrefix("idle") { return }
            Thread.sleep(forTimeInterval: 0.3)
        }
        throw TestFailure("the Slurm node did not become idle in 30 s\n\(log)")
    }

    /// SIGTERM, then SIGKILL for a daemon that has not gone in 10 s.
    func stop() {
        for pid in daemons { kill(pid, SIGTERM) }
        let deadline = Date().addingTimeInterval(10)
        var running = daemons
        while !running.isEmpty && Date() < deadline {
            running.removeAll { SpawnedProcess.exited($0) }
            if !running.isEmpty { Thread.sleep(forTimeInterval: 0.1) }
        }
        for pid in running {
            kill(pid, SIGKILL)
            _ = SpawnedProcess.wait(pid)
        }
        daemons = []
    }

    func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        try SpawnedProcess.run(try Self.tool(tool), arguments, environment: environment)
    }

    /// Submits a batch job and returns its id.
    func submit(_ arguments: [String]) throws -> (id: Int, output: String) {
        let result = try run("sbatch", arguments)
        guard result.status == 0, let line = result.output.split(separator: "\n").first(where: { $0.hasPrefix("Submitted batch job ") }),
            let id = Int(line.dropFirst("Submitted batch job ".count))
        else { throw TestFailure("sbatch \(arguments) failed (\(result.status)): \(result.output)") }
        return (id, result.output)
    }

    /// `scontrol show job` as key=value pairs (JobState, Reason, EligibleTime, StartTime, ...).
    func job(_ id: Int) throws -> [String: String] {
        let result = try run("scontrol", ["show", "job", "\(id)"])
        guard result.status == 0 else { throw TestFailure("scontrol show job \(id) failed: \(result.output)") }
        var fields: [String: String] = [:]
        for token in result.output.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            guard let equals = token.firstIndex(of: "=") else { continue }
            fields[String(token[..<equals])] = String(token[token.index(after: equals)...])
        }
        return fields
    }

    /// Polls the job until `condition` holds or `seconds` pass; returns its last fields.
    func waitForJob(_ id: Int, seconds: Double, _ condition: ([String: String]) -> Bool) throws -> [String: String] {
        let deadline = Date().addingTimeInterval(seconds)
        var fields = try job(id)
        while !condition(fields) && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.5)
            fields = try job(id)
        }
        return fields
    }

    var log: String {
        let root = directory.path + "/slurm/log/"
        let controller = (try? String(contentsOfFile: root + "slurmctld.log", encoding: .utf8)) ?? "(no slurmctld.log)"
        let node = (try? String(contentsOfFile: root + "slurmd.log", encoding: .utf8)) ?? "(no slurmd.log)"
        let output = (try? String(contentsOfFile: root + "daemons.out", encoding: .utf8)) ?? ""
        return "slurmctld.log:\n\(controller.suffix(4000))\nslurmd.log:\n\(node.suffix(2000))\nstdout/stderr:\n\(output.suffix(2000))"
    }

    static func which(_ tool: String) -> String? {
        for directory in ["/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/sbin", "/usr/local/bin"] {
            let path = directory + "/" + tool
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    static func tool(_ name: String) throws -> String {
        guard let path = which(name) else { throw TestFailure("\(name) is not installed: run scripts/install-deps.sh") }
        return path
    }
}
