import Daemon
import GPU
import GreencapConfig
import GreencapCore
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#endif

/// `greencap-agent`: the node daemon, assembled from its services.
public enum AgentDaemon {
    public static func run(options: DaemonOptions) async -> Int32 {
        let path = options.configPath(default: AgentConfig.defaultPath)
        if options.checkConfig {
            return DaemonRunner.checkConfig(path: path) { (path) throws(ConfigError) in try AgentConfig.load(path: path) }
        }
        return await DaemonRunner.run(
            name: "greencap-agent",
            configPath: path,
            logLevelOverride: options.logLevelOverride,
            load: { (path) throws(ConfigError) in try AgentConfig.load(path: path) },
            logLevelOf: { $0.log.level },
            restartNeeded: { started, fresh in started.gpu != fresh.gpu ? ["gpu"] : [] },
            makeServices: { context in
                let settings = context.config.current
                var gpuLogger = context.logger
                gpuLogger[metadataKey: "source"] = "nvml"
                let gpus = settings.gpu.enabled
                    ? GPUSampler(
                        settings: settings.gpu,
                        environmentValue: getenv(NVMLLibraryLocation.environmentVariable).map { String(cString: $0) },
                        logger: gpuLogger) : nil
                return [
                    AgentLoop(
                        config: context.config, heartbeat: context.heartbeat, notifier: context.notifier,
                        logger: context.logger, work: AgentLoop.nodeWork(gpus: gpus),
                        finish: { await gpus?.service.stop() })
                ]
            })
    }
}

