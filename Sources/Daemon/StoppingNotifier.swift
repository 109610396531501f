import ServiceLifecycle

/// Tells systemd `STOPPING=1` the moment graceful shutdown begins, before the other services drain.
/// Registered last in the group, so the group (which shuts down in reverse order) signals it first.
struct StoppingNotifier: Service {
    let notifier: SystemdNotifier

    func run() async throws {
        try? await gracefulShutdown()
        notifier.notify(.stopping, .status("stopping"))
    }
}
