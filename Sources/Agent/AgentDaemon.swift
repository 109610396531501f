import Daemon
import GreencapConfig
import ServiceLifecycle

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
            makeServices: { context in
                [
                    AgentLoop(
                        config: context.config, heartbeat: context.heartbeat, notifier: context.notifier,
                        logger: context.logger)
                ]
            })
    }
}
