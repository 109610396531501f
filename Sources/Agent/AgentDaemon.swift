import Controller
import Daemon
import GPU
import GreencapConfig
import GreencapCore
import Logging
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#endif

/// `greencap-agent`: the node daemon, assembled from its services.
public enum AgentDaemon {
    /// The config file, and every Modbus profile it names (a missing profile is a config error).
    static func load(path: String) throws(ConfigError) -> AgentConfig {
        let config = try AgentConfig.load(path: path)
        _ = try ModbusSampler.profiles(for: config.modbus, configFile: path)
        return config
    }

    /// The cap controller, when `[control]` enables it; a setting the controller refuses leaves the agent
    /// sampling only, with the reason logged (the config check already caught what it could).
    static func makeControl(_ settings: AgentConfig, logger: Logger, uplink: UplinkService?) -> NodeControl? {
        var controlLogger = logger
        controlLogger[metadataKey: "source"] = "control"
        guard settings.control.enabled else {
            controlLogger.notice("cap controller off: [control] names no safe_cap; the agent only samples")
            return nil
        }
        guard settings.gpu.enabled else {
            controlLogger.warning("cap controller off: [gpu] enabled = false leaves nothing to cap")
            return nil
        }
        var sink: (@Sendable ([AuditRecord]) async -> Void)?
        if let uplink { sink = { records in await uplink.audit(records) } }
        do {
            return try NodeControl(
                identity: settings.node, settings: settings.control, writes: settings.gpu.writes, logger: controlLogger,
                inbox: uplink?.inbox, auditSink: sink)
        } catch {
            controlLogger.error("cap controller off: \(error)")
            return nil
        }
    }

    public static func run(options: DaemonOptions) async -> Int32 {
        let path = options.configPath(default: AgentConfig.defaultPath)
        if options.checkConfig {
            return DaemonRunner.checkConfig(path: path) { (path) throws(ConfigError) in try load(path: path) }
        }
        return await DaemonRunner.run(
            name: "greencap-agent",
            configPath: path,
            logLevelOverride: options.logLevelOverride,
            load: { (path) throws(ConfigError) in try load(path: path) },
            logLevelOf: { $0.log.level },
            restartNeeded: { started, fresh in
                var changed: [String] = []
                if started.node != fresh.node { changed.append("node") }
                if started.gpu != fresh.gpu { changed.append("gpu") }
                if started.modbus != fresh.modbus { changed.append("modbus") }
                if started.uplink != fresh.uplink { changed.append("uplink") }
                var startedControl = started.control, freshControl = fresh.control
                startedControl.tick = .zero
                freshControl.tick = .zero
                if startedControl != freshControl { changed.append("control") }
                return changed
            },
            makeServices: { context in
                let settings = context.config.current
                var gpuLogger = context.logger
                gpuLogger[metadataKey: "source"] = "nvml"
                let gpus = settings.gpu.enabled
                    ? GPUSampler(
                        settings: settings.gpu,
                        environmentValue: getenv(NVMLLibraryLocation.environmentVariable).map { String(cString: $0) },
                        logger: gpuLogger) : nil
                var modbusLogger = context.logger
                modbusLogger[metadataKey: "source"] = "modbus"
                // The profiles were checked when the config loaded; a file removed since then leaves its device out.
                let profiles = (try? ModbusSampler.profiles(for: settings.modbus, configFile: path)) ?? [:]
                let modbus = settings.modbus.buses.isEmpty
                    ? nil : ModbusSampler(settings: settings.modbus, profiles: profiles, logger: modbusLogger)
                modbus?.start()
                var uplinkLogger = context.logger
                uplinkLogger[metadataKey: "source"] = "uplink"
                let uplink = settings.uplink.collector == nil
                    ? nil : UplinkService(settings: settings.uplink, node: settings.node, control: settings.control, logger: uplinkLogger)
                let control = makeControl(settings, logger: context.logger, uplink: uplink)
                return [
                    AgentLoop(
                        config: context.config, heartbeat: context.heartbeat, notifier: context.notifier,
                        logger: context.logger, work: AgentLoop.nodeWork(gpus: gpus, modbus: modbus, control: control, uplink: uplink),
                        finish: {
                            await control?.stop(gpus: gpus?.service)
                            await gpus?.service.stop()
                            await modbus?.stop()
                        })
                ] + (uplink.map { [$0 as any Service] } ?? [])
            })
    }
}

